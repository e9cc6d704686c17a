"""The credentials page: who may use it, what it shows (masked only), what it stores and audits."""

from __future__ import annotations

import logging
import re

import pytest
from django.urls import reverse

from conftest import make_user
from govmedia.content import credentials as creds
from govmedia.content import services
from govmedia.content.models import Connection
from govmedia.core.models import AuditLog, Role
from tests.content.wechat_fake import WeChatFake

APPID = "wx2c2769f8efd9abc2"
SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
TOKEN = "qingshanEdu2026"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def url(account) -> str:
    return reverse("content:credentials", args=[account.pk])


def stored(account) -> dict:
    return creds.decrypt(Connection.objects.get(account=account).credentials_encrypted)


def save(client, account, **fields):
    return client.post(url(account), {"action": "save", **fields}, follow=True)


def test_the_owner_units_editor_enters_wechat_credentials_and_sees_them_only_masked(world, login):
    client = login(world.editor_a)
    page = _text(
        save(client, world.account_a, appid=APPID, secret=SECRET, token=TOKEN, encoding_aes_key=AES_KEY)
    )
    assert "已保存：AppID（开发者ID）、AppSecret（开发者密码）、Token（令牌）" in page
    assert stored(world.account_a) == {
        "appid": APPID,
        "secret": SECRET,
        "token": TOKEN,
        "encoding_aes_key": AES_KEY,
    }
    for secret in (APPID, SECRET, TOKEN, AES_KEY):
        assert secret not in page
    assert "已保存 0f1e****e1f0，留空不修改" in page and "已保存 abcd****DEFG，留空不修改" in page
    assert Connection.objects.get(account=world.account_a).method == Connection.Method.API


