"""Reads for the circulation desk: a patron's summary, a scanned copy, a loan's outcome, loan history."""
from __future__ import annotations

from decimal import Decimal

from datalayer.clock import LibraryClock, library_clock
from datalayer.packages import lib_policy
from datalayer.reads import PAGE_SIZE, in_list
from datalayer.session import DbError, Session

PATRON_COLUMNS = """p.patron_id, p.card_number, p.first_name, p.last_name, p.email, p.phone, p.address, p.category,
                    p.home_branch_id, b.name AS home_branch, p.status, p.status_reason, p.status_changed_at,
                    p.registered_at, p.expires_on, p.user_id"""


def branches(s: Session, active_only: bool = True) -> list[dict]:
    where = " WHERE is_active = 'Y'" if active_only else ""
    return s.rows(f"SELECT branch_id, code, name FROM branches{where} ORDER BY name")


def default_branch_id(s: Session) -> int | None:
    return s.scalar("""SELECT branch_id FROM branches WHERE is_active = 'Y'
                        ORDER BY CASE WHEN code = 'MAIN' THEN 0 ELSE 1 END, branch_id FETCH FIRST 1 ROWS ONLY""")


def patron(s: Session, patron_id: int) -> dict | None:
    return s.one(f"""SELECT {PATRON_COLUMNS} FROM patrons p JOIN branches b ON b.branch_id = p.home_branch_id
                     WHERE p.patron_id = :p""", {"p": patron_id})


def patron_by_card(s: Session, card: str) -> dict | None:
    return s.one(f"""SELECT {PATRON_COLUMNS} FROM patrons p JOIN branches b ON b.branch_id = p.home_branch_id
                     WHERE p.card_number = :c""", {"c": card})


def current_loans(s: Session, patron_id: int, clock: LibraryClock) -> list[dict]:
    rows = s.rows("""SELECT v.loan_id, v.copy_id, v.barcode, v.material_id, v.title, v.material_type, v.checkout_at,
                            v.due_at, v.renewals, v.status
                       FROM patron_current_loans_v v WHERE v.patron_id = :p ORDER BY v.due_at, v.loan_id""",
                  {"p": patron_id})
    for r in rows:
        r["overdue_days"] = clock.days_late(r["due_at"])  # library days, as the fine counts them
    return rows


def open_holds(s: Session, patron_id: int) -> list[dict]:
    return s.rows("""SELECT q.hold_id, q.material_id, q.title, q.status, q.placed_at, q.expires_at, q.queue_position,
                            q.copy_id, b.name AS pickup_branch
                       FROM hold_queue_v q JOIN branches b ON b.branch_id = q.pickup_branch_id
                      WHERE q.patron_id = :p ORDER BY q.placed_at, q.hold_id""", {"p": patron_id})


def open_fines(s: Session, patron_id: int) -> list[dict]:
    rows = s.rows("""SELECT f.fine_id, f.loan_id, f.fine_type, f.amount, f.amount_paid, f.status, f.assessed_at,
                            f.description, m.title
                       FROM fines f LEFT JOIN loans l ON l.loan_id = f.loan_id
                       LEFT JOIN copies c ON c.copy_id = l.copy_id
                       LEFT JOIN materials m ON m.material_id = c.material_id
                      WHERE f.patron_id = :p AND f.status = 'OPEN' ORDER BY f.assessed_at, f.fine_id""",
                  {"p": patron_id})
    for r in rows:
        r["owed"] = Decimal(str(r["amount"])) - Decimal(str(r["amount_paid"]))
    return rows


def policy_limits(s: Session, p: dict) -> dict | None:
    """The policy for the patron's books at their home branch: its loan limit and fine threshold."""
    try:
        with s.savepoint("policy"):
            policy_id = lib_policy.policy_for(s, p["home_branch_id"], p["category"], "BOOK")
    except DbError:
        return None
    return s.one("SELECT loan_limit, fine_block_threshold, hold_limit FROM circ_policies WHERE policy_id = :i",
                 {"i": policy_id})


def summary(s: Session, patron_id: int, clock: LibraryClock | None = None) -> dict | None:
    """Everything the desk shows about a patron: record, loans, holds, fines and what blocks them."""
    p = patron(s, patron_id)
    if p is None:
        return None
    clock = clock or library_clock(s)
    loans = current_loans(s, patron_id, clock)
    holds = open_holds(s, patron_id)
    fines = open_fines(s, patron_id)
    balance = sum((f["owed"] for f in fines), Decimal("0"))
    limits = policy_limits(s, p)
    blocks: list[str] = []
    if p["status"] == "SUSPENDED":
        blocks.append(f"Suspended: {p['status_reason'] or 'no reason given'}")
    elif p["status"] == "DELETED":
        blocks.append("The patron record is closed")
    if p["status"] == "EXPIRED" or (p["expires_on"] and p["expires_on"].date() < clock.today):
        blocks.append(f"Card expired on {p['expires_on']:%Y-%m-%d}")
    if limits:
        threshold = Decimal(str(limits["fine_block_threshold"]))
        if balance > 0 and balance >= threshold:
            blocks.append(f"Owes ${balance:,.2f}, at or above the ${threshold:,.2f} block threshold")
        if len(loans) >= limits["loan_limit"]:
            blocks.append(f"Loan limit reached ({len(loans)} of {limits['loan_limit']})")
    return {"patron": p, "loans": loans, "holds": holds, "fines": fines, "balance": balance, "limits": limits,
            "blocks": blocks, "overdue": sum(1 for r in loans if r["overdue_days"] > 0),
            "ready": sum(1 for h in holds if h["status"] == "READY")}


