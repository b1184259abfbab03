"""Separation of duties (lib_auth): a user administrator never changes their own roles, and a role that
carries CIRC_OVERRIDE, FINE_WAIVE or USER_ADMIN is granted only when a second administrator, neither the
requester nor the grantee, approves the request; request and approval are audited."""
from decimal import Decimal

import pytest

from datalayer.session import DbError, Out
from tests.db.conftest import refused, refused_leaving
from tests.factories import unique

PERMISSION_DENIED = -20411
OWN_ROLES_CHANGE = -20430
ROLE_REQUEST_NOT_FOUND = -20431
ROLE_REQUEST_NOT_PENDING = -20432
SECOND_APPROVER_REQUIRED = -20433


def roles_of(db, user_id):
    return {r["code"] for r in db.rows(
        "SELECT r.code FROM user_roles ur JOIN roles r ON r.role_id = ur.role_id WHERE ur.user_id = :u",
        {"u": user_id})}


def requests_of(db, user_id):
    return db.rows("SELECT rq.request_id, r.code, rq.status, rq.requested_by, rq.decided_by "
                   "FROM role_requests rq JOIN roles r ON r.role_id = rq.role_id "
                   "WHERE rq.user_id = :u ORDER BY rq.request_id", {"u": user_id})


def pending_id(db, user_id, code):
    return db.scalar("SELECT rq.request_id FROM role_requests rq JOIN roles r ON r.role_id = rq.role_id "
                     "WHERE rq.user_id = :u AND r.code = :c AND rq.status = 'PENDING'", {"u": user_id, "c": code})


STATE = ("SELECT user_id, role_id, granted_by FROM user_roles ORDER BY user_id, role_id",
         "SELECT request_id, status, decided_by, decided_at FROM role_requests ORDER BY request_id")


@pytest.fixture
def admins(f):
    """Three user administrators: a requester, a second approver and a third."""
    return f.user(("IT_ADMIN",)), f.user(("IT_ADMIN",)), f.user(("IT_ADMIN",))


def test_the_permissions_that_need_a_second_administrator_are_flagged(db):
    flagged = {r["code"] for r in db.rows("SELECT code FROM permissions WHERE needs_approval = 'Y'")}
    assert flagged == {"CIRC_OVERRIDE", "FINE_WAIVE", "USER_ADMIN"}


@pytest.mark.parametrize("role", ["BRANCH_MANAGER", "IT_ADMIN"])
def test_a_role_with_a_sensitive_permission_becomes_a_pending_request(db, f, admins, role):
    requester, _, _ = admins
    user_id = f.user(("LIBRARIAN",))
    db.set_actor(requester)
    db.call("lib_auth.set_roles", user_id, f"LIBRARIAN,{role}")
    assert roles_of(db, user_id) == {"LIBRARIAN"}
    assert [(r["code"], r["status"], r["requested_by"], r["decided_by"]) for r in requests_of(db, user_id)] == \
        [(role, "PENDING", requester, None)]
    assert db.fn("lib_auth.has_permission", user_id, "FINE_WAIVE" if role == "BRANCH_MANAGER" else "USER_ADMIN") == 0


@pytest.mark.parametrize("role", ["LIBRARIAN", "CATALOGER", "LIBRARY_DIRECTOR", "PATRON"])
def test_a_role_without_sensitive_permissions_is_granted_at_once(db, f, admins, role):
    user_id = f.user()
    db.set_actor(admins[0])
    db.call("lib_auth.set_roles", user_id, role)
    assert roles_of(db, user_id) == {role} and requests_of(db, user_id) == []


def test_a_second_administrator_approves_and_the_grant_names_the_approver(db, f, admins):
    requester, approver, _ = admins
    user_id = f.user(("LIBRARIAN",))
    db.set_actor(requester)
    db.call("lib_auth.set_roles", user_id, "LIBRARIAN,BRANCH_MANAGER")
    request_id = pending_id(db, user_id, "BRANCH_MANAGER")

    db.set_actor(approver)
    db.call("lib_auth.approve_role_request", request_id)

    assert roles_of(db, user_id) == {"LIBRARIAN", "BRANCH_MANAGER"}
    assert db.fn("lib_auth.has_permission", user_id, "FINE_WAIVE") == 1
    assert db.scalar("SELECT ur.granted_by FROM user_roles ur JOIN roles r ON r.role_id = ur.role_id "
                     "WHERE ur.user_id = :u AND r.code = 'BRANCH_MANAGER'", {"u": user_id}) == approver
    row = db.one("SELECT status, requested_by, decided_by, decided_at FROM role_requests WHERE request_id = :r",
                 {"r": request_id})
    assert (row["status"], row["requested_by"], row["decided_by"]) == ("APPROVED", requester, approver)
    assert row["decided_at"] is not None


