"""The fanned-out inspection step by step: chunks written by workers, redelivered, busy, failed."""

from __future__ import annotations

import pytest

from govmedia.core.jobs import try_claim
from govmedia.supervision import services, tasks
from govmedia.supervision.models import AccountResult, Finding, Inspection, InspectionStatus
from tests.supervision.conftest import END, START
from tests.supervision.test_inspection import _results


def _opened(test_set):
    inspection, accounts = services.open_inspection(
        start=START, end=END, indicator_set=test_set, status=InspectionStatus.RUNNING
    )
    return inspection, [a.pk for a in accounts]


def test_an_opened_inspection_is_running_and_cannot_be_published(region, test_set, frozen_now):
    inspection, ids = _opened(test_set)
    assert inspection.status == "running" and inspection.account_count == len(ids) > 0
    with pytest.raises(services.InspectionError, match="尚未计算完成"):
        services.do_publish_inspection(inspection, acting_user=region.city_supervisor)


def test_each_chunk_writes_only_its_own_accounts_and_a_redelivered_chunk_writes_nothing_twice(
    region, test_set, frozen_now
):
    single = services.run_inspection(start=START, end=END, indicator_set=test_set)
    inspection, ids = _opened(test_set)
    first, rest = ids[:2], ids[2:]
    assert tasks.inspect_chunk.apply(args=(inspection.pk, first)).get() == {"accounts": 2, "skipped": False}
    assert set(
        AccountResult.objects.filter(inspection=inspection).values_list("account_id", flat=True)
    ) == set(first)
    findings = Finding.objects.count()
    again = tasks.inspect_chunk.apply(args=(inspection.pk, first)).get()
    assert again == {"accounts": 2, "skipped": True} and Finding.objects.count() == findings
    tasks.inspect_chunk.apply(args=(inspection.pk, rest)).get()
    assert tasks.finish_inspection.apply(args=([], inspection.pk)).get() == inspection.pk
    assert tasks.finish_inspection.apply(args=([], inspection.pk)).get() == inspection.pk  # no-op
    inspection.refresh_from_db()
    assert inspection.status == "draft" and inspection.result == single.result
    assert _results(inspection) == _results(single)


def test_a_chunk_leased_by_another_worker_is_left_for_later(region, test_set, frozen_now):
    inspection, ids = _opened(test_set)
    assert try_claim(f"inspection:{inspection.pk}:{ids[:1]}", owner="other-worker")
    with pytest.raises(tasks.ChunkBusy):
        tasks.inspect_chunk.run(inspection.pk, ids)
    assert not AccountResult.objects.filter(inspection=inspection).exists()


def test_finishing_before_every_chunk_wrote_is_refused_and_leaves_the_inspection_running(
    region, test_set, frozen_now
):
    inspection, ids = _opened(test_set)
    tasks.inspect_chunk.apply(args=(inspection.pk, ids[:1])).get()
    with pytest.raises(services.InspectionError, match=f"应有 {len(ids)} 个账号的结果，实有 1 个"):
        tasks.finish_inspection.apply(args=([], inspection.pk)).get()
    inspection.refresh_from_db()
    assert inspection.status == "running" and inspection.result == {}


def test_a_failed_fan_out_marks_the_inspection_failed_and_the_weekly_check_opens_a_new_one(world, frozen_now):
    from govmedia.supervision.monitoring import run_weekly_inspections

    [weekly] = run_weekly_inspections(run=tasks.inspect)
    assert weekly.status == "draft" and weekly.account_count == 5
    tasks.fail_inspection(weekly.pk)
    assert Inspection.objects.get(pk=weekly.pk).status == "draft"  # only a running one can fail
    Inspection.objects.filter(pk=weekly.pk).update(status=InspectionStatus.RUNNING)
    tasks.fail_inspection(weekly.pk)
    assert Inspection.objects.get(pk=weekly.pk).status == "failed"
    with pytest.raises(services.InspectionError, match="计算失败"):
        tasks.wait_for(weekly, timeout=1)
    [again] = run_weekly_inspections(run=tasks.inspect)
    assert again.pk != weekly.pk and again.status == "draft"


def test_the_weekly_task_fans_out_and_runs_once_per_week(world, frozen_now):
    first = tasks.weekly_inspection.apply().get()
    second = tasks.weekly_inspection.apply().get()
    assert first == second and len(first["inspections"]) == 1
    assert Inspection.objects.get().status == "draft"


def test_a_running_inspection_page_says_so_and_offers_no_publishing(client, region, test_set, frozen_now):
    inspection, _ = _opened(test_set)
    client.force_login(region.city_supervisor)
    page = client.get(f"/supervision/{inspection.pk}/").content.decode()
    assert "正在后台计算" in page and "发布结果" not in page
