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
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from govmedia.review.sanitize import normalise

#: texts sharing at least this share of character pairs (Dice) are the same article with edits
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


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset({text})


@dataclass(frozen=True)
class _Candidate:
    approved: ApprovedText
    title: str
    text: str
    grams: frozenset[str]

    @classmethod
    def of(cls, a: ApprovedText) -> _Candidate:
        text = normalise(a.text)
        return cls(a, normalise(a.title), text, _bigrams(text))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Similarity of two texts as the share of character pairs they have in common (0…1)."""
    if not a and not b:
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))


class _Index:
    """Approved texts of one account by title and by character pair, so a post is compared in full
    only with texts that share its title or enough of its pairs (not with every approved text)."""

    def __init__(self, candidates: list[_Candidate]) -> None:
        self.candidates = candidates
        self.by_title: dict[str, list[int]] = defaultdict(list)
        self.by_gram: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(candidates):
            if c.title:
                self.by_title[c.title].append(i)
            for g in c.grams:
                self.by_gram[g].append(i)
        # Pairs found in most texts (“工作”, “开展”) say little and cost most: left out of the count.
        limit = max(20, len(candidates) // 2)
        self.common = {g for g, ids in self.by_gram.items() if len(ids) > limit}

    def likely(self, title: str, grams: frozenset[str]) -> list[_Candidate]:
        shared = Counter(i for g in grams if g not in self.common for i in self.by_gram.get(g, ()))
        chosen = set(self.by_title.get(title, ())) if title else set()
        for i, n in shared.items():
            if 2 * n / (len(grams) + len(self.candidates[i].grams)) >= SAME_ARTICLE / 2:
                chosen.add(i)
        if not shared and not chosen and len(self.candidates) <= 50:
            chosen = set(range(len(self.candidates)))  # a short text of common pairs only: compare all
        return [self.candidates[i] for i in sorted(chosen)]


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
    by_account: dict[int, list[_Candidate]] = defaultdict(list)
    for a in approved:
        candidate = _Candidate.of(a)
        for account_id in a.account_ids:
            by_account[account_id].append(candidate)
    indexes = {account_id: _Index(cands) for account_id, cands in by_account.items()}
    evidence = []
    for post in posts:
        title, text = normalise(post.title), normalise(post.text)
        grams = _bigrams(text)
        best, best_score = None, 0.0
        index = indexes.get(post.account_id)
        for c in index.likely(title, grams) if index else []:
            same_title = bool(title) and title == c.title
            score = 1.0 if text == c.text else _dice(grams, c.grams)
            if (same_title or score >= SAME_ARTICLE) and (best is None or score > best_score):
                best, best_score = c.approved, score
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
