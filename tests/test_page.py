"""The year planner page in headless Chromium, served by a real `govcal serve`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    govcal = str(Path(sys.executable).parent / "govcal")
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [govcal, "serve", "--port", str(port), "--database", f"sqlite:///{tmp_path / 'govcal.db'}"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=os.environ,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/feeds/all.ics", timeout=5).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError((tmp_path / "serve.log").read_text()) from None
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_planner_page_shows_the_seed_bodies_meetings_in_chromium(server, tmp_path):
    page = f"{server}/planner?start=2026-04"
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, *profile, "--dump-dom", page], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert "Year planner, April 2026 to March 2027" in dom
    for name in (
        "Worcestershire Joint Commissioning Board",
        "Suffolk Children's Trust Strategic Board",
        "Leeds Cluster Partnership",
    ):
        assert name in dom.replace("&#x27;", "'")
    # hand-checked meetings, in local time: JCB third Tuesdays (21 Apr 14:00 BST)
    assert 'id="worcestershire-jcb/2026-27/meeting-01"' in dom and "Tue 21 14:00" in dom
    assert "webcal://127.0.0.1" in dom and "Mon 25 Spring Bank Holiday" in dom
    # Cambridgeshire meets in private (Thu 11 Jun 14:00): not on the public page at all...
    assert "Cambridgeshire" not in dom and "cambridgeshire" not in dom and "Thu 11 14:00" not in dom
    # ...but on an admin's page link, with a word on how its members subscribe
    govcal = str(Path(sys.executable).parent / "govcal")
    token = subprocess.run(
        [govcal, "page", "token", "create", "alice", "--database", f"sqlite:///{tmp_path / 'govcal.db'}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    private = subprocess.run(
        [CHROMIUM, *FLAGS, *profile, "--dump-dom", f"{server}/planner/private/{token}?start=2026-04"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "Cambridgeshire Children" in private and "Thu 11 14:00" in private
    assert "Private: members use their own feed link." in private
    screenshot = tmp_path / "planner.png"
    subprocess.run(
        [CHROMIUM, *FLAGS, *profile, "--window-size=1600,1100", f"--screenshot={screenshot}", page],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 20_000
    # printable on one A4 landscape page (842 x 595 points)
    pdf = tmp_path / "planner.pdf"
    subprocess.run(
        [CHROMIUM, *FLAGS, *profile, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page],
        capture_output=True,
        timeout=120,
        check=True,
    )
    document = pdf.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page[^s]", document)) == 1
    assert re.search(rb"/MediaBox\s*\[\s*0 0 84[12](\.\d+)? 59[45](\.\d+)?\s*\]", document)  # A4 landscape
    keep = os.environ.get("GOVCAL_SCREENSHOTS")  # e.g. for CI artefacts
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(keep) / "planner.png")


def test_a_bad_start_month_is_a_400(server):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{server}/planner?start=2026-13", timeout=10)
    assert refused.value.code == 400
