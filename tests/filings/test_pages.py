"""The pages: an editor files, approvers decide, outsiders see nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govmedia.filings import services
from govmedia.filings.models import Filing, FilingKind, FilingStatus
from govmedia.registry.models import MediaAccount

from .conftest import new_filing, walk

pytestmark = pytest.mark.django_db

OPEN_FORM = {
    "account_name": "青山教育抖音",
    "platform": "douyin",
    "platform_uid": "qs-edu-dy2",
    "followers": 0,
    "head_name": "王五",
    "head_mobile": "13900000000",
    "reason": "加强教育政策解读",
    "undertaking_accepted": "on",
}


def test_an_editor_files_an_opening_through_the_pages_and_approvers_finish_it(chains, login):
    w = chains
    client = login(w.editor_a)
    response = client.post(reverse("filings:new", args=["open"]), OPEN_FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    filing = Filing.objects.get(account_name="青山教育抖音")
    assert client.post(reverse("filings:submit", args=[filing.pk])).status_code == 302
    filing.refresh_from_db()
    assert filing.status == FilingStatus.IN_REVIEW and filing.number.startswith("青备〔")
    page = client.get(reverse("filings:detail", args=[filing.pk])).content.decode()
    assert filing.number in page and "主办单位意见" in page
    for approver in (w.reviewer_a, w.supervisor_a, w.city_supervisor):
        c = login(approver)
        assert filing.number in c.get(reverse("filings:waiting")).content.decode()
        step = filing.current_steps().get(status="pending")
        r = c.post(reverse("filings:decide", args=[step.pk]), {"decision": "approve", "comment": "同意"})
        assert r.status_code == 302
    filing.refresh_from_db()
    assert filing.status == FilingStatus.APPROVED
    assert MediaAccount.objects.filter(platform_uid="qs-edu-dy2", owner=w.dept_a).exists()


def test_a_form_missing_the_undertaking_shows_what_is_missing_and_cannot_be_submitted(chains, login):
    w = chains
    client = login(w.editor_a)
    client.post(reverse("filings:new", args=["open"]), {**OPEN_FORM, "undertaking_accepted": ""})
    filing = Filing.objects.get()
    client.post(reverse("filings:submit", args=[filing.pk]))
    filing.refresh_from_db()
    assert filing.status == FilingStatus.DRAFT
    page = client.get(reverse("filings:detail", args=[filing.pk])).content.decode()
    assert "承诺栏" in page


def test_a_change_page_starts_from_the_accounts_data(chains, login):
    w = chains
    client = login(w.editor_a)
    page = client.get(reverse("filings:new", args=["change"]) + f"?account={w.account_a.pk}").content.decode()
    assert 'value="青山教育"' in page
    assert (
        client.get(reverse("filings:new", args=["change"]) + f"?account={w.account_b.pk}").status_code == 404
    )


@pytest.mark.parametrize("persona", ["supervisor_b", "editor_b"])
def test_outsiders_get_404_on_another_countys_filing(chains, login, persona):
    w = chains
    filing = services.do_submit_filing(new_filing(w, FilingKind.OPEN, w.editor_a), acting_user=w.editor_a)
    step = filing.current_steps().get(status="pending")
    client = login(getattr(w, persona))
    for name in ("detail", "edit", "docx", "pdf", "notice"):
        assert client.get(reverse(f"filings:{name}", args=[filing.pk])).status_code == 404, name
    for name in ("submit", "withdraw", "registered"):
        assert client.post(reverse(f"filings:{name}", args=[filing.pk])).status_code == 404, name
        assert client.get(reverse(f"filings:{name}", args=[filing.pk])).status_code == 404, name
    assert client.post(reverse("filings:decide", args=[step.pk]), {"decision": "approve"}).status_code == 404
    assert client.get(reverse("filings:decide", args=[step.pk])).status_code == 404
    assert filing.number not in client.get(reverse("filings:list")).content.decode()
    assert filing.number not in client.get(reverse("filings:waiting")).content.decode()
    assert Filing.objects.get(pk=filing.pk).current_step == 1


def test_an_in_scope_supervisor_of_another_level_cannot_decide_the_step(chains, login):
    w = chains
    filing = services.do_submit_filing(new_filing(w, FilingKind.OPEN, w.editor_a), acting_user=w.editor_a)
    step = filing.current_steps().get(status="pending")
    client = login(w.city_supervisor)
    assert client.get(reverse("filings:detail", args=[filing.pk])).status_code == 200
    assert client.post(reverse("filings:decide", args=[step.pk]), {"decision": "approve"}).status_code == 403


def test_the_documents_download_for_the_owner(chains, login):
    w = chains
    filing = walk(
        services.do_submit_filing(new_filing(w, FilingKind.OPEN, w.editor_a), acting_user=w.editor_a),
        w.reviewer_a,
    )
    client = login(w.editor_a)
    docx = client.get(reverse("filings:docx", args=[filing.pk]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    pdf = client.get(reverse("filings:pdf", args=[filing.pk]))
    assert pdf.status_code in (200, 302)


def test_the_annual_check_marks_changes_without_a_filing(chains, login):
    from govmedia.registry.services import do_save_account

    w = chains
    w.account_a.status = "closed"
    do_save_account(w.account_a, acting_user=w.supervisor_a)
    filing = new_filing(w, FilingKind.CHANGE, w.editor_b, account=w.account_b, account_name="临河教育发布")
    walk(services.do_submit_filing(filing, acting_user=w.editor_b), w.supervisor_b)
    rows = services.lifecycle_check(w.city_supervisor, year=w.account_a.updated_at.year)
    by_account = {(r.account_id, r.event): r.filing_number for r in rows}
    assert by_account[(w.account_a.pk, "closed")] == ""
    assert by_account[(w.account_b.pk, "changed")] == filing.number
    page = login(w.supervisor_b).get(reverse("filings:report")).content.decode()
    assert "临河教育发布" in page and "青山教育" not in page


def test_anonymous_visitors_are_sent_to_login_from_every_filings_page(chains, client):
    w = chains
    filing = services.do_submit_filing(new_filing(w, FilingKind.OPEN, w.editor_a), acting_user=w.editor_a)
    step = filing.current_steps().get(status="pending")
    urls = [reverse(f"filings:{n}") for n in ("list", "waiting", "report")]
    urls += [reverse("filings:new", args=["open"]), reverse("filings:decide", args=[step.pk])]
    urls += [
        reverse(f"filings:{n}", args=[filing.pk])
        for n in ("detail", "edit", "submit", "withdraw", "registered", "docx", "pdf", "notice")
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_a_read_only_reviewer_of_another_unit_cannot_file(chains, login):
    w = chains
    assert login(w.reviewer_a).get(reverse("filings:new", args=["open"])).status_code == 403
    assert login(w.supervisor_a).post(reverse("filings:new", args=["open"]), OPEN_FORM).status_code == 403
    assert not Filing.objects.exists()


def test_a_supervisor_cannot_edit_the_applicants_form(chains, login):
    w = chains
    filing = new_filing(w, FilingKind.OPEN, w.editor_a)
    supervisor = login(w.supervisor_a)
    page = supervisor.get(reverse("filings:edit", args=[filing.pk]))
    assert page.status_code == 200 and "只有主办单位的编辑可以修改" in page.content.decode()
    assert 'name="reason"' not in page.content.decode()
    assert supervisor.post(reverse("filings:edit", args=[filing.pk]), {"reason": "改"}).status_code == 403
    assert login(w.editor_a).get(reverse("filings:edit", args=[filing.pk])).status_code == 200


def test_action_urls_opened_by_get_show_the_filing_and_change_nothing(chains, login):
    w = chains
    filing = new_filing(w, FilingKind.OPEN, w.editor_a)
    page = login(w.editor_a).get(reverse("filings:submit", args=[filing.pk]))
    assert page.status_code == 200 and "提交审批" in page.content.decode()
    assert Filing.objects.get(pk=filing.pk).status == FilingStatus.DRAFT
    assert login(w.editor_a).put(reverse("filings:submit", args=[filing.pk])).status_code == 405
