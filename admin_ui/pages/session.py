"""Sign in and sign out (/staff/login, /staff/logout)."""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from admin_ui import web
from admin_ui.auth import current_user, sign_out, start_session
from datalayer.gateway import DbUnavailable
from datalayer.session import DbError
from services import accounts


def _safe_next(value: str | None) -> str:
    """Only a path inside the staff UI (no scheme, host or protocol-relative //)."""
    if value and value.startswith(web.PREFIX + "/") and not value.startswith("//") and "\\" not in value:
        return value
    return web.PREFIX + "/"


def _rate_limited(request: Request, username: str) -> float:
    """The API's login limiters (per client address and per username), shared with /api/auth/login."""
    limiters = getattr(request.app.state, "limiters", None) or {}
    ip = request.client.host if request.client else "unknown"
    wait = 0.0
    for kind, key in (("login_ip", ip), ("login_user", username.lower())):
        if kind in limiters:
            wait = max(wait, limiters[kind].hit(key) or 0.0)
    return wait


async def login(request: Request) -> Response:
    """GET: the form. POST: check the account in the database and start a session."""
    if request.method == "GET":
        user = current_user(request)
        nxt = _safe_next(request.query_params.get("next"))
        if user is not None and user.is_staff:
            return RedirectResponse(nxt, status_code=303)
        return web.render(request, "login.html", next=nxt, username="", error=None)
    form = await request.form()
    username = str(form.get("username") or "").strip()[:60]
    password = str(form.get("password") or "")[:1024]
    nxt = _safe_next(str(form.get("next") or ""))

    def refuse(status: int, code: str, message: str) -> Response:
        return web.render(request, "login.html", http_status=status, next=nxt, username=username, error=message,
                          error_code=code)

    if not username or not password:
        return refuse(422, "VALIDATION_ERROR", "Enter your username and password.")
    wait = _rate_limited(request, username)
    if wait:
        return refuse(429, "RATE_LIMITED", f"Too many attempts: wait {int(wait) + 1} seconds and try again.")
    try:
        user = await run_in_threadpool(
            lambda: accounts.login(request.app.state.gateway, username, password, kind="STAFF",
                                   lifetime_s=request.app.state.ui_settings.session_max_age_s,
                                   client=request.client.host if request.client else None))
    except accounts.AccountRefusal as exc:
        return refuse(exc.status, exc.code, exc.message)
    except (DbUnavailable, DbError):
        return refuse(503, "DB_UNAVAILABLE", "The database is not answering: signing in is not possible right now.")
    start_session(request, user)
    resume = str(form.get("resume") or "")
    if resume.startswith(web.PREFIX + "/") and resume != web.PREFIX + "/login":
        # signed in again from a refused form (web.resume_page): offer to send what was entered, new token
        kept = [(k[5:], v) for k, v in form.multi_items() if k.startswith("keep:") and isinstance(v, str)]
        return web.render(request, "resume.html", user=user, title="Signed in again",
                          message="You are signed in again. Send what you entered?", fields=web.kept_fields(kept),
                          action=_safe_next(resume), signed_out=False, status_code=200,
                          next=nxt if nxt != web.PREFIX + "/" else "")
    return RedirectResponse(nxt, status_code=303)


async def logout(request: Request) -> Response:
    """End the session, in the database too: the cookie, or a copy of it, is refused from now on (POST only,
    with the CSRF token like every form)."""
    await run_in_threadpool(sign_out, request)
    return RedirectResponse(web.PREFIX + "/login", status_code=303)


web.ROUTES.append(Route("/login", login, methods=["GET", "POST"], name="login"))
web.ROUTES.append(Route("/logout", logout, methods=["POST"], name="logout"))
