"""The opening journey in the real Chromium: an editor files, three levels approve, the matrix shows it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

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
def browser():
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the test thread runs Playwright's loop
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        yield browser
        browser.close()


def _login(browser, base: str, username: str):
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=政务新媒体账号矩阵")
    return page


def test_an_editor_files_an_opening_and_three_levels_approve_it_into_the_matrix(
    transactional_db, chains, live_server, browser
):
    base = live_server.url
    SCREENSHOTS.mkdir(exist_ok=True)
    editor = _login(browser, base, "editor_a")
    editor.click("text=备案管理")
    editor.click("text=开设备案")
    editor.fill("#id_account_name", "青山教育视频号")
    editor.select_option("#id_platform", "wechat_channels")
    editor.fill("#id_platform_uid", "qs-edu-sph")
    editor.fill("#id_purpose", "教育政策解读与招生信息发布")
    editor.fill("#id_head_name", "王五")
    editor.fill("#id_head_mobile", "13900000000")
    editor.fill("#id_reason", "适应短视频传播，经局党组会议研究同意")
    editor.check("#id_undertaking_accepted")
    editor.screenshot(path=str(SCREENSHOTS / "filing_form.png"), full_page=True)
    editor.click("text=保存草稿")
    editor.wait_for_selector("text=备案已保存为草稿")
    editor.click("#submit-filing")
    editor.wait_for_selector("text=备案已提交审批")
    number = editor.inner_text("h1")
    assert "青备〔" in number

    for username in ("reviewer_a", "sup_a", "city"):
        page = _login(browser, base, username)
        page.goto(f"{base}/filings/waiting/")
        page.click("text=青备〔")
        page.select_option("select[name=decision]", "approve")
        page.fill("textarea[name=comment]", "同意开设")
        page.click("text=提交审批意见")
        page.wait_for_selector("text=已同意")
    page.screenshot(path=str(SCREENSHOTS / "filing_approved.png"), full_page=True)
    assert "已批准" in page.inner_text("h1")

    editor.goto(f"{base}/")
    editor.wait_for_selector("text=政务新媒体账号矩阵")
    assert "青山教育视频号" in editor.inner_text("main")
    editor.screenshot(path=str(SCREENSHOTS / "filing_matrix.png"), full_page=True)
