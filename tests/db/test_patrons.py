"""lib_patrons: registration, edits, suspension and reinstatement, card renewal and nightly expiry."""
from datetime import timedelta

import pytest

from datalayer.session import Out
from tests.db.conftest import refused
from tests.factories import today, unique

PATRON_NOT_FOUND = -20401
PATRON_INACTIVE = -20404
CARD_NUMBER_TAKEN = -20410
PERMISSION_DENIED = -20411
REASON_REQUIRED = -20413
INVALID_PATRON_DATA = -20414
PATRON_NOT_SUSPENDED = -20416
BRANCH_NOT_FOUND = -20505


def patron(db, patron_id):
    return db.one("SELECT * FROM patrons WHERE patron_id = :p", {"p": patron_id})


def register(db, first="Grace", last="Hopper", email="grace@example.org", phone=None, address=None, category=None,
             branch_id=None, card=None):
    (patron_id,) = db.call("lib_patrons.register", first, last, email, phone, address, category, branch_id, card,
                           Out(int))
    return patron_id


def count_cards(db, card):
    return db.scalar("SELECT COUNT(*) FROM patrons WHERE card_number = :c", {"c": card})


def add_years(day, years):
    return day.replace(year=day.year + years)


# ---- register ------------------------------------------------------------------------------------

def test_register_creates_an_active_adult_at_main_with_a_generated_card(db, f):
    p = patron(db, register(db, phone="555-0100", address="1 Main St"))
    assert (p["first_name"], p["last_name"], p["email"], p["phone"]) == ("Grace", "Hopper", "grace@example.org",
                                                                         "555-0100")
    assert (p["status"], p["category"], p["home_branch_id"]) == ("ACTIVE", "ADULT", f.main_branch())
    assert len(p["card_number"]) == 14 and p["card_number"].isdigit() and p["card_number"].startswith("2")
    years = int(db.scalar("SELECT value FROM app_settings WHERE name = 'PATRON_CARD_YEARS'"))
    assert p["expires_on"] == add_years(today(), years)


def test_register_generates_distinct_card_numbers(db):
    cards = {patron(db, register(db))["card_number"] for _ in range(5)}
    assert len(cards) == 5


def test_register_keeps_a_given_card_number_category_and_branch(db, f):
    branch_id = f.branch()
    card = unique("CARD")
    p = patron(db, register(db, category="student", branch_id=branch_id, card=card))
    assert (p["card_number"], p["category"], p["home_branch_id"]) == (card, "STUDENT", branch_id)


def test_register_follows_the_card_years_setting(db):
    db.execute("UPDATE app_settings SET value = '1' WHERE name = 'PATRON_CARD_YEARS'")
    assert patron(db, register(db))["expires_on"] == add_years(today(), 1)


def test_register_refuses_a_taken_card_number(db, f):
    card = patron(db, f.patron())["card_number"]
    refused(db, CARD_NUMBER_TAKEN, "lib_patrons.register", "A", "B", None, None, None, None, None, card, Out(int))
    assert count_cards(db, card) == 1


@pytest.mark.parametrize("first,last,email,category", [
    ("", "Hopper", None, None),
    (None, "Hopper", None, None),
    ("Grace", "  ", None, None),
    ("Grace", "Hopper", "no-at-sign.org", None),
    ("Grace", "Hopper", "grace@nodot", None),
    ("Grace", "Hopper", "gr ace@example.org", None),
    ("Grace", "Hopper", None, "PIRATE"),
    ("G" * 101, "Hopper", None, None),
    ("Grace", "Hopper", None, "X" * 30),
])
def test_register_refuses_invalid_patron_data(db, first, last, email, category):
    before = db.scalar("SELECT COUNT(*) FROM patrons")
    refused(db, INVALID_PATRON_DATA, "lib_patrons.register", first, last, email, None, None, category, None, None,
            Out(int))
    assert db.scalar("SELECT COUNT(*) FROM patrons") == before


def test_register_refuses_an_overlong_card_number(db):
    refused(db, INVALID_PATRON_DATA, "lib_patrons.register", "A", "B", None, None, None, None, None, "9" * 31,
            Out(int))


def test_register_refuses_an_unknown_home_branch(db):
    refused(db, BRANCH_NOT_FOUND, "lib_patrons.register", "A", "B", None, None, None, None, -1, None, Out(int))


def test_register_refuses_an_inactive_home_branch(db, f):
    branch_id = f.branch()
    db.execute("UPDATE branches SET is_active = 'N' WHERE branch_id = :b", {"b": branch_id})
    refused(db, BRANCH_NOT_FOUND, "lib_patrons.register", "A", "B", None, None, None, None, branch_id, None, Out(int))


def test_register_requires_patron_manage(db, f):
    db.set_actor(f.user(("CATALOGER",)))
    refused(db, PERMISSION_DENIED, "lib_patrons.register", "A", "B", None, None, None, None, None, None, Out(int))


