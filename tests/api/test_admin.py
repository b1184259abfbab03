"""Administration: health, audit trail, roles, deactivation."""
from __future__ import annotations

from tests.api.conftest import PASSWORD, error_code


def test_health_reports_database_pool_and_endpoints(client, staff):
    client.get("/api/branches")
    r = client.get("/api/admin/health", headers=staff["IT_ADMIN"].headers)
    assert r.status_code == 200, r.text
    h = r.json()
    assert h["status"] in ("healthy", "degraded")
    assert h["database"]["status"] == "healthy" and h["database"]["latency_ms"] > 0
    assert {"size", "in_use", "idle", "max"} <= set(h["database"]["pool"])
    assert h["api"]["uptime_s"] > 0 and h["api"]["requests_per_min"] >= 1
    paths = {e["path"]: e for e in h["endpoints"]}
    assert "GET /api/branches" in paths
    e = paths["GET /api/branches"]
    assert e["requests"] >= 1 and e["avg_ms"] > 0 and e["p95_ms"] >= e["avg_ms"] * 0 and e["status"] == "up"
    assert h["jobs"] is None or isinstance(h["jobs"], list)


def test_health_reports_the_notice_outbox_and_metrics_its_gauges(client, staff, installed_db):
    from datetime import datetime, timedelta

    from tests import sessions
    from tests.factories import Factory
    with sessions.rolled_back_session(installed_db) as s:  # a dead letter to list
        s.set_actor(None)
        f = Factory(s)
        hold_copy = f.copy()
        patron = f.patron()
        material = s.scalar("SELECT material_id FROM copies WHERE copy_id = :c", {"c": hold_copy})
        hold = s.insert("holds", {"patron_id": patron, "material_id": material, "pickup_branch_id": f.main_branch(),
                                  "status": "PENDING"}, "hold_id")
        notice = s.insert("notices", {"notice_type": "HOLD_READY", "patron_id": patron, "hold_id": hold,
                                      "subject_id": hold, "notice_day": datetime.utcnow().replace(hour=0, minute=0, second=0, microsecond=0),
                                      "status": "DEAD", "attempts": 1, "error_text": "SendGrid 400: bad address",
                                      "last_attempt_at": datetime.utcnow() - timedelta(minutes=1)}, "notice_id")
        s.commit()
    h = client.get("/api/admin/health", headers=staff["IT_ADMIN"].headers).json()
    n = h["notices"]
    assert n["delivery"] in ("files", "sendgrid") and n["delivery_text"]
    assert set(n["depth"]) == {"PENDING", "SENDING", "FAILED", "DEAD"} and n["depth"]["DEAD"] >= 1
    assert n["failed_last_hour"] >= 1 and isinstance(n["sent_last_hour"], int)
    dead = {d["notice_id"]: d for d in n["dead_letters"]}
    assert dead[notice]["error_text"] == "SendGrid 400: bad address" and dead[notice]["notice_type"] == "HOLD_READY"
    metrics = client.get("/metrics").text
    assert 'ils_notices_outbox{status="DEAD"}' in metrics and "ils_notices_oldest_pending_seconds" in metrics


def test_audit_log_filters_by_user_and_action(client, staff, people):
    acct = people.make("LIBRARIAN")
    assert client.post("/api/auth/login", json={"username": acct.username, "password": PASSWORD}).status_code == 200
    r = client.get("/api/admin/audit-logs", params={"user_id": acct.user_id, "action": "LOGIN"},
                   headers=staff["IT_ADMIN"].headers)
    assert r.status_code == 200
    items = r.json()["items"]
    assert len(items) == 1 and items[0]["actor_user_id"] == acct.user_id and items[0]["action"] == "LOGIN"
    assert r.json()["total"] == 1
    assert client.get("/api/admin/audit-logs", headers=staff["LIBRARY_DIRECTOR"].headers).status_code == 200
    assert client.get("/api/admin/audit-logs", headers=staff["LIBRARIAN"].headers).status_code == 403
    assert client.get("/api/admin/audit-logs", params={"action": "HACK"}, headers=staff["IT_ADMIN"].headers).status_code == 422


