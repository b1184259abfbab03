"""How notices are delivered, from the environment: one answer for the sender worker and the health page.

  ILS_SENDGRID_API_KEY  a SendGrid API key with the Mail Send permission; unset = no provider: each mail is
                        written as an .eml file under ILS_MAIL_DIR instead (the embedded default)
  ILS_SENDGRID_HOST     the API's base URL (default https://api.sendgrid.com): a sandbox or a test server
  ILS_MAIL_FROM         the sender address, "Name <address>" or "address" (default ILS Library <library@localhost>)
  ILS_MAIL_DIR          where .eml files go without a key (default .ils/mail of the checkout)
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_HOST = "https://api.sendgrid.com"
DEFAULT_FROM = "ILS Library <library@localhost>"


@dataclass(frozen=True)
class MailConfig:
    api_key: str = field(default="", repr=False)
    host: str = DEFAULT_HOST
    mail_from: str = DEFAULT_FROM
    mail_dir: Path = ROOT / ".ils" / "mail"

    @classmethod
    def from_env(cls, env: dict | None = None) -> "MailConfig":
        env = os.environ if env is None else env
        return cls(api_key=env.get("ILS_SENDGRID_API_KEY", "").strip(),
                   host=(env.get("ILS_SENDGRID_HOST") or DEFAULT_HOST).rstrip("/"),
                   mail_from=env.get("ILS_MAIL_FROM") or DEFAULT_FROM,
                   mail_dir=Path(env.get("ILS_MAIL_DIR") or ROOT / ".ils" / "mail"))

    @property
    def mode(self) -> str:
        """sendgrid, or files (no key: .eml files under mail_dir)."""
        return "sendgrid" if self.api_key else "files"

    @property
    def from_pair(self) -> tuple[str, str]:
        """(name, address) of ILS_MAIL_FROM."""
        name, address = parseaddr(self.mail_from)
        return name, address or self.mail_from

    def describe(self) -> str:
        """One line for the health page and the start-up banner."""
        if self.mode == "sendgrid":
            return f"SendGrid at {self.host}, from {self.mail_from}"
        return f"no ILS_SENDGRID_API_KEY: mails are written as .eml files to {self.mail_dir}, not sent"
