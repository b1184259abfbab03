"""Fines at the desk: /api/fines (list, pay, waive)."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api import vocabulary
from api.deps import CurrentUser, Db, require
from api.errors import responses
from api.models.common import PAGE_SIZE, Page, PageNo, PageSize, PathId, QueryId
from api.models.fines import PaidOut, PayIn, WaivedOut, WaiveIn
from api.models.portal import FineOut
from datalayer.reads import fines as q
from datalayer.reads import page_offset
from datalayer.reads.patron_activity import fine as read_fine
from datalayer.session import Out, Session

router = APIRouter(prefix="/api/fines", tags=["fines"], responses=responses(401, 403, 422))


@router.get("", response_model=Page[FineOut], dependencies=[Depends(require("FINE_COLLECT"))])
async def list_fines(db: Db, patron_id: Annotated[QueryId | None, Query()] = None,
               status: Annotated[vocabulary.FineStatus | None, Query()] = None,
               page: PageNo = 1,
               page_size: PageSize = PAGE_SIZE) -> Page[FineOut]:
    """Fines by patron and status, newest first."""
    rows, total = await db.query(lambda s: q.search(s, patron_id, status, page_size, page_offset(page, page_size)))
    return Page[FineOut](items=rows, total=total, page=page, page_size=page_size)


@router.post("/{fine_id}/pay", response_model=PaidOut, dependencies=[Depends(require("FINE_COLLECT"))],
             responses=responses(404, 409))
async def pay_fine(fine_id: PathId, body: PayIn, user: CurrentUser, db: Db) -> PaidOut:
    """Take a payment towards a fine (partial payments allowed, never more than owed)."""
    def work(s: Session) -> PaidOut:
        payment_id, _ = s.call("lib_fines.pay", fine_id, body.amount, body.method, body.note, Out(int), Out(Decimal))
        row = read_fine(s, fine_id)
        return PaidOut(fine_id=fine_id, payment_id=payment_id, amount_paid=row["paid"], balance=row["balance"],
                       status=row["status"])
    return await db.transact(user, work)


@router.post("/{fine_id}/waive", response_model=WaivedOut, dependencies=[Depends(require("FINE_WAIVE"))],
             responses=responses(404, 409))
async def waive_fine(fine_id: PathId, body: WaiveIn, user: CurrentUser, db: Db) -> WaivedOut:
    """Waive what is still owed on a fine; the reason is required and kept."""
    def work(s: Session) -> dict:
        s.call("lib_fines.waive", fine_id, body.reason)
        return s.one("SELECT fine_id, status, waive_reason FROM fines WHERE fine_id = :f", {"f": fine_id})
    return WaivedOut(**await db.transact(user, work))
