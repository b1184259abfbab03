"""Errors in the contract's shape, and the one place that maps database codes to HTTP.

Every refusal leaves the API as {"error": {"code": NAME, "db_code": -20nnn | null, "message": ...}}.
Database refusals (DbError with a -20nnn code) take their name and status from app_errors, read once
at start-up; the API's own refusals (401, 403, 404, 422, 429) use fixed names below.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.db.gateway import DbUnavailable
from api.db.session import CONNECTION_LOST, PACKAGE_STATE_DISCARDED, DbError

log = logging.getLogger("ils.api")


class ApiError(Exception):
    """A refusal by the API itself (not the database)."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None,
                 db_code: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers, self.db_code = status, code, message, headers, db_code


def not_authenticated(message: str = "Authentication required: send a valid bearer token.") -> ApiError:
    return ApiError(401, "NOT_AUTHENTICATED", message, {"WWW-Authenticate": "Bearer"})


def forbidden(message: str = "You do not have the permission for this action.") -> ApiError:
    return ApiError(403, "FORBIDDEN", message)


def not_found(message: str = "Not found.", code: str = "NOT_FOUND", db_code: int | None = None) -> ApiError:
    """404; a missing row of a catalogued kind carries the catalog's name and code, as the packages raise it."""
    return ApiError(404, code, message, db_code=db_code)


class ErrorBody(BaseModel):
    code: str = Field(examples=["COPY_NOT_AVAILABLE"])
    db_code: int | None = Field(default=None, examples=[-20104])
    message: str = Field(examples=["The copy is not available for checkout."])


class ErrorResponse(BaseModel):
    """The shape of every error answer."""
    error: ErrorBody


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
        """(status, name, message) for a database error."""
        if err.code is not None:
            name, status, default = self.entries.get(err.code, ("DB_ERROR", 500, "Unexpected database error."))
            return status, name, err.message or default
        return _non_catalog(err)


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


def error_json(status: int, code: str, message: str, db_code: int | None = None,
               headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "db_code": db_code, "message": message}}, status_code=status,
                        headers=headers)


_HTTP_NAMES = {400: "BAD_REQUEST", 401: "NOT_AUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND",
               405: "METHOD_NOT_ALLOWED", 406: "NOT_ACCEPTABLE", 409: "CONFLICT", 413: "PAYLOAD_TOO_LARGE",
               415: "UNSUPPORTED_MEDIA_TYPE", 422: "VALIDATION_ERROR", 429: "RATE_LIMITED"}


_BODY_MESSAGES = {"json_invalid": "the request body is not valid JSON",
                  "model_attributes_type": "the request body must be a JSON object (Content-Type: application/json)",
                  "dict_type": "the request body must be a JSON object (Content-Type: application/json)",
                  "missing": "a JSON object body is required (Content-Type: application/json)"}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for e in exc.errors()[:5]:
        where = tuple(e.get("loc", ()))
        if where[:1] == ("body",) and len(where) <= 2 and e.get("type") in _BODY_MESSAGES \
                and (len(where) == 1 or e.get("type") == "json_invalid"):
            parts.append(_BODY_MESSAGES[e["type"]])
            continue
        loc = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
        parts.append(f"{loc}: {e.get('msg', 'invalid')}" if loc else str(e.get("msg", "invalid")))
    return "; ".join(parts) or "Invalid request."


def install_handlers(app: FastAPI) -> None:
    """The one exception-to-HTTP mapping of the app."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_json(exc.status, exc.code, exc.message, exc.db_code, exc.headers)

    @app.exception_handler(DbError)
    async def db_error(request: Request, exc: DbError) -> JSONResponse:
        catalog: ErrorCatalog = request.app.state.error_catalog
        if catalog.wants_reload(exc):
            try:
                await run_in_threadpool(catalog.load, request.app.state.gateway)
            except Exception:
                log.exception("could not reload the error catalog")
        status, name, message = catalog.resolve(exc)
        if status >= 500:
            log.error("database error %s %s: %s", exc.code, exc.sqlstate, exc.message, extra=_ctx(request))
            _record_error(request, status, name)
        return error_json(status, name, message, exc.code,
                          headers={"Retry-After": RETRY_AFTER_S} if status == 503 else None)

    @app.exception_handler(DbUnavailable)
    async def db_unavailable(request: Request, exc: DbUnavailable) -> JSONResponse:
        log.error("database unavailable: %s", exc, extra=_ctx(request))
        _record_error(request, 503, "DB_UNAVAILABLE")
        return error_json(503, "DB_UNAVAILABLE", "The database is not reachable right now; try again shortly.",
                          headers={"Retry-After": RETRY_AFTER_S})

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_json(422, "VALIDATION_ERROR", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI: a body its JSON parser gave up on (nesting too deep, a huge number)
            return error_json(422, "VALIDATION_ERROR", "the request body could not be parsed as JSON")
        code = _HTTP_NAMES.get(exc.status_code, "HTTP_ERROR")
        message = exc.detail if isinstance(exc.detail, str) else code
        if exc.status_code == 404 and message == "Not Found":
            message = "No such resource."
        return error_json(exc.status_code, code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path, extra=_ctx(request))
        _record_error(request, 500, "INTERNAL_ERROR")
        return error_json(500, "INTERNAL_ERROR", "Internal error.")


def _ctx(request: Request) -> dict:
    """Log context of the request: its id (set by the middleware) and path."""
    return {"fields": {"request_id": getattr(request.state, "request_id", None), "path": request.url.path}}


def _record_error(request: Request, status: int, code: str) -> None:
    recorder: Any = getattr(request.app.state, "recent_errors", None)
    if recorder is not None:
        recorder.add(request.method, request.url.path, status, code)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries in the error shape for the given statuses."""
    described = {400: "Bad request", 401: "Not authenticated (no, bad or expired token)",
                 403: "Authenticated but lacking the permission", 404: "Not found",
                 409: "Refused: conflicts with the current state", 422: "Invalid input",
                 423: "Account locked", 429: "Too many attempts", 503: "Database unavailable"}
    examples = {401: "NOT_AUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "COPY_NOT_AVAILABLE",
                422: "VALIDATION_ERROR", 423: "ACCOUNT_LOCKED", 429: "RATE_LIMITED", 503: "DB_UNAVAILABLE"}
    out: dict[int | str, dict[str, Any]] = {}
    for s in statuses:
        out[s] = {"model": ErrorResponse, "description": described.get(s, "Error"),
                  "content": {"application/json": {"example": {"error": {
                      "code": examples.get(s, "ERROR"), "db_code": None, "message": described.get(s, "Error")}}}}}
    return out
