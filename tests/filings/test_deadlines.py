"""Missed filing deadlines become plain evidence records for the inspection engine."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govmedia.filings import services
from govmedia.filings.models import ApprovalChain, Filing, FilingKind

from .conftest import MONDAY, new_filing, walk

pytestmark = pytest.mark.django_db


def test_a_step_past_its_deadline_is_reported_for_its_region_only(chains):
    w = chains
    filing = services.do_submit_filing(
        new_filing(w, FilingKind.OPEN, w.editor_a), acting_user=w.editor_a, today=MONDAY
    )
    assert services.late_filings(today=dt.date(2026, 11, 5)) == []  # due that day
    records = services.late_filings(region=w.county_a, today=dt.date(2026, 11, 9))
    assert [(r.rule, r.filing_id, r.due_on, r.days_late) for r in records] == [
        ("step_overdue", filing.pk, dt.date(2026, 11, 5), 2)
    ]
    assert "主办单位意见" in records[0].message
    assert services.late_filings(region=w.county_b, today=dt.date(2026, 11, 9)) == []
    assert records[0].as_dict()["unit_id"] == w.dept_a.pk


def test_a_submission_later_than_five_working_days_after_the_decision_is_late(chains):
    w = chains
    filing = new_filing(w, FilingKind.OPEN, w.editor_a, decided_on=dt.date(2026, 10, 20))
    services.do_submit_filing(filing, acting_user=w.editor_a, today=MONDAY)
    Filing.objects.filter(pk=filing.pk).update(submitted_at=timezone.make_aware(dt.datetime(2026, 11, 2, 10)))
    records = [r for r in services.late_filings(today=MONDAY) if r.rule == "submit_late"]
    assert len(records) == 1 and records[0].due_on == dt.date(2026, 10, 27)


def test_an_approved_filing_not_registered_nationally_in_three_working_days_is_late(chains):
    w = chains
    filing = new_filing(w, FilingKind.CHANGE, w.editor_b, account=w.account_b, account_name="临河教育发布")
    filing = walk(services.do_submit_filing(filing, acting_user=w.editor_b, today=MONDAY), w.supervisor_b)
    Filing.objects.filter(pk=filing.pk).update(decided_at=timezone.make_aware(dt.datetime(2026, 11, 2, 10)))
    assert services.late_filings(today=dt.date(2026, 11, 5)) == []
    late = services.late_filings(today=dt.date(2026, 11, 6))
    assert [r.rule for r in late] == ["registration_overdue"]
    filing.refresh_from_db()
    services.do_record_national_registration(filing, acting_user=w.supervisor_b, on=dt.date(2026, 11, 4))
    assert services.late_filings(today=dt.date(2026, 11, 6)) == []


def test_preexisting_accounts_without_a_filing_after_thirty_working_days_are_reported(chains):
    from govmedia.core import calendar
    from govmedia.registry.models import MediaAccount

    w = chains
    ApprovalChain.objects.filter(pk=w.chain_b.pk).update(effective_from=dt.date(2026, 9, 1))
    MediaAccount.objects.filter(pk=w.account_b.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 8, 3))
    )
    due = calendar.add_working_days(dt.date(2026, 9, 1), 30)
    assert services.late_filings(region=w.county_b, today=due) == []
    records = services.late_filings(region=w.county_b, today=due + dt.timedelta(days=3))
    assert [(r.rule, r.account_id) for r in records] == [("unfiled_preexisting", w.account_b.pk)]
    assert services.late_filings(region=w.county_a, today=due + dt.timedelta(days=3)) == []
    filing = new_filing(w, FilingKind.CHANGE, w.editor_b, account=w.account_b, account_name="临河教育发布")
    services.do_submit_filing(filing, acting_user=w.editor_b, today=MONDAY)
    assert services.late_filings(region=w.county_b, today=due + dt.timedelta(days=3)) == []


def test_an_opening_filed_more_than_seven_working_days_after_it_opened_is_late(chains):
    w = chains
    filing = new_filing(w, FilingKind.OPEN, w.editor_b, registered_on=dt.date(2026, 10, 9))
    Filing.objects.filter(pk=filing.pk).update(owner=w.dept_b)
    filing.refresh_from_db()
    services.do_submit_filing(filing, acting_user=w.editor_b, today=MONDAY)
    records = [r for r in services.late_filings(today=MONDAY) if r.rule == "open_filing_late"]
    assert len(records) == 1 and records[0].due_on == dt.date(2026, 10, 19)


def test_steps_due_within_a_working_day_are_listed_for_reminders(chains):
    w = chains
    filing = services.do_submit_filing(
        new_filing(w, FilingKind.OPEN, w.editor_a), acting_user=w.editor_a, today=MONDAY
    )
    assert not services.steps_due_soon(today=MONDAY).exists()  # due Thursday 5 Nov
    assert [s.filing_id for s in services.steps_due_soon(today=dt.date(2026, 11, 4))] == [filing.pk]
    assert not services.steps_due_soon(today=dt.date(2026, 11, 6)).exists()  # overdue: late_filings' job


def test_the_filings_list_runs_a_flat_number_of_queries(chains, login, django_assert_max_num_queries):
    w = chains
    client = login(w.city_supervisor)
    for i in range(3):
        new_filing(w, FilingKind.OPEN, w.editor_a, platform_uid=f"q{i}")
    with django_assert_max_num_queries(12) as few:
        client.get("/filings/")
    for i in range(3, 13):
        new_filing(w, FilingKind.OPEN, w.editor_a, platform_uid=f"q{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/filings/")