def copy_by_barcode(s: Session, barcode: str) -> dict | None:
    return s.one("""SELECT c.copy_id, c.barcode, c.status, c.branch_id, b.name AS branch_name, c.shelf_location,
                           m.material_id, m.title, m.material_type
                      FROM copies c JOIN materials m ON m.material_id = c.material_id
                      JOIN branches b ON b.branch_id = c.branch_id
                     WHERE c.barcode = :b""", {"b": barcode})


def scanned(s: Session, barcode: str | None = None, loan_id: int | None = None) -> dict | None:
    """A copy as the desk shows it before a scan's call (by barcode, or the copy of a loan), with its open
    loan if any (loan_id, patron_id, borrower's name, due_at): the call's own answer comes from its OUT
    parameters, this is only what the page prints beside it."""
    where, binds = ("c.barcode = :k", {"k": barcode}) if loan_id is None else \
        ("c.copy_id = (SELECT k.copy_id FROM loans k WHERE k.loan_id = :k)", {"k": loan_id})
    return s.one(f"""SELECT c.copy_id, c.barcode, c.status, c.branch_id, b.name AS branch_name, c.shelf_location,
                            m.material_id, m.title, m.material_type, m.cover_image, l.loan_id, l.patron_id, l.due_at, l.renewals,
                            p.first_name, p.last_name, p.card_number
                       FROM copies c JOIN materials m ON m.material_id = c.material_id
                       JOIN branches b ON b.branch_id = c.branch_id
                       LEFT JOIN loans l ON l.copy_id = c.copy_id AND l.status IN ('ACTIVE', 'LOST')
                       LEFT JOIN patrons p ON p.patron_id = l.patron_id
                      WHERE {where}
                      ORDER BY l.checkout_at DESC FETCH FIRST 1 ROWS ONLY""", binds)


def copies_of(s: Session, material_ids: list[int]) -> dict[int, list[dict]]:
    """The copies of these titles (withdrawn ones too, as the desk may be handed one), each with its branch and
    its open loan if any (borrower's name and card, due date): {material_id: [copy, ...]}."""
    if not material_ids:
        return {}
    ids, binds = in_list("m", material_ids)
    out: dict[int, list[dict]] = {m: [] for m in material_ids}
    for r in s.rows(f"""SELECT c.material_id, c.copy_id, c.barcode, c.status, c.branch_id, b.name AS branch_name,
                               c.shelf_location, l.loan_id, l.patron_id, l.due_at, p.first_name, p.last_name,
                               p.card_number
                          FROM copies c JOIN branches b ON b.branch_id = c.branch_id
                          LEFT JOIN loans l ON l.copy_id = c.copy_id AND l.status IN ('ACTIVE', 'LOST')
                          LEFT JOIN patrons p ON p.patron_id = l.patron_id
                         WHERE c.material_id IN {ids}
                         ORDER BY c.material_id, b.name, c.barcode""", binds):
        out[r["material_id"]].append(r)
    return out


def copy_of_hold(s: Session, hold_id: int) -> dict | None:
    """The copy a hold has taken (trapped or in transit to its pickup branch), as scanned() reads it."""
    barcode = s.scalar("""SELECT c.barcode FROM holds h JOIN copies c ON c.copy_id = h.copy_id
                           WHERE h.hold_id = :h""", {"h": hold_id})
    return scanned(s, barcode=barcode) if barcode else None


def loan(s: Session, loan_id: int) -> dict | None:
    return s.one("""SELECT l.loan_id, l.status, l.checkout_at, l.due_at, l.returned_at, l.renewals, l.patron_id,
                           p.first_name, p.last_name, p.card_number, c.copy_id, c.barcode, c.status AS copy_status,
                           m.title, m.material_id, m.cover_image
                      FROM loans l JOIN patrons p ON p.patron_id = l.patron_id
                      JOIN copies c ON c.copy_id = l.copy_id JOIN materials m ON m.material_id = c.material_id
                     WHERE l.loan_id = :l""", {"l": loan_id})


def hold_for_slip(s: Session, hold_id: int) -> dict | None:
    return s.one("""SELECT h.hold_id, h.status, h.expires_at, h.copy_id, h.pickup_branch_id, b.name AS pickup_branch,
                           p.patron_id, p.first_name, p.last_name, p.card_number, p.phone, p.email, m.title
                      FROM holds h JOIN patrons p ON p.patron_id = h.patron_id
                      JOIN branches b ON b.branch_id = h.pickup_branch_id
                      JOIN materials m ON m.material_id = h.material_id
                     WHERE h.hold_id = :h""", {"h": hold_id})


def history(s: Session, *, patron_id: int | None = None, copy_id: int | None = None, limit: int = PAGE_SIZE,
            offset: int = 0) -> tuple[list[dict], int]:
    """Loans of a patron or of a copy, newest first."""
    if patron_id is None and copy_id is None:
        return [], 0
    where, binds = ("l.patron_id = :k", {"k": patron_id}) if patron_id is not None else ("l.copy_id = :k", {"k": copy_id})
    total = s.scalar(f"SELECT COUNT(*) FROM loans l WHERE {where}", binds) or 0
    rows = s.rows(f"""SELECT l.loan_id, l.status, l.checkout_at, l.due_at, l.returned_at, l.renewals, l.overridden,
                             p.patron_id, p.first_name, p.last_name, c.barcode, m.title, b.name AS branch_name
                        FROM loans l JOIN patrons p ON p.patron_id = l.patron_id
                        JOIN copies c ON c.copy_id = l.copy_id JOIN materials m ON m.material_id = c.material_id
                        JOIN branches b ON b.branch_id = l.branch_id
                       WHERE {where}
                       ORDER BY l.checkout_at DESC, l.loan_id DESC OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY""",
                  {**binds, "off": offset, "lim": limit})
    return rows, int(total)
