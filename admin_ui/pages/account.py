"""The signed-in staff member's own account (/staff/account): who they are, their sessions, a new password.

The password change is services.accounts.change_password, as POST /api/auth/password: the current password
is checked and counted like a login (a wrong one counts towards the lockout, in the database); the new one
ends every session of the account, this cookie's included, and the page carries on under a new session.
"Sign out everywhere" ends every session of the account (API tokens too).
"""
from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from admin_ui import web
from admin_ui.auth import sign_out, start_session
from services import accounts


@web.page("/account")
def show_account(ctx: web.Ctx) -> Response:
    return _page(ctx)


@web.page("/account/password", methods=["POST"], name="change_password")
def change_password(ctx: web.Ctx) -> Response:
    current, new, repeat = (ctx.form.get(k) or "" for k in ("current", "new", "repeat"))
    current, new, repeat = str(current)[:1024], str(new)[:1024], str(repeat)[:1024]
    if new != repeat:
        return _page(ctx, "The two new passwords differ.", "VALIDATION_ERROR", 422)
    request = ctx.request
    try:
        fresh = accounts.change_password(ctx.gw, ctx.user, current, new,
                                         min_length=request.app.state.settings.password_min_length, kind="STAFF",
                                         lifetime_s=request.app.state.ui_settings.session_max_age_s,
                                         client=request.client.host if request.client else None,
                                         checks=request.app.state.session_checks)
    except accounts.AccountRefusal as exc:
        message = {"INVALID_CREDENTIALS": "The current password is wrong."}.get(exc.code, exc.message)
        return _page(ctx, message, exc.code, 403 if exc.status == 401 else exc.status)
    start_session(request, fresh)
    return ctx.redirect("/account", "Password changed. Every other session of your account has been signed out.")


@web.page("/account/sessions/end", methods=["POST"], name="end_sessions")
def end_sessions(ctx: web.Ctx) -> Response:
    """Sign out everywhere: every session of the account ends, this one included."""
    sign_out(ctx.request, everywhere=True)
    return RedirectResponse(web.PREFIX + "/login", status_code=303)


def _page(ctx: web.Ctx, error: str | None = None, code: str | None = None, status: int = 200) -> Response:
    with ctx.read() as s:
        sessions = accounts.sessions_of(s, ctx.user)
        home = ctx.user.home_branch_id
        home_branch = s.scalar("SELECT name FROM branches WHERE branch_id = :b", {"b": home}) if home else None
    return ctx.render("account.html", http_status=status, title="My account", error=error, error_code=code,
                      sessions=sessions, home_branch=home_branch)
