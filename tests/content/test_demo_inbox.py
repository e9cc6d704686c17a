"""The demo inbox looks like a real one: old messages answered, the open ones recent, a few overdue."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from govmedia.content.demo import SEED, demo_messages

NOW = timezone.now().replace(minute=0, second=0, microsecond=0)


def _year(world, accounts: int = 60, monthly: int = 4):
    """About what 60 busy demo accounts receive in a year (~2,900 messages)."""
    rng = random.Random(SEED + 1)
    messages = []
    for _ in range(accounts):
        messages += demo_messages(rng, world.account_a, NOW, monthly=monthly)
    return messages


def _age(m) -> dt.timedelta:
    return NOW - m.received_at


def test_old_demo_messages_are_answered_and_the_open_ones_are_recent(world):
    messages = _year(world)
    open_ = [m for m in messages if m.replied_at is None]
    assert not [m for m in open_ if _age(m) > dt.timedelta(days=42)]
    assert 0 < len(open_) < 0.02 * len(messages)
    recent = [m for m in open_ if _age(m) < dt.timedelta(days=7)]
    assert len(recent) >= 0.6 * len(open_), "most open messages arrived in the last week"


def test_some_replies_are_late_and_a_handful_of_messages_are_overdue(world):
    messages = _year(world)
    answered = [m for m in messages if m.replied_at is not None]
    late = [m for m in answered if m.replied_at - m.received_at > dt.timedelta(days=1)]
    assert 0.05 * len(answered) < len(late) < 0.2 * len(answered)
    assert all(m.replied_at <= NOW for m in answered)
    overdue = [m for m in messages if m.replied_at is None and _age(m) > dt.timedelta(days=2)]
    assert 1 <= len(overdue) <= 15


def test_the_demo_messages_are_the_same_every_time(world):
    first = [(m.received_at, m.replied_at, m.text) for m in _year(world, accounts=3)]
    assert first == [(m.received_at, m.replied_at, m.text) for m in _year(world, accounts=3)]
