"""Liveness, Prometheus metrics (also across several uvicorn workers), request ids, JSON logs, security
headers and CORS."""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from server.main import create_app
from services.settings import serve_command
from tests.api.conftest import LiveServer, _free_port

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_is_public_and_cheap(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_metrics_count_requests_by_route_template(client, staff):
    client.get("/api/catalog/book/987654321")
    text = client.get("/metrics").text
    assert re.search(r'ils_http_requests_total\{method="GET",route="/api/catalog/book/\{material_id\}",status="404"\} \d', text)
    assert "ils_http_request_duration_seconds_bucket" in text
    assert re.search(r"ils_db_pool_size \d", text) and "ils_db_pool_in_use" in text and "ils_db_pool_idle" in text
    client.get("/api/patron/me/loans", headers=staff["PATRON"].headers)
    text = client.get("/metrics").text
    assert 'ils_db_call_duration_seconds_count{procedure="lib_session.set_actor"}' in text or \
           "ils_db_call_duration_seconds" in text


def test_request_id_is_echoed_or_generated(client):
    r = client.get("/healthz", headers={"X-Request-ID": "desk-7-abc"})
    assert r.headers["X-Request-ID"] == "desk-7-abc"
    r = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["X-Request-ID"])
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/healthz").headers["X-Request-ID"])


def test_security_headers(client):
    r = client.get("/api/branches")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["Cache-Control"] == "no-store"


def test_access_log_is_json_with_request_id(api_settings):
    settings = dataclasses.replace(api_settings, access_log=True)
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    access = logging.getLogger("ils.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        with LiveServer(create_app(settings)) as server:
            httpx.get(f"{server.url}/healthz", headers={"X-Request-ID": "log-check-1"})
    finally:
        access.removeHandler(handler)
        access.setLevel(logging.NOTSET)
    fields = [r.fields for r in records if getattr(r, "fields", {}).get("request_id") == "log-check-1"]
    assert fields and fields[0]["status"] == 200 and fields[0]["route"] == "/healthz"
    from api.middleware import JsonFormatter
    line = JsonFormatter().format(records[-1])
    assert json.loads(line)["request_id"] == "log-check-1"


def test_cors_allows_only_configured_origins(api_settings):
    settings = dataclasses.replace(api_settings, cors_origins=("https://portal.example.org",))
    with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url) as c:
        pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}
        r = c.options("/api/auth/login", headers={"Origin": "https://portal.example.org", **pre})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://portal.example.org"
        r = c.options("/api/auth/login", headers={"Origin": "https://evil.example.com", **pre})
        assert "access-control-allow-origin" not in r.headers


def test_metrics_sum_over_several_workers(api_settings, tmp_path):
    """Two uvicorn workers with PROMETHEUS_MULTIPROC_DIR: /metrics counts the requests of both."""
    port = _free_port()
    env = dict(os.environ, ILS_DATABASE_URL=api_settings.database_url, ILS_JWT_SECRET=api_settings.jwt_secret,
               PROMETHEUS_MULTIPROC_DIR=str(tmp_path), ILS_DB_POOL_MIN="1", ILS_DB_POOL_MAX="2", ILS_ACCESS_LOG="0",
               PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, *serve_command("127.0.0.1", port, workers=2, env=env),
                             "--log-level", "warning"], env=env, cwd=ROOT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "uvicorn workers did not start"
            time.sleep(0.2)
        with httpx.Client(base_url=url) as c:
            for _ in range(40):
                c.get("/api/branches", headers={"Connection": "close"})
        text = httpx.get(f"{url}/metrics").text
        m = re.search(r'ils_http_requests_total\{method="GET",route="/api/branches",status="200"\} ([\d.]+)', text)
        assert m and float(m.group(1)) == 40.0
    finally:
        proc.terminate()
        proc.wait(timeout=20)
