"""One pure-ASGI middleware around every request: request id, timing, metrics, security headers, access log.

X-Request-ID is taken from the request when it looks sane (else generated) and returned on the answer;
the JSON log line of the request carries it.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from typing import Any

from api import metrics

access_log = logging.getLogger("ils.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
# the API answers JSON only; the docs pages and the staff UI need scripts and styles of their own
API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
               "level": record.levelname, "logger": record.name, "msg": record.getMessage()}
        extra = getattr(record, "fields", None)
        if extra:
            out.update(extra)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str)


def configure_logging(level: str) -> None:
    root = logging.getLogger("ils")
    if getattr(root, "_ils_configured", False):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
    root._ils_configured = True  # type: ignore[attr-defined]


class RequestMiddleware:
    def __init__(self, app: Any, route_stats: metrics.RouteStats, recent_errors: metrics.RecentErrors,
                 access_log_enabled: bool = True, metrics_enabled: bool = True):
        self.app = app
        self.route_stats, self.recent_errors = route_stats, recent_errors
        self.access_log_enabled, self.metrics_enabled = access_log_enabled, metrics_enabled

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        rid = None
        for k, v in scope.get("headers", ()):
            if k == b"x-request-id":
                candidate = v.decode("latin-1")
                rid = candidate if _REQUEST_ID.match(candidate) else None
                break
        rid = rid or os.urandom(16).hex()
        scope.setdefault("state", {})["request_id"] = rid
        path = scope.get("path", "")
        is_api = path.startswith("/api/") or path in ("/healthz", "/metrics")
        status_holder = [500]

        async def send_wrapper(message: dict) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode()))
                headers.extend(SECURITY_HEADERS)
                if is_api:
                    headers.append(API_CSP)
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - t0
            status = status_holder[0]
            route = scope.get("route")
            template = getattr(route, "path", None) or "<unmatched>"
            method = scope.get("method", "")
            if self.metrics_enabled:
                metrics.observe_request(method, template, status, elapsed)
            if template != "<unmatched>":
                self.route_stats.add(f"{method} {template}", elapsed, status)
            if self.access_log_enabled:
                state = scope.get("state", {})
                access_log.info("request", extra={"fields": {
                    "request_id": rid, "method": method, "path": path, "route": template, "status": status,
                    "ms": round(elapsed * 1000, 2), "user_id": state.get("user_id"),
                    "client": (scope.get("client") or ("", 0))[0]}})
