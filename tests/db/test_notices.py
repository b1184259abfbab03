"""Notices written as things happen (in the event's transaction), preferences, undeliverable addresses,
templates, and what services.notices.render makes of an outbox row."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from datalayer.session import DbError, Out
from services.notices import links
from services.notices.render import NothingToSend, render
from tests.db.conftest import refused
from tests.db.desk import CirculationDesk
from tests.factories import today

NOTICE_TYPE_UNKNOWN = -20980
INVALID_NOTICE_TEMPLATE = -20982
PERMISSION_DENIED = -20411


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("ILS_NOTICE_SECRET", "a-test-secret-of-enough-length")


def notices(db, patron_id: int, kind: str | None = None) -> list[dict]:
    return db.rows("SELECT * FROM notices WHERE patron_id = :p AND (:k = 'ANY' OR notice_type = :k) "
                   "ORDER BY notice_id", {"p": patron_id, "k": kind or "ANY"})


def held_copy_returned(desk: CirculationDesk) -> tuple[int, int, int]:
    """A copy on loan to one patron with another's hold on its title, checked in: (hold, holder, copy)."""
    material = desk.f.material(title="The Hold Shelf")
    copy = desk.copy(material)
    desk.checkout(desk.patron(), copy)
    holder = desk.patron()
    hold = desk.place_hold(holder, material)
    return hold, holder, copy


def test_a_hold_trapped_at_check_in_writes_hold_ready_in_the_same_transaction(db):
    desk = CirculationDesk(db)
    hold, holder, copy = held_copy_returned(desk)
    assert notices(db, holder) == []
    *_, trapped = desk.checkin(copy)
    assert trapped == hold
    [n] = notices(db, holder)
    assert (n["notice_type"], n["hold_id"], n["subject_id"], n["loan_id"], n["status"]) == \
        ("HOLD_READY", hold, hold, None, "PENDING")
    assert n["notice_day"] == today()


def test_a_check_in_rolled_back_leaves_no_notice(db):
    desk = CirculationDesk(db)
    hold, holder, copy = held_copy_returned(desk)
    with pytest.raises(DbError):
        with db.savepoint("checkin"):
            desk.checkin(copy)
            assert len(notices(db, holder, "HOLD_READY")) == 1
            db.call("lib_err.raise_error", "INVALID_ARGUMENT", "the desk fails after the trap")
    assert notices(db, holder) == []
    assert db.scalar("SELECT status FROM holds WHERE hold_id = :h", {"h": hold}) == "PENDING"


def test_a_patron_who_turned_hold_ready_off_gets_no_notice(db):
    desk = CirculationDesk(db)
    hold, holder, copy = held_copy_returned(desk)
    db.call("lib_notices.set_preference", holder, "HOLD_READY", "N")
    desk.checkin(copy)
    assert db.scalar("SELECT status FROM holds WHERE hold_id = :h", {"h": hold}) == "READY"
    assert notices(db, holder) == []


def test_receipts_only_when_asked_for_and_a_fine_at_return(db):
    desk = CirculationDesk(db)
    quiet, asked = desk.patron(), desk.patron()
    db.call("lib_notices.set_preference", asked, "CHECKOUT_RECEIPT", "Y")
    db.call("lib_notices.set_preference", asked, "RETURN_RECEIPT", "Y")
    for p in (quiet, asked):
        copy = desk.copy()
        loan, _ = desk.checkout(p, copy)
        desk.due_days_ago(loan, 4)
        _, fine_id, amount, _ = desk.checkin(copy)
        assert amount > 0
        kinds = [(n["notice_type"], n["subject_id"]) for n in notices(db, p)]
        expected = [("FINE_CHARGED", fine_id)]
        if p == asked:
            expected = [("CHECKOUT_RECEIPT", loan), ("RETURN_RECEIPT", loan), ("FINE_CHARGED", fine_id)]
        assert kinds == expected


