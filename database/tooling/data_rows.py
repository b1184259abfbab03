"""The rows of the reference data files (database/*_data.sql), read without a database.

Those files hold one `INSERT INTO table (col, ...) VALUES (value, ...);` per line in SQL common to both
engines: numbers, 'text' (quotes doubled inside) and NULL. The generators of code that must equal the data
(lib_err's raise branches, the API's enums) read the rows here.
"""
from __future__ import annotations

import re
from pathlib import Path

from database.tooling.sources import REPO_ROOT

DATABASE_DIR = REPO_ROOT / "database"

_INSERT = re.compile(r"^INSERT INTO (\w+) \(([^)]*)\) VALUES \((.*)\);\s*$", re.I)
_VALUE = re.compile(r"\s*('(?:[^']|'')*'|-?\d+(?:\.\d+)?|NULL)\s*(,|$)", re.I)


def _values(text: str) -> list:
    out, pos = [], 0
    while pos < len(text):
        m = _VALUE.match(text, pos)
        if not m:
            raise ValueError(f"cannot read the values {text!r}")
        raw = m.group(1)
        if raw.upper() == "NULL":
            out.append(None)
        elif raw.startswith("'"):
            out.append(raw[1:-1].replace("''", "'"))
        else:
            out.append(float(raw) if "." in raw else int(raw))
        pos = m.end()
    return out


def rows(table: str, path: Path) -> list[dict]:
    """Every row the file inserts into `table`, as {column: value}, in file order."""
    found = []
    for line in path.read_text().splitlines():
        m = _INSERT.match(line)
        if m and m.group(1).lower() == table.lower():
            cols = [c.strip().lower() for c in m.group(2).split(",")]
            vals = _values(m.group(3))
            if len(cols) != len(vals):
                raise ValueError(f"{path.name}: {len(cols)} columns, {len(vals)} values: {line}")
            found.append(dict(zip(cols, vals)))
    return found


def write_or_check(output: Path, text: str, *, check: bool, command: str, source: str, summary: str) -> int:
    """The end of a generator of one file from the data: --check compares (exit 1 when the committed file is
    not what the data makes), else writes. Returns the exit status."""
    rel = output.relative_to(REPO_ROOT)
    if check:
        if not output.exists() or output.read_text() != text:
            print(f"{rel} is not what {source} makes: run {command}")
            return 1
        print(f"{rel}: current ({summary})")
        return 0
    output.write_text(text)
    print(f"{rel}: {summary} (written)")
    return 0
