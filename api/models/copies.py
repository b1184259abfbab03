"""Shapes of /api/copies: a copy's condition inspections."""
from __future__ import annotations

from pydantic import Field

from api import vocabulary
from api.models.common import ApiModel, Money, Timestamp


class InspectionOut(ApiModel):
    inspection_id: int = Field(examples=[41])
    copy_id: int = Field(examples=[5001])
    loan_id: int | None = Field(default=None, examples=[8001], description="the loan whose check-in it was part of")
    grade: vocabulary.ConditionGrade = Field(examples=["DAMAGED"])
    grade_label: str = Field(examples=["Damaged"])
    note: str | None = Field(default=None, examples=["spine broken"])
    inspected_by: int | None = Field(default=None, examples=[3], description="the staff user, NULL = system work")
    inspected_by_username: str | None = Field(default=None, examples=["librarian"])
    inspected_at: Timestamp
    fine_id: int | None = Field(default=None, examples=[77], description="the DAMAGE fine it charged, if any")
    fine_amount: Money | None = None
