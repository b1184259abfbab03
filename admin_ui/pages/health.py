"""The health dashboard (/staff/health, SYS_HEALTH): the API's own health figures, shown and charted.

The figures come from the shared health service (services.health.read_health, the same answer as
GET /api/admin/health): a live database round trip, the pool, per-endpoint latency and errors of this
worker, recent errors. For the response-time charts a sampler thread records a reading every
ILS_HEALTH_SAMPLE_S seconds (default 5) while someone has the dashboard open (it stops ten minutes after
the last view); the page polls /staff/health/panel every 5 seconds (plain fetch, no library).
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import charts, web
from datalayer.packages import lib_outbox
from datalayer.session import DbError
from services import health

log = logging.getLogger("ils.staff")
LIGHTS = {"healthy": ("green", "Healthy"), "degraded": ("amber", "Degraded"), "unhealthy": ("red", "Down")}
ENDPOINT_LIGHTS = {"up": "green", "degraded": "amber", "down": "red"}
IDLE_STOP_S = 600


def read_health(api_app: Any) -> dict:
    """The health answer of services.health, the same as GET /api/admin/health."""
    state = api_app.state
    return health.read_health(state.gateway, state.route_stats, state.recent_errors)


def summarise(h: dict) -> dict:
    endpoints = h.get("endpoints") or []
    requests = sum(e["requests"] for e in endpoints)
    errors = sum(e["errors"] for e in endpoints)
    weighted = sum(e["avg_ms"] * e["requests"] for e in endpoints)
    light, label = LIGHTS.get(h.get("status", "unhealthy"), ("red", "Down"))
    db = h.get("database") or {}
    return {"light": light, "label": label, "db_light": "green" if db.get("status") == "healthy" else "red",
            "requests": requests, "errors": errors, "error_rate": (100.0 * errors / requests) if requests else 0.0,
            "avg_ms": (weighted / requests) if requests else None,
            "p95_ms": max((e["p95_ms"] for e in endpoints), default=None)}


class History:
    """The last readings for the charts, and the sampler thread that takes them."""

    def __init__(self, api_app: Any, interval_s: float, size: int = 120):
        self.api_app, self.interval_s = api_app, interval_s
        self._items: deque = deque(maxlen=size)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._last_view = 0.0

    def add(self, h: dict, s: dict) -> None:
        reading = {"t": time.time(), "avg_ms": s["avg_ms"], "p95_ms": s["p95_ms"],
                   "db_ms": (h.get("database") or {}).get("latency_ms"),
                   "rpm": (h.get("api") or {}).get("requests_per_min", 0), "error_rate": s["error_rate"]}
        with self._lock:
            if self._items and reading["t"] - self._items[-1]["t"] < min(2.0, self.interval_s / 2):
                self._items[-1] = reading
            else:
                self._items.append(reading)

    def items(self) -> list[dict]:
        with self._lock:
            return list(self._items)

    def viewed(self) -> None:
        """Someone looks at the dashboard: make sure the sampler runs."""
        with self._lock:
            self._last_view = time.time()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="ils-health-sampler", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(self.interval_s)
            with self._lock:
                if time.time() - self._last_view > IDLE_STOP_S:
                    self._thread = None
                    return
            try:
                h = read_health(self.api_app)
                self.add(h, summarise(h))
            except Exception:  # never let the sampler die on a bad reading
                log.exception("health sampler reading failed")


def _panel_context(request: Request) -> dict:
    history: History = request.app.state.health_history
    history.viewed()
    h = read_health(request.app.state.api_app)
    summary = summarise(h)
    history.add(h, summary)
    items = history.items()
    labels = [time.strftime("%H:%M:%S", time.gmtime(r["t"])) for r in items]
    latency_chart = charts.line_chart(labels, [("Average", [r["avg_ms"] for r in items]),
                                               ("p95", [r["p95_ms"] for r in items]),
                                               ("Database round trip", [r["db_ms"] for r in items])],
                                      title="Response time (ms)", unit=" ms")
    traffic_chart = charts.line_chart(labels, [("Requests per minute", [r["rpm"] for r in items]),
                                               ("Error rate %", [r["error_rate"] for r in items])],
                                      title="Traffic and errors")
    endpoints = sorted(h.get("endpoints") or [], key=lambda e: (-e["requests"], e["path"]))
    top = [e for e in endpoints if "/static" not in e["path"]][:12]
    endpoint_chart = charts.hbar_chart([_short(e["path"]) for e in top],
                                       [("Average", [e["avg_ms"] for e in top]), ("p95", [e["p95_ms"] for e in top])],
                                       title="Latency by endpoint (ms)", unit=" ms") if top else None
    return {"h": h, "s": summary, "endpoints": endpoints, "lights": ENDPOINT_LIGHTS,
            "latency_chart": latency_chart, "traffic_chart": traffic_chart, "endpoint_chart": endpoint_chart,
            "checked_at": time.strftime("%H:%M:%S UTC", time.gmtime())}


def _short(path: str, width: int = 36) -> str:
    """'POST /staff/covers/{material_id:int}' -> 'POST …/covers/{material_id:int}' when too long."""
    if len(path) <= width:
        return path
    method, _, rest = path.partition(" ")
    return f"{method} …{rest[-(width - len(method) - 2):]}"


@web.page("/health", "SYS_HEALTH")
def show_health(ctx: web.Ctx) -> Response:
    """The whole dashboard; the panel inside refreshes itself."""
    return ctx.render("health.html", title="Health", **_panel_context(ctx.request))


@web.page("/health/panel", "SYS_HEALTH")
def health_panel(ctx: web.Ctx) -> Response:
    """The panel alone, for the page's polling."""
    return ctx.render("health_panel.html", **_panel_context(ctx.request))


@web.page("/health/notices/{notice_id:int}/{action:str}", "SYS_HEALTH", methods=["POST"], name="dead_letter")
def dead_letter(ctx: web.Ctx) -> Response:
    """Retry or discard a dead letter of the notice outbox (lib_outbox.retry_dead / discard_dead)."""
    notice_id, action = ctx.request.path_params["notice_id"], ctx.request.path_params["action"]
    procedure = {"retry": lib_outbox.retry_dead, "discard": lib_outbox.discard_dead}.get(action)
    if procedure is None:
        return ctx.redirect("/health", f"Unknown action {action!r}.", "error")
    try:
        with ctx.tx() as s:
            procedure(s, notice_id)
    except DbError as exc:
        r = ctx.refusal(exc)
        return ctx.redirect("/health", f"Notice {notice_id}: {r.message} ({r.code})", "error")
    done = "queued again" if action == "retry" else "discarded"
    return ctx.redirect("/health", f"Notice {notice_id} {done}.")


def init_state(state: Any, api_app: Any, sample_s: float) -> None:
    state.health_history = History(api_app, sample_s)
