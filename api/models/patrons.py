"""Staff views of patrons: search, detail, registration, suspension."""
from __future__ import annotations


from pydantic import Field

from api import vocabulary
from api.models.common import ApiModel, Day, Id, Money, RequestModel, Timestamp
from api.models.portal import FineOut, HoldOut, LoanOut

Category = vocabulary.PatronCategory


class PatronSummary(ApiModel):
    patron_id: int = Field(examples=[17])
    card_number: str = Field(examples=["20000000000017"])
    first_name: str = Field(examples=["Ada"])
    last_name: str = Field(examples=["Lovelace"])
    email: str | None = Field(default=None, examples=["ada@example.org"])
    category: str = Field(examples=["ADULT"])
    home_branch_id: int = Field(examples=[1])
    status: str = Field(examples=["ACTIVE"])
    expires_on: Day | None = None


class PatronDetail(PatronSummary):
    user_id: int | None = Field(default=None, examples=[42])
    phone: str | None = None
    address: str | None = None
    status_reason: str | None = None
    registered_at: Timestamp | None = None
    balance: Money = Field(description="open fines owed")
    loans: list[LoanOut]
    holds: list[HoldOut]
    fines: list[FineOut]


class PatronIn(RequestModel):
    first_name: str = Field(min_length=1, max_length=100, examples=["Ada"])
    last_name: str = Field(min_length=1, max_length=100, examples=["Lovelace"])
    email: str | None = Field(default=None, max_length=254, examples=["ada@example.org"])
    phone: str | None = Field(default=None, max_length=40, examples=["+44 20 7946 0000"])
    address: str | None = Field(default=None, max_length=400, examples=["12 St James's Square"])
    category: Category | None = Field(default=None, examples=["ADULT"])
    home_branch_id: Id | None = Field(default=None, description="NULL = the main branch")
    card_number: str | None = Field(default=None, min_length=1, max_length=30, pattern=r"^[A-Za-z0-9-]+$",
                                    description="NULL = generated")


class PatronCreated(ApiModel):
    patron_id: int = Field(examples=[17])
    card_number: str = Field(examples=["20000000000017"])
    status: str = Field(examples=["ACTIVE"])


class SuspendIn(RequestModel):
    reason: str = Field(min_length=1, max_length=400, examples=["Repeated damage to materials"])


class SuspendedOut(ApiModel):
    patron_id: int = Field(examples=[17])
    status: str = Field(examples=["SUSPENDED"])
    status_reason: str | None = Field(default=None, examples=["Repeated damage to materials"])
