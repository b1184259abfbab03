"""lib_admin: branches, closed days, weekly closures, circulation policies and settings change only through the
package, with SYS_CONFIG, validated; every refusal leaves the rows as they were."""
from datetime import datetime
from decimal import Decimal

import pytest

from datalayer.session import Out
from tests.db.conftest import refused, refused_leaving
from tests.factories import unique

PERMISSION_DENIED = -20411
BRANCH_NOT_FOUND = -20505
BRANCH_CODE_TAKEN = -20910
INVALID_BRANCH_DATA = -20911
CLOSED_DAY_NOT_FOUND = -20912
CLOSED_DAY_EXISTS = -20913
INVALID_CLOSED_DAY = -20914
POLICY_NOT_FOUND = -20915
POLICY_SCOPE_TAKEN = -20916
INVALID_POLICY = -20917
POLICY_IN_USE = -20918
SETTING_NOT_FOUND = -20919
INVALID_SETTING_VALUE = -20920

BRANCHES = "SELECT * FROM branches ORDER BY branch_id"
CLOSED_DAYS = "SELECT * FROM closed_days ORDER BY closed_day_id"
POLICIES = "SELECT * FROM circ_policies ORDER BY policy_id"
SETTINGS = "SELECT name, value FROM app_settings ORDER BY name"


@pytest.fixture
def sysadmin(db, f):
    admin = f.user(("IT_ADMIN",))
    db.set_actor(admin)
    return admin


def day(y, m, d):
    return datetime(y, m, d)


# ---- branches --------------------------------------------------------------------------------------

def test_create_branch_stores_the_code_in_upper_case_and_blank_text_as_null(db, sysadmin):
    code = unique("b").lower()
    (branch_id,) = db.call("lib_admin.create_branch", f"  {code} ", " East Branch ", "  ", None, "east@example.org",
                           Out(int))
    row = db.one("SELECT code, name, address, phone, email, is_active FROM branches WHERE branch_id = :b",
                 {"b": branch_id})
    assert row == {"code": code.upper(), "name": "East Branch", "address": None, "phone": None,
                   "email": "east@example.org", "is_active": "Y"}


def test_create_branch_is_audited_with_its_actor(db, sysadmin):
    (branch_id,) = db.call("lib_admin.create_branch", unique("B"), "Audited", None, None, None, Out(int))
    rows = db.rows("SELECT actor_user_id FROM audit_log WHERE table_name = 'branches' AND row_id = :b "
                   "AND action = 'INSERT'", {"b": branch_id})
    if not db.scalar("SELECT COUNT(*) FROM audit_log WHERE table_name = 'branches'"):
        pytest.skip("branches has no audit trigger yet (the generated audit triggers add it)")
    assert rows == [{"actor_user_id": sysadmin}]


@pytest.mark.parametrize("code, name, email", [
    (None, "No code", None), ("HAS SPACE", "Spaces", None), ("X" * 21, "Long code", None),
    ("OKCODE", "  ", None), ("OKCODE", "N" * 201, None), ("OKCODE", "Bad mail", "not-an-address"),
    ("OKCODE", "Bad mail", "@example.org"),
])
def test_create_branch_refuses_invalid_data(db, sysadmin, code, name, email):
    refused_leaving(db, INVALID_BRANCH_DATA,
                    lambda: db.call("lib_admin.create_branch", code, name, None, None, email, Out(int)), BRANCHES)


def test_create_branch_refuses_a_taken_code_ignoring_case(db, sysadmin):
    refused_leaving(db, BRANCH_CODE_TAKEN,
                    lambda: db.call("lib_admin.create_branch", "main", "Second main", None, None, None, Out(int)),
                    BRANCHES)


