"""The translation rules of plsql/README.md that neither the Oracle grammar nor the PostgreSQL build
catches in every case: constructs valid in Oracle that ora2pg + orafce cannot carry. No database needed.

Only code is scanned: comments and string literals are blanked first, so the doc comments may name them.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.glob("plsql/*.pks"), *ROOT.glob("plsql/*.pkb"), *ROOT.glob("plsql/*.sql"),
                  *ROOT.glob("database/*.sql")])

FORBIDDEN = [  # (pattern, README rule it breaks)
    (r"\bBULK\s+COLLECT\b", "rule 5: no BULK COLLECT (set-based SQL or a cursor FOR loop)"),
    (r"\bFORALL\b", "rule 5: no FORALL"),
    (r"\bTABLE\s+OF\b|\bVARRAY\b", "rule 5: no local collection types"),
    (r"\bAUTHID\b|\b(NON)?EDITIONABLE\b", "rule 2: package specs exactly CREATE OR REPLACE PACKAGE x AS"),
    (r"\bEXCEPTION_INIT\b", "rule 4: no named exceptions (they lose their code)"),
    (r"%\s*(NOT)?FOUND\b|%\s*ISOPEN\b", "rule 6: test the fetched value, not a cursor attribute"),
    (r"\bFOR\s+UPDATE\s+OF\b", "rule 7: FOR UPDATE without OF"),
    (r"\bNUMTODSINTERVAL\b|\bNUMTOYMINTERVAL\b", "rule 9: no NUMTODSINTERVAL"),
    (r"(?<!SQL\.)\bSQLCODE\b", "rule 4: no SQLCODE tests (SQL*Plus' WHENEVER ... SQL.SQLCODE is fine)"),
]


def code_only(text: str) -> str:
    """The text with comments and string literals blanked (line numbers kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text[i] == "'":
            j = i + 1
            while j < n and not (text[j] == "'" and not text.startswith("''", j)):
                j += 2 if text.startswith("''", j) else 1
            out.append("''" + "\n" * text[i:j + 1].count("\n"))
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def findings(text: str) -> list[str]:
    code = code_only(text)
    found = []
    for pattern, rule in FORBIDDEN:
        for m in re.finditer(pattern, code, re.I):
            found.append(f"line {code.count(chr(10), 0, m.start()) + 1}: {m.group(0)} ({rule})")
    for m in re.finditer(r"SQL%ROWCOUNT", code, re.I):  # rule 6: only in IF or a plain assignment
        line = code[code.rfind("\n", 0, m.start()) + 1:m.start()]
        if not re.search(r"\b(IF|ELSIF)\s+$|:=\s*$", line, re.I):
            found.append(f"line {code.count(chr(10), 0, m.start()) + 1}: SQL%ROWCOUNT outside IF/assignment (rule 6)")
    for m in re.finditer(r"^\s*CREATE\s+OR\s+REPLACE\s+PACKAGE\s+(?!BODY\b)(.*)$", code, re.I | re.M):
        if not re.fullmatch(r"\w+\s+AS\s*", m.group(1), re.I):
            found.append(f"package spec head {m.group(0).strip()!r} (rule 2: exactly CREATE OR REPLACE PACKAGE x AS)")
    return found


@pytest.fixture(autouse=True)
def _engine_markers():
    """Override tests/conftest.py's autouse fixture: these tests never touch a database."""


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_source_keeps_the_translation_rules(path: Path):
    assert findings(path.read_text()) == []


@pytest.mark.parametrize("bad", [
    "BEGIN SELECT id BULK COLLECT INTO l_ids FROM t; END;",
    "BEGIN FORALL i IN 1..n INSERT INTO t VALUES (i); END;",
    "DECLARE TYPE t_ids IS TABLE OF NUMBER; BEGIN NULL; END;",
    "CREATE OR REPLACE PACKAGE p AUTHID DEFINER AS\nEND p;",
    "DECLARE e EXCEPTION; PRAGMA EXCEPTION_INIT(e, -20001); BEGIN NULL; END;",
    "BEGIN FETCH c INTO x; IF c%NOTFOUND THEN NULL; END IF; END;",
    "BEGIN SELECT 1 INTO x FROM t WHERE id = 1 FOR UPDATE OF t.name; END;",
    "BEGIN l := NUMTODSINTERVAL(1, 'DAY'); END;",
    "BEGIN UPDATE t SET a = 1; l_rows := l_rows + SQL%ROWCOUNT; END;",
    "EXCEPTION WHEN OTHERS THEN IF SQLCODE = -1 THEN NULL; END IF;",
])
def test_a_construct_the_translation_cannot_carry_is_found(bad: str):
    assert findings(bad)


def test_comments_and_strings_may_name_them():
    assert findings("-- no BULK COLLECT here\n/* FORALL */ BEGIN x := 'TABLE OF'; END;") == []
