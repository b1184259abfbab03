"""Shared helpers of the rule tests: the arrange factory and the refusal assertions."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from datalayer.session import DbError, Out
from tests.factories import Factory


@pytest.fixture
def f(db) -> Factory:
    return Factory(db)


@pytest.fixture
def cataloger(db, f):
    """A cataloger acting in the test's session."""
    user = f.user(("CATALOGER",))
    db.set_actor(user)
    return user


def import_title(db, title, identifiers=None, authors=None, subjects=None):
    """lib_catalog.import_title with those fields; (material id, outcome, matched by, note)."""
    out = db.call("lib_catalog.import_title", title, None, identifiers, None, None, None, None, None, None, None,
                  None, authors, subjects, None, Out(int), Out(str), Out(str), Out(int), Out(str))
    return out[0], out[1], out[2], out[4]


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
