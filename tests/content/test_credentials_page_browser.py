"""An editor enters a WeChat account's credentials in the real Chromium and issues its push URL."""

from __future__ import annotations

import re

from conftest import PASSWORD
from govmedia.content import credentials as creds
from govmedia.content.models import Connection
from tests.web import test_browser as web

pytestmark = web.pytestmark
browser_page = web.browser_page  # the shared Playwright fixture

SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def test_an_editor_enters_credentials_sees_them_masked_and_issues_a_push_url(
    transactional_db, world, live_server, browser_page
):
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "editor_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/content/accounts/{world.account_a.pk}/posts/")
    page.click("text=采集凭证")
    page.fill("#id_appid", "wx2c2769f8efd9abc2")
    page.fill("#id_secret", SECRET)
    page.fill("#id_token", "qingshanEdu2026")
    page.fill("#id_encoding_aes_key", AES_KEY[:40])  # one short: refused, naming the field
    page.click("text=保存凭证")
    assert "EncodingAESKey（消息加解密密钥）应为 43 位字母或数字" in page.inner_text("main")
    page.fill("#id_secret", SECRET)  # password fields are not filled in again
    page.fill("#id_token", "qingshanEdu2026")
    page.fill("#id_encoding_aes_key", AES_KEY)
    page.click("text=保存凭证")
    page.wait_for_selector("text=已保存：AppID")
    body = page.inner_text("main")
    assert SECRET not in body and SECRET not in page.content()
    assert page.get_attribute("#id_secret", "placeholder") == "已保存 0f1e****e1f0，留空不修改"
    page.click("text=签发推送令牌")
    page.wait_for_selector("#issued")
    push_url = page.input_value("#issued input")
    assert re.search(r"/interaction/wechat/gm_[\w-]+/$", push_url)
    web.SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(web.SCREENSHOTS / "credentials.png"), full_page=True)
    values = creds.decrypt(Connection.objects.get(account=world.account_a).credentials_encrypted)
    assert values["encoding_aes_key"] == AES_KEY and values["secret"] == SECRET
    assert "Token 填写下方“Token（令牌）”中保存的值" in page.inner_text("#issued")
