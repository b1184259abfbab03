"""Oracle syntax gate: every Oracle source file must parse with a real Oracle grammar.

    python -m scripts.syntax_gate [--jobs N] [--no-cache] [paths...]

Default paths: every *.sql, *.pks, *.pkb, *.trg under database/ and plsql/, except database/postgres/
(PostgreSQL compat files, not Oracle source) and *.postgres.sql (the PostgreSQL text of a migration
whose engines need different SQL). A directory argument expands the same way.
Exit status: 0 clean, 1 any finding (including a missing or unreadable file).

The grammar is sqlfluff's `oracle` dialect (pinned in requirements.txt). The gate adds what sqlfluff
does not check, reading each file the way SQL*Plus/SQLcl runs it:

1. SQL*Plus commands. At a statement boundary these command lines are checked by the gate's own
   patterns and then replaced by blank lines (line numbers stay the same), because sqlfluff rejects
   some of them (`WHENEVER`, `@@010_file.sql`, lower-case `prompt`):
   `@file`, `@@file` (the file must exist, relative to the script's folder), `START file`,
   `WHENEVER SQLERROR|OSERROR EXIT ...|CONTINUE ...`, `SET <SQL*Plus system variable> ...`
   (not `SET TRANSACTION`/`SET ROLE`/`SET CONSTRAINT(S)`, which are SQL), `PRO[MPT] [text]`,
   `REM[ARK] [text]`, `SHO[W] ERR[ORS] ...`, `SPO[OL] file|OFF`. `EXIT`/`QUIT` are reported: they would
   end an install.sql that runs the file.
2. Statement splitting as SQL*Plus does it: a PL/SQL unit (`CREATE [OR REPLACE] [EDITIONABLE |
   NONEDITIONABLE] PACKAGE | PACKAGE BODY | PROCEDURE | FUNCTION | TRIGGER | TYPE | TYPE BODY`, or an
   anonymous `DECLARE`/`BEGIN` block) runs up to a line holding only `/`; a SQL statement up to a `;` at
   the end of a line (or a `/` line). Findings: a unit or statement never terminated (SQL*Plus silently
   never runs it), a `/` with no statement before it (SQL*Plus runs the previous statement again), a
   blank line inside a SQL statement (SQL*Plus ends the statement there: SQLBLANKLINES is OFF by
   default), a UTF-8 byte order mark.
3. Each unit/statement is parsed alone and must be exactly one statement: two statements in one unit
   mean a missing `;` or `/` (sqlfluff alone accepts `CREATE TABLE t (...)` directly followed by the next
   statement). Code that sqlfluff's lexer would swallow as a SQL*Plus `PROMPT`/`ACCEPT`/`REMARK`
   command (an identifier starting with `PROMPT`, or `acc`/`rem` followed by text up to the end of the
   line) is reported, since it would go unchecked.
4. In the parse tree, errors the grammar tolerates but Oracle rejects: a PL/SQL statement not followed
   by `;` (`RETURN x` directly followed by `END f;`), two expressions with no `,` between them
   (`f(-20001 'text')`), `SELECT` without `INTO` as a PL/SQL statement (PLS-00428), `END name` not
   matching its procedure/function/trigger/package (PLS-00113). A PL/SQL unit must end with `;`.
5. Function-based indexes (sqlfluff 4.5 rejects any expression in an index column list) are checked
   in two parts instead of being skipped: the statement with the column list replaced by one column,
   and the column expressions as the ORDER BY list of a SELECT on the same table.

Packages of SPLIT_MIN_LINES lines or more are parsed per top-level procedure/function (each wrapped in a
dummy package) plus a skeleton holding the rest, so one big body uses both cores and an edit re-parses
one subprogram; if any part fails, the whole unit is parsed and decides. sqlfluff names only the first
line of a failing unit; the gate adds which procedure/function fails and, when it sees one, a likely
cause from plsql/SYNTAX_GATE.md.

Parsing runs in --jobs processes (default 2). Results per parsed text are cached under
.build/syntax_gate/ keyed by the sqlfluff version, this file's content and the text.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("database", "plsql")
EXCLUDED_DIRS = (Path("database") / "postgres",)
EXCLUDED_SUFFIX = ".postgres.sql"  # PostgreSQL-only variant of a migration (database/migrations/README.md)
SUFFIXES = (".sql", ".pks", ".pkb", ".trg")
CACHE_DIR = REPO_ROOT / ".build" / "syntax_gate"
CACHE_ENTRIES = 20000  # parsed texts kept, most recently used first
DIALECT = "oracle"


@dataclass(frozen=True, order=True)
class Finding:
    path: Path
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{_display(self.path)}:{self.line}:{self.col}: {self.message}"


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------------------------------
# File discovery

def default_paths(root: Path = REPO_ROOT) -> list[Path]:
    """Every Oracle source file of the project, sorted."""
    files: list[Path] = []
    for d in SOURCE_DIRS:
        files.extend(_expand_dir(root / d, root))
    return sorted(files)


def _expand_dir(directory: Path, root: Path = REPO_ROOT) -> list[Path]:
    excluded = [(root / e).resolve() for e in EXCLUDED_DIRS]
    out = []
    for p in directory.rglob("*"):
        if not p.is_file() or p.suffix.lower() not in SUFFIXES:
            continue
        if p.name.endswith(".postgres.sql"):  # a migration's PostgreSQL text (database/migrations/README.md)
            continue
        rp = p.resolve()
        if any(rp.is_relative_to(e) for e in excluded) or p.name.endswith(EXCLUDED_SUFFIX):
            continue
        out.append(p)
    return sorted(out)


# --------------------------------------------------------------------------------------------------
# Lexical masking: comments blanked, string contents replaced, so `;` and keywords can be found.

_Q_CLOSE = {"[": "]", "{": "}", "(": ")", "<": ">"}


def _mask_line(line: str, state):
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


# --------------------------------------------------------------------------------------------------
# SQL*Plus: commands and statement splitting

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
            masked, lex = _mask_line(raw, lex)
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
            masked, lex = _mask_line(raw, lex)
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


# --------------------------------------------------------------------------------------------------
# sqlfluff parsing (in worker processes)

_LINTER = None
_HIDING_LEXERS = {"prompt_command": "PROMPT", "accept_command": "ACCEPT", "remark_command": "REMARK"}


def _linter():
    global _LINTER
    if _LINTER is None:
        from sqlfluff.core import FluffConfig, Linter
        cfg = FluffConfig(overrides={"dialect": DIALECT, "templater": "raw"})
        _LINTER = Linter(config=cfg)
    return _LINTER


def _parse(text: str) -> dict:
    """Parse one statement text; return violations, top-level statements and hidden code."""
    try:
        parsed = _linter().parse_string(text, fname="<unit>")
    except Exception as e:  # a crash must fail the gate, never pass it
        return {"violations": [[1, 1, f"sqlfluff failed: {type(e).__name__}: {_short(str(e))}"]],
                "statements": [], "hidden": [], "unparsable": True}
    violations = [[v.line_no, v.line_pos, _short(v.desc())] for v in parsed.violations]
    unparsable = bool(violations)
    statements, hidden = [], []
    root = parsed.root_variant()
    tree = root.tree if root is not None else None
    if tree is None and not violations:
        violations.append([1, 1, "sqlfluff produced no parse tree"])
    if tree is not None:
        for seg in tree.recursive_crawl("statement", "execute_file_statement", recurse_into=False):
            statements.append([seg.get_type(), seg.pos_marker.line_no, seg.pos_marker.line_pos,
                               seg.raw.split("\n", 1)[0][:60]])
        for seg in tree.raw_segments:
            for lexer_type, command in _HIDING_LEXERS.items():
                if seg.is_type(lexer_type):
                    hidden.append([seg.pos_marker.line_no, seg.pos_marker.line_pos, command, seg.raw[:60]])
        if not violations:
            violations.extend(_tree_checks(tree))
    return {"violations": violations, "statements": statements, "hidden": hidden, "unparsable": unparsable}


def _code(seg) -> list:
    return [c for c in seg.segments if not (c.is_whitespace or c.is_comment or c.is_meta)]


def _after(seg) -> list[int]:
    """[line, col] just after the last character of seg."""
    last = seg.raw_segments[-1] if seg.raw_segments else seg
    return [last.pos_marker.line_no, last.pos_marker.line_pos + len(last.raw)]


def _name(seg) -> str:
    return seg.raw.split(".")[-1].strip('"').upper() if seg.raw.count('"') % 2 == 0 else seg.raw.upper()


def _tree_checks(tree) -> list[list]:
    """Errors sqlfluff's oracle grammar tolerates but Oracle rejects (PLS-00103, PLS-00428, PLS-00113)."""
    out: list[list] = []
    _walk(tree, None, out)
    return out


