"""The circulation desk: /api/circulation (checkout, return, renew, renew-all, lost, transits)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from api.deps import CurrentUser, Db, require
from api.errors import responses
from api.models.circulation import (CheckoutIn, CheckoutOut, LostIn, LostOut, RenewAllIn, RenewAllItem, RenewAllOut,
                                    RenewIn, RenewOut, ReturnIn, ReturnOut, TransitOut)
from api.models.common import PAGE_SIZE, Page, PageNo, PageSize, QueryId
from datalayer.packages import lib_circulation
from datalayer.reads import page_offset
from datalayer.reads import transits as q
from services.renewals import renew_all_results

router = APIRouter(prefix="/api/circulation", tags=["circulation"], responses=responses(401, 403, 404, 409, 422))



@router.post("/checkout", response_model=CheckoutOut, status_code=201, dependencies=[Depends(require("CIRC_CHECKOUT"))])
async def checkout_copy(body: CheckoutIn, user: CurrentUser, db: Db) -> CheckoutOut:
    """Check a copy out to a patron; each side by id or by barcode, resolved by the package. A refusal lists
    every failing rule in `error.reasons`. An override (CIRC_OVERRIDE, checked by the database) needs a note
    and passes only the reasons `override_codes` names."""
    loan_id, patron_id, copy_id, due_at, overridden = await db.run_async(
        user, lib_circulation.checkout_desk, body.patron_id, body.patron_barcode, body.copy_id, body.copy_barcode,
        body.due_date, "Y" if body.override else "N", ",".join(body.override_codes) or None, body.override_note)
    return CheckoutOut(loan_id=loan_id, patron_id=patron_id, copy_id=copy_id, due_at=due_at,
                       overridden=overridden.split(",") if overridden else [])


@router.post("/return", response_model=ReturnOut, dependencies=[Depends(require("CIRC_RETURN"))])
async def return_copy(body: ReturnIn, user: CurrentUser, db: Db) -> ReturnOut:
    """Check a copy in: closes its loan if it has one (else `loan_id` null), charges an overdue fine, traps the
    copy for the next hold, and sends it in transit when this is not where it belongs."""
    (loan_id, copy_id, returned_at, fine_id, amount, hold_id, hold_patron, hold_status, transit_to,
     copy_status) = await db.run_async(
        user, lib_circulation.checkin_desk, body.loan_id, None, body.copy_barcode, body.branch_id,
        body.returned_at, body.condition_grade, body.condition_note or body.condition)
    return ReturnOut(loan_id=loan_id, copy_id=copy_id, returned_at=returned_at,
                     fine={"fine_id": fine_id, "amount": amount} if fine_id else None,
                     hold={"hold_id": hold_id, "patron_id": hold_patron, "status": hold_status} if hold_id else None,
                     transit={"to_branch_id": transit_to} if transit_to else None, copy_status=copy_status)


@router.post("/renew", response_model=RenewOut, dependencies=[Depends(require("CIRC_RENEW"))])
async def renew_loan(body: RenewIn, user: CurrentUser, db: Db) -> RenewOut:
    """Renew a loan at the desk. A refusal lists every failing rule in `error.reasons`. An override (CIRC_OVERRIDE,
    checked by the database) works as at checkout: it needs a note and passes only the overridable reasons
    `override_codes` names (never RENEWAL_TOO_SOON); the answer names them in `overridden`."""
    loan_id, due_at, renewals, overridden = await db.run_async(
        user, lib_circulation.renew_desk, body.loan_id, None, "Y" if body.override else "N",
        ",".join(body.override_codes) or None, body.override_note)
    return RenewOut(loan_id=loan_id, due_at=due_at, renewals=renewals,
                    overridden=overridden.split(",") if overridden else [])


@router.post("/lost", response_model=LostOut, dependencies=[Depends(require("CIRC_RETURN"))])
async def declare_copy_lost(body: LostIn, user: CurrentUser, db: Db) -> LostOut:
    """Declare lost a copy that is not on loan (missing in transit or from the shelf): the copy is LOST, the hold it
    was trapped for goes back to the queue and its open transit is cancelled (no longer listed). Nobody is charged;
    checked in later, it is found. A copy on loan is refused (COPY_ALREADY_ON_LOAN), a lost or withdrawn one too
    (COPY_LOST_OR_WITHDRAWN). An optional `reason` is kept on the copy and in its audit row."""
    (copy_id,) = await db.run_async(user, lib_circulation.mark_copy_lost, body.copy_id, body.copy_barcode,
                                    body.reason)
    return LostOut(copy_id=copy_id, copy_status="LOST")


@router.post("/renew-all", response_model=RenewAllOut, dependencies=[Depends(require("CIRC_RENEW"))])
async def renew_all_loans(body: RenewAllIn, user: CurrentUser, db: Db) -> RenewAllOut:
    """Renew every loan of a patron: the answer says per loan whether it was renewed (new due date) or why not, and
    which of a refused loan's reasons are `overridable`. An override (CIRC_OVERRIDE, checked by the database) applies
    to each loan as to a single renewal: it needs a note, and a loan is renewed only when its failing reasons are all
    overridable and named in `override_codes` (never RENEWAL_TOO_SOON); each renewed loan names them in
    `overridden` and is audited with the codes and the note."""
    patron_id, results = await db.run_async(
        user, lib_circulation.renew_all, body.patron_id, body.patron_barcode, "Y" if body.override else "N",
        ",".join(body.override_codes) or None, body.override_note)
    return RenewAllOut(patron_id=patron_id, results=[RenewAllItem(**x) for x in renew_all_results(results)])


@router.get("/transits", response_model=Page[TransitOut], dependencies=[Depends(require("CIRC_RETURN"))])
async def list_transits(db: Db, branch_id: Annotated[QueryId, Query()],
                        direction: Annotated[Literal["incoming", "outgoing", "both"], Query()] = "both",
                        page: PageNo = 1, page_size: PageSize = PAGE_SIZE) -> Page[TransitOut]:
    """Copies in transit to (incoming) or from (outgoing) a branch, not yet received, oldest first."""
    rows, total = await db.query(
        lambda s: q.open_transits(s, branch_id, direction, page_size, page_offset(page, page_size)))
    return Page[TransitOut](items=rows, total=total, page=page, page_size=page_size)
