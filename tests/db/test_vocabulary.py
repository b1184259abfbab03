"""The vocabulary tables drive the enums: the installed rows are the API's enums (api/vocabulary.py), the
coded columns refuse a code that is not a row, and the overridable refusals are the data's."""
from __future__ import annotations

import typing

import pytest

from api import vocabulary as v
from database.tooling.vocabulary import ENUMS
from datalayer.session import DbError


@pytest.mark.parametrize("name", sorted(ENUMS))
def test_each_api_enum_is_the_rows_of_its_table(db, name):
    table, flag, _ = ENUMS[name]
    where = f" WHERE {flag} = 'Y'" if flag else ""
    rows = [r["code"] for r in db.rows(f"SELECT code FROM {table}{where} ORDER BY sort_order, code")]
    assert list(typing.get_args(getattr(v, name))) == rows


def test_a_coded_column_refuses_a_code_its_table_lacks(db):
    with pytest.raises(DbError):
        with db.savepoint():
            db.execute("UPDATE holds SET status = 'WAITING' WHERE hold_id = (SELECT MIN(hold_id) FROM holds)")
            db.execute("INSERT INTO materials (title, material_type) VALUES ('x', 'SCROLL')")


def test_the_overridable_refusals_are_the_checkout_s_and_the_renewal_s_soft_ones(db):
    names = {r["name"] for r in db.rows("SELECT name FROM app_errors WHERE overridable = 'Y'")}
    assert names == {"PATRON_EXPIRED", "PATRON_FINES_OVER_LIMIT", "LOAN_LIMIT_REACHED", "COPY_ON_HOLD_FOR_OTHER",
                     "PATRON_OVERDUE_LIMIT", "RENEWAL_LIMIT_REACHED", "RENEWAL_BLOCKED_BY_HOLD",
                     "RENEWAL_BLOCKED_BY_OVERDUE", "RENEWAL_TOO_EARLY"}  # never RENEWAL_TOO_SOON


def test_every_refusal_named_by_the_vocabulary_is_in_the_catalog(db):
    named = {r["n"] for r in db.rows("SELECT refusal AS n FROM patron_statuses WHERE refusal IS NOT NULL "
                                     "UNION SELECT checkout_refusal FROM copy_statuses WHERE checkout_refusal IS NOT NULL")}
    catalog = {r["name"] for r in db.rows("SELECT name FROM app_errors")}
    assert named and named <= catalog
