"""The signed-in staff member's own account (/staff/account): who they are, and a new password.

The current password is checked as a login would be (a wrong one counts towards the lockout, in the
database), the new one is hashed by the API's hasher and stored by lib_auth.set_password, which lets any
account change its own password.
"""
from __future__ import annotations

from starlette.responses import Response

from admin_ui import web
from api.db.session import Out
from api.security import hash_password, verify_password


@web.page("/account")
def show_account(ctx: web.Ctx) -> Response:
    return _page(ctx)


@web.page("/account/password", methods=["POST"], name="change_password")
def change_password(ctx: web.Ctx) -> Response:
    current, new, repeat = (ctx.form.get(k) or "" for k in ("current", "new", "repeat"))
    current, new, repeat = str(current)[:1024], str(new)[:1024], str(repeat)[:1024]
    min_length = ctx.request.app.state.settings.password_min_length
    if len(new) < min_length:
        return _page(ctx, f"The new password needs at least {min_length} characters.", "VALIDATION_ERROR", 422)
    if new != repeat:
        return _page(ctx, "The two new passwords differ.", "VALIDATION_ERROR", 422)
    with ctx.read() as s:
        stored = s.scalar("SELECT password_hash FROM users WHERE user_id = :u", {"u": ctx.user.user_id})
    if not stored or not verify_password(stored, current):
        with ctx.gw.autonomous() as s:  # counted like a failed login, committed before the refusal is shown
            (locked,) = s.call("lib_auth.login_failed", ctx.user.username, Out(int))
        return _page(ctx, "The current password is wrong." + (" The account is now locked." if locked else ""),
                     "INVALID_CREDENTIALS", 403)
    with ctx.tx() as s:
        s.call("lib_auth.set_password", ctx.user.user_id, hash_password(new))
    return ctx.redirect("/account", "Password changed.")


def _page(ctx: web.Ctx, error: str | None = None, code: str | None = None, status: int = 200) -> Response:
    return ctx.render("account.html", http_status=status, title="My account", error=error, error_code=code)
