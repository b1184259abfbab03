"""Test harness: one fresh database per session, one rolled-back transaction per test.

Configuration comes only from the environment: ILS_DATABASE_URL names the database the suite may
wipe and rebuild (postgresql://... for the embedded build, oracle+oracledb://... for Oracle).
`scripts/ils test` points it at the embedded cluster's ils_test database. Tests arrange as that URL's
user (the schema owner) and act as the application role (tests/sessions.py: app_url; on Oracle
ILS_APP_DATABASE_URL names the test schema's application user).
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from datalayer.session import Session, connect, engine_of
from tests import sessions
from tests.sessions import open_session, rolled_back_session


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres_only: relies on PostgreSQL (pg_cron, plpgsql_check, the ora2pg build)")
    config.addinivalue_line("markers", "oracle_only: relies on Oracle")


@pytest.fixture(scope="session")
def database_url() -> str:
    url = os.environ.get("ILS_DATABASE_URL")
    if not url:
        pytest.exit("ILS_DATABASE_URL is not set: run the suite with scripts/ils test, or set it to a database "
                    "the tests may rebuild", returncode=2)
    return url


@pytest.fixture(scope="session")
def engine(database_url) -> str:
    return engine_of(database_url)


@pytest.fixture(autouse=True)
def _engine_markers(request, engine):
    if request.node.get_closest_marker("postgres_only") and engine != "postgresql":
        pytest.skip("PostgreSQL only")
    if request.node.get_closest_marker("oracle_only") and engine != "oracle":
        pytest.skip("Oracle only")


@pytest.fixture(scope="session")
def installed_db(database_url, engine) -> str:
    """Build the schema and PL/SQL fresh into the test database, once per session."""
    if engine == "postgresql":
        from database.postgres import build
        parts = urlsplit(database_url)
        build.install(parts._replace(path="/postgres").geturl(), parts.path.lstrip("/"))
    else:
        from database import oracle_install
        s = connect(database_url)
        try:
            oracle_install.uninstall(s.raw)
            oracle_install.install(s.raw)
        finally:
            s.close()
    return database_url


@pytest.fixture(scope="session")
def app_database_url(installed_db) -> str:
    """The application role's URL for the test database: what the API and staff UI under test use."""
    try:
        return sessions.app_url(installed_db)
    except RuntimeError as e:
        pytest.exit(str(e), returncode=2)


@pytest.fixture
def app_db(installed_db, app_database_url) -> Session:
    """A session as the application role (rolled back after the test)."""
    with rolled_back_session(app_database_url, schema=sessions.app_schema(installed_db)) as s:
        yield s


@pytest.fixture
def db(installed_db) -> Session:
    """A session whose work is rolled back after the test."""
    with rolled_back_session(installed_db) as s:
        yield s


@pytest.fixture
def committed(installed_db) -> Session:
    """A session whose arrange steps the test commits (call .commit() after arranging: jobs and API calls
    only see committed rows); whatever it leaves uncommitted is rolled back after the test."""
    with rolled_back_session(installed_db) as s:
        yield s


@pytest.fixture
def new_session(installed_db):
    """Factory for extra committed-work sessions (concurrency tests); all closed after the test."""
    opened: list[Session] = []

    def _open() -> Session:
        s = open_session(installed_db)
        opened.append(s)
        return s

    yield _open
    for s in opened:
        try:
            s.rollback()
        finally:
            s.close()
