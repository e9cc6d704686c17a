"""The risk check built into drafts (004 §9.2.3 风险辅助识别) and the sign-off level it may raise."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from govmedia.review.chains import policy_for
from govmedia.review.models import SIGN_OFF_RANK, Review, ReviewPolicy, RiskFlag, SignOff
from govmedia.review.sanitize import body_text, image_alts
from govmedia.riskcheck.services import checker_for


def _checked_text(review: Review) -> str:
    parts = [review.title, body_text(review.body)]
    parts += [f"图片说明：{alt}" for alt in image_alts(review.body)]
    for a in review.attachments.all():
        if a.caption:
            parts.append(f"{a.get_kind_display()}说明：{a.caption}")
    return "\n".join(p for p in parts if p)


def check_review(review: Review, *, as_of: dt.date | None = None) -> list[RiskFlag]:
    """Run the region's risk check on the draft and keep people's "not a problem" confirmations.

    A confirmation stays with a hit of the same rule on the same words; a hit that no longer
    occurs (the editor fixed it) disappears with its row.
    """
    text = _checked_text(review)
    if as_of is None:
        as_of = timezone.localdate(review.planned_at) if review.planned_at else timezone.localdate()
    hits = checker_for(review.unit.region).check(text, as_of=as_of)
    kept = {(f.rule, f.text): f for f in review.flags.filter(dismissed=True)}
    rows = []
    for h in hits:
        row = RiskFlag(
            review=review,
            start=h.start,
            end=h.end,
            text=h.text[:200],
            category=h.category,
            rule=h.rule,
            severity=h.severity,
            element=h.element,
            suggestion=h.suggestion[:300],
            source=h.source[:300],
        )
        earlier = kept.get((h.rule, row.text))
        if earlier:
            row.dismissed, row.dismiss_reason = True, earlier.dismiss_reason
            row.dismissed_by_id, row.dismissed_at = earlier.dismissed_by_id, earlier.dismissed_at
        rows.append(row)
    review.flags.all().delete()
    RiskFlag.objects.bulk_create(rows)
    Review.objects.filter(pk=review.pk).update(checked_text=text, checked_at=timezone.now())
    review.checked_text = text
    return list(review.flags.all())


def level_for(review: Review, flags: list[RiskFlag]) -> tuple[str, str]:
    """The sign-off level: the editor's choice, raised by a serious hit or a listed word."""
    level, reasons = review.chosen_level, []

    def raise_to(new: str, why: str) -> None:
        nonlocal level
        if SIGN_OFF_RANK[new] > SIGN_OFF_RANK[level]:
            level = new
        reasons.append(why)

    if any(f.severity == "serious" for f in flags):
        raise_to(SignOff.IMPORTANT, "含严重表述风险")
    policy = policy_for(review.unit)
    text = review.checked_text
    for word in ReviewPolicy.words(policy.major_words):
        if word in text:
            raise_to(SignOff.MAJOR, f"含“{word}”")
            break
    for word in ReviewPolicy.words(policy.important_words):
        if word in text:
            raise_to(SignOff.IMPORTANT, f"含“{word}”")
            break
    if level == review.chosen_level:
        return level, ""
    return level, f"自动升为“{SignOff(level).label}”：{'，'.join(reasons)}"[:300]


def recheck(review: Review) -> None:
    flags = check_review(review)
    level, reason = level_for(review, flags)
    if (level, reason) != (review.level, review.level_reason):
        Review.objects.filter(pk=review.pk).update(level=level, level_reason=reason)
        review.level, review.level_reason = level, reason
