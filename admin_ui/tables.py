"""Table screens (starlette-admin 1.0.3) under /staff/admin: catalog, settings, users and roles, audit log.

Every view is guarded by the permission it needs, read from the signed-in staff session:
    titles, copies, authors, genres .......... CATALOG_EDIT
    branches, closed days, policies, settings  SYS_CONFIG
    users and roles .......................... USER_ADMIN
    audit log (read-only) .................... AUDIT_VIEW
Business writes go through the packages, one call each, through the API's gateway acting as the user:
titles lib_catalog.add_material / update_material, copies lib_catalog.add_copy / withdraw_copy,
accounts lib_auth.create_user / set_roles / set_active / unlock_account / set_password /
deactivate_user. Pure reference tables (branches, closed days, policies, genres, authors, settings) use
starlette-admin's own CRUD on a small SQLAlchemy engine whose transactions also set the acting user
(lib_session.set_actor), so the audit trail names who changed them. Bulk import is switched off
everywhere (it would bypass the packages). CSRF: starlette-admin's built-in signed double-submit token.
"""
from __future__ import annotations

import contextvars
import logging
from typing import Any, Callable
from urllib.parse import quote

import anyio.to_thread
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette_admin import (BooleanField, DateField, DateTimeField, DecimalField, EnumField, HasMany, HasOne,
                             IntegerField, PasswordField, StringField, TextAreaField)
from starlette_admin.actions import link_row_action, row_action
from starlette_admin.auth import AdminUser, BaseAuthProvider
from starlette_admin.contrib.sqla import Admin, ModelView
from starlette_admin.exceptions import ActionFailed, FormValidationError
from starlette_admin.fields import BaseField
from starlette_admin.views import Link

from admin_ui import models as m
from admin_ui import web
from admin_ui.auth import current_user, revalidate, sign_out
from api.accounts import SignedIn
from api.db.session import DbError, Out
from api.passwords import hash_password

log = logging.getLogger("ils.staff")
ACTOR: contextvars.ContextVar[SignedIn | None] = contextvars.ContextVar("ils_staff_actor", default=None)
MATERIAL_TYPES = ("BOOK", "DVD", "AUDIOBOOK", "MAGAZINE", "EBOOK", "MAP")
CATEGORIES = ("ADULT", "CHILD", "STUDENT", "SENIOR", "STAFF")


# ---- engine: the reference-table CRUD, acting as the signed-in user --------------------------------

def sqlalchemy_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    base = scheme.split("+")[0]
    if base in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + rest
    if base == "oracle":
        return "oracle+oracledb://" + rest
    raise ValueError(f"unsupported database URL scheme {scheme!r}")


def make_sessionmaker(database_url: str) -> sessionmaker:
    engine = create_engine(sqlalchemy_url(database_url), pool_size=2, max_overflow=4, pool_pre_ping=True,
                           pool_timeout=5)
    oracle = engine.dialect.name == "oracle"
    set_actor = text("BEGIN lib_session.set_actor(:u, :k); END;" if oracle else "CALL lib_session.set_actor(:u, :k)")

    maker = sessionmaker(bind=engine, expire_on_commit=False)

    @event.listens_for(maker, "after_begin")
    def _actor(session: Session, transaction: Any, connection: Any) -> None:
        user = ACTOR.get()
        connection.execute(set_actor, {"u": user.user_id if user else None, "k": user.session_key if user else None})

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
        token = ACTOR.set(user)
        try:
            await self.app(scope, receive, send)
        finally:
            ACTOR.reset(token)


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


# ---- views ----------------------------------------------------------------------------------------

