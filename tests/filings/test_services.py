"""Filings walk each region's chain; the moves, numbers, deadlines and closing rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from govmedia.core.models import AuditLog
from govmedia.filings import services
from govmedia.filings.models import ApprovalStep, Filing, FilingKind, FilingStatus, StepStatus
from govmedia.registry.models import AccountStatus, Contact, MediaAccount, Platform

from .conftest import MONDAY, new_filing, walk

pytestmark = pytest.mark.django_db


def test_an_opening_in_a_county_walks_owner_county_and_city_and_creates_the_account(chains):
    w = chains
    filing = new_filing(w, FilingKind.OPEN, w.editor_a)
    filing = services.do_submit_filing(filing, acting_user=w.editor_a, today=MONDAY)
    assert filing.number == "青备〔2026〕0001号"
    assert filing.status == FilingStatus.IN_REVIEW
    first = filing.current_steps().get(order=1)
    assert first.approver_unit == w.dept_a and first.due_on == dt.date(2026, 11, 5)
    filing = walk(filing, w.reviewer_a, w.supervisor_a)
    assert filing.status == FilingStatus.IN_REVIEW and filing.current_step == 3
    assert not MediaAccount.objects.filter(platform_uid="qs-edu-dy").exists()
    filing = walk(filing, w.city_supervisor)
    assert filing.status == FilingStatus.APPROVED
    account = MediaAccount.objects.get(platform_uid="qs-edu-dy")
    assert account.owner == w.dept_a and account.status == AccountStatus.ACTIVE
    assert filing.account == account
    assert account.contacts.get(role=Contact.Role.HEAD).name == "王五"
    actions = list(
        AuditLog.objects.filter(object_id=str(filing.pk), object_type="filings.filing").values_list(
            "action", flat=True
        )
    )
    assert "filings.approved" in actions and "filings.submitted" in actions
    assert AuditLog.objects.filter(action="registry.account_created", object_id=str(account.pk)).exists()


def test_a_dingtao_style_district_approves_in_one_step(chains):
    w = chains
    filing = new_filing(w, FilingKind.CHANGE, w.editor_b, account=w.account_b, account_name="临河教育发布")
    assert filing.changes == {"account_name": ["临河教育", "临河教育发布"]}
    filing = services.do_submit_filing(filing, acting_user=w.editor_b, today=MONDAY)
    assert filing.number == "临备〔2026〕0001号"
    filing = walk(filing, w.supervisor_b)
    assert filing.status == FilingStatus.APPROVED
    w.account_b.refresh_from_db()
    assert w.account_b.name == "临河教育发布"


def test_a_change_filing_shows_old_and_new_for_contacts_too(chains):
    w = chains
    filing = new_filing(
        w, FilingKind.CHANGE, w.editor_a, account=w.account_a, head_name="李四", verified=True
    )
    assert filing.changes["head_name"] == ["张三", "李四"]
    assert filing.changes["verified"] == ["否", "是"]
    filing = services.do_submit_filing(filing, acting_user=w.editor_a, today=MONDAY)
    walk(filing, w.reviewer_a, w.supervisor_a, w.city_supervisor)
    assert w.account_a.contacts.get(role="head").name == "李四"


def test_a_change_without_changes_cannot_be_submitted(chains):
    w = chains
    filing = new_filing(w, FilingKind.CHANGE, w.editor_a, account=w.account_a)
    with pytest.raises(services.FilingError, match="没有任何变更"):
        services.do_submit_filing(filing, acting_user=w.editor_a, today=MONDAY)


def test_a_returned_filing_is_corrected_resubmitted_and_keeps_its_number(chains):
    w = chains
    filing = new_filing(w, FilingKind.OPEN, w.editor_a)
    filing = services.do_submit_filing(filing, acting_user=w.editor_a, today=MONDAY)
    filing = walk(filing, w.reviewer_a)
    step = filing.current_steps().get(status="pending")
    with pytest.raises(services.FilingError, match="理由"):
        services.do_return_step(step, acting_user=w.supervisor_a, comment=" ")
    filing = services.do_return_step(step, acting_user=w.supervisor_a, comment="请补充栏目设置")
    assert filing.status == FilingStatus.RETURNED
    assert ApprovalStep.objects.filter(filing=filing, round=1, status=StepStatus.CANCELLED).count() == 1
    filing.sections = "教育资讯、招生考试"
    services.do_save_filing(filing, acting_user=w.editor_a)
    filing = services.do_submit_filing(filing, acting_user=w.editor_a, today=MONDAY)
    assert filing.round == 2 and filing.number == "青备〔2026〕0001号"
    assert filing.current_steps().get(order=1).status == StepStatus.PENDING
    filing = walk(filing, w.reviewer_a, w.supervisor_a, w.city_supervisor)
    assert MediaAccount.objects.get(platform_uid="qs-edu-dy").sections == "教育资讯、招生考试"


def test_a_rejected_filing_ends_and_changes_nothing(chains):
    w = chains
    filing = new_filing(w, FilingKind.OPEN, w.editor_a)
    filing = services.do_submit_filing(filing, acting_user=w.editor_a, today=MONDAY)
    filing = walk(filing, w.reviewer_a)
    step = filing.current_steps().get(status="pending")
    filing = services.do_reject_step(step, acting_user=w.supervisor_a, comment="同一平台已有账号，应集约建设")
    assert filing.status == FilingStatus.REJECTED
    assert not MediaAccount.objects.filter(platform_uid="qs-edu-dy").exists()
    with pytest.raises(services.IllegalTransition):
        services.do_submit_filing(filing, acting_user=w.editor_a, today=MONDAY)


def test_the_second_of_two_approvers_of_one_step_loses(chains):
    w = chains
    from conftest import make_user

    other = make_user("sup_a2", "supervisor", w.office_a)
    filing = services.do_submit_filing(new_filing(w, FilingKind.OPEN, w.editor_a), acting_user=w.editor_a)
    filing = walk(filing, w.reviewer_a)
    seen_by_first = filing.current_steps().get(status="pending")
    seen_by_second = ApprovalStep.objects.get(pk=seen_by_first.pk)  # both loaded the page
    services.do_approve_step(seen_by_first, acting_user=w.supervisor_a)
    with pytest.raises(services.AlreadyDecided):
        services.do_approve_step(seen_by_second, acting_user=other)
    assert ApprovalStep.objects.get(pk=seen_by_first.pk).decided_by == w.supervisor_a
    assert Filing.objects.get(pk=filing.pk).current_step == 3


def test_only_supervisors_of_the_step_unit_may_decide_it(chains):
    w = chains
    filing = services.do_submit_filing(new_filing(w, FilingKind.OPEN, w.editor_a), acting_user=w.editor_a)
    filing = walk(filing, w.reviewer_a)
    step = filing.current_steps().get(status="pending")
    for outsider in (w.supervisor_b, w.city_supervisor, w.editor_a, w.observer):
        with pytest.raises(PermissionDenied):
            services.do_approve_step(step, acting_user=outsider)
    assert list(services.waiting_for(w.supervisor_a)) == [step]
    assert not services.waiting_for(w.supervisor_b).exists()


def test_only_the_owner_units_editor_files(chains):
    w = chains
    with pytest.raises(PermissionDenied):
        new_filing(w, FilingKind.CHANGE, w.editor_b, account=w.account_a, account_name="x")


def test_closing_waits_for_fifteen_working_days_of_notice(chains):
    w = chains
    filing = new_filing(
        w,
        FilingKind.CLOSE,
        w.editor_b,
        account=w.account_b,
        notice_url="https://example.com/notice",
        notice_published_on=MONDAY,
    )
    filing = services.do_submit_filing(filing, acting_user=w.editor_b, today=MONDAY)
    step = filing.current_steps().get(status="pending")
    with pytest.raises(services.FilingError, match="2026年11月23日起"):
        services.do_approve_step(step, acting_user=w.supervisor_b, today=dt.date(2026, 11, 20))
    assert ApprovalStep.objects.get(pk=step.pk).status == StepStatus.PENDING
    services.do_approve_step(step, acting_user=w.supervisor_b, today=dt.date(2026, 11, 23))
    w.account_b.refresh_from_db()
    assert w.account_b.status == AccountStatus.CLOSED


def test_a_close_needs_a_published_notice(chains):
    w = chains
    filing = new_filing(w, FilingKind.SUSPEND, w.editor_b, account=w.account_b)
    with pytest.raises(services.FilingError, match="停更公告"):
        services.do_submit_filing(filing, acting_user=w.editor_b, today=MONDAY)


def test_closing_a_county_government_account_is_refused(chains):
    w = chains
    gov_account = MediaAccount.objects.create(
        owner=w.gov_a, platform=Platform.WEIBO, name="青山发布", platform_uid="qs-gov"
    )
    filing = new_filing(
        w,
        FilingKind.CLOSE,
        w.editor_gov_a,
        account=gov_account,
        notice_url="https://example.com/n",
        notice_published_on=MONDAY,
    )
    with pytest.raises(services.FilingError, match="原则上不得注销"):
        services.do_submit_filing(filing, acting_user=w.editor_gov_a, today=MONDAY)


def test_a_closed_app_must_be_delisted(chains):
    w = chains
    app = MediaAccount.objects.create(
        owner=w.dept_b, platform=Platform.APP, name="临河教育APP", platform_uid="b-app"
    )
    filing = new_filing(
        w,
        FilingKind.CLOSE,
        w.editor_b,
        account=app,
        notice_url="https://example.com/n",
        notice_published_on=MONDAY,
    )
    with pytest.raises(services.FilingError, match="下架"):
        services.do_submit_filing(filing, acting_user=w.editor_b, today=MONDAY)
    filing.app_delisted = True
    services.do_submit_filing(filing, acting_user=w.editor_b, today=MONDAY)


def test_suspending_sets_the_account_suspended(chains):
    w = chains
    filing = new_filing(
        w,
        FilingKind.SUSPEND,
        w.editor_b,
        account=w.account_b,
        notice_url="https://example.com/n",
        notice_published_on=dt.date(2026, 10, 9),
    )
    filing = services.do_submit_filing(filing, acting_user=w.editor_b, today=MONDAY)
    walk(filing, w.supervisor_b)
    w.account_b.refresh_from_db()
    assert w.account_b.status == AccountStatus.SUSPENDED


def test_a_merge_closes_the_merged_accounts_and_keeps_the_survivor(chains):
    w = chains
    extra = MediaAccount.objects.create(
        owner=w.dept_b, platform=Platform.WEIBO, name="临河教育微博", platform_uid="b-wb"
    )
    filing = new_filing(
        w,
        FilingKind.MERGE,
        w.editor_b,
        account=w.account_b,
        notice_url="https://example.com/n",
        notice_published_on=dt.date(2026, 10, 9),
    )
    filing.merged_accounts.add(extra)
    filing = services.do_submit_filing(filing, acting_user=w.editor_b, today=MONDAY)
    walk(filing, w.supervisor_b)
    extra.refresh_from_db()
    w.account_b.refresh_from_db()
    assert extra.status == AccountStatus.CLOSED and w.account_b.status == AccountStatus.ACTIVE
    log = AuditLog.objects.get(action="registry.account_updated", object_id=str(extra.pk))
    assert "并入“临河教育”" in log.comment


def test_numbers_are_per_region_and_year_without_gaps(chains):
    w = chains
    numbers = []
    for uid in ("n1", "n2", "n3"):
        f = new_filing(w, FilingKind.OPEN, w.editor_a, platform_uid=uid)
        numbers.append(services.do_submit_filing(f, acting_user=w.editor_a, today=MONDAY).number)
    from govmedia.core import calendar
    from govmedia.core.models import CalendarYear

    CalendarYear.objects.create(year=2027, source="测试")
    calendar.clear_cache()
    f = new_filing(w, FilingKind.OPEN, w.editor_a, platform_uid="n4")
    numbers.append(services.do_submit_filing(f, acting_user=w.editor_a, today=dt.date(2027, 1, 4)).number)
    assert numbers == ["青备〔2026〕0001号", "青备〔2026〕0002号", "青备〔2026〕0003号", "青备〔2027〕0001号"]
    b = new_filing(w, FilingKind.CHANGE, w.editor_b, account=w.account_b, account_name="临河教育发布")
    assert services.do_submit_filing(b, acting_user=w.editor_b, today=MONDAY).number == "临备〔2026〕0001号"


def test_a_township_uses_its_countys_chain_and_a_city_department_the_citys(chains):
    w = chains
    assert services.chain_for(w.town_a) == w.chain_a
    assert services.chain_for(w.city_dept) == w.chain_city
