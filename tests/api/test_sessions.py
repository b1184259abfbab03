"""Sessions over HTTP: a token is worth its session. Logout, a password change (POST /api/auth/password),
a deactivation and a change of roles or home branch end earlier tokens at once; the login answers alike
for every failure and says "locked" only after the right password; the lock ends by itself."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from jose import jwt

from datalayer.gateway import Gateway
from datalayer.session import connect
from services import accounts
from tests.api.conftest import PASSWORD, error_code

NEW_PASSWORD = "a-new-passphrase-7"


def _login(client, username, password=PASSWORD):
    return client.post("/api/auth/login", json={"username": username, "password": password})


def _token(client, username, password=PASSWORD) -> str:
    r = _login(client, username, password)
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def _h(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _me(client, token):
    return client.get("/api/auth/me", headers=_h(token))


def _run(url, sql, binds=None):
    s = connect(url)
    try:
        s.execute(sql, binds or {})
        s.commit()
    finally:
        s.close()


# ---- logout -----------------------------------------------------------------------------------------

def test_logout_ends_this_token_only(client, people):
    acct = people.make("LIBRARIAN")
    first, second = _token(client, acct.username), _token(client, acct.username)
    assert client.post("/api/auth/logout", headers=_h(first)).status_code == 204
    r = _me(client, first)
    assert r.status_code == 401 and error_code(r) == "NOT_AUTHENTICATED"
    assert _me(client, second).status_code == 200


def test_logout_everywhere_ends_every_token_of_the_account(client, people):
    acct = people.make("PATRON")
    first, second = _token(client, acct.username), _token(client, acct.username)
    r = client.post("/api/auth/logout", headers=_h(first), json={"everywhere": True})
    assert r.status_code == 204
    assert (_me(client, first).status_code, _me(client, second).status_code) == (401, 401)


def test_a_token_ended_by_logout_cannot_write(client, people, arrange):
    """Writes are refused by the database too (lib_session.set_actor), not only by the API's session check."""
    acct = people.make("PATRON", patron=True)
    token = _token(client, acct.username)
    copy_id = arrange.copy()
    material = arrange.scalar("SELECT material_id FROM copies WHERE copy_id = :c", {"c": copy_id})
    client.post("/api/auth/logout", headers=_h(token))
    r = client.post(f"/api/patron/me/reserve/{material}", headers=_h(token))
    assert r.status_code == 401
    assert arrange.scalar("SELECT COUNT(*) FROM holds WHERE patron_id = :p", {"p": acct.patron_id}) == 0


# ---- password change ----------------------------------------------------------------------------------