class GuardedView(ModelView):
    """A table screen visible with `view_permission`; create/edit/delete only when the flags allow."""

    view_permission: tuple[str, ...] = ()
    allow_create = True
    allow_edit = True
    allow_delete = False
    page_size = 25
    page_size_options = [25, 50, 100]

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
        await super().validate_fields(request, data, exclude)

    async def handle_exception(self, request: Request, exc: Exception) -> None:
        """A constraint the database enforces becomes a form error, not a 500 page."""
        if isinstance(exc, IntegrityError):
            raise FormValidationError({self._error_field(): "This conflicts with existing data "
                                                            "(a value already in use, or a missing reference)."})
        if isinstance(exc, DBAPIError):
            raise FormValidationError({self._error_field(): "The database refused a value (out of range or malformed)."})
        await super().handle_exception(request, exc)

    def _error_field(self) -> str:
        return next((f.name for f in self._form_fields()), "id")

    def _form_fields(self) -> list:
        return [f for f in self.fields if not f.exclude_from_create and not f.read_only and f.name != self.pk_attr]

    async def delete(self, request: Request, pks: list[Any]) -> int | None:
        try:
            return await super().delete(request, pks)
        except IntegrityError:
            raise ActionFailed("Not deleted: other records still refer to it.") from None


class PackageView(GuardedView):
    """A view whose writes are package calls through the API gateway (never the view's own SQL)."""

    error_fields: dict[str, str] = {}  # refusal code -> the form field it is shown under
    first_field = "title"              # where other refusals are shown

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
            raise FormValidationError({self.error_fields.get(r.code, self.first_field): f"{r.message} ({r.code})"})

    async def load(self, request: Request, pk: Any) -> Any:
        session = request.state.session
        await anyio.to_thread.run_sync(session.expire_all)
        return await self.find_by_pk(request, pk)


def _is_text(field: BaseField) -> bool:
    return isinstance(field, StringField) and not isinstance(field, PasswordField)


def _pk(v: Any) -> int | None:
    if v in (None, ""):
        return None
    return int(getattr(v, "genre_id", None) or getattr(v, "branch_id", None) or getattr(v, "material_id", None) or v)


class MaterialView(PackageView):
    label, name, identity = "Titles", "Title", "material"
    view_permission = ("CATALOG_EDIT",)
    fields = [IntegerField("material_id", label="Id", exclude_from_create=True, exclude_from_edit=True),
              StringField("title", required=True, maxlength=500),
              StringField("subtitle", maxlength=500, exclude_from_list=True),
              StringField("author_names", label="Authors", help_text="In credit order, separated by |",
                          exclude_from_list=False),
              StringField("isbn", label="ISBN", help_text="ISBN-10 or ISBN-13, hyphens allowed"),
              EnumField("material_type", label="Type", choices=[(t, t.capitalize()) for t in MATERIAL_TYPES]),
              HasOne("genre", key="genre"),
              StringField("publisher", exclude_from_list=True),
              IntegerField("publication_year", label="Year"),
              StringField("language_code", label="Language", help_text="ISO 639-2, e.g. eng", exclude_from_list=True),
              TextAreaField("description", exclude_from_list=True),
              DecimalField("replacement_cost", exclude_from_list=True),
              StringField("cover_image", label="Cover", exclude_from_create=True, exclude_from_edit=True,
                          exclude_from_list=True),
              DateTimeField("created_at", exclude_from_create=True, exclude_from_edit=True, exclude_from_list=True)]
    searchable_fields = ["title", "isbn", "publisher"]
    sortable_fields = ["material_id", "title", "publication_year", "material_type"]
    fields_default_sort = [("material_id", True)]
    error_fields = {"INVALID_ISBN": "isbn", "GENRE_NOT_FOUND": "genre"}

    @staticmethod
    def _args(data: dict) -> list:
        return [data.get("title"), data.get("subtitle"), data.get("isbn"),
                data.get("material_type") or "BOOK", _pk(data.get("genre")), data.get("publisher"),
                data.get("publication_year"), data.get("language_code"), data.get("description"),
                data.get("replacement_cost")]

    async def create(self, request: Request, data: dict) -> Any:
        authors = data.get("author_names")
        authors = "|".join(a.strip() for a in authors.split("|") if a.strip()) if authors else None
        (material_id,) = await self.call(request, lambda s: s.call(
            "lib_catalog.add_material", *self._args(data), authors, Out(int)))
        return await self.load(request, material_id)

    async def edit(self, request: Request, pk: Any, data: dict) -> Any:
        authors = data.get("author_names")
        authors = "|".join(a.strip() for a in authors.split("|") if a.strip()) if authors else None
        await self.call(request, lambda s: s.call("lib_catalog.update_material", int(pk), *self._args(data), authors))
        return await self.load(request, pk)

    @link_row_action(name="cover", text="Upload cover")
    def cover_row_action(self, request: Request, pk: Any) -> str:
        return f"{web.PREFIX}/covers/{pk}"



