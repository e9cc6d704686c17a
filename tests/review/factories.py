"""Objects of 青山县民政局 (county A) for the every-URL scope test (tests/security)."""

from __future__ import annotations

import io

from django.core.files.storage import default_storage
from PIL import Image

from govmedia.review.models import Attachment, Review, RiskFlag


def a2_review(w) -> Review:
    review = Review.objects.filter(unit=w.dept_a2).first()
    if review is None:
        review = Review.objects.create(
            unit=w.dept_a2,
            author=w.admin,
            title="青山民政稿件",
            body="<p>低保申请指南。</p>",
            checked_text="低保申请指南。",
        )
        review.accounts.set([w.account_a2])
    return review


def a2_flag(w) -> RiskFlag:
    review = a2_review(w)
    return review.flags.first() or RiskFlag.objects.create(
        review=review,
        start=0,
        end=2,
        text="低保",
        category="typo",
        rule="test",
        severity="warning",
        element="wording",
    )


def a2_attachment(w) -> Attachment:
    review = a2_review(w)
    name = "review/test/a2.png"
    if not default_storage.exists(name):
        buffer = io.BytesIO()
        Image.new("RGB", (2, 2)).save(buffer, "PNG")
        from django.core.files.base import ContentFile

        name = default_storage.save(name, ContentFile(buffer.getvalue()))
    return review.attachments.first() or Attachment.objects.create(
        review=review,
        kind="image",
        file=name,
        original_name="a2.png",
        extension="png",
        size=1,
        sha256="0" * 64,
    )
