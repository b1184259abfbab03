"""The API under test acts as the application role, as a deployment does: the attack tests' account."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit


def test_the_server_under_test_connects_as_the_application_role(app, installed_db):
    with app.state.gateway.read() as s:
        if s.engine == "postgresql":
            assert s.scalar("SELECT current_user") == "ils_app"
        else:  # the application user, its names resolved in the owner's schema
            assert s.scalar("SELECT USER FROM dual") != unquote(urlsplit(installed_db).username or "").upper()
            assert s.scalar("SELECT SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') FROM dual") == \
                unquote(urlsplit(installed_db).username or "").upper()
        assert s.scalar("SELECT COUNT(*) FROM app_errors") > 0
