"""One pure-ASGI middleware around every request: request id, timing, metrics, security headers, access log.

X-Request-ID is taken from the request when it looks sane (else generated) and returned on the answer;
the JSON log line of the request carries it.

For the JSON API (/api/..., /healthz, /metrics) it also evens out what clients send: a trailing slash is
ignored (/api/branches/ is /api/branches, answered directly instead of a bodiless 307 redirect), HEAD is
answered as GET without the body, and a request body over MAX_BODY_BYTES is refused with 413
PAYLOAD_TOO_LARGE in the error shape before the app reads it.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from typing import Any

from services import metrics
from services.request_body import BodyTooLarge, read_body, replaying

access_log = logging.getLogger("ils.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
# largest JSON request body the API reads (its biggest input, a title with a 4000-character description, is ~10 kB)
MAX_BODY_BYTES = 1024 * 1024
UPLOAD_PATHS = frozenset({"/api/catalog/imports"})  # bounded by ILS_IMPORT_MAX_MB instead


def _upload_max() -> int:
    from services.imports.runner import ImportSettings
    return ImportSettings.from_env().max_bytes + 64 * 1024  # the multipart framing around the file
_TOO_LARGE = json.dumps({"error": {"code": "PAYLOAD_TOO_LARGE", "db_code": None,
                                   "message": f"The request body is larger than {MAX_BODY_BYTES} bytes."}}).encode()
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
        is_api = path.startswith("/api/") or path.rstrip("/") in ("/healthz", "/metrics")
        head = False
        if is_api:
            scope, receive, head, refusal = await _normalise(scope, receive)
            path = scope["path"]
        else:
            refusal = None
        status_holder = [500]

        async def send_wrapper(message: dict) -> None:
            if head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
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
            if refusal is not None:
                await send_wrapper({"type": "http.response.start", "status": 413,
                                    "headers": [(b"content-type", b"application/json"),
                                                (b"content-length", str(len(refusal)).encode()),
                                                (b"connection", b"close")]})
                await send_wrapper({"type": "http.response.body", "body": refusal})
            else:
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


async def _normalise(scope: dict, receive: Any) -> tuple[dict, Any, bool, bytes | None]:
    """(scope, receive, is_head, refusal body or None) of an API request; see the module's docstring."""
    path = scope["path"]
    head = scope.get("method") == "HEAD"
    if head or (len(path) > 1 and path.endswith("/")):
        scope = dict(scope)
        if head:
            scope["method"] = "GET"
        if len(path) > 1 and path.endswith("/"):
            scope["path"] = path.rstrip("/") or "/"
            raw = scope.get("raw_path")
            if raw:
                scope["raw_path"] = raw.rstrip(b"/") or b"/"
    length = None
    chunked = False
    for k, v in scope.get("headers", ()):
        if k == b"content-length":
            try:
                length = int(v)
            except ValueError:
                length = None
        elif k == b"transfer-encoding":
            chunked = True
    if path in UPLOAD_PATHS and scope.get("method") == "POST":
        # a file upload: bounded by its own limit while the route writes it to disk, never read here
        return scope, receive, head, (_TOO_LARGE if length is not None and length > _upload_max() else None)
    if length is not None:
        return scope, receive, head, (_TOO_LARGE if length > MAX_BODY_BYTES else None)
    if not chunked:
        return scope, receive, head, None
    # a chunked body without Content-Length: read it here (up to the limit), then hand it on
    try:
        body = await read_body(receive, MAX_BODY_BYTES)
    except BodyTooLarge:
        return scope, receive, head, _TOO_LARGE
    if body is None:
        return scope, receive, head, None  # client went away: let the app see the disconnect
    return scope, replaying(body, receive), head, None
