"""What govcal says instead of a traceback, by kind: bad input (`RuleError`, located), a
thing that does not exist (`NotFound`), an act not allowed (`NotAllowed`), a change that
conflicts with what is kept (`Conflict`), and a service that cannot be reached now
(`Unavailable`: the database, the mail server). Each kind carries its CLI exit status and
its HTTP status, so the faces map them in one place each. Programming errors stay ordinary
exceptions with tracebacks.

Exit statuses: 0 done, 1 a compliance failure or an edit refused by a rule, 2 bad input or
not found (or not allowed), 3 unavailable: try again later.
"""

from __future__ import annotations

FAILED, BAD_INPUT, UNAVAILABLE = 1, 2, 3  # exit statuses (0: done)


class GovcalError(Exception):
    """A problem govcal tells its user about in words: one line at the CLI, a status and a
    reason over HTTP."""

    exit_status: int = BAD_INPUT
    http_status: int = 400


class RuleError(GovcalError, ValueError):
    """A user's mistake, located: printed as `file:line: field: message`.

    Raised deep (parsers, loaders, the planner) and turned into one line and exit
    status 2 at the CLI edge, a 4xx at the HTTP edge. Programming errors stay
    ordinary exceptions with tracebacks.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        message = " ".join(str(message).split())  # one line, whatever a parser's own message held
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field

    def located(self, *, file: str | None = None, line: int | None = None, field: str | None = None) -> RuleError:
        """The same error with location filled in where it was not yet known."""
        return RuleError(
            self.message,
            file=self.file or file,
            line=self.line or line,
            field=self.field or field,
        )

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        elif self.line:
            where = f"line {self.line}: "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


class NotFound(RuleError):
    """A user named something govcal does not have: a body, a meeting, a member.

    A `RuleError` like any other mistake (exit status 2 at the CLI), but 404 at the
    HTTP edge, where "no such thing" and "bad request" are told apart.
    """

    http_status = 404


class NotAllowed(GovcalError):
    """The one asking may not do this: no credentials, or ones that are not live (403)."""

    http_status = 403


class Conflict(GovcalError):
    """The request is well formed but clashes with what is kept (409; exit status 1)."""

    exit_status = FAILED
    http_status = 409


class Unavailable(GovcalError):
    """A service govcal needs cannot be reached now: try again later (503; exit status 3).
    No one's mistake: the request was fine."""

    exit_status = UNAVAILABLE
    http_status = 503


class DatabaseUnavailable(Unavailable):
    """The database cannot be reached (refused, dropped, locked or unopenable).

    Raised by the store in place of the driver's connection-level errors, so the edge can
    answer 503 and keep serving what it has rendered without knowing SQL.
    """


class MailUnavailable(Unavailable):
    """The mail server did not take what was sent: refused, down, or not answering."""
