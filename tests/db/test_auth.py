"""lib_auth: permissions through roles, login bookkeeping and lockout, accounts, roles, self-registration."""

import secrets

import pytest

from datalayer.session import DbError, Out
from tests.db.conftest import refused
from tests.factories import today, unique

PERMISSION_DENIED = -20411
INVALID_CREDENTIALS = -20406
ACCOUNT_LOCKED = -20407
ACCOUNT_INACTIVE = -20408
USERNAME_TAKEN = -20409
USER_NOT_FOUND = -20412
ROLE_NOT_FOUND = -20415
INVALID_PATRON_DATA = -20414
INVALID_ARGUMENT = -20903
OWN_ROLES_CHANGE = -20430


def user_row(db, user_id):
    return db.one("SELECT * FROM users WHERE user_id = :u", {"u": user_id})


def roles_of(db, user_id):
    return {r["code"] for r in db.rows(
        "SELECT r.code FROM user_roles ur JOIN roles r ON r.role_id = ur.role_id WHERE ur.user_id = :u",
        {"u": user_id})}


def login_succeeded(db, user_id, key=None):
    """lib_auth.login_succeeded as a login calls it: a new API session of an hour; returns its session_id."""
    return db.call("lib_auth.login_succeeded", user_id, key or secrets.token_urlsafe(32), "API", "192.0.2.1", 3600,
                   Out(int))[0]


def audit_rows(db, table, row_id, action):
    return db.rows("SELECT * FROM audit_log WHERE table_name = :t AND row_id = :r AND action = :a ORDER BY audit_id",
                   {"t": table, "r": row_id, "a": action})


# ---- permissions ---------------------------------------------------------------------------------

def test_has_permission_through_a_role(db, f):
    librarian = f.user(("LIBRARIAN",))
    assert db.fn("lib_auth.has_permission", librarian, "CIRC_CHECKOUT") == 1


def test_has_permission_false_when_no_role_grants_it(db, f):
    librarian = f.user(("LIBRARIAN",))
    assert db.fn("lib_auth.has_permission", librarian, "CIRC_OVERRIDE") == 0
    assert db.fn("lib_auth.has_permission", f.user(), "CIRC_CHECKOUT") == 0


def test_has_permission_combines_roles(db, f):
    both = f.user(("LIBRARIAN", "CATALOGER"))
    assert db.fn("lib_auth.has_permission", both, "CATALOG_EDIT") == 1
    assert db.fn("lib_auth.has_permission", both, "FINE_COLLECT") == 1


def test_inactive_user_has_no_permissions(db, f):
    manager = f.user(("BRANCH_MANAGER",), is_active="N")
    assert db.fn("lib_auth.has_permission", manager, "CIRC_CHECKOUT") == 0


def test_require_permission_passes_without_actor(db):
    db.call("lib_auth.require_permission", "USER_ADMIN")


def test_require_permission_passes_for_actor_with_permission(db, f):
    db.set_actor(f.user(("IT_ADMIN",)))
    db.call("lib_auth.require_permission", "USER_ADMIN")


def test_require_permission_refuses_actor_without_permission(db, f):
    db.set_actor(f.user(("LIBRARIAN",)))
    refused(db, PERMISSION_DENIED, "lib_auth.require_permission", "USER_ADMIN")


# ---- login ---------------------------------------------------------------------------------------

def test_check_can_login_returns_id_and_hash(db, f):
    name = unique("login")
    user_id = f.user(username=name, password_hash="$argon2id$hash")
    assert db.call("lib_auth.check_can_login", name, Out(int), Out(str)) == (user_id, "$argon2id$hash")


def test_check_can_login_ignores_the_case_of_the_username(db, f):
    name = unique("Mixed")
    user_id = f.user(username=name, password_hash="$argon2id$hash")
    assert db.call("lib_auth.check_can_login", name.upper(), Out(int), Out(str)) == (user_id, "$argon2id$hash")


