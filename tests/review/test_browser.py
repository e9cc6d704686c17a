"""The review journey in the real Chromium: an editor writes a draft with an outdated institution
name, sees it highlighted, fixes it, three reviewers approve, the register shows it."""

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

OUTDATED = "本周，青山县教育局联合国家工商总局对全县中小学食堂开展食品安全检查。\n检查覆盖学校 32 所。"


@pytest.fixture
def chromium_browser():
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the test thread runs Playwright's loop
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        yield chromium
        chromium.close()


def _page_as(browser, live_server, username: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"review-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def test_an_editor_fixes_a_flagged_draft_three_reviewers_approve_and_the_register_shows_it(
    transactional_db, staff, live_server, chromium_browser
):
    browser = chromium_browser
    # 1. The editor writes a draft; the outdated name is highlighted while typing.
    page = _page_as(browser, live_server, "editor_a")
    page.goto(f"{live_server.url}/review/new/")
    page.wait_for_selector("#live-hits h3")  # htmx is up and has checked the empty form once
    page.fill("#id_title", "全县中小学食堂食品安全检查")
    page.fill("#id_body", OUTDATED)
    page.press("#id_body", "End")
    page.check(f"input[name=accounts][value='{staff.account_a.pk}']")
    page.select_option("select[name=chosen_level]", "important")
    page.wait_for_selector("#live-hits mark.cat-institution")
    assert "国家市场监督管理总局" in page.inner_text("#live-hits")
    _shot(page, "1-live-hit")

    # 2. Saved: the hit is stored and marked on the text.
    page.click("#draft-form button[type=submit]")
    page.wait_for_selector("#saved-hits mark.cat-institution")
    assert page.inner_text("#saved-hits mark") == "国家工商总局"
    _shot(page, "2-saved-hit")

    # 3. The editor fixes it; the hit is gone; the draft goes to review.
    page.fill("#id_body", OUTDATED.replace("国家工商总局", "国家市场监督管理总局"))
    page.click("#draft-form button[type=submit]")
    page.wait_for_selector("text=未发现风险问题")
    page.click("#submit-review")
    page.wait_for_selector("#review-status:has-text('审核中')")
    _shot(page, "3-submitted")
    page.context.close()

    # 4. Three levels approve, each ticking the seven review elements.
    for username in ("editor_a2", "reviewer_a", "deputy_a"):
        page = _page_as(browser, live_server, username)
        page.goto(f"{live_server.url}/review/inbox/")
        page.click("#waiting a:has-text('全县中小学食堂食品安全检查')")
        for box in page.query_selector_all("#decide input[name=elements]"):
            box.check()
        page.fill("#id_comment", "同意")
        page.click("#approve")
        page.wait_for_selector(".messages li:has-text('审核通过')")
        if username == "deputy_a":
            assert page.inner_text("#review-status") == "已通过待发布"
            _shot(page, "4-approved")
        page.context.close()

    # 5. The county supervisor sees the three decisions in the register.
    page = _page_as(browser, live_server, "sup_a")
    page.goto(f"{live_server.url}/review/register/")
    rows = page.inner_text("#register")
    for step in ("一审", "二审", "三审"):
        assert step in rows
    assert rows.count("全县中小学食堂食品安全检查") == 3
    _shot(page, "5-register")