class CopyView(PackageView):
    label, name, identity = "Copies", "Copy", "copy"
    view_permission = ("CATALOG_EDIT",)
    allow_edit = False
    fields = [IntegerField("copy_id", label="Id", exclude_from_create=True),
              StringField("barcode", help_text="Leave empty to generate one"),
              HasOne("material", key="material", required=True, label="Title"),
              HasOne("branch", key="branch", required=True),
              StringField("status", exclude_from_create=True),
              StringField("shelf_location"),
              DecimalField("price"),
              StringField("condition_note", exclude_from_create=True, exclude_from_list=True),
              DateTimeField("acquired_on", exclude_from_create=True, exclude_from_list=True)]
    searchable_fields = ["barcode", "status", "shelf_location"]
    sortable_fields = ["copy_id", "barcode", "status"]
    fields_default_sort = [("copy_id", True)]
    first_field = "barcode"
    error_fields = {"MATERIAL_NOT_FOUND": "material", "BRANCH_NOT_FOUND": "branch", "BARCODE_TAKEN": "barcode",
                    "INVALID_MATERIAL_DATA": "price"}

    async def create(self, request: Request, data: dict) -> Any:
        (copy_id,) = await self.call(request, lambda s: s.call(
            "lib_catalog.add_copy", _pk(data.get("material")), _pk(data.get("branch")), data.get("barcode"),
            data.get("shelf_location"), data.get("price"), Out(int)))
        return await self.load(request, copy_id)

    @row_action(name="withdraw", text="Withdraw", confirmation="Withdraw this copy from circulation?",
                submit_btn_text="Withdraw",
                form='<form><div class="mt-3"><label class="form-label" for="withdraw-reason">Reason</label>'
                     '<input id="withdraw-reason" class="form-control" name="reason" maxlength="400"></div></form>')
    async def withdraw_row_action(self, request: Request, pk: Any) -> str:
        reason = web.blank_null(str((await request.form()).get("reason") or "")[:400])
        try:
            await self.call(request, lambda s: s.call("lib_catalog.withdraw_copy", int(pk), reason))
        except FormValidationError as exc:
            raise ActionFailed(next(iter(exc.errors.values()))) from None
        return "The copy was withdrawn."


