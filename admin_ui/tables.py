"""Table screens (starlette-admin 1.0.3) under /staff/admin: catalog, configuration, users and roles, audit log.

Every view is guarded by the permission it needs, read from the signed-in staff session:
    titles, copies, authors, genres .......... CATALOG_EDIT
    branches, closed days, weekly closures,
    policies, settings ....................... SYS_CONFIG
    users and roles .......................... USER_ADMIN
    audit log (read-only) .................... AUDIT_VIEW
Every write is a package call through the API's gateway acting as the signed-in user, so the rules, the
permission check and the audit trail are the packages' (the database checks the permission again):
    titles, copies ....... lib_catalog.add_material / update_material / set_hidden / delete_material,
                           add_copy / update_copy / withdraw_copy
    genres, authors ...... lib_catalog.add_genre / update_genre / delete_genre, add_author / update_author /
                           delete_author
    branches ............. lib_admin.create_branch / update_branch
    closed days .......... lib_admin.add_closed_day / update_closed_day / delete_closed_day
    weekly closures ...... lib_admin.add_closed_weekday / update_closed_weekday / delete_closed_weekday
    policies ............. lib_admin.create_policy / update_policy / delete_policy
    settings ............. lib_admin.set_setting
    accounts ............. lib_auth.create_user / update_user / set_roles / set_active / deactivate_user /
                           unlock_account / set_password / approve_role_request / reject_role_request
starlette-admin lists and shows rows through SQLAlchemy models (admin_ui.models) in read-only
transactions: no screen writes a table itself, so the application role needs no INSERT, UPDATE or DELETE.
Bulk import is switched off everywhere. CSRF: starlette-admin's built-in signed double-submit token, bound
to the staff session (admin_ui/admin_csrf.py).
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

import anyio.to_thread
from markupsafe import Markup
from sqlalchemy import create_engine, event, false, text
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette_admin import (
    BooleanField,
    DateField,
    DateTimeField,
    DecimalField,
    EnumField,
    HasOne,
    IntegerField,
    PasswordField,
    StringField,
    TextAreaField,
)
from starlette_admin.actions import link_row_action, row_action
from starlette_admin.auth import AdminUser, BaseAuthProvider
from starlette_admin.contrib.sqla import Admin, ModelView
from starlette_admin.exceptions import ActionFailed, FormValidationError
from starlette_admin.fields import BaseField
from starlette_admin.types import RequestAction
from starlette_admin.flash import flash
from starlette_admin.views import Link

from admin_ui import models as m
from admin_ui import nav, web
from admin_ui.admin_csrf import bind_csrf_to_session
from admin_ui.auth import csrf_token, current_user, revalidate, sign_out
from datalayer.packages import lib_admin, lib_auth, lib_catalog
from datalayer.reads import catalog
from datalayer.session import DbError
from services.accounts import SignedIn
from services.passwords import hash_password

log = logging.getLogger("ils.staff")
TEMPLATES = Path(__file__).resolve().parent / "templates" / "tables"


def vocabulary(table: str) -> Callable[[Request], list[tuple[str, str]]]:
    """An EnumField's choices: the rows of a vocabulary table (database/009_vocabulary.sql), read with the
    screen's session when the form or list is drawn, so a code added to the table is offered at once."""
    def load(request: Request) -> list[tuple[str, str]]:
        rows = request.state.session.execute(text(f"SELECT code, label FROM {table} ORDER BY sort_order, code"))
        return [(code, label) for code, label in rows]
    return load


YES_NO = [("Y", "Yes"), ("N", "No")]
WEEKDAYS = [(1, "Monday"), (2, "Tuesday"), (3, "Wednesday"), (4, "Thursday"), (5, "Friday"), (6, "Saturday"),
            (7, "Sunday")]
ANY = "fields/detail/_any.html"              # a NULL that means "any" (policy scope)
EVERY_BRANCH = "fields/detail/_every_branch.html"
LABELS = "fields/list/labels.html"           # the labels of a multiple choice, comma-separated


@dataclass
class Pick(HasOne):
    """A HasOne whose select shows `placeholder` when empty (see fields/form/relation.html)."""
    placeholder: str | None = None


SEARCH_PLACEHOLDER = "Type to search"  # a select left empty where no empty meaning is given


def with_placeholder(html: str, field: BaseField) -> Markup:
    """starlette-admin's select (fields/form/enum.html, relation.html) with the desk's words for its empty choice
    instead of its "Select <field>": field.placeholder says what empty means ("Any branch", "Every branch")."""
    words = escape(getattr(field, "placeholder", None) or SEARCH_PLACEHOLDER)
    html = _PLACEHOLDER.sub(f'data-placeholder="{words}"', str(html), count=1)
    return Markup(html.replace("<option></option>", f'<option value="">{words}</option>', 1))


_PLACEHOLDER = re.compile(r'data-placeholder="[^"]*"')


# ---- engine: reads only ---------------------------------------------------------------------------

def sqlalchemy_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    base = scheme.split("+")[0]
    if base in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + rest
    if base == "oracle":
        return "oracle+oracledb://" + rest
    raise ValueError(f"unsupported database URL scheme {scheme!r}")


def make_sessionmaker(database_url: str) -> sessionmaker:
    """Sessions for starlette-admin's reads. Each transaction is READ ONLY (both engines): a write that
    slipped past the views would fail here instead of bypassing the packages."""
    engine = create_engine(sqlalchemy_url(database_url), pool_size=2, max_overflow=4, pool_pre_ping=True,
                           pool_timeout=5)
    maker = sessionmaker(bind=engine, expire_on_commit=False)
    read_only = text("SET TRANSACTION READ ONLY")

    @event.listens_for(maker, "after_begin")
    def _read_only(session: Session, transaction: Any, connection: Any) -> None:
        connection.execute(read_only)

    return maker


# ---- who is signed in ----------------------------------------------------------------------------

def staff(request: Request) -> SignedIn | None:
    return getattr(request.state, "staff_user", None)


def allowed(request: Request, *permissions: str) -> bool:
    user = staff(request)
    return user is not None and user.has(*permissions)


