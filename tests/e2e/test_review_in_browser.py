"""The review app in a real browser (Playwright driving Debian's Chromium) against a real
`vigil serve`: sign in with two factors, open a case, categorise with the keyboard, switch to
Arabic and get a right-to-left page. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.instance import instance_env

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "a long enough passphrase"


def vigil(home: Path, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "vigil.cli.main", *args],
        env=instance_env(home, COLUMNS="200"),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    home = tmp_path_factory.mktemp("e2e") / "home"
    vigil(home, "demo", "--workers", "1")
    vigil(
        home,
        "user",
        "add",
        "ana",
        "--role",
        "investigator",
        "--case",
        "demo",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    secret = json.loads(vigil(home, "user", "totp", "ana", "--json"))["secret"]
    port = free_port()
    log = (home / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "vigil.cli.main", "serve", "--port", str(port), "--workers", "1"],
        env=instance_env(home),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/signin/", server, home / "serve.log")
        yield {"base": base, "secret": secret, "home": str(home)}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"vigil serve stopped: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"vigil serve did not answer within 2 minutes: {log.read_text()[-2000:]}")


def totp_code(secret: str) -> str:
    from django_otp.oath import totp

    return f"{totp(base64.b32decode(secret)):06d}"


def test_sign_in_review_with_the_keyboard_and_read_arabic_right_to_left(
    instance: dict[str, str],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    assert CHROMIUM.is_file(), "Debian's chromium is needed (.ci/run installs it)"
    ARTIFACTS.mkdir(exist_ok=True)
    base = instance["base"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        blocked: list[str] = []
        page.on(
            "console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None
        )
        try:
            page.goto(base + "/")
            expect(page).to_have_url(base + "/signin/?next=%2F")
            page.fill("input[name=username]", "ana")
            page.fill("input[name=password]", PASSWORD)
            page.click("button.primary")
            expect(page).to_have_url(base + "/signin/code/")
            page.fill("input[name=code]", totp_code(instance["secret"]))
            page.click("button.primary")
            expect(page.get_by_role("link", name="demo")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "1-cases.png"))

            page.get_by_role("link", name="demo").click()
            expect(page.locator("figure.chart").first).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "2-dashboard.png"), full_page=True)

            page.get_by_role("link", name="Review").click()
            tiles = page.locator("#grid .tile")
            expect(tiles.first).to_be_visible()
            assert "media-blur" in (page.locator("body").get_attribute("class") or "")
            # The grid's keys work once review.js has bound them: pressing earlier is lost.
            expect(page.locator("html[data-keyboard-ready=grid]")).to_have_count(1)
            page.keyboard.press("j")
            expect(tiles.first).to_have_class("tile status-unknown focused")
            page.keyboard.press("1")
            expect(tiles.first.locator(".category")).to_have_attribute("data-category", "vics:1")
            expect(tiles.nth(1)).to_have_class("tile status-unknown focused")  # moved on
            page.keyboard.press("x")
            page.keyboard.press("j")
            page.keyboard.press("x")
            page.keyboard.press("c")  # CAID C on both selected items
            expect(tiles.nth(1).locator(".category")).to_have_attribute("data-category", "caid:C")
            expect(tiles.nth(2).locator(".category")).to_have_attribute("data-category", "caid:C")
            page.keyboard.press("?")
            expect(page.locator("#help")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "3-review-help.png"))
            page.keyboard.press("Escape")
            page.screenshot(path=str(ARTIFACTS / "4-review-grid.png"))

            page.locator("#language-select").select_option("ar")
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            expect(page.locator("html")).to_have_attribute("lang", "ar")
            page.screenshot(path=str(ARTIFACTS / "5-review-arabic.png"))
            assert not blocked, f"the Content Security Policy blocked: {blocked}"
        finally:
            browser.close()

    audit = json.loads(vigil(Path(instance["home"]), "audit", "ls", "--limit", "400", "--json"))
    actions = [(entry["actor"], entry["action"]) for entry in audit]
    assert ("ana", "auth.login") in actions
    assert actions.count(("ana", "review.categorise")) == 3
    assert ("ana", "media.thumbnail") in actions
