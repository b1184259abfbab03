"""Who the client is for the rate limits (ILS_TRUSTED_PROXIES), and the registration limits.

The servers here are started the way `scripts/ils run` starts one (services.settings.serve_command, a uvicorn
subprocess), because which X-Forwarded-For is believed is decided by uvicorn's command line, not the app.
"""
from __future__ import annotations

import dataclasses
import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from server.main import create_app
from services.settings import SettingsError, serve_command, trusted_proxies
from tests.api.conftest import LiveServer, _free_port, error_code, snapshot
from tests.factories import unique

ROOT = Path(__file__).resolve().parents[2]
_ADDRESSES = (f"203.0.113.{i}" for i in itertools.count(1))


class Served:
    """`python -m uvicorn ...` as serve_command builds it, with a small per-address limit."""

    def __init__(self, api_settings, **env: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "ILS_DATABASE_URL": api_settings.database_url,
                    "ILS_JWT_SECRET": api_settings.jwt_secret, "ILS_LOGIN_RATE_PER_IP": "3",
                    "ILS_LOGIN_RATE_PER_USER": "1000", "ILS_DB_POOL_MIN": "1", "ILS_DB_POOL_MAX": "2",
                    "ILS_ACCESS_LOG": "0", "ILS_LOG_LEVEL": "WARNING", "ILS_TRUSTED_PROXIES": "",
                    "PYTHONPATH": str(ROOT), **env}
        self.proc = subprocess.Popen([sys.executable, *serve_command("127.0.0.1", self.port, env=self.env),
                                      "--log-level", "warning"], env=self.env, cwd=ROOT)
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


@pytest.fixture(scope="module")
def untrusting(api_settings):
    """ILS_TRUSTED_PROXIES unset: the default."""
    server = Served(api_settings)
    try:
        yield server
    finally:
        server.stop()


def _login(c: httpx.Client, forwarded_for: str) -> int:
    return c.post("/api/auth/login", json={"username": unique("xff"), "password": "wrong-password"},
                  headers={"X-Forwarded-For": forwarded_for}).status_code


def _register(c: httpx.Client, forwarded_for: str | None = None, email: str | None = None,
              username: str | None = None) -> httpx.Response:
    name = username or unique("reg").lower()
    body = {"username": name, "password": "long-enough-1", "full_name": "Ada Lovelace",
            "email": email or f"{name}@example.org"}
    return c.post("/api/auth/register", json=body,
                  headers={"X-Forwarded-For": forwarded_for} if forwarded_for else {})


def test_rotating_x_forwarded_for_does_not_escape_the_login_limit(untrusting):
    with httpx.Client(base_url=untrusting.url, timeout=30) as c:
        codes = [_login(c, next(_ADDRESSES)) for _ in range(4)]
    assert 429 not in codes[:3] and codes[3] == 429


def test_rotating_x_forwarded_for_does_not_escape_the_registration_limit(untrusting):
    with httpx.Client(base_url=untrusting.url, timeout=30) as c:
        responses = [_register(c, next(_ADDRESSES)) for _ in range(4)]
    assert [r.status_code for r in responses] == [201, 201, 201, 429]
    assert error_code(responses[3]) == "RATE_LIMITED" and int(responses[3].headers["Retry-After"]) >= 1


def test_a_trusted_proxy_s_x_forwarded_for_names_the_client(api_settings):
    """With the loopback trusted, each forwarded address has its own budget: the setting reaches uvicorn."""
    server = Served(api_settings, ILS_TRUSTED_PROXIES="127.0.0.1, ::1")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            rotating = [_login(c, next(_ADDRESSES)) for _ in range(5)]
            one = next(_ADDRESSES)
            same = [_login(c, one) for _ in range(4)]
    finally:
        server.stop()
    assert 429 not in rotating
    assert 429 not in same[:3] and same[3] == 429


def test_trusted_proxies_must_be_addresses_or_networks():
    assert trusted_proxies({}) == ""
    assert trusted_proxies({"ILS_TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.7 ,::1"}) == "10.0.0.0/8,192.0.2.7,::1"
    assert trusted_proxies({"ILS_TRUSTED_PROXIES": "*"}) == "*"
    with pytest.raises(SettingsError):
        trusted_proxies({"ILS_TRUSTED_PROXIES": "proxy.example.org"})
    command = serve_command("127.0.0.1", 8000, env={})
    assert command[command.index("--forwarded-allow-ips") + 1] == ""


# ---- registration ----------------------------------------------------------------------------------

@pytest.fixture
def small_email_limit(api_settings):
    settings = dataclasses.replace(api_settings, login_rate_per_user=2, login_rate_per_ip=1000, pool_min=1, pool_max=2)
    with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def test_registration_is_rate_limited_per_email(small_email_limit, installed_db):
    email = f"{unique('mail').lower()}@example.org"
    first = [_register(small_email_limit, email=email.upper() if i else email).status_code for i in range(2)]
    before = snapshot(installed_db, "users", "patrons")
    refused = _register(small_email_limit, email=f" {email} ")
    assert first == [201, 201]
    assert refused.status_code == 429 and error_code(refused) == "RATE_LIMITED"
    assert snapshot(installed_db, "users", "patrons") == before
    assert _register(small_email_limit).status_code == 201  # another address is not held back


def test_registration_answers_alike_for_a_registered_and_an_unregistered_email(client, people, installed_db):
    taken = f"{unique('mail').lower()}@example.org"
    assert _register(client, email=taken).status_code == 201
    fresh = f"{unique('mail').lower()}@example.org"
    again, new = _register(client, email=taken), _register(client, email=fresh)
    assert again.status_code == new.status_code == 201
    assert again.json().keys() == new.json().keys() and again.headers.keys() == new.headers.keys()
    # a taken username is refused the same way whatever the e-mail
    existing = people.make("PATRON").username
    on_file, unknown = (_register(client, email=e, username=existing) for e in (taken, fresh))
    assert on_file.status_code == unknown.status_code == 409
    assert on_file.json() == unknown.json() and error_code(on_file) == "USERNAME_TAKEN"
