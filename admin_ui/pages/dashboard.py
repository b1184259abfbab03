"""The dashboard (/staff/): today's figures, alerts, the last seven days of circulation."""
from __future__ import annotations

from starlette.responses import Response

from admin_ui import charts, web
from datalayer.clock import library_clock
from datalayer.reads import dashboard as q


@web.page("/")
def show_dashboard(ctx: web.Ctx) -> Response:
    """Today's checkouts, returns, new patrons and overdue loans; alerts; a 7-day chart."""
    with ctx.read() as s:
        clock = library_clock(s)
        figures = q.today_figures(s, clock)
        alerts = q.alerts(s, clock)
        days = q.last_days(s, clock)
    chart = charts.bar_chart([d["day"].strftime("%a %d") for d in days],
                             [("Checkouts", [d["checkouts"] for d in days]),
                              ("Returns", [d["returns"] for d in days])],
                             title="Checkouts and returns, last 7 days")
    return ctx.render("dashboard.html", title="Dashboard", figures=figures, alerts=alerts, days=days,
                      chart=chart)
