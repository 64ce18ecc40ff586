"""Feeds: rendering (events/s) and serving (requests/s), against the peers, in one run.

Rendering, on the same events: govcal re-rendering a feed after one event changed
(the case that matters: a feed is rendered once per change), govcal rendering cold,
plain `icalendar` use (Calendar and Event objects built each time), and a
hand-written string template. Serving, on the same ~2 MB all-bodies feed:
`govcal serve` and nginx serving the exported file, 200s and 304s, measured with wrk
from a second process on loopback.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/feeds.py
    (needs nginx and wrk from Debian's packages for the serving half)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import icalendar

from calendars.event import EventData, vevent
from calendars.feed import Feed, render
from govcal.operations import Context
from govcal.operations.feeds import all_feed
from govcal.terms import term_calendars
from rules.loader import load_rules
from scheduler.planner import Planner
from scheduler.store import open_store
from scheduler.workdays import LONDON

EVENTS = 3_000


def events(count: int) -> list[EventData]:
    stamp = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
    first = dt.datetime(2026, 4, 1, 14, 0, tzinfo=LONDON)
    return [
        EventData(
            uid=f"body-{i % 50}/2026-27/meeting-{i:05d}",
            sequence=i % 3,
            start=first + dt.timedelta(days=i % 365, hours=i % 5),
            end=first + dt.timedelta(days=i % 365, hours=i % 5 + 2),
            summary=f"Partnership board {i % 50}, meeting {i}",
            location="County Hall, Worcester",
            description="Papers: 5 clear working days before (D1, clause 6.9); meeting on Tue 21 Apr 2026\n"
            "Draft minutes: within 5 working days after (D7, clause 6.11)",
            cancelled=i % 40 == 0,
            last_modified=stamp,
        )
        for i in range(count)
    ]


def plain_icalendar(items: list[EventData]) -> bytes:
    """What a developer would write with icalendar alone: objects built every time."""
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//bench//EN")
    calendar.add("VERSION", "2.0")
    for e in items:
        event = icalendar.Event()
        event.add("UID", e.uid)
        event.add("SEQUENCE", e.sequence)
        event.add("DTSTAMP", e.last_modified)
        event.add("DTSTART", e.start)
        event.add("DTEND", e.end)
        event.add("SUMMARY", e.summary)
        event.add("LOCATION", e.location)
        event.add("DESCRIPTION", e.description)
        event.add("STATUS", "CANCELLED" if e.cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def template(items: list[EventData]) -> bytes:
    """A hand-written string template: the fastest thing that could work (no folding)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    for e in items:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e.uid}",
            f"SEQUENCE:{e.sequence}",
            f"DTSTAMP:{e.last_modified:%Y%m%dT%H%M%SZ}",
            f"DTSTART;TZID=Europe/London:{e.start:%Y%m%dT%H%M%S}",
            f"DTEND;TZID=Europe/London:{e.end:%Y%m%dT%H%M%S}",
            f"SUMMARY:{_text(e.summary)}",
            f"LOCATION:{_text(e.location)}",
            f"DESCRIPTION:{_text(e.description)}",
            f"STATUS:{'CANCELLED' if e.cancelled else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def best(run, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def rendering() -> dict[str, float]:
    items = events(EVENTS)
    feed = Feed("bench", tuple(items))
    render(feed)  # warm: every event rendered once

    def changed() -> None:
        one = dataclasses.replace(items[17], sequence=items[17].sequence + 1, summary=f"moved {time.perf_counter()}")
        render(dataclasses.replace(feed, events=(*items[:17], one, *items[18:])))

    def cold() -> None:
        vevent.cache_clear()
        render(feed)

    return {
        "govcal, feed after one change": EVENTS / best(changed),
        "govcal, cold (every event rendered)": EVENTS / best(cold, 3),
        "plain icalendar (objects each time)": EVENTS / best(lambda: plain_icalendar(items), 3),
        "hand-written string template": EVENTS / best(lambda: template(items)),
    }


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str) -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def wrk(url: str, etag: str | None = None) -> float:
    command = ["wrk", "-t2", "-c16", "-d5s", url]
    if etag:
        command[1:1] = ["-H", f"If-None-Match: {etag}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert non_2xx is None, out
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])


