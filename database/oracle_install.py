"""Run install.sql / uninstall.sql (and the jobs and accounts scripts) on Oracle through python-oracledb
(thin mode), no SQL*Plus needed.

The files are split as SQL*Plus would run them (and as database/tooling/syntax_gate/ checks them): a PL/SQL
unit (CREATE [OR REPLACE] [[NON]EDITIONABLE] PACKAGE/TRIGGER/..., or an anonymous block) ends at a line
holding only `/`; any other statement ends at a `;` closing a line, or at a `/` line. SQL*Plus commands
(WHENEVER, SET <SQL*Plus variable>, PROMPT, REMARK, SHOW, SPOOL, EXIT) are skipped; `@@file`, `@file`
and `START file` includes are followed (relative to the including script). SQL*Plus substitution
variables are supported where create_users.sql uses them, as a whole quoted literal ('&&name'): each
becomes a bind variable, so a value is never spliced into the text.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterator

from database import versioning
from datalayer.session import Session

DATABASE_DIR = Path(__file__).resolve().parent
PLSQL_START = re.compile(r"^\s*(CREATE\s+(OR\s+REPLACE\s+)?((NON)?EDITIONABLE\s+)?"
                         r"(PACKAGE|TRIGGER|PROCEDURE|FUNCTION|TYPE|LIBRARY)\b|DECLARE\b|BEGIN\b|WITH\s+(FUNCTION|PROCEDURE)\b)",
                         re.I)
# a CREATE head split over lines ("CREATE OR REPLACE" alone on its line): the kind is known on the next line
CREATE_PREFIX = re.compile(r"^\s*CREATE(\s+OR(\s+REPLACE(\s+((NON)?EDITIONABLE)?)?)?)?\s*$", re.I)
# SET TRANSACTION / SET ROLE / SET CONSTRAINT(S) are SQL statements, not SQL*Plus commands
SQLPLUS = re.compile(r"^\s*((WHENEVER|PROMPT|PRO|REMARK|REM|SHOW|SHO|SPOOL|SPO|EXIT|QUIT)\b"
                     r"|SET\s+(?!(TRANSACTION|ROLE|CONSTRAINTS?)\b)\w)", re.I)
INCLUDE = re.compile(r"^(@@?|START\s+)(\S+)", re.I)
SUBSTITUTION_LITERAL = re.compile(r"'&&?(\w+)'")
SUBSTITUTION = re.compile(r"&&?\w")


def statements(script: Path) -> Iterator[tuple[Path, str]]:
    """Yield (file, statement) in the order SQL*Plus would execute them."""
    buf: list[str] = []
    in_plsql = False
    for line in script.read_text().splitlines():
        stripped = line.strip()
        if not buf:
            if not stripped or stripped.startswith("--") or stripped == "/":
                continue
            include = INCLUDE.match(stripped)
            if include:
                target = script.parent / include.group(2)
                if not target.suffix:
                    target = target.with_suffix(".sql")
                yield from statements(target.resolve())
                continue
            if SQLPLUS.match(line):
                continue
            in_plsql = bool(PLSQL_START.match(line))
        elif len(buf) == 1 and CREATE_PREFIX.match(buf[0]):
            in_plsql = bool(PLSQL_START.match(buf[0] + " " + line))
        if stripped == "/":
            text = "\n".join(buf)
            yield script, text if in_plsql else text.rstrip().rstrip(";")
            buf = []
        elif in_plsql:
            buf.append(line)
        else:
            buf.append(line)
            if stripped.endswith(";") and not stripped.startswith("--"):
                yield script, "\n".join(buf).rstrip().rstrip(";")
                buf = []
    if buf and "\n".join(buf).strip():
        yield script, "\n".join(buf)


def run_script(conn, script: Path, *, stop_on_error: bool = True, defines: dict[str, str] | None = None,
               on_output: Callable[[str], None] | None = None) -> int:
    """Execute every statement of a script; returns how many ran. Commits at the end.

    defines: values of the script's substitution variables ('&&name' literals, passed as binds).
    on_output: called with each DBMS_OUTPUT line the statements write (SET SERVEROUTPUT ON).
    """
    count = 0
    with conn.cursor() as cur:
        if on_output is not None:
            cur.callproc("dbms_output.enable", [None])
        for source, stmt in statements(script):
            if stmt.strip().upper() == "COMMIT":
                conn.commit()
                continue
            stmt, binds = _substitute(stmt, defines, source)
            try:
                cur.execute(stmt, binds or None)
                count += 1
            except Exception as exc:
                if stop_on_error:
                    raise RuntimeError(f"{source.name}: {exc}\n--- statement ---\n{stmt[:400]}") from exc
                continue
            finally:
                if on_output is not None:
                    _drain_output(cur, on_output)
            # a unit that compiles with errors is created INVALID and only warned about (DPY-7000):
            # stop at it, naming its errors, rather than at 099_verify_oracle.sql's count at the end
            if cur.warning is not None and stop_on_error:
                raise RuntimeError(f"{source.name}: {cur.warning}\n{_compile_errors(cur, stmt)}")
    conn.commit()
    return count


def _substitute(stmt: str, defines: dict[str, str] | None, source: Path) -> tuple[str, dict[str, str]]:
    """'&&name' literals as binds :name (only for scripts run with defines, as SET DEFINE ON would)."""
    if defines is None:
        return stmt, {}
    binds: dict[str, str] = {}

    def bind(m: re.Match) -> str:
        name = m.group(1).lower()
        if name not in defines:
            raise RuntimeError(f"{source.name}: substitution variable {name} is not defined")
        binds[name] = defines[name]
        return ":" + name

    stmt = SUBSTITUTION_LITERAL.sub(bind, stmt)
    if SUBSTITUTION.search(stmt):
        raise RuntimeError(f"{source.name}: a substitution variable outside a quoted literal is not supported")
    return stmt, binds


def _drain_output(cur, on_output: Callable[[str], None]) -> None:
    line, status = cur.var(str, 32767), cur.var(int)
    while True:
        cur.callproc("dbms_output.get_line", (line, status))
        if status.getvalue() != 0:
            return
        on_output(line.getvalue() or "")


UNIT = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:NON)?EDITIONABLE\s+)?"
                  r"(PACKAGE\s+BODY|TYPE\s+BODY|PACKAGE|TRIGGER|PROCEDURE|FUNCTION|TYPE)\s+\"?([\w$#]+)", re.I)


def _compile_errors(cur, stmt: str) -> str:
    """USER_ERRORS of the unit the statement created, one line each (SHOW ERRORS)."""
    unit = UNIT.search(stmt)
    if unit is None:
        return stmt[:400]
    kind, name = re.sub(r"\s+", " ", unit.group(1)).upper(), unit.group(2).upper()
    cur.execute("SELECT line, position, text FROM user_errors WHERE type = :kind AND name = :name "
                "ORDER BY sequence", {"kind": kind, "name": name})
    return "\n".join(f"{kind} {name} line {line}:{pos} {text.strip()}" for line, pos, text in cur.fetchall())


def install(conn) -> int:
    """A fresh install (install.sql), its version row carrying the checksum of the sources."""
    count = run_script(conn, DATABASE_DIR / "install.sql")
    with conn.cursor() as cur:
        cur.execute("UPDATE schema_version SET checksum = :checksum WHERE script = 'install.sql' AND version > 0",
                    {"checksum": versioning.sources_checksum()[:64]})
    conn.commit()
    return count


def uninstall(conn) -> int:
    """Drops only the ILS objects that exist (uninstall.sql checks each): any error is a real one."""
    return run_script(conn, DATABASE_DIR / "uninstall.sql")


def install_jobs(conn, on_output: Callable[[str], None] | None = None) -> int:
    return run_script(conn, DATABASE_DIR / "install_jobs.sql", on_output=on_output)


def uninstall_jobs(conn, on_output: Callable[[str], None] | None = None) -> int:
    return run_script(conn, DATABASE_DIR / "uninstall_jobs.sql", on_output=on_output)


def create_users(conn, *, owner: str, owner_password: str, app_password: str, app_user: str = "",
                 tablespace: str = "", on_output: Callable[[str], None] | None = None) -> int:
    """create_users.sql as a DBA (empty app_user / tablespace: the script's defaults)."""
    defines = {"ils_owner": owner, "ils_owner_password": owner_password, "ils_app_user": app_user,
               "ils_app_password": app_password, "ils_tablespace": tablespace}
    return run_script(conn, DATABASE_DIR / "create_users.sql", defines=defines, on_output=on_output)


def upgrade(conn) -> dict:
    """Bring an installed schema to the sources, keeping its data. Oracle commits every DDL statement,
    so each migration is recorded as soon as it has run: an interrupted upgrade resumes where it
    stopped. Then every package, view and trigger is created again and the grants applied again."""
    session = Session(conn, "oracle")
    state = versioning.read_state(session)
    if state.version is None:
        raise RuntimeError("no finished ILS install in this schema to upgrade: run `oracle install --if-missing`")
    versioning.refuse_newer(state)
    pending = [m for m in versioning.migrations("oracle") if m.version > state.version]
    for m in pending:
        run_script(conn, m.path)
        versioning.stamp(session, m.version, m.script, m.checksum)
        conn.commit()
    count = sum(run_script(conn, f) for f in versioning.replayed_files()
                if f not in (versioning.STAMP_SCRIPT, versioning.STARTED_SCRIPT))
    dropped = drop_retired_code(conn)
    versioning.stamp(session, versioning.latest(), "sources", versioning.sources_checksum())
    conn.commit()
    return {"from": state.version, "to": versioning.latest(), "migrations": [m.script for m in pending],
            "statements": count, "dropped": dropped}


# The project's names for code objects: packages lib_*, views *_v, triggers *_trg. An object of the schema
# named so that the sources no longer create was created by an earlier version: an upgrade drops it (on
# PostgreSQL the build drops every code object and creates the current ones).
CODE_OBJECT = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:NON)?EDITIONABLE\s+)?"
                         r"(PACKAGE|VIEW|TRIGGER)\s+(?!BODY\b)(\w+)", re.I | re.M)