def test_branch_changes_need_sys_config(db, f):
    branch_id = f.branch()
    db.set_actor(f.user(("CATALOGER",)))
    refused_leaving(db, PERMISSION_DENIED,
                    lambda: db.call("lib_admin.create_branch", unique("B"), "Sneaky", None, None, None, Out(int)),
                    BRANCHES)
    refused_leaving(db, PERMISSION_DENIED, lambda: db.call("lib_admin.update_branch", branch_id, unique("B"), "x",
                                                           None, None, None, "Y"), BRANCHES)
    refused_leaving(db, PERMISSION_DENIED, lambda: db.call("lib_admin.deactivate_branch", branch_id), BRANCHES)


def test_update_branch_replaces_the_data_and_closes_it(db, f, sysadmin):
    branch_id = f.branch()
    code = unique("R")
    db.call("lib_admin.update_branch", branch_id, code, "Renamed", "1 Road", "555", None, "N")
    row = db.one("SELECT code, name, address, phone, is_active FROM branches WHERE branch_id = :b", {"b": branch_id})
    assert row == {"code": code, "name": "Renamed", "address": "1 Road", "phone": "555", "is_active": "N"}


def test_update_branch_refusals_change_nothing(db, f, sysadmin):
    branch_id = f.branch()
    refused_leaving(db, BRANCH_CODE_TAKEN, lambda: db.call("lib_admin.update_branch", branch_id, "MAIN", "x", None,
                                                           None, None, "Y"), BRANCHES)
    refused_leaving(db, INVALID_BRANCH_DATA, lambda: db.call("lib_admin.update_branch", branch_id, unique("B"), "x",
                                                             None, None, None, "MAYBE"), BRANCHES)
    refused_leaving(db, BRANCH_NOT_FOUND, lambda: db.call("lib_admin.update_branch", -1, unique("B"), "x", None,
                                                          None, None, "Y"), BRANCHES)


def test_update_branch_keeps_its_own_code(db, f, sysadmin):
    branch_id = f.branch()
    code = db.scalar("SELECT code FROM branches WHERE branch_id = :b", {"b": branch_id})
    db.call("lib_admin.update_branch", branch_id, code, "Same code", None, None, None, "Y")
    assert db.scalar("SELECT name FROM branches WHERE branch_id = :b", {"b": branch_id}) == "Same code"


def test_deactivate_branch_keeps_the_row(db, f, sysadmin):
    branch_id = f.branch()
    db.call("lib_admin.deactivate_branch", branch_id)
    assert db.scalar("SELECT is_active FROM branches WHERE branch_id = :b", {"b": branch_id}) == "N"
    refused(db, BRANCH_NOT_FOUND, "lib_admin.deactivate_branch", -1)


# ---- closed days -----------------------------------------------------------------------------------

def test_add_closed_day_keeps_the_whole_day(db, f, sysadmin):
    branch_id = f.branch()
    (cd,) = db.call("lib_admin.add_closed_day", branch_id, datetime(2091, 3, 4, 15, 30), " Inventory ", Out(int))
    row = db.one("SELECT branch_id, closed_on, reason FROM closed_days WHERE closed_day_id = :c", {"c": cd})
    assert row == {"branch_id": branch_id, "closed_on": day(2091, 3, 4), "reason": "Inventory"}


def test_a_library_wide_closed_day_twice_is_refused(db, sysadmin):
    db.call("lib_admin.add_closed_day", None, day(2092, 5, 6), None, Out(int))
    refused_leaving(db, CLOSED_DAY_EXISTS,
                    lambda: db.call("lib_admin.add_closed_day", None, day(2092, 5, 6), "again", Out(int)), CLOSED_DAYS)


def test_the_same_day_for_a_branch_and_for_every_branch_are_different_days(db, f, sysadmin):
    branch_id = f.branch()
    db.call("lib_admin.add_closed_day", None, day(2092, 5, 7), None, Out(int))
    db.call("lib_admin.add_closed_day", branch_id, day(2092, 5, 7), None, Out(int))
    assert db.scalar("SELECT COUNT(*) FROM closed_days WHERE closed_on = :d", {"d": day(2092, 5, 7)}) == 2