def _walk(seg, parent, out: list[list]) -> None:
    if not seg.segments:
        return
    kids = _code(seg)
    for kid in kids:
        _walk(kid, seg, out)
    in_block = seg.get_type() not in ("batch", "file")
    parent_in_block = parent is not None and parent.get_type() not in ("batch", "file")
    for a, b in zip(kids, kids[1:] + [None]):
        if in_block and a.is_type("statement") and (b is None or not b.is_type("statement_terminator")):
            out.append(_after(a) + ["missing ';' after this statement" +
                                    (f" (before {b.raw.split()[0]!r})" if b is not None and b.raw.split() else "")])
        if b is not None and a.is_type("expression") and b.is_type("expression"):
            out.append(_after(a) + [f"missing ',' between {a.raw[:30]!r} and {b.raw[:30]!r}"])
    if parent_in_block and seg.is_type("statement") and kids:
        first = kids[0]
        select = first
        if first.is_type("with_compound_statement"):
            select = next((c for c in _code(first) if c.is_type("select_statement", "set_expression")), first)
        if select.is_type("set_expression"):
            select = next((c for c in _code(select) if c.is_type("select_statement")), select)
        if select.is_type("select_statement") and not any(
                c.is_type("into_clause", "bulk_collect_into_clause") for c in _code(select)):
            out.append([first.pos_marker.line_no, first.pos_marker.line_pos,
                        "SELECT without INTO inside PL/SQL (PLS-00428): add INTO, or loop over it with "
                        "FOR r IN (SELECT ...) LOOP"])
    if seg.is_type("create_procedure_statement", "create_function_statement", "create_trigger_statement",
                   "create_package_statement", "create_package_body_statement"):
        names = [c for c in kids if c.is_type("function_name", "trigger_reference", "package_reference")]
        label = None
        if seg.is_type("create_package_statement", "create_package_body_statement"):
            label = names[1] if len(names) > 1 else None
        else:
            block = next((c for c in kids if c.is_type("begin_end_block")), None)
            if block is None:
                block = next((c for k in kids if k.is_type("statement") for c in _code(k)
                              if c.is_type("begin_end_block")), None)
            if block is not None:
                bk = _code(block)
                if len(bk) >= 2 and bk[-2].raw.upper() == "END" and bk[-1].is_type("object_reference"):
                    label = bk[-1]
        if names and label is not None and _name(label) != _name(names[0]):
            out.append([label.pos_marker.line_no, label.pos_marker.line_pos,
                        f"END {label.raw} does not match {names[0].raw} (PLS-00113)"])


