"""The patron portal: the caller's own loans, history, fines and holds: /api/patron/me.

The patron is always the token's (patrons.user_id = sub, read at login): no route here takes a
patron id, and loan or hold ids of another patron answer 404 as if they did not exist.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends

from api.deps import CurrentUser, Db, patron_self
from api.errors import responses
from api.models.common import PAGE_SIZE, PageNo, PageSize, PathId
from api.models.portal import (
    CancelledOut,
    FineOut,
    HistoryOut,
    HoldOut,
    LoanOut,
    NoticePreferenceOut,
    NoticePreferencesIn,
    NoticePreferencesOut,
    RenewedOut,
    ReservedOut,
    ReserveIn,
)
from datalayer.packages import lib_circulation, lib_holds
from datalayer.reads import page_offset
from datalayer.reads import patron_activity as q
from datalayer.session import Session
from services.notices import preferences

router = APIRouter(prefix="/api/patron/me", tags=["patron"], dependencies=[Depends(patron_self())],
                   responses=responses(401, 403))


@router.get("/loans", response_model=list[LoanOut])
async def list_my_loans(user: CurrentUser, db: Db) -> list[LoanOut]:
    """The caller's current loans with due dates."""
    return [LoanOut(**r) for r in await db.query(lambda s: q.loans(s, user.patron_id))]


@router.get("/history", response_model=list[HistoryOut])
async def list_my_history(user: CurrentUser, db: Db, page: PageNo = 1,
                    page_size: PageSize = PAGE_SIZE) -> list[HistoryOut]:
    """The caller's past loans, newest first."""
    rows = await db.query(lambda s: q.history(s, user.patron_id, page_size, page_offset(page, page_size)))
    return [HistoryOut(**r) for r in rows]


@router.get("/fines", response_model=list[FineOut])
async def list_my_fines(user: CurrentUser, db: Db) -> list[FineOut]:
    """The caller's fines, open and closed."""
    return [FineOut(**r) for r in await db.query(lambda s: q.fines(s, user.patron_id))]


@router.get("/holds", response_model=list[HoldOut])
async def list_my_holds(user: CurrentUser, db: Db) -> list[HoldOut]:
    """The caller's holds with their place in the queue."""
    return [HoldOut(**r) for r in await db.query(lambda s: q.holds(s, user.patron_id))]


@router.post("/reserve/{material_id}", response_model=ReservedOut, status_code=201,
             responses=responses(404, 409, 422))
async def reserve_title(material_id: PathId, user: CurrentUser, db: Db,
                  body: Annotated[ReserveIn | None, Body()] = None) -> ReservedOut:
    """Place a hold on a title for the caller (pickup at the home branch unless given)."""
    pickup = body.pickup_branch_id if body else None

    placed = await db.transact(user, lambda s: lib_holds.place(s, user.patron_id, material_id, pickup))
    # lib_holds.place always writes a PENDING hold (a copy is trapped for it at check-in or from the pull list)
    return ReservedOut(hold_id=placed.hold_id, status="PENDING", queue_position=placed.queue_position)


@router.delete("/holds/{hold_id}", response_model=CancelledOut, responses=responses(404, 409, 422))
async def cancel_my_hold(hold_id: PathId, user: CurrentUser, db: Db) -> CancelledOut:
    """Cancel one of the caller's open holds."""
    await db.transact(user, lambda s: lib_holds.cancel_own(s, user.patron_id, hold_id))
    return CancelledOut(hold_id=hold_id, status="CANCELLED")


@router.post("/renew/{loan_id}", response_model=RenewedOut, responses=responses(404, 409, 422))
async def renew_my_loan(loan_id: PathId, user: CurrentUser, db: Db) -> RenewedOut:
    """Renew one of the caller's loans."""
    renewed = await db.transact(user, lambda s: lib_circulation.renew_own(s, user.patron_id, loan_id))
    return RenewedOut(loan_id=loan_id, due_at=renewed.due_at, renewals=renewed.renewals)


def _notice_preferences(s: Session, patron_id: int) -> NoticePreferencesOut:
    state = preferences.delivery_state(s, patron_id) or {}
    return NoticePreferencesOut(email=state.get("email"),
                                email_undeliverable=state.get("email_undeliverable_at") is not None,
                                preferences=[NoticePreferenceOut(**p) for p in preferences.of_patron(s, patron_id)])


@router.get("/notice-preferences", response_model=NoticePreferencesOut)
async def read_my_notice_preferences(user: CurrentUser, db: Db) -> NoticePreferencesOut:
    """Which e-mails the caller gets, per notice type, and whether their address is deliverable."""
    return await db.query(lambda s: _notice_preferences(s, user.patron_id))


@router.put("/notice-preferences", response_model=NoticePreferencesOut, responses=responses(422))
async def set_my_notice_preferences(body: NoticePreferencesIn, user: CurrentUser, db: Db) -> NoticePreferencesOut:
    """Turn notice types on or off for the caller (an unknown type is 422 NOTICE_TYPE_UNKNOWN)."""
    def work(s: Session) -> NoticePreferencesOut:
        preferences.save(s, user.patron_id, body.preferences)
        return _notice_preferences(s, user.patron_id)
    return await db.transact(user, work)