def test_a_blank_field_keeps_the_stored_value_and_a_new_secret_drops_the_cached_token(world, login):
    services.do_update_credentials(world.account_a, {"appid": APPID, "secret": SECRET}, acting_user=None)
    connection = Connection.objects.get(account=world.account_a)
    connection.credentials_encrypted = creds.encrypt(
        {**stored(world.account_a), "access_token": "CACHED", "token_expires_at": 9e9}
    )
    connection.save()
    client = login(world.editor_a)
    save(client, world.account_a, appid="", secret="", token=TOKEN)
    assert stored(world.account_a)["access_token"] == "CACHED"  # appid/secret unchanged: token still good
    save(client, world.account_a, secret="ffffffffffffffffffffffffffffffff")
    values = stored(world.account_a)
    assert values["appid"] == APPID and values["token"] == TOKEN
    assert values["secret"] == "f" * 32 and "access_token" not in values


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("encoding_aes_key", "too-short", "EncodingAESKey（消息加解密密钥）应为 43 位字母或数字"),
        ("encoding_aes_key", AES_KEY[:-1] + "!", "EncodingAESKey（消息加解密密钥）应为 43 位字母或数字"),
        ("token", "a b", "Token（令牌）应为 3 到 32 位字母或数字"),
        ("appid", "gh_123", "AppID（开发者ID）应为 wx 开头的 18 位字母或数字"),
        ("feed_url", "ftp://example.gov.cn/feed.xml", "订阅源地址必须是以 http:// 或 https:// 开头的网址"),
        ("feed_url", "javascript:alert(1)", "订阅源地址必须是以 http:// 或 https:// 开头的网址"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message_naming_the_field(world, login, field, value, message):
    fields = {field: value} if field != "encoding_aes_key" else {field: value, "appid": APPID}
    response = save(login(world.editor_a), world.account_a, **fields)
    assert message in _text(response)
    assert not Connection.objects.filter(account=world.account_a).exclude(credentials_encrypted="").exists()
    assert not AuditLog.objects.filter(action="content.credentials_set").exists()


def test_safe_mode_without_an_appid_is_refused_naming_the_appid(world, login):
    page = _text(save(login(world.editor_a), world.account_a, encoding_aes_key=AES_KEY))
    assert "启用安全模式需要同时填写 AppID（开发者ID）" in page


def test_a_feed_url_is_kept_in_full_and_a_platform_without_api_is_collected_by_feed(world, login):
    from conftest import make_account

    toutiao = make_account(world.dept_a, "toutiao", "青山教育头条号", "a-edu-tt")
    client = login(world.editor_a)
    page = _text(save(client, toutiao, feed_url="https://rsshub.example.gov.cn/toutiao/user/1"))
    assert "已保存：订阅源地址" in page and 'value="https://rsshub.example.gov.cn/toutiao/user/1"' in page
    assert "没有开放的内容接口" in page
    connection = Connection.objects.get(account=toutiao)
    assert connection.method == Connection.Method.FEED and connection.feed_url.endswith("/user/1")


def test_douyin_asks_for_the_keys_its_connector_reads(world, login):
    page = _text(login(world.supervisor_a).get(url(world.account_a2)))
    for label in ("Client Key（应用标识）", "refresh_token（刷新令牌）", "open_id（授权用户ID）"):
        assert label in page
    assert "AppSecret" not in page


def test_the_region_supervisor_may_use_it_and_read_only_roles_may_not(world, login):
    assert login(world.supervisor_a).get(url(world.account_a)).status_code == 200
    assert login(world.city_supervisor).get(url(world.account_a)).status_code == 200
    assert login(world.admin).get(url(world.account_a)).status_code == 200
    assert login(world.reviewer_a).get(url(world.account_a)).status_code == 403  # own unit, read-only
    assert login(world.observer).get(url(world.account_a)).status_code == 403
    assert login(world.supervisor_b).get(url(world.account_a)).status_code == 404
    assert login(world.editor_a).get(url(world.account_a2)).status_code == 404  # another unit


def test_read_only_roles_cannot_change_credentials_or_issue_tokens(world, login):
    client = login(world.reviewer_a)
    for action in ("save", "token", "test"):
        assert client.post(url(world.account_a), {"action": action, "secret": SECRET}).status_code == 403
    assert not Connection.objects.filter(account=world.account_a).exists()
    assert not AuditLog.objects.exists()


def test_a_push_token_is_shown_once_with_the_callback_url_and_works(world, login, client):
    editor = login(world.editor_a)
    save(editor, world.account_a, appid=APPID, secret=SECRET)
    page = _text(editor.post(url(world.account_a), {"action": "token"}))
    found = re.search(r'/interaction/wechat/(gm_[\w-]+)/"', page)
    assert found and "只显示这一次" in page and "http://testserver/interaction/wechat/gm_" in page
    token = found.group(1)
    assert services.account_for_push_token(token) == world.account_a
    again = _text(editor.get(url(world.account_a)))
    assert token not in again and "已签发（只保存指纹，无法再次查看）" in again
    assert Connection.objects.get(account=world.account_a).method == Connection.Method.API  # still collected
    rotated = re.search(
        r"(gm_[\w-]+)/\"", _text(editor.post(url(world.account_a), {"action": "token"}))
    ).group(1)
    assert rotated != token and services.account_for_push_token(token) is None


def test_a_self_built_app_gets_its_token_with_the_ingest_address(world, login):
    from conftest import make_account

    app = make_account(world.dept_a, "app", "青山教育客户端", "a-edu-app")
    page = _text(login(world.editor_a).post(url(app), {"action": "token"}))
    assert "Authorization: Bearer" in page and "/content/api/ingest/posts" in page
    token = re.search(r'value="(gm_[\w-]+)"', page).group(1)
    assert services.account_for_push_token(token) == app


def test_secrets_never_reach_the_audit_log_or_the_logs(world, login, caplog):
    caplog.set_level(logging.DEBUG)
    client = login(world.editor_a)
    save(client, world.account_a, appid=APPID, secret=SECRET, token=TOKEN, encoding_aes_key=AES_KEY)
    page = client.post(url(world.account_a), {"action": "token"}).content.decode()
    token = re.search(r"(gm_[\w-]+)/\"", page).group(1)
    save(client, world.account_a, appid="bad appid with spaces", secret=SECRET + "x")  # refused: not logged
    rows = list(AuditLog.objects.values_list("action", "comment", "before", "after", "object_repr"))
    assert {r[0] for r in rows} == {"content.credentials_set", "content.push_token_issued"}
    assert "appid、secret、token、encoding_aes_key" in {r[1] for r in rows}
    dumped = repr(rows) + caplog.text
    for secret in (SECRET, TOKEN, AES_KEY, token, SECRET + "x"):
        assert secret not in dumped


def test_the_connection_test_fetches_a_token_with_the_stored_credentials(world, login, fake):
    WeChatFake(fake)
    services.do_update_credentials(
        world.account_a, {"appid": "wx-app", "secret": "wx-secret"}, acting_user=None
    )
    Connection.objects.filter(account=world.account_a).update(api_base=fake.url)
    client = login(world.editor_a)
    ok = _text(client.post(url(world.account_a), {"action": "test"}, follow=True))
    assert "连接测试成功：已成功获取访问令牌，凭证有效" in ok
    services.do_update_credentials(world.account_a, {"secret": "wrong"}, acting_user=None)
    bad = _text(client.post(url(world.account_a), {"action": "test"}, follow=True))
    assert "连接测试失败：AppSecret 无效，请在公众平台重置后重新填写" in bad
    assert Connection.objects.get(account=world.account_a).health == "never"  # a test is not a collection


def test_the_connection_test_names_missing_credentials(world, login):
    page = _text(login(world.editor_a).post(url(world.account_a), {"action": "test"}, follow=True))
    assert "连接测试失败：微信公众号凭证未配置（缺少 appid、secret）" in page


def test_the_posts_page_and_the_broken_list_link_to_it_for_writers_only(world, login):
    from govmedia.content.connectors.base import ConnectorError

    services.record_failure(
        services.connection_of(world.account_a).pk, ConnectorError("AppSecret 无效", "token")
    )
    link = f'href="{url(world.account_a)}"'
    assert (
        link
        in login(world.editor_a)
        .get(reverse("content:account_posts", args=[world.account_a.pk]))
        .content.decode()
    )
    assert link in login(world.supervisor_a).get(reverse("content:connections")).content.decode()
    reviewer = login(world.reviewer_a)
    assert (
        link not in reviewer.get(reverse("content:account_posts", args=[world.account_a.pk])).content.decode()
    )
    observer = make_user("observer_a", Role.OBSERVER, world.office_a)
    assert link not in login(observer).get(reverse("content:connections")).content.decode()
