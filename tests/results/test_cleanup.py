from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from govmedia.content.models import Post
from govmedia.registry.models import FollowerCount, MediaAccount
from govmedia.results import cleanup
from govmedia.results.models import (
    Assessment,
    Bulletin,
    BulletinStatus,
    CandidateStatus,
    CleanupCandidate,
    Notice,
)
from govmedia.supervision.models import Finding, RegionPopulation
from tests.results.conftest import NOW

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 16)


@pytest.fixture
def old(world, frozen):
    MediaAccount.objects.update(opened_on=dt.date(2024, 1, 1))
    # every account posts weekly, so nobody has 14-day gaps unless a test says so
    for account in MediaAccount.objects.all():
        day = TODAY - dt.timedelta(days=364)
        while day < TODAY:
            Post.objects.create(
                account=account,
                platform_post_id=f"{account.pk}-{day}",
                content_hash=f"{account.pk}{day}",
                published_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
                fetched_at=NOW,
            )
            day += dt.timedelta(days=7)
    return world


def _conditions(account) -> set[int]:
    return {c["n"] for c in cleanup.evaluate(TODAY).get(account.pk, [])}


def test_accounts_younger_than_a_year_are_never_candidates(world, frozen):
    from govmedia.security.models import SecurityIncident

    SecurityIncident.objects.create(account=world.account_a2, kind="stolen", title="被盗", occurred_at=NOW)
    assert cleanup.evaluate(TODAY) == {}


def test_an_active_account_meets_no_condition(old):
    assert cleanup.evaluate(TODAY) == {}


def test_two_fourteen_day_gaps_in_a_year_qualify_one_does_not(old):
    posts = Post.objects.filter(account=old.account_a2)
    posts.filter(published_at__month=3).delete()
    assert _conditions(old.account_a2) == set()
    posts.filter(published_at__month=8).delete()
    assert _conditions(old.account_a2) == {3}


def test_a_serious_security_incident_qualifies(old):
    from govmedia.security.models import SecurityIncident

    SecurityIncident.objects.create(account=old.account_a2, kind="stolen", title="账号被盗", occurred_at=NOW)
    [hit] = cleanup.evaluate(TODAY)[old.account_a2.pk]
    assert hit["n"] == 4 and "账号被盗" in hit["evidence"]


def test_followers_long_below_one_percent_of_the_population_qualify(old):
    RegionPopulation.objects.create(region=old.county_a, population=500_000)
    FollowerCount.objects.create(account=old.account_a, date=TODAY - dt.timedelta(days=30), followers=1200)
    FollowerCount.objects.create(account=old.account_a2, date=TODAY - dt.timedelta(days=30), followers=9000)
    assert _conditions(old.account_a) == {5} and _conditions(old.account_a2) == set()


def test_a_law_violation_recorded_by_a_supervisor_qualifies(old):
    Finding.objects.create(
        account=old.account_a2,
        indicator_code="law_violation",
        indicator_name="违反法律法规",
        kind="veto",
        check_name="manual",
        key="1",
        summary="发布违法广告",
        last_found_at=NOW,
        source="manual",
    )
    assert _conditions(old.account_a2) == {6}


def test_two_bulletins_last_year_and_two_low_assessments_qualify(old):
    from tests.supervision.factories import county_a_inspection

    inspection = county_a_inspection(old)
    for n in (1, 2):
        Bulletin.objects.create(
            inspection=inspection,
            issuer=old.office_a,
            region_path=old.county_a.path,
            title=f"通报{n}",
            number=f"青山县政办通〔2025〕{n}号",
            status=BulletinStatus.PUBLISHED,
            published_at=NOW.replace(year=2025),
            content={"failed_accounts": [{"account_id": old.account_a2.pk}]},
        )
        Assessment.objects.create(
            title=f"2026年{n}月考核",
            period="month",
            start=dt.date(2026, n, 1),
            end=dt.date(2026, n, 28),
            scope_unit=old.gov_a,
            region_path=old.county_a.path,
            result={"units": [{"unit_id": old.dept_a.pk, "final": 75.0 + n}]},
        )
    assert _conditions(old.account_a2) == {2}
    assert _conditions(old.account_a) == {1}


def test_refreshing_is_idempotent_and_a_supervisor_dismisses_or_asks_for_a_filing(old, login):
    from govmedia.security.models import SecurityIncident

    SecurityIncident.objects.create(account=old.account_a2, kind="leak", title="数据泄露", occurred_at=NOW)
    SecurityIncident.objects.create(account=old.account_a, kind="stolen", title="被盗", occurred_at=NOW)
    assert cleanup.refresh_candidates(TODAY) == {"added": 2, "updated": 0, "removed": 0}
    assert cleanup.refresh_candidates(TODAY) == {"added": 0, "updated": 0, "removed": 0}
    client = login(old.supervisor_a)
    assert "青山民政" in client.get(reverse("results:cleanup")).content.decode()
    c2 = CleanupCandidate.objects.get(account=old.account_a2)
    url = reverse("results:cleanup_candidate", kwargs={"pk": c2.pk})
    assert "排除理由" in client.post(url, {"action": "dismiss", "reason": ""}, follow=True).content.decode()
    client.post(url, {"action": "file", "kind": "close"})
    c2.refresh_from_db()
    assert c2.status == CandidateStatus.FILED
    notice = Notice.objects.get(unit=old.dept_a2)
    assert notice.link == f"/filings/new/close/?account={old.account_a2.pk}"
    c1 = CleanupCandidate.objects.get(account=old.account_a)
    client.post(
        reverse("results:cleanup_candidate", kwargs={"pk": c1.pk}), {"action": "dismiss", "reason": "已找回"}
    )
    c1.refresh_from_db()
    assert c1.status == CandidateStatus.DISMISSED and c1.reason == "已找回"
    assert login(old.supervisor_b).get(url).status_code == 404


def test_the_scheduled_tasks_and_commands_run_as_plain_functions_and_twice_change_nothing(old):
    from django.core.management import call_command

    from govmedia.results import tasks
    from govmedia.security.models import SecurityIncident

    SecurityIncident.objects.create(account=old.account_a2, kind="leak", title="数据泄露", occurred_at=NOW)
    assert tasks.refresh_cleanup_candidates() == {"added": 1, "updated": 0, "removed": 0}
    assert tasks.refresh_cleanup_candidates() == {"added": 0, "updated": 0, "removed": 0}
    assert tasks.remind_overdue_rectifications() == {"reminded": 0}
    call_command("refresh_cleanup_candidates")
    call_command("remind_overdue_rectifications")
    assert CleanupCandidate.objects.count() == 1