def test_the_requester_cannot_approve_their_own_request(db, f, admins):
    requester = admins[0]
    user_id = f.user(("LIBRARIAN",))
    db.set_actor(requester)
    db.call("lib_auth.set_roles", user_id, "BRANCH_MANAGER")
    request_id = pending_id(db, user_id, "BRANCH_MANAGER")
    refused_leaving(db, SECOND_APPROVER_REQUIRED, lambda: db.call("lib_auth.approve_role_request", request_id), *STATE)
    assert roles_of(db, user_id) == set()


def test_the_grantee_cannot_approve_a_request_for_themself(db, admins):
    requester, grantee, _ = admins
    db.set_actor(requester)
    db.call("lib_auth.set_roles", grantee, "IT_ADMIN,BRANCH_MANAGER")
    request_id = pending_id(db, grantee, "BRANCH_MANAGER")
    db.set_actor(grantee)
    refused_leaving(db, SECOND_APPROVER_REQUIRED, lambda: db.call("lib_auth.approve_role_request", request_id), *STATE)
    assert roles_of(db, grantee) == {"IT_ADMIN"}


def test_an_approval_names_its_approver(db, f, admins):
    user_id = f.user()
    db.set_actor(admins[0])
    db.call("lib_auth.set_roles", user_id, "BRANCH_MANAGER")
    request_id = pending_id(db, user_id, "BRANCH_MANAGER")
    db.set_actor(None)  # a script or the console: no second pair of eyes to record
    refused_leaving(db, SECOND_APPROVER_REQUIRED, lambda: db.call("lib_auth.approve_role_request", request_id), *STATE)


def test_an_it_admin_cannot_grant_themself_branch_manager_and_waive_a_fine(db, f, admins):
    itadmin = admins[0]
    patron = f.patron()
    db.set_actor(None)
    (fine_id,) = db.call("lib_fines.add_charge", patron, None, "MANUAL", Decimal("4.00"), "damage", Out(int))
    db.set_actor(itadmin)
    refused_leaving(db, OWN_ROLES_CHANGE, lambda: db.call("lib_auth.set_roles", itadmin, "IT_ADMIN,BRANCH_MANAGER"),
                    *STATE)
    assert roles_of(db, itadmin) == {"IT_ADMIN"} and requests_of(db, itadmin) == []
    refused_leaving(db, PERMISSION_DENIED, lambda: db.call("lib_fines.waive", fine_id, "my own favour"),
                    ("SELECT status, waived_by FROM fines WHERE fine_id = :f", {"f": fine_id}))


def test_an_administrator_saving_their_own_roles_unchanged_changes_nothing(db, admins):
    admin = admins[0]
    db.set_actor(admin)
    db.call("lib_auth.set_roles", admin, "it_admin")
    assert roles_of(db, admin) == {"IT_ADMIN"} and requests_of(db, admin) == []


def test_create_user_grants_plain_roles_and_asks_for_the_sensitive_ones(db, admins):
    requester = admins[0]
    db.set_actor(requester)
    (user_id,) = db.call("lib_auth.create_user", unique("new"), "hash", "New Admin", None, "LIBRARIAN,IT_ADMIN",
                         Out(int))
    assert roles_of(db, user_id) == {"LIBRARIAN"}
    assert [(r["code"], r["status"], r["requested_by"]) for r in requests_of(db, user_id)] == \
        [("IT_ADMIN", "PENDING", requester)]


def test_without_an_actor_every_role_is_granted_at_once(db, f):
    """Install scripts and the DBA console (no actor) bootstrap the first administrator."""
    user_id = f.user()
    db.set_actor(None)
    db.call("lib_auth.set_roles", user_id, "IT_ADMIN,BRANCH_MANAGER")
    assert roles_of(db, user_id) == {"IT_ADMIN", "BRANCH_MANAGER"} and requests_of(db, user_id) == []


def test_asking_again_keeps_one_pending_request(db, f, admins):
    user_id = f.user()
    db.set_actor(admins[0])
    db.call("lib_auth.set_roles", user_id, "BRANCH_MANAGER")
    db.set_actor(admins[1])
    db.call("lib_auth.set_roles", user_id, "BRANCH_MANAGER,CATALOGER")
    assert [(r["code"], r["requested_by"]) for r in requests_of(db, user_id)] == [("BRANCH_MANAGER", admins[0])]
    assert roles_of(db, user_id) == {"CATALOGER"}


