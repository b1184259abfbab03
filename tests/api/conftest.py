"""API tests: a real uvicorn server (in a thread, real pool, real HTTP) over the freshly built database,
connected as the application role (tests/sessions.py); the arrange steps use the owner's URL.

API calls commit, so nothing here rolls back: every test makes its own rows with unique keys, committed
through a separate session (`committed`), and asserts on error codes, never on message text.
"""
from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from api.security import issue_token
from datalayer.gateway import SessionActor
from datalayer.session import Session, connect
from server.main import create_app
from services.accounts import load_user
from services.passwords import hash_password
from services.settings import Settings, trusted_proxies
from tests.factories import Factory, unique
from tests.sessions import app_env

ROLES = ("PATRON", "LIBRARIAN", "BRANCH_MANAGER", "CATALOGER", "IT_ADMIN", "LIBRARY_DIRECTOR")
PASSWORD = "correct-horse-42"
_HASH: list[str] = []


def password_hash() -> str:
    """One argon2 hash of PASSWORD for every test user (hashing costs ~100 ms)."""
    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    return _HASH[0]


@pytest.fixture(scope="session")
def api_settings(installed_db, app_database_url) -> Settings:
    env = dict(os.environ)
    env.setdefault("ILS_JWT_SECRET", "test-secret-" + unique("s"))
    env.update(app_env(installed_db))
    env.update({"ILS_LOGIN_RATE_PER_IP": "100000", "ILS_LOGIN_RATE_PER_USER": "1000",
                "ILS_DB_POOL_MIN": "2", "ILS_DB_POOL_MAX": "20", "ILS_ACCESS_LOG": "0", "ILS_LOG_LEVEL": "WARNING",
                "ILS_MEDIA_DIR": tempfile.mkdtemp(prefix="ils-api-media-")})
    return Settings.from_env(env)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving an app in a background thread on a free loopback port."""

    def __init__(self, app, port: int | None = None):
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = app
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="on", access_log=False,
                                                    forwarded_allow_ips=trusted_proxies()))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def app(api_settings):
    return create_app(api_settings)


@pytest.fixture(scope="session")
def live(app) -> LiveServer:
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def client(live) -> httpx.Client:
    with httpx.Client(base_url=live.url, timeout=30) as c:
        yield c


@dataclass
class Account:
    user_id: int
    username: str
    patron_id: int | None
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def actor(self) -> SessionActor:
        """The user under the session of the token, for the gateway's transaction()."""
        from jose import jwt
        return SessionActor(self.user_id, jwt.get_unverified_claims(self.token)["sid"])


class People:
    """Creates committed users (with roles, optionally a linked patron) and their tokens."""

    def __init__(self, url: str, settings: Settings):
        self.url, self.settings = url, settings

    def token_for(self, user_id: int) -> str:
        """A token of a new session of the user (committed), as a login would issue it."""
        s = connect(self.url)
        try:
            lifetime = self.settings.jwt_expire_minutes * 60
            key = Factory(s).session(user_id, lifetime_s=lifetime)
            s.commit()
            user = load_user(s, user_id, key, None, int(time.time()) + lifetime)
        finally:
            s.rollback()
            s.close()
        return issue_token(user, self.settings.jwt_secret, self.settings.jwt_expire_minutes)[0]

    def make(self, *roles: str, patron: bool | None = None, username: str | None = None, **patron_kw) -> Account:
        s = connect(self.url)
        try:
            f = Factory(s)
            username = username or unique("u").lower()
            user_id = f.user(roles=roles, username=username, password_hash=password_hash())
            patron_id = None
            if patron if patron is not None else "PATRON" in roles:
                patron_id = f.patron(user_id=user_id, **patron_kw)
            s.commit()
        finally:
            s.close()
        return Account(user_id, username, patron_id, self.token_for(user_id))


@pytest.fixture(scope="session")
def people(installed_db, api_settings) -> People:
    return People(installed_db, api_settings)


@pytest.fixture(scope="session")
def staff(people) -> dict[str, Account]:
    """One account per role of the contract (the PATRON one linked to a patron record)."""
    return {role: people.make(role) for role in ROLES}


def count(s: Session, table: str, where: str = "1 = 1", binds: dict | None = None) -> int:
    return s.scalar(f"SELECT COUNT(*) FROM {table} WHERE {where}", binds or {})


def snapshot(url: str, *tables: str) -> dict[str, int]:
    """Row counts of business tables, to check that a refusal changed nothing."""
    s = connect(url)
    try:
        return {t: count(s, t) for t in tables}
    finally:
        s.rollback()
        s.close()


def error_code(response: httpx.Response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except Exception:
        return None


class Arrange:
    """Committed arrange steps: reference rows through the factory, business rows through the packages
    (actor NULL, as a system job), each step committed at once so the API server sees it."""

    def __init__(self, url: str):
        self.s = connect(url)
        self.f = Factory(self.s)

    def __getattr__(self, name):  # factory helpers, committed
        fn = getattr(self.f, name)

        def run(*args, **kw):
            out = fn(*args, **kw)
            self.s.commit()
            return out
        return run

    def call(self, procedure: str, *args):
        from datalayer.session import Out  # noqa: F401
        try:
            self.s.set_actor(None)
            out = self.s.call(procedure, *args)
            self.s.commit()
            return out
        except Exception:
            self.s.rollback()
            raise

    def one(self, sql: str, binds: dict | None = None) -> dict | None:
        row = self.s.one(sql, binds)
        self.s.rollback()
        return row

    def scalar(self, sql: str, binds: dict | None = None):
        v = self.s.scalar(sql, binds)
        self.s.rollback()
        return v

    def execute(self, sql: str, binds: dict | None = None) -> int:
        n = self.s.execute(sql, binds)
        self.s.commit()
        return n

    def charge(self, patron_id: int, amount: float = 4.5) -> int:
        from decimal import Decimal

        from datalayer.session import Out
        (fine_id,) = self.call("lib_fines.add_charge", patron_id, None, "MANUAL", Decimal(str(amount)), "test charge",
                               Out(int))
        return fine_id

    def close(self) -> None:
        self.s.rollback()
        self.s.close()


@pytest.fixture
def arrange(installed_db):
    a = Arrange(installed_db)
    try:
        yield a
    finally:
        a.close()


BUSINESS_TABLES = ("loans", "holds", "fines", "payments", "copies", "patrons", "users", "user_roles", "materials",
                   "audit_log")


def fingerprint(url: str, tables: tuple[str, ...] = BUSINESS_TABLES) -> dict[str, str]:
    """A digest of every row of the business tables: equal before and after = nothing changed."""
    import hashlib
    s = connect(url)
    try:
        out = {}
        for t in tables:
            rows = s.rows(f"SELECT * FROM {t}")
            out[t] = hashlib.sha256(repr(sorted(repr(sorted(r.items())) for r in rows)).encode()).hexdigest()
        return out
    finally:
        s.rollback()
        s.close()


@pytest.fixture
def unchanged(installed_db):
    """Usage: with unchanged(): <a refused request> -- fails if any business row changed."""
    from contextlib import contextmanager

    @contextmanager
    def check():
        before = fingerprint(installed_db)
        yield
        after = fingerprint(installed_db)
        changed = [t for t in before if before[t] != after[t]]
        assert changed == [], f"a refused request changed {changed}"
    return check
