"""Staff patron management: /api/patrons."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api import vocabulary
from api.deps import CurrentUser, Db, require
from api.errors import not_found, responses
from api.models.common import PAGE_SIZE, Page, PageNo, PageSize, PathId, text
from api.models.patrons import PatronCreated, PatronDetail, PatronIn, PatronSummary, SuspendedOut, SuspendIn
from datalayer.reads import page_offset
from datalayer.reads import patrons as q
from datalayer.session import Out, Session

router = APIRouter(prefix="/api/patrons", tags=["patrons"], responses=responses(401, 403))


@router.get("", response_model=Page[PatronSummary], dependencies=[Depends(require("PATRON_VIEW"))],
            responses=responses(422))
async def search_patrons(db: Db,
                   q_: Annotated[text(100) | None, Query(alias="q", description="name, e-mail or card number", examples=["lovelace"])] = None,
                   status: Annotated[vocabulary.PatronStatus | None, Query()] = None,
                   page: PageNo = 1,
                   page_size: PageSize = PAGE_SIZE) -> Page[PatronSummary]:
    """Find patrons by name, e-mail or card number."""
    rows, total = await db.query(lambda s: q.search(s, q_, status, page_size, page_offset(page, page_size)))
    return Page[PatronSummary](items=rows, total=total, page=page, page_size=page_size)


@router.get("/{patron_id}", response_model=PatronDetail, dependencies=[Depends(require("PATRON_VIEW"))],
            responses=responses(404, 422))
async def read_patron(patron_id: PathId, db: Db) -> PatronDetail:
    """One patron with current loans, open holds, fines and balance."""
    row = await db.query(lambda s: q.detail(s, patron_id))
    if row is None:
        raise not_found("No such patron.", "PATRON_NOT_FOUND", -20401)
    return PatronDetail(**row)


@router.post("", response_model=PatronCreated, status_code=201, dependencies=[Depends(require("PATRON_MANAGE"))],
             responses=responses(404, 409, 422))
async def register_patron(body: PatronIn, user: CurrentUser, db: Db) -> PatronCreated:
    """Register a patron at the desk."""
    def work(s: Session) -> dict:
        (patron_id,) = s.call("lib_patrons.register", body.first_name, body.last_name, body.email, body.phone,
                              body.address, body.category, body.home_branch_id, body.card_number, Out(int))
        return q.summary(s, patron_id)
    return PatronCreated(**await db.transact(user, work))


@router.post("/{patron_id}/suspend", response_model=SuspendedOut, dependencies=[Depends(require("PATRON_SUSPEND"))],
             responses=responses(404, 409, 422))
async def suspend_patron(patron_id: PathId, body: SuspendIn, user: CurrentUser, db: Db) -> SuspendedOut:
    """Suspend a patron (blocks borrowing and holds); the reason is required."""
    def work(s: Session) -> dict:
        s.call("lib_patrons.suspend", patron_id, body.reason)
        return q.summary(s, patron_id)
    return SuspendedOut(**await db.transact(user, work))