class UserView(PackageView):
    label, name, identity = "Users", "User", "user"
    view_permission = ("USER_ADMIN",)
    allow_delete = True  # = deactivate (rows are never deleted)
    fields = [IntegerField("user_id", label="Id", exclude_from_create=True, exclude_from_edit=True),
              StringField("username", required=True, exclude_from_edit=True),
              StringField("full_name", required=True, exclude_from_edit=True),
              StringField("email", exclude_from_edit=True),
              PasswordField("password", exclude_from_list=True, exclude_from_detail=True, exclude_from_edit=True,
                            help_text="At least 8 characters"),
              HasMany("roles", key="role"),
              HasOne("home_branch", key="branch", label="Home branch",
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
    error_fields = {"ROLE_NOT_FOUND": "roles", "USERNAME_TAKEN": "username", "BRANCH_NOT_FOUND": "home_branch"}

    async def _role_codes(self, request: Request, data: dict) -> str | None:
        pks = [str(getattr(r, "role_id", r)) for r in (data.get("roles") or [])]
        if not pks:
            return None
        found = await self._find_foreign_view("role").find_by_pks(request, pks)
        return ",".join(r.code for r in found) or None

    async def create(self, request: Request, data: dict) -> Any:
        password = str(data.get("password") or "")
        if len(password) < request.app.state.settings.password_min_length:
            raise FormValidationError({"password": "The password is too short."})
        roles = await self._role_codes(request, data)
        password_hash = await anyio.to_thread.run_sync(hash_password, password)
        branch_id = _pk(data.get("home_branch"))

        def work(s: Any) -> int:
            (user_id,) = s.call("lib_auth.create_user", data.get("username"), password_hash, data.get("full_name"),
                                data.get("email"), roles, Out(int))
            if branch_id is not None:
                s.call("lib_auth.set_home_branch", user_id, branch_id)
            return user_id
        user_id = await self.call(request, work)
        return await self.load(request, user_id)

    async def edit(self, request: Request, pk: Any, data: dict) -> Any:
        roles = await self._role_codes(request, data)
        active = "Y" if data.get("active") else "N"

        def work(s: Any) -> None:
            s.call("lib_auth.set_roles", int(pk), roles)
            s.call("lib_auth.set_home_branch", int(pk), _pk(data.get("home_branch")))
            current = s.scalar("SELECT is_active FROM users WHERE user_id = :u", {"u": int(pk)})
            if current != active:
                s.call("lib_auth.set_active", int(pk), active)
        await self.call(request, work)
        request.app.state.session_checks.forget_user(int(pk))  # their sessions may have ended
        return await self.load(request, pk)

    async def delete(self, request: Request, pks: list[Any]) -> int | None:
        for pk in pks:
            try:
                await self.call(request, lambda s, pk=pk: s.call("lib_auth.deactivate_user", int(pk)))
            except FormValidationError as exc:
                raise ActionFailed(next(iter(exc.errors.values()))) from None
            request.app.state.session_checks.forget_user(int(pk))
        return len(pks)

    @row_action(name="unlock", text="Unlock", confirmation="Unlock this account and reset its failure count?",
                submit_btn_text="Unlock")
    async def unlock_row_action(self, request: Request, pk: Any) -> str:
        try:
            await self.call(request, lambda s: s.call("lib_auth.unlock_account", int(pk)))
        except FormValidationError as exc:
            raise ActionFailed(next(iter(exc.errors.values()))) from None
        return "The account was unlocked."

    @row_action(name="password", text="Set password", confirmation="Set a new password for this account",
                submit_btn_text="Set password",
                form='<form><div class="mt-3"><label class="form-label" for="new-password">New password</label>'
                     '<input id="new-password" type="password" class="form-control" name="password" '
                     'autocomplete="new-password" minlength="8" required></div></form>')
    async def password_row_action(self, request: Request, pk: Any) -> str:
        password = str((await request.form()).get("password") or "")
        if len(password) < request.app.state.settings.password_min_length:
            raise ActionFailed("The password is too short.")
        password_hash = await anyio.to_thread.run_sync(hash_password, password)
        try:
            await self.call(request, lambda s: s.call("lib_auth.set_password", int(pk), password_hash))
        except FormValidationError as exc:
            raise ActionFailed(next(iter(exc.errors.values()))) from None
        request.app.state.session_checks.forget_user(int(pk))
        return "The password was changed: every session of the account has ended."


class RoleView(GuardedView):
    label, name, identity = "Roles", "Role", "role"
    view_permission = ("USER_ADMIN",)
    allow_create = allow_edit = False
    fields = ["role_id", "code", "name", "description"]


class AuditLogView(GuardedView):
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


class BranchView(GuardedView):
    label, name, identity = "Branches", "Branch", "branch"
    view_permission = ("SYS_CONFIG",)

    def is_accessible(self, request: Request) -> bool:  # catalogers pick branches for copies (read only)
        return allowed(request, "SYS_CONFIG", "CATALOG_EDIT")

    def can_create(self, request: Request) -> bool:
        return allowed(request, "SYS_CONFIG")

    def can_edit(self, request: Request) -> bool:
        return allowed(request, "SYS_CONFIG")

    fields = ["branch_id", "code", "name", "address", "phone", "email",
              EnumField("is_active", label="Active", choices=[("Y", "Yes"), ("N", "No")])]


class ClosedDayView(GuardedView):
    label, name, identity = "Closed days", "Closed day", "closed-day"
    view_permission = ("SYS_CONFIG",)
    allow_delete = True
    fields = ["closed_day_id", DateField("closed_on", required=True),
              HasOne("branch", key="branch", help_text="Empty = every branch"), "reason"]
    fields_default_sort = [("closed_on", True)]


class PolicyView(GuardedView):
    label, name, identity = "Circulation policies", "Circulation policy", "policy"
    view_permission = ("SYS_CONFIG",)
    allow_delete = True
    fields = ["policy_id", HasOne("branch", key="branch", help_text="Empty = any branch"),
              EnumField("patron_category", choices=[(c, c.capitalize()) for c in CATEGORIES], help_text="Empty = any"),
              EnumField("material_type", choices=[(t, t.capitalize()) for t in MATERIAL_TYPES], help_text="Empty = any"),
              "loan_days", "max_renewals",
              EnumField("renew_from_due", choices=[("N", "No"), ("Y", "Yes")], exclude_from_list=True),
              "loan_limit", "hold_limit", "daily_fine", "grace_days", "max_fine", "fine_block_threshold",
              "hold_pickup_days", EnumField("holdable", choices=[("Y", "Yes"), ("N", "No")]),
              "lost_after_days", EnumField("lost_refund", choices=[("Y", "Yes"), ("N", "No")], exclude_from_list=True)]


class GenreView(GuardedView):
    label, name, identity = "Genres", "Genre", "genre"
    view_permission = ("CATALOG_EDIT",)
    fields = ["genre_id", "name", HasOne("parent", key="genre")]


class AuthorView(GuardedView):
    label, name, identity = "Authors", "Author", "author"
    view_permission = ("CATALOG_EDIT",)
    fields = ["author_id", "full_name", "sort_name", "birth_year", "death_year"]
    searchable_fields = ["full_name", "sort_name"]


class SettingView(GuardedView):
    label, name, identity = "Settings", "Setting", "setting"
    view_permission = ("SYS_CONFIG",)
    allow_create = False
    fields = [StringField("name", exclude_from_edit=True), StringField("value", required=True),
              StringField("description", exclude_from_edit=True)]


VIEWS = ((MaterialView, m.Material), (CopyView, m.Copy), (AuthorView, m.Author), (GenreView, m.Genre),
         (BranchView, m.Branch), (ClosedDayView, m.ClosedDay), (PolicyView, m.CircPolicy), (SettingView, m.AppSetting),
         (UserView, m.User), (RoleView, m.Role), (AuditLogView, m.AuditLog))


def attach(ui: Any, api_app: Any) -> Admin:
    """Build the admin and mount it on the staff app at /admin."""
    settings = api_app.state.settings
    admin = Admin(make_sessionmaker(settings.database_url), title="Library staff · Tables", base_url="/admin",
                  route_name="admin", auth_provider=StaffAuth(), secret_key=ui.state.ui_settings.session_secret + ":admin")
    admin.add_link(Link(menu_label="← Staff desk", url=web.PREFIX + "/"))
    for view_cls, model in VIEWS:
        admin.add_view(view_cls(model, display_name=view_cls.name, menu_label=view_cls.label, key=view_cls.identity))
    admin.middlewares.insert(0, Middleware(StaffGuard))
    admin.mount_to(ui)
    for name in ("gateway", "error_catalog", "settings", "ui_settings", "static_url", "recent_errors", "session_checks"):
        setattr(admin.app.state, name, getattr(ui.state, name))
    return admin

