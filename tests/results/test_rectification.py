from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govmedia.core.models import AuditLog
from govmedia.results import services
from govmedia.results.models import Notice, Rectification, RectificationStatus
from govmedia.supervision.models import FindingStatus
from tests.results.conftest import png_bytes

pytestmark = pytest.mark.django_db


def _a2_findings(w):
    return [f for f in w.open_findings if f.account_id == w.account_a2.pk]


def test_sending_findings_makes_one_rectification_per_unit_with_a_five_working_day_deadline(inspected):
    w = inspected
    rects = services.do_send_rectifications(w.open_findings, acting_user=w.supervisor_a, demand="限期整改")
    units = {f.account.owner_id for f in w.open_findings}
    assert len(rects) == len(units)
    # Monday 11-16 + 5 working days = Monday 11-23 (the weekend is skipped)
    assert {r.deadline for r in rects} == {dt.date(2026, 11, 23)}
    for f in w.open_findings:
        f.refresh_from_db()
        assert f.status == FindingStatus.RECTIFYING
    assert AuditLog.objects.filter(action="rectification.sent").count() == len(rects)
    assert Notice.objects.filter(unit=w.dept_a2, title__startswith="整改通知").exists()


def test_an_exposed_account_gets_three_working_days(inspected):
    [rect] = services.do_send_rectifications(
        _a2_findings(inspected), acting_user=inspected.supervisor_a, exposed=True
    )
    assert rect.deadline == dt.date(2026, 11, 19) and rect.working_days == 3


def test_a_finding_already_being_rectified_cannot_be_sent_again(inspected):
    findings = _a2_findings(inspected)
    services.do_send_rectifications(findings, acting_user=inspected.supervisor_a)
    for f in findings:
        f.refresh_from_db()
    with pytest.raises(services.RectificationError, match="不是待整改状态"):
        services.do_send_rectifications(findings, acting_user=inspected.supervisor_a)


def test_an_editor_cannot_send_and_another_county_cannot_send_to_county_a(inspected):
    findings = _a2_findings(inspected)
    with pytest.raises(PermissionDenied):
        services.do_send_rectifications(findings, acting_user=inspected.editor_a)
    with pytest.raises(PermissionDenied):
        services.do_send_rectifications(findings, acting_user=inspected.supervisor_b)
    assert not Rectification.objects.exists()


def test_answer_then_accept_resolves_the_findings_and_audits_every_move(inspected):
    w = inspected
    editor = _editor_of(w.dept_a2)
    [rect] = services.do_send_rectifications(_a2_findings(w), acting_user=w.supervisor_a)
    upload = SimpleUploadedFile("截图.png", png_bytes(), content_type="image/png")
    services.do_answer_rectification(rect, acting_user=editor, answer="已恢复更新", files=[upload])
    assert rect.status == RectificationStatus.ANSWERED and rect.evidence.get().content_type == "image/png"
    services.do_decide_rectification(rect, acting_user=w.supervisor_a, accept=True)
    assert rect.status == RectificationStatus.ACCEPTED
    assert set(rect.findings.values_list("status", flat=True)) == {FindingStatus.RESOLVED}
    actions = list(
        AuditLog.objects.filter(object_type="results.rectification").values_list("action", flat=True)
    )
    assert sorted(actions) == ["rectification.accepted", "rectification.answered", "rectification.sent"]


def test_returning_needs_a_reason_and_the_unit_may_answer_again(inspected):
    w = inspected
    editor = _editor_of(w.dept_a2)
    [rect] = services.do_send_rectifications(_a2_findings(w), acting_user=w.supervisor_a)
    services.do_answer_rectification(rect, acting_user=editor, answer="已整改")
    with pytest.raises(services.RectificationError, match="须填写意见"):
        services.do_decide_rectification(rect, acting_user=w.supervisor_a, accept=False)
    services.do_decide_rectification(rect, acting_user=w.supervisor_a, accept=False, comment="截图不清晰")
    assert rect.status == RectificationStatus.RETURNED
    services.do_answer_rectification(rect, acting_user=editor, answer="补充截图")
    assert rect.rounds == 2


def test_accepting_twice_is_refused_with_a_named_chinese_error(inspected):
    w = inspected
    [rect] = services.do_send_rectifications(_a2_findings(w), acting_user=w.supervisor_a)
    with pytest.raises(services.IllegalRectificationMove, match="不能改为“已通过”"):
        services.do_decide_rectification(rect, acting_user=w.supervisor_a, accept=True)


def test_a_stale_second_decision_loses_to_the_first(inspected):
    w = inspected
    [rect] = services.do_send_rectifications(_a2_findings(w), acting_user=w.supervisor_a)
    services.do_answer_rectification(rect, acting_user=_editor_of(w.dept_a2), answer="已整改")
    stale = Rectification.objects.get(pk=rect.pk)
    services.do_decide_rectification(rect, acting_user=w.supervisor_a, accept=True)
    with pytest.raises(services.RectificationError, match="已被他人处理"):
        services.do_decide_rectification(stale, acting_user=w.city_supervisor, accept=False, comment="不行")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("假图片.png", b"MZ\x90\x00 this is an exe", "不是图片"),
        ("坏图.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "图片已损坏"),
        ("大文件.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF", "超过 5 MB"),
    ],
)
def test_wrong_uploads_are_refused_by_content_with_a_message_naming_the_field(
    inspected, login, name, content, message
):
    w = inspected
    editor = _editor_of(w.dept_a2)
    [rect] = services.do_send_rectifications(_a2_findings(w), acting_user=w.supervisor_a)
    client = login(editor)
    response = client.post(
        reverse("results:rectification_answer", kwargs={"pk": rect.pk}),
        {"answer": "已整改", "evidence": SimpleUploadedFile(name, content, content_type="image/png")},
        follow=True,
    )
    text = response.content.decode()
    assert "佐证材料" in text and message in text
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.SENT