def test_a_manual_charge_and_an_expired_hold_write_their_notices(db):
    desk = CirculationDesk(db, role="BRANCH_MANAGER")
    patron = desk.patron()
    fine = desk.charge(patron, "3.00")
    [n] = notices(db, patron, "FINE_CHARGED")
    assert n["subject_id"] == fine and n["loan_id"] is None
    hold, holder, copy = held_copy_returned(desk)
    desk.checkin(copy)
    db.execute("UPDATE holds SET expires_at = :t WHERE hold_id = :h", {"t": datetime.utcnow() - timedelta(days=2),
                                                                      "h": hold})
    db.set_actor(None)
    (expired,) = db.call("lib_holds.expire_unclaimed", datetime.utcnow(), Out(int))
    assert expired >= 1
    assert [n["notice_type"] for n in notices(db, holder)] == ["HOLD_READY", "HOLD_EXPIRED"]


def test_preferences_default_and_refusals(db, f):
    patron = f.patron()
    wants = {t: db.fn("lib_notices.wants", patron, t) for t in ("HOLD_READY", "CHECKOUT_RECEIPT", "LOAN_DIGEST")}
    assert wants == {"HOLD_READY": 1, "CHECKOUT_RECEIPT": 0, "LOAN_DIGEST": 1}
    db.set_actor(None)
    refused(db, NOTICE_TYPE_UNKNOWN, "lib_notices.set_preference", patron, "NEWSLETTER", "Y")
    db.set_actor(f.user(("CATALOGER",)))
    refused(db, PERMISSION_DENIED, "lib_notices.set_preference", patron, "HOLD_READY", "N")
    # the patron themselves may
    user = f.user(("PATRON",))
    own = f.patron(user_id=user)
    db.set_actor(user)
    db.call("lib_notices.set_preference", own, "DUE_SOON", "N")
    db.call("lib_notices.set_preference", own, "OVERDUE", "N")
    assert db.fn("lib_notices.wants", own, "LOAN_DIGEST") == 0


def test_undeliverable_address_is_marked_and_cleared_when_the_email_changes(db, f):
    patron = f.patron()
    email = db.scalar("SELECT email FROM patrons WHERE patron_id = :p", {"p": patron})
    (marked,) = db.call("lib_notices.mark_undeliverable", email.upper(), "bounce: 550 no such user", Out(int))
    assert marked == 1
    row = db.one("SELECT * FROM patrons WHERE patron_id = :p", {"p": patron})
    assert row["email_undeliverable_at"] is not None and row["email_undeliverable_reason"].startswith("bounce")
    db.set_actor(f.user(("LIBRARIAN",)))
    args = (row["first_name"], row["last_name"], email.upper(), None, None, "ADULT", row["home_branch_id"])
    db.call("lib_patrons.update_patron", patron, *args)  # same address, other case: still marked
    assert db.scalar("SELECT email_undeliverable_at FROM patrons WHERE patron_id = :p", {"p": patron}) is not None
    db.call("lib_patrons.update_patron", patron, *args[:2], "new-" + email, *args[3:])
    assert db.one("SELECT email_undeliverable_at, email_undeliverable_reason FROM patrons WHERE patron_id = :p",
                  {"p": patron}) == {"email_undeliverable_at": None, "email_undeliverable_reason": None}


def test_save_template_needs_sys_config_and_text(db, f):
    db.set_actor(f.user(("LIBRARIAN",)))
    refused(db, PERMISSION_DENIED, "lib_notices.save_template", "HOLD_READY", "fr", "S", "T", "H")
    db.set_actor(f.user(("IT_ADMIN",)))
    refused(db, INVALID_NOTICE_TEMPLATE, "lib_notices.save_template", "HOLD_READY", "fr", "S", None, "H")
    refused(db, NOTICE_TYPE_UNKNOWN, "lib_notices.save_template", "NEWSLETTER", "fr", "S", "T", "H")
    db.call("lib_notices.save_template", "HOLD_READY", "FR", "Réservation {{ hold.title }}", "T", "H")
    assert db.scalar("SELECT subject FROM notice_templates WHERE notice_type = 'HOLD_READY' AND language_code = 'fr'") \
        == "Réservation {{ hold.title }}"


# ---- render -----------------------------------------------------------------------------------------