def test_a_role_change_that_drops_a_requested_role_cancels_its_request(db, f, admins):
    user_id = f.user(("LIBRARIAN",))
    db.set_actor(admins[0])
    db.call("lib_auth.set_roles", user_id, "LIBRARIAN,BRANCH_MANAGER")
    request_id = pending_id(db, user_id, "BRANCH_MANAGER")
    db.set_actor(admins[1])
    db.call("lib_auth.set_roles", user_id, "LIBRARIAN")
    assert [(r["status"], r["decided_by"]) for r in requests_of(db, user_id)] == [("CANCELLED", admins[1])]
    refused(db, ROLE_REQUEST_NOT_PENDING, "lib_auth.approve_role_request", request_id)
    assert roles_of(db, user_id) == {"LIBRARIAN"}


def test_deactivating_an_account_cancels_its_pending_requests(db, f, admins):
    user_id = f.user(("LIBRARIAN",))
    db.set_actor(admins[0])
    db.call("lib_auth.set_roles", user_id, "LIBRARIAN,BRANCH_MANAGER")
    db.call("lib_auth.deactivate_user", user_id)
    assert [r["status"] for r in requests_of(db, user_id)] == ["CANCELLED"]


def test_any_administrator_rejects_and_a_decided_request_stays_decided(db, f, admins):
    requester, other, _ = admins
    user_id = f.user()
    db.set_actor(requester)
    db.call("lib_auth.set_roles", user_id, "BRANCH_MANAGER")
    request_id = pending_id(db, user_id, "BRANCH_MANAGER")
    db.call("lib_auth.reject_role_request", request_id)  # the requester withdraws it
    assert [(r["status"], r["decided_by"]) for r in requests_of(db, user_id)] == [("REJECTED", requester)]
    db.set_actor(other)
    refused(db, ROLE_REQUEST_NOT_PENDING, "lib_auth.approve_role_request", request_id)
    refused(db, ROLE_REQUEST_NOT_PENDING, "lib_auth.reject_role_request", request_id)
    assert roles_of(db, user_id) == set()


def test_approving_and_rejecting_need_user_admin(db, f, admins):
    user_id = f.user()
    db.set_actor(admins[0])
    db.call("lib_auth.set_roles", user_id, "BRANCH_MANAGER")
    request_id = pending_id(db, user_id, "BRANCH_MANAGER")
    db.set_actor(f.user(("BRANCH_MANAGER",)))
    refused_leaving(db, PERMISSION_DENIED, lambda: db.call("lib_auth.approve_role_request", request_id), *STATE)
    refused_leaving(db, PERMISSION_DENIED, lambda: db.call("lib_auth.reject_role_request", request_id), *STATE)


def test_an_unknown_request_is_refused(db, admins):
    db.set_actor(admins[0])
    refused(db, ROLE_REQUEST_NOT_FOUND, "lib_auth.approve_role_request", -1)
    refused(db, ROLE_REQUEST_NOT_FOUND, "lib_auth.reject_role_request", -1)


def test_the_request_and_the_approval_are_audited_with_their_actors(db, f, admins):
    requester, approver, _ = admins
    user_id = f.user()
    db.set_actor(requester)
    db.call("lib_auth.set_roles", user_id, "BRANCH_MANAGER")
    request_id = pending_id(db, user_id, "BRANCH_MANAGER")
    db.set_actor(approver)
    db.call("lib_auth.approve_role_request", request_id)
    trail = db.rows("SELECT table_name, action, actor_user_id, new_values FROM audit_log "
                    "WHERE (table_name = 'role_requests' AND row_id = :r) OR (table_name = 'user_roles' AND row_id = :u) "
                    "ORDER BY audit_id", {"r": request_id, "u": user_id})
    assert [(t["table_name"], t["action"], t["actor_user_id"]) for t in trail] == [
        ("role_requests", "INSERT", requester), ("role_requests", "UPDATE", approver),
        ("user_roles", "INSERT", approver)]
    assert "status=PENDING;" in trail[0]["new_values"]
    assert "status=APPROVED;" in trail[1]["new_values"] and f"decided_by={approver};" in trail[1]["new_values"]


def test_the_table_itself_refuses_an_approval_by_the_requester(db, f, admins):
    """The four-eyes rule holds even for a write past the package (role_requests_four_eyes_ck)."""
    user_id = f.user()
    db.set_actor(admins[0])
    db.call("lib_auth.set_roles", user_id, "BRANCH_MANAGER")
    request_id = pending_id(db, user_id, "BRANCH_MANAGER")
    with pytest.raises(DbError):
        with db.savepoint():
            db.execute("UPDATE role_requests SET status = 'APPROVED', decided_by = requested_by, "
                       "decided_at = requested_at WHERE request_id = :r", {"r": request_id})
