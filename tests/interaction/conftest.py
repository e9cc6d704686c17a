"""Messages and cases for the inbox tests."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from govmedia.content.models import Message
from govmedia.interaction import services
from govmedia.interaction.models import Case
from tests.web.test_browser import browser_page  # noqa: F401 - shared Playwright fixture

CST = dt.timezone(dt.timedelta(hours=8))
_ids = itertools.count(1)


def at(*args) -> dt.datetime:
    """A Beijing-time moment: at(2026, 10, 10, 9, 0)."""
    return dt.datetime(*args, tzinfo=CST)


def make_message(
    account, text="请问新生入学需要什么材料？", *, received_at=None, kind="comment", **extra
) -> Message:
    return Message.objects.create(
        account=account,
        platform_message_id=f"m{next(_ids)}",
        received_at=received_at or timezone.now(),
        kind=kind,
        text=text,
        author="用户***1",
        fetched_at=timezone.now(),
        **extra,
    )


def make_case(account, text="请问新生入学需要什么材料？", **kwargs) -> Case:
    message = make_message(account, text, **kwargs)
    services.open_cases(Message.objects.filter(pk=message.pk))
    return Case.objects.get(message=message)


@pytest.fixture
def case_a2(world):
    """An open case of 青山县民政局's account."""
    return make_case(world.account_a2, "请问低保申请需要准备哪些材料？")
