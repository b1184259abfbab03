"""The sessions the fixtures hand to tests, and the accounts they connect as.

The suite arranges as the schema owner (ILS_DATABASE_URL: the embedded cluster's superuser on PostgreSQL,
the schema owner on Oracle) and acts as the application role: the API and staff UI under test, and the
attack tests, connect with app_url(). On PostgreSQL that is a login of the tests' own, ils_app_tester,
which is ils_app from its first statement (`-c role=ils_app` at connect; NOINHERIT, so even RESET ROLE
leaves it no more than ils_app has), its password derived from the owner URL's. On Oracle it is
ILS_APP_DATABASE_URL, the application user database/create_users.sql made for the test schema, whose
names resolve in the owner's schema (CURRENT_SCHEMA, as ILS_DB_SCHEMA sets it for the app).
"""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import quote, unquote, urlencode, urlsplit

from datalayer.session import Session, connect, engine_of

APP_ROLE = "ils_app"
TEST_LOGIN = "ils_app_tester"


class ArrangeSession(Session):
    """A test's session. set_actor(user) without a session key acts under a sign-in session opened for
    the user in the test's transaction (tests.factories.Factory.session): the rules under test see a
    real session, as lib_session.set_actor requires, without a login per test."""

    def set_actor(self, user_id: int | None, session_key: str | None = None) -> None:
        if user_id is not None and session_key is None:
            from tests.factories import Factory
            keys = self.__dict__.setdefault("_test_keys", {})
            if user_id not in keys:
                keys[user_id] = Factory(self).session(user_id)
            session_key = keys[user_id]
        super().set_actor(user_id, session_key)

    def rollback(self) -> None:
        self.__dict__.pop("_test_keys", None)  # the sessions were rolled back with the rest
        super().rollback()


def open_session(url: str, schema: str | None = None) -> Session:
    return connect(url, schema=schema, cls=ArrangeSession)


@contextmanager
def rolled_back_session(url: str, schema: str | None = None) -> Iterator[Session]:
    """A session on `url`; whatever it left uncommitted is rolled back, then it is closed."""
    s = open_session(url, schema=schema)
    try:
        yield s
    finally:
        s.rollback()
        s.close()


def terminate_when_waiting(url: str, procedure: str, timeout: float = 15) -> int:
    """PostgreSQL: pg_terminate_backend on the session that waits for a lock inside `procedure` (another session
    holds the row), as a server restart or a DBA would end it; returns its pid."""
    s = connect(url)
    s.raw.autocommit = True
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid = s.scalar("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND query LIKE :q",
                           {"q": f"%{procedure}%"})
            if pid is not None:
                assert s.scalar("SELECT pg_terminate_backend(:p)", {"p": pid}) is True
                return pid
            time.sleep(0.05)
        raise AssertionError(f"no session waited inside {procedure}")
    finally:
        s.close()


def app_schema(owner_url: str) -> str | None:
    """Oracle: the schema the application user's names resolve in (the owner's); PostgreSQL: None."""
    return unquote(urlsplit(owner_url).username or "").upper() if engine_of(owner_url) == "oracle" else None


def app_url(owner_url: str) -> str:
    """The application role's URL for the database `owner_url` names."""
    if engine_of(owner_url) == "oracle":
        url = os.environ.get("ILS_APP_DATABASE_URL")
        if not url:
            raise RuntimeError("ILS_APP_DATABASE_URL is not set: on Oracle the suite acts as the application user "
                               "of the test schema (database/create_users.sql), e.g. "
                               "oracle+oracledb://ils_test_app:password@dbhost:1521/FREEPDB1")
        return url
    parts = urlsplit(owner_url)
    password = _test_login(parts._replace(path="/postgres").geturl())
    netloc = f"{TEST_LOGIN}:{quote(password, safe='')}@{parts.hostname}:{parts.port or 5432}"
    return parts._replace(netloc=netloc, query=urlencode({"options": f"-c role={APP_ROLE}"}, quote_via=quote)).geturl()


def app_env(owner_url: str) -> dict[str, str]:
    """The environment of an app server under test: the application role's URL (and Oracle's schema)."""
    env = {"ILS_DATABASE_URL": app_url(owner_url)}
    if schema := app_schema(owner_url):
        env["ILS_DB_SCHEMA"] = schema
    return env


@lru_cache(maxsize=None)
def _test_login(admin_url: str) -> str:
    """Create or refresh the tests' login for the application role; returns its password (the same for
    every run against the same cluster and owner password, so concurrent runs never lock each other out)."""
    import psycopg
    from psycopg import sql

    password = hashlib.sha256(f"{TEST_LOGIN}:{admin_url}".encode()).hexdigest()[:32]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (TEST_LOGIN,)).fetchone()
        verb = "ALTER" if exists else "CREATE"
        try:
            conn.execute(sql.SQL(verb + " ROLE {} LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                                 "NOBYPASSRLS PASSWORD {}").format(sql.Identifier(TEST_LOGIN), sql.Literal(password)))
        except psycopg.errors.DuplicateObject:  # created meanwhile by another run
            pass
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(APP_ROLE), sql.Identifier(TEST_LOGIN)))
    return password