def test_closed_day_refusals_change_nothing(db, f, sysadmin):
    (cd,) = db.call("lib_admin.add_closed_day", None, day(2093, 1, 2), None, Out(int))
    db.call("lib_admin.add_closed_day", None, day(2093, 1, 3), None, Out(int))
    for code, call in [
        (INVALID_CLOSED_DAY, lambda: db.call("lib_admin.add_closed_day", None, None, None, Out(int))),
        (INVALID_CLOSED_DAY, lambda: db.call("lib_admin.add_closed_day", None, day(2093, 2, 2), "r" * 201, Out(int))),
        (BRANCH_NOT_FOUND, lambda: db.call("lib_admin.add_closed_day", -1, day(2093, 2, 2), None, Out(int))),
        (CLOSED_DAY_EXISTS, lambda: db.call("lib_admin.update_closed_day", cd, None, day(2093, 1, 3), None)),
        (CLOSED_DAY_NOT_FOUND, lambda: db.call("lib_admin.update_closed_day", -1, None, day(2093, 2, 2), None)),
        (CLOSED_DAY_NOT_FOUND, lambda: db.call("lib_admin.delete_closed_day", -1)),
    ]:
        refused_leaving(db, code, call, CLOSED_DAYS)


def test_update_and_delete_closed_day(db, f, sysadmin):
    branch_id = f.branch()
    (cd,) = db.call("lib_admin.add_closed_day", None, day(2094, 4, 4), "x", Out(int))
    db.call("lib_admin.update_closed_day", cd, branch_id, day(2094, 4, 5), None)
    assert db.one("SELECT branch_id, closed_on, reason FROM closed_days WHERE closed_day_id = :c", {"c": cd}) == \
        {"branch_id": branch_id, "closed_on": day(2094, 4, 5), "reason": None}
    db.call("lib_admin.delete_closed_day", cd)
    assert db.scalar("SELECT COUNT(*) FROM closed_days WHERE closed_day_id = :c", {"c": cd}) == 0


def test_closed_days_need_sys_config(db, f):
    db.set_actor(f.user(("LIBRARIAN",)))
    refused_leaving(db, PERMISSION_DENIED,
                    lambda: db.call("lib_admin.add_closed_day", None, day(2095, 1, 1), None, Out(int)), CLOSED_DAYS)


# ---- weekly closures -------------------------------------------------------------------------------

CLOSED_WEEKDAYS = "SELECT * FROM closed_weekdays ORDER BY closed_weekday_id"


def test_add_update_and_delete_a_weekly_closure(db, f, sysadmin):
    branch_id = f.branch()
    (cw,) = db.call("lib_admin.add_closed_weekday", branch_id, 7, " Closed on Sundays ", Out(int))
    row = db.one("SELECT branch_id, iso_weekday, reason FROM closed_weekdays WHERE closed_weekday_id = :c", {"c": cw})
    assert row == {"branch_id": branch_id, "iso_weekday": 7, "reason": "Closed on Sundays"}
    db.call("lib_admin.update_closed_weekday", cw, branch_id, 6, "  ")
    row = db.one("SELECT branch_id, iso_weekday, reason FROM closed_weekdays WHERE closed_weekday_id = :c", {"c": cw})
    assert row == {"branch_id": branch_id, "iso_weekday": 6, "reason": None}
    db.call("lib_admin.delete_closed_weekday", cw)
    assert db.scalar("SELECT COUNT(*) FROM closed_weekdays WHERE closed_weekday_id = :c", {"c": cw}) == 0