def test_usernames_differing_only_in_case_cannot_coexist(db, f):
    name = unique("case")
    f.user(username=name.lower())
    with pytest.raises(DbError) as err:  # the unique index on UPPER(username), below the package's own check
        with db.savepoint():
            f.user(username=name.upper())
    assert err.value.code is None  # a constraint of the schema, not a catalog refusal


def test_check_can_login_refuses_unknown_username(db):
    refused(db, INVALID_CREDENTIALS, "lib_auth.check_can_login", unique("nobody"), Out(int), Out(str))


def test_check_can_login_returns_the_hash_of_a_locked_account_for_the_password_check_first(db, f):
    name = unique("locked")
    user_id = f.user(username=name, password_hash="h")
    db.execute("UPDATE users SET account_locked = 'Y', locked_at = :d WHERE user_id = :u", {"d": today(), "u": user_id})
    assert db.call("lib_auth.check_can_login", name, Out(int), Out(str)) == (user_id, "h")
    refused(db, ACCOUNT_LOCKED, "lib_auth.login_succeeded", user_id, secrets.token_urlsafe(32), "API", None, 3600,
            Out(int))


def test_check_can_login_returns_the_hash_of_an_inactive_account_and_the_login_is_refused_after_it(db, f):
    name = unique("gone")
    user_id = f.user(username=name, is_active="N", password_hash="h")
    assert db.call("lib_auth.check_can_login", name, Out(int), Out(str)) == (user_id, "h")
    refused(db, ACCOUNT_INACTIVE, "lib_auth.login_succeeded", user_id, secrets.token_urlsafe(32), "API", None, 3600,
            Out(int))


def test_login_succeeded_resets_failures_opens_a_session_and_audits_login(db, f):
    user_id = f.user()
    db.execute("UPDATE users SET failed_logins = 3 WHERE user_id = :u", {"u": user_id})
    session_id = login_succeeded(db, user_id)
    row = user_row(db, user_id)
    assert row["failed_logins"] == 0
    assert row["last_login_at"] is not None
    [login] = audit_rows(db, "users", user_id, "LOGIN")
    assert login["actor_user_id"] == user_id and f"session={session_id}" in login["new_values"]
    session = db.one("SELECT * FROM user_sessions WHERE session_id = :s", {"s": session_id})
    assert (session["user_id"], session["kind"], session["client_addr"], session["revoked_at"]) == \
        (user_id, "API", "192.0.2.1", None)
    assert round((session["expires_at"] - session["created_at"]).total_seconds()) == 3600


def test_login_succeeded_for_unknown_user_is_refused(db):
    refused(db, USER_NOT_FOUND, "lib_auth.login_succeeded", -1, secrets.token_urlsafe(32), "API", None, 3600, Out(int))


def test_login_failed_counts_the_failure_and_audits_it(db, f):
    name = unique("fail")
    user_id = f.user(username=name)
    assert db.call("lib_auth.login_failed", name, Out(int)) == (0,)
    row = user_row(db, user_id)
    assert row["failed_logins"] == 1
    assert row["account_locked"] == "N"
    [failed] = audit_rows(db, "users", user_id, "LOGIN_FAILED")
    assert "failed_logins=1" in failed["new_values"]


def test_login_failed_counts_against_the_account_whatever_the_case_typed(db, f):
    name = unique("caps")
    user_id = f.user(username=name.lower())
    db.call("lib_auth.login_failed", name.upper(), Out(int))
    assert user_row(db, user_id)["failed_logins"] == 1


def test_login_failed_locks_the_account_at_max_failed_logins(db, f):
    name = unique("brute")
    user_id = f.user(username=name)
    limit = int(db.scalar("SELECT value FROM app_settings WHERE name = 'MAX_FAILED_LOGINS'"))
    results = [db.call("lib_auth.login_failed", name, Out(int))[0] for _ in range(limit)]
    assert results == [0] * (limit - 1) + [1]
    row = user_row(db, user_id)
    assert row["account_locked"] == "Y" and row["locked_at"] is not None and row["locked_until"] > row["locked_at"]
    assert row["failed_logins"] == limit
    refused(db, ACCOUNT_LOCKED, "lib_auth.login_succeeded", user_id, secrets.token_urlsafe(32), "API", None, 3600,
            Out(int))


