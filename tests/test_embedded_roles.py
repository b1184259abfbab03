"""The embedded run serves the API and the staff UI as the application role, with a password of its own in
.ils/app-password; installs, demo data and jobs keep the cluster owner's URL."""
from __future__ import annotations

import argparse
from urllib.parse import unquote, urlsplit

import psycopg
import pytest

from scripts import cli, cluster, notices, supervisor


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "STATE_DIR", tmp_path)
    monkeypatch.setattr(cluster, "PASSWORD_FILE", tmp_path / "db-password")
    monkeypatch.setattr(cluster, "APP_PASSWORD_FILE", tmp_path / "app-password")
    (tmp_path / "db-password").write_text("owner-secret\n")
    return tmp_path


def test_run_serves_as_the_application_role_and_keeps_the_owner_for_the_rest(state, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(cluster, "start", lambda: calls.append("start"))
    monkeypatch.setattr(cli, "_bring_up_to_date", lambda demo: calls.append("up to date"))
    monkeypatch.setattr(cli, "_jwt_secret", lambda: "s" * 32)
    served = {}

    class Supervisor:  # records what `run` would start: the web server's environment
        def __init__(self, children):
            served.update(next(c.env for c in children if c.name == "web"))

        def run(self) -> int:
            return 0
    monkeypatch.setattr(supervisor, "Supervisor", Supervisor)
    monkeypatch.setattr(notices, "embedded_password", lambda: "sender-secret")

    assert cli.cmd_run(argparse.Namespace(host="127.0.0.1", port=8001, workers=1, no_demo=True)) == 0

    url = urlsplit(served["ILS_DATABASE_URL"])
    assert (url.username, unquote(url.password), url.path) == ("ils_app", cluster.app_password(), "/ils")
    assert (state / "app-password").stat().st_mode & 0o077 == 0
    assert cluster.app_password() != cluster.password()
    assert urlsplit(cluster.default_url()).username == cluster.ROLE  # demo data, jobs, upgrades
    out = capsys.readouterr().out
    assert "ils_app:***@" in out and "ils:***@" in out and "secret" not in out


@pytest.mark.postgres_only
def test_enable_app_login_gives_the_role_login_and_the_checkouts_password(state, monkeypatch, database_url):
    probe = "ils_app_login_probe"
    admin = urlsplit(database_url)._replace(path="/postgres").geturl()
    monkeypatch.setattr(cluster, "admin_url", lambda database="postgres": admin)
    monkeypatch.setattr(cluster, "APP_ROLE", probe)  # the real ils_app may serve a running `scripts/ils run`
    monkeypatch.setattr(cluster, "PORT", urlsplit(database_url).port)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {probe}")
        conn.execute(f"CREATE ROLE {probe} NOLOGIN")
    try:
        cluster.enable_app_login()
        cluster.enable_app_login()  # again: nothing changes
        with psycopg.connect(cluster.app_url("postgres")) as conn:
            assert conn.execute("SELECT current_user").fetchone()[0] == probe
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP ROLE IF EXISTS {probe}")
