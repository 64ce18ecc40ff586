"""The browser harness (tests/browser_driver.py) on the public year planner: a real `govcal
serve`, driven in Debian's headless Chromium through its chromedriver, and checked by axe-core."""

from __future__ import annotations

import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser_driver import axe_violations, browser, describe, gone, needs_axe, needs_browser, screenshot, wait_for
from conftest import serving

__all__ = ["browser"]  # the fixture, imported for the tests below to ask for by name

LEEDS = {
    "Leeds Area Children Leeds Partnership",
    "Leeds Cluster Chairs' Meeting",
    "Leeds Cluster Broader Network Annual Meeting",
    "Leeds Cluster Partnership",
}


@pytest.fixture(scope="module")
def planner(tmp_path_factory):
    """The public planner's address for April 2026 to March 2027, on the built-in seed bodies."""
    with serving(tmp_path_factory.mktemp("serve")) as (url, _):
        yield f"{url}/planner?start=2026-04"


def bodies(driver) -> list[str]:
    """The names of the bodies in the grid: rows with a Subscribe link (a public body's), not
    the bank and school holiday rows."""
    return [
        th.text.splitlines()[0]
        for th in driver.find_elements(By.CSS_SELECTOR, "tbody th[scope=row]")
        if th.find_elements(By.CSS_SELECTOR, ".subscribe")
    ]


@needs_browser
@needs_axe
def test_the_public_planner_finds_leeds_bodies_and_passes_axe(browser, planner, tmp_path):
    browser.get(planner)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Year planner, April 2026 to March 2027"
    everyone = bodies(browser)
    assert LEEDS.issubset(everyone) and len(everyone) > len(LEEDS) and "Worcestershire Programme Board" in everyone
    violations = axe_violations(browser)
    assert not violations, describe(violations)

    search = browser.find_element(By.ID, "q")
    assert browser.find_element(By.CSS_SELECTOR, "label[for=q]").text == "Find a body"
    heading = browser.find_element(By.TAG_NAME, "h1")
    search.send_keys("Leeds", Keys.ENTER)  # the form's implicit submission, as a person does it
    wait_for(browser, gone(heading))
    wait_for(browser, lambda d: d.execute_script("return document.readyState") == "complete")
    assert "q=Leeds" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text == "Year planner, April 2026 to March 2027"
    assert browser.find_element(By.ID, "q").get_attribute("value") == "Leeds"
    shown = bodies(browser)
    assert set(shown) == LEEDS and len(shown) == len(LEEDS), shown
    violations = axe_violations(browser)
    assert not violations, describe(violations)

    png = screenshot(browser, "planner-leeds", tmp_path)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


@needs_browser
@needs_axe
def test_webdriver_scripts_run_where_the_pages_policy_forbids_the_pages_own(browser, planner):
    """The page allows no script (default-src 'none'); axe still runs, as WebDriver's scripts are
    evaluated through DevTools, outside the page's Content-Security-Policy."""
    with urllib.request.urlopen(planner, timeout=10) as response:
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none';")
    browser.get(planner)
    refused = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        document.addEventListener('securitypolicyviolation', (e) => done(e.effectiveDirective));
        const inline = document.createElement('script');
        inline.textContent = 'window.ranInline = true';
        document.body.append(inline);
        """
    )
    assert refused == "script-src-elem" and browser.execute_script("return window.ranInline") is None
    assert axe_violations(browser) == [] and browser.execute_script("return axe.version").startswith("4.")