class StaffGuard:
    """Outermost layer of the admin app: the staff session decides (login page, 403 for non-staff)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        user = current_user(request)
        if user is not None:
            user = await anyio.to_thread.run_sync(revalidate, request, user)
        path = scope.get("path", "")
        if user is None:
            if path.startswith(web.PREFIX + "/admin/static/"):
                await self.app(scope, receive, send)
                return
            target = web.PREFIX + "/login?next=" + quote(path + ("?" + scope["query_string"].decode("latin-1")
                                                                  if scope.get("query_string") else ""), safe="")
            await RedirectResponse(target, status_code=303)(scope, receive, send)
            return
        if not user.is_staff:
            await web.forbidden(request, user)(scope, receive, send)
            return
        scope.setdefault("state", {})["staff_user"] = user
        await self.app(scope, receive, send)


class StaffAuth(BaseAuthProvider):
    """starlette-admin's view of the staff session (the StaffGuard has already let the user in)."""

    async def authenticate(self, request: Request) -> AdminUser | None:
        user = staff(request)
        return AdminUser(username=f"{user.full_name} ({user.username})") if user else None

    def get_routes(self, templates: Any) -> list[Route]:
        async def login(request: Request) -> Response:
            return RedirectResponse(web.PREFIX + "/login", status_code=303)

        async def logout(request: Request) -> Response:
            await anyio.to_thread.run_sync(sign_out, request)
            return RedirectResponse(web.PREFIX + "/login", status_code=303)

        return [Route("/login", login, methods=["GET"], name="login"),
                Route("/logout", logout, methods=["POST"], name="logout")]


# ---- the base view ----------------------------------------------------------------------------------

class TableView(ModelView):
    """A table screen visible with `view_permission`. Create, edit and delete are package calls that the
    subclass writes (create/edit/delete), allowed when the flags say so; nothing is written otherwise."""

    view_permission: tuple[str, ...] = ()
    allow_create = True
    allow_edit = True
    allow_delete = False
    page_size = 25
    page_size_options = [25, 50, 100]
    error_fields: dict[str, str] = {}  # refusal code -> the form field it is shown under
    first_field = "name"               # where other refusals are shown

    def is_accessible(self, request: Request) -> bool:
        return allowed(request, *self.view_permission)

    def can_create(self, request: Request) -> bool:
        return self.allow_create and self.is_accessible(request)

    def can_edit(self, request: Request) -> bool:
        return self.allow_edit and self.is_accessible(request)

    def can_delete(self, request: Request) -> bool:
        return self.allow_delete and self.is_accessible(request)

    def can_import(self, request: Request) -> bool:
        return False

    async def validate_fields(self, request: Request, data: dict[str, Any], exclude: Any = ()) -> None:
        """Blank text is absent text (web.blank_null): a text field left empty or spaces only becomes None
        before the required check, which then refuses it where a value is needed. starlette-admin runs
        this on the parsed form of every create and edit, and hands the same dict to create()/edit()."""
        for field in self.get_fields_list(request):
            if _is_text(field) and field.name in data:
                data[field.name] = web.blank_null(data[field.name])
        bad = [f.name for f in self.get_fields_list(request)  # 422 with the form, as the API refuses it
               if web.has_control(data.get(f.name), multiline=isinstance(f, TextAreaField))]
        if bad:
            raise FormValidationError({name: f"The text {web.CONTROL_MESSAGE}." for name in bad})
        await super().validate_fields(request, data, exclude)

    async def call(self, request: Request, fn: Callable[[Any], Any]) -> Any:
        """Run fn(session) in one gateway transaction acting as the user; refusals become form errors."""
        gw = request.app.state.gateway
        user = staff(request)

        def work() -> Any:
            with gw.transaction(actor=user) as s:
                return fn(s)
        try:
            return await anyio.to_thread.run_sync(work)
        except DbError as exc:
            r = web.refusal_of(request, exc)
            raise FormValidationError({self.error_field(r.code, r.message): f"{r.message} ({r.code})"})

    def error_field(self, code: str, message: str) -> str:
        """The form field a refusal is shown under."""
        return self.error_fields.get(code, self.first_field)

    async def act(self, request: Request, fn: Callable[[Any], Any]) -> Any:
        """call() for a row action or delete: a refusal is the action's failure message."""
        try:
            return await self.call(request, fn)
        except FormValidationError as exc:
            raise ActionFailed(next(iter(exc.errors.values()))) from None

    @staticmethod
    def done(request: Request, message: str) -> str:
        """A row action's success message, also flashed: the list reloads after a row action."""
        flash(request, message, "success")
        return message

    async def load(self, request: Request, pk: Any) -> Any:
        """The row as the package left it: a new read-only transaction (Oracle's READ ONLY transactions see
        the database as it was when they began)."""
        session = request.state.session
        await anyio.to_thread.run_sync(session.rollback)
        return await self.find_by_pk(request, pk)

    async def create(self, request: Request, data: dict) -> Any:
        raise FormValidationError({self.first_field: "This screen does not add rows."})

    async def edit(self, request: Request, pk: Any, data: dict) -> Any:
        raise FormValidationError({self.first_field: "This screen does not change rows."})

    async def delete(self, request: Request, pks: list[Any]) -> int | None:
        raise ActionFailed("This screen does not delete rows.")

    async def delete_each(self, request: Request, pks: list[Any], delete: Callable[[Any, int], None]) -> int:
        """Delete (or deactivate) the rows one package call each (datalayer.packages), all in one transaction."""
        def work(s: Any) -> None:
            for pk in pks:
                delete(s, int(pk))
        await self.act(request, work)
        return len(pks)


def _is_text(field: BaseField) -> bool:
    return isinstance(field, StringField) and not isinstance(field, (PasswordField, EnumField))


def _pk(v: Any) -> int | None:
    """The key of a HasOne value: the related row, or its key as text."""
    if v in (None, ""):
        return None
    for attr in ("genre_id", "branch_id", "material_id"):
        if getattr(v, attr, None) is not None:
            return int(getattr(v, attr))
    return int(v)


def _day(v: Any) -> datetime | None:
    """A form's date as the DATE (midnight) the packages take."""
    if isinstance(v, datetime):
        return v
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day)
    return None


# ---- catalog --------------------------------------------------------------------------------------

def _cover_thumb(request: Request, obj: Any) -> str | None:
    """The staff URL of a title's cover thumbnail, None when no cover is recorded (lib_catalog.set_cover)."""
    return f"{web.PREFIX}/covers/{obj.material_id}/image?size=thumb" if obj.cover_image else None


