"""Oracle source files read the way SQL*Plus runs them: tokens, grouped into units.

A unit is one SQL statement (up to a `;` at the end of it, which is dropped) or one PL/SQL unit
(`CREATE [OR REPLACE] PACKAGE | PACKAGE BODY | PROCEDURE | FUNCTION | TRIGGER | TYPE ...` or an anonymous
`DECLARE`/`BEGIN` block, up to a line holding only `/`). SQL*Plus command lines between units (`PROMPT`,
`@@file`, `SET ...`, `WHENEVER ...`, `SHOW ERRORS`, ...) are skipped whole, so their free text is never
read as code. Comments are dropped; string literals (plain, N'', q'[...]') and quoted identifiers are one
token each, whatever they hold, across lines too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ID, QID, NUM, STR, OP, BIND = "ID", "QID", "NUM", "STR", "OP", "BIND"


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    up: str      # what name resolution compares: upper case, except the inside of a quoted identifier
    line: int
    col: int


@dataclass(slots=True)
class Unit:
    path: Path
    kind: str                 # "SQL" or "PLSQL"
    tokens: list[Token] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.tokens[0].line if self.tokens else 0


def _abbrev(word: str, shortest: int) -> str:
    """A regex for a SQL*Plus command word and its abbreviations (PRO, PROM, ... PROMPT)."""
    head, tail = word[:shortest], word[shortest:]
    out = ""
    for ch in reversed(tail):
        out = f"(?:{ch}{out})?"
    return head + out


_SQLPLUS_WORDS = [("PROMPT", 3), ("REMARK", 3), ("SHOW", 3), ("SPOOL", 3), ("DEFINE", 3), ("UNDEFINE", 5),
                  ("COLUMN", 3), ("VARIABLE", 3), ("EXECUTE", 4), ("ACCEPT", 3), ("CONNECT", 4), ("DESCRIBE", 4),
                  ("PAUSE", 3), ("TTITLE", 3), ("BTITLE", 3), ("BREAK", 3), ("COMPUTE", 4), ("CLEAR", 2),
                  ("HOST", 2), ("WHENEVER", 8), ("START", 3), ("EXIT", 4), ("QUIT", 4), ("SET", 3)]
SQLPLUS_LINE = re.compile(
    r"(?i)^\s*(?:@|!|(?:" + "|".join(_abbrev(w, n) for w, n in _SQLPLUS_WORDS) + r")(?=\s|$))")
# SET TRANSACTION / ROLE / CONSTRAINT(S) are SQL, not SQL*Plus
_SQL_SET = re.compile(r"(?i)^\s*SET\s+(TRANSACTION|ROLE|CONSTRAINTS?)\b")

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<lcom>--.*)
  | (?P<bcom>/\*)
  | (?P<q>[nN]?[qQ]'(?P<qo>\S))
  | (?P<str>[nN]?')
  | (?P<qid>")
  | (?P<num>(?:\d+(?:\.(?!\.)\d*)?|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)
  | (?P<id>[A-Za-z][A-Za-z0-9_$\#]*)
  | (?P<bind>:[A-Za-z][A-Za-z0-9_$\#]*)
  | (?P<op>:=|=>|\.\.|\|\||<=|>=|<>|!=|\^=|~=|\*\*|<<|>>|[-+*/%(),.;=<>@:|&!^~\[\]{}?])
""", re.X)
_Q_CLOSE = {"[": "]", "{": "}", "(": ")", "<": ">"}
_PLSQL_OBJECTS = {"PACKAGE", "PROCEDURE", "FUNCTION", "TRIGGER", "TYPE", "LIBRARY", "JAVA"}
_CREATE_NOISE = {"OR", "REPLACE", "EDITIONABLE", "NONEDITIONABLE", "EDITIONING", "AND", "COMPILE",
                 "NOFORCE", "FORCE", "IF", "NOT", "EXISTS"}


def _classify(tokens: list[Token]) -> str | None:
    """PLSQL, SQL, or None while the first tokens cannot tell yet."""
    if not tokens:
        return None
    first = tokens[0].up
    if first in ("DECLARE", "BEGIN"):
        return "PLSQL"
    if first != "CREATE":
        return "SQL"
    for t in tokens[1:]:
        if t.up in _CREATE_NOISE:
            continue
        return "PLSQL" if t.up in _PLSQL_OBJECTS else "SQL"
    return None


def read_units(text: str, path: Path) -> list[Unit]:
    """The units of one source file, in order."""
    units: list[Unit] = []
    cur: list[Token] = []
    kind: str | None = None
    pending = None  # an open comment ("comment",) or literal ("str"/"qid", closing, start line, start col, parts)

    def close_unit():
        nonlocal cur, kind
        if cur:
            units.append(Unit(path, kind or _classify(cur) or "SQL", cur))
        cur, kind = [], None

    for lineno, line in enumerate(text.splitlines(), 1):
        if pending is None:
            if line.strip() == "/":
                close_unit()
                continue
            if not cur and SQLPLUS_LINE.match(line) and not _SQL_SET.match(line):
                continue
        pos, n = 0, len(line)
        while pos < n:
            if pending is not None:
                if pending[0] == "comment":
                    j = line.find("*/", pos)
                    if j < 0:
                        pos = n
                        break
                    pos, pending = j + 2, None
                    continue
                what, closing, sline, scol, parts = pending
                j = pos
                while True:
                    j = line.find(closing, j)
                    if j >= 0 and closing in ("'", '"') and line.startswith(closing * 2, j):
                        j += 2  # a doubled quote inside the literal
                        continue
                    break
                if j < 0:
                    parts.append(line[pos:])
                    pos = n
                    break
                parts.append(line[pos:j + len(closing)])
                body = "".join(parts)
                if what == "qid":
                    inner = body[1:-1]
                    tok = Token(QID, body, inner, sline, scol)
                else:
                    tok = Token(STR, body, body, sline, scol)
                cur.append(tok)
                pos, pending = j + len(closing), None
                continue
            m = _TOKEN.match(line, pos)
            if m is None:  # a character no token starts with: keep it as an operator
                cur.append(Token(OP, line[pos], line[pos], lineno, pos + 1))
                pos += 1
                continue
            group = m.lastgroup
            end = m.end()
            if group in ("ws", "lcom"):
                pass
            elif group == "bcom":
                pending = ("comment",)
            elif group == "q":
                opener = m.group("qo")
                pending = ("str", _Q_CLOSE.get(opener, opener) + "'", lineno, pos + 1, [m.group(0)])
            elif group == "str":
                pending = ("str", "'", lineno, pos + 1, [m.group(0)])
            elif group == "qid":
                pending = ("qid", '"', lineno, pos + 1, ['"'])
            else:
                tok_text = m.group(0)
                kind_of = {"num": NUM, "id": ID, "bind": BIND, "op": OP}[group]
                cur.append(Token(kind_of, tok_text, tok_text.upper(), lineno, pos + 1))
                if tok_text == ";":
                    if kind is None:
                        kind = _classify(cur)
                    if kind == "SQL":
                        cur.pop()
                        close_unit()
            pos = end
        if pending is not None and pending[0] != "comment":
            pending[4].append("\n")  # the literal goes on over the next line
    close_unit()
    return units
