"""A supervisor's journey in the real Chromium: log in, see the matrix, filter it."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists(),
        reason="需要系统 Chromium（make install 会安装）",
    ),
]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the test thread runs Playwright's loop
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        yield page
        browser.close()
    if saved is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


def test_a_county_supervisor_logs_in_and_sees_only_its_county_in_the_matrix(
    transactional_db, world, live_server, browser_page
):
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "sup_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=政务新媒体账号矩阵")
    body = page.inner_text("main")
    assert "青山教育" in body and "青山民政" in body and "临河教育" not in body
    page.select_option("select[name=platform]", "douyin")
    expect(page.locator("#matrix")).not_to_contain_text("青山教育")  # htmx swapped the table in place
    expect(page.locator("#matrix")).to_contain_text("青山民政")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "matrix.png"), full_page=True)
    assert (SCREENSHOTS / "matrix.png").stat().st_size > 10_000