class MaterialView(TableView):
    """Titles. The title page (detail) shows the cover and the holdings: every copy with its status, due date
    and, for staff holding PATRON_VIEW, who has it. Search finds words of the title, subtitle and authors, an
    ISBN or a copy barcode (datalayer.reads.catalog's search, hidden titles included)."""
    label, name, identity = "Titles", "Title", "material"
    view_permission = ("CATALOG_EDIT",)
    allow_delete = True
    detail_template = "material_detail.html"
    fields = [IntegerField("material_id", label="Id", exclude_from_create=True, exclude_from_edit=True),
              StringField("cover", label="Cover", getter=_cover_thumb, exclude_from_create=True,
                          exclude_from_edit=True, list_template="fields/list/cover.html",
                          detail_template="fields/detail/cover.html", null_template="fields/detail/_no_cover.html"),
              StringField("title", required=True, maxlength=500),
              StringField("subtitle", maxlength=500, exclude_from_list=True),
              StringField("author_names", label="Authors", help_text="In credit order, separated by |",
                          exclude_from_list=False),
              StringField("isbn", label="ISBN", help_text="ISBN-10 or ISBN-13, hyphens allowed"),
              EnumField("material_type", label="Type", choices_loader=vocabulary("material_types"),
                        placeholder="Book (when not chosen)"),
              Pick("genre", key="genre", placeholder="No genre"),
              StringField("publisher", exclude_from_list=True),
              IntegerField("publication_year", label="Year"),
              StringField("language_code", label="Language", help_text="ISO 639-2, e.g. eng", exclude_from_list=True),
              TextAreaField("description", exclude_from_list=True),
              DecimalField("replacement_cost", exclude_from_list=True),
              StringField("hidden", label="Hidden", getter=lambda request, obj: "hidden" if obj.is_hidden == "Y" else None,
                          exclude_from_create=True, exclude_from_edit=True),
              DateTimeField("created_at", exclude_from_create=True, exclude_from_edit=True, exclude_from_list=True)]
    searchable_fields = ["title", "isbn", "publisher"]
    sortable_fields = ["material_id", "title", "publication_year", "material_type"]
    fields_default_sort = [("material_id", True)]
    first_field = "title"
    error_fields = {"INVALID_ISBN": "isbn", "GENRE_NOT_FOUND": "genre", "DUPLICATE_ISBN": "isbn"}

    async def build_full_text_search_query(self, request: Request, term: str, model: Any) -> Any:
        """The catalog's search (full text over title, subtitle and authors; an ISBN or a barcode exactly)
        instead of starlette-admin's LIKE on each column: the list shows the titles it finds."""
        gw = request.app.state.gateway

        def find() -> list[int]:
            with gw.read() as s:
                return catalog.search_ids(s, term)
        ids = await anyio.to_thread.run_sync(find)
        return m.Material.material_id.in_(ids) if ids else false()

    async def serialize(self, obj: Any, request: Request, include_relationships: bool = True,
                        include_select2: bool = False) -> dict[str, Any]:
        out = await super().serialize(obj, request, include_relationships, include_select2)
        if getattr(request.state, "action", None) == RequestAction.DETAIL:
            gw, with_patrons = request.app.state.gateway, allowed(request, "PATRON_VIEW")

            def read() -> list[dict]:
                with gw.read() as s:
                    return catalog.holdings(s, int(obj.material_id), with_patrons)
            out["_holdings"] = await anyio.to_thread.run_sync(read)
            out["_with_patrons"] = with_patrons
            out["_can_declare_lost"] = allowed(request, "CIRC_RETURN")  # the permission POST /desk/lost needs
            out["_hidden"] = obj.is_hidden == "Y"
        return out

    @staticmethod
    def _args(data: dict) -> list:
        return [data.get("title"), data.get("subtitle"), data.get("isbn"),
                data.get("material_type") or "BOOK", _pk(data.get("genre")), data.get("publisher"),
                data.get("publication_year"), data.get("language_code"), data.get("description"),
                data.get("replacement_cost")]

    @staticmethod
    def _authors(data: dict) -> str | None:
        authors = data.get("author_names")
        return "|".join(a.strip() for a in authors.split("|") if a.strip()) if authors else None

    @staticmethod
    def _warn_duplicates(request: Request, duplicates: Any) -> None:
        """DUPLICATE_ISBN = WARN: the title was saved, and the cataloger is told."""
        if duplicates:
            flash(request, f"Saved, but {int(duplicates)} other title(s) have the same ISBN (DUPLICATE_ISBN).",
                  "warning")

    async def create(self, request: Request, data: dict) -> Any:
        def work(s: Any) -> tuple[int, Any]:
            (material_id,) = lib_catalog.add_material(s, *self._args(data), self._authors(data))
            (duplicates,) = lib_catalog.duplicate_isbns(s, data.get("isbn"), material_id)
            return material_id, duplicates
        material_id, duplicates = await self.call(request, work)
        self._warn_duplicates(request, duplicates)
        return await self.load(request, material_id)

    async def edit(self, request: Request, pk: Any, data: dict) -> Any:
        def work(s: Any) -> Any:
            lib_catalog.update_material(s, int(pk), *self._args(data), self._authors(data))
            return lib_catalog.duplicate_isbns(s, data.get("isbn"), int(pk)).count
        self._warn_duplicates(request, await self.call(request, work))
        return await self.load(request, pk)

    async def delete(self, request: Request, pks: list[Any]) -> int | None:
        """lib_catalog.delete_material: only titles that never circulated (else MATERIAL_HAS_HISTORY)."""
        return await self.delete_each(request, pks, lib_catalog.delete_material)

    async def is_row_action_allowed_for_obj(self, request: Request, name: str, obj: Any) -> bool:
        if name == "hide":
            return obj.is_hidden != "Y"
        if name == "show":
            return obj.is_hidden == "Y"
        return await super().is_row_action_allowed_for_obj(request, name, obj)

    @row_action(name="hide", text="Hide from the catalog", icon_class="fa-solid fa-eye-slash",
                confirmation="Hide this title from the public catalog? Staff still see it.", submit_btn_text="Hide")
    async def hide_row_action(self, request: Request, pk: Any) -> str:
        await self.act(request, lambda s: lib_catalog.set_hidden(s, int(pk), "Y"))
        return self.done(request, "The title is hidden from the public catalog.")

    @row_action(name="show", text="Show in the catalog", icon_class="fa-solid fa-eye",
                confirmation="Show this title in the public catalog again?", submit_btn_text="Show")
    async def show_row_action(self, request: Request, pk: Any) -> str:
        await self.act(request, lambda s: lib_catalog.set_hidden(s, int(pk), "N"))
        return self.done(request, "The title is shown in the public catalog again.")

    @link_row_action(name="cover", text="Upload cover", icon_class="fa-solid fa-image")
    def cover_row_action(self, request: Request, pk: Any) -> str:
        return f"{web.PREFIX}/covers/{pk}"


