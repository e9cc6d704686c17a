from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from govmedia.results import assessments
from govmedia.supervision.indicators import resolve
from govmedia.supervision.models import Inspection, InspectionStatus, UnitResult

pytestmark = pytest.mark.django_db


def _week(w, start: dt.date, scores: dict, *, published=True) -> Inspection:
    inspection = Inspection.objects.create(
        period_start=start,
        period_end=start + dt.timedelta(days=6),
        indicator_set=resolve("national-2019"),
        scope_unit=w.gov_a,
        region_path=w.county_a.path,
        status=InspectionStatus.PUBLISHED if published else InspectionStatus.DRAFT,
    )
    for unit, (group, score, vetoed) in scores.items():
        UnitResult.objects.create(
            inspection=inspection,
            unit=unit,
            group=group,
            score=score,
            vetoed=vetoed,
            final=0,
            rank=1,
            account_count=1,
        )
    return inspection


def test_a_quarter_averages_weekly_unit_scores_and_normalises_by_the_group_best(world):
    w = world
    _week(
        w,
        dt.date(2026, 10, 5),
        {
            w.dept_a: ("county", 90, False),
            w.dept_a2: ("county", 80, False),
            w.town_a: ("city_department", 70, False),
        },
    )
    _week(
        w,
        dt.date(2026, 10, 12),
        {
            w.dept_a: ("county", 70, False),
            w.dept_a2: ("county", 95, True),
            w.town_a: ("city_department", 60, False),
        },
    )
    _week(w, dt.date(2026, 10, 19), {w.dept_a: ("county", 0, False)}, published=False)  # drafts do not count
    a = assessments.do_run_assessment(
        acting_user=w.supervisor_a, period="quarter", year=2026, number=4, scope_unit=w.gov_a
    )
    assert a.title == "2026年第四季度青山县人民政府政务新媒体考核"
    assert (a.start, a.end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    rows = {u["unit"]: u for u in a.result["units"]}
    assert (
        rows["青山县教育局"]["mean"] == 80
        and rows["青山县教育局"]["final"] == 100
        and rows["青山县教育局"]["rank"] == 1
    )
    assert (
        rows["青山县民政局"]["mean"] == 40 and rows["青山县民政局"]["final"] == 50
    )  # the vetoed week counts 0
    assert rows["青山县石桥镇"]["final"] == 100  # alone in its group
    book = load_workbook(io.BytesIO(assessments.assessment_xlsx(a)))
    assert [c.value for c in book.active[1]] == [
        "考核类别",
        "排名",
        "单位",
        "检查次数",
        "平均得分",
        "最终得分",
    ]


def test_a_period_without_published_inspections_is_refused_in_chinese(world):
    with pytest.raises(assessments.AssessmentError, match="没有已发布的检查"):
        assessments.do_run_assessment(
            acting_user=world.supervisor_a, period="month", year=2026, number=3, scope_unit=world.gov_a
        )


def test_the_page_runs_and_shows_an_assessment_and_outsiders_get_404(world, login):
    w = world
    _week(w, dt.date(2026, 10, 5), {w.dept_a: ("county", 90, False), w.dept_a2: ("county", 80, False)})
    client = login(w.supervisor_a)
    response = client.post(
        reverse("results:assessments"),
        {"period": "month", "year": 2026, "number": 10, "scope_unit": w.gov_a.pk},
    )
    a = assessments.Assessment.objects.get()
    assert response.url == reverse("results:assessment", kwargs={"pk": a.pk})
    assert "青山县民政局" in client.get(response.url).content.decode()
    assert client.get(reverse("results:assessment_export", kwargs={"pk": a.pk})).status_code == 200
    bad = client.post(
        reverse("results:assessments"),
        {"period": "month", "year": 2026, "number": 2, "scope_unit": w.gov_a.pk},
        follow=True,
    )
    assert "考核周期" in bad.content.decode()
    assert login(w.supervisor_b).get(reverse("results:assessment", kwargs={"pk": a.pk})).status_code == 404
