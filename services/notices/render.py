"""What a notice of the outbox says: its template (notice_templates, the NOTICE_LANGUAGE row, else English)
rendered in a Jinja2 sandbox with the notice's data, plain text and HTML, the branch's name and address in
the footer and a signed one-click unsubscribe link (links.py).

render(s, notice_id) -> Mail, or None when there is nothing to send: the patron has no e-mail, their address
was marked undeliverable, or they turned the type off (a digest keeps only the lines they still want).
A template an IT admin broke raises jinja2.TemplateError: the sender records it as the notice's failure.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from datalayer.packages import lib_fines, lib_notices
from datalayer.session import Session
from services.notices import links

DEFAULT_LANGUAGE = "en"
# notice types whose rows hold loans listed in notice_items, or one loan (rows written before the digest)
DIGEST_TYPES = ("LOAN_DIGEST", "DUE_SOON", "OVERDUE")


@dataclass(frozen=True)
class Mail:
    to_address: str
    to_name: str
    subject: str
    text: str
    html: str
    notice_type: str
    patron_id: int
    # extra headers for the message, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058)
    headers: tuple[tuple[str, str], ...] = ()
    unsubscribe_url: str | None = None


_TEXT = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False)
_HTML = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def check(source: str) -> None:
    """TemplateSyntaxError when the text does not parse (the staff page checks before saving)."""
    _TEXT.parse(source)


def render_parts(subject: str, text: str, html: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) of the three templates with the context; the subject on one line."""
    out_subject = " ".join(_TEXT.from_string(subject).render(context).split())
    return out_subject, _TEXT.from_string(text).render(context).strip() + "\n", _HTML.from_string(html).render(context)


# ---- reading a notice ------------------------------------------------------------------------------

