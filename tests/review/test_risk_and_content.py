"""The risk check built into drafts, sanitising, attachments, and unreviewed posts as evidence."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from govmedia.core.models import AuditLog
from govmedia.review import services
from govmedia.review.matching import ApprovedText, PostFacts, unreviewed_posts
from govmedia.review.media import MediaRefused
from govmedia.review.models import ELEMENT_CHECKLIST, ReviewPolicy, Status
from govmedia.review.sanitize import body_text, clean_body, normalise
from govmedia.review.services import ReviewError
from govmedia.riskcheck.models import CheckTerm, TermKind

ALL = list(ELEMENT_CHECKLIST)
SERIOUS = "国家总理李强主持召开国务院常务会议，青山县教育局认真学习。"


def approve(review, user):
    return services.do_approve(review, acting_user=user, elements=ALL)


def png_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_every_save_runs_the_risk_check_and_stores_the_hits(staff, make_draft):
    review = make_draft(body="青山县教育局联合国家工商总局开展检查。")
    flag = review.flags.get()
    assert (flag.text, flag.category, flag.severity) == ("国家工商总局", "institution", "error")
    assert flag.suggestion == "国家市场监督管理总局"
    assert review.checked_text[flag.start : flag.end] == "国家工商总局"
    review = services.do_edit_review(
        review,
        acting_user=staff.editor_a,
        title=review.title,
        body="青山县教育局联合国家市场监督管理总局开展检查。",
        account_ids=[staff.account_a.pk],
    )
    assert not review.flags.exists()


def test_the_regions_own_dictionary_rows_apply_to_drafts(staff, make_draft):
    CheckTerm.objects.create(
        region=staff.county_a,
        kind=TermKind.INSTITUTION,
        term="青山县文体局",
        suggestion="青山县文化和广电旅游体育局",
    )
    review = make_draft(body="青山县文体局举办运动会。")
    assert review.flags.get().suggestion == "青山县文化和广电旅游体育局"


def test_a_serious_hit_blocks_approval_until_resolved(staff, make_draft):
    review = services.do_submit(make_draft(body=SERIOUS), acting_user=staff.editor_a)
    flag = review.flags.get(severity="serious")
    with pytest.raises(ReviewError, match="严重问题"):
        approve(review, staff.editor_a2)
    services.do_dismiss_flag(flag, acting_user=staff.editor_a2, reason="引用原文标题，已核实")
    review = approve(review, staff.editor_a2)
    assert review.step == 2


def test_a_serious_hit_fixed_by_the_editor_no_longer_blocks(staff, make_draft):
    review = services.do_submit(make_draft(body=SERIOUS), acting_user=staff.editor_a)
    review = services.do_edit_review(
        review,
        acting_user=staff.editor_a,
        title=review.title,
        body=SERIOUS.replace("国家总理", "国务院总理"),
        account_ids=[staff.account_a.pk],
    )
    assert not services.unresolved(review).exists()
    assert approve(review, staff.editor_a2).step == 2


def test_the_final_approval_also_needs_error_hits_resolved(staff, make_draft):
    review = services.do_submit(make_draft(body="联合国家工商总局开展检查。"), acting_user=staff.editor_a)
    review = approve(review, staff.editor_a2)
    with pytest.raises(ReviewError, match="错误"):
        approve(review, staff.reviewer_a)


def test_a_serious_hit_raises_the_sign_off_level(staff, make_draft):
    review = make_draft(body=SERIOUS)
    assert review.chosen_level == "routine" and review.level == "important"
    assert "严重" in review.level_reason
    assert [s.name for s in services.chain_for(review.unit, review.level)] == ["一审", "二审", "三审"]


def test_words_from_the_configured_list_raise_the_sign_off_level(staff, make_draft):
    ReviewPolicy.objects.create(unit=None, important_words="招生\n收费", major_words="突发事件")
    assert make_draft(body="关于秋季招生的说明。").level == "important"
    review = make_draft(body="关于突发事件的通报。")
    assert review.level == "major" and "突发事件" in review.level_reason


def test_not_a_problem_needs_a_reason_and_is_audited(staff, make_draft):
    review = make_draft(body=SERIOUS)
    flag = review.flags.get(severity="serious")
    with pytest.raises(ReviewError, match="理由"):
        services.do_dismiss_flag(flag, acting_user=staff.editor_a, reason=" ")
    services.do_dismiss_flag(flag, acting_user=staff.editor_a, reason="转引新闻原文，已核实")
    entry = AuditLog.objects.get(action="review.flag_dismissed")
    assert (
        entry.actor == staff.editor_a and "转引新闻原文" in entry.comment and entry.after["dismissed"] is True
    )


def test_a_confirmation_survives_a_recheck_of_the_same_words(staff, make_draft):
    review = make_draft(body=SERIOUS)
    services.do_dismiss_flag(
        review.flags.get(severity="serious"), acting_user=staff.editor_a, reason="已核实"
    )
    review = services.do_edit_review(
        review, acting_user=staff.editor_a, title="新标题", body=SERIOUS, account_ids=[staff.account_a.pk]
    )
    assert review.flags.get(severity="serious").dismissed


def test_outsiders_and_observers_cannot_confirm_hits(staff, make_draft):
    flag = make_draft(body=SERIOUS).flags.get(severity="serious")
    for user in (staff.editor_b, staff.observer):
        with pytest.raises(ReviewError):
            services.do_dismiss_flag(flag, acting_user=user, reason="理由充分")


def test_a_hostile_body_is_sanitised():
    body = clean_body(
        '<p onclick="steal()">通知</p><script>alert(1)</script>'
        '<a href="javascript:alert(1)">点我</a><iframe src="https://evil.example/x"></iframe>'
        '<img src="x" onerror="alert(1)"><a href="https://www.gov.cn/">政府网</a><style>p{}</style>'
    )
    lowered = body.lower()
    for bad in ("<script", "onclick", "javascript:", "<iframe", "onerror", "<style", "alert(1)"):
        assert bad not in lowered
    assert '<a href="https://www.gov.cn/" rel="noopener noreferrer">政府网</a>' in body
    assert "<p>通知</p>" in body


def test_a_hostile_body_is_sanitised_when_saved(staff, make_draft):
    review = make_draft(body='<p>正文</p><script>document.cookie</script><a href="javascript:x()">链接</a>')
    assert "script" not in review.body and "javascript" not in review.body
    assert review.checked_text == "秋季开学安全检查\n正文\n链接"


def test_plain_text_becomes_paragraphs_and_reads_back_the_same():
    body = clean_body("第一段 <不是标签\n\n第二段")
    assert body == "<p>第一段 &lt;不是标签</p>\n<p>第二段</p>"
    assert body_text(body) == "第一段 <不是标签\n第二段"


def test_an_image_is_checked_by_content_and_its_caption_is_risk_checked(staff, make_draft):
    review = make_draft()
    attachment = services.do_add_attachment(
        review, acting_user=staff.editor_a, name="photo.jpg", data=png_bytes(), caption="国家工商总局来校检查"
    )
    assert attachment.kind == "image" and attachment.extension == "png"
    assert attachment.file.name.startswith("review/") and attachment.file.size == attachment.size
    review.refresh_from_db()
    assert review.flags.get().text == "国家工商总局"
    assert "图片说明：国家工商总局来校检查" in review.checked_text


def test_a_renamed_script_is_not_accepted_as_a_picture(staff, make_draft):
    with pytest.raises(MediaRefused, match="不是可识别的图片"):
        services.do_add_attachment(
            make_draft(), acting_user=staff.editor_a, name="photo.jpg", data=b"<script>alert(1)</script>"
        )


def test_a_video_is_recognised_by_its_signature_and_size_is_limited(staff, make_draft, monkeypatch):
    mp4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100
    attachment = services.do_add_attachment(make_draft(), acting_user=staff.editor_a, name="a.bin", data=mp4)
    assert (attachment.kind, attachment.extension) == ("video", "mp4")
    monkeypatch.setattr("govmedia.review.media.MAX_IMAGE_BYTES", 10)
    with pytest.raises(MediaRefused, match="超过"):
        services.do_add_attachment(make_draft(), acting_user=staff.editor_a, name="b.png", data=png_bytes())


def test_adding_a_picture_after_approval_restarts_the_chain(staff, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    review = approve(approve(review, staff.editor_a2), staff.reviewer_a)
    services.do_add_attachment(review, acting_user=staff.editor_a, name="p.png", data=png_bytes())
    review.refresh_from_db()
    assert review.status == Status.IN_REVIEW and review.step == 1


# ---------------------------------------------------------------- unreviewed posts (plain data)

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
APPROVED = ApprovedText(
    review_id=7,
    account_ids=frozenset({1, 2}),
    title="秋季开学安全检查",
    text="<p>青山县教育局开展秋季开学安全检查，确保师生平安。</p>",
    approved_at=T0,
)


def post(
    account_id=1, title="秋季开学安全检查", text="青山县教育局开展秋季开学安全检查，确保师生平安。", at=None
):
    return PostFacts(
        account_id, "p1", title, text, at or T0 + dt.timedelta(hours=2), "https://example.com/p1"
    )


def test_a_post_published_as_approved_is_no_evidence():
    assert (
        unreviewed_posts(
            [post(), post(account_id=2, text="青山县教育局开展秋季开学安全检查 确保师生平安")], [APPROVED]
        )
        == []
    )


def test_an_unreviewed_published_post_becomes_evidence_for_a_finding():
    [evidence] = unreviewed_posts([post(title="周末活动", text="本周末图书馆开放。")], [APPROVED])
    assert evidence.kind == "unreviewed_post" and evidence.review_id is None
    assert (
        evidence.account_id == 1
        and evidence.url == "https://example.com/p1"
        and "未经三审" in evidence.description
    )


def test_an_approved_text_on_another_account_does_not_cover_the_post():
    [evidence] = unreviewed_posts([post(account_id=3)], [APPROVED])
    assert evidence.kind == "unreviewed_post"


def test_a_post_changed_after_review_is_flagged_with_its_review():
    changed = post(text="青山县教育局开展秋季开学安全检查，确保师生平安。检查发现问题三处。")
    [evidence] = unreviewed_posts([changed], [APPROVED])
    assert (
        evidence.kind == "changed_after_review" and evidence.review_id == 7 and 0.6 <= evidence.similarity < 1
    )


def test_a_post_published_before_its_approval_is_flagged():
    [evidence] = unreviewed_posts([post(at=T0 - dt.timedelta(hours=1))], [APPROVED])
    assert evidence.kind == "published_before_approval"


def test_unreviewed_posts_reads_approved_reviews_from_the_database(staff, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    approve(approve(review, staff.editor_a2), staff.reviewer_a)
    later = timezone.now() + dt.timedelta(minutes=5)
    good = PostFacts(
        staff.account_a.pk, "a", "秋季开学安全检查", "青山县教育局开展秋季开学安全检查，确保师生平安。", later
    )
    bad = PostFacts(staff.account_a.pk, "b", "另一篇", "完全不同的内容。", later)
    assert [e.post_id for e in services.unreviewed_posts([good, bad])] == ["b"]


def test_normalising_ignores_markup_spaces_and_punctuation():
    assert normalise("<p>青山 县，教育局！</p>") == normalise("青山县教育局") == "青山县教育局"


def test_collected_posts_are_matched_to_their_reviews_and_an_unreviewed_one_is_evidence(staff, make_draft):
    from govmedia.content.models import Post

    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    approve(approve(review, staff.editor_a2), staff.reviewer_a)
    later = timezone.now() + dt.timedelta(minutes=30)

    def collected(post_id, title, body):
        return Post.objects.create(
            account=staff.account_a,
            platform_post_id=post_id,
            published_at=later,
            title=title,
            body=body,
            url=f"https://mp.weixin.qq.com/s/{post_id}",
            content_hash=post_id,
            fetched_at=later,
        )

    collected("ok", "秋季开学安全检查", "<p>青山县教育局开展秋季开学安全检查，确保师生平安。</p>")
    collected(
        "edited", "秋季开学安全检查", "青山县教育局开展秋季开学安全检查，确保师生平安。另有三所学校整改。"
    )
    collected("none", "周末图书馆开放", "本周末县图书馆正常开放。")
    evidence = services.unreviewed_posts(services.facts_of_posts(Post.objects.all()))
    assert sorted((e.post_id, e.kind) for e in evidence) == [
        ("edited", "changed_after_review"),
        ("none", "unreviewed_post"),
    ]


def test_the_alt_text_of_a_picture_in_the_body_is_risk_checked(staff, make_draft):
    review = make_draft(
        body='<p>检查现场。</p><img src="https://example.com/a.jpg" alt="国家工商总局人员在检查">'
    )
    assert "图片说明：国家工商总局人员在检查" in review.checked_text
    assert review.flags.get().text == "国家工商总局"


def test_submitting_checks_again_with_dictionary_rows_added_since_the_last_save(staff, make_draft):
    review = make_draft(body="青山县文体局举办运动会。")
    assert not review.flags.exists()
    CheckTerm.objects.create(
        region=staff.county_a,
        kind=TermKind.INSTITUTION,
        term="青山县文体局",
        suggestion="青山县文化和广电旅游体育局",
    )
    review = services.do_submit(review, acting_user=staff.editor_a)
    assert review.flags.get().text == "青山县文体局"
