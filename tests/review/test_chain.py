"""The review chain: levels, any/all approvers, returns, edits, expiry, concurrency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govmedia.core.models import AuditLog
from govmedia.review import services
from govmedia.review.models import (
    ELEMENT_CHECKLIST,
    ChainStep,
    Decision,
    Mode,
    Notification,
    Position,
    ReviewerAssignment,
    ReviewPolicy,
    Status,
)
from govmedia.review.services import ConcurrentChange, IllegalTransition, ReviewError

ALL = list(ELEMENT_CHECKLIST)


def approve(review, user, **kw):
    return services.do_approve(review, acting_user=user, elements=ALL, **kw)


def test_a_routine_draft_needs_the_first_and_second_review(staff, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    assert review.status == Status.IN_REVIEW and review.step == 1
    review = approve(review, staff.editor_a2)
    assert review.status == Status.IN_REVIEW and review.step == 2
    review = approve(review, staff.reviewer_a)
    assert review.status == Status.APPROVED
    assert review.frozen_title == "秋季开学安全检查" and "安全检查" in review.frozen_body
    assert [d.step_name for d in review.decisions.all()] == ["一审", "二审"]


def test_an_important_draft_needs_three_levels(staff, make_draft):
    review = services.do_submit(make_draft(level="important"), acting_user=staff.editor_a)
    for user in (staff.editor_a2, staff.reviewer_a):
        review = approve(review, user)
        assert review.status == Status.IN_REVIEW
    assert services.current_step(review).name == "三审"
    review = approve(review, staff.deputy_a)
    assert review.status == Status.APPROVED


def test_a_major_draft_also_needs_the_unit_head(staff, make_draft):
    review = services.do_submit(make_draft(level="major"), acting_user=staff.editor_a)
    for user in (staff.editor_a2, staff.reviewer_a, staff.deputy_a):
        review = approve(review, user)
    assert review.status == Status.IN_REVIEW and services.current_step(review).name == "主要负责人签发"
    assert services.waiting_for(staff.head_a) == [review]
    review = approve(review, staff.head_a)
    assert review.status == Status.APPROVED
    assert [d.step_name for d in Decision.objects.filter(review=review)] == [
        "一审",
        "二审",
        "三审",
        "主要负责人签发",
    ]


def test_a_unit_chain_row_names_a_person_for_a_step(staff, make_draft):
    ChainStep.objects.create(
        unit=staff.dept_a, level="routine", order=1, position=Position.SECOND, user=staff.head_a
    )
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    assert [s.name for s in services.chain_for(staff.dept_a, "routine")] == ["二审"]
    with pytest.raises(ReviewError):
        approve(review, staff.reviewer_a)  # holds 二审 but the chain names head_a
    assert approve(review, staff.head_a).status == Status.APPROVED


def test_an_any_step_passes_with_one_of_several_approvers(staff, make_draft):
    other = staff.editor_a_other
    other.unit = staff.dept_a
    other.save()
    ReviewerAssignment.objects.create(unit=staff.dept_a, position=Position.FIRST, user=other)
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    review = approve(review, other)
    assert review.step == 2
    assert not services.can_decide(review, staff.editor_a2)


def test_an_all_step_waits_for_every_approver(staff, make_draft):
    other = staff.editor_a_other
    ReviewerAssignment.objects.create(unit=staff.dept_a, position=Position.FIRST, user=other)
    ChainStep.objects.create(
        unit=staff.dept_a, level="routine", order=1, position=Position.FIRST, mode=Mode.ALL
    )
    ChainStep.objects.create(unit=staff.dept_a, level="routine", order=2, position=Position.SECOND)
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    review = approve(review, staff.editor_a2)
    assert review.step == 1 and services.waiting_for(other) == [review]
    assert services.waiting_for(staff.editor_a2) == []
    review = approve(review, other)
    assert review.step == 2


def test_nobody_approves_their_own_draft_or_two_steps_of_one_round(staff, make_draft):
    ReviewerAssignment.objects.create(unit=staff.dept_a, position=Position.FIRST, user=staff.editor_a)
    ReviewerAssignment.objects.create(unit=staff.dept_a, position=Position.SECOND, user=staff.editor_a2)
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    with pytest.raises(ReviewError, match="不是本稿件当前环节的审核人"):
        approve(review, staff.editor_a)
    review = approve(review, staff.editor_a2)
    with pytest.raises(ReviewError):
        approve(review, staff.editor_a2)


def test_approving_needs_all_seven_review_elements(staff, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    with pytest.raises(ReviewError, match="保密要素"):
        services.do_approve(review, acting_user=staff.editor_a2, elements=[e for e in ALL if e != "secrecy"])


def test_a_return_needs_a_reason_and_a_comment_and_the_resubmission_starts_at_step_one(staff, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    review = approve(review, staff.editor_a2)
    with pytest.raises(ReviewError, match="原因"):
        services.do_return(review, acting_user=staff.reviewer_a, reason_tags=[], comment="改一下")
    with pytest.raises(ReviewError, match="审核意见"):
        services.do_return(review, acting_user=staff.reviewer_a, reason_tags=["wording"], comment=" ")
    review = services.do_return(
        review, acting_user=staff.reviewer_a, reason_tags=["wording", "policy"], comment="第二段表述不准确"
    )
    assert review.status == Status.RETURNED
    assert Notification.objects.filter(user=staff.editor_a, message__contains="退回修改").exists()
    review = services.do_submit(review, acting_user=staff.editor_a)
    assert review.step == 1 and review.round == 2
    assert services.can_decide(review, staff.editor_a2)


def test_a_rejected_draft_cannot_be_resubmitted(staff, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    review = services.do_reject(review, acting_user=staff.editor_a2, comment="不宜发布")
    assert review.status == Status.REJECTED
    with pytest.raises(ReviewError):
        services.do_submit(review, acting_user=staff.editor_a)


def test_editing_after_an_approval_sends_the_draft_back_to_the_first_step(staff, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    review = approve(approve(review, staff.editor_a2), staff.reviewer_a)
    assert review.status == Status.APPROVED
    review = services.do_edit_review(
        review,
        acting_user=staff.editor_a,
        title=review.title,
        body=review.body + "<p>补充一段。</p>",
        account_ids=[staff.account_a.pk],
    )
    assert review.status == Status.IN_REVIEW and review.step == 1 and review.round == 2
    assert review.frozen_body == "" and review.approved_at is None
    assert AuditLog.objects.filter(action="review.reset", object_id=str(review.pk)).exists()
    assert services.can_decide(review, staff.editor_a2)


def test_editing_in_the_middle_of_the_chain_restarts_it(staff, make_draft):
    review = services.do_submit(make_draft(level="important"), acting_user=staff.editor_a)
    review = approve(approve(review, staff.editor_a2), staff.reviewer_a)
    review = services.do_edit_review(
        review, acting_user=staff.editor_a, title="新标题", body=review.body, account_ids=[staff.account_a.pk]
    )
    assert review.step == 1 and review.version == 2


def test_an_unchanged_save_does_not_restart_the_chain(staff, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    review = approve(review, staff.editor_a2)
    review = services.do_edit_review(
        review,
        acting_user=staff.editor_a,
        title=review.title,
        body=review.body,
        account_ids=[staff.account_a.pk],
    )
    assert review.step == 2


def test_an_approval_expires_and_a_stale_approval_cannot_publish(staff, make_draft):
    ReviewPolicy.objects.create(unit=staff.dept_a, approval_valid_hours=24)
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    review = approve(approve(review, staff.editor_a2), staff.reviewer_a)
    assert review.approved_until - review.approved_at <= dt.timedelta(hours=24)
    later = timezone.now() + dt.timedelta(hours=25)
    assert services.do_expire_stale(now=later) == 1
    assert services.do_expire_stale(now=later) == 0  # idempotent
    review.refresh_from_db()
    assert review.status == Status.EXPIRED
    with pytest.raises(IllegalTransition, match="已过期"):
        services.do_mark_published(review, acting_user=staff.editor_a, url="https://mp.weixin.qq.com/s/x")
    review = services.do_submit(review, acting_user=staff.editor_a)
    assert review.step == 1


def test_publishing_checks_expiry_itself_without_waiting_for_the_job(staff, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    review = approve(approve(review, staff.editor_a2), staff.reviewer_a)
    type(review).objects.filter(pk=review.pk).update(approved_until=timezone.now() - dt.timedelta(minutes=1))
    review.refresh_from_db()
    with pytest.raises(IllegalTransition):
        services.do_mark_published(review, acting_user=staff.editor_a, url="https://example.com/p/1")
    review.refresh_from_db()
    assert review.status == Status.EXPIRED


def test_a_first_step_approval_too_old_for_the_second_step_expires_the_round(staff, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    review = approve(review, staff.editor_a2, now=timezone.now() - dt.timedelta(days=5))
    with pytest.raises(IllegalTransition):
        approve(review, staff.reviewer_a)
    review.refresh_from_db()
    assert review.status == Status.EXPIRED


def test_the_final_approval_is_valid_only_as_long_as_the_oldest_approval_of_the_round(staff, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    first = timezone.now() - dt.timedelta(hours=70)
    review = approve(review, staff.editor_a2, now=first)
    review = approve(review, staff.reviewer_a)
    assert review.approved_until == first + dt.timedelta(hours=72)


def test_a_published_approved_draft_is_registered_with_its_url(staff, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    review = approve(approve(review, staff.editor_a2), staff.reviewer_a)
    with pytest.raises(ReviewError, match="http"):
        services.do_mark_published(review, acting_user=staff.editor_a, url="javascript:alert(1)")
    review = services.do_mark_published(
        review, acting_user=staff.editor_a, url="https://mp.weixin.qq.com/s/abc"
    )
    assert review.status == Status.PUBLISHED and review.published_url.endswith("abc")


def test_publishing_a_draft_that_was_never_reviewed_is_an_illegal_transition(staff, make_draft):
    review = make_draft()
    with pytest.raises(IllegalTransition, match="草稿"):
        services.do_mark_published(review, acting_user=staff.editor_a, url="https://example.com/1")


def test_two_reviewers_approving_at_once_only_one_wins(staff, make_draft):
    other = staff.editor_a_other
    ReviewerAssignment.objects.create(unit=staff.dept_a, position=Position.FIRST, user=other)
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    seen_by_other = type(review).objects.get(pk=review.pk)
    approve(review, staff.editor_a2)
    with pytest.raises(ConcurrentChange, match="已被他人处理"):
        approve(seen_by_other, other)
    assert Decision.objects.filter(review=review).count() == 1


def test_the_next_reviewers_are_notified(staff, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    assert services.unread_notifications(staff.editor_a2).filter(review=review).exists()
    approve(review, staff.editor_a2)
    assert services.unread_notifications(staff.reviewer_a).get(review=review).message.endswith("待您二审")
    assert not services.unread_notifications(staff.editor_a2).exists()


def test_submitting_with_nobody_in_a_step_is_refused_in_chinese(staff, make_draft):
    ReviewerAssignment.objects.filter(position=Position.THIRD).delete()
    with pytest.raises(ReviewError, match="三审.*尚未指定审核人员"):
        services.do_submit(make_draft(level="important"), acting_user=staff.editor_a)


def test_a_draft_can_only_go_to_the_units_own_accounts(staff):
    with pytest.raises(ReviewError, match="本单位"):
        services.do_create_review(
            acting_user=staff.editor_a, title="标题", body="正文内容", account_ids=[staff.account_b.pk]
        )
    review = services.do_create_review(
        acting_user=staff.editor_a, title="标题", body="正文内容", account_ids=[staff.account_a.pk]
    )
    assert list(review.accounts.all()) == [staff.account_a]


def test_every_step_leaves_an_audit_row(staff, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    approve(approve(review, staff.editor_a2), staff.reviewer_a)
    actions = list(
        AuditLog.objects.filter(object_type="review.review", object_id=str(review.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["review.created", "review.submitted", "review.step_approved", "review.approved"]
    assert AuditLog.objects.filter(object_id=str(review.pk)).first().unit_id == staff.dept_a.pk
