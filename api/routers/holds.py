"""The holds shelf and queue for staff: /api/holds."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api import vocabulary
from api.deps import Db, require
from api.errors import responses
from api.models.common import PAGE_SIZE, Page, PageNo, PageSize, QueryId
from api.models.portal import HoldOut
from datalayer.reads import holds as q
from datalayer.reads import page_offset

router = APIRouter(prefix="/api/holds", tags=["holds"], responses=responses(401, 403))

HoldStatus = vocabulary.HoldStatus


@router.get("", response_model=Page[HoldOut], dependencies=[Depends(require("HOLD_MANAGE"))],
            responses=responses(422))
async def list_holds(db: Db, status: Annotated[HoldStatus | None, Query(examples=["READY"])] = None,
               branch_id: Annotated[QueryId | None, Query(description="pickup branch")] = None,
               patron_id: Annotated[QueryId | None, Query()] = None,
               page: PageNo = 1,
               page_size: PageSize = PAGE_SIZE) -> Page[HoldOut]:
    """Holds by status and pickup branch (READY = the hold shelf), oldest first."""
    rows, total = await db.query(lambda s: q.search(s, status, branch_id, patron_id, page_size, page_offset(page, page_size)))
    return Page[HoldOut](items=rows, total=total, page=page, page_size=page_size)