def test_weekly_closure_refusals_change_nothing(db, f, sysadmin):
    branch_id = f.branch()
    (cw,) = db.call("lib_admin.add_closed_weekday", branch_id, 1, None, Out(int))
    db.call("lib_admin.add_closed_weekday", branch_id, 2, None, Out(int))
    for code, call in [
        (INVALID_CLOSED_DAY, lambda: db.call("lib_admin.add_closed_weekday", branch_id, None, None, Out(int))),
        (INVALID_CLOSED_DAY, lambda: db.call("lib_admin.add_closed_weekday", branch_id, 0, None, Out(int))),
        (INVALID_CLOSED_DAY, lambda: db.call("lib_admin.add_closed_weekday", branch_id, 8, None, Out(int))),
        (INVALID_CLOSED_DAY, lambda: db.call("lib_admin.add_closed_weekday", branch_id, 3, "r" * 201, Out(int))),
        (BRANCH_NOT_FOUND, lambda: db.call("lib_admin.add_closed_weekday", -1, 3, None, Out(int))),
        (CLOSED_DAY_EXISTS, lambda: db.call("lib_admin.add_closed_weekday", branch_id, 1, "again", Out(int))),
        (CLOSED_DAY_EXISTS, lambda: db.call("lib_admin.update_closed_weekday", cw, branch_id, 2, None)),
        (CLOSED_DAY_NOT_FOUND, lambda: db.call("lib_admin.update_closed_weekday", -1, branch_id, 3, None)),
        (CLOSED_DAY_NOT_FOUND, lambda: db.call("lib_admin.delete_closed_weekday", -1)),
    ]:
        refused_leaving(db, code, call, CLOSED_WEEKDAYS)


def test_a_weekly_closure_moves_the_due_date_off_that_weekday(db, f, sysadmin):
    branch_id = f.branch()
    due = db.fn("lib_calendar.next_open_day", branch_id, day(2096, 6, 3), returns=datetime)  # a Sunday
    db.call("lib_admin.add_closed_weekday", branch_id, 7, "Closed on Sundays", Out(int))
    assert db.fn("lib_calendar.next_open_day", branch_id, day(2096, 6, 3), returns=datetime) > due


def test_weekly_closures_need_sys_config(db, f):
    db.set_actor(f.user(("LIBRARIAN",)))
    refused_leaving(db, PERMISSION_DENIED,
                    lambda: db.call("lib_admin.add_closed_weekday", None, 7, None, Out(int)), CLOSED_WEEKDAYS)


# ---- circulation policies --------------------------------------------------------------------------

RULES = dict(loan_days=21, max_renewals=2, renew_from_due="N", loan_limit=10, hold_limit=5,
             daily_fine=Decimal("0.25"), grace_days=1, max_fine=Decimal("10.00"), fine_block_threshold=Decimal("5.00"),
             hold_pickup_days=7, holdable="Y", lost_after_days=45, lost_refund="Y",
             cap_fine_to_price="N", suspension_days_per_day=0, max_suspension_days=None, no_renewal_before_days=None,
             max_overdue_loans=None, damage_fee=None, damage_fee_share=None)
PEER_RULES = dict(cap_fine_to_price="Y", suspension_days_per_day=2, max_suspension_days=30, no_renewal_before_days=3,
                  max_overdue_loans=4, damage_fee=Decimal("7.50"), damage_fee_share=Decimal("0.25"))


def policy_args(branch_id=None, category=None, material_type=None, **changes):
    rules = {**RULES, **changes}
    return [branch_id, category, material_type, *rules.values()]


def test_create_policy_stores_the_rules_and_lib_policy_picks_it(db, f, sysadmin):
    branch_id = f.branch()
    (policy_id,) = db.call("lib_admin.create_policy", *policy_args(branch_id, "child", " dvd "), Out(int))
    row = db.one("SELECT * FROM circ_policies WHERE policy_id = :p", {"p": policy_id})
    assert (row["branch_id"], row["patron_category"], row["material_type"]) == (branch_id, "CHILD", "DVD")
    assert {k: row[k] for k in RULES} == RULES
    assert db.fn("lib_policy.find_policy", branch_id, "CHILD", "DVD") == policy_id


