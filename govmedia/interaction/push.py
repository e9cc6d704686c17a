"""The WeChat developer callback: private messages pushed as XML (connectors.md §1.6).

WeChat signs each request with sha1(sorted(token, timestamp, nonce)); the token is the
account's push token issued in content (only its digest is stored), and it is also the last
part of the callback URL, so an unknown URL and a bad signature are both refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils import timezone

from govmedia.content.connectors.base import MessageData
from govmedia.content.models import Message, Source
from govmedia.content.services import account_for_push_token, ingest_message_batch
from govmedia.interaction.services import open_cases
from govmedia.registry.models import MediaAccount

MAX_BYTES = 64 * 1024
MAX_CLOCK_SKEW = dt.timedelta(minutes=5)  # an older signed request is a replay


class PushRefused(Exception):
    pass


@dataclass
class Received:
    account: MediaAccount
    message: Message | None
    from_user: str = ""
    to_user: str = ""


def signature(token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


def verify(token: str, params, now: dt.datetime | None = None) -> None:
    expected = signature(token, params.get("timestamp", ""), params.get("nonce", ""))
    if not hmac.compare_digest(expected, params.get("signature", "")):
        raise PushRefused("签名校验失败")
    try:
        sent = dt.datetime.fromtimestamp(int(params.get("timestamp", "")), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise PushRefused("时间戳无效") from None
    if abs((now or timezone.now()) - sent) > MAX_CLOCK_SKEW:
        raise PushRefused("请求时间戳已过期，疑似重放，已拒绝")


def receive(token: str, params, body: bytes) -> Received:
    """Store one pushed message and open its case; returns the account, or raises PushRefused."""
    account = account_for_push_token(token)
    if account is None:
        raise PushRefused("推送地址无效")
    verify(token, params)
    if len(body) > MAX_BYTES:
        raise PushRefused("推送内容过大")
    try:
        root = fromstring(body)  # defusedxml: no entity expansion, no external entities, no DTDs
    except DefusedXmlException:
        raise PushRefused("推送内容含有实体或文档类型声明，已拒绝") from None
    except ParseError:
        raise PushRefused("推送内容不是有效的 XML") from None
    from_user, to_user = root.findtext("FromUserName") or "", root.findtext("ToUserName") or ""
    if (root.findtext("MsgType") or "") != "text":
        return Received(account, None)  # events, images: acknowledged, not stored
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
    return Received(account, message, from_user=from_user, to_user=to_user)


def passive_reply(to_user: str, from_user: str, text: str, now: dt.datetime | None = None) -> str:
    """The passive auto-reply WeChat shows at once (智能客服 acknowledgement)."""
    now = now or timezone.now()

    def cdata(value: str) -> str:
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"

    return (
        f"<xml><ToUserName>{cdata(to_user)}</ToUserName><FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(now.timestamp())}</CreateTime><MsgType>{cdata('text')}</MsgType>"
        f"<Content>{cdata(text)}</Content></xml>"
    )
