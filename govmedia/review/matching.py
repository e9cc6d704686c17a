"""Published posts matched to approved reviews: evidence of 先审后发 broken, for the inspection engine.

The matcher takes posts as plain data (``PostFacts``) and returns plain evidence records
(``UnreviewedPost``); the inspection engine (issue 6) turns each into a Finding
``unreviewed_post``. ``review`` may not import ``content`` (ARCHITECTURE.md), so a caller
holding ``content.Post`` rows passes them through ``facts_of_posts``, which reads only
``account_id``, ``platform_post_id``, ``title``, ``body``, ``published_at`` and ``url``.

A post matches an approved review when the review targeted the post's account and their
normalised titles are equal or their normalised texts are equal or very similar. Then:
no match → ``unreviewed_post``; a match approved only after the post went out →
``published_before_approval``; a match whose text differs from what was approved →
``changed_after_review`` (with the similarity).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from govmedia.review.sanitize import normalise

#: texts at least this similar are the same article with edits
SAME_ARTICLE = 0.6


@dataclass(frozen=True)
class PostFacts:
    account_id: int
    post_id: str
    title: str
    text: str
    published_at: dt.datetime
    url: str = ""


@dataclass(frozen=True)
class ApprovedText:
    review_id: int
    account_ids: frozenset[int]
    title: str
    text: str
    approved_at: dt.datetime


@dataclass(frozen=True)
class UnreviewedPost:
    """One piece of evidence: which post, what is wrong, against which review (if any)."""

    kind: str  # "unreviewed_post" | "published_before_approval" | "changed_after_review"
    account_id: int
    post_id: str
    title: str
    published_at: dt.datetime
    url: str
    review_id: int | None
    similarity: float
    description: str


def facts_of_posts(posts: Iterable) -> list[PostFacts]:
    """``PostFacts`` from ``content.Post`` rows (or anything with the same attributes)."""
    return [
        PostFacts(
            account_id=p.account_id,
            post_id=str(p.platform_post_id),
            title=p.title or "",
            text=p.body or "",
            published_at=p.published_at,
            url=p.url or "",
        )
        for p in posts
    ]


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def approved_texts(account_ids: Iterable[int]) -> list[ApprovedText]:
    """The signed-off texts of reviews that went (or may go) to these accounts."""
    from govmedia.review.models import Review

    reviews = (
        Review.objects.filter(accounts__in=list(account_ids), approved_at__isnull=False)
        .exclude(frozen_body="")
        .prefetch_related("accounts")
        .distinct()
    )
    return [
        ApprovedText(
            review_id=r.pk,
            account_ids=frozenset(a.pk for a in r.accounts.all()),
            title=r.frozen_title,
            text=r.frozen_body,
            approved_at=r.approved_at,
        )
        for r in reviews
    ]


def unreviewed_posts(
    posts: Iterable[PostFacts], approved: Iterable[ApprovedText] | None = None
) -> list[UnreviewedPost]:
    """Evidence for every post that was not published as approved (004 §9.2.1 先审后发).

    ``approved`` defaults to the reviews stored for the posts' accounts.
    """
    posts = list(posts)
    if approved is None:
        approved = approved_texts({p.account_id for p in posts})
    by_account: dict[int, list[tuple[ApprovedText, str, str]]] = defaultdict(list)
    for a in approved:
        for account_id in a.account_ids:
            by_account[account_id].append((a, normalise(a.title), normalise(a.text)))
    evidence = []
    for post in posts:
        title, text = normalise(post.title), normalise(post.text)
        best, best_score = None, 0.0
        for candidate, c_title, c_text in by_account.get(post.account_id, []):
            score = _similarity(text, c_text)
            same = (title and title == c_title) or score >= SAME_ARTICLE
            if same and (best is None or score > best_score):
                best, best_score = candidate, score
        record = dict(
            account_id=post.account_id,
            post_id=post.post_id,
            title=post.title,
            published_at=post.published_at,
            url=post.url,
        )
        if best is None:
            evidence.append(
                UnreviewedPost(
                    kind="unreviewed_post",
                    review_id=None,
                    similarity=0.0,
                    description="未找到与该发布内容对应的审核记录（未经三审发布）",
                    **record,
                )
            )
        elif best.approved_at > post.published_at:
            evidence.append(
                UnreviewedPost(
                    kind="published_before_approval",
                    review_id=best.review_id,
                    similarity=round(best_score, 3),
                    description="内容在审核通过之前已发布（未先审后发）",
                    **record,
                )
            )
        elif text != normalise(best.text) or (title and title != normalise(best.title)):
            evidence.append(
                UnreviewedPost(
                    kind="changed_after_review",
                    review_id=best.review_id,
                    similarity=round(best_score, 3),
                    description=f"发布内容与审核通过的稿件不一致（相似度 {best_score:.0%}）",
                    **record,
                )
            )
    return evidence
