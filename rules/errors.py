"""The one exception type for a user's mistake in a rule, schedule or phrase, and the one
for a database that cannot be reached (no mistake of anyone's: try again later)."""

from __future__ import annotations


class RuleError(ValueError):
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


class DatabaseUnavailable(Exception):
    """The database cannot be reached (refused, dropped, locked or unopenable): try again later.

    Raised by the store in place of the driver's connection-level errors, so the edge can
    answer 503 and keep serving what it has rendered without knowing SQL. Not a `RuleError`:
    the request was fine.
    """
