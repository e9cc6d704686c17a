"""Celery tasks for inspections (thin: IDs in, a short summary out).

An inspection fans out: each chunk of accounts is evaluated by ``inspect_chunk`` on any worker
(a pure read), then ``finish_inspection`` scores and writes everything in one transaction
(``services.run_inspection`` with the evaluated occurrences). In embedded mode the same chord
runs in-process, so both modes produce the same inspection.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from celery import chord, shared_task

from govmedia.core.models import User
from govmedia.registry.models import MediaAccount, Unit
from govmedia.supervision import monitoring, services
from govmedia.supervision.checks import Occurrence
from govmedia.supervision.models import IndicatorSet

CHUNK = 500


@shared_task(acks_late=True)
def weekly_inspection() -> dict:
    inspections = monitoring.run_weekly_inspections()
    return {"inspections": [i.pk for i in inspections]}


@shared_task(acks_late=True)
def update_warnings() -> dict:
    return {"warnings": len(monitoring.send_update_warnings())}


@shared_task(acks_late=True)
def inspect_chunk(start: str, end: str, indicator_set_id: int, account_ids: list[int]) -> list:
    """Evaluate one chunk of accounts; returns [[account id, indicator code, [occurrence…]], …]."""
    indicators = list(IndicatorSet.objects.get(pk=indicator_set_id).indicators.order_by("order"))
    accounts = list(
        MediaAccount.objects.filter(pk__in=account_ids).select_related("owner__region").order_by("id")
    )
    found = services.evaluate(dt.date.fromisoformat(start), dt.date.fromisoformat(end), indicators, accounts)
    return [
        [a, code, [dataclasses.asdict(o) for o in occurrences]] for (a, code), occurrences in found.items()
    ]


@shared_task(acks_late=True)
def finish_inspection(chunks: list[list], params: dict) -> int:
    found = {
        (a, code): [Occurrence(**o) for o in occurrences]
        for chunk in chunks
        for a, code, occurrences in chunk
    }
    inspection = services.run_inspection(**_load(params), found=found)
    return inspection.pk


def _load(params: dict) -> dict:
    loaded = dict(params)
    loaded["start"] = dt.date.fromisoformat(params["start"])
    loaded["end"] = dt.date.fromisoformat(params["end"])
    loaded["indicator_set"] = IndicatorSet.objects.get(pk=params["indicator_set"])
    loaded["scope_unit"] = Unit.objects.get(pk=params["scope_unit"]) if params.get("scope_unit") else None
    loaded["acting_user"] = User.objects.filter(pk=params.get("acting_user")).first()
    return loaded


def inspect(
    *,
    start: dt.date,
    end: dt.date,
    indicator_set: IndicatorSet,
    scope_unit: Unit | None = None,
    sample_ratio: float | None = None,
    sample_count: int | None = None,
    seed: int | None = None,
    count_unconfirmed: bool = False,
    title: str = "",
    acting_user=None,
    chunk_size: int = CHUNK,
):
    """Run an inspection fanned out per chunk of accounts. In-process: returns the Inspection's id;
    with workers: the AsyncResult whose value will be that id."""
    if sample_ratio is not None or sample_count is not None:
        seed = seed if seed is not None else dt.datetime.now().microsecond + 1
    params = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "indicator_set": indicator_set.pk,
        "scope_unit": scope_unit.pk if scope_unit else None,
        "sample_ratio": sample_ratio,
        "sample_count": sample_count,
        "seed": seed,
        "count_unconfirmed": count_unconfirmed,
        "title": title,
        "acting_user": getattr(acting_user, "pk", None),
    }
    accounts = services.inspected_accounts(
        scope_unit, sample_ratio=sample_ratio, sample_count=sample_count, seed=seed
    )
    ids = [a.pk for a in accounts]
    chunks = [ids[i : i + chunk_size] for i in range(0, len(ids), chunk_size)] or [[]]
    header = [inspect_chunk.s(params["start"], params["end"], indicator_set.pk, chunk) for chunk in chunks]
    result = chord(header)(finish_inspection.s(params))
    return result.get() if inspect_chunk.app.conf.task_always_eager else result
