"""The circulation desk: /api/circulation (checkout, return, renew)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from fastapi import APIRouter, Depends

from api.deps import CurrentUser, Db, require
from api.errors import responses
from api.models.circulation import CheckoutIn, CheckoutOut, RenewIn, RenewOut, ReturnIn, ReturnOut
from datalayer.session import Out, Session

router = APIRouter(prefix="/api/circulation", tags=["circulation"], responses=responses(401, 403, 404, 409, 422))


@router.post("/checkout", response_model=CheckoutOut, status_code=201, dependencies=[Depends(require("CIRC_CHECKOUT"))])
async def checkout_copy(body: CheckoutIn, user: CurrentUser, db: Db) -> CheckoutOut:
    """Check a copy out to a patron (override needs CIRC_OVERRIDE, checked by the database)."""
    override = "Y" if body.override else "N"

    def work(s: Session) -> CheckoutOut:
        if body.patron_barcode is not None and body.copy_barcode is not None:
            loan_id, due_at = s.call("lib_circulation.checkout_by_barcode", body.patron_barcode, body.copy_barcode,
                                     body.due_date, override, Out(int), Out(datetime))
            loan = s.one("SELECT patron_id, copy_id FROM loans WHERE loan_id = :l", {"l": loan_id})
            return CheckoutOut(loan_id=loan_id, patron_id=loan["patron_id"], copy_id=loan["copy_id"], due_at=due_at)
        # a scanned barcode on one side only: an unknown one reaches the package as NULL (not found)
        patron_id = body.patron_id if body.patron_barcode is None else s.scalar(
            "SELECT patron_id FROM patrons WHERE card_number = :c", {"c": body.patron_barcode})
        copy_id = body.copy_id if body.copy_barcode is None else s.scalar(
            "SELECT copy_id FROM copies WHERE barcode = :b", {"b": body.copy_barcode})
        loan_id, due_at = s.call("lib_circulation.checkout", patron_id, copy_id, body.due_date, override,
                                 Out(int), Out(datetime))
        return CheckoutOut(loan_id=loan_id, patron_id=patron_id, copy_id=copy_id, due_at=due_at)
    return await db.transact(user, work)


@router.post("/return", response_model=ReturnOut, dependencies=[Depends(require("CIRC_RETURN"))])
async def return_copy(body: ReturnIn, user: CurrentUser, db: Db) -> ReturnOut:
    """Check a copy in: closes the loan, charges an overdue fine, traps the copy for the next hold."""
    def work(s: Session) -> ReturnOut:
        if body.loan_id is not None:
            loan_id = body.loan_id
            fine_id, amount, hold_id = s.call("lib_circulation.checkin_loan", loan_id, body.branch_id,
                                              body.returned_at, body.condition, Out(int), Out(Decimal), Out(int))
        else:
            loan_id, fine_id, amount, hold_id = s.call(
                "lib_circulation.checkin_by_barcode", body.copy_barcode, body.branch_id, body.returned_at,
                body.condition, Out(int), Out(int), Out(Decimal), Out(int))
        loan = s.one("SELECT copy_id, returned_at FROM loans WHERE loan_id = :l", {"l": loan_id}) if loan_id else None
        hold = s.one("SELECT hold_id, patron_id, status FROM holds WHERE hold_id = :h", {"h": hold_id}) if hold_id else None
        return ReturnOut(loan_id=loan_id, copy_id=loan["copy_id"] if loan else None,
                         returned_at=loan["returned_at"] if loan else None,
                         fine={"fine_id": fine_id, "amount": amount} if fine_id else None, hold=hold)
    return await db.transact(user, work)


@router.post("/renew", response_model=RenewOut, dependencies=[Depends(require("CIRC_RENEW"))])
async def renew_loan(body: RenewIn, user: CurrentUser, db: Db) -> RenewOut:
    """Renew a loan at the desk."""
    due_at, renewals = await db.transact(user, lambda s: s.call(
        "lib_circulation.renew", body.loan_id, Out(datetime), Out(int)))
    return RenewOut(loan_id=body.loan_id, due_at=due_at, renewals=renewals)
