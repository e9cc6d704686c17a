"""Pre-publication review: every write is a ``do_*`` verb with an audit row in its transaction.

Rules (004_…txt §9.2): 三审 by the unit's editor, office head and deputy head in charge;
分级签发 (routine → 一审 + 二审, important → + 三审, major → + the unit head); each reviewer
confirms the seven review elements; a draft with an unresolved serious risk hit cannot be
approved at any step; a draft changed after an approval goes back to the first step; an
approval is valid for a limited time so a stale approval cannot publish an old text.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from govmedia.core.audit import audit, snapshot
from govmedia.core.models import Role, User
from govmedia.core.scoping import get_for, scope_for, scoped
from govmedia.registry.models import MediaAccount, Unit
from govmedia.review import media
from govmedia.review.chains import (  # noqa: F401 (the chain's reads are part of this module's interface)
    DEFAULT_CHAINS,
    StepSpec,
    approvers_for,
    can_decide,
    chain_for,
    current_step,
    policy_for,
    round_approvals,
    waiting_for,
)
from govmedia.review.checking import check_review, level_for, recheck  # noqa: F401
from govmedia.review.matching import (  # noqa: F401
    ApprovedText,
    PostFacts,
    UnreviewedPost,
    facts_of_posts,
    unreviewed_posts,
)
from govmedia.review.models import (
    ELEMENT_CHECKLIST,
    Attachment,
    Decision,
    Mode,
    Notification,
    Outcome,
    ReasonTag,
    Review,
    RiskFlag,
    SignOff,
    Status,
)
from govmedia.review.sanitize import body_text, clean_body


class ReviewError(Exception):
    """A refused review action; ``str()`` is the Chinese message for the person."""


class IllegalTransition(ReviewError):
    pass


class ConcurrentChange(ReviewError):
    pass


#: the review's status pipeline; ``_move`` is the only way along it
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.DRAFT, Status.IN_REVIEW},
    Status.IN_REVIEW: {Status.IN_REVIEW, Status.APPROVED, Status.RETURNED, Status.REJECTED, Status.EXPIRED},
    Status.RETURNED: {Status.RETURNED, Status.IN_REVIEW},
    Status.APPROVED: {Status.PUBLISHED, Status.EXPIRED, Status.IN_REVIEW},
    Status.EXPIRED: {Status.EXPIRED, Status.IN_REVIEW},
    Status.REJECTED: set(),
    Status.PUBLISHED: set(),
}
EDITABLE = {Status.DRAFT, Status.RETURNED, Status.EXPIRED, Status.IN_REVIEW, Status.APPROVED}
SUBMITTABLE = {Status.DRAFT, Status.RETURNED, Status.EXPIRED}


def _move(review: Review, new_status: str, action: str, **fields) -> None:
    """Move along TRANSITIONS; a conditional update decides between two people acting at once."""
    old = review.status
    if new_status not in TRANSITIONS[old]:
        raise IllegalTransition(f"稿件当前状态为“{Status(old).label}”，不能{action}")
    changed = Review.objects.filter(pk=review.pk, status=old, lock=review.lock).update(
        status=new_status, lock=F("lock") + 1, updated_at=timezone.now(), **fields
    )
    if changed != 1:
        raise ConcurrentChange("稿件刚刚已被他人处理，请刷新页面后重试")
    review.refresh_from_db()


# ---------------------------------------------------------------- reads


def get_review_for(user: User, pk, *, write: bool = False) -> Review:
    """The review if the user may see it; 404 outside the user's scope."""
    return get_for(user, Review.objects.select_related("unit__region", "author"), pk, write=write)


def visible_reviews(user: User) -> QuerySet[Review]:
    return scoped(Review.objects.select_related("unit", "author"), user)


def my_drafts(user: User) -> QuerySet[Review]:
    return visible_reviews(user).filter(author=user)


def may_edit(review: Review, user: User) -> bool:
    if not scope_for(user).can_write or review.status not in EDITABLE:
        return False
    return user.pk == review.author_id or user.unit_id == review.unit_id or user.role == Role.ADMIN


