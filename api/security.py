"""Tokens and passwords: JWT (python-jose, HS256 only) and argon2 password hashes.

A token carries sub (user id), username, roles, permissions, patron_id, iat and exp. It is trusted for
its short life (ILS_JWT_EXPIRE_MINUTES, default 30): roles and permissions are not re-read per request,
so a role change or a deactivation takes effect at the next login, at the latest when the token expires.
Every write still runs inside the database as the token's user (lib_session.set_actor).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from jose import jwt
from jose.exceptions import JOSEError

ALGORITHM = "HS256"
ALGORITHMS = [ALGORITHM]  # fixed list on decode: no "none", no RS/HS confusion

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Principal:
    """The authenticated caller, as the verified token says."""
    user_id: int
    username: str
    roles: tuple[str, ...] = ()
    permissions: frozenset[str] = field(default_factory=frozenset)
    patron_id: int | None = None

    def has(self, permission: str) -> bool:
        return permission in self.permissions


class TokenError(Exception):
    """The token is missing, malformed, forged or expired."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A hash of a random password, verified against when the user does not exist, so that an unknown
# username costs the same time as a wrong password.
DUMMY_HASH = _hasher.hash("no-such-user-" + str(time.time()))


def issue_token(p: Principal, secret: str, expire_minutes: int) -> tuple[str, int]:
    now = int(time.time())
    expires_in = expire_minutes * 60
    claims = {"sub": str(p.user_id), "username": p.username, "roles": list(p.roles),
              "permissions": sorted(p.permissions), "patron_id": p.patron_id,
              "iat": now, "exp": now + expires_in}
    return jwt.encode(claims, secret, algorithm=ALGORITHM), expires_in


class TokenCache:
    """Tokens already verified, with their expiry: a desk sends the same token hundreds of times, and
    decoding one costs more than the rest of the request's Python. Bounded; expiry re-checked on every use."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._items: dict[tuple[str, str], tuple[Principal, int]] = {}

    def read(self, token: str, secret: str) -> Principal:
        key = (token, secret)
        hit = self._items.get(key)
        if hit is not None:
            if hit[1] > time.time():
                return hit[0]
            self._items.pop(key, None)
            raise TokenError("token expired")
        principal, exp = _decode(token, secret)
        if len(self._items) >= self.size:
            self._items.clear()  # crude but bounded: at worst every token is decoded once more
        self._items[key] = (principal, exp)
        return principal


def read_token(token: str, secret: str) -> Principal:
    """Verify a token (signature, HS256 only, exp, iat, sub) and return its principal."""
    return _decode(token, secret)[0]


def _decode(token: str, secret: str) -> tuple[Principal, int]:
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != ALGORITHM:
            raise TokenError("unsupported token algorithm")
        claims = jwt.decode(token, secret, algorithms=ALGORITHMS,
                            options={"require_exp": True, "require_iat": True, "require_sub": True,
                                     "verify_aud": False})
    except JOSEError as exc:  # JWTError, ExpiredSignatureError, JWSError, JWKError ...
        raise TokenError(str(exc)) from exc
    except (ValueError, TypeError, KeyError) as exc:
        raise TokenError("malformed token") from exc
    try:
        roles = claims.get("roles") or []
        perms = claims.get("permissions") or []
        patron_id = claims.get("patron_id")
        if not isinstance(roles, list) or not isinstance(perms, list):
            raise TokenError("malformed claims")
        return Principal(user_id=int(claims["sub"]), username=str(claims.get("username", "")),
                         roles=tuple(str(r) for r in roles), permissions=frozenset(str(x) for x in perms),
                         patron_id=int(patron_id) if patron_id is not None else None), int(claims["exp"])
    except (ValueError, TypeError, KeyError) as exc:
        raise TokenError("malformed claims") from exc
