"""The signed one-click unsubscribe link of a notice (RFC 8058): no login, the signature is the proof.

The token carries the patron and the notice type, signed with HMAC (itsdangerous) under the app secret
(ILS_NOTICE_SECRET, else ILS_JWT_SECRET) and a salt of its own, so no other token of the app is one.
It does not expire: a link in an old e-mail must still work."""
from __future__ import annotations

import os

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "ils-notice-unsubscribe"
PATH = "/api/notices/unsubscribe/"


class InvalidLink(ValueError):
    """The token is not one this app signed."""


def secret(env: dict | None = None) -> str:
    env = os.environ if env is None else env
    value = env.get("ILS_NOTICE_SECRET") or env.get("ILS_JWT_SECRET") or ""
    if len(value) < 16:
        raise RuntimeError("ILS_NOTICE_SECRET or ILS_JWT_SECRET (16+ characters) signs the unsubscribe links")
    return value


def public_url(env: dict | None = None) -> str:
    """Where patrons reach the API (ILS_PUBLIC_URL), for the links in e-mails."""
    env = os.environ if env is None else env
    return (env.get("ILS_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/")


def sign(patron_id: int, notice_type: str, key: str | None = None) -> str:
    return URLSafeSerializer(key or secret(), salt=SALT).dumps({"p": int(patron_id), "t": notice_type})


def read(token: str, key: str | None = None) -> tuple[int, str]:
    """(patron_id, notice_type) of a token; InvalidLink when it was not signed here or is malformed."""
    try:
        data = URLSafeSerializer(key or secret(), salt=SALT).loads(token)
    except BadSignature:
        raise InvalidLink("bad signature") from None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int) or not isinstance(data.get("t"), str):
        raise InvalidLink("malformed")
    return data["p"], data["t"]


def url(patron_id: int, notice_type: str, key: str | None = None, base: str | None = None) -> str:
    return (base or public_url()) + PATH + sign(patron_id, notice_type, key)
