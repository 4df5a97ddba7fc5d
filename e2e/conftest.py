"""Browser journeys: Python Playwright driving Debian's Chromium, with axe-core from npm."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test body are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 375, "height": 740}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; `make chromium` installs Debian's package")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def axe_violations(
    page: Any, impacts: tuple[str, ...] = ("serious", "critical")
) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) in the page; return the serious/critical ones.

    The script is evaluated through the DevTools protocol, so the page's CSP stays on.
    """
    if not AXE.exists():
        pytest.fail("axe-core is missing; `make node-deps` installs it from npm")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=2)


def assert_fits_phone(page: Any) -> None:
    # Against the phone's width, not window.innerWidth: with mobile emulation Chromium widens the
    # layout viewport to fit content that overflows (as a phone zooms out), so innerWidth grows
    # with the overflow and a comparison with it could never fail.
    overflow = page.evaluate("() => document.documentElement.scrollWidth") - PHONE["width"]
    if overflow > 1:
        # name the deepest elements that reach past the screen's edge, to say what to fix
        culprits = page.evaluate(
            """(width) => [...document.querySelectorAll('body *')]
                .filter(e => (e.getBoundingClientRect().right > width + 1
                    && ![...e.children].some(c => c.getBoundingClientRect().right > width + 1))
                    || (e.children.length === 0 && e.scrollWidth > e.clientWidth + 1
                        && getComputedStyle(e).overflowX === 'visible'))
                .slice(0, 5)
                .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                    + ' ' + (e.textContent || '').trim().slice(0, 40))""",
            PHONE["width"],
        )
        raise AssertionError(
            f"{page.url} is {overflow}px wider than the phone screen; past the edge: {culprits}"
        )
