"""The page machinery of the staff UI: routes with their permission, the request context, rendering.

Every page is declared once with the permission it needs (any one of those listed):

    @page("/desk/checkout", "CIRC_CHECKOUT", methods=["POST"])
    def checkout(ctx: Ctx) -> Response: ...

The wrapper sends a visitor without a session to the login page, answers 403 to a signed-in user
without the permission (and to any account without staff permissions, i.e. patrons), reads the posted
form (the CSRF middleware has already checked its token and refused control characters), and runs the
handler in a worker thread because the gateway is blocking. Database outages become a 503 page (with
Retry-After), unexpected errors a 500 page.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from admin_ui import nav
from admin_ui.auth import csrf_token, current_user, revalidate
from datalayer.errors import RETRY_AFTER_S
from datalayer.gateway import DbUnavailable, Gateway
from datalayer.reads import Paging
from datalayer.session import DbError
from services.accounts import SignedIn

log = logging.getLogger("ils.staff")
HERE = Path(__file__).resolve().parent
PREFIX = "/staff"

ROUTES: list[Route] = []


# ---- templates ---------------------------------------------------------------------------------

def _money(v: Any) -> str:
    if v is None:
        return "—"
    return f"${Decimal(str(v)).quantize(Decimal('0.01')):,}"


def _day(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _when(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M")
    return _day(v)


def _url(path: str) -> str:
    return PREFIX + path


templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                        trim_blocks=True, lstrip_blocks=True)
templates.filters.update(money=_money, day=_day, when=_when, q=lambda s: quote(str(s), safe=""))
templates.globals.update(url=_url, PREFIX=PREFIX)


# ---- form values --------------------------------------------------------------------------------

def blank_null(value: Any) -> Any:
    """Blank text is absent text: '' or whitespace only becomes None before it reaches the database,
    where Oracle would store NULL and PostgreSQL ''. Other values pass unchanged."""
    return None if isinstance(value, str) and not value.strip() else value


# C0 control characters and DEL: no field takes them (PostgreSQL cannot even store NUL, and the API refuses it);
# a multi-line field (a textarea) takes tab, line feed and carriage return
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = "must not contain control characters"


def has_control(value: Any, multiline: bool = False) -> bool:
    """True for text holding a character no form field takes (see _CONTROL)."""
    return isinstance(value, str) and (_CONTROL_MULTILINE if multiline else _CONTROL).search(value) is not None


# ---- the request context -----------------------------------------------------------------------

@dataclass
class Ctx:
    request: Request
    user: SignedIn
    form: FormData | None = None
    flashes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def gw(self) -> Gateway:
        return self.request.app.state.gateway

    def tx(self):
        """One business transaction acting as the signed-in user (exactly one package call in it)."""
        return self.gw.transaction(actor=self.user)

    def run(self, routine, *args, **kwargs):
        """One typed package call (datalayer.packages) in its own transaction acting as the signed-in user,
        in one round trip (Gateway.run); returns its OUT values as the routine's NamedTuple."""
        return self.gw.run(self.user, routine, *args, **kwargs)

    def read(self):
        return self.gw.read()

    def arg(self, name: str, default: str = "") -> str:
        """A form field (POST) or query parameter (GET), stripped."""
        if self.form is not None and name in self.form:
            v = self.form.get(name)
            return v.strip() if isinstance(v, str) else default
        return (self.request.query_params.get(name) or default).strip()

    def text(self, name: str, max_length: int | None = None) -> str | None:
        """Optional text for the database: stripped, cut to max_length, None when blank (see blank_null)."""
        return blank_null(self.arg(name)[:max_length])

    def int_arg(self, name: str) -> int | None:
        v = self.arg(name)
        try:
            return int(v) if v else None
        except ValueError:
            return None

    def paging(self) -> Paging:
        """The page asked for (?page=N, from 1), of the one page size of both faces."""
        return Paging(max(self.int_arg("page") or 1, 1))

    @property
    def wants_fragment(self) -> bool:
        return self.request.headers.get("x-fragment") == "1"

    def render(self, template: str, http_status: int = 200, **context: Any) -> HTMLResponse:
        return render(self.request, template, http_status=http_status, user=self.user, **context)

    def redirect(self, path: str, flash: str | None = None, kind: str = "ok") -> RedirectResponse:
        if flash:
            self.request.session.setdefault("flash", []).append([kind, flash])
        return RedirectResponse(_url(path), status_code=303)

    def refusal(self, exc: DbError) -> "Refusal":
        return refusal_of(self.request, exc)


