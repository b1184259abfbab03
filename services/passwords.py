"""Password hashes (argon2id, argon2-cffi's defaults): made and verified here, stored by lib_auth.

Face-neutral (no web framework): the login use case (services/accounts.py) and both faces use it.
"""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A hash of a random password, verified against when the user does not exist, so that an unknown
# username costs the same time as a wrong password.
DUMMY_HASH = _hasher.hash("no-such-user-" + secrets.token_urlsafe(16))
