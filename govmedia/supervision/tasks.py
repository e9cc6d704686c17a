"""Celery tasks for inspections (thin: IDs in, a short summary out).

An inspection fans out: ``inspect`` opens the Inspection (status 计算中) and sends one
``inspect_chunk`` per chunk of accounts; each chunk checks, writes its Findings and its
AccountResults in its own transaction, on any worker; ``finish_inspection`` then scores the
units and freezes the result. Accounts are independent until that last step, so the heavy
part runs in parallel. In embedded mode the same chord runs in-process, and
``services.run_inspection`` runs the same three steps in one transaction, so every way gives
the same inspection.

Idempotent under redelivery (``acks_late``): a chunk whose AccountResults exist is done; a
chunk killed half-way rolled back; a lease (``core.jobs``) keeps two workers off one chunk.
"""

from __future__ import annotations

import datetime as dt
import time

from celery import chord, shared_task
from django.db import transaction

from govmedia.core.jobs import claimed
from govmedia.registry.models import MediaAccount
from govmedia.supervision import monitoring, services
from govmedia.supervision.models import AccountResult, Inspection, InspectionStatus

CHUNK = 500
CHUNK_LEASE = dt.timedelta(minutes=30)


class ChunkBusy(Exception):
    """Another worker holds this chunk's lease; try again later."""


@shared_task(bind=True, acks_late=True)
def weekly_inspection(self) -> dict:
    """Last week's full check of each root, fanned out; one beat at a time opens them."""
    with claimed("weekly-inspection", owner=self.request.id or "local", ttl=CHUNK_LEASE) as mine:
        if not mine:
            return {"inspections": [], "skipped": True}
        inspections = monitoring.run_weekly_inspections(run=inspect)
    return {"inspections": [i.pk for i in inspections]}


@shared_task(acks_late=True)
def update_warnings() -> dict:
    return {"warnings": len(monitoring.send_update_warnings())}


@shared_task(bind=True, acks_late=True, autoretry_for=(ChunkBusy,), retry_backoff=5, max_retries=None)
def inspect_chunk(self, inspection_id: int, account_ids: list[int], source: str = "inspection") -> dict:
    """Check one chunk of an inspection's accounts and write their Findings and results."""
    owner = self.request.id or f"local:{inspection_id}:{account_ids[:1]}"
    with claimed(f"inspection:{inspection_id}:{account_ids[:1]}", owner=owner, ttl=CHUNK_LEASE) as mine:
        if not mine:
            raise ChunkBusy
        inspection = Inspection.objects.select_related("indicator_set").get(pk=inspection_id)
        done = AccountResult.objects.filter(inspection=inspection, account_id__in=account_ids)
        if not account_ids or done.exists():
            return {"accounts": done.count(), "skipped": True}
        indicators = list(inspection.indicator_set.indicators.order_by("order"))
        accounts = list(
            MediaAccount.objects.filter(pk__in=account_ids).select_related("owner__region").order_by("id")
        )
        with transaction.atomic():
            services.inspect_accounts(inspection, indicators, accounts, source=source)
        return {"accounts": len(accounts), "skipped": False}


@shared_task(acks_late=True)
def finish_inspection(_chunks: list, inspection_id: int, acting_user_id: int | None = None) -> int:
    """Score the units once every chunk has written its accounts; safe to run twice."""
    from govmedia.core.models import User

    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection_id)
        if inspection.status != InspectionStatus.RUNNING:
            return inspection.pk
        accounts, scores = services.stored_scores(inspection)
        if len(accounts) != inspection.account_count:
            raise services.InspectionError(
                f"检查 #{inspection.pk} 应有 {inspection.account_count} 个账号的结果，实有 {len(accounts)} 个"
            )
        acting_user = User.objects.filter(pk=acting_user_id).first() if acting_user_id else None
        services.close_inspection(inspection, accounts, scores, acting_user=acting_user)
    return inspection.pk


@shared_task
def fail_inspection(inspection_id: int) -> None:
    """A chunk gave up: the inspection says so instead of staying 计算中 for ever."""
    Inspection.objects.filter(pk=inspection_id, status=InspectionStatus.RUNNING).update(
        status=InspectionStatus.FAILED
    )


def inspect(*, source: str = "inspection", chunk_size: int = CHUNK, **params) -> Inspection:
    """Open an inspection (``params`` are ``services.open_inspection``'s) and fan it out per chunk
    of accounts. In embedded mode it is finished when this returns; with workers it is 计算中
    until ``finish_inspection`` ran (``wait_for`` waits for that)."""
    with transaction.atomic():
        inspection, accounts = services.open_inspection(**params, status=InspectionStatus.RUNNING)
    ids = [a.pk for a in accounts]
    chunks = [ids[i : i + chunk_size] for i in range(0, len(ids), chunk_size)] or [[]]
    header = [inspect_chunk.s(inspection.pk, chunk, source) for chunk in chunks]
    body = finish_inspection.s(inspection.pk, getattr(params.get("acting_user"), "pk", None))
    chord(header)(body.on_error(fail_inspection.si(inspection.pk)))
    inspection.refresh_from_db()
    return inspection


def wait_for(inspection: Inspection, timeout: float = 3600, poll: float = 0.2) -> Inspection:
    """Block until a fanned-out inspection is finished (for commands and benchmarks)."""
    deadline = time.monotonic() + timeout
    while True:
        inspection.refresh_from_db()
        if inspection.status == InspectionStatus.FAILED:
            raise services.InspectionError(f"检查 #{inspection.pk} 计算失败，请查看 worker 日志后重新检查")
        if inspection.status != InspectionStatus.RUNNING:
            return inspection
        if time.monotonic() > deadline:
            raise TimeoutError(f"检查 #{inspection.pk} 在 {timeout:.0f} 秒内没有完成")
        time.sleep(poll)
