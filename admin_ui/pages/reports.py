"""Reports (/staff/reports): circulation (RPT_CIRCULATION) and money (RPT_FINANCIAL) over a chosen period,
on screen with charts and as CSV for a spreadsheet."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Callable

from starlette.responses import Response

from admin_ui import charts, web
from datalayer.clock import library_clock
from datalayer.reads import desk as dq
from datalayer.reads import reports as q
from datalayer.reads.admin import circulation_report, report_period


def _period(ctx: web.Ctx, today: date) -> tuple[date, date, str | None]:
    """The period asked for, by the API's rule (datalayer.reads.admin.report_period) from the library's
    today, or the default period and why the request was not taken."""
    try:
        start, end = (date.fromisoformat(ctx.arg(k)) if ctx.arg(k) else None for k in ("start", "end"))
    except ValueError:
        return (*report_period(None, None, today), "Dates are written YYYY-MM-DD.")
    try:
        return (*report_period(start, end, today), None)
    except ValueError as exc:
        return (*report_period(None, None, today), str(exc))


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _buckets(days: list[date]) -> tuple[str, list[str], Callable[[date], int]]:
    """How the chart groups a period so every bar stays visible: by day up to two months, by week (from
    Monday) up to half a year, else by month. Returns the unit's name, the labels, and day -> bar index."""
    if len(days) <= 62:
        return "day", [d.strftime("%d %b") for d in days], lambda d: (d - days[0]).days
    if len(days) <= 190:
        first_monday = days[0] - timedelta(days=days[0].weekday())
        count = (days[-1] - first_monday).days // 7 + 1
        labels = [(first_monday + timedelta(weeks=i)).strftime("wk %d %b") for i in range(count)]
        return "week", labels, lambda d: (d - first_monday).days // 7
    months = sorted({(d.year, d.month) for d in days})
    index = {m: i for i, m in enumerate(months)}
    return "month", [date(y, m, 1).strftime("%b %Y") for y, m in months], lambda d: index[(d.year, d.month)]


@web.page("/reports", "RPT_CIRCULATION", "RPT_FINANCIAL")
def show_reports(ctx: web.Ctx) -> Response:
    circ = money = circ_chart = money_chart = None
    with ctx.read() as s:
        start, end, problem = _period(ctx, library_clock(s).today)
        names = {b["branch_id"]: b["name"] for b in dq.branches(s, active_only=False)}
        if ctx.user.has("RPT_CIRCULATION"):
            circ = circulation_report(s, start, end)
        money_branch = ctx.user.branch_scope("RPT_FINANCIAL")  # a branch manager's: their branch's money
        if ctx.user.has("RPT_FINANCIAL"):
            money = q.financial(s, start, end, money_branch)
    days = _days(start, end)
    unit, labels, bucket = _buckets(days)  # the chart prints as many labels as fit
    if circ is not None:
        bars = [[0, 0] for _ in labels]
        branches: dict[int, list[int]] = {}
        for r in circ["by_day"]:
            day = r["day"].date() if hasattr(r["day"], "date") else r["day"]
            if start <= day <= end:
                bars[bucket(day)][0] += r["checkouts"]
                bars[bucket(day)][1] += r["returns"]
            totals = branches.setdefault(r["branch_id"], [0, 0])
            totals[0] += r["checkouts"]
            totals[1] += r["returns"]
        circ["branches"] = sorted(({"name": names.get(b, str(b)), "checkouts": v[0], "returns": v[1]}
                                   for b, v in branches.items()), key=lambda r: r["name"])
        circ_chart = charts.bar_chart(labels, [("Checkouts", [b[0] for b in bars]), ("Returns", [b[1] for b in bars])],
                                      title=f"Checkouts and returns per {unit}, {start} to {end}", width=760)
    if money is not None:
        taken = [0.0 for _ in labels]
        for r in money["per_day"]:
            day = r["pay_day"].date() if hasattr(r["pay_day"], "date") else r["pay_day"]
            if start <= day <= end and r["method"] != "REFUND":
                taken[bucket(day)] += float(r["total"] or 0)
        money_chart = charts.bar_chart(labels, [("Payments taken", taken)],
                                       title=f"Payments taken per {unit}, {start} to {end}", width=760, unit=" $")
    return ctx.render("reports.html", title="Reports", start=start, end=end, problem=problem, circ=circ,
                      money=money, circ_chart=circ_chart, money_chart=money_chart,
                      money_branch=names.get(money_branch, "no branch") if money_branch is not None else None)


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
    with ctx.read() as s:
        start, end, _ = _period(ctx, library_clock(s).today)
        names = {b["branch_id"]: b["name"] for b in dq.branches(s, active_only=False)}
        report = circulation_report(s, start, end)
    rows = [[r["day"].strftime("%Y-%m-%d"), names.get(r["branch_id"], r["branch_id"]), r["checkouts"], r["returns"]]
            for r in report["by_day"]]
    return _csv(f"circulation-{start}-{end}.csv", ["day", "branch", "checkouts", "returns"], rows)


@web.page("/reports/payments.csv", "RPT_FINANCIAL")
def payments_csv(ctx: web.Ctx) -> Response:
    """Payments per day and method over the period."""
    with ctx.read() as s:
        start, end, _ = _period(ctx, library_clock(s).today)
        money = q.financial(s, start, end, ctx.user.branch_scope("RPT_FINANCIAL"))
    rows = [[r["pay_day"].strftime("%Y-%m-%d"), r["method"], f"{r['total']:.2f}"] for r in money["per_day"]]
    return _csv(f"payments-{start}-{end}.csv", ["day", "method", "amount"], rows)