class CopyView(TableView):
    """Copies: added with lib_catalog.add_copy, changed with update_copy (branch, call number, shelf, price:
    the package refuses a withdrawn copy, or a new branch while the copy is on loan or kept for a hold)."""
    label, name, identity = "Copies", "Copy", "copy"
    view_permission = ("CATALOG_EDIT",)
    fields = [IntegerField("copy_id", label="Id", exclude_from_create=True, exclude_from_edit=True),
              StringField("barcode", help_text="Leave empty to generate one", exclude_from_edit=True),
              Pick("material", key="material", required=True, label="Title", exclude_from_edit=True,
                   placeholder="Type part of the title"),
              Pick("branch", key="branch", required=True, placeholder="Type part of the branch name"),
              EnumField("status", choices_loader=vocabulary("copy_statuses"), exclude_from_create=True,
                        exclude_from_edit=True),
              StringField("call_number", maxlength=60, help_text="As on the spine label, e.g. 823.7 AUS"),
              StringField("shelf_location", maxlength=60),
              DecimalField("price"),
              StringField("condition_note", exclude_from_create=True, exclude_from_edit=True, exclude_from_list=True),
              DateTimeField("acquired_on", exclude_from_create=True, exclude_from_edit=True, exclude_from_list=True)]
    searchable_fields = ["barcode", "status", "call_number", "shelf_location"]
    sortable_fields = ["copy_id", "barcode", "status", "call_number"]
    fields_default_sort = [("copy_id", True)]
    first_field = "barcode"
    error_fields = {"MATERIAL_NOT_FOUND": "material", "BRANCH_NOT_FOUND": "branch", "BARCODE_TAKEN": "barcode",
                    "INVALID_MATERIAL_DATA": "price", "COPY_BRANCH_LOCKED": "branch", "COPY_WITHDRAWN": "branch"}

    sortable_field_mapping = {"call_number": m.Copy.call_number_sort}  # by the key: as on the shelves

    async def create(self, request: Request, data: dict) -> Any:
        def work(s: Any) -> int:
            (copy_id,) = lib_catalog.add_copy(s, _pk(data.get("material")), _pk(data.get("branch")),
                                              data.get("barcode"), data.get("shelf_location"), data.get("price"))
            if data.get("call_number"):
                lib_catalog.update_copy(s, copy_id, _pk(data.get("branch")), data.get("call_number"),
                                        data.get("shelf_location"), data.get("price"))
            return copy_id
        copy_id = await self.call(request, work)
        return await self.load(request, copy_id)

    async def edit(self, request: Request, pk: Any, data: dict) -> Any:
        await self.call(request, lambda s: lib_catalog.update_copy(
            s, int(pk), _pk(data.get("branch")), data.get("call_number"), data.get("shelf_location"),
            data.get("price")))
        return await self.load(request, pk)

    @row_action(name="withdraw", text="Withdraw", confirmation="Withdraw this copy from circulation?",
                submit_btn_text="Withdraw", icon_class="fa-solid fa-box-archive",
                form='<form><div class="mt-3"><label class="form-label" for="withdraw-reason">Reason</label>'
                     '<input id="withdraw-reason" class="form-control" name="reason" maxlength="400"></div></form>')
    async def withdraw_row_action(self, request: Request, pk: Any) -> str:
        reason = web.blank_null(str((await request.form()).get("reason") or "")[:400])
        await self.act(request, lambda s: lib_catalog.withdraw_copy(s, int(pk), reason))
        return self.done(request, "The copy was withdrawn.")


class AuthorView(TableView):
    label, name, identity = "Authors", "Author", "author"
    view_permission = ("CATALOG_EDIT",)
    allow_delete = True
    fields = [IntegerField("author_id", label="Id", exclude_from_create=True, exclude_from_edit=True),
              StringField("full_name", required=True, maxlength=200),
              StringField("sort_name", maxlength=200, help_text="Empty = from the full name (Austen, Jane)"),
              IntegerField("birth_year"), IntegerField("death_year")]
    searchable_fields = ["full_name", "sort_name"]
    sortable_fields = ["author_id", "full_name", "sort_name"]
    first_field = "full_name"

    @staticmethod
    def _args(data: dict) -> list:
        return [data.get("full_name"), data.get("sort_name"), data.get("birth_year"), data.get("death_year")]

    async def create(self, request: Request, data: dict) -> Any:
        (author_id,) = await self.call(request, lambda s: lib_catalog.add_author(s, *self._args(data)))
        return await self.load(request, author_id)

    async def edit(self, request: Request, pk: Any, data: dict) -> Any:
        await self.call(request, lambda s: lib_catalog.update_author(s, int(pk), *self._args(data)))
        return await self.load(request, pk)

    async def delete(self, request: Request, pks: list[Any]) -> int | None:
        return await self.delete_each(request, pks, lib_catalog.delete_author)


class GenreView(TableView):
    label, name, identity = "Genres", "Genre", "genre"
    view_permission = ("CATALOG_EDIT",)
    allow_delete = True
    fields = [IntegerField("genre_id", label="Id", exclude_from_create=True, exclude_from_edit=True),
              StringField("name", required=True, maxlength=100),
              Pick("parent", key="genre", help_text="Empty = a top genre", placeholder="None: a top genre")]
    searchable_fields = ["name"]
    sortable_fields = ["genre_id", "name"]
    error_fields = {"GENRE_NOT_FOUND": "parent"}

    async def create(self, request: Request, data: dict) -> Any:
        (genre_id,) = await self.call(request, lambda s: lib_catalog.add_genre(
            s, data.get("name"), _pk(data.get("parent"))))
        return await self.load(request, genre_id)

    async def edit(self, request: Request, pk: Any, data: dict) -> Any:
        await self.call(request, lambda s: lib_catalog.update_genre(s, int(pk), data.get("name"),
                                                                    _pk(data.get("parent"))))
        return await self.load(request, pk)

    async def delete(self, request: Request, pks: list[Any]) -> int | None:
        return await self.delete_each(request, pks, lib_catalog.delete_genre)


# ---- configuration --------------------------------------------------------------------------------

