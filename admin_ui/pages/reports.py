"""Reports (/staff/reports): circulation (RPT_CIRCULATION) and money (RPT_FINANCIAL) over a chosen period,
on screen with charts and as CSV for a spreadsheet."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from starlette.responses import Response

from admin_ui import charts, web
from admin_ui.pages.dashboard import utcnow
from admin_ui.reads import reports as q
from api.reads.admin import circulation_report

MAX_DAYS = 366


def _period(ctx: web.Ctx) -> tuple[date, date, str | None]:
    """The period asked for (default: the last 30 days), or the last 30 days and why the request was not taken."""
    today = utcnow().date()
    default = (today - timedelta(days=29), today)
    try:
        end = date.fromisoformat(ctx.arg("end")) if ctx.arg("end") else today
        start = date.fromisoformat(ctx.arg("start")) if ctx.arg("start") else end - timedelta(days=29)
    except ValueError:
        return *default, "Dates are written YYYY-MM-DD."
    if start > end or (end - start).days >= MAX_DAYS or start.year < 1900:
        return *default, f"The period runs forward and covers at most {MAX_DAYS} days."
    return start, end, None


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


@web.page("/reports", "RPT_CIRCULATION", "RPT_FINANCIAL")
def show_reports(ctx: web.Ctx) -> Response:
    start, end, problem = _period(ctx)
    days = _days(start, end)
    # one bar group per day: the day of the month under each for a month, the 1st of each month beyond that
    labels = [d.strftime("%d") if len(days) <= 31 else (d.strftime("%b") if d.day == 1 else "") for d in days]
    circ = money = circ_chart = money_chart = None
    with ctx.read() as s:
        names = q.branch_names(s)
        if ctx.user.has("RPT_CIRCULATION"):
            circ = circulation_report(s, start, end)
        if ctx.user.has("RPT_FINANCIAL"):
            money = q.financial(s, start, end)
    if circ is not None:
        per_day = {d: [0, 0] for d in days}
        branches: dict[int, list[int]] = {}
        for r in circ["by_day"]:
            day = r["day"].date() if hasattr(r["day"], "date") else r["day"]
            if day in per_day:
                per_day[day][0] += r["checkouts"]
                per_day[day][1] += r["returns"]
            totals = branches.setdefault(r["branch_id"], [0, 0])
            totals[0] += r["checkouts"]
            totals[1] += r["returns"]
        circ["branches"] = sorted(({"name": names.get(b, str(b)), "checkouts": v[0], "returns": v[1]}
                                   for b, v in branches.items()), key=lambda r: r["name"])
        circ_chart = charts.bar_chart(labels, [("Checkouts", [per_day[d][0] for d in days]),
                                               ("Returns", [per_day[d][1] for d in days])],
                                      title=f"Checkouts and returns per day, {start} to {end}", width=760)
    if money is not None:
        taken = {d: 0.0 for d in days}
        for r in money["per_day"]:
            day = r["pay_day"].date() if hasattr(r["pay_day"], "date") else r["pay_day"]
            if day in taken and r["method"] != "REFUND":
                taken[day] += float(r["total"] or 0)
        money_chart = charts.bar_chart(labels, [("Payments taken", [taken[d] for d in days])],
                                       title=f"Payments taken per day, {start} to {end}", width=760, unit=" $")
    return ctx.render("reports.html", title="Reports", start=start, end=end, problem=problem, circ=circ,
                      money=money, circ_chart=circ_chart, money_chart=money_chart)


def _csv(name: str, header: list[str], rows: list[list]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@web.page("/reports/circulation.csv", "RPT_CIRCULATION")
def circulation_csv(ctx: web.Ctx) -> Response:
    """Checkouts and returns per day and branch over the period."""
    start, end, _ = _period(ctx)
    with ctx.read() as s:
        names = q.branch_names(s)
        report = circulation_report(s, start, end)
    rows = [[r["day"].strftime("%Y-%m-%d"), names.get(r["branch_id"], r["branch_id"]), r["checkouts"], r["returns"]]
            for r in report["by_day"]]
    return _csv(f"circulation-{start}-{end}.csv", ["day", "branch", "checkouts", "returns"], rows)


@web.page("/reports/payments.csv", "RPT_FINANCIAL")
def payments_csv(ctx: web.Ctx) -> Response:
    """Payments per day and method over the period."""
    start, end, _ = _period(ctx)
    with ctx.read() as s:
        money = q.financial(s, start, end)
    rows = [[r["pay_day"].strftime("%Y-%m-%d"), r["method"], f"{r['total']:.2f}"] for r in money["per_day"]]
    return _csv(f"payments-{start}-{end}.csv", ["day", "method", "amount"], rows)