def _short(desc: str) -> str:
    desc = re.sub(r"^Line \d+, Position \d+: ", "", " ".join(desc.split()))
    m = re.match(r"Found unparsable section: (.*?)\. Expected: (.*)$", desc)
    if m:
        expected = m.group(2).rstrip(".")
        desc = f"sqlfluff (oracle) cannot parse the statement from here: {m.group(1)}"
        if "<" not in expected and not expected.startswith("Nothing"):
            desc += f" (expected {expected})"
    return desc if len(desc) <= 300 else desc[:297] + "..."


class _Parser:
    """Parses texts with a process pool and a content-keyed cache."""

    def __init__(self, jobs: int, use_cache: bool):
        self.jobs = max(1, jobs)
        self.use_cache = use_cache
        self.cache: dict[str, dict] = {}
        self.dirty = False
        import sqlfluff
        salt = sqlfluff.__version__ + DIALECT + hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
        self.salt = salt.encode()
        self.cache_file = CACHE_DIR / f"cache-{hashlib.sha256(self.salt).hexdigest()[:16]}.json"
        if use_cache:
            try:
                self.cache = json.loads(self.cache_file.read_text())
            except (OSError, ValueError):
                self.cache = {}

    def _key(self, text: str) -> str:
        return hashlib.sha256(self.salt + text.encode()).hexdigest()

    def parse_many(self, texts: list[str]) -> list[dict]:
        keys = [self._key(t) for t in texts]
        todo = {}
        for k, t in zip(keys, texts):
            if k not in self.cache and k not in todo:
                todo[k] = t
        if todo:
            order = sorted(todo, key=lambda k: -len(todo[k]))  # longest first balances the workers
            if self.jobs > 1 and len(order) > 1:
                _linter()  # warm up before fork so the workers inherit the loaded dialect
                methods = multiprocessing.get_all_start_methods()
                ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
                with ProcessPoolExecutor(max_workers=min(self.jobs, len(order)), mp_context=ctx) as ex:
                    results = list(ex.map(_parse, [todo[k] for k in order], chunksize=1))
            else:
                results = [_parse(todo[k]) for k in order]
            for k, r in zip(order, results):
                self.cache[k] = r
            self.dirty = True
        for k in keys:  # most recently used last: save() keeps the newest CACHE_ENTRIES
            self.cache[k] = self.cache.pop(k)
        return [self.cache[k] for k in keys]

    def save(self) -> None:
        if not (self.use_cache and self.dirty):
            return
        try:
            CACHE_DIR.mkdir(parents=True, exist_ok=True)
            for old in CACHE_DIR.glob("cache-*.json"):
                if old != self.cache_file:
                    old.unlink(missing_ok=True)
            keep = dict(list(self.cache.items())[-CACHE_ENTRIES:])
            tmp = self.cache_file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(keep))
            os.replace(tmp, self.cache_file)
        except OSError:
            pass  # the cache is an optimisation only


