"""Copies at the desk: /api/copies/{copy_id}/inspections (the condition history)."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from api.deps import Db, require
from api.errors import not_found, responses
from api.models.common import PAGE_SIZE, Page, PageNo, PageSize, PathId
from api.models.copies import InspectionOut
from datalayer.reads import inspections as q
from datalayer.reads import page_offset

router = APIRouter(prefix="/api/copies", tags=["copies"], responses=responses(401, 403, 422))


@router.get("/{copy_id}/inspections", response_model=Page[InspectionOut],
            dependencies=[Depends(require("CIRC_RETURN"))], responses=responses(404))
async def copy_inspections(copy_id: PathId, db: Db, page: PageNo = 1,
                           page_size: PageSize = PAGE_SIZE) -> Page[InspectionOut]:
    """The copy's condition inspections (grade, note, who, when, damage charge), newest first."""
    def read(s):
        if not q.copy_exists(s, copy_id):
            return None
        return q.history(s, copy_id, page_size, page_offset(page, page_size))

    found = await db.query(read)
    if found is None:
        raise not_found("No copy with this id or barcode.", "COPY_NOT_FOUND", -20102)
    rows, total = found
    return Page[InspectionOut](items=rows, total=total, page=page, page_size=page_size)
