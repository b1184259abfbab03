"""Shared helpers of the rule tests: the arrange factory and the refusal assertions."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from datalayer.session import DbError
from tests.factories import Factory


@pytest.fixture
def f(db) -> Factory:
    return Factory(db)


def refused(db, code: int, procedure: str, *args) -> None:
    """Call a procedure that must refuse with `code`; the savepoint keeps the transaction usable,
    so the test can go on to check that nothing changed."""
    refused_leaving(db, code, lambda: db.call(procedure, *args))


def refused_leaving(db, code: int, call: Callable[[], object], *watched: str | tuple[str, dict]) -> None:
    """`call()` must refuse with `code` and leave what each watched query (SQL, or (SQL, binds))
    returns as it was; the savepoint keeps the transaction usable."""
    def _rows(query):
        return db.rows(query) if isinstance(query, str) else db.rows(*query)

    before = [_rows(q) for q in watched]
    with pytest.raises(DbError) as err:
        with db.savepoint():
            call()
    assert err.value.code == code, err.value.message
    for query, rows in zip(watched, before):
        assert _rows(query) == rows, query
