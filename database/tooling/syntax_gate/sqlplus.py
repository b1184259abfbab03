"""SQL*Plus reading: comments and literals masked, SQL*Plus command lines checked and dropped, and the
script split into units (PL/SQL up to a `/` line, SQL up to a `;` at the end of a line) as SQL*Plus runs it."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from database.tooling.syntax_gate.findings import Finding

# Lexical masking: comments blanked, string contents replaced, so `;` and keywords can be found.
_Q_CLOSE = {"[": "]", "{": "}", "(": ")", "<": ">"}


def mask_line(line: str, state):
    """Mask one line (no newline). state: None | ('comment',) | ('string', closing) -> (masked, state)."""
    out = []
    i, n = 0, len(line)
    while i < n:
        if state is not None:
            if state[0] == "comment":
                j = line.find("*/", i)
                if j < 0:
                    out.append(" " * (n - i))
                    return "".join(out), state
                out.append(" " * (j + 2 - i))
                i = j + 2
                state = None
                continue
            closing = state[1]
            j = i
            while True:
                j = line.find(closing, j)
                if j < 0:
                    out.append("x" * (n - i))
                    return "".join(out), state
                if closing == "'" and line.startswith("''", j):
                    j += 2  # doubled quote inside a plain literal
                    continue
                break
            out.append("x" * (j - i) + closing)
            i = j + len(closing)
            state = None
            continue
        c = line[i]
        if c == "-" and line.startswith("--", i):
            out.append(" " * (n - i))
            return "".join(out), None
        if c == "/" and line.startswith("/*", i):
            out.append("  ")
            i += 2
            state = ("comment",)
            continue
        m = re.match(r"(?i)(n?q)'(.)", line[i:])
        if m and (i == 0 or not (line[i - 1].isalnum() or line[i - 1] in "_$#")):
            opener = m.group(2)
            closing = _Q_CLOSE.get(opener, opener) + "'"
            out.append(m.group(0))
            i += len(m.group(0))
            state = ("string", closing)
            continue
        if c == "'":
            out.append("'")
            i += 1
            state = ("string", "'")
            continue
        if c == '"':
            out.append('"')
            i += 1
            state = ("string", '"')
            continue
        out.append(c)
        i += 1
    return "".join(out), state


# SQL*Plus commands and statement splitting
_SQLPLUS_SET_VARS = {
    "APPINFO", "APPI", "ARRAYSIZE", "ARRAY", "AUTOCOMMIT", "AUTO", "AUTOPRINT", "AUTOP", "AUTOTRACE",
    "AUTOT", "COLSEP", "DEFINE", "DEF", "ECHO", "ESCAPE", "ESC", "FEEDBACK", "FEED", "HEADING", "HEA",
    "LINESIZE", "LIN", "LONG", "NEWPAGE", "NEWP", "NULL", "NUMWIDTH", "NUM", "PAGESIZE", "PAGES", "SCAN",
    "SERVEROUTPUT", "SERVEROUT", "SQLBLANKLINES", "SQLBL", "SQLTERMINATOR", "SQLT", "TAB", "TERMOUT",
    "TERM", "TIME", "TI", "TIMING", "TIMI", "TRIMOUT", "TRIMO", "TRIMSPOOL", "TRIMS", "VERIFY", "VER",
    "WRAP", "WRA", "LOBPREFETCH", "STATEMENTCACHE", "STATEMENTC", "ERRORLOGGING", "ERRORL", "EXITCOMMIT",
    "EXITC", "SUFFIX", "SUF",
}
_WHENEVER = re.compile(
    r"(?i)^WHENEVER\s+(SQLERROR|OSERROR)\s+("
    r"EXIT(\s+(SUCCESS|FAILURE|WARNING|\d+|SQL\.SQLCODE|:\w+))?(\s+(COMMIT|ROLLBACK))?"
    r"|CONTINUE(\s+(COMMIT|ROLLBACK|NONE))?"
    r")\s*;?\s*$")
_SHOW_ERRORS = re.compile(r"(?i)^SHO(W)?\s+ERR(ORS)?(\s+[\w\s.$#\"]+)?\s*;?\s*$")


def _sqlplus_command(stripped: str, script_dir: Path):
    """(is_command, problem) for one line at a statement boundary; problem None when fine."""
    if stripped.startswith("@"):
        target = stripped.lstrip("@").strip().split()[0] if stripped.lstrip("@").strip() else ""
        if not target:
            return True, "SQL*Plus @/@@ without a file name"
        if target.startswith("&"):  # a file chosen at run time (COLUMN ... NEW_VALUE): nothing to check here
            return True, None
        candidates = [script_dir / target]
        if not os.path.splitext(target)[1]:
            candidates.append(script_dir / (target + ".sql"))
        if not any(c.is_file() for c in candidates):
            return True, f"SQL*Plus {'@@' if stripped.startswith('@@') else '@'} names a missing file: {target}"
        return True, None
    words = stripped.split()
    first = words[0].upper()
    if first == "START":
        if len(words) < 2:
            return True, "SQL*Plus START without a file name"
        return True, None
    if first == "WHENEVER":
        return True, (None if _WHENEVER.match(stripped) else f"malformed SQL*Plus WHENEVER: {stripped}")
    if first == "SET" and len(words) >= 2 and words[1].upper().rstrip(";") in _SQLPLUS_SET_VARS:
        if len(words) < 3 and words[1].upper() not in ("NULL",):
            return True, f"SQL*Plus SET without a value: {stripped}"
        return True, None
    if first in ("PROMPT", "PRO", "REM", "REMARK"):
        return True, None
    if first in ("COLUMN", "COL"):
        return True, (None if len(words) >= 3 else f"SQL*Plus COLUMN without a column and a format: {stripped}")
    if first in ("EXIT", "QUIT"):
        return True, f"SQL*Plus {first} ends the whole session, also an install.sql that runs this file: leave it out"
    if first in ("SHOW", "SHO"):
        return True, (None if _SHOW_ERRORS.match(stripped) else f"unsupported SQL*Plus SHOW: {stripped}")
    if first in ("SPOOL", "SPO"):
        return True, (None if len(words) >= 2 else "SQL*Plus SPOOL without a file name or OFF")
    return False, None


_PLSQL_START = re.compile(
    r"(?i)^(DECLARE|BEGIN)\b"
    r"|^CREATE\s+(OR\s+REPLACE\s+)?((NON)?EDITIONABLE\s+)?(PACKAGE|PROCEDURE|FUNCTION|TRIGGER|TYPE|LIBRARY)\b"
    r"|^WITH\s+(FUNCTION|PROCEDURE)\b")
_CREATE_PREFIX = re.compile(r"(?i)^CREATE(\s+(OR(\s+(REPLACE(\s+((NON)?(EDITIONABLE)?)?)?)?)?)?)?\s*$")


@dataclass
class Unit:
    kind: str            # 'sql' | 'plsql'
    start_line: int      # 1-based
    lines: list[str] = field(default_factory=list)
    masked: list[str] = field(default_factory=list)
    terminated: bool = False

    @property
    def end_line(self) -> int:
        return self.start_line + len(self.lines) - 1


def split_sqlplus(text: str, path: Path) -> tuple[list[Unit], list[Finding]]:
    """Split a script the way SQL*Plus reads it; SQL*Plus command lines are dropped (checked here)."""
    findings: list[Finding] = []
    units: list[Unit] = []
    script_dir = path.parent
    cur: Unit | None = None
    lex = None          # masking state carried across lines
    kind_known = False
    blank_at: int | None = None  # first blank line inside the current SQL statement
    for no, raw in enumerate(text.split("\n"), 1):
        raw = raw.rstrip("\r")
        stripped = raw.strip()
        if cur is None:
            if lex is None:
                if not stripped:
                    continue
                if stripped == "/":
                    findings.append(Finding(path, no, 1, "'/' with no statement before it: SQL*Plus runs the "
                                                         "previous statement again (a SQL statement ending with "
                                                         "';' needs no '/')"))
                    continue
                is_cmd, problem = _sqlplus_command(stripped, script_dir)
                if is_cmd:
                    if problem:
                        findings.append(Finding(path, no, 1, problem))
                    continue
            masked, lex = mask_line(raw, lex)
            if not masked.strip():
                continue  # comment lines between statements
            cur = Unit(kind="sql", start_line=no, lines=[raw], masked=[masked])
            kind_known = False
            blank_at = None
        else:
            if stripped == "/":
                cur.terminated = True
                units.append(cur)
                cur, lex = None, None
                continue
            if cur.kind == "plsql" and stripped == ".":
                findings.append(Finding(path, no, 1, "'.' ends the PL/SQL unit without running it"))
                units.append(cur)
                cur, lex = None, None
                continue
            if cur.kind == "sql" and kind_known and not stripped:
                if blank_at is None:
                    blank_at = no
            elif blank_at is not None:
                findings.append(Finding(path, blank_at, 1, "blank line inside a SQL statement: SQL*Plus ends "
                                                           "the statement here (SQLBLANKLINES is OFF); remove "
                                                           "the line or make it a -- comment"))
                blank_at = None
            masked, lex = mask_line(raw, lex)
            cur.lines.append(raw)
            cur.masked.append(masked)
        if not kind_known:
            head = " ".join(" ".join(cur.masked).split())
            if _PLSQL_START.match(head):
                cur.kind, kind_known = "plsql", True
            elif not _CREATE_PREFIX.match(head) and not re.match(r"(?i)^WITH\s*$", head):
                kind_known = True
        if cur.kind == "sql" and lex is None and masked.rstrip().endswith(";"):
            kind_known = True
            cur.terminated = True
            units.append(cur)
            cur = None
    if cur is not None:
        units.append(cur)
        what = "PL/SQL unit has no '/' line after it" if cur.kind == "plsql" else \
            "statement has no ';' at the end of a line (nor a '/' line)"
        findings.append(Finding(path, cur.start_line, 1, f"{what}: SQL*Plus never runs it"))
    return units, findings