def test_login_failed_follows_the_max_failed_logins_setting(db, f):
    db.execute("UPDATE app_settings SET value = '2' WHERE name = 'MAX_FAILED_LOGINS'")
    name = unique("two")
    user_id = f.user(username=name)
    db.call("lib_auth.login_failed", name, Out(int))
    assert db.call("lib_auth.login_failed", name, Out(int)) == (1,)
    assert user_row(db, user_id)["account_locked"] == "Y"


def test_login_failed_for_unknown_username_does_not_raise_nor_leak_the_name(db):
    name = unique("ghost")
    assert db.call("lib_auth.login_failed", name, Out(int)) == (0,)
    rows = db.rows("SELECT new_values FROM audit_log WHERE table_name = 'users' AND action = 'LOGIN_FAILED' "
                   "AND row_id IS NULL")
    assert rows and all(name not in (r["new_values"] or "") for r in rows)


def test_login_success_after_failures_resets_the_count(db, f):
    name = unique("retry")
    user_id = f.user(username=name)
    db.call("lib_auth.login_failed", name, Out(int))
    db.call("lib_auth.login_failed", name, Out(int))
    login_succeeded(db, user_id)
    assert user_row(db, user_id)["failed_logins"] == 0


# ---- account administration ----------------------------------------------------------------------

def test_unlock_account_by_user_admin(db, f):
    name = unique("unlock")
    user_id = f.user(username=name)
    for _ in range(5):
        db.call("lib_auth.login_failed", name, Out(int))
    db.set_actor(f.user(("IT_ADMIN",)))
    db.call("lib_auth.unlock_account", user_id)
    row = user_row(db, user_id)
    assert (row["account_locked"], row["failed_logins"], row["locked_at"], row["locked_until"], row["lockouts"]) == \
        ("N", 0, None, None, 0)
    assert login_succeeded(db, user_id) is not None


def test_unlock_account_refused_without_user_admin(db, f):
    user_id = f.user()
    db.execute("UPDATE users SET account_locked = 'Y' WHERE user_id = :u", {"u": user_id})
    db.set_actor(f.user(("BRANCH_MANAGER",)))
    refused(db, PERMISSION_DENIED, "lib_auth.unlock_account", user_id)
    assert user_row(db, user_id)["account_locked"] == "Y"


def test_unlock_account_of_unknown_user_is_refused(db):
    refused(db, USER_NOT_FOUND, "lib_auth.unlock_account", -1)


def test_create_user_with_roles(db, f):
    db.set_actor(f.user(("IT_ADMIN",)))
    name = unique("staff")
    (user_id,) = db.call("lib_auth.create_user", name, "hash", "New Staff", "s@example.org", "librarian, CATALOGER",
                         Out(int))
    row = user_row(db, user_id)
    assert (row["username"], row["is_active"], row["account_locked"]) == (name, "Y", "N")
    assert roles_of(db, user_id) == {"LIBRARIAN", "CATALOGER"}


def test_create_user_records_who_granted_the_roles(db, f):
    admin = f.user(("IT_ADMIN",))
    db.set_actor(admin)
    (user_id,) = db.call("lib_auth.create_user", unique("g"), "hash", "Granted", None, "LIBRARIAN", Out(int))
    assert db.scalar("SELECT granted_by FROM user_roles WHERE user_id = :u", {"u": user_id}) == admin


def test_create_user_refuses_a_taken_username_ignoring_case(db, f):
    name = unique("dup")
    f.user(username=name)
    refused(db, USERNAME_TAKEN, "lib_auth.create_user", name.lower(), "hash", "Dup", None, None, Out(int))
    assert db.scalar("SELECT COUNT(*) FROM users WHERE UPPER(username) = UPPER(:n)", {"n": name}) == 1


def test_create_user_refuses_an_unknown_role_and_creates_nothing(db):
    name = unique("norole")
    refused(db, ROLE_NOT_FOUND, "lib_auth.create_user", name, "hash", "No Role", None, "LIBRARIAN,WIZARD", Out(int))
    assert db.scalar("SELECT COUNT(*) FROM users WHERE username = :n", {"n": name}) == 0