def test_set_roles_takes_effect_at_next_login(client, staff, people):
    acct = people.make("LIBRARIAN")
    r = client.post(f"/api/admin/users/{acct.user_id}/roles", json={"roles": ["cataloger", "LIBRARY_DIRECTOR"]},
                    headers=staff["IT_ADMIN"].headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"user_id": acct.user_id, "username": acct.username, "roles": ["CATALOGER", "LIBRARY_DIRECTOR"],
                        "pending_roles": []}
    token = client.post("/api/auth/login", json={"username": acct.username, "password": PASSWORD}).json()["access_token"]
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["roles"] == ["CATALOGER", "LIBRARY_DIRECTOR"] and "CIRC_CHECKOUT" not in me["permissions"]


def test_set_roles_refusals_change_nothing(client, staff, people, unchanged):
    acct = people.make("LIBRARIAN")
    for user_id, body, headers, status, code in [
        (acct.user_id, {"roles": ["LIBRARIAN", "EMPEROR"]}, staff["IT_ADMIN"].headers, 422, "ROLE_NOT_FOUND"),
        (987654321, {"roles": ["LIBRARIAN"]}, staff["IT_ADMIN"].headers, 404, "USER_NOT_FOUND"),
        (acct.user_id, {"roles": "LIBRARIAN"}, staff["IT_ADMIN"].headers, 422, "VALIDATION_ERROR"),
        (acct.user_id, {"roles": ["IT_ADMIN"]}, staff["BRANCH_MANAGER"].headers, 403, "FORBIDDEN"),
    ]:
        with unchanged():
            r = client.post(f"/api/admin/users/{user_id}/roles", json=body, headers=headers)
        assert (r.status_code, error_code(r)) == (status, code), (body, r.text)


def test_delete_user_deactivates_and_blocks_login(client, staff, people, arrange):
    acct = people.make("LIBRARIAN")
    r = client.delete(f"/api/admin/users/{acct.user_id}", headers=staff["IT_ADMIN"].headers)
    assert r.status_code == 200 and r.json() == {"user_id": acct.user_id, "username": acct.username, "is_active": False}
    assert arrange.scalar("SELECT COUNT(*) FROM users WHERE user_id = :u", {"u": acct.user_id}) == 1  # kept
    r = client.post("/api/auth/login", json={"username": acct.username, "password": PASSWORD})
    assert r.status_code == 401 and error_code(r) == "INVALID_CREDENTIALS"  # as a wrong password would be
    assert client.get("/api/auth/me", headers=acct.headers).status_code == 401  # its token ended with it


def test_delete_user_refusals_change_nothing(client, staff, people, unchanged):
    admin = people.make("IT_ADMIN")
    with unchanged():
        r = client.delete(f"/api/admin/users/{admin.user_id}", headers=admin.headers)
        assert r.status_code == 422 and error_code(r) == "INVALID_ARGUMENT"
        r = client.delete("/api/admin/users/987654321", headers=admin.headers)
        assert r.status_code == 404 and error_code(r) == "USER_NOT_FOUND"
        r = client.delete(f"/api/admin/users/{staff['LIBRARIAN'].user_id}", headers=staff["LIBRARY_DIRECTOR"].headers)
        assert r.status_code == 403


def test_deactivated_staff_token_can_no_longer_write(client, staff, people, arrange, unchanged):
    acct = people.make("LIBRARIAN")
    patron = people.make("PATRON")
    copy = arrange.copy()
    assert client.delete(f"/api/admin/users/{acct.user_id}", headers=staff["IT_ADMIN"].headers).status_code == 200
    with unchanged():
        r = client.post("/api/circulation/checkout", json={"patron_id": patron.patron_id, "copy_id": copy},
                        headers=acct.headers)
    assert r.status_code == 401 and error_code(r) == "NOT_AUTHENTICATED"  # the deactivation ended its session


