"""Administration: health, audit trail, user roles, reports."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from api.models.common import ApiModel, Day, Id, RequestModel, Timestamp


class PoolOut(ApiModel):
    engine: str = Field(examples=["postgresql"])
    size: int = Field(examples=[4])
    in_use: int = Field(examples=[1])
    idle: int = Field(examples=[3])
    min: int = Field(examples=[2])
    max: int = Field(examples=[10])
    waiting: int = Field(examples=[0])


class DatabaseHealth(ApiModel):
    status: str = Field(examples=["healthy"])
    latency_ms: float | None = Field(examples=[0.42])
    error: str | None = None
    pool: PoolOut


class ApiHealth(ApiModel):
    uptime_s: float = Field(examples=[3600.5])
    requests_per_min: float = Field(examples=[120.0], description="this worker, last 60 s")
    worker_pid: int = Field(examples=[12345])


class EndpointHealth(ApiModel):
    path: str = Field(examples=["POST /api/circulation/checkout"])
    status: str = Field(examples=["up"], description="up, degraded (some 5xx) or down (only 5xx)")
    avg_ms: float = Field(examples=[2.1])
    p95_ms: float = Field(examples=[3.9])
    requests: int = Field(examples=[512])
    errors: int = Field(examples=[0])


class RecentError(ApiModel):
    at: str = Field(examples=["2026-11-24T20:40:00Z"])
    method: str = Field(examples=["GET"])
    path: str = Field(examples=["/api/reports/circulation"])
    status: int = Field(examples=[500])
    code: str = Field(examples=["DB_ERROR"])


class JobRun(ApiModel):
    job_name: str = Field(examples=["ACCRUE_FINES"])
    last_run: dict[str, Any] = Field(examples=[{"status": "OK", "finished_at": "2026-11-24T02:00:04"}])


class DeadLetter(ApiModel):
    notice_id: int = Field(examples=[812])
    notice_type: str = Field(examples=["HOLD_READY"])
    patron_id: int = Field(examples=[44])
    attempts: int = Field(examples=[1])
    last_attempt_at: Timestamp | None = None
    error_text: str | None = Field(default=None, examples=["SendGrid 400: personalizations.0.to.0.email: Does not contain a valid address."])
    possible_duplicate: str = Field(examples=["N"], description="Y = the patron may have received it already")


class NoticesHealth(ApiModel):
    delivery: str = Field(examples=["sendgrid"], description="sendgrid, or files (no ILS_SENDGRID_API_KEY: .eml files, nothing is sent)")
    delivery_text: str = Field(examples=["SendGrid at https://api.sendgrid.com, from ILS Library <library@example.org>"])
    depth: dict[str, int] | None = Field(default=None, examples=[{"PENDING": 3, "SENDING": 1, "FAILED": 0, "DEAD": 1}],
                                         description="notices by status; null when the database did not answer")
    pending: int | None = Field(default=None, examples=[4], description="undelivered: PENDING, SENDING and FAILED")
    oldest_pending_s: int | None = Field(default=None, examples=[42], description="age of the oldest undelivered notice, null = none")
    sent_last_hour: int | None = Field(default=None, examples=[120])
    failed_last_hour: int | None = Field(default=None, examples=[2])
    dead_letters: list[DeadLetter] = Field(default_factory=list, description="the 20 newest dead letters")


class HealthOut(ApiModel):
    status: str = Field(examples=["healthy"], description="healthy, degraded or unhealthy")
    database: DatabaseHealth
    api: ApiHealth
    endpoints: list[EndpointHealth]
    recent_errors: list[RecentError]
    jobs: list[JobRun] | None = Field(default=None, description="last run of each nightly job, when job_runs exists")
    notices: NoticesHealth | None = Field(default=None, description="the notice outbox and its delivery")


class AuditOut(ApiModel):
    audit_id: int = Field(examples=[1001])
    occurred_at: Timestamp
    actor_user_id: int | None = Field(examples=[3])
    actor_username: str | None = Field(default=None, examples=["librarian"])
    table_name: str = Field(examples=["loans"])
    row_id: int | None = Field(examples=[9001])
    action: str = Field(examples=["INSERT"])
    old_values: str | None = None
    new_values: str | None = Field(default=None, examples=["status=ACTIVE;"])


RoleCode = Annotated[str, StringConstraints(max_length=30, pattern=r"^[A-Za-z_]*$")]


class RolesIn(RequestModel):
    roles: list[RoleCode] = Field(max_length=20, examples=[["LIBRARIAN", "CATALOGER"]],
                             description="the user's complete new set of role codes (empty = none)")


class UserRolesOut(ApiModel):
    user_id: int = Field(examples=[42])
    username: str = Field(examples=["jdoe"])
    roles: list[str] = Field(examples=[["LIBRARIAN"]])
    pending_roles: list[str] = Field(default_factory=list, examples=[["BRANCH_MANAGER"]],
                                     description="roles asked for that wait for a second user administrator "
                                                 "(they carry CIRC_OVERRIDE, FINE_WAIVE or USER_ADMIN)")


RoleRequestStatus = Literal["PENDING", "APPROVED", "REJECTED", "CANCELLED"]


class RoleRequestOut(ApiModel):
    request_id: int = Field(examples=[7])
    user_id: int = Field(examples=[42])
    username: str = Field(examples=["jdoe"])
    role: str = Field(examples=["BRANCH_MANAGER"])
    status: RoleRequestStatus = Field(examples=["PENDING"])
    requested_by: int = Field(examples=[4])
    requested_by_username: str = Field(examples=["itadmin"])
    requested_at: Timestamp
    decided_by: int | None = Field(default=None, examples=[5])
    decided_by_username: str | None = Field(default=None, examples=["itadmin2"])
    decided_at: Timestamp | None = None


class UserOut(ApiModel):
    user_id: int = Field(examples=[42])
    username: str = Field(examples=["jdoe"])
    is_active: bool = Field(examples=[False])


class HomeBranchIn(RequestModel):
    branch_id: Id | None = Field(description="the branch the staff user works for, null = none")


class HomeBranchOut(ApiModel):
    user_id: int = Field(examples=[42])
    username: str = Field(examples=["jdoe"])
    home_branch_id: int | None = Field(examples=[1])


class CirculationDay(ApiModel):
    day: Day
    branch_id: int
    checkouts: int
    returns: int


class CirculationReport(ApiModel):
    start_date: date
    end_date: date
    checkouts: int = Field(examples=[120])
    returns: int = Field(examples=[110])
    renewals: int = Field(examples=[14], description="loans checked out in the period that were renewed at least once")
    overdue_now: int = Field(examples=[7])
    by_day: list[CirculationDay]
    top_titles: list[dict[str, Any]] = Field(examples=[[{"material_id": 101, "title": "Emma", "checkouts": 9}]])