@pytest.mark.parametrize("username", ["ab", "has space", None])
def test_create_user_refuses_an_invalid_username(db, username):
    refused(db, INVALID_ARGUMENT, "lib_auth.create_user", username, "hash", "Bad Name", None, None, Out(int))


def test_create_user_requires_user_admin(db, f):
    db.set_actor(f.user(("LIBRARIAN",)))
    name = unique("sneaky")
    refused(db, PERMISSION_DENIED, "lib_auth.create_user", name, "hash", "Sneaky", None, "IT_ADMIN", Out(int))
    assert db.scalar("SELECT COUNT(*) FROM users WHERE username = :n", {"n": name}) == 0


def test_set_roles_replaces_the_roles(db, f):
    user_id = f.user(("LIBRARIAN", "CATALOGER"))
    db.set_actor(f.user(("IT_ADMIN",)))
    db.call("lib_auth.set_roles", user_id, "LIBRARY_DIRECTOR,CATALOGER")
    assert roles_of(db, user_id) == {"LIBRARY_DIRECTOR", "CATALOGER"}


def test_set_roles_with_no_roles_removes_all(db, f):
    user_id = f.user(("LIBRARIAN",))
    db.call("lib_auth.set_roles", user_id, None)
    assert roles_of(db, user_id) == set()


def test_set_roles_with_an_unknown_role_changes_nothing(db, f):
    user_id = f.user(("LIBRARIAN",))
    refused(db, ROLE_NOT_FOUND, "lib_auth.set_roles", user_id, "CATALOGER,NOPE")
    assert roles_of(db, user_id) == {"LIBRARIAN"}


def test_set_roles_requires_user_admin(db, f):
    user_id = f.user(("LIBRARIAN",))
    db.set_actor(f.user(("BRANCH_MANAGER",)))
    refused(db, PERMISSION_DENIED, "lib_auth.set_roles", user_id, "IT_ADMIN")
    assert roles_of(db, user_id) == {"LIBRARIAN"}


def test_set_roles_refuses_to_take_user_admin_from_the_acting_admin(db, f):
    admin = f.user(("IT_ADMIN",))
    db.set_actor(admin)
    refused(db, OWN_ROLES_CHANGE, "lib_auth.set_roles", admin, "LIBRARIAN")
    assert roles_of(db, admin) == {"IT_ADMIN"}


def test_set_roles_refuses_any_change_of_the_acting_admins_own_roles(db, f):
    admin = f.user(("IT_ADMIN",))
    db.set_actor(admin)
    refused(db, OWN_ROLES_CHANGE, "lib_auth.set_roles", admin, "IT_ADMIN,LIBRARIAN")
    assert roles_of(db, admin) == {"IT_ADMIN"}


def test_set_roles_of_unknown_user_is_refused(db):
    refused(db, USER_NOT_FOUND, "lib_auth.set_roles", -1, "LIBRARIAN")


def test_deactivate_user_keeps_the_row_and_blocks_login(db, f):
    name = unique("leaver")
    user_id = f.user(("LIBRARIAN",), username=name)
    db.set_actor(f.user(("IT_ADMIN",)))
    db.call("lib_auth.deactivate_user", user_id)
    assert user_row(db, user_id)["is_active"] == "N"
    assert db.fn("lib_auth.has_permission", user_id, "CIRC_CHECKOUT") == 0
    refused(db, ACCOUNT_INACTIVE, "lib_auth.login_succeeded", user_id, secrets.token_urlsafe(32), "API", None, 3600,
            Out(int))


def test_deactivate_user_refused_for_own_account(db, f):
    admin = f.user(("IT_ADMIN",))
    db.set_actor(admin)
    refused(db, INVALID_ARGUMENT, "lib_auth.deactivate_user", admin)
    assert user_row(db, admin)["is_active"] == "Y"