def unresolved(review: Review, severities: tuple[str, ...] = ("serious",)) -> QuerySet[RiskFlag]:
    return review.flags.filter(dismissed=False, severity__in=severities)


# ---------------------------------------------------------------- notifications


def _notify(users: list[User], review: Review, message: str) -> None:
    Notification.objects.bulk_create([Notification(user=u, review=review, message=message) for u in users])


def _notify_step(review: Review) -> None:
    spec = current_step(review)
    if spec:
        _notify(approvers_for(review, spec), review, f"稿件《{review.title}》待您{spec.name}")


def unread_notifications(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True).select_related("review")


def mark_notifications_read(user: User, review: Review | None = None) -> None:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if review is not None:
        qs = qs.filter(review=review)
    qs.update(read_at=timezone.now())


# ---------------------------------------------------------------- writing drafts


def _require_writer(user: User) -> None:
    if not scope_for(user).can_write or user.unit_id is None:
        raise ReviewError("您的角色不能撰写稿件")


def _accounts_of_unit(unit: Unit, account_ids) -> list[MediaAccount]:
    ids = {int(i) for i in account_ids or []}
    if not ids:
        raise ReviewError("请至少选择一个发布账号")
    accounts = list(MediaAccount.objects.filter(pk__in=ids, owner=unit))
    if len(accounts) != len(ids):
        raise ReviewError("只能选择本单位的账号")
    return accounts


def _clean_fields(title: str, body: str, chosen_level: str) -> tuple[str, str]:
    title = (title or "").strip()
    if not title:
        raise ReviewError("请填写标题")
    if len(title) > 200:
        raise ReviewError("标题不能超过 200 字")
    if chosen_level not in SignOff.values:
        raise ReviewError("签发级别无效")
    body = clean_body(body)
    if not body_text(body):
        raise ReviewError("请填写正文")
    return title, body


def do_create_review(
    *,
    acting_user: User,
    title: str,
    body: str,
    account_ids,
    planned_at: dt.datetime | None = None,
    chosen_level: str = SignOff.ROUTINE,
) -> Review:
    _require_writer(acting_user)
    title, body = _clean_fields(title, body, chosen_level)
    accounts = _accounts_of_unit(acting_user.unit, account_ids)
    with transaction.atomic():
        review = Review.objects.create(
            unit=acting_user.unit,
            author=acting_user,
            title=title,
            body=body,
            planned_at=planned_at,
            chosen_level=chosen_level,
            level=chosen_level,
        )
        review.accounts.set(accounts)
        recheck(review)
        audit(acting_user, "review.created", review, after=snapshot(review, _AUDITED))
    return review


_AUDITED = ["title", "body", "planned_at", "chosen_level", "level", "status"]


def _content_changed(review: Review, acting_user: User, before: dict) -> None:
    """After any change of what would be published: re-check, and restart the chain if it had begun."""
    recheck(review)
    if review.status in (Status.IN_REVIEW, Status.APPROVED):
        _move(
            review,
            Status.IN_REVIEW,
            "退回一审",
            round=review.round + 1,
            step=1,
            step_started_at=timezone.now(),
            approved_at=None,
            approved_until=None,
            frozen_title="",
            frozen_body="",
        )
        audit(acting_user, "review.reset", review, comment="稿件在审核后被修改，退回一审重新审核")
        _notify_step(review)


def _between_tags(html: str) -> str:
    """The body without the whitespace between tags, which the editor's round trip may change."""
    return re.sub(r">\s+<", "><", html.strip())


