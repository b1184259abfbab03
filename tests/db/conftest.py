"""Shared helpers of the rule tests: the arrange factory and the refusal assertion."""
import pytest

from api.db.session import DbError
from tests.factories import Factory


@pytest.fixture
def f(db) -> Factory:
    return Factory(db)


def refused(db, code: int, procedure: str, *args) -> None:
    """Call a procedure that must refuse with `code`; the savepoint keeps the transaction usable,
    so the test can go on to check that nothing changed."""
    with pytest.raises(DbError) as err:
        with db.savepoint():
            db.call(procedure, *args)
    assert err.value.code == code, err.value.message