# --------------------------------------------------------------------------------------------------
# Parse tasks: a text and, for each of its lines, the line of the file it comes from

@dataclass
class Task:
    text: str
    line_map: list[int]

    @classmethod
    def of(cls, rows: list[tuple[str, int]]) -> "Task":
        return cls("\n".join(r[0] for r in rows) + "\n", [r[1] for r in rows] + [rows[-1][1]])

    def at(self, line: int) -> int:
        return self.line_map[min(max(line, 1), len(self.line_map)) - 1]


def _whole(unit: Unit) -> Task:
    return Task.of([(line, unit.start_line + i) for i, line in enumerate(unit.lines)])


# --------------------------------------------------------------------------------------------------
# Function-based indexes: checked in two parts

_CREATE_INDEX = re.compile(r"(?is)^\s*CREATE\s+(UNIQUE\s+|BITMAP\s+)?INDEX\s+[\w$#.\"]+\s+ON\s+([\w$#.\"]+)\s*\(")


def _fbi_parts(unit: Unit) -> list[Task] | None:
    """[statement with one plain column, SELECT 1 FROM t ORDER BY <index expressions>], same line layout."""
    masked = "\n".join(unit.masked)
    m = _CREATE_INDEX.match(masked)
    if not m:
        return None
    open_at = m.end() - 1
    depth = 0
    for i in range(open_at, len(masked)):
        if masked[i] == "(":
            depth += 1
        elif masked[i] == ")":
            depth -= 1
            if depth == 0:
                close_at = i
                break
    else:
        return None
    if not re.search(r"\(|\bCASE\b|[-+*/|]", masked[open_at + 1:close_at], re.I):
        return None  # no expression: a plain index that fails for another reason
    text = "\n".join(unit.lines)
    inner = text[open_at + 1:close_at]
    header = text[:open_at + 1] + "gate_fbi_column" + "\n" * inner.count("\n") + text[close_at:]
    rest = text[close_at:]
    select = "\n" * text[:open_at].count("\n") + f"SELECT 1 FROM {m.group(2)} ORDER BY " + inner + \
        "\n" * rest.count("\n") + ";"
    line_map = _whole(unit).line_map
    return [Task(header + "\n", line_map), Task(select + "\n", line_map)]


# --------------------------------------------------------------------------------------------------
# Packages: parsed per subprogram (faster on two cores, finer cache), and failures located

_SUBPROGRAM = re.compile(r"(?i)^(\s*)(PROCEDURE|FUNCTION)\s+[\w$#\"]+")
_PACKAGE_HEAD = re.compile(r"(?is)^\s*CREATE\s+(OR\s+REPLACE\s+)?((NON)?EDITIONABLE\s+)?PACKAGE\s+(BODY\s+)?")
SPLIT_MIN_LINES = 60  # smaller packages are parsed whole


@dataclass
class Piece:
    name: str
    first: int   # index into unit.lines
    last: int    # exclusive
    task: Task


