"""Settings of the staff UI, from the environment (the API's Settings supply the database and JWT secret).

    ILS_SESSION_SECRET      signs the session cookie; default: derived from ILS_JWT_SECRET (HMAC-SHA256),
                            so a deployment that rotates the JWT secret also ends every staff session
    ILS_SESSION_SECURE      1 = the cookie is sent over HTTPS only (set it behind TLS); default 0
    ILS_SESSION_MAX_AGE_S   session lifetime in seconds, default 28800 (an 8-hour shift): the cookie's and the
                            database session's (user_sessions.expires_at), fixed at login
                            (how often a page asks whether its session still lives: ILS_SESSION_CHECK_S, api)
    ILS_HEALTH_SAMPLE_S     seconds between the health dashboard's chart readings, default 5
    ILS_MEDIA_DIR           where cover images are stored, default .ils/media
    ILS_COVER_MAX_BYTES     largest accepted upload, default 5 MB
    ILS_COVER_MAX_PIXELS    largest accepted image (width x height), default 12 megapixels (a cover is shown at
                            1200 px at most; each decode holds about 8 bytes per pixel, two decodes at a time)
"""
from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from services import covers

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class UiSettings:
    session_secret: str
    session_secure: bool = False
    session_max_age_s: int = 8 * 3600
    health_sample_s: float = 5.0
    media_dir: Path = ROOT / ".ils" / "media"
    cover_max_bytes: int = 5 * 1024 * 1024
    cover_max_pixels: int = 12_000_000

    @classmethod
    def from_env(cls, jwt_secret: str, env: dict | None = None) -> "UiSettings":
        env = dict(os.environ if env is None else env)
        secret = env.get("ILS_SESSION_SECRET") or derive_secret(jwt_secret)
        return cls(session_secret=secret,
                   session_secure=env.get("ILS_SESSION_SECURE", "0").lower() in ("1", "true", "yes"),
                   session_max_age_s=int(env.get("ILS_SESSION_MAX_AGE_S") or 8 * 3600),
                   health_sample_s=max(float(env.get("ILS_HEALTH_SAMPLE_S") or 5), 0.5),
                   media_dir=covers.media_dir(env),
                   cover_max_bytes=int(env.get("ILS_COVER_MAX_BYTES") or 5 * 1024 * 1024),
                   cover_max_pixels=int(env.get("ILS_COVER_MAX_PIXELS") or 12_000_000))


def derive_secret(jwt_secret: str) -> str:
    """A key for the session cookie that is not the JWT key itself (a leaked cookie key forges no tokens)."""
    return hmac.new(jwt_secret.encode(), b"ils-staff-ui-session-v1", hashlib.sha256).hexdigest()