def test_deactivate_user_requires_user_admin(db, f):
    user_id = f.user()
    db.set_actor(f.user(("LIBRARIAN",)))
    refused(db, PERMISSION_DENIED, "lib_auth.deactivate_user", user_id)
    assert user_row(db, user_id)["is_active"] == "Y"


def test_set_active_reactivates_an_account(db, f):
    user_id = f.user(is_active="N")
    db.call("lib_auth.set_active", user_id, "Y")
    assert user_row(db, user_id)["is_active"] == "Y"


def test_set_active_refuses_a_flag_other_than_y_or_n(db, f):
    user_id = f.user()
    refused(db, INVALID_ARGUMENT, "lib_auth.set_active", user_id, "X")


def test_set_password_for_own_account_needs_no_admin(db, f):
    user_id = f.user()
    db.set_actor(user_id)
    db.call("lib_auth.set_password", user_id, "newhash")
    assert user_row(db, user_id)["password_hash"] == "newhash"


def test_set_password_of_another_account_requires_user_admin(db, f):
    user_id = f.user(password_hash="old")
    db.set_actor(f.user(("LIBRARIAN",)))
    refused(db, PERMISSION_DENIED, "lib_auth.set_password", user_id, "newhash")
    assert user_row(db, user_id)["password_hash"] == "old"


# ---- patron self-registration --------------------------------------------------------------------

def test_register_account_creates_a_patron_user_and_patron(db, f):
    name = unique("reader")
    user_id, patron_id = db.call("lib_patrons.register_account", name, "hash", "Ada Mary Lovelace",
                                 "ada@example.org", Out(int), Out(int))
    assert roles_of(db, user_id) == {"PATRON"}
    patron = db.one("SELECT * FROM patrons WHERE patron_id = :p", {"p": patron_id})
    assert patron["user_id"] == user_id
    assert (patron["first_name"], patron["last_name"]) == ("Ada Mary", "Lovelace")
    assert (patron["category"], patron["status"], patron["email"]) == ("ADULT", "ACTIVE", "ada@example.org")
    assert patron["home_branch_id"] == f.main_branch()
    assert len(patron["card_number"]) == 14 and patron["card_number"].startswith("2")
    years = int(db.scalar("SELECT value FROM app_settings WHERE name = 'PATRON_CARD_YEARS'"))
    assert patron["expires_on"].date() == today().date().replace(year=today().year + years)


def test_register_account_falls_back_to_the_first_active_branch(db, f):
    db.execute("UPDATE branches SET is_active = 'N' WHERE code = 'MAIN'")
    other = f.branch()
    _, patron_id = db.call("lib_patrons.register_account", unique("r"), "hash", "Solo", "solo@example.org",
                           Out(int), Out(int))
    home = db.scalar("SELECT home_branch_id FROM patrons WHERE patron_id = :p", {"p": patron_id})
    first_active = db.scalar("SELECT MIN(branch_id) FROM branches WHERE is_active = 'Y'")
    assert home == first_active and first_active <= other


def test_register_account_refuses_a_taken_username(db, f):
    name = unique("taken")
    f.user(username=name)
    refused(db, USERNAME_TAKEN, "lib_patrons.register_account", name, "hash", "Copy Cat", "c@example.org",
            Out(int), Out(int))


@pytest.mark.parametrize("email", [None, "not-an-address"])
def test_register_account_requires_a_valid_email_and_creates_nothing(db, email):
    name = unique("noemail")
    refused(db, INVALID_PATRON_DATA, "lib_patrons.register_account", name, "hash", "No Mail", email,
            Out(int), Out(int))
    assert db.scalar("SELECT COUNT(*) FROM users WHERE username = :n", {"n": name}) == 0


def test_registered_patron_can_log_in(db):
    name = unique("newbie")
    user_id, _ = db.call("lib_patrons.register_account", name, "h", "New Bie", "n@example.org",
                         Out(int), Out(int))
    assert db.call("lib_auth.check_can_login", name, Out(int), Out(str)) == (user_id, "h")


def test_create_user_refuses_an_overlong_username(db):
    refused(db, INVALID_ARGUMENT, "lib_auth.create_user", "u" * 61, "hash", "Long Name", None, None, Out(int))
