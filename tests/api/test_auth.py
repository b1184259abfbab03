"""Login, lockout, registration, /me and the JWT checks (every forged or stale token is a 401)."""
from __future__ import annotations

import base64
import json
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

from api.security import issue_token
from datalayer.session import connect
from services.accounts import SignedIn
from tests.api.conftest import PASSWORD, error_code, snapshot
from tests.factories import unique


def _login(client, username, password=PASSWORD):
    return client.post("/api/auth/login", json={"username": username, "password": password})


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _user_row(url, user_id):
    s = connect(url)
    try:
        return s.one("SELECT failed_logins, account_locked, is_active, last_login_at FROM users WHERE user_id = :u",
                     {"u": user_id})
    finally:
        s.rollback()
        s.close()


# ---- login -----------------------------------------------------------------------------------------

def test_login_returns_bearer_token_with_roles_and_permissions(client, people):
    acct = people.make("LIBRARIAN")
    r = _login(client, acct.username)
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 30 * 60
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["user_id"] == acct.user_id
    assert me.json()["roles"] == ["LIBRARIAN"]
    assert "CIRC_CHECKOUT" in me.json()["permissions"] and "FINE_WAIVE" not in me.json()["permissions"]
    assert me.json()["patron_id"] is None
    claims = jwt.get_unverified_claims(body["access_token"])
    assert {"sub", "username", "roles", "permissions", "sid", "iat", "exp"} <= set(claims)


def test_login_of_patron_carries_patron_id(client, people):
    acct = people.make("PATRON")
    r = _login(client, acct.username)
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
    assert me.json()["patron_id"] == acct.patron_id


def test_login_success_resets_failure_count(client, people, installed_db):
    acct = people.make("LIBRARIAN")
    assert _login(client, acct.username, "wrong-password").status_code == 401
    assert _user_row(installed_db, acct.user_id)["failed_logins"] == 1
    assert _login(client, acct.username).status_code == 200
    row = _user_row(installed_db, acct.user_id)
    assert row["failed_logins"] == 0 and row["last_login_at"] is not None


def test_login_wrong_password_is_401_and_counted(client, people, installed_db):
    acct = people.make("LIBRARIAN")
    r = _login(client, acct.username, "not-the-password")
    assert r.status_code == 401
    assert r.json()["error"] == {"code": "INVALID_CREDENTIALS", "db_code": -20406, "message": r.json()["error"]["message"]}
    assert _user_row(installed_db, acct.user_id)["failed_logins"] == 1


def test_login_unknown_user_is_401_like_a_wrong_password(client):
    r = _login(client, unique("nobody"))
    assert r.status_code == 401 and error_code(r) == "INVALID_CREDENTIALS"


def test_repeated_failures_lock_the_account_but_only_the_right_password_hears_423(client, people, installed_db):
    acct = people.make("LIBRARIAN")
    limit = 5  # app_settings MAX_FAILED_LOGINS
    statuses = [_login(client, acct.username, f"wrong-{i}").status_code for i in range(limit + 2)]
    assert statuses == [401] * (limit + 2)  # a guesser cannot tell the lock from a wrong password
    assert _user_row(installed_db, acct.user_id)["account_locked"] == "Y"
    r = _login(client, acct.username)  # the right password learns of the lock
    assert r.status_code == 423 and error_code(r) == "ACCOUNT_LOCKED" and r.json()["error"]["db_code"] == -20407


def test_locked_account_cannot_log_in(client, people, installed_db):
    acct = people.make("LIBRARIAN")
    s = connect(installed_db)
    s.execute("UPDATE users SET account_locked = 'Y' WHERE user_id = :u", {"u": acct.user_id})
    s.commit()
    s.close()
    assert error_code(_login(client, acct.username, "wrong-password")) == "INVALID_CREDENTIALS"
    r = _login(client, acct.username)
    assert r.status_code == 423 and error_code(r) == "ACCOUNT_LOCKED"


def test_inactive_account_is_refused_as_a_wrong_password(client, people, installed_db):
    acct = people.make("LIBRARIAN")
    s = connect(installed_db)
    s.execute("UPDATE users SET is_active = 'N' WHERE user_id = :u", {"u": acct.user_id})
    s.commit()
    s.close()
    for password in (PASSWORD, "wrong-password"):
        r = _login(client, acct.username, password)
        assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_CREDENTIALS"
        assert r.json()["error"]["db_code"] == -20406