class BranchView(TableView):
    label, name, identity = "Branches", "Branch", "branch"
    view_permission = ("SYS_CONFIG",)
    fields = [IntegerField("branch_id", label="Id", exclude_from_create=True, exclude_from_edit=True),
              StringField("code", required=True, maxlength=20, help_text="Up to 20 characters, no spaces"),
              StringField("name", required=True, maxlength=200),
              StringField("address", maxlength=400), StringField("phone", maxlength=40),
              StringField("email", maxlength=254),
              EnumField("is_active", label="Active", choices=YES_NO, required=True, exclude_from_create=True,
                        help_text="No = closed for good (its copies, patrons and loans keep it)")]
    searchable_fields = ["code", "name"]
    sortable_fields = ["branch_id", "code", "name"]
    first_field = "code"
    error_fields = {"INVALID_BRANCH_DATA": "name"}

    def is_accessible(self, request: Request) -> bool:  # catalogers pick branches for copies (read only)
        return allowed(request, "SYS_CONFIG", "CATALOG_EDIT")

    def can_create(self, request: Request) -> bool:
        return allowed(request, "SYS_CONFIG")

    def can_edit(self, request: Request) -> bool:
        return allowed(request, "SYS_CONFIG")

    @staticmethod
    def _args(data: dict) -> list:
        return [data.get("code"), data.get("name"), data.get("address"), data.get("phone"), data.get("email")]

    async def create(self, request: Request, data: dict) -> Any:
        (branch_id,) = await self.call(request, lambda s: lib_admin.create_branch(s, *self._args(data)))
        return await self.load(request, branch_id)

    async def edit(self, request: Request, pk: Any, data: dict) -> Any:
        await self.call(request, lambda s: lib_admin.update_branch(s, int(pk), *self._args(data),
                                                                   data.get("is_active")))
        return await self.load(request, pk)


class ClosedDayView(TableView):
    label, name, identity = "Closed days", "Closed day", "closed-day"
    view_permission = ("SYS_CONFIG",)
    allow_delete = True
    fields = [IntegerField("closed_day_id", label="Id", exclude_from_create=True, exclude_from_edit=True),
              DateField("closed_on", required=True),
              Pick("branch", key="branch", help_text="Empty = every branch", null_template=EVERY_BRANCH,
                   placeholder="Every branch"),
              StringField("reason", maxlength=200)]
    fields_default_sort = [("closed_on", True)]
    searchable_fields = ["reason"]
    sortable_fields = ["closed_day_id", "closed_on"]
    first_field = "closed_on"
    error_fields = {"BRANCH_NOT_FOUND": "branch", "INVALID_CLOSED_DAY": "closed_on"}

    @staticmethod
    def _args(data: dict) -> list:
        return [_pk(data.get("branch")), _day(data.get("closed_on")), data.get("reason")]

    async def create(self, request: Request, data: dict) -> Any:
        (closed_day_id,) = await self.call(request, lambda s: lib_admin.add_closed_day(s, *self._args(data)))
        return await self.load(request, closed_day_id)

    async def edit(self, request: Request, pk: Any, data: dict) -> Any:
        await self.call(request, lambda s: lib_admin.update_closed_day(s, int(pk), *self._args(data)))
        return await self.load(request, pk)

    async def delete(self, request: Request, pks: list[Any]) -> int | None:
        return await self.delete_each(request, pks, lib_admin.delete_closed_day)


class ClosedWeekdayView(TableView):
    """Weekly closures (closed every Sunday): due dates and overdue fines skip them as they skip closed days."""
    label, name, identity = "Weekly closures", "Weekly closure", "closed-weekday"
    view_permission = ("SYS_CONFIG",)
    allow_delete = True
    fields = [IntegerField("closed_weekday_id", label="Id", exclude_from_create=True, exclude_from_edit=True),
              EnumField("iso_weekday", label="Closed every", choices=WEEKDAYS, coerce=int, required=True,
                        help_text="The branch is closed on this day every week: no loan falls due on it and it "
                                  "costs no overdue fine"),
              Pick("branch", key="branch", help_text="Empty = every branch", null_template=EVERY_BRANCH,
                   placeholder="Every branch"),
              StringField("reason", maxlength=200, help_text="e.g. Closed on Sundays")]
    fields_default_sort = ["iso_weekday"]
    searchable_fields = ["reason"]
    sortable_fields = ["closed_weekday_id", "iso_weekday"]
    first_field = "iso_weekday"
    error_fields = {"BRANCH_NOT_FOUND": "branch"}

    @staticmethod
    def _args(data: dict) -> list:
        return [_pk(data.get("branch")), data.get("iso_weekday"), data.get("reason")]

    async def create(self, request: Request, data: dict) -> Any:
        (weekday_id,) = await self.call(request, lambda s: lib_admin.add_closed_weekday(s, *self._args(data)))
        return await self.load(request, weekday_id)

    async def edit(self, request: Request, pk: Any, data: dict) -> Any:
        await self.call(request, lambda s: lib_admin.update_closed_weekday(s, int(pk), *self._args(data)))
        return await self.load(request, pk)

    async def delete(self, request: Request, pks: list[Any]) -> int | None:
        return await self.delete_each(request, pks, lib_admin.delete_closed_weekday)


POLICY_RULES = ("loan_days", "max_renewals", "renew_from_due", "loan_limit", "hold_limit", "daily_fine", "grace_days",
                "max_fine", "fine_block_threshold", "hold_pickup_days", "holdable", "lost_after_days", "lost_refund",
                "cap_fine_to_price", "suspension_days_per_day", "max_suspension_days", "no_renewal_before_days",
                "max_overdue_loans", "damage_fee", "damage_fee_share")
# the words lib_admin's INVALID_POLICY names a rule by ("<words> must be ...") -> the form field
POLICY_RULE_WORDS = {"loan days": "loan_days", "maximum renewals": "max_renewals", "renew from due": "renew_from_due",
                     "loan limit": "loan_limit", "hold limit": "hold_limit", "daily fine": "daily_fine",
                     "grace days": "grace_days", "maximum fine": "max_fine",
                     "fine block threshold": "fine_block_threshold", "hold pickup days": "hold_pickup_days",
                     "holdable": "holdable", "lost after days": "lost_after_days", "lost refund": "lost_refund",
                     "cap fine to price": "cap_fine_to_price",
                     "suspension days per day late": "suspension_days_per_day",
                     "maximum suspension days": "max_suspension_days",
                     "no renewal before days": "no_renewal_before_days",
                     "maximum overdue loans": "max_overdue_loans", "damage fee": "damage_fee",
                     "damage fee share": "damage_fee_share"}


