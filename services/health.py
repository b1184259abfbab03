"""The health of this worker and its database, one answer for GET /api/admin/health and the staff
health dashboard: a live database round trip, the pool, per-endpoint latency and errors, recent errors,
the last run of each nightly job."""
from __future__ import annotations

import os
import time
from typing import Any

from datalayer.gateway import Gateway
from datalayer.reads import admin as reads
from services import metrics


def read_health(gateway: Gateway, route_stats: metrics.RouteStats, recent_errors: metrics.RecentErrors) -> dict[str, Any]:
    """The health answer (the shape of the API's HealthOut). It answers even when the database does not."""
    stats = gateway.stats()
    metrics.update_pool(stats)
    database: dict[str, Any] = {"status": "healthy", "latency_ms": None, "error": None, "pool": stats.as_dict()}
    jobs = None
    try:
        database["latency_ms"] = round(gateway.ping(), 3)
        with gateway.read() as s:
            jobs = reads.last_job_runs(s)
    except Exception as exc:  # reported on the page, never raised
        database.update(status="unhealthy", error=type(exc).__name__ + ": " + str(getattr(exc, "message", exc))[:200])
    endpoints, per_min = route_stats.snapshot()
    degraded = any(e["status"] != "up" for e in endpoints) or stats.waiting > 0
    status = "unhealthy" if database["status"] != "healthy" else ("degraded" if degraded else "healthy")
    return {"status": status, "database": database,
            "api": {"uptime_s": round(time.time() - route_stats.started, 1), "requests_per_min": per_min,
                    "worker_pid": os.getpid()},
            "endpoints": endpoints, "recent_errors": recent_errors.items()[:20], "jobs": jobs}
