"""Catalog editing: titles and copies."""
from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from api import vocabulary
from api.models.common import ApiModel, Id, RequestModel

MaterialType = vocabulary.MaterialType


class MaterialIn(RequestModel):
    title: str = Field(min_length=1, max_length=500, examples=["Pride and Prejudice"])
    subtitle: str | None = Field(default=None, max_length=500)
    isbn: str | None = Field(default=None, max_length=20, examples=["978-0-14-143951-8"])
    material_type: MaterialType | None = Field(default=None, examples=["BOOK"], description="NULL = BOOK")
    genre_id: Id | None = None
    publisher: str | None = Field(default=None, max_length=200, examples=["Penguin Classics"])
    publication_year: int | None = Field(default=None, ge=1, le=9999, strict=True, examples=[1813])
    language: str | None = Field(default=None, min_length=2, max_length=3, pattern=r"^[a-z]{2,3}$", examples=["eng"])
    description: str | None = Field(default=None, max_length=4000)
    replacement_cost: Decimal | None = Field(default=None, ge=0, le=Decimal("99999999.99"), decimal_places=2,
                                             examples=["25.00"])
    authors: list[str] | None = Field(default=None, max_length=20,
                                      examples=[["Jane Austen"]],
                                      description="in credit order; on PUT, null keeps the current authors")


class MaterialOut(ApiModel):
    material_id: int = Field(examples=[101])
    title: str = Field(examples=["Pride and Prejudice"])
    isbn: str | None = Field(default=None, examples=["9780141439518"])
    material_type: str = Field(examples=["BOOK"])
    authors: list[str] = Field(examples=[["Jane Austen"]])
    duplicate_isbns: int = Field(default=0, examples=[0],
                                 description="other titles with the same ISBN (accepted when the setting DUPLICATE_ISBN is WARN)")


class CopyIn(RequestModel):
    branch_id: Id = Field(examples=[1])
    barcode: str | None = Field(default=None, min_length=1, max_length=30, pattern=r"^[A-Za-z0-9-]+$",
                                description="NULL = generated")
    shelf_location: str | None = Field(default=None, max_length=60, examples=["FIC AUS"])
    price: Decimal | None = Field(default=None, ge=0, le=Decimal("99999999.99"), decimal_places=2, examples=["18.99"])


class CopyCreated(ApiModel):
    copy_id: int = Field(examples=[5001])
    material_id: int = Field(examples=[101])
    branch_id: int = Field(examples=[1])
    barcode: str = Field(examples=["30000000000017"])
    status: str = Field(examples=["AVAILABLE"])


class CopyUpdate(RequestModel):
    branch_id: Id = Field(examples=[1], description="owning branch; changes only while the copy is on the shelf")
    call_number: str | None = Field(default=None, max_length=60, examples=["823.7 AUS"])
    shelf_location: str | None = Field(default=None, max_length=60, examples=["FIC AUS"])
    price: Decimal | None = Field(default=None, ge=0, le=Decimal("99999999.99"), decimal_places=2, examples=["18.99"])


class HiddenIn(RequestModel):
    hidden: bool = Field(examples=[True], description="true hides the title from the public catalog")
