"""The WeChat callback in safe mode (安全模式): AES-encrypted pushes and replies.

Vectors come from two places: a small independent implementation below (built from
WeChat's description, sharing only the AES block cipher with the code under test), and the
published samples — Tencent's WXBizMsgCrypt sample for official accounts and wechatpy's
``tests/test_crypto.py`` (WeCom uses the same scheme with the CorpID in place of the AppID).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import struct
import time
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml.ElementTree import fromstring
from django.urls import reverse

from govmedia.content import services
from govmedia.content.models import Message
from govmedia.interaction import push
from govmedia.interaction.models import Case

KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wx2c2769f8efd9abc2"
TOKEN = "spamtest"

# ---------------------------------------------------------------- an independent implementation


def _aes(key43: str):
    key = base64.b64decode(key43 + "=")
    return Cipher(algorithms.AES(key), modes.CBC(key[:16]))


def seal(xml: bytes, *, key: str = KEY, appid: str = APPID, random16: bytes = b"r" * 16, pad=None) -> str:
    body = random16 + struct.pack(">I", len(xml)) + xml + appid.encode()
    n = 32 - len(body) % 32
    body += pad(n) if pad else bytes([n]) * n
    encryptor = _aes(key).encryptor()
    return base64.b64encode(encryptor.update(body) + encryptor.finalize()).decode()


def unseal(encrypted: str, *, key: str = KEY) -> tuple[bytes, bytes]:
    decryptor = _aes(key).decryptor()
    body = decryptor.update(base64.b64decode(encrypted)) + decryptor.finalize()
    body = body[: -body[-1]]
    (length,) = struct.unpack(">I", body[16:20])
    return body[20 : 20 + length], body[20 + length :]


def sha1(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def query(encrypted: str, *, token: str = TOKEN, ts: str | None = None, nonce: str = "n0nce", **extra) -> str:
    ts = ts or str(int(time.time()))
    params = {
        "timestamp": ts,
        "nonce": nonce,
        "signature": sha1(token, ts, nonce),
        "openid": "oUser123",
        "encrypt_type": "aes",
        "msg_signature": sha1(token, ts, nonce, encrypted),
        **extra,
    }
    return urlencode(params)


TEXT = (
    "<xml><ToUserName><![CDATA[gh_qs]]></ToUserName><FromUserName><![CDATA[oUser123]]></FromUserName>"
    "<CreateTime>1795489200</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[请问小学入学报名需要什么材料？]]></Content><MsgId>9999</MsgId></xml>"
).encode()


def envelope(encrypted: str) -> str:
    return f"<xml><ToUserName><![CDATA[gh_qs]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"


@pytest.fixture
def safe_account(world):
    """青山教育 in safe mode: its Token, EncodingAESKey and AppID stored, a push URL issued."""
    services.do_update_credentials(
        world.account_a,
        {"appid": APPID, "token": TOKEN, "encoding_aes_key": KEY},
        acting_user=world.editor_a,
    )
    url_token = services.issue_push_token(world.account_a)
    return reverse("interaction:wechat_push", args=[url_token])


def _post(client, url, encrypted, body=None, **signed):
    return client.post(
        f"{url}?{query(encrypted, **signed)}", body or envelope(encrypted), content_type="text/xml"
    )


# ---------------------------------------------------------------- published vectors


def test_tencents_published_sample_decrypts_to_the_documented_message():
    """WXBizMsgCrypt sample (公众号): token spamtest, msg_signature 5d197a…, AppID wx2c27…."""
    encrypted = (
        "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHF"
        "VAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVti"
        "cbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpA"
        "e+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCu"
        "mEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
    )
    params = {
        "timestamp": "1409735669",
        "nonce": "1320562132",
        "msg_signature": "5d197aaffba7e9b25a30732f161a50dee96bd5fa",
    }
    sent = dt.datetime.fromtimestamp(1409735669, tz=dt.UTC)
    push.verify_msg(TOKEN, params, encrypted, now=sent)
    xml = push.SafeMode(TOKEN, push.aes_key(KEY), APPID).decrypt(encrypted)
    root = fromstring(xml)
    assert root.findtext("Content") == "abcdteT" and root.findtext("MsgId") == "6054768590064713728"


WECHATPY = {
    "token": "123456",
    "key": "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
    "appid": "wx49f0ab532d5d035a",
}


def test_the_encrypted_reply_matches_wechatpys_published_vector():
    """wechatpy test_encrypt_message: with the random prefix fixed, the same bytes and signature."""
    safe = push.SafeMode(WECHATPY["token"], push.aes_key(WECHATPY["key"]), WECHATPY["appid"])
    reply = (
        "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n"
        "<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n"
        "<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>"
    )
    sealed = fromstring(
        safe.reply(reply, timestamp="1411525903", nonce="461056294", random16=b"1234567890123456")
    )
    assert sealed.findtext("Encrypt") == (
        "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8Gqxl"
        "hZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCU"
        "ld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1"
        "nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
    )
    assert sealed.findtext("MsgSignature") == "407518b7649e86ef23978113f92d27afa9296533"
    assert sealed.findtext("TimeStamp") == "1411525903" and sealed.findtext("Nonce") == "461056294"


def test_an_encrypted_echostr_is_answered_decrypted_as_in_wechatpys_vector(world):
    services.do_update_credentials(
        world.account_a,
        {"appid": WECHATPY["appid"], "token": WECHATPY["token"], "encoding_aes_key": WECHATPY["key"]},
        acting_user=world.editor_a,
    )
    url_token = services.issue_push_token(world.account_a)
    params = {
        "msg_signature": "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96",
        "timestamp": "1411443780",
        "nonce": "437374425",
        "echostr": "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==",
    }
    assert (
        push.echo(url_token, params, now=dt.datetime.fromtimestamp(1411443780, tz=dt.UTC))
        == "5927782489442352469"
    )
    with pytest.raises(push.PushRefused, match="msg_signature"):
        push.echo(
            url_token, {**params, "nonce": "437374424"}, now=dt.datetime.fromtimestamp(1411443780, tz=dt.UTC)
        )


def test_the_independent_sealer_agrees_with_the_published_sample():
    """The test helper itself is checked, so the vectors built with it mean something."""
    xml, appid = unseal(seal(TEXT))
    assert (xml, appid) == (TEXT, APPID.encode())
    safe = push.SafeMode(TOKEN, push.aes_key(KEY), APPID)
    assert safe.decrypt(seal(TEXT)) == TEXT and unseal(safe.encrypt("<xml/>")) == (b"<xml/>", APPID.encode())


# ---------------------------------------------------------------- the callback in safe mode


def test_a_safe_mode_push_is_stored_and_answered_encrypted(world, client, safe_account):
    encrypted = seal(TEXT)
    response = _post(client, safe_account, encrypted)
    assert response.status_code == 200, response.content.decode()
    reply = fromstring(response.content)
    ts, nonce = reply.findtext("TimeStamp"), reply.findtext("Nonce")
    assert reply.findtext("MsgSignature") == sha1(TOKEN, ts, nonce, reply.findtext("Encrypt"))
    assert abs(int(ts) - time.time()) < 60 and nonce == "n0nce"
    inner, appid = unseal(reply.findtext("Encrypt"))
    assert appid == APPID.encode()
    answer = fromstring(inner)
    assert answer.findtext("ToUserName") == "oUser123" and "您的留言已收到" in answer.findtext("Content")
    message = Message.objects.get(account=world.account_a)
    assert message.text == "请问小学入学报名需要什么材料？" and Case.objects.filter(message=message).exists()
    assert b"<Content>" not in response.content  # nothing readable outside the envelope
    _post(client, safe_account, encrypted)  # WeChat retries: still one
    assert Message.objects.count() == 1


def test_a_safe_mode_event_is_acknowledged_with_success(world, client, safe_account):
    event = b"<xml><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>"
    response = _post(client, safe_account, seal(event))
    assert response.status_code == 200 and response.content == b"success"
    assert not Message.objects.exists()


def test_the_plain_address_check_uses_the_stored_token(world, client, safe_account):
    ts = str(int(time.time()))
    params = {"timestamp": ts, "nonce": "x1", "signature": sha1(TOKEN, ts, "x1"), "echostr": "ok-123"}
    assert client.get(safe_account, params).content == b"ok-123"
    params["signature"] = sha1(safe_account.rstrip("/").rsplit("/", 1)[1], ts, "x1")  # the URL token
    assert client.get(safe_account, params).status_code == 403


def _bad_padding(n: int) -> bytes:
    return bytes([n]) * (n - 1) + bytes([n + 1 if n < 32 else 0])


@pytest.mark.parametrize(
    "case, reason",
    [
        ("wrong msg_signature", "msg_signature"),
        ("bad padding", "填充不正确"),
        ("wrong appid", "AppID 不匹配"),
        ("cut by a block", "截断"),
        ("cut mid-block", "截断"),
        ("not base64", "Base64"),
        ("wrong key", "填充不正确"),
        ("old timestamp", "重放"),
        ("no Encrypt", "缺少 Encrypt"),
    ],
)
def test_a_tampered_safe_mode_push_is_refused_in_chinese_and_nothing_is_stored(
    world, client, safe_account, case, reason
):
    encrypted, extra = seal(TEXT), {}
    body = None
    if case == "wrong msg_signature":
        extra["msg_signature"] = "0" * 40
    elif case == "bad padding":
        encrypted = seal(TEXT, pad=_bad_padding)
    elif case == "wrong appid":
        encrypted = seal(TEXT, appid="wx0000000000000000")
    elif case == "cut by a block":
        encrypted = base64.b64encode(base64.b64decode(encrypted)[:-16]).decode()
    elif case == "cut mid-block":
        encrypted = base64.b64encode(base64.b64decode(encrypted)[:-5]).decode()
    elif case == "not base64":
        encrypted = "这不是密文!!"
    elif case == "wrong key":
        # a key whose decryption happens to end in valid padding would pass this check and fail
        # the length or AppID check instead; this one is fixed, so the outcome is too
        encrypted = seal(TEXT, key="ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut")
    elif case == "old timestamp":
        extra["ts"] = "1764200000"
    elif case == "no Encrypt":
        body = "<xml><ToUserName>gh_qs</ToUserName></xml>"
    query_extra = {k: v for k, v in extra.items() if k != "ts"}
    response = client.post(
        f"{safe_account}?{query(encrypted, ts=extra.get('ts'), **query_extra)}",
        body or envelope(encrypted),
        content_type="text/xml",
    )
    assert response.status_code == 403
    assert reason in response.content.decode()
    assert not Message.objects.exists() and not Case.objects.exists()


def test_a_plaintext_push_to_a_safe_mode_account_is_refused(world, client, safe_account):
    ts = str(int(time.time()))
    params = urlencode({"timestamp": ts, "nonce": "n", "signature": sha1(TOKEN, ts, "n")})
    response = client.post(f"{safe_account}?{params}", TEXT, content_type="text/xml")
    assert response.status_code == 403 and "安全模式" in response.content.decode()
    assert not Message.objects.exists()


def test_an_encrypted_push_to_an_account_without_a_key_is_refused(world, client):
    url_token = services.issue_push_token(world.account_a)
    url = reverse("interaction:wechat_push", args=[url_token])
    response = _post(client, url, seal(TEXT), token=url_token)
    assert response.status_code == 403 and "EncodingAESKey" in response.content.decode()
    assert not Message.objects.exists()


def test_an_entity_inside_the_ciphertext_is_refused_too(world, client, safe_account):
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><xml><Content>&e;</Content></xml>'
    response = _post(client, safe_account, seal(bomb))
    assert response.status_code == 403 and "实体" in response.content.decode()


def test_a_push_in_safe_mode_decrypts_quickly():
    """WeChat waits 5 s for the reply: the crypto of a maximal message is far below that."""
    safe = push.SafeMode(TOKEN, push.aes_key(KEY), APPID)
    big = seal(b"<xml>" + b"x" * 40_000 + b"</xml>")
    started = time.perf_counter()
    for _ in range(20):
        safe.decrypt(big)
    assert (time.perf_counter() - started) / 20 < 0.05


def test_a_refused_push_is_logged_without_the_push_token(world, client, safe_account, caplog):
    caplog.set_level(logging.DEBUG)
    url_token = safe_account.rstrip("/").rsplit("/", 1)[1]
    response = _post(client, safe_account, seal(TEXT), msg_signature="0" * 40)
    assert response.status_code == 403
    assert "微信推送被拒绝" in caplog.text and url_token[:4] + "****" in caplog.text
    for secret in (url_token, KEY, TOKEN):
        assert secret not in caplog.text
