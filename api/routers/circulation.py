"""The circulation desk: /api/circulation (checkout, return, renew)."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from api.deps import CurrentUser, Db, require
from api.errors import responses
from api.models.circulation import CheckoutIn, CheckoutOut, RenewIn, RenewOut, ReturnIn, ReturnOut
from datalayer.packages import lib_circulation

router = APIRouter(prefix="/api/circulation", tags=["circulation"], responses=responses(401, 403, 404, 409, 422))



@router.post("/checkout", response_model=CheckoutOut, status_code=201, dependencies=[Depends(require("CIRC_CHECKOUT"))])
async def checkout_copy(body: CheckoutIn, user: CurrentUser, db: Db) -> CheckoutOut:
    """Check a copy out to a patron (override needs CIRC_OVERRIDE, checked by the database); each side by id
    or by barcode, resolved by the package."""
    loan_id, patron_id, copy_id, due_at, overridden = await db.run_async(
        user, lib_circulation.checkout_desk, body.patron_id, body.patron_barcode, body.copy_id, body.copy_barcode,
        body.due_date, "Y" if body.override else "N")
    return CheckoutOut(loan_id=loan_id, patron_id=patron_id, copy_id=copy_id, due_at=due_at,
                       overridden=overridden.split(",") if overridden else [])


@router.post("/return", response_model=ReturnOut, dependencies=[Depends(require("CIRC_RETURN"))])
async def return_copy(body: ReturnIn, user: CurrentUser, db: Db) -> ReturnOut:
    """Check a copy in: closes the loan, charges an overdue fine, traps the copy for the next hold."""
    loan_id, copy_id, returned_at, fine_id, amount, hold_id, hold_patron, hold_status = await db.run_async(
        user, lib_circulation.checkin_desk, body.loan_id, None, body.copy_barcode, body.branch_id,
        body.returned_at, body.condition_grade, body.condition_note or body.condition)
    return ReturnOut(loan_id=loan_id, copy_id=copy_id, returned_at=returned_at,
                     fine={"fine_id": fine_id, "amount": amount} if fine_id else None,
                     hold={"hold_id": hold_id, "patron_id": hold_patron, "status": hold_status} if hold_id else None)


@router.post("/renew", response_model=RenewOut, dependencies=[Depends(require("CIRC_RENEW"))])
async def renew_loan(body: RenewIn, user: CurrentUser, db: Db) -> RenewOut:
    """Renew a loan at the desk."""
    due_at, renewals = await db.run_async(user, lib_circulation.renew, body.loan_id)
    return RenewOut(loan_id=body.loan_id, due_at=due_at, renewals=renewals)
