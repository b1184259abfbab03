"""SendGrid's signed event webhook: each POST carries X-Twilio-Email-Event-Webhook-Signature (base64 DER
ECDSA P-256 / SHA-256 signature) over the timestamp header followed by the raw body, and
X-Twilio-Email-Event-Webhook-Timestamp (Unix seconds). The verification key is SendGrid's public key
(ILS_SENDGRID_WEBHOOK_KEY: base64 DER as SendGrid shows it, or PEM). Unsigned, wrongly signed and stale
(more than MAX_AGE_S from now, either way) requests are refused before the body is read as JSON."""
from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"
MAX_AGE_S = 300
# events after which the address is not written to again until it changes
UNDELIVERABLE = ("bounce", "dropped", "spamreport")


class Refused(ValueError):
    """The request is not a fresh event batch signed by the configured key."""


def load_key(text: str) -> ec.EllipticCurvePublicKey:
    text = (text or "").strip()
    if not text:
        raise Refused("no webhook verification key is configured (ILS_SENDGRID_WEBHOOK_KEY)")
    try:
        key = (serialization.load_pem_public_key(text.encode()) if text.startswith("-----BEGIN")
               else serialization.load_der_public_key(base64.b64decode(text)))
    except (ValueError, binascii.Error) as exc:
        raise Refused(f"the webhook verification key does not load: {exc}") from None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise Refused("the webhook verification key is not an elliptic curve key")
    return key


def verify(key_text: str, signature: str | None, timestamp: str | None, body: bytes,
           now: float | None = None) -> None:
    """Refused unless the signature of timestamp + body verifies and the timestamp is fresh."""
    if not signature or not timestamp:
        raise Refused("unsigned request")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise Refused("bad timestamp") from None
    if abs((time.time() if now is None else now) - sent_at) > MAX_AGE_S:
        raise Refused("stale request")
    key = load_key(key_text)
    try:
        key.verify(base64.b64decode(signature, validate=True), timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, binascii.Error, ValueError):
        raise Refused("bad signature") from None


@dataclass(frozen=True)
class Undeliverable:
    email: str
    reason: str


def undeliverable(body: bytes) -> list[Undeliverable]:
    """The bounce, dropped and spam report events of a (verified) batch; blocked bounces are temporary."""
    try:
        events = json.loads(body)
    except ValueError:
        raise Refused("the body is not JSON") from None
    if not isinstance(events, list):
        raise Refused("the body is not a list of events")
    found = []
    for e in events:
        if not isinstance(e, dict) or e.get("event") not in UNDELIVERABLE or not isinstance(e.get("email"), str):
            continue
        if e["event"] == "bounce" and e.get("type") == "blocked":
            continue
        detail = e.get("reason") or e.get("type") or ""
        found.append(Undeliverable(e["email"], f"{e['event']}: {detail}"[:200].rstrip(": ")))
    return found