def test_a_pdf_is_accepted_as_evidence_through_the_page(inspected, login):
    w = inspected
    [rect] = services.do_send_rectifications(_a2_findings(w), acting_user=w.supervisor_a)
    client = login(_editor_of(w.dept_a2))
    pdf = SimpleUploadedFile(
        "说明.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", content_type="application/pdf"
    )
    client.post(
        reverse("results:rectification_answer", kwargs={"pk": rect.pk}),
        {"answer": "已整改", "link": "https://example.com/post/1", "evidence": pdf},
    )
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.ANSWERED and rect.answer_link == "https://example.com/post/1"
    evidence = rect.evidence.get()
    assert client.get(reverse("results:evidence", kwargs={"pk": evidence.pk})).status_code == 200


def test_a_malformed_answer_names_the_field(inspected, login):
    w = inspected
    [rect] = services.do_send_rectifications(_a2_findings(w), acting_user=w.supervisor_a)
    client = login(_editor_of(w.dept_a2))
    response = client.post(
        reverse("results:rectification_answer", kwargs={"pk": rect.pk}),
        {"answer": "", "link": "不是网址"},
        follow=True,
    )
    text = response.content.decode()
    assert "整改情况" in text and "佐证链接" in text


def test_overdue_rectifications_are_reminded_once_by_webhook_and_email(inspected, settings, receiver, frozen):
    w = inspected
    settings.RESULTS_NOTIFY_CHANNELS = ["email", "webhook"]
    settings.RESULTS_WEBHOOK_URLS = [receiver.url]
    editor = _editor_of(w.dept_a2)
    editor.email = "mz@example.gov.cn"
    editor.save()
    [rect] = services.do_send_rectifications(_a2_findings(w), acting_user=w.supervisor_a)
    receiver.received.clear()
    mail.outbox.clear()
    assert services.remind_overdue(dt.date(2026, 11, 23)) == 0  # the deadline day itself is not late
    assert services.remind_overdue(dt.date(2026, 11, 24)) == 1
    assert services.remind_overdue(dt.date(2026, 11, 25)) == 0  # idempotent
    [payload] = receiver.received
    assert "整改已逾期" in payload["text"]["content"] and payload["text"]["mentioned_mobile_list"] == [
        "13800138000"
    ]
    assert mail.outbox[0].to == ["mz@example.gov.cn"] and "整改已逾期" in mail.outbox[0].subject
    notice = Notice.objects.filter(unit=w.dept_a2, title__startswith="整改已逾期").get()
    assert [d["ok"] for d in notice.deliveries] == [True, True]
    rect.refresh_from_db()
    assert rect.reminded_at is not None and rect.is_overdue(dt.date(2026, 11, 24))


def test_a_failing_channel_is_recorded_and_does_not_block_the_send(inspected, settings):
    settings.RESULTS_NOTIFY_CHANNELS = ["webhook"]
    settings.RESULTS_WEBHOOK_URLS = ["http://127.0.0.1:9/nowhere"]
    [rect] = services.do_send_rectifications(_a2_findings(inspected), acting_user=inspected.supervisor_a)
    notice = Notice.objects.get(unit=inspected.dept_a2)
    assert notice.deliveries[0]["ok"] is False and "推送失败" in notice.deliveries[0]["error"]
    assert rect.pk


def test_pages_list_send_and_show_rectifications(inspected, login):
    w = inspected
    client = login(w.supervisor_a)
    page = client.get(reverse("results:rectification_new"))
    assert page.status_code == 200 and "青山民政" in page.content.decode()
    ids = [f.pk for f in _a2_findings(w)]
    response = client.post(reverse("results:rectification_new"), {"finding": ids, "demand": "请整改"})
    assert response.status_code == 302
    rect = Rectification.objects.get()
    listing = client.get(reverse("results:rectifications")).content.decode()
    assert "青山县民政局" in listing
    detail = client.get(reverse("results:rectification", kwargs={"pk": rect.pk})).content.decode()
    assert "2026年11月23日" in detail
    outsider = login(w.supervisor_b)
    assert outsider.get(reverse("results:rectification", kwargs={"pk": rect.pk})).status_code == 404
    assert "青山县民政局" not in outsider.get(reverse("results:rectifications")).content.decode()


def _editor_of(unit):
    from conftest import make_user
    from govmedia.core.models import Role, User

    user = User.objects.filter(unit=unit, role=Role.EDITOR).first()
    return user or make_user(f"editor_{unit.pk}", Role.EDITOR, unit)