@dataclass(frozen=True)
class Refusal:
    """A database refusal in plain words, with the rule's symbolic code."""
    code: str
    db_code: int | None
    message: str
    status: int


def refusal_of(request: Request, exc: DbError) -> Refusal:
    catalog = request.app.state.error_catalog
    if catalog.wants_reload(exc):  # the API's rule: an unknown code reloads the catalog, at most every 30 s
        try:
            catalog.load(request.app.state.gateway)
        except Exception:
            pass
    status, name, message = catalog.resolve(exc)
    return Refusal(name, exc.code, message, status)


def render(request: Request, template: str, http_status: int = 200, user: SignedIn | None = None,
           **context: Any) -> HTMLResponse:
    def flashes() -> list:  # taken only by the page layout, so a fragment never swallows a message
        return request.session.pop("flash", []) if "flash" in request.session else []

    html = templates.get_template(template).render(
        request=request, user=user, csrf=csrf_token(request), flashes=flashes,
        nav=nav.build(user, request.url.path) if user else [], static=request.app.state.static_url, **context)
    return HTMLResponse(html, status_code=http_status)


def error_page(request: Request, status: int, title: str, message: str, user: SignedIn | None = None) -> HTMLResponse:
    return render(request, "error.html", http_status=status, user=user, title=title, message=message, status_code=status)


def forbidden(request: Request, user: SignedIn | None, message: str | None = None) -> HTMLResponse:
    if user is not None and not user.is_staff:
        message = message or ("This account has no staff permissions. The staff pages are for library staff; "
                              "patrons use the library's portal.")
    return error_page(request, 403, "Not allowed", message or "You do not have the permission for this page.", user)


# ---- declaring pages ---------------------------------------------------------------------------

Handler = Callable[[Ctx], Response]


def page(path: str, *permissions: str, methods: list[str] | None = None, name: str | None = None):
    """Register a staff page: signed in, staff, and holding any one of `permissions` (none = any staff)."""
    def decorate(fn: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            user = current_user(request)
            if user is not None:
                user = await run_in_threadpool(revalidate, request, user)
            if user is None:
                if request.method == "GET":
                    return RedirectResponse(_url("/login") + "?next=" + quote(request.url.path +
                                            (f"?{request.url.query}" if request.url.query else ""), safe=""),
                                            status_code=303)
                return error_page(request, 401, "Signed out", "Your session has ended: sign in again.")
            if not user.is_staff or (permissions and not user.has(*permissions)):
                return forbidden(request, user)
            form = await request.form(max_part_size=2 * request.app.state.ui_settings.cover_max_bytes) \
                if request.method == "POST" else None
            ctx = Ctx(request, user, form)
            try:
                response = await run_in_threadpool(fn, ctx)
                # a page that showed a refusal inline (the desk's scans): a lost connection is still a 503
                return _retry_later(response) if response.status_code == 503 else response
            except DbUnavailable:
                log.error("staff page %s: database unavailable", request.url.path)
                _record(request, 503, "DB_UNAVAILABLE")
                return _retry_later(error_page(request, 503, "Database unavailable",
                                               "The database is not answering right now. Try again in a moment.", user))
            except DbError as exc:
                r = refusal_of(request, exc)
                if r.status >= 500:
                    log.error("staff page %s: database error %s %s", request.url.path, exc.code, exc.message)
                    _record(request, r.status, r.code)
                if r.status == 503:  # connection lost, timeout: the API's answer, as a page
                    return _retry_later(error_page(request, 503, "Database unavailable",
                                                   f"{r.message} ({r.code})", user))
                return error_page(request, r.status, "Refused", f"{r.message} ({r.code})", user)
            except Exception:
                log.exception("staff page %s %s failed", request.method, request.url.path)
                _record(request, 500, "INTERNAL_ERROR")
                return error_page(request, 500, "Something went wrong",
                                  "The page could not be shown. The error has been logged.", user)
            finally:
                if form is not None:
                    await form.close()

        endpoint.__name__ = fn.__name__
        ROUTES.append(Route(path, endpoint, methods=methods or ["GET"], name=name or fn.__name__))
        fn.permissions = permissions  # type: ignore[attr-defined]
        return fn
    return decorate


def _retry_later(response: Response) -> Response:
    response.headers["Retry-After"] = RETRY_AFTER_S
    return response


def _record(request: Request, status: int, code: str) -> None:
    recorder = getattr(request.app.state, "recent_errors", None)
    if recorder is not None:
        recorder.add(request.method, request.url.path, status, code)
