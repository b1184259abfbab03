"""The staff table screens (admin_ui.tables) never write a table themselves: starlette-admin reads through
SQLAlchemy in read-only transactions, and every create, edit and delete of a view is its own package call."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from starlette_admin.contrib.sqla import ModelView

from admin_ui.tables import VIEWS, TableView, make_sessionmaker


def test_the_screens_sessions_read_but_cannot_write(installed_db):
    maker = make_sessionmaker(installed_db)
    try:
        with maker() as session:
            assert session.execute(text("SELECT COUNT(*) FROM genres")).scalar() >= 0
            with pytest.raises(DBAPIError) as err:
                session.execute(text("INSERT INTO genres (name) VALUES ('Read only')"))
            assert "read-only" in str(err.value).lower() or "ORA-01456" in str(err.value)
    finally:
        maker.kw["bind"].dispose()


@pytest.mark.parametrize("view", [v for v, _ in VIEWS], ids=lambda v: v.__name__)
def test_no_view_keeps_starlette_admins_own_writes(view):
    assert issubclass(view, TableView)
    for method in ("create", "edit", "delete"):
        assert getattr(view, method) is not getattr(ModelView, method), f"{view.__name__}.{method}"
