"""Reports: /api/reports."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import Db, require
from api.errors import ApiError, responses
from api.models.admin import CirculationReport
from api.reads import admin as q

router = APIRouter(prefix="/api/reports", tags=["reports"], responses=responses(401, 403, 422))


@router.get("/circulation", response_model=CirculationReport, dependencies=[Depends(require("RPT_CIRCULATION"))])
async def read_circulation_report(db: Db, start_date: Annotated[date | None, Query(examples=["2026-11-01"])] = None,
                            end_date: Annotated[date | None, Query(examples=["2026-11-30"])] = None) -> CirculationReport:
    """Checkouts, returns and renewals per day and branch, top titles, loans overdue now (default: last 30 days)."""
    for given in (start_date, end_date):  # checked before any date arithmetic (date(1, 1, 1) - 30 days overflows)
        if given is not None and not 1900 <= given.year <= 9998:
            raise ApiError(422, "VALIDATION_ERROR", "start_date and end_date must lie between the years 1900 and 9998.")
    end = end_date or date.today()
    start = start_date or end - timedelta(days=30)
    if start > end or (end - start).days > 366:
        raise ApiError(422, "VALIDATION_ERROR", "start_date must not be after end_date, and the period at most a year.")
    return CirculationReport(**await db.query(lambda s: q.circulation_report(s, start, end)))
