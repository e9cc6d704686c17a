"""Notifications through pluggable channels (as healthchecks' ``transports.py``).

In-app notices are always written. Further channels are named in the setting
``RESULTS_NOTIFY_CHANNELS`` (``"email"``, ``"webhook"``); webhook targets (SMS gateway,
WeCom or DingTalk robots) in ``RESULTS_WEBHOOK_URLS``. A failing channel never blocks the
work that caused the notice: its error is recorded on the notice.
"""

from __future__ import annotations

import json
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

from govmedia.registry.models import Contact, Unit
from govmedia.results.models import Notice


class ChannelError(Exception):
    pass


class Channel:
    name = ""

    def send(self, notice: Notice) -> str:
        """Deliver the notice; return a short description of where it went."""
        raise NotImplementedError


class EmailChannel(Channel):
    name = "email"

    def send(self, notice: Notice) -> str:
        recipients = sorted(
            {e for e in notice.unit.users.filter(is_active=True).values_list("email", flat=True) if e}
        )
        if not recipients:
            raise ChannelError("该单位用户没有登记电子邮箱")
        send_mail(f"【政务新媒体】{notice.title}", f"{notice.body}\n\n{notice.link}", None, recipients)
        return "、".join(recipients)


class WebhookChannel(Channel):
    """POSTs JSON (WeCom/DingTalk robot "text" message shape) to every configured URL."""

    name = "webhook"

    def send(self, notice: Notice) -> str:
        urls = getattr(settings, "RESULTS_WEBHOOK_URLS", [])
        if not urls:
            raise ChannelError("未配置推送地址")
        mobiles = sorted(
            set(
                Contact.objects.filter(account__owner=notice.unit)
                .exclude(mobile="")
                .values_list("mobile", flat=True)
            )
        )
        payload = {
            "msgtype": "text",
            "text": {"content": f"{notice.title}\n{notice.body}", "mentioned_mobile_list": mobiles},
            "unit": notice.unit.name,
            "link": notice.link,
        }
        for url in urls:
            request = urllib.request.Request(
                url,
                data=json.dumps(payload, ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json; charset=utf-8"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status >= 300:
                        raise ChannelError(f"推送失败：HTTP {response.status}")
            except OSError as exc:
                raise ChannelError(f"推送失败：{exc}") from exc
        return f"{len(urls)} 个推送地址"


CHANNELS: dict[str, type[Channel]] = {c.name: c for c in (EmailChannel, WebhookChannel)}


def notify(unit: Unit, title: str, body: str = "", link: str = "") -> Notice:
    """Write the in-app notice, then try each configured channel and record the outcome."""
    notice = Notice.objects.create(unit=unit, title=title, body=body, link=link)
    deliveries = []
    for name in getattr(settings, "RESULTS_NOTIFY_CHANNELS", []):
        channel = CHANNELS[name]()
        try:
            deliveries.append({"channel": name, "ok": True, "to": channel.send(notice)})
        except ChannelError as exc:
            deliveries.append({"channel": name, "ok": False, "error": str(exc)})
    if deliveries:
        notice.deliveries = deliveries
        notice.save(update_fields=["deliveries"])
    return notice
