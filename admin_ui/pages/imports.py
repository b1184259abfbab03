"""Bulk imports for catalogers (CATALOG_IMPORT): upload a MARC21, MARCXML or CSV file, read the dry run's
report, confirm it, and the history of imports; the catalog's export. The import runs on the server's
import queue (services/imports/runner.py), as the API's POST /api/catalog/imports does.

The upload form posts to /staff/imports/upload with the CSRF token in its URL: that one route is checked by
the token there and its body is not read into memory by the CSRF middleware (admin_ui/middleware.py); the
file is spooled to disk by the form parser and copied, bounded by ILS_IMPORT_MAX_MB, to the queue's folder.
"""
from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.responses import Response

from admin_ui import web
from datalayer.packages import lib_imports
from datalayer.reads import imports as reads
from services.imports import runner

KINDS = {"": "By the file's extension (.mrc MARC21, .xml MARCXML, .csv titles)", "MARC": "MARC21 (.mrc)",
         "MARCXML": "MARCXML", "CSV_TITLES": "CSV of titles with copies", "CSV_PATRONS": "CSV of patrons"}
OUTCOMES = ("CREATED", "MATCHED", "REJECTED")


def _queue(ctx: web.Ctx) -> runner.ImportQueue:
    return ctx.request.app.state.api_app.state.imports


def _start(ctx: web.Ctx, kind: str, name: str, size: int, dry_run: str, confirms: int | None) -> int:
    with ctx.tx() as s:
        lib_imports.fail_abandoned(s, 10)
        (import_id,) = lib_imports.start_import(s, kind, name, size, dry_run, confirms)
    return import_id


@web.page("/imports", "CATALOG_IMPORT")
def imports_page(ctx: web.Ctx, error: str | None = None, status: int = 200) -> Response:
    """The upload form and the history of imports."""
    paging = ctx.paging()
    with ctx.read() as s:
        rows, total = reads.history(s, paging.offset, paging.size)
    return ctx.render("imports/list.html", http_status=status, title="Imports", rows=rows, paging=paging,
                      pages=paging.pages(total), kinds=KINDS, error=error,
                      max_mb=_queue(ctx).settings.max_bytes // (1024 * 1024))


@web.page("/imports/upload", "CATALOG_IMPORT", methods=["POST"], name="upload_import")
def upload_import(ctx: web.Ctx) -> Response:
    """Store the uploaded file, register the import (a dry run unless unticked) and queue it."""
    upload = ctx.form.get("file") if ctx.form is not None else None
    if not isinstance(upload, UploadFile) or not upload.filename:
        return imports_page(ctx, error="Choose a file to import.", status=422)
    queue = _queue(ctx)
    kind = runner.kind_of(upload.filename, ctx.arg("kind") or None)
    if kind not in runner.KINDS:
        return imports_page(ctx, error="Choose what the file holds.", status=422)
    tmp = queue.settings.directory / f"upload-staff-{id(upload)}.part"
    try:
        size = queue.save_file(upload.file, tmp)
    except runner.UploadTooLarge:
        return imports_page(ctx, error=f"The file is larger than {queue.settings.max_bytes // (1024 * 1024)} MB.",
                            status=413)
    dry_run = "Y" if ctx.arg("dry_run") else "N"
    try:
        import_id = _start(ctx, kind, upload.filename[-255:], size, dry_run, None)
    except Exception:
        tmp.unlink(missing_ok=True)
        raise
    path = queue.file_of(import_id)
    tmp.replace(path)
    queue.submit(ctx.user, import_id, kind, path, dry_run == "Y")
    return ctx.redirect(f"/imports/{import_id}", "The file is being read." if dry_run == "Y" else "The import has started.")


@web.page("/imports/{import_id:int}", "CATALOG_IMPORT")
def import_page(ctx: web.Ctx) -> Response:
    """An import's status, counts and report (paged, by outcome); a finished dry run can be confirmed."""
    import_id = ctx.request.path_params["import_id"]
    outcome = ctx.arg("outcome") if ctx.arg("outcome") in OUTCOMES else None
    paging = ctx.paging()
    with ctx.read() as s:
        row = reads.one(s, import_id)
        recs, total = reads.records(s, import_id, outcome, paging.offset, paging.size) if row else ([], 0)
    if row is None:
        return web.error_page(ctx.request, 404, "No such import", "There is no such import.", ctx.user)
    can_confirm = (row["dry_run"] == "Y" and row["status"] == "DONE" and row["confirmed_by"] is None
                   and _queue(ctx).file_of(import_id).exists())
    return ctx.render("imports/detail.html", title=f"Import {import_id}", imp=row, records=recs, paging=paging,
                      pages=paging.pages(total), outcome=outcome or "", outcomes=OUTCOMES, can_confirm=can_confirm)


@web.page("/imports/{import_id:int}/confirm", "CATALOG_IMPORT", methods=["POST"], name="confirm_import")
def confirm_import(ctx: web.Ctx) -> Response:
    """Import the file of a finished dry run."""
    dry_id = ctx.request.path_params["import_id"]
    queue = _queue(ctx)
    with ctx.read() as s:
        dry = reads.one(s, dry_id)
    if dry is None:
        return web.error_page(ctx.request, 404, "No such import", "There is no such import.", ctx.user)
    if not queue.file_of(dry_id).exists():
        return ctx.redirect(f"/imports/{dry_id}", "The file of this dry run is no longer kept: upload it again.", "error")
    import_id = _start(ctx, dry["import_kind"], dry["file_name"], int(dry["file_bytes"]), "N", dry_id)
    path = queue.copy_for(dry_id, import_id)
    queue.submit(ctx.user, import_id, dry["import_kind"], path, False)
    return ctx.redirect(f"/imports/{import_id}", "The import has started.")


@web.page("/imports/export", "CATALOG_IMPORT")
def export_catalog(ctx: web.Ctx) -> Response:
    """The whole catalog as MARC21, MARCXML, CSV or XLSX (?format=), streamed from a temporary file."""
    from starlette.background import BackgroundTask
    from starlette.responses import FileResponse

    from services.imports import export
    fmt = ctx.arg("format") if ctx.arg("format") in export.FORMATS else "marc"
    path = export.write(ctx.gw, fmt, "titles", ctx.arg("q") or None)
    media, ext = export.FORMATS[fmt]
    return FileResponse(path, media_type=media, filename=f"catalog.{ext}",
                        background=BackgroundTask(path.unlink, missing_ok=True))
