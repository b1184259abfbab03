"""Notice templates (/staff/notices/templates, SYS_CONFIG): the Jinja2 text of each notice type and language,
edited with a preview on sample data (services/notices/render.py) and saved through lib_notices.save_template.
A template that does not parse or render on the sample is not saved."""
from __future__ import annotations

from jinja2 import TemplateError
from starlette.responses import Response

from admin_ui import web
from datalayer.packages import lib_notices
from datalayer.session import DbError
from services.notices import render

TYPES = ("HOLD_READY", "HOLD_EXPIRED", "CHECKOUT_RECEIPT", "RETURN_RECEIPT", "FINE_CHARGED", "CARD_EXPIRING",
         "LOAN_DIGEST")


@web.page("/notices/templates", "SYS_CONFIG")
def list_templates(ctx: web.Ctx) -> Response:
    with ctx.read() as s:
        rows = s.rows("SELECT notice_type, language_code, subject, updated_at FROM notice_templates "
                      "ORDER BY notice_type, language_code")
    return ctx.render("notices/list.html", title="Notice templates", rows=rows, types=TYPES)


def _branch(ctx: web.Ctx) -> dict | None:
    """The footer of the preview: the user's home branch, else the first one."""
    with ctx.read() as s:
        branch_id = ctx.user.home_branch_id or s.scalar("SELECT MIN(branch_id) FROM branches")
        return s.one("SELECT name, address, phone, email FROM branches WHERE branch_id = :b", {"b": branch_id})


def _editor(ctx: web.Ctx, notice_type: str, language: str, values: dict, error: str | None = None,
            status: int = 200) -> Response:
    preview = None
    if error is None:
        try:
            preview = render.preview(notice_type, values["subject"], values["body_text"], values["body_html"],
                                     _branch(ctx))
        except TemplateError as exc:
            error, status = f"The template does not render: {exc}", 422
    return ctx.render("notices/edit.html", http_status=status, title=f"Notice template {notice_type} ({language})",
                      notice_type=notice_type, language=language, v=values, preview=preview, error=error)


@web.page("/notices/templates/{notice_type}/{language}", "SYS_CONFIG")
def edit_template(ctx: web.Ctx) -> Response:
    notice_type, language = ctx.request.path_params["notice_type"], ctx.request.path_params["language"][:10]
    if notice_type not in TYPES:
        return web.error_page(ctx.request, 404, "No such notice type", f"There is no notice type {notice_type}.",
                              ctx.user)
    with ctx.read() as s:
        row = s.one("SELECT subject, body_text, body_html FROM notice_templates "
                    "WHERE notice_type = :t AND language_code = :l", {"t": notice_type, "l": language})
        if row is None:  # a new language starts from the English text
            row = s.one("SELECT subject, body_text, body_html FROM notice_templates "
                        "WHERE notice_type = :t AND language_code = 'en'", {"t": notice_type})
    return _editor(ctx, notice_type, language, row or {"subject": "", "body_text": "", "body_html": ""})


@web.page("/notices/templates/{notice_type}/{language}", "SYS_CONFIG", methods=["POST"], name="save_template")
def save_template(ctx: web.Ctx) -> Response:
    """action=preview renders the posted text; action=save checks it renders, then lib_notices.save_template."""
    notice_type, language = ctx.request.path_params["notice_type"], ctx.request.path_params["language"][:10]
    values = {k: ctx.arg(k) for k in ("subject", "body_text", "body_html")}
    if ctx.arg("action") != "save":
        return _editor(ctx, notice_type, language, values)
    try:
        render.preview(notice_type, values["subject"], values["body_text"], values["body_html"], _branch(ctx))
    except TemplateError as exc:
        return _editor(ctx, notice_type, language, values, f"Not saved: the template does not render: {exc} "
                       "(INVALID_NOTICE_TEMPLATE)", 422)
    try:
        with ctx.tx() as s:
            lib_notices.save_template(s, notice_type, language, web.blank_null(values["subject"]),
                                      web.blank_null(values["body_text"]), web.blank_null(values["body_html"]))
    except DbError as exc:
        r = ctx.refusal(exc)
        return _editor(ctx, notice_type, language, values, f"{r.message} ({r.code})", r.status)
    return ctx.redirect(f"/notices/templates/{notice_type}/{language}", "Template saved.")