@pytest.mark.parametrize("changes", [
    {"loan_days": 0}, {"loan_days": -3}, {"loan_days": Decimal("2.5")}, {"loan_days": None}, {"max_renewals": -1},
    {"loan_limit": -1}, {"hold_limit": -1}, {"daily_fine": Decimal("-0.10")}, {"daily_fine": Decimal("0.125")},
    {"grace_days": -1}, {"max_fine": Decimal("-1")}, {"fine_block_threshold": Decimal("-5")},
    {"hold_pickup_days": 0}, {"lost_after_days": 0}, {"holdable": "X"}, {"renew_from_due": None},
    {"lost_refund": "yes"}, {"cap_fine_to_price": None}, {"cap_fine_to_price": "y"},
    {"suspension_days_per_day": None}, {"suspension_days_per_day": -1}, {"suspension_days_per_day": 1000},
    {"max_suspension_days": -1}, {"max_suspension_days": Decimal("1.5")}, {"no_renewal_before_days": -1},
    {"no_renewal_before_days": 10000}, {"max_overdue_loans": 0}, {"damage_fee": Decimal("-1")},
    {"damage_fee": Decimal("0.001")}, {"damage_fee_share": Decimal("1.01")}, {"damage_fee_share": Decimal("-0.1")},
    {"damage_fee_share": Decimal("0.125")},
])
def test_create_policy_refuses_negative_or_malformed_rules(db, sysadmin, changes):
    refused_leaving(db, INVALID_POLICY,
                    lambda: db.call("lib_admin.create_policy", *policy_args(None, "STAFF", "MAP", **changes), Out(int)),
                    POLICIES)


@pytest.mark.parametrize("category, material_type", [("PIRATE", None), (None, "SCROLL")])
def test_create_policy_refuses_an_unknown_scope_value(db, sysadmin, category, material_type):
    refused_leaving(db, INVALID_POLICY, lambda: db.call("lib_admin.create_policy",
                                                        *policy_args(None, category, material_type), Out(int)),
                    POLICIES)


def test_an_overlapping_scope_is_reported_with_the_policy_in_the_way(db, f, sysadmin):
    branch_id = f.branch()
    (first,) = db.call("lib_admin.create_policy", *policy_args(branch_id, "SENIOR", None), Out(int))
    with pytest.raises(Exception) as err:
        with db.savepoint():
            db.call("lib_admin.create_policy", *policy_args(branch_id, "senior", " "), Out(int))
    assert err.value.code == POLICY_SCOPE_TAKEN and f"policy {first}" in err.value.message
    refused_leaving(db, POLICY_SCOPE_TAKEN,
                    lambda: db.call("lib_admin.create_policy", *policy_args(None, None, None), Out(int)), POLICIES)


def test_update_policy_into_another_policys_scope_is_refused(db, f, sysadmin):
    branch_id = f.branch()
    db.call("lib_admin.create_policy", *policy_args(branch_id, "ADULT", "BOOK"), Out(int))
    (second,) = db.call("lib_admin.create_policy", *policy_args(branch_id, "ADULT", "DVD"), Out(int))
    refused_leaving(db, POLICY_SCOPE_TAKEN,
                    lambda: db.call("lib_admin.update_policy", second, *policy_args(branch_id, "ADULT", "BOOK")),
                    POLICIES)


def test_update_policy_changes_the_rules(db, f, sysadmin):
    branch_id = f.branch()
    (policy_id,) = db.call("lib_admin.create_policy", *policy_args(branch_id, "STUDENT", None), Out(int))
    db.call("lib_admin.update_policy", policy_id, *policy_args(branch_id, "STUDENT", None, daily_fine=Decimal("1.50"),
                                                               loan_days=7))
    row = db.one("SELECT daily_fine, loan_days FROM circ_policies WHERE policy_id = :p", {"p": policy_id})
    assert row == {"daily_fine": Decimal("1.50"), "loan_days": 7}


