"""The expiry job (command and task) and the demo drafts."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from govmedia.review import services, tasks
from govmedia.review.models import ELEMENT_CHECKLIST, Review, Status


def test_the_expiry_command_and_task_expire_stale_approvals_once(staff, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    for user in (staff.editor_a2, staff.reviewer_a):
        review = services.do_approve(review, acting_user=user, elements=list(ELEMENT_CHECKLIST))
    Review.objects.filter(pk=review.pk).update(approved_until=timezone.now() - dt.timedelta(hours=1))
    out = io.StringIO()
    call_command("expire_reviews", stdout=out)
    assert "1 篇" in out.getvalue()
    assert tasks.expire_stale() == "expired=0"
    review.refresh_from_db()
    assert review.status == Status.EXPIRED


def test_the_demo_builds_drafts_at_every_stage_and_is_idempotent(db):
    from govmedia.registry.demo import build_demo_region
    from govmedia.review.demo import build_demo_review

    build_demo_region()
    assert "4 篇" in build_demo_review()
    assert "已存在" in build_demo_review()
    statuses = set(Review.objects.values_list("status", flat=True))
    assert statuses == {Status.PUBLISHED, Status.IN_REVIEW, Status.RETURNED, Status.DRAFT}
    assert Review.objects.get(status=Status.DRAFT).flags.filter(text="国家工商总局").exists()