def test_register_allowed_for_a_librarian(db, f):
    db.set_actor(f.user(("LIBRARIAN",)))
    assert patron(db, register(db))["status"] == "ACTIVE"


def test_register_for_user_links_the_account(db, f):
    user_id = f.user(("PATRON",))
    db.set_actor(user_id)
    (patron_id,) = db.call("lib_patrons.register_for_user", user_id, "Self", "Service", "s@example.org", Out(int))
    assert patron(db, patron_id)["user_id"] == user_id


def test_register_for_user_refused_for_another_account_without_patron_manage(db, f):
    other = f.user(("PATRON",))
    db.set_actor(f.user(("PATRON",)))
    refused(db, PERMISSION_DENIED, "lib_patrons.register_for_user", other, "X", "Y", "x@example.org", Out(int))


def test_register_for_user_refused_when_the_account_has_a_patron(db, f):
    user_id = f.user(("PATRON",))
    f.patron(user_id=user_id)
    refused(db, INVALID_PATRON_DATA, "lib_patrons.register_for_user", user_id, "X", "Y", "x@example.org", Out(int))


# ---- update --------------------------------------------------------------------------------------

def test_update_patron_replaces_contact_data_category_and_branch(db, f):
    patron_id = f.patron()
    branch_id = f.branch()
    db.call("lib_patrons.update_patron", patron_id, "Ada", "King", "ada@example.org", "555", "Addr", "SENIOR", branch_id)
    p = patron(db, patron_id)
    assert (p["first_name"], p["last_name"], p["email"], p["phone"], p["address"], p["category"],
            p["home_branch_id"]) == ("Ada", "King", "ada@example.org", "555", "Addr", "SENIOR", branch_id)


def test_update_patron_refuses_invalid_data_and_changes_nothing(db, f):
    patron_id = f.patron()
    before = patron(db, patron_id)
    refused(db, INVALID_PATRON_DATA, "lib_patrons.update_patron", patron_id, "", "King", None, None, None, "ADULT",
            f.main_branch())
    assert patron(db, patron_id) == before


def test_update_patron_refuses_an_unknown_patron(db, f):
    refused(db, PATRON_NOT_FOUND, "lib_patrons.update_patron", -1, "A", "B", None, None, None, "ADULT",
            f.main_branch())


def test_update_patron_refuses_an_unknown_branch(db, f):
    refused(db, BRANCH_NOT_FOUND, "lib_patrons.update_patron", f.patron(), "A", "B", None, None, None, "ADULT", -1)


def test_update_patron_requires_patron_manage(db, f):
    patron_id = f.patron()
    db.set_actor(f.user(("CATALOGER",)))
    refused(db, PERMISSION_DENIED, "lib_patrons.update_patron", patron_id, "A", "B", None, None, None, "ADULT",
            f.main_branch())


# ---- suspend and reinstate -----------------------------------------------------------------------

def test_suspend_blocks_the_patron_with_the_reason(db, f):
    patron_id = f.patron()
    db.set_actor(f.user(("BRANCH_MANAGER",)))
    db.call("lib_patrons.suspend", patron_id, "Damaged three books")
    p = patron(db, patron_id)
    assert (p["status"], p["status_reason"]) == ("SUSPENDED", "Damaged three books")
    assert p["status_changed_at"] is not None


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_suspend_requires_a_reason(db, f, reason):
    patron_id = f.patron()
    refused(db, REASON_REQUIRED, "lib_patrons.suspend", patron_id, reason)
    assert patron(db, patron_id)["status"] == "ACTIVE"


def test_suspend_requires_patron_suspend(db, f):
    patron_id = f.patron()
    db.set_actor(f.user(("LIBRARIAN",)))
    refused(db, PERMISSION_DENIED, "lib_patrons.suspend", patron_id, "reason")
    assert patron(db, patron_id)["status"] == "ACTIVE"


def test_suspend_refuses_an_unknown_patron(db):
    refused(db, PATRON_NOT_FOUND, "lib_patrons.suspend", -1, "reason")


def test_suspend_refuses_a_closed_record(db, f):
    patron_id = f.patron(status="DELETED")
    refused(db, PATRON_INACTIVE, "lib_patrons.suspend", patron_id, "reason")


def test_suspend_is_audited_with_the_actor(db, f):
    patron_id = f.patron()
    manager = f.user(("BRANCH_MANAGER",))
    db.set_actor(manager)
    db.call("lib_patrons.suspend", patron_id, "reason")
    row = db.one("SELECT * FROM audit_log WHERE table_name = 'patrons' AND row_id = :p AND action = 'UPDATE'",
                 {"p": patron_id})
    assert row["actor_user_id"] == manager and "status=SUSPENDED" in row["new_values"]


def test_reinstate_makes_a_suspended_patron_active(db, f):
    patron_id = f.patron(status="SUSPENDED")
    db.call("lib_patrons.reinstate", patron_id, "Paid for the books")
    p = patron(db, patron_id)
    assert (p["status"], p["status_reason"]) == ("ACTIVE", "Paid for the books")


