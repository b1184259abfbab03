"""Fines at the desk: list, pay, waive."""
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
