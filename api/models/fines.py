"""Fines at the desk: list, pay, waive, refund."""
from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from api import vocabulary
from api.models.common import ApiModel, Money, RequestModel


class PayIn(RequestModel):
    amount: Decimal = Field(gt=0, le=Decimal("99999999.99"), decimal_places=2, examples=["2.50"])
    method: vocabulary.TenderMethod = Field(examples=["CASH"])
    note: str | None = Field(default=None, max_length=400)


class PaidOut(ApiModel):
    fine_id: int = Field(examples=[77])
    payment_id: int | None = Field(default=None, examples=[501])
    amount_paid: Money
    balance: Money
    status: str = Field(examples=["PAID"])


class WaiveIn(RequestModel):
    reason: str = Field(min_length=1, max_length=400, examples=["Book drop was jammed"])


class WaivedOut(ApiModel):
    fine_id: int = Field(examples=[77])
    status: str = Field(examples=["WAIVED"])
    waive_reason: str | None = Field(default=None, examples=["Book drop was jammed"])


class RefundIn(RequestModel):
    amount: Decimal = Field(gt=0, le=Decimal("99999999.99"), decimal_places=2, examples=["2.50"],
                            description="at most what was paid on the fine and not yet refunded")
    reason: str = Field(min_length=1, max_length=400, examples=["Charged twice for the same loan"])
    method: vocabulary.TenderMethod = Field(examples=["CASH"], description="how the money goes back to the patron")


class RefundOut(ApiModel):
    refund_id: int = Field(examples=[502], description="the refund's payments row (method REFUND)")
    fine_id: int = Field(examples=[77])
    amount: Money = Field(description="this refund")
    method: str = Field(examples=["CASH"])
    reason: str = Field(examples=["Charged twice for the same loan"])
    refunded: Money = Field(description="all refunded on the fine, this refund included")
    refundable: Money = Field(description="what may still be refunded on the fine")
    balance: Money = Field(description="what is still owed on the fine (a refund does not change it)")
    status: str = Field(examples=["REFUNDED"], description="REFUNDED once all that was paid is refunded and nothing "
                                                           "is owed, else as it was")
