"""The review pages: writing, inline hits, deciding, the register and its export, and scope."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from govmedia.review import services
from govmedia.review.models import ELEMENT_CHECKLIST, Review, Status

ALL = list(ELEMENT_CHECKLIST)
OUTDATED = "青山县教育局联合国家工商总局开展校园食品安全检查。"


def approved_by_all(staff, review):
    for user in (staff.editor_a2, staff.reviewer_a):
        review = services.do_approve(review, acting_user=user, elements=ALL)
    return review


def test_an_editor_writes_a_draft_and_sees_the_outdated_name_marked(staff, login):
    client = login(staff.editor_a)
    response = client.post(
        reverse("review:new"),
        {
            "title": "校园食品安全检查",
            "body": OUTDATED,
            "accounts": [staff.account_a.pk],
            "chosen_level": "routine",
        },
    )
    review = Review.objects.get()
    assert response.status_code == 302 and response.url == reverse("review:edit", args=[review.pk])
    page = client.get(response.url).content.decode()
    assert '<mark class="cat-institution sev-error" title="国家市场监督管理总局">国家工商总局</mark>' in page
    assert "确认不是问题" in page


def test_the_draft_form_refuses_another_units_account(staff, login):
    response = login(staff.editor_a).post(
        reverse("review:new"),
        {"title": "标题", "body": "正文", "accounts": [staff.account_b.pk], "chosen_level": "routine"},
    )
    assert response.status_code == 200 and not Review.objects.exists()
    assert "选择一个有效的选项" in response.content.decode() or "本单位" in response.content.decode()


def test_the_live_check_marks_hits_without_saving(staff, login):
    response = login(staff.editor_a).post(reverse("review:live_check"), {"title": "标题", "body": OUTDATED})
    html = response.content.decode()
    assert response.status_code == 200 and "国家市场监督管理总局" in html and "<mark" in html
    assert not Review.objects.exists()


def test_a_hostile_body_posted_through_the_page_is_stored_clean(staff, login):
    login(staff.editor_a).post(
        reverse("review:new"),
        {
            "title": "标题",
            "body": '<p>正文</p><script>alert(1)</script><a href="javascript:alert(1)">x</a>',
            "accounts": [staff.account_a.pk],
            "chosen_level": "routine",
        },
    )
    body = Review.objects.get().body
    assert "<script" not in body and "javascript:" not in body


def test_reviewers_decide_through_the_page_and_the_register_shows_it(staff, login, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    client = login(staff.editor_a2)
    assert "秋季开学安全检查" in client.get(reverse("review:inbox")).content.decode()
    client.post(reverse("review:decide", args=[review.pk]), {"action": "approve", "elements": ALL[:3]})
    review.refresh_from_db()
    assert review.step == 1  # refused: not all elements ticked
    client.post(
        reverse("review:decide", args=[review.pk]), {"action": "approve", "elements": ALL, "comment": "同意"}
    )
    review.refresh_from_db()
    assert review.step == 2
    client = login(staff.reviewer_a)
    client.post(
        reverse("review:decide", args=[review.pk]),
        {"action": "return", "reason_tags": ["wording"], "comment": "标题太长"},
    )
    review.refresh_from_db()
    assert review.status == Status.RETURNED
    page = client.get(reverse("review:register")).content.decode()
    assert "标题太长" in page and "文字差错" in page and "一审" in page


def test_the_register_exports_to_xlsx_with_its_reports(staff, login, make_draft):
    review = services.do_submit(make_draft(), acting_user=staff.editor_a)
    approved_by_all(staff, review)
    response = login(staff.supervisor_a).get(reverse("review:register") + "?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["审核登记", "各环节用时", "退回原因"]
    rows = list(workbook["审核登记"].values)
    assert rows[0][1] == "标题" and [r[5] for r in rows[1:]] == ["一审", "二审"]
    assert [r[0] for r in list(workbook["各环节用时"].values)[1:]] == ["一审", "二审"]


def test_the_other_countys_supervisor_sees_nothing_in_the_register(staff, login, make_draft):
    approved_by_all(staff, services.do_submit(make_draft(), acting_user=staff.editor_a))
    page = login(staff.supervisor_b).get(reverse("review:register")).content.decode()
    assert "秋季开学安全检查" not in page
    workbook = load_workbook(
        io.BytesIO(login(staff.supervisor_b).get("/review/register/?export=xlsx").content)
    )
    assert len(list(workbook["审核登记"].values)) == 1


@pytest.mark.parametrize("who", ["editor_b", "editor_a_other", "supervisor_b"])
def test_outsiders_get_404_on_a_draft(staff, login, make_draft, who):
    review = make_draft(body=OUTDATED)
    client = login(getattr(staff, who))
    for name in ("detail", "edit"):
        assert client.get(reverse(f"review:{name}", args=[review.pk])).status_code == 404
    for name in ("submit", "decide", "publish"):
        assert (
            client.post(reverse(f"review:{name}", args=[review.pk]), {"action": "approve"}).status_code == 404
        )
    flag_url = reverse("review:dismiss", args=[review.flags.get().pk])
    assert client.post(flag_url, {"reason": "理由理由"}).status_code == 404
    review.refresh_from_db()
    assert review.status == Status.DRAFT


def test_the_countys_supervisor_and_the_observer_read_but_cannot_edit(staff, login, make_draft):
    review = make_draft()
    for user in (staff.supervisor_a, staff.observer):
        client = login(user)
        assert client.get(reverse("review:detail", args=[review.pk])).status_code == 200
    page = login(staff.observer).get(reverse("review:edit", args=[review.pk])).content.decode()
    assert "您不能修改这篇稿件" in page and 'id="draft-form"' not in page


def test_a_hit_is_confirmed_inline_with_htmx(staff, login, make_draft):
    review = make_draft(body=OUTDATED)
    flag = review.flags.get()
    client = login(staff.editor_a)
    url = reverse("review:dismiss", args=[flag.pk])
    refused = client.post(url, {"reason": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert "请填写" in refused and "<li" in refused
    done = client.post(url, {"reason": "历史报道原文"}, HTTP_HX_REQUEST="true").content.decode()
    assert "已确认不是问题：历史报道原文" in done


def test_pictures_are_uploaded_and_served_only_inside_the_scope(staff, login, make_draft):
    review = make_draft()
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "a.png"
    client = login(staff.editor_a)
    client.post(reverse("review:upload", args=[review.pk]), {"file": buffer, "caption": "校园一角"})
    attachment = review.attachments.get()
    url = reverse("review:attachment", args=[attachment.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert login(staff.editor_b).get(url).status_code == 404


def test_a_fake_picture_upload_is_refused_with_a_chinese_message(staff, login, make_draft):
    review = make_draft()
    fake = io.BytesIO(b"MZ\x90\x00 not a picture")
    fake.name = "photo.jpg"
    response = login(staff.editor_a).post(
        reverse("review:upload", args=[review.pk]), {"file": fake}, follow=True
    )
    assert "不是可识别的图片" in response.content.decode() and not review.attachments.exists()


def test_the_draft_lists_keep_a_flat_query_count(staff, login, make_draft, django_assert_max_num_queries):
    for i in range(3):
        make_draft(title=f"稿件{i}")
    client = login(staff.editor_a)
    with django_assert_max_num_queries(12):
        client.get(reverse("review:drafts"))
    for i in range(10):
        make_draft(title=f"更多稿件{i}")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("review:drafts")).status_code == 200


def test_saving_the_editor_unchanged_keeps_the_approvals(staff, login, make_draft):
    review = services.do_submit(make_draft(body="<p>第一段。</p><p>第二段。</p>"), acting_user=staff.editor_a)
    review = services.do_approve(review, acting_user=staff.editor_a2, elements=ALL)
    client = login(staff.editor_a)
    form = client.get(reverse("review:edit", args=[review.pk])).context["form"]
    assert form.initial["body"] == "第一段。\n第二段。"
    data = {**form.initial, "accounts": [staff.account_a.pk], "planned_at": ""}
    client.post(reverse("review:edit", args=[review.pk]), data)
    review.refresh_from_db()
    assert review.step == 2 and review.version == 1


def test_the_review_inbox_keeps_a_flat_query_count(staff, login, make_draft):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("review:inbox"))
        return len(captured)

    client = login(staff.editor_a2)
    for i in range(3):
        services.do_submit(make_draft(title=f"稿件{i}"), acting_user=staff.editor_a)
    few = queries()
    for i in range(12):
        services.do_submit(make_draft(title=f"更多稿件{i}"), acting_user=staff.editor_a)
    assert queries() == few
    assert "更多稿件11" in client.get(reverse("review:inbox")).content.decode()