def test_create_and_update_policy_store_the_peer_rules(db, f, sysadmin):
    branch_id = f.branch()
    (policy_id,) = db.call("lib_admin.create_policy", *policy_args(branch_id, "ADULT", "MAP", **PEER_RULES), Out(int))
    row = db.one("SELECT * FROM circ_policies WHERE policy_id = :p", {"p": policy_id})
    assert {k: row[k] for k in PEER_RULES} == PEER_RULES
    db.call("lib_admin.update_policy", policy_id, *policy_args(branch_id, "ADULT", "MAP"))  # back to none
    row = db.one("SELECT * FROM circ_policies WHERE policy_id = :p", {"p": policy_id})
    assert {k: row[k] for k in PEER_RULES} == {k: RULES[k] for k in PEER_RULES}


def test_update_policy_refusals_change_nothing(db, f, sysadmin):
    (policy_id,) = db.call("lib_admin.create_policy", *policy_args(f.branch(), "STAFF", None), Out(int))
    refused_leaving(db, POLICY_NOT_FOUND, lambda: db.call("lib_admin.update_policy", -1, *policy_args()), POLICIES)
    refused_leaving(db, INVALID_POLICY, lambda: db.call("lib_admin.update_policy", policy_id,
                                                        *policy_args(None, "STAFF", None, max_fine=-1)), POLICIES)
    refused_leaving(db, BRANCH_NOT_FOUND, lambda: db.call("lib_admin.update_policy", policy_id,
                                                          *policy_args(-1, "STAFF", None)), POLICIES)


def test_delete_policy_refuses_the_default_and_a_policy_loans_refer_to(db, f, sysadmin):
    default = db.scalar("SELECT policy_id FROM circ_policies WHERE branch_id IS NULL AND patron_category IS NULL "
                        "AND material_type IS NULL")
    refused_leaving(db, INVALID_POLICY, lambda: db.call("lib_admin.delete_policy", default), POLICIES)
    branch_id = f.branch()
    (policy_id,) = db.call("lib_admin.create_policy", *policy_args(branch_id, None, None), Out(int))
    db.set_actor(None)
    db.call("lib_circulation.checkout", f.patron(), f.copy(branch_id=branch_id), None, "N", None, None, Out(int), Out(datetime))
    assert db.scalar("SELECT COUNT(*) FROM loans WHERE policy_id = :p", {"p": policy_id}) == 1
    db.set_actor(sysadmin)
    refused_leaving(db, POLICY_IN_USE, lambda: db.call("lib_admin.delete_policy", policy_id), POLICIES)
    refused_leaving(db, POLICY_NOT_FOUND, lambda: db.call("lib_admin.delete_policy", -1), POLICIES)


def test_delete_an_unused_policy(db, f, sysadmin):
    (policy_id,) = db.call("lib_admin.create_policy", *policy_args(f.branch(), None, "MAP"), Out(int))
    db.call("lib_admin.delete_policy", policy_id)
    assert db.scalar("SELECT COUNT(*) FROM circ_policies WHERE policy_id = :p", {"p": policy_id}) == 0


def test_policies_need_sys_config(db, f):
    db.set_actor(f.user(("BRANCH_MANAGER",)))
    refused_leaving(db, PERMISSION_DENIED,
                    lambda: db.call("lib_admin.create_policy", *policy_args(None, "STAFF", "MAP"), Out(int)), POLICIES)


# ---- settings --------------------------------------------------------------------------------------

def setting(db, name):
    return db.scalar("SELECT value FROM app_settings WHERE name = :n", {"n": name})


