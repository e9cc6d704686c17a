"""Per-post statistics from a platform's statistics API, and the posts only that API enumerates.

History rule: ``PostStat`` keeps one row per post and *stat date*. A platform that reports
counts per day (WeChat datacube: cumulative counts for each day since publishing) writes one
row per reported day, so running a collection again — the same day or later — overwrites
those rows with the platform's latest figures and never adds a second row for a day; a new
stat date adds a row. The post itself carries the counts of its latest stat date.

WeChat 群发 articles are not listed by freepublish; datacube enumerates them. A row that
matches no stored post becomes a post (title from the row or a placeholder, published at the
start of its publish day), once: its id is the one every WeChat path uses (``{mid}_{idx}``,
see connectors/wechat.py), so the next run, a later freepublish page or a comment fetch finds
the same post.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from govmedia.content.connectors.base import PostData, PostStatsData
from govmedia.content.models import Post, PostStat, Source

COUNT_FIELDS = ("reads", "likes", "shares", "comments", "zaikan")


@dataclass
class PostStatsSummary:
    posts_created: int = 0  # posts only the statistics API knows (WeChat 群发)
    posts_updated: int = 0  # posts whose counts changed
    stat_rows: int = 0  # history rows written (inserted or overwritten)
    unmatched: int = 0  # rows for posts we neither have nor create

    def as_dict(self) -> dict:
        return asdict(self)


def record_post_stats(
    account_id: int, rows: list[PostStatsData], *, now: dt.datetime | None = None
) -> PostStatsSummary:
    """Store counts and their day-by-day history; create the posts only these rows enumerate."""
    from govmedia.content.services import ingest_post_batch

    now = now or timezone.now()
    summary = PostStatsSummary()
    wanted: dict[str, PostStatsData] = {}
    for row in rows:
        wanted[row.platform_post_id] = row
    if not wanted:
        return summary

    def stored() -> dict[str, Post]:
        return {
            p.platform_post_id: p
            for p in Post.objects.filter(account_id=account_id, platform_post_id__in=wanted).only(
                "id", "platform_post_id", *COUNT_FIELDS
            )
        }

    with transaction.atomic():
        posts = stored()
        missing = [r for pid, r in wanted.items() if pid not in posts and r.create_if_missing]
        if missing:
            # Created without counts: the counts and their history are written below, per stat
            # date, instead of a "today" row for figures WeChat gives as of yesterday.
            created = ingest_post_batch(
                [
                    (
                        account_id,
                        PostData(
                            platform_post_id=r.platform_post_id,
                            published_at=r.published_at,
                            title=r.title,
                            url=r.url,
                            kind="article",
                        ),
                    )
                    for r in missing
                ],
                source=Source.CONNECTOR,
                now=now,
            )
            summary.posts_created = created.created
            posts = stored()
        changed, history = [], []
        for pid, row in wanted.items():
            post = posts.get(pid)
            if post is None:
                summary.unmatched += 1
                continue
            if not row.days:
                continue
            latest = row.days[max(row.days)]
            dirty = False
            for name in COUNT_FIELDS:
                value = getattr(latest, name)
                if value is not None and getattr(post, name) != value:
                    setattr(post, name, value)
                    dirty = True
            if dirty:
                post.fetched_at = now
                changed.append(post)
            history.extend(
                PostStat(post_id=post.pk, date=day, **asdict(counts)) for day, counts in row.days.items()
            )
        if changed:
            Post.objects.bulk_update(changed, [*COUNT_FIELDS, "fetched_at"], batch_size=500)
        if history:
            PostStat.objects.bulk_create(
                history,
                update_conflicts=True,
                unique_fields=["post", "date"],
                update_fields=list(COUNT_FIELDS),
                batch_size=500,
            )
    summary.posts_updated, summary.stat_rows = len(changed), len(history)
    return summary


def adopt_wechat_post_ids(account_id: int) -> int:
    """Rename stored WeChat posts of the older ``{article_id}_{n}`` scheme to ``{mid}_{idx}``.

    Freepublish posts were stored under their article_id until datacube needed the msgid;
    renaming them (when their URL shows mid/idx and the new id is free) keeps one row per
    article, with its messages and stats. Idempotent: a renamed post no longer matches.
    Returns how many posts were renamed.
    """
    from govmedia.content.connectors.wechat import post_id_from_url

    candidates = (
        Post.objects.filter(account_id=account_id, url__contains="mid=")
        .filter(~Q(platform_post_id__regex=r"^[0-9]+_[0-9]+$"))
        .only("id", "platform_post_id", "url")
    )
    renames = {}
    for post in candidates:
        new_id = post_id_from_url(post.url)
        if new_id and new_id != post.platform_post_id:
            renames.setdefault(new_id, post)
    if not renames:
        return 0
    with transaction.atomic():
        taken = set(
            Post.objects.filter(account_id=account_id, platform_post_id__in=renames).values_list(
                "platform_post_id", flat=True
            )
        )
        renamed = 0
        for new_id, post in renames.items():
            if new_id in taken:
                continue  # never merge silently: two rows already exist, keep both as they are
            renamed += Post.objects.filter(pk=post.pk).update(platform_post_id=new_id)
    return renamed
