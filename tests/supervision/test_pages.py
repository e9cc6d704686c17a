"""Pages and API: ranking, score card, Findings with filters, Excel export, and scope."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from govmedia.supervision.models import AccountResult, Finding, FindingStatus, Inspection
from govmedia.supervision.services import run_inspection
from tests.supervision.conftest import END, START


@pytest.fixture
def inspection(region, test_set, frozen_now):
    return run_inspection(start=START, end=END, indicator_set=test_set, title="十一月检查")


def test_the_result_page_ranks_units_by_group_with_a_chart(login, region, inspection):
    body = (
        login(region.city_supervisor)
        .get(reverse("supervision:inspection", args=[inspection.pk]))
        .content.decode()
    )
    assert "单位排名 · 县区" in body and "单位排名 · 市直部门和单位" in body
    assert "<svg" in body and "67.31" in body and "104.00" in body
    assert "<script" not in body.split("</head>")[1] and " onclick" not in body


def test_the_score_card_explains_every_point_with_its_evidence(login, region, inspection):
    result = AccountResult.objects.get(inspection=inspection, account=region.account_a)
    body = (
        login(region.supervisor_a).get(reverse("supervision:score_card", args=[result.pk])).content.decode()
    )
    assert "94.00" in body and "88.00" in body
    assert "转载信息《转载：通知》未注明来源" in body
    assert "超过答复时限" in body and "图解：学区划分" in body


def test_a_county_supervisor_sees_only_its_own_accounts_findings_and_outsiders_get_404(
    login, region, inspection
):
    client = login(region.supervisor_b)
    body = client.get(reverse("supervision:findings")).content.decode()
    assert "临河教育" in body and "青山" not in body
    a_result = AccountResult.objects.get(inspection=inspection, account=region.account_a)
    assert client.get(reverse("supervision:score_card", args=[a_result.pk])).status_code == 404
    # the city-wide inspection shows a county office only its county's units and accounts
    city_wide = client.get(reverse("supervision:inspection", args=[inspection.pk])).content.decode()
    assert "临河区人民政府" in city_wide and "临河教育" in city_wide
    assert "青山" not in city_wide and "示例市教育局" not in city_wide
    api = client.get(reverse("supervision:inspection-detail", args=[inspection.pk])).json()
    assert [a["name"] for a in api["result"]["accounts"]] == ["临河教育"]
    assert [u["name"] for u in api["result"]["units"]] == ["临河区人民政府"]
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("supervision:inspection_export", args=[inspection.pk])).content)
    )
    cells = " ".join(str(c) for ws in workbook for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "临河教育" in cells and "青山" not in cells
    assert client.post(reverse("supervision:inspection_publish", args=[inspection.pk])).status_code == 403
    assert client.post(reverse("supervision:inspection_rerun", args=[inspection.pk])).status_code == 403
    county = run_inspection(
        start=START, end=END, indicator_set=inspection.indicator_set, scope_unit=region.gov_a
    )
    assert client.get(reverse("supervision:inspection", args=[county.pk])).status_code == 404
    assert (
        login(region.supervisor_a).get(reverse("supervision:inspection", args=[county.pk])).status_code == 200
    )


def test_findings_filter_by_status_kind_and_indicator(login, region, inspection):
    client = login(region.city_supervisor)
    url = reverse("supervision:findings")
    vetoes = client.get(url, {"kind": "veto"}).content.decode()
    assert "石桥镇" in vetoes and "示例民政" not in vetoes
    late = client.get(url, {"indicator": "late_reply"}).content.decode()
    assert "示例民政" in late and "石桥镇" not in late
    pending = client.get(url, {"unconfirmed": "1"}).content.decode()
    assert "某某某" in pending


def test_a_supervisor_dismisses_a_finding_with_a_reason_and_confirms_a_serious_hit(login, region, inspection):
    client = login(region.supervisor_b)
    late = Finding.objects.filter(account=region.account_b, indicator_code="late_reply").first()
    url = reverse("supervision:finding", args=[late.pk])
    client.post(url, {"status": "dismissed", "reason": ""})
    late.refresh_from_db()
    assert late.status == FindingStatus.OPEN
    client.post(url, {"status": "dismissed", "reason": "重复留言"})
    late.refresh_from_db()
    assert late.status == FindingStatus.DISMISSED and late.status_changed_by == region.supervisor_b

    serious = Finding.objects.get(account=region.account_b, indicator_code="serious")
    client.post(reverse("supervision:finding", args=[serious.pk]), {"confirm": "1", "reason": "已核实"})
    serious.refresh_from_db()
    assert serious.confirmed_by == region.supervisor_b


def test_publishing_freezes_and_rerunning_makes_a_new_version_through_the_pages(login, region, inspection):
    client = login(region.city_supervisor)
    client.post(reverse("supervision:inspection_publish", args=[inspection.pk]))
    inspection.refresh_from_db()
    assert inspection.is_published
    response = client.post(reverse("supervision:inspection_rerun", args=[inspection.pk]))
    new = Inspection.objects.get(previous=inspection)
    assert response.url == reverse("supervision:inspection", args=[new.pk]) and new.version == 2


def test_an_editor_cannot_run_or_publish(login, region, inspection):
    client = login(region.editor_a)
    assert client.get(reverse("supervision:inspection_new")).status_code == 403


def test_running_an_inspection_from_the_page(login, region, test_set, frozen_now):
    client = login(region.supervisor_a)
    response = client.post(
        reverse("supervision:inspection_new"),
        {
            "start": "2026-11-04",
            "end": "2026-11-22",
            "indicator_set": test_set.pk,
            "scope_unit": region.gov_a.pk,
        },
    )
    inspection = Inspection.objects.get()
    assert response.url == reverse("supervision:inspection", args=[inspection.pk])
    assert [a["name"] for a in inspection.result["accounts"]] == ["青山教育", "青山民政", "青山县石桥镇"]


def test_the_excel_export_has_ranking_scores_and_findings(login, region, inspection):
    response = login(region.city_supervisor).get(
        reverse("supervision:inspection_export", args=[inspection.pk])
    )
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["单位排名", "账号得分", "问题清单"]
    ranking = [row for row in wb["单位排名"].iter_rows(values_only=True)]
    assert ("市直部门和单位", 2, "示例市民政局", 1, "否", 70, 67.31) in ranking


def test_the_api_returns_the_same_json_and_scoped_findings(login, region, inspection):
    client = login(region.city_supervisor)
    detail = client.get(reverse("supervision:inspection-detail", args=[inspection.pk])).json()
    assert detail["result"] == inspection.result and detail["units"][0]["name"] == "示例市教育局"
    b = login(region.supervisor_b).get(reverse("supervision:finding-list")).json()
    assert b["count"] > 0 and {f["account_name"] for f in b["results"]} == {"临河教育"}
    scores = client.get(reverse("supervision:score-list"), {"inspection": inspection.pk}).json()
    assert scores["count"] == 1  # the same client, now supervisor_b: only 临河教育's score card
    city = login(region.city_supervisor).get(reverse("supervision:score-list"), {"inspection": inspection.pk})
    assert city.json()["count"] == 7


def test_list_pages_query_count_stays_flat_as_rows_grow(
    login, region, test_set, frozen_now, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conftest import make_account

    client = login(region.city_supervisor)

    def counts():
        inspection = run_inspection(start=START, end=END, indicator_set=test_set)
        urls = [
            reverse("supervision:findings"),
            reverse("supervision:inspection", args=[inspection.pk]),
            reverse("supervision:inspections"),
        ]
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result.append(len(ctx))
        return result

    before = counts()
    for n in range(12):
        make_account(region.dept_b, "weibo", f"临河新号{n}", f"b-new-{n}")
    assert counts() == before