def _split_package(unit: Unit) -> tuple[Task, list[Piece]] | None:
    """(skeleton, subprograms) of a package spec/body; None when it cannot be split.

    The top-level subprograms are found by indentation: every line starting with PROCEDURE/FUNCTION at
    the smallest indentation of such lines starts one piece, which runs to the next one or to the
    package's closing END (or initialisation BEGIN) written further left. Each piece is parsed inside
    `CREATE OR REPLACE PACKAGE [BODY] gate_probe AS ... END gate_probe;`; the skeleton is the unit with
    all pieces replaced by one dummy subprogram. Every line of the unit is in exactly one of them. If any
    of them fails, the whole unit is parsed and decides (the split is a heuristic, never trusted to fail).
    """
    m = _PACKAGE_HEAD.match("\n".join(unit.masked))
    if not m:
        return None
    is_body = bool(m.group(4))
    starts = []
    for idx, line in enumerate(unit.masked):
        sm = _SUBPROGRAM.match(line)
        if sm and idx > 0:
            starts.append((idx, len(sm.group(1).expandtabs()), sm.group(0).split()[-1]))
    if not starts:
        return None
    top = min(s[1] for s in starts)
    starts = [s for s in starts if s[1] == top]
    end_idx = len(unit.masked)
    for idx in range(len(unit.masked) - 1, starts[-1][0], -1):
        line = unit.masked[idx]
        if line.strip() and len(line.expandtabs()) - len(line.expandtabs().lstrip()) < top \
                and re.match(r"(?i)\s*(END|BEGIN)\b", line):
            end_idx = idx
    if end_idx == len(unit.masked):
        return None  # no closing END found further left than the subprograms
    kind = "PACKAGE BODY" if is_body else "PACKAGE"
    head, tail = f"CREATE OR REPLACE {kind} gate_probe AS", "END gate_probe;"
    pieces = []
    for n, (idx, _, name) in enumerate(starts):
        nxt = starts[n + 1][0] if n + 1 < len(starts) else end_idx
        rows = [(head, unit.start_line + idx)] + \
               [(unit.lines[i], unit.start_line + i) for i in range(idx, nxt)] + \
               [(tail, unit.start_line + nxt - 1)]
        pieces.append(Piece(name, idx, nxt, Task.of(rows)))
    first = starts[0][0]
    dummy = "PROCEDURE gate_probe_dummy IS BEGIN NULL; END gate_probe_dummy;" if is_body else \
        "PROCEDURE gate_probe_dummy;"
    rows = [(unit.lines[i], unit.start_line + i) for i in range(first)] + \
           [(" " * top + dummy, unit.start_line + first)] + \
           [(unit.lines[i], unit.start_line + i) for i in range(end_idx, len(unit.lines))]
    return Task.of(rows), pieces


# Constructs sqlfluff 4.5 rejects (see plsql/SYNTAX_GATE.md): (pattern over masked code, advice);
# the first group applies to PL/SQL units only
PLSQL_ONLY_CAUSES = [
    (re.compile(r"(?i)\b(N?VARCHAR2|N?CHAR)\s*\(\s*\d+\s+(CHAR|BYTE)\s*\)"),
     "VARCHAR2(n CHAR|BYTE) in PL/SQL: anchor with %TYPE or write VARCHAR2(n)"),
]
LIKELY_CAUSES = [
    (re.compile(r"(?i)^\s*SUBTYPE\b"), "SUBTYPE: use %TYPE anchors or the base type"),
    (re.compile(r"(?i)\bWHEN\s+\w+\.\w+\s+(THEN|OR)\b"), "WHEN pkg.exception: not accepted (see guide)"),
    (re.compile(r"(?i)^\s*(SAVEPOINT\b|ROLLBACK\s+TO\b)"), "SAVEPOINT / ROLLBACK TO: not accepted"),
    (re.compile(r"(?i)\bSET\s*\([^)]*\)\s*="), "UPDATE ... SET (a, b) = (...): one column per assignment"),
    (re.compile(r"(?i)\bCURRENT\s+OF\b"), "WHERE CURRENT OF: use the primary key"),
    (re.compile(r"<<\s*\w+\s*>>|(?i:\bGOTO\b)"), "labels / GOTO: not accepted"),
    (re.compile(r"(?i)(^|[^\w$#])n?q'"), "q-quoted literal: write 'it''s'"),
    (re.compile(r"(?i)\b(FORCE|PRIVATE|PARAMETERS|ENABLE|DISABLE|IGNORE|VISIBLE|INVISIBLE|INTERVAL|PARTITION|"
                r"REVERSE|LOGGING|OVERFLOW|RESPECT|PIVOT|UNPIVOT|CROSS|FULL|INNER|OUTER|LEFT|RIGHT|NATURAL|"
                r"JOIN|USING|EXECUTE|LOOP|CASE|WHEN)\s*=>"),
     "named argument with a name sqlfluff reserves (e.g. force =>): pass it by position"),
    (re.compile(r"(?i)^\s*CURSOR\b.*\b(UNION|INTERSECT|MINUS|WITH)\b"),
     "cursor declared with UNION/WITH: use FOR r IN (SELECT ... UNION ...) LOOP"),
    (re.compile(r"(?i)\bAS\s+IDENTITY\s+(PRIMARY|NOT|UNIQUE|CONSTRAINT|CHECK|REFERENCES)\b"),
     "identity column with an inline constraint: declare the key out of line"),
    (re.compile(r"(?i)\bGENERATED\s+ALWAYS\s+AS\s*\("), "virtual column: not accepted"),
    (re.compile(r"(?i)\bWITH\s+(READ\s+ONLY|CHECK\s+OPTION)\b"), "view WITH READ ONLY / CHECK OPTION: omit"),
    (re.compile(r"(?i)^\s*LOCK\s+TABLE\b"), "LOCK TABLE: lock the rows with SELECT ... FOR UPDATE"),
    (re.compile(r"(?i)\bPIPELINED\b"), "PIPELINED: return a collection or a SYS_REFCURSOR"),
    (re.compile(r"(?i)\bDEFAULT\s+ON\s+NULL\b"), "DEFAULT ON NULL: plain DEFAULT"),
]


