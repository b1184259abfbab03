"""UI tests: the real app (uvicorn in a subprocess) driven by a real headless browser.

The browser is Playwright from PyPI driving Debian's chromium (/usr/bin/chromium), never a downloaded
one. The app runs against a database of its own with the demo data loaded (users librarian, manager,
cataloger, itadmin, director, patron1..3, password `<username>-pass`): on PostgreSQL a database
`<test db>_ui` built here (the demo data commits, so it never shares the database of the other
suites); on Oracle the installed test schema. Each test arranges the rows it needs with unique keys,
committed through its own session; business state (loans, holds, fines) is made by package calls.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from services.settings import serve_command
from tests.factories import Factory
from tests.sessions import app_env, rolled_back_session
from tests.ui.helpers import ARTIFACTS, ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _db_url(url: str, name: str) -> str:
    return urlsplit(url)._replace(path="/" + name).geturl()


def _admin_url(url: str) -> str:
    return urlsplit(url)._replace(scheme="postgresql", path="/postgres").geturl()


def build_database(database_url: str, name: str) -> str:
    """(Re)create database `name` on the cluster of `database_url` with the full schema (PostgreSQL)."""
    from database.postgres import build
    build.install(_admin_url(database_url), name)
    return _db_url(database_url, name)


def drop_database(database_url: str, name: str) -> None:
    import psycopg
    with psycopg.connect(_admin_url(database_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class AppServer:
    """`uvicorn server.main:app` in a subprocess on a free port, configured by environment variables, connected
    as the application role to the database `database_url` (the owner's URL) names."""

    def __init__(self, database_url: str, name: str, **env: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = ARTIFACTS / f"server-{name}.log"
        self.env = {**os.environ, **app_env(database_url),
                    "ILS_JWT_SECRET": os.environ.get("ILS_JWT_SECRET") or "ui-test-secret-0123456789",
                    "ILS_LOGIN_RATE_PER_IP": "100000", "ILS_LOGIN_RATE_PER_USER": "1000", "ILS_ACCESS_LOG": "0",
                    "ILS_LOG_LEVEL": "WARNING", "ILS_MEDIA_DIR": str(ARTIFACTS / f"media-{name}"),
                    "PYTHONPATH": str(ROOT), **env}
        if len(self.env["ILS_JWT_SECRET"]) < 16:
            self.env["ILS_JWT_SECRET"] = self.env["ILS_JWT_SECRET"] * 4
        self.proc: subprocess.Popen | None = None

    def start(self) -> "AppServer":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        self.proc = subprocess.Popen([sys.executable, *serve_command("127.0.0.1", self.port, env=self.env),
                                      "--no-access-log"],
                                     cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app exited at start-up, see {self.log_path}:\n{self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the app did not answer within 30 s, see {self.log_path}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


# ---- the database and the app ----------------------------------------------------------------------

@pytest.fixture(scope="session")
def ui_database_url(request, database_url, engine) -> str:
    """A database with the schema and the demo data, for the app under test."""
    from scripts import demo
    if engine == "postgresql":
        name = urlsplit(database_url).path.lstrip("/")
        name = name if name.endswith("_ui") else name + "_ui"
        url = build_database(database_url, name)
    else:
        url = request.getfixturevalue("installed_db")
    demo.load(url, scale="demo", progress=False)
    return url


@pytest.fixture(scope="session")
def server(ui_database_url):
    app = AppServer(ui_database_url, "main", ILS_SESSION_CHECK_S="0", ILS_HEALTH_SAMPLE_S="1").start()
    try:
        yield app
    finally:
        app.stop()


@pytest.fixture
def committed(ui_database_url):
    """A session for arranging rows; every statement is committed by the test (s.commit())."""
    with rolled_back_session(ui_database_url) as s:
        yield s


@pytest.fixture
def factory(committed) -> Factory:
    return Factory(committed)


# ---- the browser -------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def new_page(browser, request):
    """Factory of pages, each in its own browser context (own cookies); all closed after the test."""
    contexts = []

    def _open(base_url: str):
        context = browser.new_context(base_url=base_url, viewport={"width": 1360, "height": 900})
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for c in contexts:
        c.close()


@pytest.fixture
def page(new_page, server):
    return new_page(server.url)
