"""Celery tasks: thin callers of the services (STYLE.md, background work)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="review.expire_stale")
def expire_stale() -> str:
    from govmedia.review import services

    return f"expired={services.do_expire_stale()}"
