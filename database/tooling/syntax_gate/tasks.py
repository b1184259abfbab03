"""Parse tasks: what is handed to sqlfluff for a unit (the whole unit, a package split per subprogram,
a function-based index in two parts), each text with the file line of each of its lines."""
from __future__ import annotations

import re
from dataclasses import dataclass

from database.tooling.syntax_gate.sqlplus import Unit


@dataclass
class Task:
    text: str
    line_map: list[int]

    @classmethod
    def of(cls, rows: list[tuple[str, int]]) -> "Task":
        return cls("\n".join(r[0] for r in rows) + "\n", [r[1] for r in rows] + [rows[-1][1]])

    def at(self, line: int) -> int:
        return self.line_map[min(max(line, 1), len(self.line_map)) - 1]


def whole(unit: Unit) -> Task:
    return Task.of([(line, unit.start_line + i) for i, line in enumerate(unit.lines)])


# Function-based indexes: checked in two parts
_CREATE_INDEX = re.compile(r"(?is)^\s*CREATE\s+(UNIQUE\s+|BITMAP\s+)?INDEX\s+[\w$#.\"]+\s+ON\s+([\w$#.\"]+)\s*\(")


def fbi_parts(unit: Unit) -> list[Task] | None:
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
    line_map = whole(unit).line_map
    return [Task(header + "\n", line_map), Task(select + "\n", line_map)]


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


def split_package(unit: Unit) -> tuple[Task, list[Piece]] | None:
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

