"""The public catalog and branches: /api/catalog, /api/branches."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse

from api import vocabulary
from api.deps import Db, public
from api.errors import ApiError, not_found, responses
from api.models.catalog import BookOut, BranchOut, SearchPage
from api.models.common import PathId, text
from datalayer.reads import catalog as q
from services import covers

router = APIRouter(tags=["catalog"])

MaterialType = vocabulary.MaterialTypeAnyCase


@router.get("/api/catalog/search", response_model=SearchPage, dependencies=[Depends(public())],
            responses=responses(422))
async def search_catalog(db: Db,
                   q_: Annotated[text(200) | None, Query(alias="q", description="words matched in title, subtitle, authors or ISBN (ranked), an ISBN or copy barcode, or the beginning of a title followed by *", examples=["pride austen"])] = None,
                   genre: Annotated[text(100) | None, Query( description="genre name or id", examples=["Fiction"])] = None,
                   type_: Annotated[MaterialType | None, Query(alias="type", examples=["BOOK"])] = None,
                   available: Annotated[bool | None, Query(description="only titles with a copy on the shelf now")] = None,
                   page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                   page_size: Annotated[int, Query(ge=1, le=100)] = 20,
                   after: Annotated[text(400) | None, Query(description="the `next` cursor of the previous page (deep paging; `page` is then ignored)")] = None) -> SearchPage:
    """Search the catalog (public), ranked, paged by `page` or by the cursor `after`, with genre, type and
    availability filters."""
    try:
        r = await db.query(lambda s: q.search_page(s, q_, genre, type_, available, page, page_size, after or None))
    except q.BadCursor:
        raise ApiError(422, "VALIDATION_ERROR", "after: not a cursor of this search (use the next of its previous page)") from None
    return SearchPage(items=[_with_cover(i) for i in r.items], total=r.total, total_exact=r.total_exact, page=page,
                      page_size=page_size, next=r.next)


def _with_cover(row: dict) -> dict:
    """The row with its cover URLs (services/covers.py), None when the title has no cover."""
    row["cover_url"], row["cover_thumb_url"] = covers.api_urls(row["material_id"], row.get("cover_image"))
    return row


@router.get("/api/catalog/book/{material_id}", response_model=BookOut, dependencies=[Depends(public())],
            responses=responses(404, 422))
async def read_book(material_id: PathId, db: Db) -> BookOut:
    """A title with its copies and availability per branch (public)."""
    book = await db.query(lambda s: q.book(s, material_id))
    if book is None or book["is_hidden"] == "Y":  # a hidden title is the staff's only
        raise not_found("No such title.", "MATERIAL_NOT_FOUND", -20501)
    return BookOut(**_with_cover(book))


@router.get("/api/catalog/book/{material_id}/cover", response_class=FileResponse, dependencies=[Depends(public())],
            responses={200: {"content": {"image/jpeg": {}}, "description": "the cover, JPEG"}, **responses(404, 422)})
async def read_cover(material_id: PathId, request: Request, db: Db,
                     size: Annotated[Literal["full", "thumb"], Query(description="thumb: at most 240 pixels")] = "full"):
    """A title's cover image (public): the one the staff uploaded, metadata removed; 404 when it has none."""
    row = await db.query(lambda s: q.cover_of(s, material_id))
    if row is None or row["is_hidden"] == "Y" or not row["cover_image"]:
        raise not_found("This title has no cover.", "NOT_FOUND")
    full, thumb = covers.paths(request.app.state.settings.media_dir, material_id)
    path = thumb if size == "thumb" else full
    if not path.is_file():
        raise not_found("This title has no cover.", "NOT_FOUND")
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=300"})


@router.get("/api/branches", response_model=list[BranchOut], dependencies=[Depends(public())])
async def list_branches(db: Db) -> list[BranchOut]:
    """The library's active branches (public)."""
    return [BranchOut(**r) for r in await db.query(q.branches)]