class PolicyView(TableView):
    label, name, identity = "Circulation policies", "Circulation policy", "policy"
    view_permission = ("SYS_CONFIG",)
    allow_delete = True
    fields = [IntegerField("policy_id", label="Id", exclude_from_create=True, exclude_from_edit=True),
              Pick("branch", key="branch", help_text="Empty = any branch", null_template=ANY, placeholder="Any branch"),
              EnumField("patron_category", choices_loader=vocabulary("patron_categories"), help_text="Empty = any",
                        null_template=ANY, placeholder="Any category"),
              EnumField("material_type", choices_loader=vocabulary("material_types"),
                        help_text="Empty = any", null_template=ANY, placeholder="Any type"),
              IntegerField("loan_days", required=True, default=21), IntegerField("max_renewals", required=True, default=2),
              EnumField("renew_from_due", choices=[("N", "No"), ("Y", "Yes")], required=True, default="N",
                        exclude_from_list=True, help_text="Yes = a renewal counts from the due date"),
              IntegerField("loan_limit", required=True, default=20), IntegerField("hold_limit", required=True, default=10),
              DecimalField("daily_fine", required=True, default=0), IntegerField("grace_days", required=True, default=0),
              DecimalField("max_fine", required=True, default=0),
              DecimalField("fine_block_threshold", required=True, default=10),
              IntegerField("hold_pickup_days", required=True, default=7),
              EnumField("holdable", choices=YES_NO, required=True, default="Y"),
              IntegerField("lost_after_days", required=True, default=60),
              EnumField("lost_refund", label="Refund a lost charge", choices=YES_NO, required=True, default="Y",
                        exclude_from_list=True,
                        help_text="Yes = when a lost copy comes back its lost charge is cancelled (a paid part "
                                  "refunded unless the setting LOST_REFUND_PAID is 0)"),
              # the peers' rules (issue 13): each off by default
              EnumField("cap_fine_to_price", label="Cap the fine at the replacement cost", choices=YES_NO,
                        required=True, default="N", exclude_from_list=True,
                        help_text="Yes = an overdue fine never exceeds the title's replacement cost (Koha's "
                                  "cap_fine_to_replacement_price); No = only the maximum fine caps it"),
              IntegerField("suspension_days_per_day", label="Suspension days per day late", required=True, default=0,
                           exclude_from_list=True,
                           help_text="A late return suspends borrowing this many days for each chargeable day late "
                                     "(Koha's finedays); 0 = no suspension"),
              IntegerField("max_suspension_days", label="Longest suspension (days)", exclude_from_list=True,
                           help_text="The most days one late return suspends borrowing (Koha's maxsuspensiondays); "
                                     "empty = no maximum"),
              IntegerField("no_renewal_before_days", label="Renewal opens (days before due)", exclude_from_list=True,
                           help_text="A loan may be renewed only this many days before it is due (Koha's "
                                     "norenewalbefore); empty = any time"),
              IntegerField("max_overdue_loans", label="Overdue loans that stop checkout", exclude_from_list=True,
                           help_text="A patron with this many overdue loans or more cannot check out (a manager may "
                                     "override); empty = no limit"),
              DecimalField("damage_fee", label="Damage fee", exclude_from_list=True,
                           help_text="Charged when a copy is checked in damaged; empty = the share below"),
              DecimalField("damage_fee_share", label="Damage fee as a share of the price", exclude_from_list=True,
                           help_text="0 to 1 of the replacement cost (0.25 = a quarter), used when the damage fee is "
                                     "empty; both empty = no charge")]
    searchable_fields = ["patron_category", "material_type"]
    sortable_fields = ["policy_id", "loan_days", "daily_fine"]
    first_field = "branch"
    error_fields = {"INVALID_POLICY": "loan_days", "POLICY_SCOPE_TAKEN": "branch"}

    def error_field(self, code: str, message: str) -> str:
        """INVALID_POLICY under the rule the package names (the longest name that matches: "damage fee share"
        before "damage fee")."""
        if code == "INVALID_POLICY":
            named = [w for w in POLICY_RULE_WORDS if f"{w} must" in message]
            if named:
                return POLICY_RULE_WORDS[max(named, key=len)]
        return super().error_field(code, message)

    @staticmethod
    def _args(data: dict) -> list:
        return [_pk(data.get("branch")), data.get("patron_category"), data.get("material_type"),
                *(data.get(rule) for rule in POLICY_RULES)]

    async def create(self, request: Request, data: dict) -> Any:
        (policy_id,) = await self.call(request, lambda s: lib_admin.create_policy(s, *self._args(data)))
        return await self.load(request, policy_id)

    async def edit(self, request: Request, pk: Any, data: dict) -> Any:
        await self.call(request, lambda s: lib_admin.update_policy(s, int(pk), *self._args(data)))
        return await self.load(request, pk)

    async def delete(self, request: Request, pks: list[Any]) -> int | None:
        return await self.delete_each(request, pks, lib_admin.delete_policy)


class SettingView(TableView):
    label, name, identity = "Settings", "Setting", "setting"
    view_permission = ("SYS_CONFIG",)
    allow_create = False
    fields = [StringField("name", disabled=True, exclude_from_create=True),
              StringField("value", required=True, maxlength=400),
              StringField("allowed", label="Accepts", disabled=True, exclude_from_create=True),
              StringField("description", disabled=True, exclude_from_create=True)]
    searchable_fields = ["name", "description"]
    sortable_fields = ["name"]
    first_field = "value"

    async def edit(self, request: Request, pk: Any, data: dict) -> Any:
        await self.call(request, lambda s: lib_admin.set_setting(s, str(pk), data.get("value")))
        return await self.load(request, pk)


# ---- accounts -------------------------------------------------------------------------------------

_role_choices: tuple[float, list[tuple[str, str]]] = (0.0, [])


def role_choices(request: Request) -> list[tuple[str, str]]:
    """(code, name) of every role, by name: the picker filters them by what is typed. Read through the
    gateway once a minute (roles are reference rows)."""
    global _role_choices
    loaded_at, choices = _role_choices
    if not choices or time.monotonic() - loaded_at > 60:
        with request.app.state.gateway.read() as s:
            choices = [(r["code"], r["name"]) for r in s.rows("SELECT code, name FROM roles ORDER BY name")]
        _role_choices = (time.monotonic(), choices)
    return choices


