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
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from admin_ui import nav
from admin_ui.auth import csrf_token, current_user, revalidate
from datalayer.errors import RETRY_AFTER_S
from datalayer.gateway import DbUnavailable, Gateway
from datalayer.reads import Paging, vocabulary
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


money = _money  # for messages written in Python: "$1,234.50", as the pages show money


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


@pass_context
def _label(context: Any, code: Any, table: str) -> str:
    """A code's label from its vocabulary table (`{{ c.status|label('copy_statuses') }}`): ON_HOLD_SHELF reads
    "On hold shelf" as the table says; a code the table lacks reads in plain words."""
    if code is None:
        return "—"
    labels = (context.get("vocab") or {}).get(table) or {}
    return labels.get(str(code)) or str(code).replace("_", " ").capitalize()


templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                        trim_blocks=True, lstrip_blocks=True)
templates.filters.update(money=_money, day=_day, when=_when, label=_label, q=lambda s: quote(str(s), safe=""))
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
        return render(self.request, template, http_status=http_status, user=self.user,
                      vocab=vocab_labels(self.request), **context)

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
    plain: str = ""  # the catalog's message alone, without the package's detail (internal ids): what staff read


def refusal_of(request: Request, exc: DbError) -> Refusal:
    catalog = request.app.state.error_catalog
    if catalog.wants_reload(exc):  # the API's rule: an unknown code reloads the catalog, at most every 30 s
        try:
            catalog.load(request.app.state.gateway)
        except Exception:
            pass
    status, name, message = catalog.resolve(exc)
    plain = catalog.entries[exc.code][2] if exc.code in catalog.entries else message
    return Refusal(name, exc.code, message, status, plain or message)


def render(request: Request, template: str, http_status: int = 200, user: SignedIn | None = None,
           **context: Any) -> HTMLResponse:
    def flashes() -> list:  # taken only by the page layout, so a fragment never swallows a message
        return request.session.pop("flash", []) if "flash" in request.session else []

    context.setdefault("vocab", vocab_labels(request, load=False))
    html = templates.get_template(template).render(
        request=request, user=user, csrf=csrf_token(request), flashes=flashes,
        nav=nav.build(user, request.url.path) if user else [], static=request.app.state.static_url, **context)
    return HTMLResponse(html, status_code=http_status)


VOCAB_TTL_S = 60.0


def vocab_labels(request: Request, load: bool = True) -> dict[str, dict[str, str]]:
    """The labels of the vocabulary tables ({table: {code: label}}) for the `label` filter, read once a minute
    per app (rows are reference data: a new status shows within the minute); none when the database is away.
    Only a page handler (a worker thread) reads them (load); the async paths take what is cached."""
    state = request.app.state
    cached = getattr(state, "vocab_labels", None)
    now = time.monotonic()
    if cached is not None and (now - cached[0] < VOCAB_TTL_S or not load):
        return cached[1]
    if not load:
        return {}
    labels: dict[str, dict[str, str]] = {}
    try:
        with state.gateway.read() as s:
            labels = vocabulary.labels(s)
    except Exception:  # a page must render without the labels (outage pages above all)
        return cached[1] if cached else {}
    state.vocab_labels = (now, labels)
    return labels


def error_page(request: Request, status: int, title: str, message: str, user: SignedIn | None = None) -> HTMLResponse:
    return render(request, "error.html", http_status=status, user=user, title=title, message=message, status_code=status)


# fields never kept for a second send: the token (a fresh one is sent) and secrets
_NOT_KEPT = frozenset({"csrf_token", "password", "new_password", "current_password"})


def kept_fields(fields: Any) -> list[tuple[str, str]]:
    """The text fields of a refused form worth sending again (not the token, no password), at most 50."""
    items = fields.multi_items() if hasattr(fields, "multi_items") else list(fields or ())
    return [(k, v) for k, v in items if isinstance(v, str) and k not in _NOT_KEPT and not k.startswith("keep:")][:50]


def resume_page(request: Request, status: int, title: str, message: str, fields: Any,
                user: SignedIn | None) -> HTMLResponse:
    """A form refused because the session ended or its token is stale: nothing is lost. Signed in, the page
    offers to send the same fields again with a fresh token; signed out, it asks to sign in again and the
    login form carries the fields (keep:<name>) and the address, to offer the second send after signing in.
    The page is marked data-session-lost / data-token-stale for desk.js, which keeps its scans itself."""
    path = request.url.path
    if not _same_origin(request):  # a post from another site: nothing of it is offered for sending
        return error_page(request, status, title, message, user)
    return render(request, "resume.html", http_status=status, user=user, title=title, message=message,
                  fields=kept_fields(fields), action=path if path.startswith(PREFIX + "/") else PREFIX + "/",
                  signed_out=user is None, status_code=status, next=_referer_path(request))


def _same_origin(request: Request) -> bool:
    """The form was posted from a page of this site (Sec-Fetch-Site, else Origin or Referer names this host)."""
    if request.headers.get("sec-fetch-site") == "same-origin":  # the browser's word (Origin is "null" here:
        return True                                              # the pages are served with no-referrer)
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    return urlsplit(source).netloc == request.url.netloc if source and source != "null" else False


def _referer_path(request: Request) -> str:
    """The staff page the refused form was on (path and query), for returning to it after signing in."""
    parts = urlsplit(request.headers.get("referer") or "")
    if parts.netloc and parts.netloc != request.url.netloc:
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path.startswith(PREFIX + "/") else ""


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
                try:
                    form = await request.form()
                except Exception:  # an upload too large to keep: the plain answer
                    return error_page(request, 401, "Signed out", "Your session has ended: sign in again.")
                try:
                    return resume_page(request, 401, "Signed out", "Your session has ended: sign in again.", form, None)
                finally:
                    await form.close()
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