def test_a_role_with_fine_waive_waits_for_a_second_administrator(client, people, arrange, unchanged):
    requester, approver = people.make("IT_ADMIN"), people.make("IT_ADMIN")
    acct = people.make("LIBRARIAN")
    r = client.post(f"/api/admin/users/{acct.user_id}/roles", json={"roles": ["LIBRARIAN", "BRANCH_MANAGER"]},
                    headers=requester.headers)
    assert r.status_code == 200, r.text
    assert (r.json()["roles"], r.json()["pending_roles"]) == (["LIBRARIAN"], ["BRANCH_MANAGER"])

    r = client.get("/api/admin/role-requests", headers=approver.headers)
    assert r.status_code == 200, r.text
    mine = [i for i in r.json()["items"] if i["user_id"] == acct.user_id]
    assert [(i["role"], i["status"], i["requested_by_username"]) for i in mine] == \
        [("BRANCH_MANAGER", "PENDING", requester.username)]
    request_id = mine[0]["request_id"]

    with unchanged():
        r = client.post(f"/api/admin/role-requests/{request_id}/approve", headers=requester.headers)
        assert (r.status_code, error_code(r)) == (403, "SECOND_APPROVER_REQUIRED")
        r = client.post(f"/api/admin/role-requests/{request_id}/approve", headers=acct.headers)
        assert r.status_code == 403

    r = client.post(f"/api/admin/role-requests/{request_id}/approve", headers=approver.headers)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["decided_by"], r.json()["decided_by_username"]) == \
        ("APPROVED", approver.user_id, approver.username)
    assert arrange.scalar("SELECT COUNT(*) FROM user_roles ur JOIN roles r ON r.role_id = ur.role_id "
                          "WHERE ur.user_id = :u AND r.code = 'BRANCH_MANAGER'", {"u": acct.user_id}) == 1
    r = client.get("/api/auth/me", headers=acct.headers)  # the grant ended the grantee's session
    assert (r.status_code, error_code(r)) == (401, "NOT_AUTHENTICATED")
    with unchanged():
        r = client.post(f"/api/admin/role-requests/{request_id}/reject", headers=approver.headers)
        assert (r.status_code, error_code(r)) == (409, "ROLE_REQUEST_NOT_PENDING")
        r = client.post("/api/admin/role-requests/987654321/approve", headers=approver.headers)
        assert (r.status_code, error_code(r)) == (404, "ROLE_REQUEST_NOT_FOUND")


def test_a_rejected_role_is_not_granted(client, people, arrange):
    requester, other = people.make("IT_ADMIN"), people.make("IT_ADMIN")
    acct = people.make("LIBRARIAN")
    client.post(f"/api/admin/users/{acct.user_id}/roles", json={"roles": ["IT_ADMIN"]}, headers=requester.headers)
    request_id = arrange.scalar("SELECT request_id FROM role_requests WHERE user_id = :u AND status = 'PENDING'",
                                {"u": acct.user_id})
    r = client.post(f"/api/admin/role-requests/{request_id}/reject", headers=other.headers)
    assert r.status_code == 200 and r.json()["status"] == "REJECTED"
    r = client.get("/api/admin/role-requests", params={"status": "REJECTED"}, headers=other.headers)
    assert request_id in [i["request_id"] for i in r.json()["items"]]
    assert arrange.scalar("SELECT COUNT(*) FROM user_roles WHERE user_id = :u", {"u": acct.user_id}) == 0


def test_an_administrator_cannot_change_their_own_roles(client, people, unchanged):
    admin = people.make("IT_ADMIN")
    with unchanged():
        r = client.post(f"/api/admin/users/{admin.user_id}/roles", json={"roles": ["IT_ADMIN", "BRANCH_MANAGER"]},
                        headers=admin.headers)
        assert (r.status_code, error_code(r)) == (403, "OWN_ROLES_CHANGE")
        r = client.get("/api/admin/role-requests", params={"status": "SIGNED"}, headers=admin.headers)
        assert (r.status_code, error_code(r)) == (422, "VALIDATION_ERROR")
