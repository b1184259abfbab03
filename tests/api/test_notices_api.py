"""The portal's notice preferences, the signed unsubscribe link and SendGrid's signed event webhook, over HTTP."""
from __future__ import annotations

import base64
import json
import time

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from datalayer.session import connect
from services.notices import links, webhook
from tests.api.conftest import error_code

SECRET = "a-test-secret-of-enough-length"


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("ILS_NOTICE_SECRET", SECRET)


def patron_row(url: str, patron_id: int) -> dict:
    s = connect(url)
    try:
        return s.one("SELECT email, email_undeliverable_at, email_undeliverable_reason FROM patrons "
                     "WHERE patron_id = :p", {"p": patron_id})
    finally:
        s.rollback()
        s.close()


def test_a_patron_reads_and_sets_their_notice_preferences(client, people):
    me = people.make("PATRON")
    r = client.get("/api/patron/me/notice-preferences", headers=me.headers)
    assert r.status_code == 200
    body = r.json()
    prefs = {p["notice_type"]: p["enabled"] for p in body["preferences"]}
    assert prefs["HOLD_READY"] is True and prefs["CHECKOUT_RECEIPT"] is False and body["email_undeliverable"] is False
    r = client.put("/api/patron/me/notice-preferences", headers=me.headers,
                   json={"preferences": {"HOLD_READY": False, "CHECKOUT_RECEIPT": True}})
    assert r.status_code == 200
    prefs = {p["notice_type"]: p["enabled"] for p in r.json()["preferences"]}
    assert prefs["HOLD_READY"] is False and prefs["CHECKOUT_RECEIPT"] is True and prefs["OVERDUE"] is True
    r = client.put("/api/patron/me/notice-preferences", headers=me.headers, json={"preferences": {"SPAM": True}})
    assert r.status_code == 422 and error_code(r) == "NOTICE_TYPE_UNKNOWN"


def test_the_unsubscribe_link_confirms_on_get_and_unsubscribes_on_post(client, people):
    me = people.make("PATRON")
    url = links.PATH + links.sign(me.patron_id, "LOAN_DIGEST", SECRET)
    page = client.get(url)
    assert page.status_code == 200 and "<form method=post>" in page.text and "summary" in page.text
    prefs = {p["notice_type"]: p["enabled"] for p in
             client.get("/api/patron/me/notice-preferences", headers=me.headers).json()["preferences"]}
    assert prefs["DUE_SOON"] and prefs["OVERDUE"], "a GET changes nothing"
    # what a mail client sends for List-Unsubscribe-Post (RFC 8058), no login
    done = client.post(url, content="List-Unsubscribe=One-Click",
                       headers={"content-type": "application/x-www-form-urlencoded"})
    assert done.status_code == 200 and 'id=done' in done.text
    prefs = {p["notice_type"]: p["enabled"] for p in
             client.get("/api/patron/me/notice-preferences", headers=me.headers).json()["preferences"]}
    assert not prefs["DUE_SOON"] and not prefs["OVERDUE"] and prefs["HOLD_READY"]


@pytest.mark.parametrize("token", ["nonsense", links.sign(1, "HOLD_READY", "another-secret-of-16-chars")])
def test_a_forged_unsubscribe_link_is_refused(client, token):
    for method in ("GET", "POST"):
        r = client.request(method, links.PATH + token)
        assert r.status_code == 400 and error_code(r) == "UNSUBSCRIBE_LINK_INVALID"


# ---- the SendGrid event webhook ---------------------------------------------------------------------

@pytest.fixture
def signer(monkeypatch):
    """A key pair made here: the public half configured as SendGrid's, the private half signs like SendGrid."""
    key = ec.generate_private_key(ec.SECP256R1())
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    monkeypatch.setenv("ILS_SENDGRID_WEBHOOK_KEY", base64.b64encode(der).decode())

    def sign(body: bytes, timestamp: int | None = None, with_key=None) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sig = (with_key or key).sign(ts.encode() + body, ec.ECDSA(hashes.SHA256()))
        return {webhook.SIGNATURE_HEADER: base64.b64encode(sig).decode(), webhook.TIMESTAMP_HEADER: ts,
                "content-type": "application/json"}
    return sign


