"""A local HTTP server that answers like SendGrid's v3 mail/send, for the sender's tests: never the internet.

    fake = FakeSendGrid(api_key="SG.test").start()
    fake.then(Reply(429, {"Retry-After": "120"}), Reply(500))   # the next answers, in order; then 202s
    ... ILS_SENDGRID_HOST=fake.url ...
    fake.deliveries    # the JSON bodies it accepted (202), in order

Each reply may be slow (delay seconds before answering). A wrong API key gets 401, as SendGrid answers.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 202
    headers: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    delay: float = 0.0


class FakeSendGrid:
    def __init__(self, api_key: str = "SG.fake-key"):
        self.api_key = api_key
        self.script: deque[Reply] = deque()
        self.requests: list[dict] = []
        self.deliveries: list[dict] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def then(self, *replies: Reply) -> "FakeSendGrid":
        with self._lock:
            self.script.extend(replies)
        return self

    def notice_ids(self) -> list[int]:
        return [int(d["custom_args"]["notice_id"]) for d in self.deliveries]

    def start(self) -> "FakeSendGrid":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                with fake._lock:
                    fake.requests.append(body)
                    reply = fake.script.popleft() if fake.script else Reply()
                if self.path != "/v3/mail/send":
                    reply = Reply(404, errors=[{"message": "not found"}])
                elif self.headers.get("Authorization") != f"Bearer {fake.api_key}":
                    reply = Reply(401, errors=[{"message": "The provided authorization grant is invalid, expired, or revoked"}])
                elif reply.status == 400 and not reply.errors:
                    reply.errors = [{"message": "Does not contain a valid address.", "field": "personalizations.0.to.0.email"}]
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    headers = dict(reply.headers)
                    if reply.status == 202:
                        headers.setdefault("X-Message-Id", uuid.uuid4().hex[:22])
                        with fake._lock:
                            fake.deliveries.append({**body, "_message_id": headers["X-Message-Id"]})
                    payload = json.dumps({"errors": reply.errors}).encode() if reply.status >= 400 else b""
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
