"""Debian's headless Chromium driven through its own ChromeDriver by Selenium, and axe-core's
accessibility check run in it: the helpers browser tests import, as they import conftest's.

Nothing is downloaded while the tests run. Selenium is given chromedriver's path (and
chromium's), so Selenium Manager, which would otherwise look for a driver and a browser and
fetch them, never runs: the fixture turns any call to it into an error, and sets SE_OFFLINE
(Selenium Manager's offline switch) while the driver starts, should one ever slip through.
axe-core comes from tests/browser/node_modules, put there from package-lock.json by
`npm ci --prefix tests/browser` (.ci/run does it).

    from browser_driver import axe_violations, browser, describe, needs_axe, needs_browser

    __all__ = ["browser"]  # the fixture, imported to be asked for by name (so ruff keeps it)

    @needs_browser
    @needs_axe
    def test_the_page(browser):
        browser.get(url)
        violations = axe_violations(browser)
        assert not violations, describe(violations)
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar
from unittest import mock

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"

needs_browser = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)",
)
needs_axe = pytest.mark.skipif(
    not AXE.is_file(), reason="axe-core is not installed: npm ci --prefix tests/browser (.ci/run does)"
)

# tests/test_page.py's flags: no sandbox (CI runs as root), none of Chromium's own traffic (component
# updates, sync, field trials). Even so, Debian's Chromium still looks up Google's and DuckDuckGo's
# hosts (extension updates, autofill, sign-in, search), so every name but the test server's resolves
# to nothing: the page's server is all it can reach.
HEADLESS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
FLAGS = [*HEADLESS, "--window-size=1400,1000"]

# WCAG 2.0, 2.1 and 2.2, levels A and AA: the rules a public sector website must meet.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

T = TypeVar("T")


class SeleniumManagerCalled(AssertionError):
    """Selenium tried to find (and so perhaps download) a driver or browser by itself."""


def _no_selenium_manager(*_: Any, **__: Any) -> Any:
    raise SeleniumManagerCalled("Selenium Manager would run: give Service and Options their paths")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    """Headless Chromium under Debian's chromedriver, with a profile of its own in tmp_path (and
    chromedriver's log beside it); no implicit wait: tests wait for what they mean, with wait_for."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them)")
    options = Options()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    service = Service(executable_path=CHROMEDRIVER, log_output=str(tmp_path / "chromedriver.log"))
    with (
        mock.patch("selenium.webdriver.common.driver_finder.SeleniumManager", _no_selenium_manager),
        mock.patch.dict(os.environ, {"SE_OFFLINE": "true"}),
    ):
        driver = webdriver.Chrome(options=options, service=service)
    try:
        driver.implicitly_wait(0)
        driver.set_script_timeout(60)  # axe on a year's grid takes a second or two; room for a slow CI
        yield driver
    finally:
        driver.quit()


def wait_for(driver: WebDriver, condition: Callable[[WebDriver], T], timeout: float = 10) -> T:
    """Wait until `condition(driver)` is truthy (WebDriverWait's poll) and return what it gave."""
    return WebDriverWait(driver, timeout).until(condition)


def gone(element: WebElement) -> Callable[[WebDriver], bool]:
    """A wait_for condition: this element's document has been replaced. Selenium's staleness_of
    knows only the stale-reference error; while the old document is torn down Chromium may instead
    answer that the node "does not belong to the document", which means the same."""

    def condition(_driver: WebDriver) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error.msg):
                return True
            raise
        return False

    return condition


# Runs as WebDriver's async script: its last argument is the callback. DevTools evaluates it outside
# the page's Content-Security-Policy, so it works on pages that allow no script at all.
_RUN_AXE = """
const [tags, done] = arguments;
axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(
    (results) => done({violations: results.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.map((n) => n.target.map((t) => [].concat(t).join(' >>> ')).join(' >> ')),
    }))}),
    (error) => done({error: String((error && error.stack) || error)}),
);
"""


def axe_violations(driver: WebDriver, impacts: Sequence[str] = ("serious", "critical")) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.x A and AA violations of the page now in `driver` that have one of these
    impacts: each {"id", "impact", "help", "targets": [CSS selector per node]}."""
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: npm ci --prefix tests/browser (.ci/run does)")
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(_RUN_AXE, AXE_TAGS)
    if "error" in result:
        raise RuntimeError(f"axe.run failed: {result['error']}")
    return [v for v in result["violations"] if v["impact"] in impacts]


def describe(violations: Sequence[dict[str, Any]], most: int = 10) -> str:
    """Violations as lines for an assertion message: id, impact, what to do, and where."""
    if not violations:
        return "no accessibility violations"
    lines = [f"{len(violations)} accessibility violation(s) found by axe-core:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        targets = v["targets"]
        lines.extend(f"    {target}" for target in targets[:most])
        if len(targets) > most:
            lines.append(f"    ... and {len(targets) - most} more")
    return "\n".join(lines)


def screenshot(driver: WebDriver, name: str, tmp_path: Path) -> Path:
    """The window as tmp_path/NAME.png, copied to the folder GOVCAL_SCREENSHOTS names, if set
    (e.g. for CI artefacts)."""
    path = tmp_path / f"{name}.png"
    if not driver.save_screenshot(str(path)):
        raise RuntimeError(f"Chromium saved no screenshot to {path}")
    keep = os.environ.get("GOVCAL_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)
    return path
