"""A consultation's journey in the real Chromium: pushed by a (fake) WeChat, assigned, answered with a
suggested answer, and counted on time in the report."""

import hashlib
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from govmedia.content.services import issue_push_token
from govmedia.interaction.models import Answer, Case, Status
from govmedia.textcheck import Checker
from tests.web.test_browser import CHROMIUM, SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="需要系统 Chromium（make install 会安装）"),
]


class FakeWeChat:
    """Plays the WeChat server: signs and POSTs a user's text message to the developer URL."""

    def __init__(self, callback_url: str, token: str):
        self.url, self.token = callback_url, token

    def push_text(self, openid: str, text: str, msg_id: int) -> httpx.Response:
        ts, nonce = str(int(time.time())), "n0nce"
        signature = hashlib.sha1("".join(sorted([self.token, ts, nonce])).encode()).hexdigest()
        xml = (
            f"<xml><ToUserName><![CDATA[gh_qingshan]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>"
        )
        return httpx.post(
            self.url,
            params={"signature": signature, "timestamp": ts, "nonce": nonce},
            content=xml.encode(),
            headers={"Content-Type": "text/xml"},
        )


def _login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("header.top .who")).to_contain_text(username)


def _shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"inbox_{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def test_a_pushed_consultation_is_assigned_answered_with_a_suggestion_and_counted_on_time(
    transactional_db, world, live_server, browser_page
):
    page, base = browser_page, live_server.url
    page.set_default_timeout(60_000)  # a loaded CI machine: the first reply compiles the risk checker
    Checker.default()  # warm it here, in the live server's process, so the reply does not wait for it
    answer = Answer.objects.create(
        owner=world.dept_a,
        question="小学新生入学报名需要准备哪些材料？",
        answer="您好！小学新生入学报名需携带户口簿、房产证明和预防接种证，具体时间以教育局公告为准。",
    )
    token = issue_push_token(world.account_a)
    wechat = FakeWeChat(f"{base}/interaction/wechat/{token}/", token)
    response = wechat.push_text("oParent001", "请问孩子明年上小学，报名要带什么材料？", 10001)
    assert response.status_code == 200 and "您的留言已收到" in response.text

    # the county supervisor sees it in the inbox and assigns it
    _login(page, base, "sup_a")
    page.click("text=留言办理")
    inbox = page.locator("#inbox")
    expect(inbox).to_contain_text("报名要带什么材料")
    expect(inbox).to_contain_text("咨询")
    _shot(page, "1_inbox")
    inbox.get_by_role("link", name="请问孩子明年上小学").click()
    page.select_option("#assignee-select", label="editor_a（青山县教育局）")
    page.click("#assign")
    expect(page.locator("#status")).to_have_text("办理中")
    expect(page.locator("#assignee")).to_have_text("editor_a")
    _shot(page, "2_assigned")
    page.click("header.top .who button")

    # the assigned editor answers with the suggested answer
    _login(page, base, "editor_a")
    page.goto(f"{base}/interaction/?mine=1")
    page.locator("#inbox").get_by_role("link", name="请问孩子明年上小学").click()
    expect(page.locator("#suggestions")).to_contain_text("小学新生入学报名需要准备哪些材料")
    page.click("#suggestions .use-answer")
    expect(page.locator("#id_text")).to_have_value(answer.answer)
    _shot(page, "3_suggested")
    page.click("#send-reply")
    expect(page.locator("#status")).to_have_text("已答复")
    expect(page.locator("#remaining")).to_have_text("按时答复")
    _shot(page, "4_replied")

    # and the report counts it on time
    page.click("text=答复统计")
    expect(page.locator("#by-unit")).to_contain_text("青山县教育局")
    expect(page.locator("#by-unit")).to_contain_text("100.0%")
    _shot(page, "5_report")
    case = Case.objects.get()
    assert case.status == Status.REPLIED and case.on_time and case.answer_used_id == answer.pk
