"""Reminders and escalations: one in-app row per (person, key), then any extra channels.

A channel is a class with ``send(user, text, url)``; ``GOVMEDIA_NOTIFY_CHANNELS`` in settings
lists dotted paths of extra ones (a webhook, e-mail). The in-app row is the record that the
reminder fired, so sending twice never notifies twice.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class Channel:
    name = ""

    def send(self, user, text: str, url: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class WebhookChannel(Channel):
    """POSTs JSON to ``GOVMEDIA_NOTIFY_WEBHOOK`` (a 政务钉钉/企业微信 robot or any receiver)."""

    name = "webhook"

    def send(self, user, text: str, url: str) -> None:
        import httpx

        target = getattr(settings, "GOVMEDIA_NOTIFY_WEBHOOK", "")
        if target:
            response = httpx.post(target, json={"user": user.username, "text": text, "url": url}, timeout=5)
            response.raise_for_status()  # logged by ``send``: the in-app row stays the record


def channels() -> list[Channel]:
    return [import_string(path)() for path in getattr(settings, "GOVMEDIA_NOTIFY_CHANNELS", [])]


def send(user, *, key: str, text: str, url: str = "") -> int:
    """Record and deliver one notice; returns 1 if it was new, 0 if it had already fired."""
    from govmedia.interaction.models import Notification

    try:
        with transaction.atomic():
            Notification.objects.create(user=user, key=key[:120], text=text[:300], url=url)
    except IntegrityError:
        return 0
    for channel in channels():

        def deliver(channel=channel):
            try:
                channel.send(user, text, url)
            except Exception:  # a broken receiver must not undo the work that triggered it
                log.exception("notification channel %s failed", channel.name)

        transaction.on_commit(deliver)
    return 1
