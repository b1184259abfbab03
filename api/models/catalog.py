"""The public catalog: search results, a title with its copies, branches."""
from __future__ import annotations

from pydantic import Field

from api.models.common import ApiModel


class SearchItem(ApiModel):
    material_id: int = Field(examples=[101])
    title: str = Field(examples=["Pride and Prejudice"])
    subtitle: str | None = Field(default=None, examples=[None])
    authors: list[str] = Field(examples=[["Jane Austen"]])
    isbn: str | None = Field(default=None, examples=["9780141439518"])
    material_type: str = Field(examples=["BOOK"])
    genre: str | None = Field(default=None, examples=["Fiction"])
    year: int | None = Field(default=None, examples=[1813])
    available_copies: int = Field(examples=[2])
    total_copies: int = Field(examples=[3])
    cover_url: str | None = Field(default=None, examples=["/api/catalog/book/101/cover"],
                                  description="the cover image (JPEG), null when the title has none")
    cover_thumb_url: str | None = Field(default=None, examples=["/api/catalog/book/101/cover?size=thumb"],
                                        description="its thumbnail, at most 240 pixels")


class SearchPage(ApiModel):
    items: list[SearchItem]
    total: int = Field(examples=[1], description="matches; when total_exact is false, a lower bound "
                                                  "(the count stops at the setting SEARCH_EXACT_TOTAL_MAX)")
    total_exact: bool = Field(default=True, examples=[True])
    page: int = Field(examples=[1])
    page_size: int = Field(examples=[20])
    next: str | None = Field(default=None, examples=[None],
                             description="opaque cursor of the next page (pass it as `after`), null on the last page")


class CopyOut(ApiModel):
    copy_id: int = Field(examples=[5001])
    barcode: str = Field(examples=["30000000000017"])
    branch_id: int = Field(examples=[1])
    branch_name: str | None = Field(default=None, examples=["Main Library"])
    status: str = Field(examples=["AVAILABLE"])
    shelf_location: str | None = Field(default=None, examples=["FIC AUS"])
    call_number: str | None = Field(default=None, examples=["823.7 AUS"])


class BranchAvailability(ApiModel):
    branch_id: int = Field(examples=[1])
    branch_name: str = Field(examples=["Main Library"])
    total_copies: int = Field(examples=[3])
    available_copies: int = Field(examples=[2])
    on_loan_copies: int = Field(examples=[1])
    on_hold_shelf_copies: int = Field(examples=[0])


class BookOut(SearchItem):
    publisher: str | None = Field(default=None, examples=["Penguin"])
    language_code: str | None = Field(default=None, examples=["eng"])
    description: str | None = Field(default=None, examples=["A novel of manners."])
    cover_image: str | None = Field(default=None, examples=[None])
    holds_waiting: int = Field(default=0, examples=[0])
    copies: list[CopyOut]
    availability: list[BranchAvailability]


class BranchOut(ApiModel):
    branch_id: int = Field(examples=[1])
    code: str = Field(examples=["MAIN"])
    name: str = Field(examples=["Main Library"])
    address: str | None = Field(default=None, examples=["1 Library Square"])
    phone: str | None = Field(default=None, examples=[None])
    email: str | None = Field(default=None, examples=[None])
