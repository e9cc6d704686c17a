"""A directive's journey in Chromium: issued by the county office, acknowledged by a unit, matched
against a collected repost, and shown done in the live completion table."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from govmedia.dispatch import services
from tests.web.test_browser import (
    CHROMIUM,
    SCREENSHOTS,
    browser_page,  # noqa: F401 - shared Playwright fixture
)

from .conftest import make_post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="需要系统 Chromium（make install 会安装）"),
]


def _login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("header.top .who")).to_contain_text(username)


def test_a_directive_is_issued_acknowledged_and_completed_by_a_matched_repost(
    transactional_db,
    world,
    live_server,
    browser_page,  # noqa: F811
):
    page, base = browser_page, live_server.url
    page.set_default_timeout(60_000)
    deadline = timezone.localtime() + timezone.timedelta(days=1)

    _login(page, base, "sup_a")
    page.click("text=指挥调度")
    page.click("text=下发调度指令")
    page.fill("#id_title", "关于做好冬季森林防火工作的通知")
    page.fill("#id_source_url", "https://www.gov.cn/zhengce/content_42.htm")
    page.fill("#id_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_units", [str(world.dept_a.pk), str(world.dept_a2.pk)])
    page.click("form.card button[type=submit]")
    expect(page.locator("#done-count")).to_have_text("0/2")
    page.click("header.top .who button")

    _login(page, base, "editor_a")
    page.goto(f"{base}/dispatch/tasks/")
    page.locator("#task-list").get_by_role("link", name="关于做好冬季森林防火工作的通知").click()
    page.click("button:has-text('签收')")
    expect(page.locator("#task-status")).to_have_text("已签收")
    make_post(world.account_a, "【转载】关于做好冬季森林防火工作的通知")  # collected from the platform
    services.run()
    page.reload()
    expect(page.locator("#task-status")).to_have_text("已完成")
    page.click("header.top .who button")

    _login(page, base, "sup_a")
    page.click("text=指挥调度")
    page.get_by_role("link", name="关于做好冬季森林防火工作的通知").click()
    expect(page.locator("#done-count")).to_have_text("1/2")
    expect(page.locator("#tasks")).to_contain_text("标题相似")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dispatch_completion.png"), full_page=True)
    assert (SCREENSHOTS / "dispatch_completion.png").stat().st_size > 10_000
