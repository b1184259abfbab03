"""Reports: circulation and money over a period, each behind its permission, on screen and as CSV."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from playwright.sync_api import expect

from tests.ui.helpers import add_charge, login, named_patron, save_screenshot


def _count(s, sql, start, end):
    return s.scalar(sql, {"s": start, "e": end + timedelta(days=1)})


def test_director_sees_circulation_and_money_for_a_period_and_downloads_the_csv(page, factory, committed):
    patron_id, _ = named_patron(committed, factory.main_branch(), "Orla", "Prendergast")
    committed.commit()
    add_charge(committed, patron_id, 2.75, "Lost bookmark")
    end = datetime.utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=13)
    checkouts = _count(committed, "SELECT COUNT(*) FROM loans WHERE checkout_at >= :s AND checkout_at < :e", start, end)
    charged = _count(committed, "SELECT SUM(amount) FROM fines WHERE assessed_at >= :s AND assessed_at < :e", start, end)

    login(page, "director")
    page.get_by_role("link", name="Reports").click()
    page.get_by_label("From", exact=True).fill(start.strftime("%Y-%m-%d"))
    page.get_by_label("To", exact=True).fill(end.strftime("%Y-%m-%d"))
    page.get_by_role("button", name="Show").click()

    expect(page.get_by_test_id("rpt-checkouts")).to_have_text(str(checkouts))
    expect(page.get_by_test_id("rpt-assessed")).to_have_text(f"${charged:,.2f}")
    expect(page.get_by_test_id("circulation-chart").locator("svg[role=img]")).to_have_count(1)
    expect(page.get_by_test_id("circulation-chart").locator("rect.bar")).to_have_count(14 * 2)

    with page.expect_download() as download:
        page.get_by_test_id("circulation-report").get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert sum(int(r["checkouts"]) for r in rows) == checkouts


def test_a_librarian_sees_circulation_but_not_money(page):
    login(page, "librarian")                                     # RPT_CIRCULATION, not RPT_FINANCIAL
    page.goto("/staff/reports")
    expect(page.get_by_test_id("circulation-report")).to_be_visible()
    expect(page.get_by_test_id("financial-report")).to_have_count(0)
    assert page.request.get("/staff/reports/payments.csv").status == 403


def test_a_period_running_backwards_is_refused_with_a_reason(page):
    login(page, "director")
    page.goto("/staff/reports?start=2026-03-10&end=2026-03-01")
    expect(page.get_by_test_id("period-problem")).to_be_visible()


def test_a_cataloger_cannot_open_reports(page):
    login(page, "cataloger")
    assert page.request.get("/staff/reports").status == 403


def test_a_year_is_charted_by_month_with_every_bar_drawn_and_the_last_label_inside(page, committed):
    end = datetime.utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=364)
    login(page, "director")
    page.goto(f"/staff/reports?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}")
    chart = page.get_by_test_id("circulation-chart").locator("svg[role=img]")
    months = (end.year - start.year) * 12 + end.month - start.month + 1  # calendar months the period touches
    expect(chart.locator("rect.bar")).to_have_count(months * 2)
    widths = chart.locator("rect.bar").evaluate_all("rs => rs.map(r => r.getBBox().width)")
    assert min(widths) >= 4
    box, svg = chart.locator("text.axis").last.bounding_box(), chart.bounding_box()
    assert box["x"] + box["width"] <= svg["x"] + svg["width"] + 0.5
    expect(chart.locator("title").first).to_contain_text("per month")
    save_screenshot(page, "report-year.png")
