"""The circulation desk: checkout, return, renew."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from api import vocabulary
from api.models.common import ApiModel, Id, InTimestamp, Money, RequestModel, Timestamp


class CheckoutIn(RequestModel):
    patron_id: Id | None = None
    patron_barcode: str | None = Field(
        default=None, min_length=1, max_length=30, pattern=r"^[A-Za-z0-9-]+$", description="library card number",
        examples=["20000000000017"])
    copy_id: Id | None = None
    copy_barcode: str | None = Field(default=None, min_length=1, max_length=30, pattern=r"^[A-Za-z0-9-]+$",
                                     examples=["30000000000017"])
    due_date: InTimestamp | None = Field(default=None, description="overrides the policy's loan period")
    override: bool = Field(default=False, strict=True,
                           description="override overridable refusals (needs CIRC_OVERRIDE); JSON true or false")
    override_codes: list[Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{0,39}$")]] = Field(
        default_factory=list, max_length=20, examples=[["PATRON_EXPIRED"]],
        description="the refusals the override passes, as listed in error.reasons: a failing reason not named "
                    "here refuses the checkout")
    override_note: str | None = Field(default=None, max_length=400, examples=["card renewed at the desk today"],
                                      description="why: required with override (else 422 OVERRIDE_NOTE_REQUIRED)")

    @model_validator(mode="after")
    def _one_of_each(self) -> "CheckoutIn":
        if (self.patron_id is None) == (self.patron_barcode is None):
            raise ValueError("give exactly one of patron_id and patron_barcode")
        if (self.copy_id is None) == (self.copy_barcode is None):
            raise ValueError("give exactly one of copy_id and copy_barcode")
        return self

    model_config = {"json_schema_extra": {"examples": [{"patron_barcode": "20000000000017",
                                                        "copy_barcode": "30000000000017"}]}}


class CheckoutOut(ApiModel):
    loan_id: int = Field(examples=[9001])
    patron_id: int = Field(examples=[17])
    copy_id: int = Field(examples=[5001])
    due_at: Timestamp = Field(examples=["2026-12-15T23:59:59Z"])
    overridden: list[str] = Field(default_factory=list, examples=[["PATRON_EXPIRED"]],
                                  description="the overridable refusals the override passed (app_errors names)")


class ReturnIn(RequestModel):
    loan_id: Id | None = None
    copy_barcode: str | None = Field(default=None, min_length=1, max_length=30, pattern=r"^[A-Za-z0-9-]+$",
                                     examples=["30000000000017"])
    condition: str | None = Field(default=None, max_length=400, examples=["water damage on cover"],
                                  description="a note on the condition (kept for old clients: condition_note)")
    condition_grade: vocabulary.ConditionGrade | None = Field(
        default=None, examples=["DAMAGED"],
        description="the condition inspected at the desk (condition_grades): a grade that sends to repair puts the "
                    "copy IN_REPAIR and may charge a damage fee by policy")
    condition_note: str | None = Field(default=None, max_length=400, examples=["spine broken"])
    returned_at: InTimestamp | None = Field(default=None, description="back-dated check-in (book drop)")
    branch_id: Id | None = Field(default=None, description="branch where the copy is checked in; NULL = the copy's own")

    @model_validator(mode="after")
    def _one_of(self) -> "ReturnIn":
        if (self.loan_id is None) == (self.copy_barcode is None):
            raise ValueError("give exactly one of loan_id and copy_barcode")
        return self

    model_config = {"json_schema_extra": {"examples": [{"copy_barcode": "30000000000017"}]}}


class FineRef(ApiModel):
    fine_id: int = Field(examples=[77])
    amount: Money


class HoldRef(ApiModel):
    hold_id: int = Field(examples=[301])
    patron_id: int = Field(examples=[18])
    status: str = Field(examples=["READY"])


class TransitRef(ApiModel):
    to_branch_id: int = Field(examples=[2], description="the copy's home branch, or the pickup branch of its hold")


class ReturnOut(ApiModel):
    loan_id: int | None = Field(examples=[9001], description="NULL when the copy was not on loan (check in anything)")
    copy_id: int | None = Field(default=None, examples=[5001])
    returned_at: Timestamp | None = Field(examples=["2026-11-24T15:02:11Z"])
    fine: FineRef | None = None
    hold: HoldRef | None = None
    transit: TransitRef | None = Field(default=None, description="set when the copy is now IN_TRANSIT from here")
    copy_status: str | None = Field(default=None, examples=["AVAILABLE"], description="the copy's status now")


class RenewIn(RequestModel):
    loan_id: Id
    override: bool = Field(default=False, strict=True,
                           description="override overridable refusals (needs CIRC_OVERRIDE), as at checkout; "
                                       "RENEWAL_TOO_SOON never is")
    override_codes: list[Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{0,39}$")]] = Field(
        default_factory=list, max_length=20, examples=[["RENEWAL_LIMIT_REACHED"]],
        description="the refusals the override passes, as listed in error.reasons: a failing reason not named "
                    "here refuses the renewal")
    override_note: str | None = Field(default=None, max_length=400, examples=["exam week, one more renewal"],
                                      description="why: required with override (else 422 OVERRIDE_NOTE_REQUIRED)")


class RenewOut(ApiModel):
    loan_id: int = Field(examples=[9001])
    due_at: Timestamp = Field(examples=["2026-12-15T23:59:59Z"])
    renewals: int = Field(examples=[1])
    overridden: list[str] = Field(default_factory=list, examples=[["RENEWAL_LIMIT_REACHED"]],
                                  description="the overridable refusals the override passed (app_errors names)")


class LostIn(RequestModel):
    copy_id: Id | None = None
    copy_barcode: str | None = Field(default=None, min_length=1, max_length=30, pattern=r"^[A-Za-z0-9-]+$",
                                     examples=["30000000000017"])
    reason: str | None = Field(default=None, max_length=400, examples=["not in the van from East"],
                               description="why it is declared lost: kept on the copy (condition note) and audited")

    @model_validator(mode="after")
    def _one_of(self) -> "LostIn":
        if (self.copy_id is None) == (self.copy_barcode is None):
            raise ValueError("give exactly one of copy_id and copy_barcode")
        return self


class LostOut(ApiModel):
    copy_id: int = Field(examples=[5001])
    copy_status: str = Field(examples=["LOST"])


class RenewAllIn(RequestModel):
    patron_id: Id | None = None
    patron_barcode: str | None = Field(default=None, min_length=1, max_length=30, pattern=r"^[A-Za-z0-9-]+$",
                                       description="library card number", examples=["20000000000017"])
    override: bool = Field(default=False, strict=True,
                           description="override each loan's overridable refusals (needs CIRC_OVERRIDE), as a "
                                       "single renewal's; RENEWAL_TOO_SOON never is")
    override_codes: list[Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{0,39}$")]] = Field(
        default_factory=list, max_length=20, examples=[["RENEWAL_LIMIT_REACHED"]],
        description="the refusals the override passes: a loan with a failing reason not named here is not renewed")
    override_note: str | None = Field(default=None, max_length=400, examples=["exam week, one more renewal"],
                                      description="why: required with override (else 422 OVERRIDE_NOTE_REQUIRED)")

    @model_validator(mode="after")
    def _one_of(self) -> "RenewAllIn":
        if (self.patron_id is None) == (self.patron_barcode is None):
            raise ValueError("give exactly one of patron_id and patron_barcode")
        return self


class RenewAllItem(ApiModel):
    loan_id: int = Field(examples=[9001])
    ok: bool = Field(examples=[True])
    due_at: Timestamp | None = Field(default=None, examples=["2026-12-15T23:59:59Z"], description="the new due date")
    renewals: int | None = Field(default=None, examples=[1])
    code: str | None = Field(default=None, examples=["RENEWAL_BLOCKED_BY_HOLD"], description="the first refusal")
    reasons: list[str] = Field(default_factory=list, description="every refusal (app_errors names)")
    overridable: list[str] = Field(default_factory=list, examples=[["RENEWAL_LIMIT_REACHED"]],
                                   description="the refusals an override (CIRC_OVERRIDE) may pass; the loan can be "
                                               "renewed by an override only when these are all of `reasons`")
    overridden: list[str] = Field(default_factory=list, examples=[[]],
                                  description="a renewed loan: the overridable refusals the override passed")


class RenewAllOut(ApiModel):
    patron_id: int = Field(examples=[17])
    results: list[RenewAllItem]


class TransitOut(ApiModel):
    transit_id: int = Field(examples=[41])
    copy_id: int = Field(examples=[5001])
    barcode: str = Field(examples=["30000000000017"])
    title: str = Field(examples=["Middlemarch"])
    from_branch_id: int = Field(examples=[2])
    from_branch: str = Field(examples=["East"])
    to_branch_id: int = Field(examples=[1])
    to_branch: str = Field(examples=["Main"])
    reason: str = Field(examples=["HOME"], description="HOME = back to its home branch, HOLD = to the hold's pickup")
    hold_id: int | None = Field(default=None, examples=[None])
    sent_at: Timestamp = Field(examples=["2026-11-24T15:02:11Z"])

