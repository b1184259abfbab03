"""What a database error means to a client: the error catalog (app_errors: code -> name, HTTP status,
message) and the classes of errors outside it, alike on both engines. Both faces answer with these."""
from __future__ import annotations

import re
import time
from typing import Any

from datalayer.session import CONNECTION_LOST, PACKAGE_STATE_DISCARDED, DbError


class ErrorCatalog:
    """app_errors, loaded at start-up: code -> (name, http_status, message). An unknown code (the catalog
    could not be read at start-up, or an error was added since) reloads it, at most every 30 s."""

    RELOAD_AFTER_S = 30.0

    def __init__(self, entries: dict[int, tuple[str, int, str]] | None = None):
        self.entries = entries or {}
        self._loaded_at = 0.0

    def load(self, gateway: Any) -> None:
        self.entries.update(gateway.error_catalog())
        self._loaded_at = time.monotonic()

    def wants_reload(self, err: DbError) -> bool:
        return (err.code is not None and err.code not in self.entries
                and time.monotonic() - self._loaded_at > self.RELOAD_AFTER_S)

    def resolve(self, err: DbError) -> tuple[int, str, str]:
        """(status, name, message) for a database error (the message without its list of reasons)."""
        if err.code is not None:
            name, status, default = self.entries.get(err.code, ("DB_ERROR", 500, "Unexpected database error."))
            return status, name, _REASONS.sub("", err.message).strip() or default
        return _non_catalog(err)


# a refusal of lib_circulation names every failing rule at the end of its message:
# "... [reasons=PATRON_EXPIRED/Y,COPY_ON_HOLD_FOR_OTHER/Y]" (Y = an override may pass it)
_REASONS = re.compile(r"\s*\[reasons=([A-Z0-9_/,]*)\]\s*$")


def reasons_of(err: DbError) -> list[dict[str, Any]] | None:
    """Every failing rule of a refusal, in the package's order: [{"code", "overridable"}], the first one
    the error's own; None when the error does not list them."""
    m = _REASONS.search(err.message or "") if err.code is not None else None
    if m is None:
        return None
    out = []
    for item in filter(None, m.group(1).split(",")):
        code, _, flag = item.partition("/")
        out.append({"code": code, "overridable": flag == "Y"})
    return out


def _non_catalog(err: DbError) -> tuple[int, str, str]:
    """Database errors outside the catalog: a safety net for data the packages did not pre-check.
    Each class names the PostgreSQL SQLSTATEs and the Oracle errors that mean the same, so both engines
    answer alike."""
    state = err.sqlstate or ""
    if state in ("23505", "ORA-00001"):
        return 409, "CONFLICT", "The value is already in use."
    # a required value left out or blank, or a value a CHECK refuses: Oracle stores '' as NULL, which
    # NOT NULL refuses (ORA-01400 insert, ORA-01407 update), PostgreSQL keeps '' for a CHECK (23514)
    if state in ("23502", "23514", "ORA-01400", "ORA-01407", "ORA-02290"):
        return 422, "INVALID_ARGUMENT", "A required value is missing or invalid."
    if state.startswith("23") or state in ("ORA-02291", "ORA-02292"):
        return 409, "CONSTRAINT_VIOLATION", "The change conflicts with existing data."
    # data exceptions: PostgreSQL class 22 (22001 too long, 22003 out of range, 22P02 malformed); Oracle's
    # ORA-06502 is PL/SQL's "numeric or value error" (a value too long for a variable, a bad conversion)
    if state.startswith("22") or state in ("ORA-01438", "ORA-12899", "ORA-01722", "ORA-01861", "ORA-01843",
                                           "ORA-06502", "ORA-01476"):
        return 422, "INVALID_ARGUMENT", "A value is out of range or malformed."
    if state in ("40001", "40P01", "55P03", "ORA-08177", "ORA-00060", "ORA-00054"):
        return 409, "CONCURRENT_UPDATE", "Another transaction changed the same data; try again."
    # statement_timeout (57014); Oracle's call timeout: DPY-4024 in thin mode, ORA-01013 when cancelled
    if state in ("57014", "DPY-4024", "ORA-01013"):
        return 503, "DB_TIMEOUT", "The database took too long to answer."
    # package state discarded by a recompile, still so after the gateway's one retry: a deployment is
    # under way
    if state in PACKAGE_STATE_DISCARDED:
        return 503, "DB_UNAVAILABLE", "The database's program code is being replaced; try again shortly."
    if state in CONNECTION_LOST:
        return 503, "DB_UNAVAILABLE", "The connection to the database was lost; try again shortly."
    return 500, "DB_ERROR", "Unexpected database error."


# seconds a client is told to wait (Retry-After) when the database is unavailable or too slow to answer
RETRY_AFTER_S = "5"