def _zone(s: Session) -> ZoneInfo:
    name = s.scalar("SELECT value FROM app_settings WHERE name = 'LIBRARY_TIME_ZONE'") or "UTC"
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _day(value: datetime | date | None, zone: ZoneInfo) -> date | None:
    """The library day of a UTC instant (days stored at midnight stay as they are)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc).astimezone(zone).date()
    return value


def _money(value: Any) -> str:
    return f"{Decimal(str(value or 0)):.2f}"


def _branch(s: Session, branch_id: int | None) -> dict:
    row = s.one("SELECT name, address, phone, email FROM branches WHERE branch_id = :b", {"b": branch_id})
    return row or {"name": "", "address": None, "phone": None, "email": None}


def _template(s: Session, notice_type: str) -> dict:
    language = s.scalar("SELECT value FROM app_settings WHERE name = 'NOTICE_LANGUAGE'") or DEFAULT_LANGUAGE
    kind = "LOAN_DIGEST" if notice_type in DIGEST_TYPES else notice_type
    rows = s.rows("SELECT language_code, subject, body_text, body_html FROM notice_templates "
                  "WHERE notice_type = :t AND (language_code = :l OR language_code = :d)",
                  {"t": kind, "l": language, "d": DEFAULT_LANGUAGE})
    chosen = [r for r in rows if r["language_code"] == language] or rows
    if not chosen:
        raise TemplateError(f"no template for {kind} in {language} or {DEFAULT_LANGUAGE}")
    return chosen[0]


def _wants(s: Session, patron_id: int, kind: str) -> bool:
    return bool(lib_notices.wants(s, patron_id, kind))


def _digest(s: Session, notice: dict, zone: ZoneInfo) -> tuple[list[dict], list[dict], int | None]:
    """(overdue lines, due-soon lines, branch of the loans) the patron still wants."""
    if notice["notice_type"] == "LOAN_DIGEST":
        rows = s.rows("""SELECT i.item_type, i.overdue_level, l.due_at, l.branch_id, c.barcode, m.title
                           FROM notice_items i
                           JOIN loans l ON l.loan_id = i.loan_id
                           JOIN copies c ON c.copy_id = l.copy_id
                           JOIN materials m ON m.material_id = c.material_id
                          WHERE i.notice_id = :n
                          ORDER BY l.due_at, i.loan_id""", {"n": notice["notice_id"]})
    else:  # one loan, from before the digest
        rows = s.rows("""SELECT :t AS item_type, 1 AS overdue_level, l.due_at, l.branch_id, c.barcode, m.title
                           FROM loans l
                           JOIN copies c ON c.copy_id = l.copy_id
                           JOIN materials m ON m.material_id = c.material_id
                          WHERE l.loan_id = :l""", {"t": notice["notice_type"], "l": notice["loan_id"]})
    wanted = {k for k in ("DUE_SOON", "OVERDUE") if _wants(s, notice["patron_id"], k)}
    overdue, due_soon = [], []
    notice_day = _day(notice["notice_day"], zone)
    for r in rows:
        if r["item_type"] not in wanted:
            continue
        due_day = _day(r["due_at"], zone)
        line = {"title": r["title"], "barcode": r["barcode"], "due_day": due_day,
                "level": int(r["overdue_level"] or 0), "days_overdue": max((notice_day - due_day).days, 0)}
        (overdue if r["item_type"] == "OVERDUE" else due_soon).append(line)
    return overdue, due_soon, (rows[0]["branch_id"] if rows else None)


def context_of(s: Session, notice: dict, patron: dict) -> dict[str, Any] | None:
    """The template context of a notice, None when nothing of it is left to tell."""
    zone = _zone(s)
    kind = notice["notice_type"]
    ctx: dict[str, Any] = {"patron": {k: patron[k] for k in ("first_name", "last_name", "card_number", "email")},
                           "notice_day": _day(notice["notice_day"], zone)}
    branch_id = patron["home_branch_id"]
    if kind in DIGEST_TYPES:
        overdue, due_soon, loan_branch = _digest(s, notice, zone)
        if not overdue and not due_soon:
            return None
        ctx.update(overdue=overdue, due_soon=due_soon)
        branch_id = loan_branch or branch_id
    elif kind in ("HOLD_READY", "HOLD_EXPIRED"):
        h = s.one("""SELECT h.pickup_branch_id, h.expires_at, h.ready_at, m.title, b.name AS pickup_branch
                       FROM holds h
                       JOIN materials m ON m.material_id = h.material_id
                       JOIN branches b ON b.branch_id = h.pickup_branch_id
                      WHERE h.hold_id = :h""", {"h": notice["hold_id"]})
        if h is None:
            return None
        ctx["hold"] = {"title": h["title"], "pickup_branch": h["pickup_branch"],
                       "last_pickup_day": _day(h["expires_at"], zone), "ready_day": _day(h["ready_at"], zone)}
        branch_id = h["pickup_branch_id"]
    elif kind in ("CHECKOUT_RECEIPT", "RETURN_RECEIPT"):
        lo = s.one("""SELECT l.checkout_at, l.due_at, l.returned_at, l.branch_id, l.return_branch_id, c.barcode,
                             m.title
                        FROM loans l
                        JOIN copies c ON c.copy_id = l.copy_id
                        JOIN materials m ON m.material_id = c.material_id
                       WHERE l.loan_id = :l""", {"l": notice["loan_id"]})
        if lo is None:
            return None
        ctx["loan"] = {"title": lo["title"], "barcode": lo["barcode"], "checkout_day": _day(lo["checkout_at"], zone),
                       "due_day": _day(lo["due_at"], zone), "return_day": _day(lo["returned_at"], zone)}
        branch_id = (lo["return_branch_id"] if kind == "RETURN_RECEIPT" else None) or lo["branch_id"]
    elif kind == "FINE_CHARGED":
        f = s.one("SELECT fine_type, amount, description, loan_id FROM fines WHERE fine_id = :f",
                  {"f": notice["subject_id"]})
        if f is None:
            return None
        balance = lib_fines.balance(s, notice["patron_id"])
        ctx["fine"] = {"fine_type": f["fine_type"], "amount": _money(f["amount"]),
                       "description": f["description"] or f["fine_type"].title(), "balance": _money(balance)}
    elif kind == "CARD_EXPIRING":
        ctx["card"] = {"expires_on": _day(patron["expires_on"], zone)}
    else:
        return None
    ctx["branch"] = _branch(s, branch_id)
    return ctx


class NothingToSend(Exception):
    """The notice is not to be sent; the message is the reason the sender records on it (SKIPPED)."""


def render(s: Session, notice_id: int) -> Mail | None:
    """The mail of a notice. Raises NothingToSend (with the reason) when it is not to be sent: no address,
    an undeliverable one, the patron opted out, or what it was about is gone."""
    notice = s.one("SELECT notice_id, notice_type, patron_id, loan_id, hold_id, subject_id, notice_day "
                   "FROM notices WHERE notice_id = :n", {"n": notice_id})
    if notice is None:
        raise NothingToSend("no such notice")
    patron = s.one("""SELECT first_name, last_name, card_number, email, home_branch_id, expires_on,
                             email_undeliverable_at
                        FROM patrons WHERE patron_id = :p""", {"p": notice["patron_id"]})
    if patron is None or not (patron["email"] or "").strip():
        raise NothingToSend("the patron has no e-mail address")
    if patron["email_undeliverable_at"] is not None:
        raise NothingToSend("the patron's e-mail address is undeliverable")
    kind = notice["notice_type"]
    if kind not in DIGEST_TYPES and not _wants(s, notice["patron_id"], kind):
        raise NothingToSend(f"the patron opted out of {kind}")
    ctx = context_of(s, notice, patron)
    if ctx is None:
        raise NothingToSend("nothing left to tell: what the notice was about has gone")
    unsubscribe_type = "LOAN_DIGEST" if kind in DIGEST_TYPES else kind
    unsubscribe = links.url(notice["patron_id"], unsubscribe_type)
    ctx["unsubscribe_url"] = unsubscribe
    tpl = _template(s, kind)
    subject, text, html = render_parts(tpl["subject"], tpl["body_text"], tpl["body_html"], ctx)
    return Mail(to_address=patron["email"].strip(), to_name=f"{patron['first_name']} {patron['last_name']}",
                subject=subject, text=text, html=html, notice_type=kind, patron_id=notice["patron_id"],
                headers=(("List-Unsubscribe", f"<{unsubscribe}>"),
                         ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")),
                unsubscribe_url=unsubscribe)


# ---- preview on sample data (the staff template page) ------------------------------------------------

def sample_context(notice_type: str, branch: dict | None = None) -> dict[str, Any]:
    """Made-up data of every field a template of the type may use."""
    today = date.today()
    from datetime import timedelta
    line = {"title": "The Garden of Forking Paths", "barcode": "C000123", "due_day": today - timedelta(days=8),
            "level": 2, "days_overdue": 8}
    ctx: dict[str, Any] = {
        "patron": {"first_name": "Ada", "last_name": "Reader", "card_number": "P0001234", "email": "ada@example.org"},
        "notice_day": today,
        "branch": branch or {"name": "Main Library", "address": "1 Library Square", "phone": None, "email": None},
        "unsubscribe_url": "https://library.example.org/api/notices/unsubscribe/sample",
        "hold": {"title": "Ficciones", "pickup_branch": (branch or {}).get("name") or "Main Library",
                 "last_pickup_day": today + timedelta(days=7), "ready_day": today},
        "loan": {"title": "Labyrinths", "barcode": "C000456", "checkout_day": today,
                 "due_day": today + timedelta(days=21), "return_day": today},
        "fine": {"fine_type": "OVERDUE", "amount": "2.50", "description": "Overdue loan 4711", "balance": "4.75"},
        "card": {"expires_on": today + timedelta(days=30)},
        "overdue": [line],
        "due_soon": [{**line, "title": "The Aleph", "barcode": "C000789", "due_day": today + timedelta(days=2),
                      "level": 0, "days_overdue": 0}],
    }
    return ctx


def preview(notice_type: str, subject: str, text: str, html: str, branch: dict | None = None) -> tuple[str, str, str]:
    """Render templates on sample data; raises TemplateError (syntax, unknown field, sandbox refusal)."""
    return render_parts(subject, text, html, sample_context(notice_type, branch))
