"""Bulk import and export of catalog records: /api/catalog/imports, /api/catalog/export (CATALOG_IMPORT).

An upload is stored to a file (bounded by ILS_IMPORT_MAX_MB, never held in memory), registered QUEUED
(lib_imports.start_import) and run by the server's import queue (services/imports/runner.py: a thread of
the server process acting as the uploader). The client polls GET /api/catalog/imports/{id} for the status,
the counts (the progress) and the report, page by page.
"""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from api.deps import CurrentUser, Db, require
from api.errors import ApiError, not_found, responses
from api.models.common import PageNo, PageSize, PathId, text
from api.models.imports import ImportCreated, ImportOut, ImportRecord
from datalayer.packages import lib_imports
from datalayer.reads import imports as reads
from datalayer.reads import page_offset
from services.imports import export, runner

router = APIRouter(prefix="/api/catalog", tags=["imports"], responses=responses(401, 403, 422))
ABANDONED_MINUTES = 10
Kind = Literal["MARC", "MARCXML", "CSV_TITLES", "CSV_PATRONS"]


async def _chunks(upload: UploadFile):
    while True:
        chunk = await upload.read(1024 * 1024)
        if not chunk:
            return
        yield chunk


def _start(s, kind: str, name: str, size: int, dry_run: str, confirms: int | None):
    # imports a server process left behind when it ended (no record for 10 minutes) are failed first
    lib_imports.fail_abandoned(s, ABANDONED_MINUTES)
    return lib_imports.start_import(s, kind, name, size, dry_run, confirms)


def queue_of(request: Request) -> runner.ImportQueue:
    return request.app.state.imports


@router.post("/imports", response_model=ImportCreated, status_code=202, responses=responses(404, 409, 413),
             dependencies=[Depends(require("CATALOG_IMPORT"))])
async def start_import(request: Request, user: CurrentUser, db: Db,
                       file: Annotated[UploadFile | None, File(description="the MARC21 (.mrc), MARCXML (.xml) or CSV file")] = None,
                       kind: Annotated[Kind | None, Form(description="what the file holds; default by its extension: .xml MARCXML, .csv CSV_TITLES, else MARC")] = None,
                       dry_run: Annotated[bool, Form(description="check and match every record, keep nothing")] = True,
                       confirms: Annotated[int | None, Form(ge=1, description="import the file of this finished dry run (no file then)")] = None) -> ImportCreated:
    """Upload a file to import (a dry run by default), or confirm a dry run (`confirms`): answers the
    import's id at once; the import runs in the background (GET /api/catalog/imports/{id})."""
    queue = queue_of(request)
    if confirms is not None:
        dry = await db.query(lambda s: reads.one(s, confirms))
        if dry is None:
            raise not_found("No such import.", "IMPORT_NOT_FOUND", -20560)
        name, size, kind_ = dry["file_name"], int(dry["file_bytes"]), dry["import_kind"]
        if dry["status"] == "DONE" and dry["dry_run"] == "Y" and not queue.file_of(confirms).exists():
            raise ApiError(409, "IMPORT_NOT_CONFIRMABLE", "The file of this dry run is no longer kept (confirmed "
                           "already?): upload it again.", db_code=-20562)
        (import_id,) = await db.transact(user, lambda s: _start(s, kind_, name, size, "N", confirms))
        path = queue.copy_for(confirms, import_id)
        queue.submit(user, import_id, kind_, path, False)
        return ImportCreated(import_id=import_id, status="QUEUED")
    if file is None or not file.filename:
        raise ApiError(422, "VALIDATION_ERROR", "file: required (or confirms: a dry run's id)")
    kind_ = runner.kind_of(file.filename, kind)
    tmp = queue.settings.directory / f"upload-{id(file)}.part"
    try:
        size = await queue.save_upload(_chunks(file), tmp)
    except runner.UploadTooLarge:
        raise ApiError(413, "PAYLOAD_TOO_LARGE",
                       f"The file is larger than {queue.settings.max_bytes // (1024 * 1024)} MB.") from None
    try:
        (import_id,) = await db.transact(user, lambda s: _start(
            s, kind_, file.filename[-255:], size, "Y" if dry_run else "N", None))
    except Exception:
        tmp.unlink(missing_ok=True)
        raise
    path = queue.file_of(import_id)
    tmp.replace(path)
    queue.submit(user, import_id, kind_, path, dry_run)
    return ImportCreated(import_id=import_id, status="QUEUED")


@router.get("/imports", response_model=list[ImportOut], dependencies=[Depends(require("CATALOG_IMPORT"))])
async def list_imports(db: Db, page: PageNo = 1, page_size: PageSize = 50) -> list[ImportOut]:
    """The imports, newest first."""
    rows, _ = await db.query(lambda s: reads.history(s, page_offset(page, page_size), page_size))
    return [ImportOut(**r) for r in rows]


@router.get("/imports/{import_id}", response_model=ImportOut, responses=responses(404),
            dependencies=[Depends(require("CATALOG_IMPORT"))])
async def get_import(import_id: PathId, db: Db, page: PageNo = 1, page_size: PageSize = 50,
                     outcome: Annotated[Literal["CREATED", "MATCHED", "REJECTED"] | None, Query()] = None) -> ImportOut:
    """An import's status and counts (records_read is the progress) with one page of its report."""
    def work(s):
        row = reads.one(s, import_id)
        if row is None:
            return None, [], 0
        recs, total = reads.records(s, import_id, outcome, page_offset(page, page_size), page_size)
        return row, recs, total
    row, recs, total = await db.query(work)
    if row is None:
        raise not_found("No such import.", "IMPORT_NOT_FOUND", -20560)
    return ImportOut(**row, records=[ImportRecord(**r) for r in recs], records_total=total, page=page,
                     page_size=page_size)


@router.get("/export", responses={200: {"content": {"application/marc": {}, "text/csv": {}}}},
            dependencies=[Depends(require("CATALOG_IMPORT"))], response_class=FileResponse)
async def export_catalog(db: Db,
                         format_: Annotated[Literal["marc", "marcxml", "csv", "xlsx"], Query(alias="format")] = "marc",
                         q: Annotated[text(200) | None, Query(description="export the titles this search finds (at most 10,000); none = all")] = None,
                         what: Annotated[Literal["titles", "patrons"], Query(description="csv and xlsx: titles with their copies, or patrons")] = "titles"):
    """The catalog as MARC21, MARCXML, CSV or XLSX (or the patrons as CSV or XLSX), streamed from a file."""
    if what == "patrons" and format_ in ("marc", "marcxml"):
        raise ApiError(422, "VALIDATION_ERROR", "format: patrons export as csv or xlsx")
    import anyio.to_thread
    path = await anyio.to_thread.run_sync(export.write, db, format_, what, q)
    media, ext = export.FORMATS[format_]
    return FileResponse(path, media_type=media, filename=f"{what}.{ext}",
                        background=BackgroundTask(path.unlink, missing_ok=True))