def test_reinstate_makes_a_patron_whose_card_expired_meanwhile_expired(db, f):
    patron_id = f.patron(status="SUSPENDED", expires_on=today() - timedelta(days=1))
    db.call("lib_patrons.reinstate", patron_id, "ok")
    assert patron(db, patron_id)["status"] == "EXPIRED"


def test_reinstate_refuses_a_patron_who_is_not_suspended(db, f):
    patron_id = f.patron()
    refused(db, PATRON_NOT_SUSPENDED, "lib_patrons.reinstate", patron_id, "ok")


def test_reinstate_requires_a_reason(db, f):
    patron_id = f.patron(status="SUSPENDED")
    refused(db, REASON_REQUIRED, "lib_patrons.reinstate", patron_id, None)
    assert patron(db, patron_id)["status"] == "SUSPENDED"


def test_reinstate_requires_patron_suspend(db, f):
    patron_id = f.patron(status="SUSPENDED")
    db.set_actor(f.user(("LIBRARIAN",)))
    refused(db, PERMISSION_DENIED, "lib_patrons.reinstate", patron_id, "ok")


# ---- card expiry ---------------------------------------------------------------------------------

def test_renew_card_extends_from_the_current_expiry_when_still_valid(db, f):
    expires = today() + timedelta(days=30)
    patron_id = f.patron(expires_on=expires)
    (new_expiry,) = db.call("lib_patrons.renew_card", patron_id, Out(type(today())))
    years = int(db.scalar("SELECT value FROM app_settings WHERE name = 'PATRON_CARD_YEARS'"))
    assert new_expiry == add_years(expires, years) == patron(db, patron_id)["expires_on"]


def test_renew_card_of_an_expired_patron_counts_from_today_and_reactivates(db, f):
    patron_id = f.patron(status="EXPIRED", expires_on=today() - timedelta(days=100))
    db.call("lib_patrons.renew_card", patron_id, Out(type(today())))
    p = patron(db, patron_id)
    years = int(db.scalar("SELECT value FROM app_settings WHERE name = 'PATRON_CARD_YEARS'"))
    assert (p["status"], p["expires_on"]) == ("ACTIVE", add_years(today(), years))


def test_renew_card_leaves_a_suspension_in_place(db, f):
    patron_id = f.patron(status="SUSPENDED")
    db.call("lib_patrons.renew_card", patron_id, Out(type(today())))
    assert patron(db, patron_id)["status"] == "SUSPENDED"


def test_renew_card_requires_patron_manage(db, f):
    patron_id = f.patron()
    db.set_actor(f.user(("CATALOGER",)))
    refused(db, PERMISSION_DENIED, "lib_patrons.renew_card", patron_id, Out(type(today())))


def test_set_expiry_in_the_past_expires_an_active_patron(db, f):
    patron_id = f.patron()
    db.call("lib_patrons.set_expiry", patron_id, today() - timedelta(days=1))
    assert patron(db, patron_id)["status"] == "EXPIRED"


def test_set_expiry_in_the_future_reactivates_an_expired_patron(db, f):
    patron_id = f.patron(status="EXPIRED", expires_on=today() - timedelta(days=3))
    db.call("lib_patrons.set_expiry", patron_id, today() + timedelta(days=10, hours=5))
    p = patron(db, patron_id)
    assert (p["status"], p["expires_on"]) == ("ACTIVE", today() + timedelta(days=10))


def test_set_expiry_requires_a_date(db, f):
    refused(db, INVALID_PATRON_DATA, "lib_patrons.set_expiry", f.patron(), None)


def test_expire_patrons_expires_active_patrons_whose_card_ran_out(db, f):
    gone = f.patron(expires_on=today() - timedelta(days=1))
    last_day = f.patron(expires_on=today())
    suspended = f.patron(status="SUSPENDED", expires_on=today() - timedelta(days=1))
    (rows,) = db.call("lib_patrons.expire_patrons", today() + timedelta(hours=2), Out(int))
    assert rows >= 1
    assert patron(db, gone)["status"] == "EXPIRED"
    assert patron(db, gone)["status_changed_at"] is not None
    assert patron(db, last_day)["status"] == "ACTIVE"
    assert patron(db, suspended)["status"] == "SUSPENDED"


def test_expire_patrons_counts_the_rows_it_changed(db, f):
    db.call("lib_patrons.expire_patrons", today(), Out(int))  # settle earlier rows
    for _ in range(3):
        f.patron(expires_on=today() - timedelta(days=2))
    assert db.call("lib_patrons.expire_patrons", today(), Out(int)) == (3,)


def test_expire_patrons_requires_patron_manage_for_a_user(db, f):
    gone = f.patron(expires_on=today() - timedelta(days=1))
    db.set_actor(f.user(("CATALOGER",)))
    refused(db, PERMISSION_DENIED, "lib_patrons.expire_patrons", today(), Out(int))
    assert patron(db, gone)["status"] == "ACTIVE"