def serving(folder: Path) -> tuple[dict[str, float], int] | None:
    """Both servers with their access logs off, then both with them on (to a file)."""
    if not (shutil.which("nginx") and shutil.which("wrk")):
        print("serving: skipped (needs nginx and wrk: apt-get install nginx-light wrk)")
        return None
    database = f"sqlite:///{folder / 'govcal.db'}"
    rules = load_rules()
    store = open_store(database)
    store.save_plan(
        Planner(rules, term_calendars(rules)).plan(range(2001, 2045)), "bench", dt.datetime.now(dt.UTC)
    )  # decades of meetings: a ~2 MB feed
    body = render(all_feed(Context(rules, _store=store), dt.datetime.now(dt.UTC)))
    (folder / "site").mkdir()
    (folder / "site" / "all.ics").write_bytes(body)
    rates: dict[str, float] = {}
    for logged in (False, True):
        rates |= _govcal(folder, database, len(body), logged)
        rates |= _nginx(folder, logged)
    return rates, len(body)


def _label(logged: bool) -> str:
    return "logged" if logged else "no log"


def _govcal(folder: Path, database: str, size: int, logged: bool) -> dict[str, float]:
    port = _port()
    govcal = str(Path(sys.executable).parent / "govcal")
    command = [govcal, "serve", "--port", str(port), "--database", database, *([] if logged else ["--no-access-log"])]
    with (folder / "govcal.log").open("a") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/feeds/all.ics"
        _wait(url)
        with urllib.request.urlopen(url) as response:
            etag = response.headers["ETag"]
            assert len(response.read()) == size
        label = _label(logged)
        return {f"govcal serve, 200, {label}": wrk(url), f"govcal serve, 304, {label}": wrk(url, etag)}
    finally:
        server.terminate()
        server.wait()


def _nginx(folder: Path, logged: bool) -> dict[str, float]:
    port = _port()
    access_log = f"access_log {folder}/nginx-access.log" if logged else "access_log off"
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""daemon off; worker_processes 1; error_log {folder}/error.log; pid {folder}/nginx.pid;
events {{ worker_connections 256; }}
http {{ {access_log}; types {{ text/calendar ics; }} etag on;
  client_body_temp_path {folder}; proxy_temp_path {folder};
  fastcgi_temp_path {folder}; uwsgi_temp_path {folder}; scgi_temp_path {folder};
  server {{ listen 127.0.0.1:{port}; root {folder}/site; }} }}
"""
    )
    nginx = subprocess.Popen(
        ["nginx", "-c", str(conf), "-p", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        url = f"http://127.0.0.1:{port}/all.ics"
        _wait(url)
        with urllib.request.urlopen(url) as response:
            etag = response.headers["ETag"]
        label = _label(logged)
        return {f"nginx (1 worker), 200, {label}": wrk(url), f"nginx (1 worker), 304, {label}": wrk(url, etag)}
    finally:
        nginx.terminate()
        nginx.wait()


def main() -> None:
    print(f"feed rendering: {EVENTS:,} events")
    render_rates = rendering()
    base = render_rates["hand-written string template"]
    for name, rate in render_rates.items():
        print(f"  {name:42} {rate:12,.0f} events/s  {rate / base:6.3f}x template")
    changed = render_rates["govcal, feed after one change"] / base
    plain = render_rates["plain icalendar (objects each time)"] / base
    verdict = "met" if changed >= 0.5 else "MISSED"
    print(f"  goal: a changed feed >= 0.5x the template: {changed:.2f}x {verdict} (plain icalendar {plain:.3f}x)")
    cold = render_rates["govcal, cold (every event rendered)"] / base
    verdict = "met" if cold >= 0.5 else "MISSED"
    print(f"  goal: a cold feed >= 0.5x the template, bytes equal to icalendar's: {cold:.2f}x {verdict}")
    with tempfile.TemporaryDirectory(prefix="govcal-bench-") as folder:
        result = serving(Path(folder))
    if result:
        rates, size = result
        print(f"feed serving: all-bodies feed of {size / 1e6:.1f} MB, wrk -t2 -c16 -d5s on loopback")
        for name, rate in rates.items():
            print(f"  {name:42} {rate:12,.0f} req/s")
        for label in ("no log", "logged"):
            ok = rates[f"govcal serve, 200, {label}"] / rates[f"nginx (1 worker), 200, {label}"]
            ratio = rates[f"govcal serve, 304, {label}"] / rates[f"nginx (1 worker), 304, {label}"]
            verdict = "met" if ratio >= 0.3 else "MISSED"
            print(f"  access logs {label:6}: 200s {ok:.3f}x nginx; goal 304s >= 0.3x nginx: {ratio:.3f}x {verdict}")
    print(json.dumps({"render": render_rates, "serve": result[0] if result else None}))


if __name__ == "__main__":
    main()
