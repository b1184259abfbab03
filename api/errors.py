"""Errors in the contract's shape, and the one place that maps database codes to HTTP.

Every refusal leaves the API as {"error": {"code": NAME, "db_code": -20nnn | null, "message": ...}}; a refused
checkout or renewal adds "reasons": [{"code", "overridable"}], every failing rule (code is the first).
Database refusals (DbError with a -20nnn code) take their name and status from app_errors, read once
at start-up; the API's own refusals (401, 403, 404, 422, 429) use fixed names below.
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from datalayer.errors import RETRY_AFTER_S, ErrorCatalog, reasons_of
from datalayer.gateway import DbUnavailable
from datalayer.session import DbError

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


class Reason(BaseModel):
    code: str = Field(examples=["PATRON_EXPIRED"])
    overridable: bool = Field(examples=[True], description="an override (CIRC_OVERRIDE) may pass it")


class ErrorBody(BaseModel):
    code: str = Field(examples=["COPY_NOT_AVAILABLE"])
    db_code: int | None = Field(default=None, examples=[-20104])
    message: str = Field(examples=["The copy is not available for checkout."])
    reasons: list[Reason] | None = Field(
        default=None, description="a refused checkout or renewal: every failing rule in order, `code` is the first")


class ErrorResponse(BaseModel):
    """The shape of every error answer."""
    error: ErrorBody




def error_json(status: int, code: str, message: str, db_code: int | None = None,
               headers: dict[str, str] | None = None, reasons: list[dict] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "db_code": db_code, "message": message}
    if reasons is not None:
        body["reasons"] = reasons
    return JSONResponse({"error": body}, status_code=status, headers=headers)


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
                          headers={"Retry-After": RETRY_AFTER_S} if status == 503 else None, reasons=reasons_of(exc))

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
