"""Limits on what one request may send: the body size (nothing here needs more than a few kilobytes;
a directory edit by an admin is the largest), so nobody can fill memory or the database in one go."""
from __future__ import annotations

import json

MAX_BODY_BYTES = 256 * 1024


class _TooLarge(Exception):
    pass


async def _refuse(send) -> None:
    body = json.dumps({"error": {"code": "too_large",
                                 "message": f"the request body is larger than {MAX_BODY_BYTES // 1024} KB"}}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """Pure ASGI: refuses a declared Content-Length above the limit at once, and a streamed body as soon
    as it passes the limit."""

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await _refuse(send)
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _refuse(send)
