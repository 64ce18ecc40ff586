"""Feeds and the year planner page over HTTP: rendered once per change, served from bytes.

Routes: /feeds/all.ics, /feeds/bodies/{id}.ics (public bodies only) and
/feeds/private/{token}.ics (a member's own feed: their bodies' meetings, private
ones included, and the deadlines of bodies they clerk, with alarms); /planner (the
public bodies) and /planner/private/{token} (an admin's page link: every body). Every
feed answers HEAD as GET, without the body. An unknown and a revoked token get the
same 404. Private answers are sent with `Cache-Control: private, no-store` (never kept
by a cache) and `Referrer-Policy: no-referrer`, and their tokens are replaced by
[redacted] in the access log.

Only the hosts the server is told of are answered (400 for any other Host header), so
nothing a client sends decides what is cached; each cache is bounded in entries and
bytes, and drops what was used least recently.

While the database is away, the feeds and pages already rendered are still served (with
their ETags, and 304s); anything else answers 503 with Retry-After (`govcal.outage`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from functools import cached_property, partial
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import FastAPI, Request, Response
from fastapi import Query as FastAPIQuery
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from calendars.feed import Feed, render
from govcal.clock import utc_now
from govcal.file_writer import FileWriter
from govcal.operations import Context, fields
from govcal.operations.access import admin_of_page, member_of_feed
from govcal.operations.calendar import calendar_of_meetings, council_year
from govcal.operations.feeds import all_feed, body_feed, private_feed, public_feeds
from govcal.operations.fields import FIRST_CYCLE, LAST_CYCLE
from govcal.operations.planning import shown, version
from govcal.outage import Outage
from govcal.page import (
    EVERY_PAGE,
    PAGE_POLICY,
    Selection,
    default_first_month,
    first_month,
    planner_html,
    planner_view,
)
from govcal.printed import calendar_page
from rules.errors import DatabaseUnavailable, RuleError
from scheduler.occurrences import cycle_label
from scheduler.workdays import FIRST_YEAR, LAST_YEAR, london_day

T = TypeVar("T")
ICS = "text/calendar; charset=utf-8"
NOT_FOUND = Response("no such feed\n", status_code=404, media_type="text/plain")
STATIC = Path(__file__).parent / "static"
LOCAL_HOSTS = ("127.0.0.1", "localhost")
# The page's search and paging: bounded, so a request cannot make the page work unbounded.
Query = Annotated[str, FastAPIQuery(max_length=200)]
Page = Annotated[int, FastAPIQuery(alias="page", ge=1, le=100_000)]


class KnownHosts(TrustedHostMiddleware):
    """Starlette's Host check, remembered for the Host headers it has let through.

    Every feed revalidation carries the same Host; parsing it again cost a tenth of a
    304. A Host value Starlette passed once is passed again at sight; any other goes
    through the full check. At most `REMEMBERED` values are kept, all of them allowed
    ones, so hostile Host headers cannot grow the set.
    """

    REMEMBERED = 64

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str]) -> None:
        super().__init__(app, allowed_hosts=allowed_hosts)
        self.passed: set[bytes] = set()
        self.inner = app
        self.app = self._learn

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _host(scope) in self.passed:
            await self.inner(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def _learn(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Reached only when Starlette allowed the Host: remember it."""
        host = _host(scope)
        if host is not None and len(self.passed) < self.REMEMBERED:
            self.passed.add(host)
        await self.inner(scope, receive, send)


def _host(scope: Scope) -> bytes | None:
    return next((value for name, value in scope.get("headers", ()) if name == b"host"), None)


@dataclass(frozen=True)
class Rendered:
    """A feed's bytes with the validators clients revalidate against."""

    body: bytes
    etag: str
    last_modified: dt.datetime

    @cached_property
    def last_modified_http(self) -> str:
        """The Last-Modified header, formatted once: every 304 sends it."""
        return format_datetime(self.last_modified, usegmt=True)

    @cached_property
    def public_not_modified(self) -> list[tuple[bytes, bytes]]:
        """The headers of this public feed's 304, encoded once: the hot path's answer."""
        return [(k.encode(), v.encode()) for k, v in revalidated(self, self.etag, private=False)[1]]


