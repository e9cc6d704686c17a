"""Celery tasks for collection and re-checking: thin wrappers over content.services.

Work fans out per account in chunks and a chord's callback adds the chunks' summaries up.
Without a broker (embedded mode) the very same chord runs in-process.
"""

from __future__ import annotations

import datetime as dt

from celery import chord, shared_task

from govmedia.content import services
from govmedia.content.connectors.base import http_client
from govmedia.core.jobs import claimed

CHUNK = 25


def _chunks(ids: list[int], size: int = CHUNK) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _add_up(results: list[list[dict]]) -> dict:
    flat = [r for chunk in results for r in chunk]
    return {
        "accounts": len(flat),
        "skipped": sum(1 for r in flat if r.get("skipped")),
        "failed": sum(1 for r in flat if r.get("error")),
        "created": sum(r.get("created", 0) for r in flat),
        "updated": sum(r.get("updated", 0) for r in flat),
        "checked": sum(r.get("checked", 0) for r in flat),
        "flagged": sum(r.get("flagged", 0) for r in flat),
    }


@shared_task(bind=True, acks_late=True)
def collect_accounts(self, account_ids: list[int], since: str | None = None) -> list[dict]:
    """Collect each account unless another worker is collecting it right now."""
    since_at = dt.datetime.fromisoformat(since) if since else None
    results = []
    with http_client() as client:
        for account_id in account_ids:
            with claimed(f"collect:{account_id}", owner=self.request.id or "in-process") as mine:
                if not mine:
                    results.append({"account": account_id, "skipped": "其他进程正在采集该账号"})
                    continue
                results.append(services.collect_account(account_id, since=since_at, client=client))
    return results


@shared_task(bind=True, acks_late=True)
def recheck_accounts(self, account_ids: list[int]) -> list[dict]:
    results = []
    for account_id in account_ids:
        with claimed(f"recheck:{account_id}", owner=self.request.id or "in-process") as mine:
            if mine:
                results.append(services.recheck_posts(account_id=account_id))
            else:
                results.append({"account": account_id, "skipped": "其他进程正在检查该账号"})
    return results


@shared_task
def add_up(results: list[list[dict]]) -> dict:
    return _add_up(results)


def _fan_out(task, ids: list[int], **kwargs) -> dict:
    """One chord over the chunks. In-process the summary comes back at once; with workers,
    the id of the task that will hold it."""
    if not ids:
        return _add_up([])
    chunks = _chunks(ids)
    result = chord(task.s(chunk, **kwargs) for chunk in chunks)(add_up.s())
    if task.app.conf.task_always_eager:
        return result.get()
    return {"accounts": len(ids), "chunks": len(chunks), "summary_task": result.id}


@shared_task
def collect_platform(platforms: list[str] | None = None, since: str | None = None):
    """Fan collection out over every collectable account of the given platforms."""
    accounts = services.collectable_accounts()
    if platforms:
        accounts = accounts.filter(platform__in=platforms)
    return _fan_out(collect_accounts, list(accounts.order_by("pk").values_list("pk", flat=True)), since=since)


@shared_task
def recheck_all(account_ids: list[int] | None = None):
    """Re-run the risk check over every account's posts (after the dictionaries change)."""
    from govmedia.content.models import Post

    ids = account_ids or sorted(set(Post.objects.values_list("account_id", flat=True)))
    return _fan_out(recheck_accounts, ids)