def test_render_hold_ready_with_the_branch_footer_and_the_unsubscribe_link(db):
    desk = CirculationDesk(db)
    db.execute("UPDATE branches SET name = 'Riverside Branch', address = '7 Quay Street' WHERE branch_id = :b",
               {"b": desk.branch})
    hold, holder, copy = held_copy_returned(desk)
    desk.checkin(copy)
    [n] = notices(db, holder)
    mail = render(db, n["notice_id"])
    patron = db.one("SELECT * FROM patrons WHERE patron_id = :p", {"p": holder})
    assert mail.to_address == patron["email"] and mail.patron_id == holder and mail.notice_type == "HOLD_READY"
    assert mail.subject == "Your hold is ready: The Hold Shelf"
    last_day = db.scalar("SELECT expires_at FROM holds WHERE hold_id = :h", {"h": hold}).date()
    for body in (mail.text, mail.html):
        assert "Riverside Branch" in body and "7 Quay Street" in body and str(last_day) in body
    assert links.read(mail.unsubscribe_url.rsplit("/", 1)[1]) == (holder, "HOLD_READY")
    assert ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click") in mail.headers
    # turned off after the notice was written: nothing to send
    db.set_actor(None)
    db.call("lib_notices.unsubscribe", holder, "HOLD_READY")
    with pytest.raises(NothingToSend):
        render(db, n["notice_id"])


def test_nothing_is_rendered_without_a_deliverable_address(db):
    desk = CirculationDesk(db, role="BRANCH_MANAGER")
    patron = desk.patron()
    desk.charge(patron, "1.50")
    [n] = notices(db, patron)
    assert "1.50" in render(db, n["notice_id"]).text
    email = db.scalar("SELECT email FROM patrons WHERE patron_id = :p", {"p": patron})
    db.call("lib_notices.mark_undeliverable", email, "spamreport", Out(int))
    with pytest.raises(NothingToSend):
        render(db, n["notice_id"])
    db.execute("UPDATE patrons SET email = NULL, email_undeliverable_at = NULL WHERE patron_id = :p", {"p": patron})
    with pytest.raises(NothingToSend):
        render(db, n["notice_id"])


def test_render_a_digest_lists_the_loans_the_patron_still_wants(db):
    desk = CirculationDesk(db)
    patron = desk.patron()
    soon, late = desk.copy(desk.f.material(title="Due Soon Book")), desk.copy(desk.f.material(title="Late Book"))
    soon_loan, _ = desk.checkout(patron, soon)
    late_loan, _ = desk.checkout(patron, late)
    desk.due_days_ago(late_loan, 9)
    desk.set_due(soon_loan, datetime.combine(today() + timedelta(days=1), datetime.min.time()) + timedelta(hours=20))
    n = db.insert("notices", {"notice_type": "LOAN_DIGEST", "patron_id": patron, "subject_id": patron,
                              "notice_day": today()}, "notice_id")
    for loan, kind, level in ((soon_loan, "DUE_SOON", None), (late_loan, "OVERDUE", 2)):
        due = db.scalar("SELECT due_at FROM loans WHERE loan_id = :l", {"l": loan})
        db.execute("INSERT INTO notice_items (notice_id, loan_id, item_type, overdue_level, due_at) "
                   "VALUES (:n, :l, :k, :v, :d)", {"n": n, "l": loan, "k": kind, "v": level, "d": due})
    mail = render(db, n)
    assert mail.subject == "Overdue items on your library account"
    assert "Late Book" in mail.text and "9 days late (notice 2)" in mail.text and "Due Soon Book" in mail.text
    db.call("lib_notices.set_preference", patron, "OVERDUE", "N")
    mail = render(db, n)
    assert "Late Book" not in mail.text and "Due Soon Book" in mail.text and mail.subject == "Items due soon"
    db.call("lib_notices.set_preference", patron, "DUE_SOON", "N")
    with pytest.raises(NothingToSend):
        render(db, n)


def test_a_template_breaking_the_sandbox_is_refused(db):
    from jinja2.exceptions import SecurityError

    from services.notices.render import preview
    with pytest.raises(SecurityError):
        preview("HOLD_READY", "{{ patron.__class__.__mro__ }}", "t", "h")
    subject, text, html = preview("HOLD_READY", "Ready: {{ hold.title }}", "{{ branch.name }}",
                                  "<b>{{ '<x>' }}</b>", {"name": "Main", "address": "1 Sq"})
    assert subject == "Ready: Ficciones" and text == "Main\n" and html == "<b>&lt;x&gt;</b>"
    assert Decimal("0") == 0
