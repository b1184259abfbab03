"""Fines at the desk: /api/fines (list, pay, waive, refund)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api import vocabulary
from api.deps import CurrentUser, Db, require
from api.errors import responses
from api.models.common import PAGE_SIZE, Page, PageNo, PageSize, PathId, QueryId
from api.models.fines import PaidOut, PayIn, RefundIn, RefundOut, WaivedOut, WaiveIn
from api.models.portal import FineOut
from datalayer.packages import lib_fines
from datalayer.reads import fines as q
from datalayer.reads import page_offset

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
    paid = await db.transact(user, lambda s: lib_fines.pay(s, fine_id, body.amount, body.method, body.note))
    return PaidOut(fine_id=fine_id, payment_id=paid.payment_id, amount_paid=paid.amount_paid, balance=paid.balance,
                   status=paid.status)


@router.post("/{fine_id}/waive", response_model=WaivedOut, dependencies=[Depends(require("FINE_WAIVE"))],
             responses=responses(404, 409))
async def waive_fine(fine_id: PathId, body: WaiveIn, user: CurrentUser, db: Db) -> WaivedOut:
    """Waive what is still owed on a fine; the reason is required and kept."""
    await db.transact(user, lambda s: lib_fines.waive(s, fine_id, body.reason))
    # what waive wrote: status WAIVED, the reason as given (trimmed of spaces, as TRIM does)
    return WaivedOut(fine_id=fine_id, status="WAIVED", waive_reason=body.reason.strip(" "))


@router.post("/{fine_id}/refund", response_model=RefundOut, status_code=201,
             dependencies=[Depends(require("FINE_WAIVE"))], responses=responses(404, 409),
             summary="Refund money paid on a fine")
async def refund_fine(fine_id: PathId, body: RefundIn, user: CurrentUser, db: Db) -> RefundOut:
    """Pay back all or part of what was paid on a fine (FINE_WAIVE, for the fine's branch as a waiver): a
    payments row with method REFUND, the reason kept as its note. What the fine owes does not change; once all
    that was paid is refunded, a fine that owes nothing becomes REFUNDED and reads balance 0.00 everywhere.
    Refusals: `INVALID_REFUND_AMOUNT`, `REFUND_EXCEEDS_PAID` (above what was paid and not yet refunded),
    `REFUND_REASON_REQUIRED`, 409 `FINE_NOT_PAID` (nothing paid), 409 `FINE_ALREADY_REFUNDED`, 404
    `FINE_NOT_FOUND`, 403 `OUTSIDE_HOME_BRANCH` (a branch manager refunds their own branch's fines)."""
    out = await db.run_async(user, lib_fines.refund, fine_id, body.amount, body.method, body.reason)
    # what refund wrote: the reason trimmed of spaces, as TRIM does
    return RefundOut(refund_id=out.refund_id, fine_id=fine_id, amount=body.amount, method=body.method,
                     reason=body.reason.strip(" "), refunded=out.refunded, refundable=out.refundable,
                     balance=out.balance, status=out.status)
