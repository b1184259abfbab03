"""/metrics behind ILS_METRICS_TOKEN: open when unset, else only the scraper's bearer token gets the figures."""
from __future__ import annotations

import dataclasses

import httpx
import pytest

from server.main import create_app
from services.settings import Settings, SettingsError
from tests.api.conftest import LiveServer, error_code

TOKEN = "scrape-me-0123456789abcdef"


@pytest.fixture(scope="module")
def guarded(api_settings):
    settings = dataclasses.replace(api_settings, metrics_token=TOKEN, pool_min=1, pool_max=2)
    with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def test_metrics_are_open_without_a_token_configured(client):
    r = client.get("/metrics")
    assert r.status_code == 200 and "ils_http_requests_total" in r.text


@pytest.mark.parametrize("header", [None, "Bearer wrong-token-0123456789", f"Basic {TOKEN}", f"Bearer {TOKEN}x",
                                    f"Bearer {TOKEN[:-1]}"])
def test_metrics_refuse_a_missing_or_wrong_token_with_401(guarded, header):
    r = guarded.get("/metrics", headers={"Authorization": header} if header else {})
    assert r.status_code == 401 and error_code(r) == "NOT_AUTHENTICATED"
    assert r.headers["WWW-Authenticate"] == "Bearer" and "ils_" not in r.text


def test_a_user_token_is_not_the_metrics_token(guarded, staff):
    assert guarded.get("/metrics", headers=staff["IT_ADMIN"].headers).status_code == 401


def test_metrics_answer_the_scraper_s_token(guarded):
    r = guarded.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200 and "ils_http_requests_total" in r.text
    assert guarded.get("/healthz").status_code == 200  # liveness stays open


def test_a_short_metrics_token_stops_start_up():
    env = {"ILS_DATABASE_URL": "postgresql://x@h/db", "ILS_JWT_SECRET": "j" * 32}
    assert Settings.from_env({**env, "ILS_METRICS_TOKEN": TOKEN}).metrics_token == TOKEN
    with pytest.raises(SettingsError):
        Settings.from_env({**env, "ILS_METRICS_TOKEN": "short"})
