"""Reading a whole ASGI request body in a middleware, bounded, and handing it on to the app unchanged."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any


class BodyTooLarge(Exception):
    """The body grew past the limit while it was read."""


async def read_body(receive: Any, limit: int) -> bytes | None:
    """The whole body, or None when the client went away first; BodyTooLarge past `limit` bytes."""
    body, more = bytearray(), True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return None
        body.extend(message.get("body", b""))
        more = message.get("more_body", False)
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


def replaying(body: bytes, receive: Any) -> Callable[[], Awaitable[dict]]:
    """A receive that hands `body` on once, then passes through (the app then sees the disconnect)."""
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return replay
