"""Bearer tokens: JWT (python-jose, HS256 only) carrying a signed-in user and their session.

A token carries sub (user id), username, roles, permissions, patron_id, the home branch and the
permissions held for it only, sid (the session key), iat and exp. Its claims are trusted for its short
life (ILS_JWT_EXPIRE_MINUTES, default 30) because whatever would change them (roles, home branch,
password, deactivation) ends the session: every request checks the session (services.accounts.SessionCheck),
every write runs inside the database under it (lib_session.set_actor). A token whose iat lies ahead of
the server's clock by more than IAT_LEEWAY_S is refused. Passwords: services.passwords.
"""
from __future__ import annotations

import time

from jose import jwt
from jose.exceptions import JOSEError

from services.accounts import SignedIn

ALGORITHM = "HS256"
ALGORITHMS = [ALGORITHM]  # fixed list on decode: no "none", no RS/HS confusion
IAT_LEEWAY_S = 30  # clocks of several API hosts may differ a little; a token from the future is forged


class TokenError(Exception):
    """The token is missing, malformed, forged, expired or issued in the future."""


def issue_token(user: SignedIn, secret: str, expire_minutes: int) -> tuple[str, int]:
    now = int(time.time())
    expires_in = expire_minutes * 60
    if user.expires_at:  # never outlive the session
        expires_in = max(min(expires_in, user.expires_at - now), 1)
    claims = {"sub": str(user.user_id), "username": user.username, "roles": list(user.roles),
              "permissions": sorted(user.permissions), "patron_id": user.patron_id,
              "branch": user.home_branch_id, "branch_only": sorted(user.branch_only),
              "sid": user.session_key, "iat": now, "exp": now + expires_in}
    return jwt.encode(claims, secret, algorithm=ALGORITHM), expires_in


class TokenCache:
    """Tokens already verified, with their expiry: a desk sends the same token hundreds of times, and
    decoding one costs more than the rest of the request's Python. Bounded; expiry re-checked on every use."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._items: dict[tuple[str, str], tuple[SignedIn, int]] = {}

    def read(self, token: str, secret: str) -> SignedIn:
        key = (token, secret)
        hit = self._items.get(key)
        if hit is not None:
            if hit[1] > time.time():
                return hit[0]
            self._items.pop(key, None)
            raise TokenError("token expired")
        user, exp = _decode(token, secret)
        if len(self._items) >= self.size:
            self._items.clear()  # crude but bounded: at worst every token is decoded once more
        self._items[key] = (user, exp)
        return user


def read_token(token: str, secret: str) -> SignedIn:
    """Verify a token (signature, HS256 only, exp, iat not ahead, sub, sid) and return its user."""
    return _decode(token, secret)[0]


def _decode(token: str, secret: str) -> tuple[SignedIn, int]:
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
        if int(claims["iat"]) > time.time() + IAT_LEEWAY_S:
            raise TokenError("token issued in the future")
        roles = claims.get("roles") or []
        perms = claims.get("permissions") or []
        branch_only = claims.get("branch_only") or []
        patron_id, branch, sid = claims.get("patron_id"), claims.get("branch"), claims.get("sid")
        if not isinstance(roles, list) or not isinstance(perms, list) or not isinstance(branch_only, list):
            raise TokenError("malformed claims")
        if not isinstance(sid, str) or not sid:
            raise TokenError("no session in the token")
        exp = int(claims["exp"])
        return SignedIn(user_id=int(claims["sub"]), username=str(claims.get("username", "")),
                        roles=tuple(str(r) for r in roles), permissions=frozenset(str(x) for x in perms),
                        patron_id=int(patron_id) if patron_id is not None else None,
                        home_branch_id=int(branch) if branch is not None else None,
                        branch_only=frozenset(str(x) for x in branch_only), session_key=sid,
                        expires_at=exp), exp
    except (ValueError, TypeError, KeyError) as exc:
        raise TokenError("malformed claims") from exc
