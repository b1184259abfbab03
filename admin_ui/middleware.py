"""ASGI middleware of the staff UI: CSRF check of every POST, control characters refused, page headers, route
names for the metrics.

CSRF: each session holds a random token (made at login, or for the login form itself). Every
non-GET request to a staff page must carry it, as the form field `csrf_token` or the header
`X-CSRF-Token`, else it is refused with 403 before any handler runs; a form field holding a control
character (NUL, other C0, DEL: the staff pages have no multi-line field) is then refused with 422, and so is
a query string holding one on any staff page (QueryGuard). The table screens under
/staff/admin are starlette-admin's and carry its own built-in CSRF protection (a signed double-submit
token, checked on every POST there, its signature bound to the session: admin_ui/admin_csrf.py); the session
cookie is SameSite=Strict on top of both.
"""
from __future__ import annotations

import hmac
from types import SimpleNamespace
from typing import Any, Callable
from urllib.parse import parse_qsl

from starlette._utils import get_route_path
from starlette.requests import Request
from starlette.responses import Response

from admin_ui.web import CONTROL_MESSAGE, has_control
from services.request_body import BodyTooLarge, read_body, replaying

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FIELD = "csrf_token"
HEADER = b"x-csrf-token"
STREAM_PATHS = frozenset({"/imports/upload"})  # uploads not read into memory here: token in the URL

PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
# starlette-admin's pages use inline scripts and styles; nothing may load from elsewhere (its theme would
# fetch a web font from a CDN: the browser is told not to)
ADMIN_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
             "script-src 'self' 'unsafe-inline'; font-src 'self' data:; connect-src 'self'; form-action 'self'; "
             "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


class CsrfMiddleware:
    """Refuse a state-changing request whose token does not match the session's (runs inside sessions)."""

    def __init__(self, app: Any, deny: Callable[[Request, int, str], Response], max_body: int,
                 exempt_prefixes: tuple[str, ...] = ("/admin",)):
        self.app, self.deny, self.max_body, self.exempt = app, deny, max_body, exempt_prefixes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        route_path = get_route_path(scope)
        if any(route_path == p or route_path.startswith(p + "/") for p in self.exempt):
            await self.app(scope, receive, send)
            return
        if route_path in STREAM_PATHS:
            # a file upload: the token comes in the URL (or the header), the body goes on unread (the page
            # bounds the file while it copies it to disk)
            expected = (scope.get("session") or {}).get("csrf")
            submitted = dict(scope.get("headers") or ()).get(HEADER, b"").decode("latin-1") or \
                dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"))).get(FIELD, "")
            if not expected or not submitted or not hmac.compare_digest(str(expected), submitted):
                response = self.deny(Request(scope), 403, "The form was not accepted: its security token is "
                                     "missing or out of date. Reload the page and try again.")
                await response(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        try:
            data = await read_body(receive, self.max_body)
        except BodyTooLarge:
            response = self.deny(Request(scope), 413, "The upload is too large.")
            await response(scope, receive, send)
            return
        if data is None:  # the client went away
            return
        replay = replaying(data, receive)

        expected = (scope.get("session") or {}).get("csrf")
        fields = await _form_fields(scope, data)
        submitted = dict(scope.get("headers") or ()).get(HEADER, b"").decode("latin-1") or \
            next((v for k, v in fields if k == FIELD), "")
        if not expected or not submitted or not hmac.compare_digest(str(expected), submitted):
            # the fields go back to the page, which keeps them for a second send (after signing in again)
            response = self.deny(Request(scope, replay), 403, "The form was not accepted: its security token is "
                                 "missing or out of date. Reload the page and try again.", fields)
            await response(scope, replay, send)
            return
        bad = next((k for k, v in fields if has_control(k) or has_control(v, multiline=k in MULTILINE_FIELDS)), None)
        if bad is not None:  # single-line fields but the textareas below: refused as the API refuses it
            response = self.deny(Request(scope, replay), 422, f"{bad[:60]!r} {CONTROL_MESSAGE}.")
            await response(scope, replay, send)
            return
        await self.app(scope, replay, send)


# the textareas of the staff pages (notice templates), which take line breaks and tabs
MULTILINE_FIELDS = frozenset({"body_text", "body_html"})


async def _form_fields(scope: dict, body: bytes) -> list[tuple[str, str]]:
    """The text fields of a posted form (files left out)."""
    content_type = dict(scope.get("headers") or ()).get(b"content-type", b"").decode("latin-1")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    if content_type.startswith("multipart/form-data"):
        sent = False

        async def once() -> dict:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        form = await Request(scope, once).form(max_part_size=len(body) + 1)
        try:
            return [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
        finally:
            await form.close()
    return []


class QueryGuard:
    """Refuse (422) a query string holding a control character, on every staff page: the table screens read
    theirs without a check of their own (a NUL in a search or an id was a 500). Forms are checked where they
    are read (web.page, GuardedView.validate_fields)."""

    def __init__(self, app: Any, deny: Callable[[Request, int, str], Response]):
        self.app, self.deny = app, deny

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("query_string"):
            query = scope["query_string"].decode("latin-1")
            if any(has_control(k) or has_control(v) for k, v in parse_qsl(query, keep_blank_values=True)):
                response = self.deny(Request(scope, receive), 422, f"The address {CONTROL_MESSAGE}.")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class PageMiddleware:
    """Outermost layer of the staff app: security headers for its pages and a full route template
    ("/staff/desk/checkout") for the API's per-route metrics and health figures."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        entry_root = scope.get("root_path", "")
        route_path = get_route_path(scope)
        is_admin = route_path.startswith("/admin")

        async def send_wrapper(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", (ADMIN_CSP if is_admin else PAGE_CSP).encode()))
                if b"cache-control" not in names and not route_path.startswith("/static"):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None)
            if path is not None and path != entry_root:
                inner = "/admin" if is_admin and path != "/admin" else ""
                scope["route"] = SimpleNamespace(path=entry_root + inner + path)
