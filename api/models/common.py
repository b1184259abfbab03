"""Types shared by the models: ids, money, pages."""
from __future__ import annotations

import re
import types
from datetime import date, datetime, timezone
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Generic, Literal, TypeVar, Union, get_args, get_origin

from fastapi import Path, Query
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
    model_validator,
)

from datalayer.reads import MAX_PAGE_SIZE, PAGE_SIZE  # noqa: F401  (PAGE_SIZE: the routes' default)

MAX_ID = 999_999_999_999_999_999  # NUMBER(18)

# an id in a JSON body: a JSON integer only (not "5", 5.0 or true, which lax parsing would turn into 5 or 1)
Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True, examples=[1])]
_DIGITS = re.compile(r"[0-9]{1,30}")


def _digits(v):
    """An id in a path or query string is plain ASCII digits: not "1.0", "+1", " 1", "1_0" (lax parsing reads that
    as 10) or other scripts' digits."""
    if isinstance(v, str) and not _DIGITS.fullmatch(v):
        raise ValueError("expected a positive whole number written with the digits 0-9")
    return v


# an id in the query string or the path (always text there, parsed as an integer)
QueryId = Annotated[int, Field(ge=1, le=MAX_ID, examples=[1]), BeforeValidator(_digits)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID, examples=[1]), BeforeValidator(_digits)]
# the paging rule of both faces (datalayer.reads): ?page= from 1, ?page_size= up to MAX_PAGE_SIZE
PageNo = Annotated[int, Query(ge=1, le=100_000, description="page number, from 1")]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="rows per page")]
# money leaves the API as a decimal string with two places ("12.50")
Money = Annotated[Decimal, PlainSerializer(lambda d: f"{Decimal(d):.2f}", return_type=str, when_used="json"),
                  Field(examples=["2.50"])]

T = TypeVar("T")


def _as_utc(d: datetime) -> datetime:
    return d.replace(tzinfo=timezone.utc) if d.tzinfo is None else d.astimezone(timezone.utc)


def _as_naive_utc(d: datetime) -> datetime:
    try:
        return d if d.tzinfo is None else d.astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+14:00: a ValueError is a 422, anything else would be a 500
        raise ValueError("the time is out of range once converted to UTC") from None


def _iso_text(v):
    """Times sent in are ISO 8601 text: a JSON number (read as Unix seconds by lax parsing) or a boolean is refused."""
    if isinstance(v, (str, datetime, date)):
        return v
    raise ValueError("expected an ISO 8601 date or date-time string, e.g. 2026-12-15 or 2026-12-15T18:00:00Z")


def _as_date(v):
    return v.date() if isinstance(v, datetime) else v


# database times are UTC without a zone (Oracle DATE): they leave the API as RFC 3339 with "Z" ...
Timestamp = Annotated[datetime, AfterValidator(_as_utc), Field(examples=["2026-11-24T15:02:11Z"])]
# ... and times sent in are read as UTC when they carry no offset, converted to UTC when they do
InTimestamp = Annotated[datetime, BeforeValidator(_iso_text), AfterValidator(_as_naive_utc)]
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


def _clean_before(value):
    return clean_text(value) if isinstance(value, str) else value


# free text in query parameters (checked before the str validation, so a max_length of the parameter reads as
# "at most N characters")
Text = Annotated[str, BeforeValidator(_clean_before)]


def text(max_length: int) -> Any:
    """Free text of at most max_length characters (a length given to Query() on top of a validated type reads
    as "at most N items after validation"; given here it reads as "at most N characters")."""
    return Annotated[str, StringConstraints(max_length=max_length), BeforeValidator(_clean_before)]


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


def _is_text(tp: Any) -> bool:
    if get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if tp is str:
        return True
    return get_origin(tp) is Literal and all(isinstance(v, str) for v in get_args(tp))


def _optional_text(annotation: Any) -> bool:
    """str | None, Literal["A", "B"] | None and the like."""
    if get_origin(annotation) not in (Union, types.UnionType):
        return False
    args = get_args(annotation)
    return type(None) in args and any(_is_text(a) for a in args if a is not type(None))


@cache
def _blank_null_keys(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(f.alias or name for name, f in model.model_fields.items() if _optional_text(f.annotation))


class RequestModel(BaseModel):
    """Request bodies refuse unknown fields, so a typo is a 422 instead of a silently ignored value,
    and text the database cannot store.

    Blank text is absent text, on both engines: Oracle stores '' as NULL, PostgreSQL would store ''. So
    optional text that is empty or only whitespace arrives as None (before any other check), and required
    text that is blank is refused (422)."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_null(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        keys = _blank_null_keys(cls)
        return {k: None if k in keys and isinstance(v, str) and not v.strip() else v for k, v in data.items()}

    @field_validator("*", mode="after")
    @classmethod
    def _clean(cls, value):
        if isinstance(value, str):
            if not value:  # stripped already; optional text never gets here blank
                raise ValueError("must not be blank")
            return clean_text(value)
        if isinstance(value, list):
            return [clean_text(v) if isinstance(v, str) else v for v in value]
        return value


class Page(ApiModel, Generic[T]):
    items: list[T]
    total: int = Field(examples=[42])
    page: int = Field(examples=[1])
    page_size: int = Field(examples=[20])
