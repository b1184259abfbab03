"""Minimal SQLAlchemy models of the tables the table screens show (starlette-admin works with models).

Only the columns the screens need, and only for reading: every write is a package call through the
gateway (see admin_ui.tables), and the sessions of these models run read-only transactions.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CHAR,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    Numeric,
    String,
    Table,
    TypeDecorator,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Day(TypeDecorator):
    """A DATE column holding whole days: shown and edited as a date."""
    impl = Date
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime(value.year, value.month, value.day)
        return value

    def process_result_value(self, value, dialect):
        return value.date() if isinstance(value, datetime) else value


class Stamp(TypeDecorator):
    """A DATE column with a time of day (Oracle DATE, PostgreSQL timestamp(0))."""
    impl = DateTime
    cache_ok = True


def _id(name: str) -> Mapped[int]:
    return mapped_column(name, BigInteger, Identity(), primary_key=True)


class Branch(Base):
    __tablename__ = "branches"
    branch_id: Mapped[int] = _id("branch_id")
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(400))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    is_active: Mapped[str] = mapped_column(CHAR(1), default="Y")

    def __str__(self) -> str:
        return self.name

    async def __admin_repr__(self, request) -> str:
        return self.name


class ClosedDay(Base):
    __tablename__ = "closed_days"
    closed_day_id: Mapped[int] = _id("closed_day_id")
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.branch_id"))
    closed_on: Mapped[date] = mapped_column(Day)
    reason: Mapped[str | None] = mapped_column(String(200))
    branch: Mapped[Branch | None] = relationship(lazy="selectin")


class ClosedWeekday(Base):
    """A weekly closure (closed every Sunday): lib_calendar skips it like a closed day."""
    __tablename__ = "closed_weekdays"
    closed_weekday_id: Mapped[int] = _id("closed_weekday_id")
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.branch_id"))
    iso_weekday: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(200))
    branch: Mapped[Branch | None] = relationship(lazy="selectin")


class CircPolicy(Base):
    __tablename__ = "circ_policies"
    policy_id: Mapped[int] = _id("policy_id")
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.branch_id"))
    patron_category: Mapped[str | None] = mapped_column(String(20))
    material_type: Mapped[str | None] = mapped_column(String(20))
    loan_days: Mapped[int] = mapped_column(Integer)
    max_renewals: Mapped[int] = mapped_column(Integer)
    renew_from_due: Mapped[str] = mapped_column(CHAR(1), default="N")
    loan_limit: Mapped[int] = mapped_column(Integer)
    hold_limit: Mapped[int] = mapped_column(Integer)
    daily_fine: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    grace_days: Mapped[int] = mapped_column(Integer, default=0)
    max_fine: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    fine_block_threshold: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    hold_pickup_days: Mapped[int] = mapped_column(Integer)
    holdable: Mapped[str] = mapped_column(CHAR(1), default="Y")
    lost_after_days: Mapped[int] = mapped_column(Integer, default=60)
    lost_refund: Mapped[str] = mapped_column(CHAR(1), default="Y")
    cap_fine_to_price: Mapped[str] = mapped_column(CHAR(1), default="N")
    suspension_days_per_day: Mapped[int] = mapped_column(Integer, default=0)
    max_suspension_days: Mapped[int | None] = mapped_column(Integer)
    no_renewal_before_days: Mapped[int | None] = mapped_column(Integer)
    max_overdue_loans: Mapped[int | None] = mapped_column(Integer)
    damage_fee: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    damage_fee_share: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    branch: Mapped[Branch | None] = relationship(lazy="selectin")


class Genre(Base):
    __tablename__ = "genres"
    genre_id: Mapped[int] = _id("genre_id")
    name: Mapped[str] = mapped_column(String(100))
    parent_genre_id: Mapped[int | None] = mapped_column(ForeignKey("genres.genre_id"))
    parent: Mapped["Genre | None"] = relationship(remote_side=[genre_id])

    async def __admin_repr__(self, request) -> str:
        return self.name


material_authors = Table("material_authors", Base.metadata,
                         Column("material_id", BigInteger, ForeignKey("materials.material_id"), primary_key=True),
                         Column("author_id", BigInteger, ForeignKey("authors.author_id"), primary_key=True),
                         Column("author_order", Integer))


class Author(Base):
    __tablename__ = "authors"
    author_id: Mapped[int] = _id("author_id")
    full_name: Mapped[str] = mapped_column(String(200))
    sort_name: Mapped[str] = mapped_column(String(200))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    death_year: Mapped[int | None] = mapped_column(Integer)

    async def __admin_repr__(self, request) -> str:
        return self.full_name


class Material(Base):
    __tablename__ = "materials"
    material_id: Mapped[int] = _id("material_id")
    title: Mapped[str] = mapped_column(String(500))
    subtitle: Mapped[str | None] = mapped_column(String(500))
    isbn: Mapped[str | None] = mapped_column(String(13))
    material_type: Mapped[str] = mapped_column(String(20), default="BOOK")
    genre_id: Mapped[int | None] = mapped_column(ForeignKey("genres.genre_id"))
    publisher: Mapped[str | None] = mapped_column(String(200))
    publication_year: Mapped[int | None] = mapped_column(Integer)
    language_code: Mapped[str] = mapped_column(String(3), default="eng")
    description: Mapped[str | None] = mapped_column(String(4000))
    replacement_cost: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=25)
    cover_image: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(Stamp)
    is_hidden: Mapped[str] = mapped_column(CHAR(1), default="N")
    genre: Mapped[Genre | None] = relationship(lazy="selectin")
    authors: Mapped[list[Author]] = relationship(secondary=material_authors, order_by=material_authors.c.author_order,
                                                 viewonly=True, lazy="selectin")

    @property
    def author_names(self) -> str:
        return " | ".join(a.full_name for a in self.authors)

    async def __admin_repr__(self, request) -> str:
        return self.title


class Copy(Base):
    __tablename__ = "copies"
    copy_id: Mapped[int] = _id("copy_id")
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.material_id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.branch_id"))
    barcode: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="AVAILABLE")
    shelf_location: Mapped[str | None] = mapped_column(String(60))
    condition_note: Mapped[str | None] = mapped_column(String(400))
    price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    acquired_on: Mapped[datetime] = mapped_column(Stamp)
    call_number: Mapped[str | None] = mapped_column(String(60))
    call_number_sort: Mapped[str | None] = mapped_column(String(200))
    material: Mapped[Material] = relationship(lazy="selectin")
    branch: Mapped[Branch] = relationship(lazy="selectin")

    async def __admin_repr__(self, request) -> str:
        return self.barcode


user_roles = Table("user_roles", Base.metadata,
                   Column("user_id", BigInteger, ForeignKey("users.user_id"), primary_key=True),
                   Column("role_id", BigInteger, ForeignKey("roles.role_id"), primary_key=True))


class Role(Base):
    __tablename__ = "roles"
    role_id: Mapped[int] = _id("role_id")
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(400))

    async def __admin_repr__(self, request) -> str:
        return self.name


class User(Base):
    __tablename__ = "users"
    user_id: Mapped[int] = _id("user_id")
    username: Mapped[str] = mapped_column(String(60))
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    is_active: Mapped[str] = mapped_column(CHAR(1))
    account_locked: Mapped[str] = mapped_column(CHAR(1))
    failed_logins: Mapped[int] = mapped_column(Integer)
    last_login_at: Mapped[datetime | None] = mapped_column(Stamp)
    locked_until: Mapped[datetime | None] = mapped_column(Stamp)
    home_branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.branch_id"))
    created_at: Mapped[datetime] = mapped_column(Stamp)
    roles: Mapped[list[Role]] = relationship(secondary=user_roles, order_by=Role.code, viewonly=True, lazy="selectin")
    pending_requests: Mapped[list["RoleRequest"]] = relationship(
        primaryjoin="and_(User.user_id == RoleRequest.user_id, RoleRequest.status == 'PENDING')",
        order_by="RoleRequest.request_id", viewonly=True, lazy="selectin")
    home_branch: Mapped[Branch | None] = relationship(viewonly=True, lazy="selectin")

    async def __admin_repr__(self, request) -> str:
        return self.username


class RoleRequest(Base):
    """A role grant waiting for a second user administrator (lib_auth.set_roles / approve_role_request)."""
    __tablename__ = "role_requests"
    request_id: Mapped[int] = _id("request_id")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.role_id"))
    status: Mapped[str] = mapped_column(String(20))
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.user_id"))
    requested_at: Mapped[datetime] = mapped_column(Stamp)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"))
    decided_at: Mapped[datetime | None] = mapped_column(Stamp)
    role: Mapped[Role] = relationship(lazy="selectin")
    requester_name: Mapped[str] = column_property(
        select(User.username).where(User.user_id == requested_by).correlate_except(User).scalar_subquery())


class AuditLog(Base):
    __tablename__ = "audit_log"
    audit_id: Mapped[int] = _id("audit_id")
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"))
    table_name: Mapped[str] = mapped_column(String(30))
    row_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(30))
    old_values: Mapped[str | None] = mapped_column(String(4000))
    new_values: Mapped[str | None] = mapped_column(String(4000))
    actor: Mapped[User | None] = relationship(lazy="selectin")


class AppSetting(Base):
    __tablename__ = "app_settings"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(400))
    description: Mapped[str] = mapped_column(String(400))
    value_type: Mapped[str] = mapped_column(String(20))
    min_value: Mapped[int | None] = mapped_column(BigInteger)
    max_value: Mapped[int | None] = mapped_column(BigInteger)

    @property
    def allowed(self) -> str:
        """What set_setting accepts, in words."""
        if self.value_type == "INTEGER":
            return f"a whole number from {self.min_value} to {self.max_value}"
        if self.value_type == "TIME_ZONE":
            return "UTC or a region name such as Europe/Paris"
        return "text"