def test_password_change_ends_every_earlier_token_and_answers_with_a_new_one(client, people, installed_db):
    acct = people.make("LIBRARIAN")
    first, second = _token(client, acct.username), _token(client, acct.username)
    r = client.post("/api/auth/password", headers=_h(first),
                    json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    fresh = r.json()["access_token"]
    assert (_me(client, first).status_code, _me(client, second).status_code) == (401, 401)
    assert _me(client, fresh).status_code == 200
    assert _login(client, acct.username).status_code == 401
    assert _login(client, acct.username, NEW_PASSWORD).status_code == 200
    s = connect(installed_db)
    try:
        reasons = {r["revoked_reason"] for r in s.rows(
            "SELECT revoked_reason FROM user_sessions WHERE user_id = :u AND revoked_at IS NOT NULL", {"u": acct.user_id})}
    finally:
        s.close()
    assert reasons == {"PASSWORD"}


def test_password_change_with_a_wrong_current_password_is_401_counted_and_changes_nothing(client, people,
                                                                                            installed_db):
    acct = people.make("LIBRARIAN")
    token = _token(client, acct.username)
    r = client.post("/api/auth/password", headers=_h(token),
                    json={"current_password": "not-it", "new_password": NEW_PASSWORD})
    assert r.status_code == 401 and error_code(r) == "INVALID_CREDENTIALS"
    s = connect(installed_db)
    try:
        assert s.scalar("SELECT failed_logins FROM users WHERE user_id = :u", {"u": acct.user_id}) == 1
    finally:
        s.close()
    assert _me(client, token).status_code == 200
    assert _login(client, acct.username).status_code == 200


@pytest.mark.parametrize("new", ["short", PASSWORD])
def test_password_change_to_a_short_or_the_same_password_is_422(client, people, new):
    acct = people.make("PATRON")
    token = _token(client, acct.username)
    r = client.post("/api/auth/password", headers=_h(token), json={"current_password": PASSWORD, "new_password": new})
    assert r.status_code == 422 and error_code(r) == "VALIDATION_ERROR"
    assert _me(client, token).status_code == 200


def test_password_change_needs_a_token(client):
    r = client.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert r.status_code == 401


# ---- what an administrator does ends the user's tokens ------------------------------------------------

def test_deactivation_ends_the_users_tokens_at_once(client, people, staff):
    acct = people.make("PATRON", patron=True)
    token = _token(client, acct.username)
    assert client.delete(f"/api/admin/users/{acct.user_id}", headers=staff["IT_ADMIN"].headers).status_code == 200
    assert _me(client, token).status_code == 401
    assert client.get("/api/patron/me/loans", headers=_h(token)).status_code == 401


def test_a_change_of_roles_ends_the_users_tokens_and_the_next_login_carries_the_new_ones(client, people, staff):
    acct = people.make("LIBRARIAN")
    token = _token(client, acct.username)
    r = client.post(f"/api/admin/users/{acct.user_id}/roles", headers=staff["IT_ADMIN"].headers,
                    json={"roles": ["CATALOGER"]})
    assert r.status_code == 200
    assert _me(client, token).status_code == 401
    assert _me(client, _token(client, acct.username)).json()["roles"] == ["CATALOGER"]


def test_setting_the_same_roles_again_ends_nothing(client, people, staff):
    acct = people.make("LIBRARIAN")
    token = _token(client, acct.username)
    client.post(f"/api/admin/users/{acct.user_id}/roles", headers=staff["IT_ADMIN"].headers,
                json={"roles": ["LIBRARIAN"]})
    assert _me(client, token).status_code == 200


def test_a_change_of_home_branch_ends_the_users_tokens(client, people, staff, arrange):
    acct = people.make("BRANCH_MANAGER")
    token = _token(client, acct.username)
    branch = arrange.branch()
    r = client.post(f"/api/admin/users/{acct.user_id}/home-branch", headers=staff["IT_ADMIN"].headers,
                    json={"branch_id": branch})
    assert r.status_code == 200 and r.json()["home_branch_id"] == branch
    assert _me(client, token).status_code == 401
    assert _me(client, _token(client, acct.username)).json()["home_branch_id"] == branch


def test_home_branch_needs_user_admin(client, people, staff):
    acct = people.make("BRANCH_MANAGER")
    r = client.post(f"/api/admin/users/{acct.user_id}/home-branch", headers=staff["BRANCH_MANAGER"].headers,
                    json={"branch_id": None})
    assert r.status_code == 403


def test_a_branch_manager_waives_over_the_api_at_their_branch_only(client, people, arrange):
    manager = people.make("BRANCH_MANAGER")  # home branch MAIN
    here = arrange.charge(arrange.patron(arrange.main_branch()))
    there = arrange.charge(arrange.patron(arrange.branch()))
    ok = client.post(f"/api/fines/{here}/waive", headers=manager.headers, json={"reason": "goodwill"})
    assert ok.status_code == 200 and ok.json()["status"] == "WAIVED"
    r = client.post(f"/api/fines/{there}/waive", headers=manager.headers, json={"reason": "goodwill"})
    assert r.status_code == 403 and error_code(r) == "OUTSIDE_HOME_BRANCH" and r.json()["error"]["db_code"] == -20453
    assert arrange.scalar("SELECT status FROM fines WHERE fine_id = :f", {"f": there}) == "OPEN"


def test_sessions_lists_the_callers_sessions_and_marks_this_one(client, people):
    acct = people.make("PATRON")
    first, second = _token(client, acct.username), _token(client, acct.username)
    client.post("/api/auth/logout", headers=_h(second))
    rows = client.get("/api/auth/sessions", headers=_h(first)).json()
    current = [r for r in rows if r["current"]]
    assert len(current) == 1 and current[0]["revoked_at"] is None and current[0]["kind"] == "API"
    assert any(r["revoked_reason"] == "LOGOUT" for r in rows)


# ---- login: the same answer for every failure, "locked" only after the right password ------------------

def test_every_kind_of_failed_login_is_the_same_401(client, people, installed_db):
    wrong, inactive, locked = people.make("LIBRARIAN"), people.make("LIBRARIAN"), people.make("LIBRARIAN")
    _run(installed_db, "UPDATE users SET is_active = 'N' WHERE user_id = :u", {"u": inactive.user_id})
    _run(installed_db, "UPDATE users SET account_locked = 'Y', locked_until = :t WHERE user_id = :u",
         {"t": datetime.utcnow() + timedelta(hours=1), "u": locked.user_id})
    answers = [_login(client, "nobody-" + wrong.username, "whatever"), _login(client, wrong.username, "whatever"),
               _login(client, inactive.username), _login(client, inactive.username, "whatever"),
               _login(client, locked.username, "whatever")]
    bodies = {(r.status_code, r.json()["error"]["code"], r.json()["error"]["db_code"], r.json()["error"]["message"])
              for r in answers}
    assert bodies == {(401, "INVALID_CREDENTIALS", -20406, "Wrong username or password.")}


def test_every_kind_of_failed_login_does_the_same_work(installed_db, people, monkeypatch):
    """One argon2 verify and the same two database calls for an unknown user, a wrong password, a deactivated
    account and a locked one: nothing in the work (so in the time) tells them apart."""
    wrong, inactive, locked = people.make("LIBRARIAN"), people.make("LIBRARIAN"), people.make("LIBRARIAN")
    _run(installed_db, "UPDATE users SET is_active = 'N' WHERE user_id = :u", {"u": inactive.user_id})
    _run(installed_db, "UPDATE users SET account_locked = 'Y' WHERE user_id = :u", {"u": locked.user_id})
    verified: list[str] = []
    real_verify = accounts.verify_password
    monkeypatch.setattr(accounts, "verify_password", lambda h, p: verified.append(p) or real_verify(h, p))
    calls: list[str] = []
    gw = Gateway(installed_db, min_size=1, max_size=2, observer=lambda proc, secs, ok: calls.append(proc)).open()
    try:
        work = []
        for username, password in (("nobody-" + wrong.username, "x"), (wrong.username, "x"),
                                   (inactive.username, "x"), (locked.username, "x")):
            verified.clear()
            calls.clear()
            with pytest.raises(accounts.AccountRefusal) as refusal:
                accounts.login(gw, username, password, kind="API", lifetime_s=600)
            assert refusal.value.code == "INVALID_CREDENTIALS"
            work.append((len(verified), tuple(calls)))
    finally:
        gw.close()
    assert set(work) == {(1, ("lib_auth.check_can_login", "lib_auth.login_failed"))}


def test_a_lock_ends_by_itself_and_then_the_right_password_works(client, people, installed_db):
    acct = people.make("LIBRARIAN")
    for _ in range(5):
        _login(client, acct.username, "wrong")
    assert _login(client, acct.username).status_code == 423
    _run(installed_db, "UPDATE users SET locked_until = :t WHERE user_id = :u",
         {"t": datetime.utcnow() - timedelta(seconds=1), "u": acct.user_id})
    assert _login(client, acct.username).status_code == 200


def test_an_it_admin_can_still_be_unlocked_by_another(client, people, staff):
    """Locking every IT admin out would leave nobody to unlock accounts: another one unlocks at once, and
    any lock ends by itself (above)."""
    admin = people.make("IT_ADMIN")
    for _ in range(5):
        _login(client, admin.username, "wrong")
    assert _login(client, admin.username).status_code == 423
    s = connect(people.url)
    try:
        s.set_actor(staff["IT_ADMIN"].user_id, jwt.get_unverified_claims(staff["IT_ADMIN"].token)["sid"])
        s.call("lib_auth.unlock_account", admin.user_id)
        s.commit()
    finally:
        s.close()
    assert _login(client, admin.username).status_code == 200