def _pending_roles(request: Request, user: m.User) -> str:
    return ", ".join(f"{r.role.name} (asked by {r.requester_name})" for r in user.pending_requests)


def _requests_form(verb: str) -> Callable[[Request, Any], str]:
    """The modal form of Approve / Reject roles: the user's pending requests, each ticked."""
    def form(request: Request, user: Any) -> str:
        boxes = "".join(
            f'<div class="form-check"><input class="form-check-input" type="checkbox" name="request_id" '
            f'id="{verb}-{r.request_id}" value="{r.request_id}" checked>'
            f'<label class="form-check-label" for="{verb}-{r.request_id}">{escape(r.role.name)} '
            f'<span class="text-muted">asked by {escape(r.requester_name or "?")}</span></label></div>'
            for r in getattr(user, "pending_requests", []))
        return f'<form><div class="mt-3">{boxes}</div></form>'
    return form


class UserView(TableView):
    label, name, identity = "Users", "User", "user"
    view_permission = ("USER_ADMIN",)
    fields = [IntegerField("user_id", label="Id", exclude_from_create=True, exclude_from_edit=True),
              StringField("username", required=True, exclude_from_edit=True),
              StringField("full_name", required=True, maxlength=200),
              StringField("email", maxlength=254),
              PasswordField("password", exclude_from_list=True, exclude_from_detail=True, exclude_from_edit=True,
                            help_text="At least 8 characters"),
              EnumField("roles", multiple=True, choices_loader=role_choices, select2=True, placeholder="Type a role",
                        getter=lambda request, obj: [r.code for r in obj.roles],
                        list_template=LABELS, detail_template=LABELS,
                        help_text="Roles that allow overrides, fine waivers or user administration are granted "
                                  "when a second user administrator approves them."),
              StringField("pending_roles", label="Awaiting approval", getter=_pending_roles,
                          exclude_from_create=True, exclude_from_edit=True),
              Pick("home_branch", key="branch", label="Home branch", placeholder="No home branch",
                     help_text="Where the user works: a branch manager waives fines and reads money reports there only"),
              BooleanField("active", exclude_from_create=True,
                           getter=lambda request, obj: obj.is_active == "Y"),
              StringField("account_locked", label="Locked", exclude_from_create=True, exclude_from_edit=True),
              DateTimeField("locked_until", label="Locked until", exclude_from_create=True, exclude_from_edit=True,
                            exclude_from_list=True),
              IntegerField("failed_logins", exclude_from_create=True, exclude_from_edit=True, exclude_from_list=True),
              DateTimeField("last_login_at", exclude_from_create=True, exclude_from_edit=True)]
    searchable_fields = ["username", "full_name", "email"]
    sortable_fields = ["user_id", "username", "full_name", "last_login_at"]
    fields_default_sort = [("user_id", True)]
    first_field = "username"
    error_fields = {"ROLE_NOT_FOUND": "roles", "USERNAME_TAKEN": "username", "OWN_ROLES_CHANGE": "roles",
                    "BRANCH_NOT_FOUND": "home_branch"}

    @staticmethod
    def _roles(data: dict) -> str | None:
        return ",".join(str(code) for code in (data.get("roles") or [])) or None

    @staticmethod
    def _pending(s: Any, user_id: int) -> list[str]:
        return [r["name"] for r in s.rows(
            "SELECT r.name FROM role_requests rq JOIN roles r ON r.role_id = rq.role_id "
            "WHERE rq.user_id = :u AND rq.status = 'PENDING' ORDER BY r.name", {"u": user_id})]

    def _say_pending(self, request: Request, pending: list[str]) -> None:
        if pending:
            flash(request, "Awaiting approval by a second user administrator: " + ", ".join(pending) + ".", "info")

    async def create(self, request: Request, data: dict) -> Any:
        password = str(data.get("password") or "")
        if len(password) < request.app.state.settings.password_min_length:
            raise FormValidationError({"password": "The password is too short."})
        password_hash = await anyio.to_thread.run_sync(hash_password, password)
        branch_id = _pk(data.get("home_branch"))

        def work(s: Any) -> tuple[int, list[str]]:
            (user_id,) = lib_auth.create_user(s, data.get("username"), password_hash, data.get("full_name"),
                                              data.get("email"), self._roles(data))
            if branch_id is not None:
                lib_auth.set_home_branch(s, user_id, branch_id)
            return user_id, self._pending(s, user_id)
        user_id, pending = await self.call(request, work)
        self._say_pending(request, pending)
        return await self.load(request, user_id)

    async def edit(self, request: Request, pk: Any, data: dict) -> Any:
        active = "Y" if data.get("active") else "N"

        def work(s: Any) -> list[str]:
            before = set(self._pending(s, int(pk)))
            lib_auth.update_user(s, int(pk), data.get("full_name"), data.get("email"))
            lib_auth.set_roles(s, int(pk), self._roles(data))
            lib_auth.set_home_branch(s, int(pk), _pk(data.get("home_branch")))
            if s.scalar("SELECT is_active FROM users WHERE user_id = :u", {"u": int(pk)}) != active:
                lib_auth.set_active(s, int(pk), active)
            return [name for name in self._pending(s, int(pk)) if name not in before]
        self._say_pending(request, await self.call(request, work))
        request.app.state.session_checks.forget_user(int(pk))  # their sessions may have ended
        return await self.load(request, pk)

    async def is_row_action_allowed_for_obj(self, request: Request, name: str, obj: Any) -> bool:
        if name == "deactivate":
            return obj.is_active == "Y"
        if name == "unlock":
            return obj.account_locked == "Y"
        if name in ("approve", "reject"):
            return bool(obj.pending_requests)
        return await super().is_row_action_allowed_for_obj(request, name, obj)

    @row_action(name="deactivate", text="Deactivate", icon_class="fa-solid fa-user-slash",
                confirmation="Deactivate this account? It can no longer sign in; its records are kept.",
                submit_btn_text="Deactivate", submit_btn_class="action.modal_confirm_button_delete")
    async def deactivate_row_action(self, request: Request, pk: Any) -> str:
        await self.act(request, lambda s: lib_auth.deactivate_user(s, int(pk)))
        request.app.state.session_checks.forget_user(int(pk))
        return self.done(request, "The account was deactivated.")

    @row_action(name="unlock", text="Unlock", icon_class="fa-solid fa-lock-open",
                confirmation="Unlock this account and reset its failure count?", submit_btn_text="Unlock")
    async def unlock_row_action(self, request: Request, pk: Any) -> str:
        await self.act(request, lambda s: lib_auth.unlock_account(s, int(pk)))
        return self.done(request, "The account was unlocked.")

    @row_action(name="password", text="Set password", icon_class="fa-solid fa-key",
                confirmation="Set a new password for this account", submit_btn_text="Set password",
                form='<form><div class="mt-3"><label class="form-label" for="new-password">New password</label>'
                     '<input id="new-password" type="password" class="form-control" name="password" '
                     'autocomplete="new-password" minlength="8" required></div></form>')
    async def password_row_action(self, request: Request, pk: Any) -> str:
        password = str((await request.form()).get("password") or "")
        if len(password) < request.app.state.settings.password_min_length:
            raise ActionFailed("The password is too short.")
        password_hash = await anyio.to_thread.run_sync(hash_password, password)
        await self.act(request, lambda s: lib_auth.set_password(s, int(pk), password_hash))
        request.app.state.session_checks.forget_user(int(pk))
        return self.done(request, "The password was changed: every session of the account has ended.")

    async def _decide(self, request: Request, pk: Any, decide: Callable[[Any, int], None]) -> int:
        """Approve or reject the ticked requests of this row's user, one package call each, one transaction."""
        ids = [int(v) for v in (await request.form()).getlist("request_id") if str(v).isdigit()]
        if not ids:
            raise ActionFailed("Tick at least one role.")

        def work(s: Any) -> None:
            for request_id in ids:
                owner = s.scalar("SELECT user_id FROM role_requests WHERE request_id = :r", {"r": request_id})
                if owner is not None and owner != int(pk):
                    raise ActionFailed("A ticked request belongs to another user.")
                decide(s, request_id)
        await self.act(request, work)
        request.app.state.session_checks.forget_user(int(pk))  # an approval ends the user's sessions
        return len(ids)

    @row_action(name="approve", text="Approve roles", icon_class="fa-solid fa-user-check",
                confirmation="Grant the ticked roles (you are the second administrator)?",
                submit_btn_text="Approve", form=_requests_form("approve"))
    async def approve_row_action(self, request: Request, pk: Any) -> str:
        n = await self._decide(request, pk, lib_auth.approve_role_request)
        return self.done(request, f"Approved: {n} role(s) granted.")

    @row_action(name="reject", text="Reject roles", icon_class="fa-solid fa-user-xmark",
                confirmation="Refuse the ticked role requests?", submit_btn_text="Reject",
                submit_btn_class="action.modal_confirm_button_delete", form=_requests_form("reject"))
    async def reject_row_action(self, request: Request, pk: Any) -> str:
        n = await self._decide(request, pk, lib_auth.reject_role_request)
        return self.done(request, f"Rejected: {n} role request(s).")