def do_edit_review(
    review: Review,
    *,
    acting_user: User,
    title: str,
    body: str,
    account_ids,
    planned_at: dt.datetime | None = None,
    chosen_level: str = SignOff.ROUTINE,
) -> Review:
    if not may_edit(review, acting_user):
        raise ReviewError(f"稿件当前状态为“{review.get_status_display()}”，您不能修改")
    title, body = _clean_fields(title, body, chosen_level)
    accounts = _accounts_of_unit(review.unit, account_ids)
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        before = snapshot(review, _AUDITED)
        old_accounts = set(review.accounts.values_list("pk", flat=True))
        text_changed = title != review.title or _between_tags(body) != _between_tags(review.body)
        changed = (
            text_changed
            or old_accounts != {a.pk for a in accounts}
            or planned_at != review.planned_at
            or chosen_level != review.chosen_level
        )
        if not changed:
            return review
        Review.objects.filter(pk=review.pk).update(
            title=title,
            body=body,
            planned_at=planned_at,
            chosen_level=chosen_level,
            version=F("version") + (1 if text_changed else 0),
            updated_at=timezone.now(),
        )
        review.refresh_from_db()
        review.accounts.set(accounts)
        _content_changed(review, acting_user, before)
        audit(acting_user, "review.edited", review, before=before, after=snapshot(review, _AUDITED))
    return review


def do_add_attachment(
    review: Review, *, acting_user: User, name: str, data: bytes, caption: str = ""
) -> Attachment:
    if not may_edit(review, acting_user):
        raise ReviewError("您不能修改这篇稿件")
    info = media.inspect_upload(name, data)  # raises MediaRefused with the reason
    import hashlib

    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        attachment = Attachment(
            review=review,
            kind=info.kind,
            original_name=name[:200],
            extension=info.extension,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            caption=(caption or "").strip()[:300],
        )
        attachment.file.save(f"upload.{info.extension}", ContentFile(data), save=False)
        attachment.save()
        Review.objects.filter(pk=review.pk).update(version=F("version") + 1)
        review.refresh_from_db()
        _content_changed(review, acting_user, {})
        audit(acting_user, "review.attachment_added", review, comment=f"{attachment.original_name} {caption}")
    return attachment


def do_remove_attachment(attachment: Attachment, *, acting_user: User) -> None:
    review = attachment.review
    if not may_edit(review, acting_user):
        raise ReviewError("您不能修改这篇稿件")
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        name = attachment.original_name
        attachment.file.delete(save=False)
        attachment.delete()
        Review.objects.filter(pk=review.pk).update(version=F("version") + 1)
        review.refresh_from_db()
        _content_changed(review, acting_user, {})
        audit(acting_user, "review.attachment_removed", review, comment=name)


# ---------------------------------------------------------------- the chain


def _check_chain_staffed(review: Review) -> None:
    for spec in chain_for(review.unit, review.level):
        if not approvers_for(review, spec):
            raise ReviewError(f"本单位“{spec.name}”环节尚未指定审核人员，请联系系统管理员在“审核人员”中设置")


def do_submit(review: Review, *, acting_user: User) -> Review:
    if not may_edit(review, acting_user):
        raise ReviewError("您不能提交这篇稿件")
    if review.status not in SUBMITTABLE:
        raise IllegalTransition(f"稿件当前状态为“{review.get_status_display()}”，不能提交审核")
    # The dictionaries may have changed since the last save: check again before anyone reviews.
    recheck(review)
    _check_chain_staffed(review)
    with transaction.atomic():
        now = timezone.now()
        _move(
            review,
            Status.IN_REVIEW,
            "提交审核",
            round=review.round + 1,
            step=1,
            step_started_at=now,
            submitted_at=now,
            approved_at=None,
            approved_until=None,
        )
        audit(acting_user, "review.submitted", review, comment=f"签发级别：{review.get_level_display()}")
        _notify_step(review)
    return review


def expire_if_stale(review: Review, *, now: dt.datetime | None = None) -> bool:
    """Expire the review if its approval (or an approval earlier in the round) is too old.

    Commits on its own, so the action that found the stale approval can then be refused.
    """
    now = now or timezone.now()
    stale = False
    if review.status == Status.APPROVED and review.approved_until and review.approved_until < now:
        stale = True
    elif review.status == Status.IN_REVIEW:
        stale = round_approvals(review).filter(valid_until__lt=now).exists()
    if not stale:
        return False
    with transaction.atomic():
        try:
            _move(review, Status.EXPIRED, "过期", step=0)
        except ConcurrentChange:
            review.refresh_from_db()
            return review.status == Status.EXPIRED
        audit(None, "review.expired", review, comment="审核意见超过有效期，须重新提交审核")
        _notify([review.author], review, f"稿件《{review.title}》的审核意见已过期，请重新提交审核")
    return True