_NAME_POSITIONS = [
    re.compile(r"(?i)\b(?:PROCEDURE|FUNCTION)\s+(\w+)"),
    re.compile(r"(?i)\b(\w+)\s*=>"),
    re.compile(r"(?i)(?:^|[(,])\s*(\w+)\s+(?:IN|OUT|CONSTANT|NUMBER|VARCHAR2|DATE|BOOLEAN|PLS_INTEGER|"
               r"EXCEPTION|\w+(?:\.\w+)?%(?:ROW)?TYPE)\b"),
]
_RESERVED: set[str] | None = None


def _reserved() -> set[str]:
    global _RESERVED
    if _RESERVED is None:
        from sqlfluff.core.dialects import dialect_selector
        _RESERVED = {w.upper() for w in dialect_selector(DIALECT).sets("reserved_keywords")}
    return _RESERVED


def _likely_causes(unit: Unit, first: int, last: int) -> str:
    """'; likely cause: ...' for lines unit.masked[first:last] matching a known rejected construct."""
    found = []
    patterns = (PLSQL_ONLY_CAUSES if unit.kind == "plsql" else []) + LIKELY_CAUSES
    for idx in range(first, min(last, len(unit.masked))):
        line = unit.masked[idx]
        for pattern, advice in patterns:
            if pattern.search(line):
                found.append(f"line {unit.start_line + idx}: {advice}")
        if unit.kind == "plsql":
            for pattern in _NAME_POSITIONS:
                for m in pattern.finditer(line):
                    if m.group(1).upper() in _reserved():
                        found.append(f"line {unit.start_line + idx}: the name {m.group(1)!r} is a word sqlfluff "
                                     f"reserves: rename it (e.g. with a prefix)")
    return ("; likely cause: " + "; ".join(found[:3])) if found else ""


_BLOCK_START = re.compile(r"(?i)^\s*(IF|ELSIF|ELSE|END|CASE|WHEN|FOR|FORALL|WHILE|LOOP|BEGIN|DECLARE|EXCEPTION|"
                          r"PROCEDURE|FUNCTION|CREATE|PACKAGE|TYPE|PRAGMA|<<)(\W|$)")
_OPENS_BLOCK = re.compile(r"(?i)(^|\W)(THEN|LOOP|BEGIN|ELSE|IS|AS|DECLARE|EXCEPTION)\s*$")
KNOCKOUT_LINE_BUDGET = 3000  # lines re-parsed per failing region to find the statement that fails


def _plain_statements(unit: Unit, first: int, last: int, declarations: bool) -> list[tuple[int, int, bool]]:
    """(first line, last line, in declarations) of the plain statements in unit.lines[first:last].

    A plain statement starts after a line ending with `;` or a block opener, does not start with a block
    keyword, and ends with `;` at the end of a line before any block opener: an assignment, a call, a
    SELECT/INSERT/UPDATE/DELETE/MERGE, a declaration. `declarations` says whether the region starts in
    a declaration section (a procedure's, after IS); BEGIN ends it, DECLARE starts one.
    """
    out = []
    at_start, in_decl, i = False, declarations, first
    while i < last:
        line = unit.masked[i]
        text = line.strip()
        if not text:
            i += 1
            continue
        if re.match(r"(?i)^BEGIN\b", text):
            in_decl = False
        elif re.match(r"(?i)^DECLARE\b", text):
            in_decl = True
        if at_start and not _BLOCK_START.match(line):
            j = i
            while j < last and not unit.masked[j].rstrip().endswith(";") and not _OPENS_BLOCK.search(unit.masked[j]):
                j += 1
            if j < last and unit.masked[j].rstrip().endswith(";"):
                out.append((i, j, in_decl))
                i = j + 1
                at_start = True
                continue
        at_start = text.endswith(";") or bool(_OPENS_BLOCK.search(line))
        i += 1
    return out


# --------------------------------------------------------------------------------------------------
# The gate

def _read(path: Path) -> tuple[str | None, list[Finding]]:
    try:
        data = path.read_bytes()
    except OSError as e:
        return None, [Finding(path, 1, 1, f"cannot read file: {e.strerror or e}")]
    findings = []
    if data.startswith(b"\xef\xbb\xbf"):
        findings.append(Finding(path, 1, 1, "UTF-8 byte order mark: SQL*Plus reads it as part of the first "
                                            "command; save the file without BOM"))
        data = data[3:]
    try:
        return data.decode("utf-8"), findings
    except UnicodeDecodeError as e:
        return None, findings + [Finding(path, data[:e.start].count(b"\n") + 1, 1, "not valid UTF-8")]