OURS = {"PACKAGE": re.compile(r"^LIB_\w+$"), "VIEW": re.compile(r"^\w+_V$"), "TRIGGER": re.compile(r"^\w+_TRG$")}
_USER_CODE = "SELECT object_type, object_name FROM user_objects WHERE object_type IN ('PACKAGE', 'VIEW', 'TRIGGER')"


def source_code_objects() -> set[tuple[str, str]]:
    """(type, NAME) of every package, view and trigger the sources create."""
    return {(kind.upper(), name.upper()) for f in versioning.replayed_files()
            for kind, name in CODE_OBJECT.findall(f.read_text())}


def retired_code(existing: list[tuple[str, str]], sources: set[tuple[str, str]]) -> list[str]:
    """DROP statements for the schema's objects named as ours that the sources no longer create."""
    return [f"DROP {kind} {name}" for kind, name in sorted(existing)
            if (kind, name) not in sources and kind in OURS and OURS[kind].match(name)]


def drop_retired_code(conn) -> list[str]:
    with conn.cursor() as cur:
        cur.execute(_USER_CODE)
        drops = retired_code([(t, n) for t, n in cur.fetchall()], source_code_objects())
        for stmt in drops:
            cur.execute(stmt)
    return drops


def ensure(conn) -> str:
    """Install, finish or upgrade as the schema needs (`oracle install --if-missing`); returns what it did.
    A half-done install (a schema_version table without a row, or tables without it) is removed and
    done again: nothing of it can hold data worth keeping."""
    action = versioning.plan(versioning.read_state(Session(conn, "oracle")), versioning.sources_checksum())
    if action == "reinstall":
        uninstall(conn)
    if action in ("install", "reinstall"):
        install(conn)
    elif action == "upgrade":
        upgrade(conn)
    return action
