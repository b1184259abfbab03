"""A patron's notice preferences: every type with its label and whether it is on (lib_notices.wants holds
the defaults: receipts off, the rest on). Writes go through lib_notices.set_preference."""
from __future__ import annotations

from datalayer.packages import lib_notices
from datalayer.session import Session

# preference type -> what the patron reads
TYPES: dict[str, str] = {
    "HOLD_READY": "A hold is ready for pickup",
    "HOLD_EXPIRED": "A hold expired before it was collected",
    "DUE_SOON": "Loans due soon (in the daily summary)",
    "OVERDUE": "Overdue loans (in the daily summary)",
    "FINE_CHARGED": "A fine or charge is added",
    "CARD_EXPIRING": "The library card expires soon",
    "CHECKOUT_RECEIPT": "Receipt for each checkout",
    "RETURN_RECEIPT": "Receipt for each return",
}


def of_patron(s: Session, patron_id: int) -> list[dict]:
    """[{notice_type, label, enabled}] for every type, in the order of TYPES."""
    return [{"notice_type": t, "label": label, "enabled": bool(lib_notices.wants(s, patron_id, t))}
            for t, label in TYPES.items()]


def save(s: Session, patron_id: int, choices: dict[str, bool]) -> None:
    for notice_type, enabled in choices.items():
        lib_notices.set_preference(s, patron_id, notice_type, "Y" if enabled else "N")


def delivery_state(s: Session, patron_id: int) -> dict | None:
    """The patron's address and whether the mail provider marked it undeliverable."""
    return s.one("SELECT email, email_undeliverable_at, email_undeliverable_reason FROM patrons "
                 "WHERE patron_id = :p", {"p": patron_id})