class RoleView(TableView):
    label, name, identity = "Roles", "Role", "role"
    view_permission = ("USER_ADMIN",)
    allow_create = allow_edit = False
    fields = ["role_id", "code", "name", "description"]


class AuditLogView(TableView):
    label, name, identity = "Audit log", "Audit entry", "audit-log"
    view_permission = ("AUDIT_VIEW",)
    allow_create = allow_edit = False
    fields = [IntegerField("audit_id", label="Id"), DateTimeField("occurred_at", label="When"),
              HasOne("actor", key="user", label="Who"), StringField("action"), StringField("table_name", label="Table"),
              IntegerField("row_id", label="Row"), TextAreaField("old_values"), TextAreaField("new_values")]
    searchable_fields = ["action", "table_name", "new_values"]
    sortable_fields = ["audit_id", "occurred_at", "action", "table_name"]
    fields_default_sort = [("audit_id", True)]

    def can_view_detail(self, request: Request) -> bool:
        return True


VIEWS = ((MaterialView, m.Material), (CopyView, m.Copy), (AuthorView, m.Author), (GenreView, m.Genre),
         (BranchView, m.Branch), (ClosedDayView, m.ClosedDay), (ClosedWeekdayView, m.ClosedWeekday),
         (PolicyView, m.CircPolicy), (SettingView, m.AppSetting),
         (UserView, m.User), (RoleView, m.Role), (AuditLogView, m.AuditLog))


_ERROR_TITLES = {403: ("Not allowed", "You do not have the permission for this page."),
                 404: ("Not found", "There is no such page or row."),
                 405: ("Not allowed", "This page does not take that request.")}


class StaffAdmin(Admin):
    """starlette-admin with the staff UI's error page (web.error_page) instead of its own."""

    async def _render_error(self, request: Request, exc: Exception = HTTPException(status_code=500)) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        title, message = _ERROR_TITLES.get(status, ("Something went wrong",
                                                    "The page could not be shown. The error has been logged."))
        return await anyio.to_thread.run_sync(lambda: web.error_page(request, status, title, message, staff(request)))


def _frame_globals(admin: Admin) -> None:
    """What tables/layout.html needs to draw the desk's top bar and navigation."""
    admin.templates.env.globals.update(
        staff_user=staff,
        staff_url=lambda path: web.PREFIX + path,
        staff_static=lambda name: admin.app.state.static_url(name),
        staff_csrf=csrf_token,
        staff_nav=lambda request: nav.build(staff(request), request.url.path))
    admin.templates.env.filters["with_placeholder"] = with_placeholder


def attach(ui: Any, api_app: Any) -> Admin:
    """Build the admin and mount it on the staff app at /admin."""
    settings = api_app.state.settings
    admin = StaffAdmin(make_sessionmaker(settings.database_url), title="Library staff · Tables", base_url="/admin",
                       route_name="admin", auth_provider=StaffAuth(), templates_dir=str(TEMPLATES),
                       secret_key=ui.state.ui_settings.session_secret + ":admin")
    admin.add_link(Link(menu_label="← Staff desk", url=web.PREFIX + "/"))
    for view_cls, model in VIEWS:
        admin.add_view(view_cls(model, display_name=view_cls.name, menu_label=view_cls.label, key=view_cls.identity))
    admin.middlewares.insert(0, Middleware(StaffGuard))
    bind_csrf_to_session(admin)  # its token valid only in the session it was made for
    admin.mount_to(ui)
    for name in ("gateway", "error_catalog", "settings", "ui_settings", "static_url", "recent_errors", "session_checks"):
        setattr(admin.app.state, name, getattr(ui.state, name))
    _frame_globals(admin)
    return admin
