"""The database's availability as the server has seen it: one line when it goes, one when it
is back, and the 503 every route that needs it answers meanwhile.

Shared through the `Context` by the render cache (which keeps serving what it rendered),
the HTTP faces' exception handler and the reminder clock, so an outage of any length is
two lines in the log, not a traceback per request.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TYPE_CHECKING, TextIO

from rules.errors import DatabaseUnavailable

if TYPE_CHECKING:  # Starlette is imported only by what serves: the CLI starts without it
    from starlette.requests import Request
    from starlette.responses import Response

RETRY_AFTER = 30  # seconds a client is asked to wait: the reminder clock's half-minute, about


class Outage:
    """Whether the database was last found away; says so once as it goes and once as it returns."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.down = False
        self._lock = threading.Lock()  # the event loop, the thread pool and the clock all report

    def lost(self, error: DatabaseUnavailable) -> None:
        """The database could not be reached: one line, the first time."""
        if self._changed(down=True):
            self._say(f"database unavailable ({error}): serving the feeds and pages already rendered, 503 for the rest")

    def back(self) -> None:
        """The database answered: one line if it had been away."""
        if self._changed(down=False):
            self._say("database back: serving everything again")

    def refused(self, error: DatabaseUnavailable) -> Response:
        """The answer to a request that needs the database while it is away: 503, and when to try again."""
        from starlette.responses import PlainTextResponse

        self.lost(error)
        return PlainTextResponse(
            "the database is unavailable; try again shortly\n",
            status_code=error.http_status,
            headers={"Retry-After": str(RETRY_AFTER)},
        )

    async def handler(self, _: Request, error: DatabaseUnavailable) -> Response:
        """`refused` as an exception handler, for the API's and the admin pages' apps alike."""
        return self.refused(error)

    def _changed(self, *, down: bool) -> bool:
        with self._lock:
            changed, self.down = self.down != down, down
            return changed

    def _say(self, line: str) -> None:
        stream = self.stream or sys.stderr
        stream.write(f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {line}\n")
        stream.flush()
