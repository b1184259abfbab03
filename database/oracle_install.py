"""Run install.sql / uninstall.sql on Oracle through python-oracledb (thin mode), no SQL*Plus needed.

The files are split as SQL*Plus would run them (and as scripts/syntax_gate.py checks them): a PL/SQL
unit (CREATE [OR REPLACE] [[NON]EDITIONABLE] PACKAGE/TRIGGER/..., or an anonymous block) ends at a line
holding only `/`; any other statement ends at a `;` closing a line, or at a `/` line. SQL*Plus commands
(WHENEVER, SET <SQL*Plus variable>, PROMPT, REMARK, SHOW, SPOOL, EXIT) are skipped; `@@file`, `@file`
and `START file` includes are followed (relative to the including script).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from api.db.session import Session
from database import versioning

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


def run_script(conn, script: Path, *, stop_on_error: bool = True) -> int:
    """Execute every statement of a script; returns how many ran. Commits at the end."""
    count = 0
    with conn.cursor() as cur:
        for source, stmt in statements(script):
            if stmt.strip().upper() == "COMMIT":
                conn.commit()
                continue
            try:
                cur.execute(stmt)
                count += 1
            except Exception as exc:
                if stop_on_error:
                    raise RuntimeError(f"{source.name}: {exc}\n--- statement ---\n{stmt[:400]}") from exc
                continue
            # a unit that compiles with errors is created INVALID and only warned about (DPY-7000):
            # stop at it, naming its errors, rather than at 099_verify_oracle.sql's count at the end
            if cur.warning is not None and stop_on_error:
                raise RuntimeError(f"{source.name}: {cur.warning}\n{_compile_errors(cur, stmt)}")
    conn.commit()
    return count


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
        cur.execute("UPDATE schema_version SET checksum = :checksum WHERE script = 'install.sql'",
                    {"checksum": versioning.sources_checksum()[:64]})
    conn.commit()
    return count


def uninstall(conn) -> int:
    return run_script(conn, DATABASE_DIR / "uninstall.sql", stop_on_error=False)


def upgrade(conn) -> dict:
    """Bring an installed schema to the sources, keeping its data. Oracle commits every DDL statement,
    so each migration is recorded as soon as it has run: an interrupted upgrade resumes where it
    stopped. Then every package, view and trigger is created again and the grants applied again."""
    session = Session(conn, "oracle")
    state = versioning.read_state(session)
    if state.version is None:
        raise RuntimeError("no finished ILS install in this schema to upgrade: run `oracle install --if-missing`")
    pending = [m for m in versioning.migrations("oracle") if m.version > state.version]
    for m in pending:
        run_script(conn, m.path)
        versioning.stamp(session, m.version, m.script, m.checksum)
        conn.commit()
    count = sum(run_script(conn, f) for f in versioning.replayed_files() if f != versioning.STAMP_SCRIPT)
    versioning.stamp(session, versioning.latest(), "sources", versioning.sources_checksum())
    conn.commit()
    return {"from": state.version, "to": versioning.latest(), "migrations": [m.script for m in pending],
            "statements": count}


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
