"""Configuration: every setting of the API from environment variables, in one object.

Required: ILS_DATABASE_URL (postgresql://... or oracle+oracledb://..., the application role's account,
never the schema owner's) and ILS_JWT_SECRET. The embedded run (`scripts/ils run`) passes both; a
production deployment sets them. Missing ones stop start-up with a message naming them.
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from services import covers


class SettingsError(RuntimeError):
    """A required setting is missing or a value cannot be read."""


def _int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None


def _float(env: dict, name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None


def _list(env: dict, name: str) -> list[str]:
    return [x.strip() for x in env.get(name, "").split(",") if x.strip()]


def trusted_proxies(env: dict | None = None) -> str:
    """ILS_TRUSTED_PROXIES, checked: the addresses or networks (comma-separated, or *) whose X-Forwarded-For
    uvicorn believes (--forwarded-allow-ips). Default none: the client address is the TCP peer's, so a
    client cannot pick the address the rate limits count under. uvicorn itself would trust 127.0.0.1 and
    take a malformed entry as a literal name; a malformed one stops start-up here instead."""
    env = os.environ if env is None else env
    items = _list(env, "ILS_TRUSTED_PROXIES")
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise SettingsError(f"ILS_TRUSTED_PROXIES: {item!r} is not an IP address or network") from None
    return ",".join(items)


def serve_command(host: str, port: int, *, workers: int = 1, env: dict | None = None) -> list[str]:
    """The arguments after `python` that serve the app with uvicorn: every start (scripts/ils run, the test
    servers, the benchmarks) goes through here; the Dockerfile's CMD says the same in shell."""
    return ["-m", "uvicorn", "server.main:app", "--host", host, "--port", str(port), "--workers", str(workers),
            "--forwarded-allow-ips", trusted_proxies(env)]


@dataclass(frozen=True)
class Settings:
    database_url: str
    jwt_secret: str = field(repr=False)
    db_schema: str | None = None  # Oracle: the schema owner, when database_url's user is the application user
    jwt_expire_minutes: int = 30
    pool_min: int = 2
    pool_max: int = 10
    pool_timeout_s: float = 5.0
    statement_timeout_ms: int = 15000
    cors_origins: tuple[str, ...] = ()
    login_rate_per_ip: int = 20
    login_rate_per_user: int = 10
    login_rate_window_s: float = 60.0
    password_min_length: int = 8
    session_check_s: float = 5.0
    log_level: str = "INFO"
    access_log: bool = True
    metrics_enabled: bool = True
    trusted_proxies: str = ""
    metrics_token: str = field(default="", repr=False)
    media_dir: Path = covers.DEFAULT_MEDIA_DIR  # ILS_MEDIA_DIR: cover images (services/covers.py)

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        missing = [n for n in ("ILS_DATABASE_URL", "ILS_JWT_SECRET") if not env.get(n)]
        if missing:
            raise SettingsError(
                f"missing required environment variable(s): {', '.join(missing)}. "
                "ILS_DATABASE_URL is postgresql://user:pw@host:port/db or oracle+oracledb://user:pw@host:1521/service; "
                "ILS_JWT_SECRET is a random string of at least 16 characters (32+ recommended) (scripts/ils run generates one into .ils/jwt-secret).")
        secret = env["ILS_JWT_SECRET"]
        if len(secret) < 16:
            raise SettingsError("ILS_JWT_SECRET is too short: use at least 16 (better 32+) random characters")
        s = cls(
            database_url=env["ILS_DATABASE_URL"],
            jwt_secret=secret,
            db_schema=env.get("ILS_DB_SCHEMA") or None,
            jwt_expire_minutes=_int(env, "ILS_JWT_EXPIRE_MINUTES", 30),
            pool_min=_int(env, "ILS_DB_POOL_MIN", 2),
            pool_max=_int(env, "ILS_DB_POOL_MAX", 10),
            pool_timeout_s=_float(env, "ILS_DB_POOL_TIMEOUT", 5.0),
            statement_timeout_ms=_int(env, "ILS_DB_STATEMENT_TIMEOUT_MS", 15000),
            cors_origins=tuple(_list(env, "ILS_CORS_ORIGINS")),
            login_rate_per_ip=_int(env, "ILS_LOGIN_RATE_PER_IP", 20),
            login_rate_per_user=_int(env, "ILS_LOGIN_RATE_PER_USER", 10),
            login_rate_window_s=_float(env, "ILS_LOGIN_RATE_WINDOW_S", 60.0),
            password_min_length=_int(env, "ILS_PASSWORD_MIN_LENGTH", 8),
            session_check_s=_float(env, "ILS_SESSION_CHECK_S", 5.0),
            log_level=env.get("ILS_LOG_LEVEL", "INFO").upper(),
            access_log=env.get("ILS_ACCESS_LOG", "1") not in ("0", "false", "no"),
            metrics_enabled=env.get("ILS_METRICS", "1") not in ("0", "false", "no"),
            trusted_proxies=trusted_proxies(env),
            metrics_token=env.get("ILS_METRICS_TOKEN", ""),
            media_dir=covers.media_dir(env),
        )
        if s.metrics_token and len(s.metrics_token) < 16:
            raise SettingsError("ILS_METRICS_TOKEN is too short: use at least 16 (better 32+) random characters")
        if s.db_schema is not None:
            from datalayer.session import current_schema_sql
            try:
                current_schema_sql(s.db_schema)
            except ValueError:
                raise SettingsError(f"ILS_DB_SCHEMA must be the Oracle schema owner's name (e.g. ILS), "
                                    f"got {s.db_schema!r}") from None
        if s.pool_min < 0 or s.pool_max < 1 or s.pool_min > s.pool_max:
            raise SettingsError(f"pool sizes must satisfy 0 <= ILS_DB_POOL_MIN <= ILS_DB_POOL_MAX, ILS_DB_POOL_MAX >= 1 "
                                f"(got {s.pool_min}, {s.pool_max})")
        return s


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
