r"""The access log: a line per request, written in batches, escaped and redacted as formatted.

uvicorn's access log costs a LogRecord, a formatter and a filter per request, a third
of the time of answering a 304 (bench/feeds.py). This one formats one string per
request into a list, on the event loop, and writes the batch with one call: when it
holds 1,000 lines, a second after its first line, and when the server stops.

A line is built by `request_line` alone. It writes the request target as the client
sent it (not uvicorn's decoded `path`, where `%0a` is a newline), with every byte that is
not printable ASCII, and every quote and backslash, written `\xNN` as nginx does: a client
can neither start a second line nor end a field. Private tokens are redacted on the
target as received and as decoded and normalised (see `redacted`).
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from typing import TextIO
from urllib.parse import unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BATCH = 1000
EVERY = 1.0  # seconds a line may wait before it is written

# Every byte but printable ASCII, quote and backslash, as \xNN (raw bytes are read as latin-1).
ESCAPES = {b: f"\\x{b:02x}" for b in range(256) if not 0x21 <= b <= 0x7E or chr(b) in '"\\'}
SEPARATORS = re.compile(r"([/\\?&=;#])")  # what splits a target into words, raw or decoded
NOT_SECRET = frozenset(("", ".", ".."))  # what normalising removes
REDACTED = "[redacted]"
DECODINGS = 4  # %25 decoded up to this many times, as layers of proxies might


def request_line(method: str, target: bytes, version: str) -> str:
    """`METHOD target HTTP/version` as the client sent it, tokens redacted, nothing raw but
    printable ASCII (so one request is one line, and its quotes are the log's own)."""
    text = redacted(target.decode("latin-1"))
    return f"{_escaped(method)} {text.translate(ESCAPES)} HTTP/{_escaped(version)}"


def redacted(target: str) -> str:
    """The target with each word that follows a `private` one, to the end of the path or of
    the query parameter, written "[redacted]" (".ics" kept).

    Words are read as received and percent-decoded (`%2F` splitting them as `/` does), and
    `.`, `..` and empty words are passed over, so a token is found however the route
    /feeds/private/TOKEN.ics or /planner/private/TOKEN was spelt: `/feeds/bodies/../private/`,
    `//feeds//private/`, `/feeds%2Fprivate%2F`, or as a query's value (`?next=/planner/private/...`).
    """
    if "%" not in target and "private" not in target.lower():
        return target  # the usual request: nothing to decode, no token
    parts = SEPARATORS.split(target)  # words at even positions, separators between
    secret = query = False
    for at in range(0, len(parts), 2):
        hidden = False
        for piece in SEPARATORS.split(_decoded(parts[at]))[::2]:
            hidden = hidden or (secret and piece not in NOT_SECRET)
            secret = secret or piece.lower() == "private"
        if hidden:
            parts[at] = REDACTED + (".ics" if parts[at].endswith(".ics") else "")
        separator = parts[at + 1] if at + 1 < len(parts) else ""
        if separator == "?" or (query and separator == "&"):
            secret, query = False, True
    return "".join(parts)


def _decoded(word: str) -> str:
    """A word percent-decoded until nothing changes (bytes as latin-1, like the raw target)."""
    for _ in range(DECODINGS):
        decoded = unquote(word, encoding="latin-1")
        if decoded == word:
            break
        word = decoded
    return word


def _escaped(text: str) -> str:
    """Text the server decoded (method, version), escaped as the target is."""
    return text.encode().decode("latin-1").translate(ESCAPES)


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
        target = (scope.get("raw_path") or scope["path"].encode()) + (b"?" + query if query else b"")
        line = request_line(scope["method"], target, scope.get("http_version", "1.1"))
        self.lines.append(f'{self._stamp} {_escaped(who)} "{line}" {status} {size}\n')
        if len(self.lines) >= self.batch:
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.every, self.flush)

    def flush(self) -> None:
        """Write what is waiting in one call."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self.lines:
            return
        text, self.lines = "".join(self.lines), []
        stream = self.stream or sys.stderr
        stream.write(text)
        stream.flush()

    def _on_shutdown(self, send: Send) -> Send:
        """The lifespan's `send`, flushing the log as the server reports it has stopped."""

        async def sending(message: Message) -> None:
            if message["type"].startswith("lifespan.shutdown"):
                self.flush()
            await send(message)

        return sending
