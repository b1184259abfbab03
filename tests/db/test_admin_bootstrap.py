"""`scripts/ils admin bootstrap`: the first IT admin of a fresh install, created once (the compose setup
service runs it as the owner on every start), through lib_auth.create_user."""
from __future__ import annotations

import pytest

from scripts import cli
from tests import sessions
from tests.factories import unique


@pytest.fixture
def bootstrap(installed_db, monkeypatch):
    name = unique("Admin")
    monkeypatch.setenv("ILS_DATABASE_URL", installed_db)
    monkeypatch.setenv("ILS_ADMIN_USERNAME", name)
    monkeypatch.delenv("ILS_ADMIN_PASSWORD", raising=False)
    return name


def _accounts(s, name):
    return s.rows("""SELECT u.username, r.code FROM users u JOIN user_roles ur ON ur.user_id = u.user_id
                       JOIN roles r ON r.role_id = ur.role_id WHERE UPPER(u.username) = UPPER(:n)""", {"n": name})


def test_bootstrap_creates_the_it_admin_once_whatever_the_case_of_the_name(bootstrap, committed, monkeypatch):
    monkeypatch.setenv("ILS_ADMIN_PASSWORD", "a-long-enough-secret")
    assert cli.main(["admin", "bootstrap"]) == 0
    assert _accounts(committed, bootstrap) == [{"username": bootstrap, "code": "IT_ADMIN"}]

    monkeypatch.setenv("ILS_ADMIN_USERNAME", bootstrap.upper())   # the next start, the name typed in capitals
    assert cli.main(["admin", "bootstrap"]) == 0
    assert len(_accounts(committed, bootstrap)) == 1


def test_bootstrap_without_a_strong_enough_password_creates_nothing(bootstrap, committed, monkeypatch):
    monkeypatch.setenv("ILS_ADMIN_PASSWORD", "short")
    assert cli.main(["admin", "bootstrap"]) == 2
    assert _accounts(committed, bootstrap) == []


def test_bootstrap_as_the_application_role_is_refused_and_creates_nothing(bootstrap, installed_db, committed,
                                                                          monkeypatch):
    """System work runs as the owner (the compose setup service, the embedded cluster's superuser): the
    application's account may not create the first administrator."""
    for name, value in sessions.app_env(installed_db).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ILS_ADMIN_PASSWORD", "a-long-enough-secret")
    assert cli.main(["admin", "bootstrap"]) == 1
    assert _accounts(committed, bootstrap) == []
