"""The health dashboard: green with the database up, red when it is gone, and back again.

The red case never touches the shared test database: a second app instance runs against a throwaway
database of its own, which the test then closes to connections (ALLOW_CONNECTIONS false, existing
sessions terminated) and reopens.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import psycopg
import pytest
from playwright.sync_api import expect

from datalayer.session import connect
from services.passwords import hash_password
from tests.factories import Factory
from tests.ui.conftest import AppServer, _admin_url, build_database, drop_database
from tests.ui.helpers import login, save_screenshot


def test_health_dashboard_shows_the_database_green_and_every_endpoint(new_page, server):
    desk = new_page(server.url)
    login(desk, "librarian")
    desk.goto("/staff/desk")  # some traffic of its own
    desk.goto("/staff/patrons")
    page = new_page(server.url)
    login(page, "itadmin")
    page.goto("/staff/health")
    expect(page.get_by_test_id("db-status")).to_have_attribute("data-status", "healthy")
    expect(page.get_by_test_id("overall-status")).to_have_attribute("data-status", "healthy")
    expect(page.get_by_test_id("overall-status")).to_contain_text("Healthy")
    endpoints = page.get_by_test_id("endpoints")
    expect(endpoints).to_contain_text("GET /staff/desk")
    expect(endpoints).to_contain_text("POST /staff/login")
    expect(page.locator("svg.chart")).to_have_count(3)
    # the sampler takes a reading a second here (ILS_HEALTH_SAMPLE_S=1): the next panels draw lines
    page.wait_for_timeout(6000)
    page.reload()
    expect(page.get_by_test_id("db-status")).to_have_attribute("data-status", "healthy")
    assert page.locator("svg.chart").first.locator("circle.dot.series-0").count() >= 4
    save_screenshot(page, "health.png")


@pytest.fixture
def throwaway(database_url, engine, ui_database_url):
    """A second app on a database of its own, with one IT admin; the database is dropped afterwards."""
    if engine != "postgresql":
        pytest.skip("closing a database to connections is done the PostgreSQL way here")
    name = urlsplit(ui_database_url).path.lstrip("/") + "_health"
    url = build_database(database_url, name)
    s = connect(url)
    try:
        Factory(s).user(roles=("IT_ADMIN",), username="itadmin", password_hash=hash_password("itadmin-pass"))
        s.commit()
    finally:
        s.close()
    app = AppServer(url, "health", ILS_DB_POOL_MIN="1", ILS_DB_POOL_MAX="4", ILS_DB_POOL_TIMEOUT="1.5").start()
    try:
        yield app, name
    finally:
        app.stop()
        _allow_connections(database_url, name, True)
        drop_database(database_url, name)


def _allow_connections(database_url: str, name: str, allow: bool) -> None:
    with psycopg.connect(_admin_url(database_url), autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if allow else "false"}')
        if not allow:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))


@pytest.mark.postgres_only
def test_health_dashboard_turns_red_when_the_database_stops_and_green_when_it_returns(new_page, throwaway,
                                                                                        database_url):
    app, name = throwaway
    page = new_page(app.url)
    login(page, "itadmin")
    page.goto("/staff/health")
    db_status = page.get_by_test_id("db-status")
    overall = page.get_by_test_id("overall-status")
    expect(db_status).to_have_attribute("data-status", "healthy")

    _allow_connections(database_url, name, False)
    try:
        # the page polls every 5 s: it turns red by itself, without a reload
        expect(db_status).to_have_attribute("data-status", "unhealthy", timeout=20000)
        expect(overall).to_have_attribute("data-status", "unhealthy")
        expect(overall).to_contain_text("Down")
        expect(page.locator(".status-red")).to_be_visible()
        page.reload()
        expect(page.get_by_test_id("db-status")).to_have_attribute("data-status", "unhealthy")
        page.screenshot(path=str(app.log_path.with_name("health-red.png")), full_page=True)
    finally:
        _allow_connections(database_url, name, True)
    expect(page.get_by_test_id("db-status")).to_have_attribute("data-status", "healthy", timeout=30000)
