"""A patron's own loans, history, fines and holds (the portal)."""
from __future__ import annotations

from pydantic import Field

from api.models.common import ApiModel, Id, Money, RequestModel, Timestamp


class LoanOut(ApiModel):
    loan_id: int = Field(examples=[9001])
    copy_id: int = Field(examples=[5001])
    barcode: str | None = Field(default=None, examples=["30000000000017"])
    material_id: int = Field(examples=[101])
    title: str = Field(examples=["Pride and Prejudice"])
    checkout_at: Timestamp = Field(examples=["2026-11-01T10:15:00"])
    due_at: Timestamp = Field(examples=["2026-11-22T23:59:59"])
    renewals: int = Field(examples=[0])
    is_overdue: bool = Field(default=False, examples=[False])


class HistoryOut(ApiModel):
    loan_id: int = Field(examples=[8001])
    copy_id: int = Field(examples=[5001])
    material_id: int = Field(examples=[101])
    title: str = Field(examples=["Emma"])
    status: str = Field(examples=["RETURNED"])
    checkout_at: Timestamp
    due_at: Timestamp
    returned_at: Timestamp | None = None
    renewals: int = Field(examples=[1])


class FineOut(ApiModel):
    fine_id: int = Field(examples=[77])
    loan_id: int | None = Field(default=None, examples=[8001])
    patron_id: int | None = Field(default=None, examples=[17])
    fine_type: str = Field(examples=["OVERDUE"])
    amount: Money
    paid: Money
    balance: Money
    status: str = Field(examples=["OPEN"])
    assessed_at: Timestamp | None = None
    description: str | None = Field(default=None, examples=["Overdue: Emma"])


class HoldOut(ApiModel):
    hold_id: int = Field(examples=[301])
    patron_id: int | None = Field(default=None, examples=[17])
    material_id: int = Field(examples=[101])
    title: str | None = Field(default=None, examples=["Pride and Prejudice"])
    status: str = Field(examples=["PENDING"])
    queue_position: int | None = Field(default=None, examples=[2])
    pickup_branch_id: int = Field(examples=[1])
    placed_at: Timestamp | None = None
    expires_at: Timestamp | None = None
    copy_id: int | None = Field(default=None, examples=[None])


class ReserveIn(RequestModel):
    pickup_branch_id: Id | None = Field(default=None, description="NULL = the patron's home branch")


class ReservedOut(ApiModel):
    hold_id: int = Field(examples=[301])
    status: str = Field(examples=["PENDING"])
    queue_position: int | None = Field(examples=[1])


class RenewedOut(ApiModel):
    loan_id: int = Field(examples=[9001])
    due_at: Timestamp = Field(examples=["2026-12-13T23:59:59"])
    renewals: int = Field(examples=[1])


class CancelledOut(ApiModel):
    hold_id: int = Field(examples=[301])
    status: str = Field(examples=["CANCELLED"])


class NoticePreferenceOut(ApiModel):
    notice_type: str = Field(examples=["HOLD_READY"])
    label: str = Field(examples=["A hold is ready for pickup"])
    enabled: bool = Field(examples=[True])


class NoticePreferencesOut(ApiModel):
    email: str | None = Field(default=None, examples=["ada@example.org"])
    email_undeliverable: bool = Field(default=False, examples=[False],
                                      description="The mail provider reported the address as undeliverable "
                                                  "(bounce or spam report): no e-mail goes there until it changes.")
    preferences: list[NoticePreferenceOut]


class NoticePreferencesIn(RequestModel):
    preferences: dict[str, bool] = Field(min_length=1, max_length=20,
                                         examples=[{"HOLD_READY": True, "CHECKOUT_RECEIPT": False}],
                                         description="Notice type -> on (true) or off (false); types left out "
                                                     "keep their setting.")