@pytest.mark.parametrize("body", [{}, {"username": "x"}, {"password": "x"}, {"username": "", "password": "x"},
                                  {"username": "x", "password": "y", "extra": 1}])
def test_login_malformed_body_is_422(client, body):
    r = client.post("/api/auth/login", json=body)
    assert r.status_code == 422 and error_code(r) == "VALIDATION_ERROR"


def test_login_rate_limited_per_username(api_settings, installed_db):
    """A small limit on a separate app instance: the 4th attempt in the window is a 429."""
    import dataclasses

    import httpx

    from server.main import create_app
    from tests.api.conftest import LiveServer

    settings = dataclasses.replace(api_settings, login_rate_per_user=3, login_rate_per_ip=1000, pool_min=1, pool_max=2)
    with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url) as c:
        name = unique("rl")
        codes = [c.post("/api/auth/login", json={"username": name, "password": "x"}).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        r = c.post("/api/auth/login", json={"username": name, "password": "x"})
        assert error_code(r) == "RATE_LIMITED" and int(r.headers["Retry-After"]) >= 1
        assert r.json()["error"]["db_code"] is None


def test_login_rate_limited_per_client_ip(api_settings):
    import dataclasses

    import httpx

    from server.main import create_app
    from tests.api.conftest import LiveServer

    settings = dataclasses.replace(api_settings, login_rate_per_user=1000, login_rate_per_ip=3, pool_min=1, pool_max=2)
    with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url) as c:
        codes = [c.post("/api/auth/login", json={"username": unique("ip"), "password": "x"}).status_code
                 for _ in range(4)]
        assert codes == [401, 401, 401, 429]


# ---- registration ----------------------------------------------------------------------------------

def test_register_creates_patron_account_that_can_log_in(client, installed_db):
    name = unique("reg").lower()
    r = client.post("/api/auth/register", json={"username": name, "password": "long-enough-1",
                                                "full_name": "Ada Lovelace", "email": f"{name}@example.org"})
    assert r.status_code == 201, r.text
    body = r.json()
    token = _login(client, name, "long-enough-1").json()["access_token"]
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["roles"] == ["PATRON"] and me["patron_id"] == body["patron_id"]


def test_register_short_password_is_422_and_creates_nothing(client, installed_db):
    before = snapshot(installed_db, "users", "patrons")
    name = unique("reg").lower()
    r = client.post("/api/auth/register", json={"username": name, "password": "short",
                                                "full_name": "Ada Lovelace", "email": f"{name}@example.org"})
    assert r.status_code == 422 and error_code(r) == "VALIDATION_ERROR"
    assert snapshot(installed_db, "users", "patrons") == before


def test_register_taken_username_is_409(client, people, installed_db):
    acct = people.make("LIBRARIAN")
    before = snapshot(installed_db, "users", "patrons")
    r = client.post("/api/auth/register", json={"username": acct.username, "password": "long-enough-1",
                                                "full_name": "Someone Else", "email": "else@example.org"})
    assert r.status_code == 409 and error_code(r) == "USERNAME_TAKEN"
    assert r.json()["error"]["db_code"] == -20409
    assert snapshot(installed_db, "users", "patrons") == before


# ---- tokens ----------------------------------------------------------------------------------------

def _me(client, token):
    return client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})


def test_me_without_token_is_401(client):
    r = client.get("/api/auth/me")
    assert r.status_code == 401 and error_code(r) == "NOT_AUTHENTICATED"
    assert r.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer", "Basic dXNlcjpwYXNz", "Bearer not.a.jwt", "Bearer a.b",
                                    "Token abc"])
def test_malformed_authorization_is_401(client, header):
    r = client.get("/api/auth/me", headers={"Authorization": header})
    assert r.status_code == 401 and error_code(r) == "NOT_AUTHENTICATED"


def test_alg_none_token_is_401(client, staff):
    claims = jwt.get_unverified_claims(staff["IT_ADMIN"].token)
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    assert _me(client, token).status_code == 401
    assert _me(client, token[:-1] + "x").status_code == 401


