"""The inspection workbook streams: scores and Findings of thousands of accounts in flat memory and queries."""

from __future__ import annotations

import gc
import io
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from govmedia.registry.models import MediaAccount, Platform, Unit, UnitKind
from govmedia.supervision.models import AccountResult, Finding, IndicatorKind, InspectionFinding
from govmedia.supervision.services import run_inspection
from tests.registry.test_streaming_export import analyze
from tests.supervision.conftest import END, START

pytestmark = pytest.mark.slow

SMALL, LARGE = 2_000, 10_000  # accounts scored; each has two Findings


@pytest.fixture
def inspection(region, test_set, frozen_now):
    return run_inspection(start=START, end=END, indicator_set=test_set, title="十一月检查")


def add_scores(inspection, unit: Unit, start: int, stop: int) -> None:
    accounts = MediaAccount.objects.bulk_create(
        [
            MediaAccount(
                owner=unit, platform=Platform.DOUYIN, name=f"批量账号{i:05d}", platform_uid=f"bulk-{i}"
            )
            for i in range(start, stop)
        ],
        batch_size=5000,
    )
    AccountResult.objects.bulk_create(
        [
            AccountResult(
                inspection=inspection,
                account=a,
                unit=unit,
                platform=a.platform,
                deduction_score=90 - i % 30,
                score=90 - i % 30,
                detail={"deductions": {"weekly_posts": 5}, "vetoes": []},
            )
            for i, a in enumerate(accounts, start=start)
        ],
        batch_size=5000,
    )
    now = timezone.now()
    findings = Finding.objects.bulk_create(
        [
            Finding(
                account=a,
                indicator_code="weekly_posts",
                indicator_name="每周不少于2条",
                kind=IndicatorKind.DEDUCTION,
                check_name="weeks_below_post_count",
                key=f"week-{n}",
                summary=f"=第{n}周发布不足" if i % 500 == 0 else f"第{n}周发布不足",
                last_found_at=now,
            )
            for i, a in enumerate(accounts, start=start)
            for n in (1, 2)
        ],
        batch_size=5000,
    )
    InspectionFinding.objects.bulk_create(
        [InspectionFinding(inspection=inspection, finding=f) for f in findings], batch_size=5000
    )
    analyze(MediaAccount, AccountResult, Finding, InspectionFinding)


def export(client, inspection, max_queries) -> tuple[int, bytes, int]:
    gc.collect()
    with max_queries, CaptureQueriesContext(connection) as queries:
        tracemalloc.start()
        try:
            response = client.get(reverse("supervision:inspection_export", args=[inspection.pk]))
            assert response.status_code == 200 and response.streaming
            body = io.BytesIO()
            for chunk in response.streaming_content:
                body.write(chunk)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak, body.getvalue(), len(queries)


def sheets(data: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}
    finally:
        workbook.close()


def test_the_inspection_workbook_of_ten_thousand_accounts_streams_in_flat_memory_and_queries(
    login, region, inspection, django_assert_max_num_queries
):
    unit = Unit.objects.create(
        name="青山县批量测试局", kind=UnitKind.DEPARTMENT, region=region.county_a, parent=region.gov_a
    )
    base = inspection.account_results.count()
    base_findings = inspection.links.count()
    client = login(region.city_supervisor)
    export(client, inspection, django_assert_max_num_queries(15))  # first request: imports, caches
    peaks, queries = {}, {}
    for size, start in ((SMALL, 0), (LARGE, SMALL)):
        add_scores(inspection, unit, start, size)
        peaks[size], data, queries[size] = export(client, inspection, django_assert_max_num_queries(15))
    print("\ninspection export peaks (bytes):", peaks, "queries:", queries)
    assert peaks[LARGE] < 1.5 * peaks[SMALL] + 4 * 1024 * 1024, peaks
    assert queries[LARGE] == queries[SMALL]
    book = sheets(data)
    assert list(book) == ["单位排名", "账号得分", "问题清单"]
    assert len(book["账号得分"]) == 1 + base + LARGE
    assert len(book["问题清单"]) == 1 + base_findings + 2 * LARGE
    assert (
        "批量账号00000",
        "抖音",
        "青山县批量测试局",
        None,
        "每周不少于2条 −5",
        None,
        90,
        90,
        None,
    ) in book["账号得分"]
    findings = [row for row in book["问题清单"] if row[0] == "批量账号00000"]
    assert [row[3] for row in findings] == ["'=第1周发布不足", "'=第2周发布不足"]  # neutralised formula


def test_a_county_supervisor_exports_only_its_own_accounts_of_a_large_inspection(login, region, inspection):
    unit = Unit.objects.create(
        name="青山县批量测试局", kind=UnitKind.DEPARTMENT, region=region.county_a, parent=region.gov_a
    )
    add_scores(inspection, unit, 0, 1000)
    response = login(region.supervisor_b).get(reverse("supervision:inspection_export", args=[inspection.pk]))
    book = sheets(response.getvalue())
    assert {row[0] for row in book["账号得分"][1:]} == {"临河教育"}
    assert {row[0] for row in book["问题清单"][1:]} <= {"临河教育"}
    assert [row[2] for row in book["单位排名"][3:]] == ["临河区人民政府"]
