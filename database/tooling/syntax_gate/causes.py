"""Naming what fails: constructs sqlfluff rejects with the advice of plsql/SYNTAX_GATE.md, names it reserves,
and the plain statements of a failing region that are knocked out one at a time to find the culprit."""
from __future__ import annotations

import re

from database.tooling.syntax_gate.parse import DIALECT
from database.tooling.syntax_gate.sqlplus import Unit

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


def likely_causes(unit: Unit, first: int, last: int) -> str:
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


def plain_statements(unit: Unit, first: int, last: int, declarations: bool) -> list[tuple[int, int, bool]]:
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
