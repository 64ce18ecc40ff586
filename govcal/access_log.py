"""The access log: a line per request, written in batches, private tokens redacted at write.

uvicorn's access log costs a LogRecord, a formatter and a filter per request, a third
of the time of answering a 304 (bench/feeds.py). This one formats one string per
request into a list, on the event loop, and writes the batch with one call: when it
holds 1,000 lines, a second after its first line, and when the server stops. The
batch is redacted with one regular-expression pass, so no private feed or page token
reaches the log, whatever wrote the line.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from typing import TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_IN_PATH = re.compile(r"(/(?:feeds|planner)/private/)[^/\s.?\"]+")
BATCH = 1000
EVERY = 1.0  # seconds a line may wait before it is written


def redact(text: str) -> str:
    """Private tokens in request paths replaced by "[redacted]"."""
    return TOKEN_IN_PATH.sub(r"\1[redacted]", text)


class AccessLog:
    """ASGI middleware: `time client "METHOD path HTTP/v" status bytes` per request, batched."""

    def __init__(self, app: ASGIApp, stream: TextIO | None = None, every: float = EVERY, batch: int = BATCH) -> None:
        self.app = app
        self.stream = stream
        self.every = every
        self.batch = batch
        self.lines: list[str] = []
        self._second = -1
        self._stamp = ""
        self._timer: asyncio.TimerHandle | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._on_shutdown(send))
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answer = [0, 0]  # status, body bytes

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer[0] = message["status"]
            elif message["type"] == "http.response.body":
                answer[1] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self._add(scope, answer[0], answer[1])

    def _add(self, scope: Scope, status: int, size: int) -> None:
        now = int(time.time())
        if now != self._second:
            self._second, self._stamp = now, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
        client = scope.get("client")
        who = client[0] if client else "-"
        query = scope.get("query_string", b"")
        path = scope["path"] + ("?" + query.decode("latin-1") if query else "")
        self.lines.append(
            f'{self._stamp} {who} "{scope["method"]} {path} HTTP/{scope.get("http_version", "1.1")}" {status} {size}\n'
        )
        if len(self.lines) >= self.batch:
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.every, self.flush)

    def flush(self) -> None:
        """Write what is waiting, redacted, in one call."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self.lines:
            return
        text, self.lines = "".join(self.lines), []
        stream = self.stream or sys.stderr
        stream.write(redact(text))
        stream.flush()

    def _on_shutdown(self, send: Send) -> Send:
        """The lifespan's `send`, flushing the log as the server reports it has stopped."""

        async def sending(message: Message) -> None:
            if message["type"].startswith("lifespan.shutdown"):
                self.flush()
            await send(message)

        return sending
