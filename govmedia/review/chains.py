"""The review chain as data: which steps a draft passes and who may decide each (reads only).

004_…txt §9.2.1: 一审 by the unit's new-media editors, 二审 by the office or a designated
section head, 三审 by the deputy head in charge; 分级签发 adds the unit head for major drafts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from govmedia.core.models import Role, User
from govmedia.registry.models import Unit
from govmedia.review.models import (
    STEP_NAMES,
    ChainStep,
    Decision,
    Mode,
    Outcome,
    Position,
    Review,
    ReviewerAssignment,
    ReviewPolicy,
    SignOff,
    Status,
)

#: 分级签发 defaults when a unit has no chain rows for a level
DEFAULT_CHAINS: dict[str, list[str]] = {
    SignOff.ROUTINE: [Position.FIRST, Position.SECOND],
    SignOff.IMPORTANT: [Position.FIRST, Position.SECOND, Position.THIRD],
    SignOff.MAJOR: [Position.FIRST, Position.SECOND, Position.THIRD, Position.HEAD],
}


def policy_for(unit: Unit) -> ReviewPolicy:
    return (
        ReviewPolicy.objects.filter(unit=unit).first()
        or ReviewPolicy.objects.filter(unit__isnull=True).first()
        or ReviewPolicy()
    )


@dataclass(frozen=True)
class StepSpec:
    order: int
    position: str
    user_id: int | None = None
    mode: str = Mode.ANY

    @property
    def name(self) -> str:
        return STEP_NAMES[self.position]


def chain_for(unit: Unit, level: str) -> list[StepSpec]:
    """The unit's chain for a sign-off level, from its rows or the defaults."""
    rows = ChainStep.objects.filter(unit=unit, level=level).order_by("order")
    if rows:
        return [StepSpec(i, r.position, r.user_id, r.mode) for i, r in enumerate(rows, start=1)]
    return [StepSpec(i, p) for i, p in enumerate(DEFAULT_CHAINS[level], start=1)]


def approvers_for(review: Review, spec: StepSpec) -> list[User]:
    """Who may decide a step: the named person, else the position's holders; never the author.

    With nobody assigned to 一审, the unit's editors hold it (004 §9.2.1: 一审 by the editors).
    """
    ids = [pk for pk in _holder_ids(review.unit_id, spec) if pk != review.author_id]
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def current_step(review: Review) -> StepSpec | None:
    if review.status != Status.IN_REVIEW or not review.step:
        return None
    chain = chain_for(review.unit, review.level)
    return chain[review.step - 1] if review.step <= len(chain) else None


def round_approvals(review: Review) -> QuerySet[Decision]:
    return Decision.objects.filter(review=review, round=review.round, outcome=Outcome.APPROVED)


def can_decide(review: Review, user: User) -> bool:
    spec = current_step(review)
    if spec is None or not user.is_authenticated:
        return False
    if round_approvals(review).filter(actor=user).exists():
        return False  # one person signs one step per round
    return any(u.pk == user.pk for u in approvers_for(review, spec))


def _holder_ids(unit_id: int, spec: StepSpec) -> list[int]:
    """Who holds a step in a unit, before the author is left out."""
    if spec.user_id:
        return list(User.objects.filter(pk=spec.user_id, is_active=True).values_list("pk", flat=True))
    held = ReviewerAssignment.objects.filter(unit_id=unit_id, position=spec.position)
    users = User.objects.filter(pk__in=held.values("user_id"), is_active=True)
    if spec.position == Position.FIRST and not held.exists():
        users = User.objects.filter(unit_id=unit_id, role=Role.EDITOR, is_active=True)
    return list(users.order_by("pk").values_list("pk", flat=True))


def waiting_for(user: User) -> list[Review]:
    """Drafts whose current step the user may decide now (待我审核).

    Chains and holders are looked up once per unit and level, so the number of queries does
    not grow with the number of drafts waiting.
    """
    units = set(ReviewerAssignment.objects.filter(user=user).values_list("unit_id", flat=True))
    units |= set(ChainStep.objects.filter(user=user).values_list("unit_id", flat=True))
    if user.unit_id:
        units.add(user.unit_id)
    candidates = list(
        Review.objects.filter(status=Status.IN_REVIEW, unit_id__in=units)
        .exclude(author=user)
        .select_related("unit__region", "author")
        .order_by("step_started_at", "id")
    )
    signed = set(
        Decision.objects.filter(review__in=candidates, actor=user, outcome=Outcome.APPROVED).values_list(
            "review_id", "round"
        )
    )
    chains: dict[tuple, list[StepSpec]] = {}
    holders: dict[tuple, list[int]] = {}
    waiting = []
    for review in candidates:
        if (review.pk, review.round) in signed:
            continue
        if (review.unit_id, review.level) not in chains:
            chains[review.unit_id, review.level] = chain_for(review.unit, review.level)
        chain = chains[review.unit_id, review.level]
        if not 0 < review.step <= len(chain):
            continue
        spec = chain[review.step - 1]
        key = (review.unit_id, spec.position, spec.user_id)
        if key not in holders:
            holders[key] = _holder_ids(review.unit_id, spec)
        if user.pk in holders[key]:
            waiting.append(review)
    return waiting