def rendered(feed: Feed) -> Rendered:
    body = render(feed)
    newest = max((e.last_modified for e in feed.events), default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    return Rendered(
        body, f'"{hashlib.sha256(body).hexdigest()[:32]}"', newest.astimezone(dt.UTC).replace(microsecond=0)
    )


def revalidated(
    feed: Rendered, if_none_match: str, *, private: bool, head: bool = False
) -> tuple[int, list[tuple[str, str]], bytes]:
    """A feed's answer: 304 with its validators when the client's ETag matches, else 200
    with the bytes (none for HEAD). The one place conditional requests are answered."""
    headers = [
        ("etag", feed.etag),
        ("last-modified", feed.last_modified_http),
        ("cache-control", "private, no-store" if private else "public, max-age=300"),
    ]
    if private:
        headers.append(("referrer-policy", "no-referrer"))
    if if_none_match and feed.etag in (tag.strip() for tag in if_none_match.split(",")):
        return 304, headers, b""
    headers += [("content-type", ICS), ("content-length", str(len(feed.body)))]
    return 200, headers, b"" if head else feed.body


class RenderCache:
    """Rendered feeds or pages, kept until the kept year changes, at most `max_entries` of them
    and `max_bytes` in all (the least recently used go first).

    `version` (`operations.planning.version`) is asked whether anything changed at most
    every `check_every` seconds (0: on every request), so a 304 costs no database round
    trip in between. While the store cannot be reached what is held is served as it is,
    told to `outage`, and so is what was rendered before the last change (a feed the store
    changed under, unasked since: one generation kept aside, so at most twice the bounds);
    only what was never rendered needs the database (and raises `DatabaseUnavailable`).
    """

    def __init__(
        self,
        version: Callable[[], object],
        outage: Outage,
        check_every: float = 0.0,
        max_entries: int = 1024,
        max_bytes: int = 1 << 26,
    ):
        self.version = version
        self.outage = outage
        self.check_every = check_every
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._version: object = None
        self._checked = float("-inf")
        self._built: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._before: dict[str, tuple[Any, int]] = {}  # what was built before the last change: for an outage
        self.bytes = 0

    def get(self, key: str, build: Callable[[], T]) -> T:
        if key in self._built and time.monotonic() - self._checked >= self.check_every:
            self._checked = time.monotonic()  # a store away is asked again after as long, not at once
            self._check()
        if key in self._built:
            self._built.move_to_end(key)
            return self._built[key][0]
        if not self._reachable() and key in self._before:  # rendered before the last change; the store is away
            return self._before[key][0]
        generation = self._built  # a miss asks first, so what it builds is of the version it read
        try:
            value = build()
        except DatabaseUnavailable:
            if key in self._before:  # the store went while building
                return self._before[key][0]
            raise
        if self._built is not generation:  # the store changed while this was built: not kept
            return value
        size = _size(value)
        self._built[key] = (value, size)
        self.bytes += size
        while len(self._built) > self.max_entries or (self.bytes > self.max_bytes and len(self._built) > 1):
            _, (_, dropped) = self._built.popitem(last=False)
            self.bytes -= dropped
        return value

    def _reachable(self) -> bool:
        """For a miss: whether the store answers now (asked again only after `check_every`
        while it is found away, so an outage costs a request no wait)."""
        if self.outage.down and time.monotonic() - self._checked < self.check_every:
            return False
        self._checked = time.monotonic()
        return self._check()

    def _check(self) -> bool:
        """Drop what was built if the store changed (kept aside for an outage); keep it if the
        store cannot say. Whether the store answered."""
        try:
            version = self.version()
        except DatabaseUnavailable as error:
            self.outage.lost(error)
            return False
        self.outage.back()
        if version != self._version:
            self._before, self._built = self._built, OrderedDict()
            self.bytes = 0
            self._version = version
        return True

    def feed(self, key: str, build: Callable[[], Feed | None]) -> Rendered | None:
        """A feed's bytes and validators (None for a feed that does not exist)."""
        return self.get(key, lambda: _rendered_or_none(build()))


def _size(value: object) -> int:
    """What a cached value costs, roughly: its bytes or characters."""
    if isinstance(value, Rendered):
        return len(value.body)
    return len(value) if isinstance(value, str | bytes) else 0


def _rendered_or_none(feed: Feed | None) -> Rendered | None:
    return rendered(feed) if feed is not None else None


class PublicFeeds:
    """/feeds/all.ics and /feeds/bodies/<id>.ics answered from cached bytes, ahead of FastAPI.

    Revalidation (304) is a feed's hot path: clients ask every hour whether anything
    changed. Answering it here, without routing or request objects, lets one Python
    process keep up a useful share of nginx's rate (bench/feeds.py). Everything
    else goes on to the wrapped app.
    """

    def __init__(self, app: FastAPI, lookup: Callable[[str], Rendered | None], outage: Outage) -> None:
        self.app = app
        self.lookup = lookup
        self.outage = outage

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope) if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") else None
        if key is None:
            await self.app(scope, receive, send)
            return
        try:
            feed = self.lookup(key)
        except DatabaseUnavailable as error:  # a feed not rendered before the database went
            await self.outage.refused(error)(scope, receive, send)
            return
        if feed is None:
            await self._send(send, 404, [(b"content-type", b"text/plain")], b"no such feed\n")
            return
        asked = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"if-none-match"), "")
        if asked == feed.etag:  # the usual revalidation, one ETag: its 304 is ready
            await self._send(send, 304, feed.public_not_modified, b"")
            return
        status, headers, body = revalidated(feed, asked, private=False, head=scope["method"] == "HEAD")
        await self._send(send, status, [(k.encode(), v.encode()) for k, v in headers], body)

    @staticmethod
    def _key(scope: Scope) -> str | None:
        path = scope["path"]
        if path == "/feeds/all.ics":
            return "all"
        if path.startswith("/feeds/bodies/") and path.endswith(".ics"):
            return "body:" + path[len("/feeds/bodies/") : -len(".ics")]
        return None

    @staticmethod
    async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def feed_server(
    app: FastAPI,
    ctx: Context,
    base_url: str | None = None,
    check_every: float = 0.0,
    allowed_hosts: Sequence[str] = LOCAL_HOSTS,
) -> KnownHosts:
    """The admin API app with the feeds and the planner page: the ASGI app `govcal serve` runs.

    `base_url` is the address links in feeds and pages use (else the request's, from one of
    the `allowed_hosts`, the only Host headers answered).
    """
    feeds = RenderCache(partial(version, ctx), ctx.outage, check_every, max_entries=100_000, max_bytes=1 << 29)
    pages = RenderCache(partial(version, ctx), ctx.outage, check_every, max_entries=64, max_bytes=1 << 23)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    now = utc_now

    def public(key: str) -> Rendered | None:
        if key == "all":
            return feeds.feed("all", lambda: all_feed(ctx, now(), base_url))
        body_id = key.removeprefix("body:")
        if body_id not in ctx.rules.bodies:  # as the rules stand now: another instance may have published a body
            return None
        return feeds.feed(key, lambda: body_feed(ctx, body_id, now(), base_url))

    @app.api_route("/feeds/private/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    def feed_private(name: str, request: Request) -> Response:
        member = member_of_feed(ctx, name.removesuffix(".ics")) if name.endswith(".ics") else None
        if member is None:
            return NOT_FOUND  # unknown and revoked alike
        feed = feeds.feed(f"member:{member}", lambda: private_feed(ctx, member, now(), base_url))
        if feed is None:
            return NOT_FOUND
        asked = request.headers.get("if-none-match", "")
        status, headers, body = revalidated(feed, asked, private=True, head=request.method == "HEAD")
        return Response(body, status_code=status, headers=dict(headers))

    def page(request: Request, start: str | None, private: bool, q: str, number: int) -> HTMLResponse:
        try:
            first = first_month(start) if start else default_first_month(london_day(now()))
        except RuleError as error:
            return HTMLResponse(f"{error}\n", status_code=400)
        selection = Selection(" ".join(q.split()), number)
        feed_base = (base_url or f"{request.url.scheme}://{request.url.netloc}").rstrip("/")
        key = f"{first}:{private}:{feed_base}:{selection.query}:{number}"
        html = pages.get(key, lambda: _page(ctx, first, feed_base, private, selection=selection))
        if html is None:
            return HTMLResponse(f"no page {number} of bodies for that search\n", status_code=404)
        headers = {"Content-Security-Policy": PAGE_POLICY, "X-Content-Type-Options": "nosniff"}
        if private:
            headers |= {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}
        else:
            headers |= {"Cache-Control": "no-cache", "Referrer-Policy": "strict-origin-when-cross-origin"}
        return HTMLResponse(html, headers=headers)

    @app.get("/planner", include_in_schema=False, response_class=HTMLResponse)
    def planner_page(request: Request, start: str | None = None, q: Query = "", page_number: Page = 1) -> HTMLResponse:
        """The year planner of the public bodies; ?start=2026-04 picks the first month (default:
        this April's year), ?q= searches bodies by id or name, ?page= pages through them."""
        return page(request, start, False, q, page_number)

    @app.get("/planner/private/{token}", include_in_schema=False, response_class=HTMLResponse)
    def private_planner_page(
        token: str, request: Request, start: str | None = None, q: Query = "", page_number: Page = 1
    ) -> Response:
        """An admin's page link: the year planner with every body on it."""
        if admin_of_page(ctx, token) is None:
            return Response("no such page\n", status_code=404, media_type="text/plain")  # unknown and revoked alike
        return page(request, start, True, q, page_number)

    @app.get("/planner/calendar", include_in_schema=False, response_class=HTMLResponse)
    def calendar_of_meetings_page(request: Request, year: str | None = None) -> HTMLResponse:
        """The calendar of meetings of the public bodies, to print: ?year=2027 is the council's
        year starting in 2027 (default: the one today is in)."""
        today = london_day(now())
        try:
            chosen = fields.cycle_year(year) if year else council_year(ctx, today)
        except RuleError as error:
            return HTMLResponse(f"{error}\n", status_code=400)
        feed_base = (base_url or f"{request.url.scheme}://{request.url.netloc}").rstrip("/")
        html = pages.get(f"calendar:{chosen}:{feed_base}:{today}", lambda: _calendar(ctx, chosen, feed_base, now()))
        headers = {"Content-Security-Policy": PAGE_POLICY, "X-Content-Type-Options": "nosniff"}
        headers |= {"Cache-Control": "no-cache", "Referrer-Policy": "strict-origin-when-cross-origin"}
        return HTMLResponse(html, headers=headers)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/planner")

    return KnownHosts(PublicFeeds(app, public, ctx.outage), allowed_hosts=list(allowed_hosts))


def _page(
    ctx: Context,
    first: dt.date,
    feed_base: str,
    private: bool,
    link: Callable[[str], str | None] | None = None,
    selection: Selection = EVERY_PAGE,
) -> str | None:
    """The planner page for a selection of bodies, reading only theirs; None past the last page."""
    page = shown(ctx, selection, private)
    if page is None:
        return None
    return planner_html(
        planner_view(
            page.bodies,
            first,
            page.meetings,
            page.deadlines,
            page.findings,
            ctx.planner.terms,
            feed_base,
            private=private,
            selection=selection,
            total=page.total,
            link=link,
        )
    )


def _calendar(ctx: Context, year: int, feed_base: str, now: dt.datetime) -> str:
    """The public bodies' calendar of meetings of a council's year, linked to the planner and the years beside it."""
    calendar = calendar_of_meetings(ctx, year, private=False, now=now)
    neighbours = [
        (f"{feed_base}/planner/calendar?year={each}", cycle_label(ctx.settings.year_start, each))
        if FIRST_CYCLE <= each <= LAST_CYCLE
        else None
        for each in (year - 1, year + 1)
    ]
    return calendar_page(calendar, f"{feed_base}/static", f"{feed_base}/planner", neighbours)


def export(
    ctx: Context,
    folder: Path,
    now: dt.datetime,
    base_url: str | None = None,
    advance: Callable[[int], object] | None = None,
) -> list[Path]:
    """Write the public site as static files, at the paths `govcal serve` answers, for any web server.

    feeds/all.ics and feeds/bodies/{id}.ics always; with `base_url` (the address the
    site will be served at, so subscribe links are whole addresses) also the planner
    page: planner/index.html for the year containing `now`, planner/{YYYY-MM}.html for
    it and the years before and after (linked to each other), and static/planner.css.
    `advance`, if given, is called with 1 as each feed is rendered (a progress bar's step).
    The feeds' files are made by a second process while the next are rendered
    (`govcal.file_writer`); a folder that cannot be written is a `RuleError` naming the file.
    """
    try:
        (folder / "feeds" / "bodies").mkdir(parents=True, exist_ok=True)
        everything, by_body = public_feeds(ctx, now, base_url)
        feeds = {folder / "feeds" / "all.ics": everything}
        feeds |= {folder / "feeds" / "bodies" / f"{b}.ics": f for b, f in by_body.items()}
        with FileWriter() as files:
            for path, feed in feeds.items():
                files.write(path, render(feed))
                if advance is not None:
                    advance(1)
        if base_url is None:
            return list(feeds)
        return [*feeds, *_export_pages(ctx, folder, now, base_url.rstrip("/"))]
    except OSError as error:
        said = str(error) if error.filename is None else f"cannot write {error.filename}: {error.strerror}"
        raise RuleError(f"{said} (exporting to {folder})") from None


def _export_pages(ctx: Context, folder: Path, now: dt.datetime, base_url: str) -> list[Path]:
    """The public planner page for the year of `now` and its neighbours, and its style sheet."""
    this_year = default_first_month(london_day(now))
    starts = [f"{this_year.year + n}-04" for n in (-1, 0, 1) if FIRST_YEAR <= this_year.year + n < LAST_YEAR]
    (folder / "planner").mkdir(exist_ok=True)
    (folder / "static").mkdir(exist_ok=True)
    written = []

    def neighbours(start: str) -> str | None:
        return f"{start}.html" if start in starts else None

    for start in starts:
        first = dt.date.fromisoformat(f"{start}-01")
        html = _page(ctx, first, base_url, False, neighbours, Selection(size=None)) or ""  # every body, one page
        written.append(folder / "planner" / f"{start}.html")
        written[-1].write_text(html, encoding="utf-8")
        if start == f"{this_year:%Y-%m}":
            written.append(folder / "planner" / "index.html")
            written[-1].write_text(html, encoding="utf-8")
    for sheet in STATIC.glob("*.css"):
        written.append(folder / "static" / sheet.name)
        written[-1].write_bytes(sheet.read_bytes())
    return written
