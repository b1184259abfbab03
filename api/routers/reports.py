"""Reports: /api/reports."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import Db, require
from api.errors import ApiError, responses
from api.models.admin import CirculationReport
from datalayer.reads import admin as q

router = APIRouter(prefix="/api/reports", tags=["reports"], responses=responses(401, 403, 422))


@router.get("/circulation", response_model=CirculationReport, dependencies=[Depends(require("RPT_CIRCULATION"))])
async def read_circulation_report(db: Db, start_date: Annotated[date | None, Query(examples=["2026-11-01"])] = None,
                            end_date: Annotated[date | None, Query(examples=["2026-11-30"])] = None) -> CirculationReport:
    """Checkouts, returns and renewals per day and branch, top titles, loans overdue now (default: last 30 days)."""
    try:  # the period's default ends on the library's today, read with the report
        report = await db.query(lambda s: q.circulation_report(s, start_date, end_date))
    except ValueError as exc:
        raise ApiError(422, "VALIDATION_ERROR", str(exc)) from None
    return CirculationReport(**report)
