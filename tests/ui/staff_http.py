"""A staff member over plain HTTP (no browser): signs in through the login form and posts forms with the
session's CSRF token, or with the table screens' own token."""
from __future__ import annotations

import re

import httpx

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
ADMIN_CSRF_FIELD = re.compile(r'name="csrftoken" value="([^"]+)"')


class StaffClient:
    def __init__(self, base_url: str, username: str, password: str | None = None):
        self.http = httpx.Client(base_url=base_url, timeout=30, follow_redirects=False)
        token = CSRF_FIELD.search(self.http.get("/staff/login").text).group(1)
        r = self.http.post("/staff/login", data={"username": username, "password": password or f"{username}-pass",
                                                 "next": "/staff/", "csrf_token": token})
        assert r.status_code == 303, r.text
        self.csrf = CSRF_FIELD.search(self.http.get("/staff/").text).group(1)

    def post(self, path: str, data: dict, **kw) -> httpx.Response:
        return self.http.post(path, data={**data, "csrf_token": self.csrf}, **kw)

    def admin_token(self, path: str) -> str:
        """The table screens' CSRF token from the form at `path` (its cookie is kept by the client)."""
        return ADMIN_CSRF_FIELD.search(self.http.get(path).text).group(1)

    def admin_post(self, path: str, data: dict, token: str | None = None) -> httpx.Response:
        return self.http.post(path, data={**data, "csrftoken": token or self.admin_token(path)})

    def close(self) -> None:
        self.http.close()