def do_expire_stale(*, now: dt.datetime | None = None) -> int:
    """The periodic job: expire every stale approval. Idempotent."""
    now = now or timezone.now()
    candidates = Review.objects.filter(
        Q(status=Status.APPROVED, approved_until__lt=now)
        | Q(status=Status.IN_REVIEW, decisions__outcome=Outcome.APPROVED, decisions__valid_until__lt=now)
    ).distinct()
    return sum(expire_if_stale(r, now=now) for r in candidates)


def _decider_check(review: Review, acting_user: User) -> StepSpec:
    expire_if_stale(review)
    if review.status != Status.IN_REVIEW:
        raise IllegalTransition(f"稿件当前状态为“{review.get_status_display()}”，不在审核中")
    spec = current_step(review)
    if spec is None or not can_decide(review, acting_user):
        raise ReviewError("您不是本稿件当前环节的审核人，或已在本轮审核过")
    return spec


def do_approve(
    review: Review,
    *,
    acting_user: User,
    elements: list[str],
    comment: str = "",
    now: dt.datetime | None = None,
) -> Review:
    """Approve the current step; the last approval signs the draft off and freezes its text."""
    spec = _decider_check(review, acting_user)
    missing = [ELEMENT_CHECKLIST[e][0] for e in ELEMENT_CHECKLIST if e not in set(elements or [])]
    if missing:
        raise ReviewError(f"请逐项确认审核要素，尚未确认：{'、'.join(missing)}")
    chain = chain_for(review.unit, review.level)
    last = spec.order == len(chain)
    serious = unresolved(review).count()
    if serious:
        raise ReviewError(f"稿件还有 {serious} 处严重问题未处理（修改或确认不是问题），不能通过审核")
    if last and unresolved(review, ("serious", "error")).exists():
        raise ReviewError("终审前须处理全部“错误”级风险提示（修改或确认不是问题）")
    now = now or timezone.now()
    valid_until = now + dt.timedelta(hours=policy_for(review.unit).approval_valid_hours)
    with transaction.atomic():
        approved = set(round_approvals(review).filter(step=spec.order).values_list("actor_id", flat=True)) | {
            acting_user.pk
        }
        needed = {u.pk for u in approvers_for(review, spec)}
        done = spec.mode == Mode.ANY or needed <= approved
        waited = int((now - (review.step_started_at or now)).total_seconds())
        if not done:
            _move(review, Status.IN_REVIEW, "审核")
        elif last:
            earliest = (
                round_approvals(review).order_by("valid_until").values_list("valid_until", flat=True).first()
            )
            _move(
                review,
                Status.APPROVED,
                "签发",
                step=0,
                approved_at=now,
                approved_until=min(filter(None, [earliest, valid_until])),
                frozen_title=review.title,
                frozen_body=review.body,
            )
        else:
            _move(review, Status.IN_REVIEW, "审核", step=spec.order + 1, step_started_at=now)
        Decision.objects.create(
            review=review,
            round=review.round,
            step=spec.order,
            step_name=spec.name,
            actor=acting_user,
            outcome=Outcome.APPROVED,
            elements=[e for e in ELEMENT_CHECKLIST if e in elements],
            comment=comment.strip(),
            decided_at=now,
            waited_seconds=max(waited, 0),
            valid_until=valid_until,
            version=review.version,
        )
        if review.status == Status.APPROVED:
            audit(acting_user, "review.approved", review, comment=comment)
            _notify([review.author], review, f"稿件《{review.title}》已通过审核，可以发布")
        else:
            audit(acting_user, "review.step_approved", review, comment=f"{spec.name}通过 {comment}".strip())
            if review.step != spec.order:
                _notify_step(review)
    mark_notifications_read(acting_user, review)
    return review


