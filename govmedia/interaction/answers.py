"""The answer bank (咨询问答库, 004_…txt §8.3): entries in force for a region, suggestions by similarity, review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from govmedia.core.audit import audit
from govmedia.core.scoping import scope_for, scoped
from govmedia.interaction.models import Answer
from govmedia.interaction.services import CaseError, ancestor_paths
from govmedia.interaction.similarity import BM25
from govmedia.registry.models import Region, Unit


def answers_for_region(region: Region, today: dt.date | None = None) -> QuerySet[Answer]:
    """Answers usable in a region: its own units' and those of the regions above it, in force."""
    today = today or timezone.localdate()
    return (
        Answer.objects.filter(active=True, owner__region__path__in=ancestor_paths(region))
        .filter(valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("owner", "topic")
    )


@dataclass
class Suggestion:
    answer: Answer
    score: float
    stale: str = ""


def suggest_answers(
    text: str, region: Region, *, limit: int = 3, today: dt.date | None = None
) -> list[Suggestion]:
    """The answers whose questions read most like ``text`` (BM25 over character n-grams).

    A person reviews a suggestion before it is sent (004_…txt §8.3.3); nothing is sent here.
    """
    answers = list(answers_for_region(region, today))
    if not answers or not text.strip():
        return []
    index = BM25([f"{a.question} {a.question} {a.answer}" for a in answers])
    scores = index.scores(text)
    ranked = sorted(zip(scores, answers, strict=True), key=lambda p: (-p[0], p[1].pk))
    best = ranked[0][0]
    floor = max(1.0, best * 0.35)
    return [Suggestion(a, round(s, 2), a.stale_reason(today)) for s, a in ranked[:limit] if s >= floor]


def _check_answer_fields(values: dict) -> None:
    if not (values.get("question") or "").strip():
        raise CaseError("请填写问题", field="question")
    if not (values.get("answer") or "").strip():
        raise CaseError("请填写答复口径", field="answer")
    if (
        values.get("valid_until")
        and values.get("valid_from")
        and values["valid_until"] < values["valid_from"]
    ):
        raise CaseError("失效日期不能早于生效日期", field="valid_until")


def do_save_answer(entry: Answer | None, /, *, acting_user, **values) -> Answer:
    """Create or edit an answer-bank entry; the owner unit must be in the user's scope."""
    if not scope_for(acting_user).can_write:
        raise PermissionDenied("您的角色为只读，不能修改问答库")
    owner = values.get("owner")
    if owner is None or not scoped(Unit.objects.filter(pk=owner.pk), acting_user).exists():
        raise CaseError("请选择您管理范围内的答复单位", field="owner")
    _check_answer_fields(values)
    with transaction.atomic():
        if entry is None:
            entry = Answer(created_by=acting_user)
            action = "新增"
        else:
            action = "修改"
        for name, value in values.items():
            setattr(entry, name, value)
        entry.reviewed_on = timezone.localdate()
        entry.save()
        audit(acting_user, "interaction.answer_saved", entry, comment=f"{action}：{entry.question[:60]}")
    return entry


def do_review_answer(answer: Answer, *, acting_user, valid_until: dt.date | None = None) -> Answer:
    """Confirm an entry is still current (动态更新): resets the review clock."""
    if not scope_for(acting_user).can_write:
        raise PermissionDenied("您的角色为只读，不能修改问答库")
    with transaction.atomic():
        answer.reviewed_on = timezone.localdate()
        if valid_until is not None:
            answer.valid_until = valid_until
        answer.save(update_fields=["reviewed_on", "valid_until", "updated_at"])
        audit(acting_user, "interaction.answer_reviewed", answer)
    return answer


def stale_answers(queryset: QuerySet[Answer], today: dt.date | None = None) -> QuerySet[Answer]:
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=Answer.REVIEW_EVERY_DAYS)
    return queryset.filter(Q(valid_until__lt=today) | Q(reviewed_on__lt=cutoff))
