"""A supervisor's dashboard and a published bulletin in the real Chromium, under the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from govmedia.results import bulletins, services
from tests.web.test_browser import SCREENSHOTS
from tests.web.test_browser import pytestmark as browser_marks

pytestmark = browser_marks


@pytest.fixture(autouse=True)
def _restore_async_guard():
    """browser_page sets DJANGO_ALLOW_ASYNC_UNSAFE for good; later tests (the deploy check) must not see it."""
    import os

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def scenario(transactional_db, world):
    from govmedia.registry.models import AssessmentGroup, Unit
    from govmedia.supervision.models import Finding, FindingStatus
    from govmedia.supervision.services import do_publish_inspection
    from tests.supervision.factories import county_a_inspection

    Unit.objects.filter(pk__in=[world.dept_a.pk, world.dept_a2.pk, world.town_a.pk]).update(
        assessment_group=AssessmentGroup.CITY_DEPARTMENT
    )
    inspection = county_a_inspection(world)
    do_publish_inspection(inspection, acting_user=world.supervisor_a)
    services.do_send_rectifications(
        Finding.objects.filter(
            status=FindingStatus.OPEN, account__owner__region__path__startswith=world.county_a.path
        ),
        acting_user=world.supervisor_a,
    )
    world.bulletin = bulletins.do_create_bulletin(inspection, acting_user=world.supervisor_a)
    bulletins.do_approve_bulletin(world.bulletin, acting_user=world.supervisor_a)
    bulletins.do_publish_bulletin(world.bulletin, acting_user=world.supervisor_a)
    return world


def test_the_dashboard_draws_its_charts_and_a_bulletin_reads_like_a_document(
    scenario, live_server, browser_page
):
    page = browser_page
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "sup_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/results/")
    for name in ("trend", "platforms", "ranking", "rectifications"):
        chart = page.locator(f"#chart-{name}")
        expect(chart).to_have_attribute("data-ready", "1")
        expect(chart.locator("canvas")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("青山民政")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "results_dashboard.png"), full_page=True)

    page.goto(f"{live_server.url}/results/public/bulletins/{scenario.bulletin.pk}/")
    expect(page.locator(".gongwen .issuer")).to_have_text("青山县人民政府办公室")
    expect(page.locator(".gongwen")).to_contain_text("青山民政")
    page.screenshot(path=str(SCREENSHOTS / "results_bulletin.png"), full_page=True)
    assert not [p for p in problems if "Content Security Policy" in p or "Error" in p], problems
