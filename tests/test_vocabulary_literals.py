"""Every code the PL/SQL writes or compares for a coded column (a status, a category, a type, a method) is a
row of that column's vocabulary table. The coded columns are read from the foreign keys of the DDL, the
codes from the vocabulary's data file, the literals from the package bodies: a status set by a transition
(status := 'RETURNED') may be a literal, as long as the code exists."""
from __future__ import annotations

import re
from pathlib import Path

from database.tooling import data_rows

ROOT = Path(__file__).resolve().parents[1]
DDL = ROOT / "database" / "010_tables.sql"
DATA = ROOT / "database" / "089_vocabulary_data.sql"
BODIES = sorted((ROOT / "plsql").glob("*.pkb")) + [ROOT / "database" / "040_views.sql"]

CODE = r"'([A-Z][A-Z_]*)'"
KEYWORDS = {"WHERE", "SET", "ON", "JOIN", "VALUES", "USING", "LEFT", "GROUP", "ORDER", "SELECT", "FOR", "INNER", "FROM",
            "INTO", "WHEN", "AND", "OR", "RETURNING", "FETCH", "CROSS", "UNION", "HAVING", "CONNECT", "START"}


def coded_columns() -> dict[tuple[str, str], str]:
    """(table, column) -> vocabulary table, from FOREIGN KEY (col) REFERENCES vocab (code)."""
    found = {}
    for table, body in re.findall(r"CREATE TABLE (\w+) \((.*?)\n\);", DDL.read_text(), re.S):
        for col, ref in re.findall(r"FOREIGN KEY \((\w+)\) REFERENCES (\w+) \(code\)", body):
            found[(table.lower(), col.lower())] = ref.lower()
    return found


def vocabulary(ref: str) -> set[str]:
    return {r["code"] for r in data_rows.rows(ref, DATA)}


def _strip_comments(text: str) -> str:
    return re.sub(r"--[^\n]*", "", text)


def literals(path: Path, columns: dict[tuple[str, str], str]) -> list[tuple[str, str, str]]:
    """(where, vocabulary table, code) for each literal written or compared to a coded column."""
    text = _strip_comments(path.read_text())
    coded_names = {c for _, c in columns}
    anchors: dict[str, tuple[str, str]] = {}  # the latest declaration wins: each routine declares its own
    out = []
    for n, stmt in enumerate(text.split(";")):
        for v, t, c in re.findall(r"\b(\w+)\s+(\w+)\.(\w+)%TYPE", stmt):
            anchors[v.lower()] = (t.lower(), c.lower())
        tables = {}
        for t, alias in re.findall(r"(?=\b(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(\w+))?)", stmt, re.I):
            tables[t.lower()] = t.lower()
            if alias and alias.upper() not in KEYWORDS:
                tables[alias.lower()] = t.lower()

        def resolve(ident: str) -> list[tuple[str, str]]:
            ident = ident.lower()
            if ident in anchors:
                return [anchors[ident]]
            if "." in ident:
                alias, col = ident.rsplit(".", 1)
                return [(tables[alias], col)] if alias in tables else []
            if ident in coded_names:
                return [(t, ident) for t in set(tables.values()) if (t, ident) in columns]
            return []

        def check(ident: str, codes: list[str]) -> None:
            targets = [columns[tc] for tc in resolve(ident) if tc in columns]
            for code in codes:
                if targets:
                    out.append((f"{path.name} statement {n}: {ident}", targets, code))

        for ident, code in re.findall(r"([\w.]+)\s*(?:=|<>|!=|:=)\s*" + CODE, stmt):
            check(ident, [code])
        for ident, inner in re.findall(r"([\w.]+)\s+(?:NOT\s+)?IN\s*\(([^()]*)\)", stmt, re.I):
            if not re.match(r"\s*SELECT\b", inner, re.I):  # IN (SELECT code FROM ... WHERE flag = 'Y')
                check(ident, re.findall(CODE, inner))
        for ident, case in re.findall(r"([\w.]+)\s*(?:=|:=)\s*CASE\b(.*?)\bEND\b", stmt, re.S | re.I):
            check(ident, re.findall(r"\b(?:THEN|ELSE)\s+" + CODE, case))
        for table, cols, vals in re.findall(r"INSERT INTO (\w+)\s*\(([^)]*)\)\s*VALUES\s*\((.*)\)", stmt, re.S | re.I):
            names = [c.strip().lower() for c in cols.split(",")]
            parts = [v.strip() for v in re.split(r",(?![^()]*\))", vals)]
            for col, val in zip(names, parts):
                m = re.fullmatch(CODE, val)
                if m and (table.lower(), col) in columns:
                    out.append((f"{path.name} statement {n}: INSERT {table}.{col}", [columns[(table.lower(), col)]],
                                m.group(1)))
    return out


def test_every_status_literal_of_the_plsql_is_a_row_of_its_vocabulary():
    columns = coded_columns()
    assert ("holds", "status") in columns and ("copies", "status") in columns and ("patrons", "category") in columns
    codes = {ref: vocabulary(ref) for ref in set(columns.values())}
    found = [hit for path in BODIES for hit in literals(path, columns)]
    assert len(found) > 40, "the parse found too few coded literals to be trusted"
    unknown = [(where, code) for where, refs, code in found if not any(code in codes[r] for r in refs)]
    assert unknown == []


def test_the_check_sees_a_made_up_status(tmp_path):
    body = tmp_path / "x.pkb"
    body.write_text("PROCEDURE p IS l_status holds.status%TYPE; BEGIN\n"
                    "  UPDATE holds SET status = 'PENDIN' WHERE hold_id = 1;\n"
                    "  IF l_status = 'WAITING' THEN NULL; END IF;\n"
                    "  SELECT COUNT(*) INTO n FROM copies c WHERE c.status IN ('AVAILABLE', 'ON_SHELF');\nEND;")
    hits = {code for _, _, code in literals(body, coded_columns())}
    assert hits == {"PENDIN", "WAITING", "AVAILABLE", "ON_SHELF"}
