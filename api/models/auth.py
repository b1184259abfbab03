"""Login, registration and the caller's own account."""
from __future__ import annotations

from pydantic import Field

from api.models.common import ApiModel, RequestModel, Timestamp

Username = Field(min_length=3, max_length=60, pattern=r"^[A-Za-z0-9._@-]+$", examples=["patron1"])


class LoginIn(RequestModel):
    username: str = Field(min_length=1, max_length=60, examples=["librarian"])
    password: str = Field(min_length=1, max_length=1024, examples=["librarian-pass"])


class TokenOut(ApiModel):
    access_token: str = Field(examples=["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9..."])
    token_type: str = Field(default="bearer", examples=["bearer"])
    expires_in: int = Field(description="seconds", examples=[1800])


class RegisterIn(RequestModel):
    username: str = Username
    password: str = Field(min_length=8, max_length=1024, description="at least 8 characters",
                          examples=["correct horse battery"])
    full_name: str = Field(min_length=1, max_length=200, examples=["Ada Lovelace"])
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                       examples=["ada@example.org"])


class RegisteredOut(ApiModel):
    user_id: int = Field(examples=[42])
    patron_id: int = Field(examples=[17])
    username: str = Field(examples=["ada"])


class MeOut(ApiModel):
    user_id: int = Field(examples=[3])
    username: str = Field(examples=["librarian"])
    roles: list[str] = Field(examples=[["LIBRARIAN"]])
    permissions: list[str] = Field(examples=[["CIRC_CHECKOUT", "CIRC_RETURN"]])
    patron_id: int | None = Field(default=None, examples=[None])
    home_branch_id: int | None = Field(default=None, examples=[1], description="branch a staff user works for")


class PasswordIn(RequestModel):
    current_password: str = Field(min_length=1, max_length=1024, examples=["librarian-pass"])
    new_password: str = Field(min_length=1, max_length=1024, description="at least ILS_PASSWORD_MIN_LENGTH (8) characters",
                              examples=["a longer passphrase"])


class LogoutIn(RequestModel):
    everywhere: bool = Field(default=False, description="end every session of the account, not only this one")


class SessionOut(ApiModel):
    session_id: int = Field(examples=[812])
    kind: str = Field(examples=["API"], description="API (a bearer token) or STAFF (a staff UI cookie)")
    client_addr: str | None = Field(default=None, examples=["192.0.2.10"])
    created_at: Timestamp
    last_seen_at: Timestamp = Field(description="to within five minutes")
    expires_at: Timestamp
    revoked_at: Timestamp | None = None
    revoked_reason: str | None = Field(default=None, examples=["LOGOUT"])
    current: bool = Field(description="the session of this token")
