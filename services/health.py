"""The health of this worker and its database, one answer for GET /api/admin/health and the staff
health dashboard: a live database round trip, the pool, per-endpoint latency and errors, recent errors,
the last run of each nightly job, and the notice outbox (depth, oldest undelivered, sent and failed in
the last hour, dead letters, and where mail goes: SendGrid or .eml files)."""
from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from typing import Any

from datalayer.gateway import Gateway
from datalayer.reads import admin as reads
from datalayer.reads import notices as notice_reads
from services import metrics
from services.notices.config import MailConfig


def read_health(gateway: Gateway, route_stats: metrics.RouteStats, recent_errors: metrics.RecentErrors) -> dict[str, Any]:
    """The health answer (the shape of the API's HealthOut). It answers even when the database does not."""
    stats = gateway.stats()
    metrics.update_pool(stats)
    database: dict[str, Any] = {"status": "healthy", "latency_ms": None, "error": None, "pool": stats.as_dict()}
    jobs = None
    mail = MailConfig.from_env()
    notices: dict[str, Any] = {"delivery": mail.mode, "delivery_text": mail.describe(), "depth": None,
                               "pending": None, "oldest_pending_s": None, "sent_last_hour": None,
                               "failed_last_hour": None, "dead_letters": []}
    try:
        database["latency_ms"] = round(gateway.ping(), 3)
        with gateway.read() as s:
            jobs = reads.last_job_runs(s)
            notices.update(notice_reads.outbox(s, _utcnow()))
        metrics.update_outbox(notices)
    except Exception as exc:  # reported on the page, never raised
        database.update(status="unhealthy", error=type(exc).__name__ + ": " + str(getattr(exc, "message", exc))[:200])
    endpoints, per_min = route_stats.snapshot()
    degraded = any(e["status"] != "up" for e in endpoints) or stats.waiting > 0
    status = "unhealthy" if database["status"] != "healthy" else ("degraded" if degraded else "healthy")
    return {"status": status, "database": database,
            "api": {"uptime_s": round(time.time() - route_stats.started, 1), "requests_per_min": per_min,
                    "worker_pid": os.getpid()},
            "endpoints": endpoints, "recent_errors": recent_errors.items()[:20], "jobs": jobs, "notices": notices}


def refresh_outbox_metrics(gateway: Gateway) -> None:
    """The outbox gauges for a Prometheus scrape (the sender is another process: the database tells)."""
    try:
        with gateway.read() as s:
            metrics.update_outbox(notice_reads.outbox(s, _utcnow(), dead_limit=1))
    except Exception:  # the scrape still answers; the gauges keep their last values
        pass


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