def test_tampered_payload_is_401(client, staff):
    head, payload, sig = staff["LIBRARIAN"].token.split(".")
    claims = jwt.get_unverified_claims(staff["LIBRARIAN"].token)
    claims["permissions"] = claims["permissions"] + ["USER_ADMIN", "FINE_WAIVE"]
    forged = f"{head}.{_b64(claims)}.{sig}"
    assert _me(client, forged).status_code == 401
    assert client.get("/api/admin/audit-logs", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_expired_token_is_401(client, staff, api_settings):
    claims = jwt.get_unverified_claims(staff["LIBRARIAN"].token)
    claims.update(iat=int(time.time()) - 3600, exp=int(time.time()) - 60)
    token = jwt.encode(claims, api_settings.jwt_secret, algorithm="HS256")
    assert _me(client, token).status_code == 401


def test_token_signed_with_wrong_key_is_401(client, staff):
    claims = jwt.get_unverified_claims(staff["LIBRARIAN"].token)
    token = jwt.encode(claims, "some-other-secret-that-is-long", algorithm="HS256")
    assert _me(client, token).status_code == 401


def test_token_without_exp_is_401(client, staff, api_settings):
    claims = jwt.get_unverified_claims(staff["LIBRARIAN"].token)
    claims.pop("exp")
    assert _me(client, jwt.encode(claims, api_settings.jwt_secret, algorithm="HS256")).status_code == 401


def test_hs256_and_rs256_confusion_is_401(client, staff, api_settings):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    claims = jwt.get_unverified_claims(staff["LIBRARIAN"].token)
    rs = jwt.encode(claims, private_pem.decode(), algorithm="RS256")
    assert _me(client, rs).status_code == 401
    # the public key used as an HMAC secret (the classic confusion attack)
    import hashlib
    import hmac
    head = _b64({"alg": "HS256", "typ": "JWT"})
    body = _b64(claims)
    sig = base64.urlsafe_b64encode(hmac.new(public_pem, f"{head}.{body}".encode(), hashlib.sha256).digest()).rstrip(b"=")
    assert _me(client, f"{head}.{body}.{sig.decode()}").status_code == 401
    # other HMAC algorithms signed with the right secret are refused too (fixed algorithm list)
    assert _me(client, jwt.encode(claims, api_settings.jwt_secret, algorithm="HS512")).status_code == 401


def test_token_signed_with_the_server_secret_but_naming_no_session_is_401(client, api_settings):
    """The signature is not enough: a token is worth its session, and a made-up one names none."""
    ghost = SignedIn(user_id=999_999, username="ghost", session_key="made-up-session-key-" + "x" * 24)
    token, _ = issue_token(ghost, api_settings.jwt_secret, 5)
    assert _me(client, token).status_code == 401
    claims = jwt.get_unverified_claims(token)
    claims.pop("sid")
    assert _me(client, jwt.encode(claims, api_settings.jwt_secret, algorithm="HS256")).status_code == 401


def test_token_of_another_users_session_is_401(client, people, api_settings):
    """A token forged with the server secret that puts one user's session under another user's id."""
    victim, thief = people.make("LIBRARIAN"), people.make("PATRON")
    claims = jwt.get_unverified_claims(thief.token)
    claims.update(sub=str(victim.user_id), roles=["LIBRARIAN"], permissions=["CIRC_CHECKOUT"], patron_id=None)
    assert _me(client, jwt.encode(claims, api_settings.jwt_secret, algorithm="HS256")).status_code == 401


def test_token_accepted_once_is_refused_after_it_expires(client, people, api_settings):
    now = int(time.time())
    claims = jwt.get_unverified_claims(people.make("PATRON").token)
    claims.update(iat=now, exp=now + 2)
    token = jwt.encode(claims, api_settings.jwt_secret, algorithm="HS256")
    assert _me(client, token).status_code == 200  # verified and remembered
    time.sleep(2.2)
    assert _me(client, token).status_code == 401


@pytest.mark.parametrize("ahead, status", [(3600 * 24 * 365, 401), (600, 401), (5, 200)])
def test_token_issued_in_the_future_is_401_beyond_a_small_leeway(client, staff, api_settings, ahead, status):
    claims = jwt.get_unverified_claims(staff["LIBRARIAN"].token)
    claims.update(iat=int(time.time()) + ahead, exp=int(time.time()) + ahead + 600)
    assert _me(client, jwt.encode(claims, api_settings.jwt_secret, algorithm="HS256")).status_code == status