def events(email: str, event: str = "bounce", **extra) -> bytes:
    return json.dumps([{"email": "someone@example.org", "event": "delivered", "timestamp": 1},
                       {"email": email, "event": event, "reason": "550 5.1.1 no such user", "timestamp": 1,
                        **extra}]).encode()


def test_a_signed_bounce_marks_the_address_undeliverable(client, people, installed_db, signer):
    me = people.make("PATRON")
    email = patron_row(installed_db, me.patron_id)["email"]
    body = events(email.upper())
    r = client.post("/api/webhooks/sendgrid", content=body, headers=signer(body))
    assert r.status_code == 204, r.text
    row = patron_row(installed_db, me.patron_id)
    assert row["email_undeliverable_at"] is not None and row["email_undeliverable_reason"].startswith("bounce: 550")
    prefs = client.get("/api/patron/me/notice-preferences", headers=me.headers).json()
    assert prefs["email_undeliverable"] is True


def test_a_spam_report_marks_it_too_and_a_blocked_bounce_does_not(client, people, installed_db, signer):
    spam, blocked = people.make("PATRON"), people.make("PATRON")
    for who, body in ((spam, events(patron_row(installed_db, spam.patron_id)["email"], "spamreport")),
                      (blocked, events(patron_row(installed_db, blocked.patron_id)["email"], type="blocked"))):
        assert client.post("/api/webhooks/sendgrid", content=body, headers=signer(body)).status_code == 204
    assert patron_row(installed_db, spam.patron_id)["email_undeliverable_at"] is not None
    assert patron_row(installed_db, blocked.patron_id)["email_undeliverable_at"] is None


def test_unsigned_wrongly_signed_and_stale_events_are_refused(client, people, installed_db, signer):
    me = people.make("PATRON")
    body = events(patron_row(installed_db, me.patron_id)["email"])
    other = ec.generate_private_key(ec.SECP256R1())
    tampered = signer(body)
    cases = {
        "unsigned": {"content-type": "application/json"},
        "no timestamp": {webhook.SIGNATURE_HEADER: signer(body)[webhook.SIGNATURE_HEADER]},
        "another key": signer(body, with_key=other),
        "stale": signer(body, timestamp=int(time.time()) - 301),
        "from the future": signer(body, timestamp=int(time.time()) + 360),  # margin: the request may take a while
        "other timestamp": {**tampered, webhook.TIMESTAMP_HEADER: str(int(tampered[webhook.TIMESTAMP_HEADER]) - 1)},
        "garbage signature": {**tampered, webhook.SIGNATURE_HEADER: "bm90IGEgc2lnbmF0dXJl"},
    }
    for name, headers in cases.items():
        r = client.post("/api/webhooks/sendgrid", content=body, headers=headers)
        assert r.status_code == 403 and error_code(r) == "WEBHOOK_SIGNATURE_INVALID", name
    # a signed body altered on the way
    r = client.post("/api/webhooks/sendgrid", content=body.replace(b"bounce", b"bounce "), headers=signer(body))
    assert r.status_code == 403
    assert patron_row(installed_db, me.patron_id)["email_undeliverable_at"] is None


def test_without_a_configured_key_every_event_is_refused(client, monkeypatch):
    monkeypatch.delenv("ILS_SENDGRID_WEBHOOK_KEY", raising=False)
    r = client.post("/api/webhooks/sendgrid", content=b"[]", headers={webhook.SIGNATURE_HEADER: "x",
                                                                     webhook.TIMESTAMP_HEADER: str(int(time.time()))})
    assert r.status_code == 403 and error_code(r) == "WEBHOOK_SIGNATURE_INVALID"
