"""The dashboard: today's figures from the database, alerts, and a 7-day checkout/return chart."""
from __future__ import annotations

from datetime import datetime, timedelta

from playwright.sync_api import expect

from tests.ui.helpers import login


def test_dashboard_shows_todays_figures_alerts_and_the_last_seven_days(page, committed):
    now = datetime.utcnow().replace(microsecond=0)
    today = now.replace(hour=0, minute=0, second=0)
    overdue = committed.scalar("SELECT COUNT(*) FROM loans WHERE status = 'ACTIVE' AND due_at < :n", {"n": now})
    overdue_week = committed.scalar("SELECT COUNT(*) FROM loans WHERE status = 'ACTIVE' AND due_at < :w",
                                    {"w": now - timedelta(days=7)})
    ready = committed.scalar("SELECT COUNT(*) FROM holds WHERE status = 'READY'")
    checkouts = committed.scalar("SELECT COUNT(*) FROM loans WHERE checkout_at >= :t", {"t": today})
    committed.rollback()

    login(page, "librarian")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_test_id("stat-overdue")).to_have_text(str(overdue))
    expect(page.get_by_test_id("stat-checkouts")).to_have_text(str(checkouts))
    alerts = page.get_by_role("region", name="Alerts")
    expect(alerts).to_contain_text(f"{overdue_week} items overdue more than 7 days" if overdue_week != 1
                                   else "1 item overdue more than 7 days")
    expect(alerts).to_contain_text(f"{ready} hold")
    chart = page.get_by_role("region", name="Circulation, last 7 days").locator("svg[role=img]")
    expect(chart.locator("rect.bar")).to_have_count(14)  # 7 days x (checkouts, returns)
    expect(page.get_by_role("link", name="Check out", exact=True).first).to_be_visible()
