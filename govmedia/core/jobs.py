"""Leases on background work: at most one worker per key at a time (healthchecks' claim by update)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from govmedia.core.models import JobClaim

DEFAULT_TTL = dt.timedelta(minutes=15)


def try_claim(key: str, *, owner: str, ttl: dt.timedelta = DEFAULT_TTL) -> bool:
    """Take the lease on ``key`` if it is free, expired, or already ours."""
    now = timezone.now()
    values = {"owner": owner, "claimed_at": now, "expires_at": now + ttl}
    with transaction.atomic():
        if JobClaim.objects.filter(Q(expires_at__lt=now) | Q(owner=owner), key=key).update(**values) == 1:
            return True
    try:
        with transaction.atomic():
            JobClaim.objects.create(key=key, **values)
        return True
    except IntegrityError:
        return False


def release(key: str, *, owner: str) -> None:
    JobClaim.objects.filter(key=key, owner=owner).delete()


@contextmanager
def claimed(key: str, *, owner: str, ttl: dt.timedelta = DEFAULT_TTL) -> Iterator[bool]:
    """``with claimed("collect:42", owner=task_id) as mine: if mine: ...`` — released on exit."""
    mine = try_claim(key, owner=owner, ttl=ttl)
    try:
        yield mine
    finally:
        if mine:
            release(key, owner=owner)
