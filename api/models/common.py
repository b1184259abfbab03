"""Types shared by the models: ids, money, pages."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from fastapi import Path
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, field_validator

MAX_ID = 999_999_999_999_999_999  # NUMBER(18)

Id = Annotated[int, Field(ge=1, le=MAX_ID, examples=[1])]
PathId = Annotated[int, Path(ge=1, le=MAX_ID, examples=[1])]
# money leaves the API as a decimal string with two places ("12.50")
Money = Annotated[Decimal, PlainSerializer(lambda d: f"{Decimal(d):.2f}", return_type=str, when_used="json"),
                  Field(examples=["2.50"])]

T = TypeVar("T")


def _as_utc(d: datetime) -> datetime:
    return d.replace(tzinfo=timezone.utc) if d.tzinfo is None else d.astimezone(timezone.utc)


def _as_naive_utc(d: datetime) -> datetime:
    return d if d.tzinfo is None else d.astimezone(timezone.utc).replace(tzinfo=None)


def _as_date(v):
    return v.date() if isinstance(v, datetime) else v


# database times are UTC without a zone (Oracle DATE): they leave the API as RFC 3339 with "Z" ...
Timestamp = Annotated[datetime, AfterValidator(_as_utc), Field(examples=["2026-11-24T15:02:11Z"])]
# ... and times sent in are read as UTC when they carry no offset, converted to UTC when they do
InTimestamp = Annotated[datetime, AfterValidator(_as_naive_utc)]
# a calendar day (card expiry), stored as a DATE at midnight
Day = Annotated[date, BeforeValidator(_as_date), Field(examples=["2029-11-24"])]


def clean_text(value: str) -> str:
    """Refuse text no database column can hold: NUL characters and lone UTF-16 surrogates."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return value


# free text in query parameters
Text = Annotated[str, AfterValidator(clean_text)]


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class RequestModel(BaseModel):
    """Request bodies refuse unknown fields, so a typo is a 422 instead of a silently ignored value,
    and text the database cannot store."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _clean(cls, value):
        if isinstance(value, str):
            return clean_text(value)
        if isinstance(value, list):
            return [clean_text(v) if isinstance(v, str) else v for v in value]
        return value


class Page(ApiModel, Generic[T]):
    items: list[T]
    total: int = Field(examples=[42])
    page: int = Field(examples=[1])
    page_size: int = Field(examples=[20])
