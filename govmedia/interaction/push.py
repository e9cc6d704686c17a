"""The WeChat developer callback: private messages pushed as XML (connectors.md §1.6).

The callback URL ends with the account's push token (issued in content; only its digest is
stored), so an unknown URL is refused. WeChat signs each request with
sha1(sorted(token, timestamp, nonce)); the token is the "Token" of the MP console, stored
with the account's credentials, or the push token itself when none is stored.

Safe mode (安全模式): the account's EncodingAESKey (43 characters, base64 of a 32-byte key
without its "=") and AppID come from its encrypted credentials. WeChat then sends
``encrypt_type=aes`` and ``msg_signature = sha1(sorted(token, timestamp, nonce, Encrypt))``,
and the body's ``<Encrypt>`` is AES-256-CBC (IV = key[:16], PKCS#7 padding to 32 bytes) over
16 random bytes + the message length (4 bytes, big-endian) + the message XML + the AppID.
The reply goes back the same way. An account with an EncodingAESKey accepts only safe mode.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import logging
import os
import re
import struct
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils import timezone

from govmedia.content.connectors.base import MessageData
from govmedia.content.credentials import CredentialsError, mask
from govmedia.content.models import Message, Source
from govmedia.content.services import ingest_message_batch, push_target
from govmedia.interaction.services import open_cases
from govmedia.registry.models import MediaAccount

MAX_BYTES = 64 * 1024
MAX_CLOCK_SKEW = dt.timedelta(minutes=5)  # an older signed request is a replay
AES_KEY_PATTERN = re.compile(r"^[A-Za-z0-9+/]{43}$")
PAD_BLOCK_BITS = 256  # WeChat pads to 32 bytes, not to the AES block of 16
logger = logging.getLogger(__name__)


class PushRefused(Exception):
    pass


def log_refused(url_token: str, reason: str) -> None:
    """One log line with the push token masked (the request path holds it in full)."""
    logger.warning("微信推送被拒绝（推送地址令牌 %s）：%s", mask(url_token), reason)


def signature(token: str, timestamp: str, nonce: str, *more: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, *more])).encode()).hexdigest()


def _check_time(params, now: dt.datetime | None) -> None:
    try:
        sent = dt.datetime.fromtimestamp(int(params.get("timestamp", "")), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise PushRefused("时间戳无效") from None
    if abs((now or timezone.now()) - sent) > MAX_CLOCK_SKEW:
        raise PushRefused("请求时间戳已过期，疑似重放，已拒绝")


def verify(token: str, params, now: dt.datetime | None = None) -> None:
    expected = signature(token, params.get("timestamp", ""), params.get("nonce", ""))
    if not hmac.compare_digest(expected, params.get("signature", "")):
        raise PushRefused("签名校验失败")
    _check_time(params, now)


def verify_msg(token: str, params, encrypted: str, now: dt.datetime | None = None) -> None:
    """Safe mode: the signature also covers the ciphertext."""
    expected = signature(token, params.get("timestamp", ""), params.get("nonce", ""), encrypted)
    if not hmac.compare_digest(expected, params.get("msg_signature", "")):
        raise PushRefused("消息签名（msg_signature）校验失败")
    _check_time(params, now)


# ---------------------------------------------------------------- safe mode


def aes_key(encoding_aes_key: str) -> bytes:
    if not AES_KEY_PATTERN.match(encoding_aes_key or ""):
        raise PushRefused("EncodingAESKey 应为 43 位字母或数字")
    return base64.b64decode(encoding_aes_key + "=")


@dataclass(frozen=True)
class SafeMode:
    token: str
    key: bytes
    appid: str

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def decrypt(self, encrypted: str) -> bytes:
        """The message XML inside ``<Encrypt>``; PushRefused names what is wrong with it."""
        try:
            data = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise PushRefused("加密内容不是有效的 Base64 编码") from None
        if not data or len(data) % 16:
            raise PushRefused("加密内容长度不正确，可能被截断")
        decryptor = self._cipher().decryptor()
        padded = decryptor.update(data) + decryptor.finalize()
        unpadder = padding.PKCS7(PAD_BLOCK_BITS).unpadder()
        try:
            plain = unpadder.update(padded) + unpadder.finalize()
        except ValueError:
            raise PushRefused("解密失败：填充不正确（EncodingAESKey 不匹配或内容被截断）") from None
        if len(plain) < 20:
            raise PushRefused("解密后的内容过短")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise PushRefused("解密后的消息长度字段不正确")
        xml, appid = plain[20 : 20 + length], plain[20 + length :]
        if not hmac.compare_digest(appid, self.appid.encode()):
            raise PushRefused("AppID 不匹配：这条消息不是发给本账号的")
        return xml

    def encrypt(self, xml: str, *, random16: bytes | None = None) -> str:
        message = xml.encode()
        plain = (random16 or os.urandom(16)) + struct.pack(">I", len(message)) + message
        plain += self.appid.encode()
        padder = padding.PKCS7(PAD_BLOCK_BITS).padder()
        encryptor = self._cipher().encryptor()
        padded = padder.update(plain) + padder.finalize()
        return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()

    def reply(self, xml: str, *, timestamp: str, nonce: str, random16: bytes | None = None) -> str:
        encrypted = self.encrypt(xml, random16=random16)
        return (
            f"<xml><Encrypt>{_cdata(encrypted)}</Encrypt>"
            f"<MsgSignature>{_cdata(signature(self.token, timestamp, nonce, encrypted))}</MsgSignature>"
            f"<TimeStamp>{timestamp}</TimeStamp><Nonce>{_cdata(nonce)}</Nonce></xml>"
        )


# ---------------------------------------------------------------- the callback


@dataclass
class Target:
    account: MediaAccount
    token: str  # the signing token
    safe: SafeMode | None


@dataclass
class Received:
    account: MediaAccount
    message: Message | None
    from_user: str = ""
    to_user: str = ""
    safe: SafeMode | None = None


def target(url_token: str) -> Target:
    try:
        found = push_target(url_token)
    except CredentialsError as exc:
        raise PushRefused(str(exc)) from None
    if found is None:
        raise PushRefused("推送地址无效")
    account, values = found
    token = str(values.get("token") or url_token)
    safe = None
    if values.get("encoding_aes_key"):
        if not values.get("appid"):
            raise PushRefused("已填写 EncodingAESKey 但缺少 AppID，无法解密，请补全凭证")
        safe = SafeMode(token, aes_key(str(values["encoding_aes_key"])), str(values["appid"]))
    return Target(account, token, safe)


def echo(url_token: str, params, now: dt.datetime | None = None) -> str:
    """The answer to the server-address check (GET) when the URL is configured.

    Official accounts send a plain ``echostr`` even in safe mode; an ``echostr`` signed with
    ``msg_signature`` is encrypted (as WeCom sends it) and is answered decrypted.
    """
    found = target(url_token)
    echostr = params.get("echostr", "")
    if params.get("msg_signature"):
        if found.safe is None:
            raise PushRefused("收到加密的验证请求，但该账号未填写 EncodingAESKey")
        verify_msg(found.token, params, echostr, now)
        return found.safe.decrypt(echostr).decode("utf-8", errors="replace")
    verify(found.token, params, now)
    return echostr


def _parse(body: bytes):
    try:
        return fromstring(body)  # defusedxml: no entity expansion, no external entities, no DTDs
    except DefusedXmlException:
        raise PushRefused("推送内容含有实体或文档类型声明，已拒绝") from None
    except ParseError:
        raise PushRefused("推送内容不是有效的 XML") from None


def _open(url_token: str, params, body: bytes, now: dt.datetime | None = None):
    """The message XML of a signed request (decrypted in safe mode), or PushRefused."""
    found = target(url_token)
    if len(body) > MAX_BYTES:
        raise PushRefused("推送内容过大")
    if params.get("encrypt_type", "raw") == "raw":
        if found.safe is not None:
            raise PushRefused("该账号已启用安全模式，拒绝未加密的推送")
        verify(found.token, params, now)
        return found, _parse(body)
    if params.get("encrypt_type") != "aes":
        raise PushRefused("不支持的加密方式")
    if found.safe is None:
        raise PushRefused("收到安全模式（加密）推送，但该账号未填写 EncodingAESKey 和 AppID")
    encrypted = (_parse(body).findtext("Encrypt") or "").strip()
    if not encrypted:
        raise PushRefused("安全模式推送缺少 Encrypt 字段")
    verify_msg(found.token, params, encrypted, now)
    return found, _parse(found.safe.decrypt(encrypted))


def receive(url_token: str, params, body: bytes, now: dt.datetime | None = None) -> Received:
    """Store one pushed message and open its case; returns the account, or raises PushRefused."""
    found, root = _open(url_token, params, body, now)
    account = found.account
    from_user, to_user = root.findtext("FromUserName") or "", root.findtext("ToUserName") or ""
    if (root.findtext("MsgType") or "") != "text":
        return Received(account, None, safe=found.safe)  # events, images: acknowledged, not stored
    msg_id = root.findtext("MsgId") or ""
    content = (root.findtext("Content") or "").strip()
    if not msg_id or not content:
        raise PushRefused("推送内容缺少 MsgId 或 Content")
    try:
        created = dt.datetime.fromtimestamp(int(root.findtext("CreateTime") or ""), tz=dt.UTC)
    except ValueError:
        created = timezone.now()
    data = MessageData(
        platform_message_id=f"wx:{msg_id}",
        received_at=created,
        text=content[:5000],
        kind="private",
        author=from_user,
    )
    ingest_message_batch([(account.pk, data)], source=Source.PUSH)
    message = Message.objects.get(account=account, platform_message_id=data.platform_message_id)
    open_cases(Message.objects.filter(pk=message.pk))
    return Received(account, message, from_user=from_user, to_user=to_user, safe=found.safe)


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def passive_reply(to_user: str, from_user: str, text: str, now: dt.datetime | None = None) -> str:
    """The passive auto-reply WeChat shows at once (智能客服 acknowledgement)."""
    now = now or timezone.now()
    return (
        f"<xml><ToUserName>{_cdata(to_user)}</ToUserName><FromUserName>{_cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(now.timestamp())}</CreateTime><MsgType>{_cdata('text')}</MsgType>"
        f"<Content>{_cdata(text)}</Content></xml>"
    )


def sealed(received: Received, xml: str, params, now: dt.datetime | None = None) -> str:
    """The reply as WeChat expects it: as is in plain mode, encrypted in safe mode."""
    if received.safe is None:
        return xml
    timestamp = str(int((now or timezone.now()).timestamp()))
    return received.safe.reply(xml, timestamp=timestamp, nonce=params.get("nonce", "") or os.urandom(4).hex())