def _bad(res: dict) -> bool:
    return bool(res["violations"]) or len(res["statements"]) != 1


def check(paths: list[Path], *, jobs: int = 2, use_cache: bool = True) -> list[Finding]:
    """Check Oracle source files; return every finding (an empty list: all files pass)."""
    findings: list[Finding] = []
    units: list[tuple[Path, Unit]] = []
    for path in map(Path, paths):
        text, problems = _read(path)
        findings.extend(problems)
        if text is None:
            continue
        file_units, split_findings = split_sqlplus(text, path)
        findings.extend(split_findings)
        units.extend((path, u) for u in file_units)

    parser = _Parser(jobs, use_cache)
    # round 1: small units whole, big packages per subprogram
    splits: list[tuple[Task, list[Piece]] | None] = []
    round1: list[list[Task]] = []
    for _, unit in units:
        sp = _split_package(unit) if unit.kind == "plsql" and len(unit.lines) >= SPLIT_MIN_LINES else None
        splits.append(sp)
        round1.append([sp[0]] + [p.task for p in sp[1]] if sp else [_whole(unit)])
    flat = parser.parse_many([t.text for ts in round1 for t in ts])
    res1, i = [], 0
    for ts in round1:
        res1.append(flat[i:i + len(ts)])
        i += len(ts)

    # round 2: the whole unit where the split failed; parts of function-based indexes; pieces to
    # locate a failure in a package parsed whole
    round2: list[dict[str, object]] = []
    for (_, unit), sp, rs in zip(units, splits, res1):
        extra: dict[str, object] = {}
        if sp is not None:
            if any(_bad(r) for r in rs):
                extra["whole"] = _whole(unit)
        elif rs[0]["violations"]:
            if unit.kind == "sql":
                parts = _fbi_parts(unit)
                if parts:
                    extra["fbi"] = parts
            else:
                located = _split_package(unit)
                if located:
                    extra["pieces"] = located
        round2.append(extra)
    tasks2 = []
    for extra in round2:
        if "whole" in extra:
            tasks2.append(extra["whole"])
        tasks2.extend(extra.get("fbi", []))
        if "pieces" in extra:
            tasks2.append(extra["pieces"][0])
            tasks2.extend(p.task for p in extra["pieces"][1])
    flat2 = parser.parse_many([t.text for t in tasks2]) if tasks2 else []
    it = iter(flat2)

    states = []
    for (path, unit), sp, ts, rs, extra in zip(units, splits, round1, res1, round2):
        st: dict = {"path": path, "unit": unit, "sp": sp, "rs": rs}
        if "whole" in extra:
            st["whole"] = (extra["whole"], next(it))
        elif sp is None:
            st["whole"] = (ts[0], rs[0])
        else:
            st["whole"] = (None, None)  # accepted piece by piece
        st["fbi"] = [(t, next(it)) for t in extra.get("fbi", [])]
        st["located"] = extra.get("pieces") or sp
        st["located_res"] = [next(it) for _ in range(1 + len(extra["pieces"][1]))] if "pieces" in extra else rs
        # round 3 (failures only): knock out one plain statement at a time in each failing subprogram
        # (or in the whole unit when it has none); the statement whose removal makes it parse is named
        st["knockouts"] = []
        whole_res = st["whole"][1]
        if whole_res is not None and whole_res["unparsable"] and unit.kind == "plsql":
            regions = []
            if st["located"]:
                for piece, r in zip(st["located"][1], st["located_res"][1:]):
                    if _bad(r):
                        regions.append((piece.task.text.split("\n", 1)[0], piece.first, piece.last,
                                        "END gate_probe;", True))
            else:
                regions.append((None, 0, len(unit.lines), None, False))
            for head, first, last, tail, declarations in regions:
                most = max(1, KNOCKOUT_LINE_BUDGET // max(1, last - first))
                for a, b, in_decl in _plain_statements(unit, first, last, declarations)[:most]:
                    rows = [(head, 0)] if head else []
                    for i in range(first, last):
                        if i == a:
                            rows.append(("gate_knockout NUMBER;" if in_decl else "NULL;", 0))
                        elif a < i <= b:
                            rows.append(("", 0))
                        else:
                            rows.append((unit.lines[i], 0))
                    if tail:
                        rows.append((tail, 0))
                    st["knockouts"].append((a, b, Task.of(rows)))
        states.append(st)
    flat3 = parser.parse_many([t.text for st in states for _, _, t in st["knockouts"]])
    parser.save()
    it3 = iter(flat3)

    for st in states:
        path, unit, sp, rs = st["path"], st["unit"], st["sp"], st["rs"]
        whole_task, whole_res = st["whole"]
        fbi, located, located_res = st["fbi"], st["located"], st["located_res"]
        culprits = [(a, b) for a, b, _ in st["knockouts"] if not _bad(next(it3))]

        if unit.kind == "plsql" and not "\n".join(unit.masked).rstrip().endswith(";"):
            findings.append(Finding(path, unit.end_line, 1,
                                    "PL/SQL unit must end with ';' (END name;) before its '/' line"))
        if whole_res is None:  # skeleton and every subprogram parse
            checked = [(sp[0], rs[0])] + [(p.task, r) for p, r in zip(sp[1], rs[1:])]
        elif whole_res["violations"]:
            if fbi:
                if not any(_bad(r) for _, r in fbi):
                    continue  # function-based index: both parts parse
                for t, r in fbi:
                    for line, col, desc in r["violations"]:
                        findings.append(Finding(path, t.at(line), col,
                                                f"function-based index (checked in two parts): {desc}"))
                continue
            for line, col, desc in whole_res["violations"]:
                findings.append(Finding(path, whole_task.at(line), col, desc))
            for a, b in culprits:
                findings.append(Finding(path, unit.start_line + a, 1,
                                        "sqlfluff cannot parse this statement (without it the rest parses)" +
                                        _likely_causes(unit, a, b + 1)))
            where = bool(culprits) or not whole_res["unparsable"]  # the gate's own checks name the line
            if located and whole_res["unparsable"]:
                skeleton, pieces = located
                failed = [p for p, r in zip(pieces, located_res[1:]) if _bad(r)]
                for p in failed:
                    findings.append(Finding(
                        path, unit.start_line + p.first, 1,
                        f"the failure is inside {p.name} (lines {unit.start_line + p.first}-"
                        f"{unit.start_line + p.last - 1})" +
                        ("" if any(p.first <= a < p.last for a, _ in culprits)
                         else _likely_causes(unit, p.first, p.last))))
                if failed:
                    where = True
                elif _bad(located_res[0]):
                    findings.append(Finding(path, unit.start_line, 1,
                                            "the failure is outside the procedures and functions (package "
                                            "header, declarations or closing END)" +
                                            _likely_causes(unit, 0, pieces[0].first if pieces else 0)))
                    where = True
            if not where:
                causes = _likely_causes(unit, 0, len(unit.masked))
                if causes:
                    findings.append(Finding(path, unit.start_line, 1, "L" + causes[3:]))
            continue
        else:
            checked = [(whole_task, whole_res)]
            stmts = whole_res["statements"]
            if len(stmts) != 1:
                if not stmts:
                    findings.append(Finding(path, unit.start_line, 1, "no statement found"))
                else:
                    _, line, col, head = stmts[1]
                    need = "'/' line" if unit.kind == "plsql" else "';' at the end of the line"
                    findings.append(Finding(path, whole_task.at(line), col,
                                            f"a second statement starts here ({head!r}) inside one SQL*Plus "
                                            f"command: missing {need} before it"))
        for t, r in checked:
            for line, col, command, raw in r["hidden"]:
                findings.append(Finding(path, t.at(line), col,
                                        f"sqlfluff reads {raw!r} as a SQL*Plus {command} command and skips "
                                        f"it: rename the identifier so the line gets checked"))
    return sorted(set(findings))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scripts.syntax_gate",
                                 description="Parse Oracle source files with sqlfluff's oracle dialect.")
    ap.add_argument("paths", nargs="*", help="files or folders (default: database/ and plsql/ sources)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="parser processes (default 2)")
    ap.add_argument("--no-cache", action="store_true", help="ignore and do not write .build/syntax_gate/")
    ap.add_argument("--quiet", "-q", action="store_true", help="print findings only")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    if args.paths:
        paths: list[Path] = []
        for p in map(Path, args.paths):
            paths.extend(_expand_dir(p) if p.is_dir() else [p])
    else:
        paths = default_paths()
    if not paths:
        print("syntax gate: no Oracle source files found", file=sys.stderr)
        return 1
    findings = check(paths, jobs=args.jobs, use_cache=not args.no_cache)
    for f in findings:
        print(f)
    if not args.quiet:
        bad = len({f.path for f in findings})
        print(f"syntax gate ({DIALECT}, sqlfluff): {len(paths)} files, {bad} failing, {len(findings)} findings "
              f"in {time.perf_counter() - started:.2f}s", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
