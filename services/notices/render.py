"""What a notice of the outbox says: `render(s, notice_id)` -> a Mail, or None when there is nothing to send.

The sender worker (workers/sender.py) calls it for each notice it claimed, in a read transaction. The
contract, kept by whoever changes the body (templates, preferences, undeliverable addresses):
- it only reads (the application role may SELECT every table);
- it returns None, or raises NothingToSend(reason), when nothing is to be sent (no e-mail address, the
  patron opted out, the address is undeliverable): the sender marks the notice SKIPPED with the reason
  (for None: "nothing to send");
- any other exception is a failure of this attempt, retried later like a provider's 5xx.

This first version says one fixed text per notice type, from the notice's loan or hold and patron rows.
"""
from __future__ import annotations

import html as _html
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from datalayer.session import Session


@dataclass(frozen=True)
class Mail:
    """One e-mail to one patron."""
    to_address: str
    to_name: str
    subject: str
    text: str
    html: str
    notice_type: str
    patron_id: int


class NothingToSend(Exception):
    """The notice is not to be sent; the message is the reason recorded on it (SKIPPED)."""


_NOTICE = """SELECT n.notice_id, n.notice_type, n.patron_id, n.loan_id, n.hold_id,
                    p.first_name, p.last_name, p.email
               FROM notices n JOIN patrons p ON p.patron_id = n.patron_id
              WHERE n.notice_id = :n"""
_LOAN = """SELECT m.title, l.due_at, b.name AS branch_name, b.address AS branch_address
             FROM loans l JOIN copies c ON c.copy_id = l.copy_id JOIN materials m ON m.material_id = c.material_id
             JOIN branches b ON b.branch_id = l.branch_id
            WHERE l.loan_id = :id"""
_HOLD = """SELECT m.title, h.expires_at, b.name AS branch_name, b.address AS branch_address
             FROM holds h JOIN materials m ON m.material_id = h.material_id
             JOIN branches b ON b.branch_id = h.pickup_branch_id
            WHERE h.hold_id = :id"""


def _day(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if isinstance(value, datetime) else str(value or "")


def _say(notice_type: str, about: dict[str, Any]) -> tuple[str, list[str]]:
    """(subject, paragraphs) of a notice type."""
    title = about.get("title") or "your item"
    if notice_type == "HOLD_READY":
        return (f"Ready for pickup: {title}",
                [f"The item you reserved, \"{title}\", is waiting for you at {about.get('branch_name')}.",
                 f"Please pick it up by {_day(about.get('expires_at'))}."])
    if notice_type == "DUE_SOON":
        return (f"Due soon: {title}",
                [f"\"{title}\" is due back on {_day(about.get('due_at'))}.",
                 "Renew it in the portal or bring it back to any branch."])
    if notice_type == "OVERDUE":
        return (f"Overdue: {title}",
                [f"\"{title}\" was due back on {_day(about.get('due_at'))} and is overdue.",
                 "Please bring it back: fines accrue for each day it stays out."])
    return ("A notice from your library", [f"There is news about \"{title}\" in your library account."])


def render(s: Session, notice_id: int) -> Mail | None:
    """The e-mail of a notice, or None (or NothingToSend) when there is nothing to send."""
    n = s.one(_NOTICE, {"n": notice_id})
    if n is None:
        raise NothingToSend("the notice is gone")
    address = (n["email"] or "").strip()
    if not address:
        raise NothingToSend("the patron has no e-mail address")
    about: dict[str, Any] = {}
    if n["loan_id"] is not None:
        about = s.one(_LOAN, {"id": n["loan_id"]}) or {}
    elif n["hold_id"] is not None:
        about = s.one(_HOLD, {"id": n["hold_id"]}) or {}
    name = f"{n['first_name']} {n['last_name']}".strip()
    subject, paragraphs = _say(n["notice_type"], about)
    footer = " ".join(x for x in (about.get("branch_name"), about.get("branch_address")) if x)
    text = "\n\n".join([f"Dear {name},", *paragraphs, "Your library" + (f"\n{footer}" if footer else "")]) + "\n"
    body = "".join(f"<p>{_html.escape(p)}</p>" for p in [f"Dear {name},", *paragraphs])
    html = (f"<!doctype html><html><body>{body}<p>Your library</p>"
            + (f"<p><small>{_html.escape(footer)}</small></p>" if footer else "") + "</body></html>")
    return Mail(to_address=address, to_name=name, subject=subject, text=text, html=html,
                notice_type=n["notice_type"], patron_id=int(n["patron_id"]))
