"""Objects of 青山县民政局 (county A) for the every-URL security test and the page tests."""

from __future__ import annotations

from django.core.files.base import ContentFile

from govmedia.results import services
from govmedia.results.models import Evidence, Rectification
from govmedia.supervision.models import Finding, FindingStatus
from tests.supervision.factories import county_a_inspection


def a2_rectification(w) -> Rectification:
    if getattr(w, "_a2_rectification", None) is None:
        county_a_inspection(w)
        findings = Finding.objects.filter(account=w.account_a2, status=FindingStatus.OPEN)
        [w._a2_rectification] = services.do_send_rectifications(findings, acting_user=w.supervisor_a)
    return w._a2_rectification


def a2_evidence(w) -> Evidence:
    from tests.results.conftest import png_bytes

    rect = a2_rectification(w)
    evidence = Evidence(rectification=rect, original_name="截图.png", content_type="image/png", size=100)
    evidence.file.save("shot.png", ContentFile(png_bytes()), save=True)
    return evidence


def a2_bulletin(w):
    """A draft bulletin of 青山县人民政府办公室 on the county-A inspection (which names 青山民政)."""
    from govmedia.results.bulletins import do_create_bulletin
    from govmedia.supervision.services import do_publish_inspection

    inspection = county_a_inspection(w)
    if not inspection.is_published:
        do_publish_inspection(inspection, acting_user=w.supervisor_a)
    return do_create_bulletin(inspection, acting_user=w.supervisor_a)


def a2_assessment(w):
    """A monthly assessment of 青山县民政局 alone (so it names 青山县民政局's scope)."""
    from govmedia.results.assessments import do_run_assessment
    from govmedia.supervision.services import do_publish_inspection

    inspection = county_a_inspection(w)
    if not inspection.is_published:
        do_publish_inspection(inspection, acting_user=w.supervisor_a)
    return do_run_assessment(
        acting_user=w.supervisor_a,
        period="month",
        year=inspection.period_end.year,
        number=inspection.period_end.month,
        scope_unit=w.dept_a2,
    )


def a2_candidate(w):
    from govmedia.results.models import CleanupCandidate

    evidence = {"n": 4, "label": "出现安全、泄密事故等严重问题", "evidence": "账号被盗"}
    return CleanupCandidate.objects.create(account=w.account_a2, conditions=[evidence])
