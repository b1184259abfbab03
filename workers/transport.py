"""Where a rendered mail goes: SendGrid's v3 mail/send through the official client, or an .eml file.

send() returns the provider's message id, or raises Transient (retry later: 429, 5xx, timeouts, no
connection) or Permanent (retrying cannot help: any other 4xx). Both carry a short error text.
"""
from __future__ import annotations

import json
import socket
import urllib.error
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from services.notices.config import MailConfig
from services.notices.render import Mail


class Transient(Exception):
    """Worth another attempt; retry_after (seconds) when the provider said when."""

    def __init__(self, message: str, retry_after: float | None = None, maybe_sent: bool = False):
        super().__init__(message)
        self.retry_after, self.maybe_sent = retry_after, maybe_sent


class Permanent(Exception):
    """Another attempt would fail the same way (bad request, bad key, too large)."""


def custom_args(notice_id: int, attempt_id: str, possible_duplicate: bool) -> dict[str, str]:
    """What SendGrid echoes in its event webhook: which notice and which attempt a mail was."""
    return {"notice_id": str(notice_id), "attempt_id": attempt_id,
            "possible_duplicate": "Y" if possible_duplicate else "N"}


class SendGridTransport:
    def __init__(self, config: MailConfig, timeout_s: float = 10.0):
        import sendgrid
        self.config, self.timeout_s = config, timeout_s
        self.client = sendgrid.SendGridAPIClient(api_key=config.api_key, host=config.host)

    def send(self, mail: Mail, notice_id: int, attempt_id: str, possible_duplicate: bool) -> str | None:
        from python_http_client import exceptions as http_errors
        from sendgrid.helpers.mail import Content, CustomArg, From, To
        from sendgrid.helpers.mail import Mail as SgMail

        name, address = self.config.from_pair
        message = SgMail(from_email=From(address, name or None), to_emails=To(mail.to_address, mail.to_name or None),
                         subject=mail.subject)
        message.add_content(Content("text/plain", mail.text))
        message.add_content(Content("text/html", mail.html))
        for key, value in custom_args(notice_id, attempt_id, possible_duplicate).items():
            message.add_custom_arg(CustomArg(key, value))
        try:
            response = self.client.client.mail.send.post(request_body=message.get(), timeout=self.timeout_s)
        except http_errors.HTTPError as exc:
            status = int(getattr(exc, "status_code", 0) or 0)
            text = f"SendGrid {status}: {_errors_of(exc.body)}"
            if status == 429 or status >= 500:
                raise Transient(text, _retry_after(exc.headers)) from None
            raise Permanent(text) from None
        except (socket.timeout, TimeoutError) as exc:  # the request went out: SendGrid may have taken it
            raise Transient(f"SendGrid timed out after {self.timeout_s}s", maybe_sent=True) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (socket.timeout, TimeoutError)):
                raise Transient(f"SendGrid timed out after {self.timeout_s}s", maybe_sent=True) from exc
            raise Transient(f"SendGrid unreachable: {exc.reason}") from exc
        except (ConnectionError, OSError) as exc:
            raise Transient(f"SendGrid unreachable: {exc}") from exc
        headers = response.headers
        return (headers.get("X-Message-Id") if headers is not None else None) or None


def _errors_of(body: bytes | str | None) -> str:
    """SendGrid's {"errors": [{"message", "field"}]} as one line."""
    if not body:
        return "no details"
    try:
        data = json.loads(body)
        return "; ".join(f"{e.get('field') + ': ' if e.get('field') else ''}{e.get('message')}"
                         for e in data.get("errors", []))[:300] or str(data)[:300]
    except (ValueError, AttributeError, TypeError):
        return (body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body))[:300]


def _retry_after(headers) -> float | None:
    """Retry-After in seconds (SendGrid sends seconds; X-RateLimit-Reset an epoch second)."""
    if headers is None:
        return None
    raw = headers.get("Retry-After")
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            return None
    reset = headers.get("X-RateLimit-Reset")
    if reset:
        try:
            return max(0.0, float(reset) - datetime.now(timezone.utc).timestamp())
        except ValueError:
            return None
    return None


class FileTransport:
    """No provider: each mail becomes <mail_dir>/<notice>-<attempt>.eml, to read with any mail program."""

    def __init__(self, config: MailConfig):
        self.config = config

    def send(self, mail: Mail, notice_id: int, attempt_id: str, possible_duplicate: bool) -> str | None:
        name, address = self.config.from_pair
        msg = EmailMessage()
        msg["From"] = formataddr((name, address))
        msg["To"] = formataddr((mail.to_name, mail.to_address))
        msg["Subject"] = mail.subject
        msg["Date"] = format_datetime(datetime.now(timezone.utc))
        msg["Message-ID"] = make_msgid(domain="ils.local")
        for key, value in custom_args(notice_id, attempt_id, possible_duplicate).items():
            msg["X-ILS-" + key.replace("_", "-").title()] = value
        msg.set_content(mail.text)
        msg.add_alternative(mail.html, subtype="html")
        folder = Path(self.config.mail_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"notice-{notice_id}-{attempt_id[:12]}.eml"
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(bytes(msg))
            tmp.replace(path)
        except OSError as exc:
            raise Transient(f"cannot write {folder}: {exc}") from exc
        return f"file:{path.name}"


def for_config(config: MailConfig, timeout_s: float = 10.0):
    return SendGridTransport(config, timeout_s) if config.mode == "sendgrid" else FileTransport(config)
