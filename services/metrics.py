"""Prometheus metrics and the in-process figures behind the health endpoint.

With several uvicorn workers, set PROMETHEUS_MULTIPROC_DIR to an empty, writable folder before start:
prometheus_client then keeps each worker's values in files there and /metrics sums them up. Without it
the metrics are those of the one process.
"""
from __future__ import annotations

import os
import threading
import time
from collections import deque
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir")

# seconds; fine at the low end where the desk's calls live
LATENCY_BUCKETS = (0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

HTTP_REQUESTS = Counter("ils_http_requests_total", "HTTP requests by method, route template and status",
                        ["method", "route", "status"])
HTTP_LATENCY = Histogram("ils_http_request_duration_seconds", "HTTP request latency by method and route template",
                         ["method", "route"], buckets=LATENCY_BUCKETS)
HTTP_ERRORS = Counter("ils_http_errors_total", "Answers with status >= 500 by route template", ["route", "status"])
DB_CALL_LATENCY = Histogram("ils_db_call_duration_seconds", "Package call latency by procedure",
                            ["procedure"], buckets=LATENCY_BUCKETS)
DB_CALL_ERRORS = Counter("ils_db_call_errors_total", "Package calls that raised, by procedure", ["procedure"])
_gauge_kw: dict[str, Any] = {"multiprocess_mode": "livesum"} if MULTIPROC_DIR else {}
POOL_IN_USE = Gauge("ils_db_pool_in_use", "Database connections lent out", **_gauge_kw)
POOL_IDLE = Gauge("ils_db_pool_idle", "Database connections idle in the pool", **_gauge_kw)
POOL_SIZE = Gauge("ils_db_pool_size", "Database connections open", **_gauge_kw)
POOL_WAITING = Gauge("ils_db_pool_waiting", "Requests waiting for a database connection", **_gauge_kw)
# the notice outbox, read from the database (the sender is a process of its own): the last value wins
_outbox_kw: dict[str, Any] = {"multiprocess_mode": "mostrecent"} if MULTIPROC_DIR else {}
NOTICES_OUTBOX = Gauge("ils_notices_outbox", "Notices of the outbox by status (PENDING, SENDING, FAILED, DEAD)",
                       ["status"], **_outbox_kw)
NOTICES_OLDEST_PENDING = Gauge("ils_notices_oldest_pending_seconds", "Age of the oldest undelivered notice, 0 = none",
                               **_outbox_kw)
NOTICES_SENT_HOUR = Gauge("ils_notices_sent_last_hour", "Notices sent in the last hour", **_outbox_kw)
NOTICES_FAILED_HOUR = Gauge("ils_notices_failed_last_hour", "Notices whose last attempt failed in the last hour",
                            **_outbox_kw)


# labelled children, cached: Metric.labels() validates and locks on every call (~25 us)
_children: dict[tuple, Any] = {}


def _child(metric: Any, *labels: str) -> Any:
    key = (metric, labels)
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(*labels)
    return child


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    _child(HTTP_REQUESTS, method, route, str(status)).inc()
    _child(HTTP_LATENCY, method, route).observe(seconds)
    if status >= 500:
        _child(HTTP_ERRORS, route, str(status)).inc()


def observe_db_call(procedure: str, seconds: float, ok: bool) -> None:
    _child(DB_CALL_LATENCY, procedure).observe(seconds)
    if not ok:
        _child(DB_CALL_ERRORS, procedure).inc()


def update_pool(stats: Any) -> None:
    POOL_IN_USE.set(stats.in_use)
    POOL_IDLE.set(stats.idle)
    POOL_SIZE.set(stats.size)
    POOL_WAITING.set(stats.waiting)


def update_outbox(figures: dict) -> None:
    """The outbox gauges from datalayer.reads.notices.outbox's figures."""
    for status, n in (figures.get("depth") or {}).items():
        _child(NOTICES_OUTBOX, status).set(n)
    NOTICES_OLDEST_PENDING.set(figures.get("oldest_pending_s") or 0)
    NOTICES_SENT_HOUR.set(figures.get("sent_last_hour") or 0)
    NOTICES_FAILED_HOUR.set(figures.get("failed_last_hour") or 0)


def exposition() -> tuple[bytes, str]:
    """The Prometheus text of all workers (multiprocess) or of this process."""
    if MULTIPROC_DIR:
        from prometheus_client import multiprocess
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    from prometheus_client import REGISTRY
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def mark_process_dead() -> None:
    if MULTIPROC_DIR:
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(os.getpid())


class PoolGaugeUpdater:
    """Refreshes the pool gauges of this worker every few seconds (and on demand)."""

    def __init__(self, gateway: Any, interval: float = 2.0):
        self.gateway, self.interval = gateway, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="ils-pool-gauges", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                update_pool(self.gateway.stats())
            except Exception:
                pass

    def stop(self) -> None:
        self._stop.set()


class RouteStats:
    """This worker's recent requests per route template, for the health page: a sliding window."""

    def __init__(self, window_s: float = 300.0, max_samples: int = 2000):
        self.window_s, self.max_samples = window_s, max_samples
        self._by_route: dict[str, deque] = {}
        self._lock = threading.Lock()
        self.started = time.time()

    def add(self, route: str, seconds: float, status: int) -> None:
        now = time.monotonic()
        with self._lock:
            q = self._by_route.get(route)
            if q is None:
                q = self._by_route[route] = deque(maxlen=self.max_samples)
            q.append((now, seconds, status))

    def snapshot(self) -> tuple[list[dict], float]:
        """Per-route figures over the window, and this worker's requests per minute (last 60 s)."""
        now = time.monotonic()
        out, last_minute = [], 0
        with self._lock:
            items = [(r, list(q)) for r, q in self._by_route.items()]
        for route, samples in sorted(items):
            recent = [s for s in samples if now - s[0] <= self.window_s]
            last_minute += sum(1 for s in recent if now - s[0] <= 60)
            if not recent:
                continue
            ms = sorted(s[1] * 1000.0 for s in recent)
            errors = sum(1 for s in recent if s[2] >= 500)
            p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
            out.append({"path": route, "status": "down" if errors == len(recent) else
                        ("degraded" if errors else "up"),
                        "avg_ms": round(sum(ms) / len(ms), 2), "p95_ms": round(p95, 2),
                        "requests": len(recent), "errors": errors})
        return out, float(last_minute)


class RecentErrors:
    """The last server-side errors of this worker (status >= 500 and database failures)."""

    def __init__(self, size: int = 50):
        self._items: deque = deque(maxlen=size)

    def add(self, method: str, path: str, status: int, code: str) -> None:
        self._items.append({"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "method": method,
                            "path": path, "status": status, "code": code})

    def items(self) -> list[dict]:
        return list(reversed(self._items))
