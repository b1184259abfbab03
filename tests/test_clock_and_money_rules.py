"""Engine-equal time and money in the PL/SQL sources (plsql/README.md), checked by reading them:
  * only lib_clock reads SYSDATE or SYSTIMESTAMP (SYSDATE is the database host's local time on Oracle,
    the session's on PostgreSQL; every package takes UTC instants from lib_clock.now_utc);
  * money never becomes text through TO_CHAR without a format model ('.25' on Oracle, '0.25' with
    orafce), and the audit triggers write money columns with the money helpers.
No database needed. Comments and string literals are blanked first, so the doc comments may name them.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_translation_rules import code_only

ROOT = Path(__file__).resolve().parents[1]
PLSQL = sorted([*ROOT.glob("plsql/*.pks"), *ROOT.glob("plsql/*.pkb"), *ROOT.glob("plsql/*.sql")])
CLOCK = {"lib_clock.pkb"}
# names that mean money in this code base (variables, parameters, columns, the package functions returning it)
MONEY_WORDS = re.compile(r"amount|balance|cost|price|fine|paid|owed|refund|threshold|money", re.I)


def money_columns() -> set[str]:
    """Columns declared NUMBER(n,2) in the install files."""
    cols = set()
    for path in ROOT.glob("database/*.sql"):
        cols |= {m.group(1).lower() for m in re.finditer(r"^\s*(\w+)\s+NUMBER\(\d+,\s*2\)", path.read_text(), re.M)}
    return cols


def _line(code: str, pos: int) -> int:
    return code.count("\n", 0, pos) + 1


def _single_argument_to_char(code: str):
    """(position, argument) of every TO_CHAR call with one argument (nested parentheses allowed)."""
    for m in re.finditer(r"\bTO_CHAR\s*\(", code, re.I):
        depth, i, commas = 1, m.end(), 0
        while i < len(code) and depth:
            c = code[i]
            depth += c == "("
            depth -= c == ")"
            commas += c == "," and depth == 1
            i += 1
        if commas == 0:
            yield m.start(), code[m.end():i - 1]


def findings(name: str, text: str, money: set[str]) -> list[str]:
    code = code_only(text)
    found = []
    if name not in CLOCK:
        for m in re.finditer(r"\bSYS(DATE|TIMESTAMP)\b", code, re.I):
            found.append(f"line {_line(code, m.start())}: {m.group(0)} outside lib_clock (use lib_clock.now_utc())")
    for pos, arg in _single_argument_to_char(code):
        column = re.fullmatch(r"\s*:(?:NEW|OLD)\.(\w+)\s*", arg, re.I)  # a trigger's column: money if it is one
        if column.group(1).lower() in money if column else MONEY_WORDS.search(arg):
            found.append(f"line {_line(code, pos)}: TO_CHAR({arg.strip()}) of money without a format model "
                         "(use lib_fines.money_text)")
    for m in re.finditer(r"\blib_audit\.(old|new)_num\s*\(\s*'(\w+)'", text, re.I):
        if m.group(2).lower() in money:
            found.append(f"line {_line(text, m.start())}: money column {m.group(2)} audited with "
                         f"{m.group(1)}_num (use lib_audit.{m.group(1)}_money)")
    return found


@pytest.fixture(autouse=True)
def _engine_markers():
    """Override tests/conftest.py's autouse fixture: these tests never touch a database."""


def test_money_columns_are_found():
    assert {"amount", "amount_paid", "daily_fine", "replacement_cost"} <= money_columns()


@pytest.mark.parametrize("path", PLSQL, ids=lambda p: str(p.relative_to(ROOT)))
def test_source_reads_the_clock_and_writes_money_alike_on_both_engines(path: Path):
    assert findings(path.name, path.read_text(), money_columns()) == []


@pytest.mark.parametrize("bad", [
    "BEGIN l_now := SYSDATE; END;",
    "BEGIN INSERT INTO t (at) VALUES (SYSTIMESTAMP); END;",
    "BEGIN lib_err.raise_error('X', 'owes ' || TO_CHAR(l_balance)); END;",
    "BEGIN lib_err.raise_error('X', 'owed ' || TO_CHAR(l_amount - NVL(l_paid, 0))); END;",
    "BEGIN x := lib_audit.new_num('amount', :OLD.amount, :NEW.amount); END;",
    "BEGIN x := 'amount=' || TO_CHAR(:NEW.amount) || ';'; END;",
])
def test_a_host_clock_or_unformatted_money_is_found(bad: str):
    assert findings("lib_x.pkb", bad, {"amount"})


@pytest.mark.parametrize("good", [
    "-- SYSDATE is the host's clock\nBEGIN l := 'SYSTIMESTAMP'; END;",
    "BEGIN lib_err.raise_error('X', 'hold ' || TO_CHAR(p_hold_id)); END;",
    "BEGIN l := TO_CHAR(l_amount, 'FM999999999990.00') || TO_CHAR(lib_clock.today(), 'YYYY'); END;",
    "BEGIN x := lib_audit.new_num('loan_id', :OLD.loan_id, :NEW.loan_id); END;",
    "BEGIN x := 'fine_id=' || TO_CHAR(:NEW.fine_id) || ';'; END;",
])
def test_the_clock_package_ids_and_format_models_pass(good: str):
    assert findings("lib_x.pkb", good, {"amount"}) == []


def test_the_clock_package_may_read_the_host_clock():
    assert findings("lib_clock.pkb", "BEGIN l_now := SYSDATE; END;", set()) == []