def _send_back(
    review: Review, *, acting_user: User, outcome: str, reason_tags: list[str], comment: str
) -> Review:
    spec = _decider_check(review, acting_user)
    comment = (comment or "").strip()
    tags = [t for t in reason_tags or [] if t in ReasonTag.values]
    if outcome == Outcome.RETURNED and not tags:
        raise ReviewError("退回修改须选择至少一个原因")
    if not comment:
        raise ReviewError("请填写审核意见")
    now = timezone.now()
    new_status = Status.RETURNED if outcome == Outcome.RETURNED else Status.REJECTED
    with transaction.atomic():
        _move(review, new_status, Outcome(outcome).label, step=0)
        Decision.objects.create(
            review=review,
            round=review.round,
            step=spec.order,
            step_name=spec.name,
            actor=acting_user,
            outcome=outcome,
            reason_tags=tags,
            comment=comment,
            decided_at=now,
            waited_seconds=max(int((now - (review.step_started_at or now)).total_seconds()), 0),
            version=review.version,
        )
        action = "review.returned" if outcome == Outcome.RETURNED else "review.rejected"
        audit(acting_user, action, review, comment=f"{spec.name}：{comment}")
        verb = "退回修改" if outcome == Outcome.RETURNED else "审核不通过"
        _notify([review.author], review, f"稿件《{review.title}》{spec.name}{verb}：{comment}"[:300])
    mark_notifications_read(acting_user, review)
    return review


def do_return(review: Review, *, acting_user: User, reason_tags: list[str], comment: str) -> Review:
    return _send_back(
        review, acting_user=acting_user, outcome=Outcome.RETURNED, reason_tags=reason_tags, comment=comment
    )


def do_reject(
    review: Review, *, acting_user: User, comment: str, reason_tags: list[str] | None = None
) -> Review:
    return _send_back(
        review,
        acting_user=acting_user,
        outcome=Outcome.REJECTED,
        reason_tags=reason_tags or [],
        comment=comment,
    )


def do_dismiss_flag(flag: RiskFlag, *, acting_user: User, reason: str) -> RiskFlag:
    """Confirm a risk hit is not a problem (确认); needs a reason, and is audited."""
    review = flag.review
    if not (may_edit(review, acting_user) or can_decide(review, acting_user)):
        raise ReviewError("只有撰稿单位或当前审核人可以确认风险提示")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ReviewError("请填写确认“不是问题”的理由")
    with transaction.atomic():
        before = {"dismissed": False, "text": flag.text, "rule": flag.rule}
        flag.dismissed, flag.dismiss_reason = True, reason[:300]
        flag.dismissed_by, flag.dismissed_at = acting_user, timezone.now()
        flag.save(update_fields=["dismissed", "dismiss_reason", "dismissed_by", "dismissed_at"])
        audit(
            acting_user,
            "review.flag_dismissed",
            review,
            before=before,
            after={"dismissed": True, "text": flag.text, "rule": flag.rule},
            comment=f"“{flag.text}”（{flag.suggestion or flag.rule}）：{reason}"[:1000],
        )
    return flag


def do_mark_published(
    review: Review, *, acting_user: User, url: str, published_at: dt.datetime | None = None
) -> Review:
    """Register that the approved text went out, with the post's address."""
    writer = scope_for(acting_user).can_write
    if not (writer and (acting_user.unit_id == review.unit_id or acting_user.role == Role.ADMIN)):
        raise ReviewError("只有撰稿单位可以登记发布")
    url = (url or "").strip()
    if not url.startswith(("http://", "https://")):
        raise ReviewError("请填写以 http:// 或 https:// 开头的发布链接")
    expire_if_stale(review)
    with transaction.atomic():
        _move(
            review,
            Status.PUBLISHED,
            "登记发布",
            published_url=url[:1000],
            published_at=published_at or timezone.now(),
        )
        audit(acting_user, "review.published", review, comment=url)
    return review
