"""Reports (/staff/reports): circulation (RPT_CIRCULATION) and money (RPT_FINANCIAL) over a chosen period,
on screen with charts and as CSV for a spreadsheet."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

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
    labels = [d.strftime("%d %b") for d in days]  # the chart prints as many as fit
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