@pytest.mark.parametrize("name, value, stored", [
    ("MAX_FAILED_LOGINS", " 7 ", "7"), ("max_failed_logins", "010", "10"), ("MAX_FAILED_LOGINS", "3", "3"),
    ("MAX_FAILED_LOGINS", "20", "20"), ("PATRON_CARD_YEARS", "10", "10"), ("NOTICE_DUE_DAYS", "0", "0"),
    ("OVERDUE_NOTICE_2_DAYS", "14", "14"), ("LIBRARY_TIME_ZONE", "Europe/Paris", "Europe/Paris"),
    ("LIBRARY_TIME_ZONE", "America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ("LIBRARY_TIME_ZONE", "UTC", "UTC"),
])
def test_set_setting_stores_a_valid_value(db, sysadmin, name, value, stored):
    db.call("lib_admin.set_setting", name, value)
    assert setting(db, name.upper()) == stored


@pytest.mark.parametrize("name, value", [
    ("MAX_FAILED_LOGINS", "0"), ("MAX_FAILED_LOGINS", "2"), ("MAX_FAILED_LOGINS", "21"), ("MAX_FAILED_LOGINS", "-5"),
    ("MAX_FAILED_LOGINS", "5.5"), ("MAX_FAILED_LOGINS", "five"), ("MAX_FAILED_LOGINS", "  "),
    ("MAX_FAILED_LOGINS", None), ("MAX_FAILED_LOGINS", "9" * 12), ("PATRON_CARD_YEARS", "0"),
    ("NOTICE_DUE_DAYS", "31"), ("OVERDUE_NOTICE_2_DAYS", "0"),
    ("LIBRARY_TIME_ZONE", "Mars/Olympus_Mons"), ("LIBRARY_TIME_ZONE", "+02:00"), ("LIBRARY_TIME_ZONE", "UTC+3"),
    ("LIBRARY_TIME_ZONE", "Europe/"), ("LIBRARY_TIME_ZONE", "Europe//Paris"), ("LIBRARY_TIME_ZONE", "Europe/Paris;"),
    ("LIBRARY_TIME_ZONE", "CET"), ("LIBRARY_TIME_ZONE", ""),
])
def test_set_setting_refuses_a_value_of_the_wrong_type_or_range(db, sysadmin, name, value):
    refused_leaving(db, INVALID_SETTING_VALUE, lambda: db.call("lib_admin.set_setting", name, value), SETTINGS)


@pytest.mark.parametrize("name", ["NO_SUCH_SETTING", None, "X" * 100])
def test_set_setting_refuses_an_unknown_setting(db, sysadmin, name):
    refused_leaving(db, SETTING_NOT_FOUND, lambda: db.call("lib_admin.set_setting", name, "5"), SETTINGS)


def test_set_setting_needs_sys_config(db, f):
    db.set_actor(f.user(("LIBRARIAN",)))
    refused_leaving(db, PERMISSION_DENIED, lambda: db.call("lib_admin.set_setting", "MAX_FAILED_LOGINS", "20"),
                    SETTINGS)


def test_a_new_lockout_limit_is_what_login_counts_against(db, f, sysadmin):
    db.call("lib_admin.set_setting", "MAX_FAILED_LOGINS", "3")
    name = unique("lock")
    f.user(username=name)
    locked = [db.call("lib_auth.login_failed", name, Out(int))[0] for _ in range(3)]
    assert locked == [0, 0, 1]


def test_every_setting_declares_a_type_the_package_checks(db):
    rows = db.rows("SELECT name, value_type, min_value, max_value FROM app_settings ORDER BY name")
    typed = {r["name"]: (r["value_type"], r["min_value"], r["max_value"]) for r in rows}
    assert typed["MAX_FAILED_LOGINS"] == ("INTEGER", 3, 20)
    assert typed["LIBRARY_TIME_ZONE"] == ("TIME_ZONE", None, None)
    assert {"PATRON_CARD_YEARS", "NOTICE_DUE_DAYS", "OVERDUE_NOTICE_1_DAYS", "CARD_EXPIRY_NOTICE_DAYS"} <= \
        {n for n, t in typed.items() if t[0] == "INTEGER"}
