"""Bulk import answers."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class ImportCreated(BaseModel):
    import_id: int
    status: str


class ImportRecord(BaseModel):
    record_no: int
    outcome: str
    material_id: int | None = None
    patron_id: int | None = None
    label: str | None = None
    matched_by: str | None = None
    error_name: str | None = None
    detail: str | None = None


class ImportOut(BaseModel):
    import_id: int
    import_kind: str
    file_name: str
    file_bytes: int
    dry_run: str
    status: str
    confirms_import_id: int | None = None
    confirmed_by: int | None = None
    created_by: str | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    records_read: int
    created_count: int
    matched_count: int
    rejected_count: int
    copies_added: int
    message: str | None = None
    records: list[ImportRecord] = []
    records_total: int | None = None
    page: int | None = None
    page_size: int | None = None
