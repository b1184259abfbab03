"""Catalog editing for catalogers: /api/materials."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from api.deps import CurrentUser, Db, require
from api.errors import responses
from api.models.common import PathId
from api.models.materials import CopyCreated, CopyIn, CopyUpdate, HiddenIn, MaterialIn, MaterialOut
from datalayer.packages import lib_catalog
from datalayer.reads.catalog import authors_of
from datalayer.session import Session

router = APIRouter(prefix="/api/materials", tags=["materials"], dependencies=[Depends(require("CATALOG_EDIT"))],
                   responses=responses(401, 403, 422))


def _args(body: MaterialIn) -> list:
    authors = None if body.authors is None else "|".join(a.strip().replace("|", " ") for a in body.authors if a.strip())
    return [body.title, body.subtitle, body.isbn, body.material_type, body.genre_id, body.publisher,
            body.publication_year, body.language, body.description, body.replacement_cost, authors or None]


def _material(s: Session, material_id: int) -> MaterialOut:
    row = s.one("SELECT material_id, title, isbn, material_type FROM materials WHERE material_id = :m", {"m": material_id})
    (duplicates,) = lib_catalog.duplicate_isbns(s, row["isbn"], material_id)
    return MaterialOut(**row, authors=authors_of(s, [material_id]).get(material_id, []),
                       duplicate_isbns=int(duplicates or 0))


@router.post("", response_model=MaterialOut, status_code=201, responses=responses(409))
async def create_material(body: MaterialIn, user: CurrentUser, db: Db) -> MaterialOut:
    """Add a title (authors are created by name when new)."""
    def work(s: Session) -> MaterialOut:
        (material_id,) = lib_catalog.add_material(s, *_args(body))
        return _material(s, material_id)
    return await db.transact(user, work)


@router.put("/{material_id}", response_model=MaterialOut, responses=responses(404, 409))
async def update_material(material_id: PathId, body: MaterialIn, user: CurrentUser, db: Db) -> MaterialOut:
    """Replace a title's data (authors: null keeps them, a list replaces them)."""
    def work(s: Session) -> MaterialOut:
        lib_catalog.update_material(s, material_id, *_args(body))
        return _material(s, material_id)
    return await db.transact(user, work)


@router.post("/{material_id}/copies", response_model=CopyCreated, status_code=201, responses=responses(404, 409))
async def create_copy(material_id: PathId, body: CopyIn, user: CurrentUser, db: Db) -> CopyCreated:
    """Add a copy of a title at a branch (barcode generated when not given)."""
    def work(s: Session) -> dict:
        (copy_id,) = lib_catalog.add_copy(s, material_id, body.branch_id, body.barcode, body.shelf_location,
                                          body.price)
        return s.one("SELECT copy_id, material_id, branch_id, barcode, status FROM copies WHERE copy_id = :c",
                     {"c": copy_id})
    return CopyCreated(**await db.transact(user, work))


@router.put("/copies/{copy_id}", status_code=204, response_class=Response, responses=responses(404, 409))
async def update_copy(copy_id: PathId, body: CopyUpdate, user: CurrentUser, db: Db) -> Response:
    """Change a copy's branch, call number, shelf location and price (all replaced; the call number's sort key
    is computed). A withdrawn copy is refused (COPY_WITHDRAWN), a new branch while the copy is on loan or
    kept for a hold too (COPY_BRANCH_LOCKED)."""
    await db.run_async(user, lib_catalog.update_copy, copy_id, body.branch_id, body.call_number, body.shelf_location,
                       body.price)
    return Response(status_code=204)


@router.put("/{material_id}/hidden", status_code=204, response_class=Response, responses=responses(404, 409))
async def set_hidden(material_id: PathId, body: HiddenIn, user: CurrentUser, db: Db) -> Response:
    """Hide a title from the public catalog or show it again (hiding is refused while it circulates:
    MATERIAL_IN_CIRCULATION)."""
    await db.run_async(user, lib_catalog.set_hidden, material_id, "Y" if body.hidden else "N")
    return Response(status_code=204)


@router.delete("/{material_id}", status_code=204, response_class=Response, responses=responses(404, 409))
async def delete_material(material_id: PathId, user: CurrentUser, db: Db) -> Response:
    """Delete a title that never circulated, with its copies (else MATERIAL_IN_CIRCULATION or
    MATERIAL_HAS_HISTORY: hide it or withdraw its copies)."""
    await db.run_async(user, lib_catalog.delete_material, material_id)
    return Response(status_code=204)
