"""Run install.sql / uninstall.sql on Oracle through python-oracledb (thin mode), no SQL*Plus needed.

The files are split as SQL*Plus would run them: a PL/SQL unit (CREATE PACKAGE/TRIGGER/..., or an
anonymous block) ends at a line holding only `/`; any other statement ends at a `;` closing a line.
SQL*Plus commands (WHENEVER, SET, PROMPT) are skipped; `@@file` includes are followed.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

DATABASE_DIR = Path(__file__).resolve().parent
PLSQL_START = re.compile(r"^\s*(CREATE\s+(OR\s+REPLACE\s+)?(PACKAGE|TRIGGER|PROCEDURE|FUNCTION|TYPE)\b|DECLARE\b|BEGIN\b)", re.I)
SQLPLUS = re.compile(r"^\s*(WHENEVER|SET|PROMPT|SHOW|SPOOL|EXIT)\b", re.I)


def statements(script: Path) -> Iterator[tuple[Path, str]]:
    """Yield (file, statement) in the order SQL*Plus would execute them."""
    buf: list[str] = []
    in_plsql = False
    for line in script.read_text().splitlines():
        stripped = line.strip()
        if not buf:
            if not stripped or stripped.startswith("--"):
                continue
            include = re.match(r"^@@(\S+)", stripped)
            if include:
                yield from statements((script.parent / include.group(1)).resolve())
                continue
            if SQLPLUS.match(line):
                continue
            in_plsql = bool(PLSQL_START.match(line))
        if in_plsql:
            if stripped == "/":
                yield script, "\n".join(buf)
                buf = []
            else:
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
    conn.commit()
    return count


def install(conn) -> int:
    return run_script(conn, DATABASE_DIR / "install.sql")


def uninstall(conn) -> int:
    return run_script(conn, DATABASE_DIR / "uninstall.sql", stop_on_error=False)
