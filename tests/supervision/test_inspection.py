"""The hand-computed region of conftest.py, scored by the engine and by the command's JSON."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from govmedia.supervision.models import AccountResult, Finding, FindingStatus, InspectionFinding, UnitResult
from govmedia.supervision.services import do_confirm_finding, do_set_finding_status, run_inspection
from tests.supervision.conftest import END, START, at, post

pytestmark = pytest.mark.django_db


def expected(w, *, b_vetoed: bool = False) -> dict:
    def account(a, vetoes, deductions, bonus, score):
        return {
            "platform": a.platform,
            "account_id": a.pk,
            "name": a.name,
            "unit": a.owner.name,
            "vetoes": vetoes,
            "deductions": deductions,
            "bonus": bonus,
            "score": score,
        }

    b_deductions = {"weekly_posts": 5, "weekly_original": 3, "late_reply": 30, "repost_source": 10}
    return {
        "period": {"start": "2026-11-04", "end": "2026-11-22"},
        "indicator_set": "test-set",
        "accounts": [
            account(
                w.city_account,
                ["no_update_2w", "no_interaction"],
                {"weekly_posts": 8, "weekly_original": 6},
                {},
                0,
            ),
            account(w.account_a, [], {"late_reply": 10, "repost_source": 2}, {"interpretation": 6}, 94),
            account(
                w.account_a2,
                [],
                {"weekly_posts": 8, "weekly_original": 3, "late_reply": 10},
                {"interpretation": 4},
                83,
            ),
            account(w.town_account, ["no_update_2w"], {"weekly_posts": 8, "weekly_original": 6}, {}, 0),
            account(w.account_b, ["serious"] if b_vetoed else [], b_deductions, {}, 0 if b_vetoed else 52),
            account(w.city_edu, [], {}, {"interpretation": 4}, 104),
            account(
                w.city_mz,
                [],
                {"weekly_posts": 5, "weekly_original": 3, "late_reply": 20, "repost_source": 2},
                {},
                70,
            ),
        ],
        "units": [
            {
                "name": "示例市教育局",
                "group": "city_department",
                "vetoed": False,
                "score": 104,
                "final": 100,
                "accounts": 1,
            },
            {
                "name": "示例市民政局",
                "group": "city_department",
                "vetoed": False,
                "score": 70,
                "final": 70 / 104 * 100,
                "accounts": 1,
            },
            *(
                [
                    {
                        "name": "青山县人民政府",
                        "group": "county",
                        "vetoed": True,
                        "score": 0,
                        "final": 0,
                        "accounts": 3,
                    },
                    {
                        "name": "临河区人民政府",
                        "group": "county",
                        "vetoed": True,
                        "score": 0,
                        "final": 0,
                        "accounts": 1,
                    },
                ]
                if b_vetoed
                else [
                    {
                        "name": "临河区人民政府",
                        "group": "county",
                        "vetoed": False,
                        "score": 52,
                        "final": 100,
                        "accounts": 1,
                    },
                    {
                        "name": "青山县人民政府",
                        "group": "county",
                        "vetoed": True,
                        "score": 0,
                        "final": 0,
                        "accounts": 3,
                    },
                ]
            ),
        ],
        "pass_rate": 4 / 7 if b_vetoed else 5 / 7,
    }


def test_the_commands_json_equals_the_hand_computed_result(region, test_set, tmp_path, frozen_now):
    out = tmp_path / "result.json"
    call_command(
        "run_inspection", start=str(START), end=str(END), indicator_set="test-set", json_out=str(out)
    )
    assert json.loads(out.read_text(encoding="utf-8")) == expected(region)


def test_an_unconfirmed_serious_hit_does_not_score_until_a_supervisor_confirms_it(
    region, test_set, frozen_now
):
    first = run_inspection(start=START, end=END, indicator_set=test_set)
    assert first.result == expected(region)
    finding = Finding.objects.get(account=region.account_b, indicator_code="serious")
    assert (
        finding.needs_confirmation
        and not InspectionFinding.objects.get(inspection=first, finding=finding).counted
    )

    do_confirm_finding(finding, acting_user=region.city_supervisor)
    second = run_inspection(start=START, end=END, indicator_set=test_set)
    assert second.result == expected(region, b_vetoed=True)
    assert Finding.objects.filter(account=region.account_b, indicator_code="serious").count() == 1


def test_count_unconfirmed_scores_serious_hits_in_a_dry_run(region, test_set, tmp_path, frozen_now):
    out = tmp_path / "dry.json"
    call_command(
        "run_inspection",
        start=str(START),
        end=str(END),
        indicator_set="test-set",
        count_unconfirmed=True,
        json_out=str(out),
    )
    assert json.loads(out.read_text(encoding="utf-8")) == expected(region, b_vetoed=True)


def test_the_same_problem_found_again_links_to_the_open_finding(region, test_set, frozen_now):
    first = run_inspection(start=START, end=END, indicator_set=test_set)
    count = Finding.objects.count()
    second = run_inspection(start=START, end=END, indicator_set=test_set)
    assert Finding.objects.count() == count
    town = Finding.objects.get(account=region.town_account, indicator_code="no_update_2w")
    assert town.times_found == 2
    assert set(town.inspections.all()) == {first, second}


def test_a_dismissed_finding_stops_counting_and_a_resolved_one_that_recurs_is_new(
    region, test_set, frozen_now
):
    run_inspection(start=START, end=END, indicator_set=test_set)
    late = Finding.objects.filter(account=region.account_b, indicator_code="late_reply").order_by("id")
    do_set_finding_status(
        late[0], FindingStatus.DISMISSED, acting_user=region.supervisor_b, reason="留言为重复提交"
    )
    repost = Finding.objects.get(account=region.account_a, indicator_code="repost_source")
    do_set_finding_status(repost, FindingStatus.RESOLVED, acting_user=region.supervisor_a)

    again = run_inspection(start=START, end=END, indicator_set=test_set)
    b = AccountResult.objects.get(inspection=again, account=region.account_b)
    assert b.detail["deductions"]["late_reply"] == 20 and b.score == 62
    assert Finding.objects.filter(account=region.account_a, indicator_code="repost_source").count() == 2


def test_a_published_inspection_is_frozen_and_a_rerun_is_a_new_version(region, test_set, frozen_now):
    from govmedia.supervision.services import do_publish_inspection, rerun_inspection

    inspection = run_inspection(start=START, end=END, indicator_set=test_set)
    do_publish_inspection(inspection, acting_user=region.city_supervisor)
    before = inspection.result
    post(
        region.town_account, at(11, 20), "镇务公开"
    )  # W1 empty → 5, W2 one post → 5 (cap 8); original W1 → 3
    inspection.refresh_from_db()
    assert inspection.result == before
    assert AccountResult.objects.get(inspection=inspection, account=region.town_account).vetoed

    new = rerun_inspection(inspection, acting_user=region.city_supervisor)
    assert new.version == 2 and new.previous == inspection
    assert not AccountResult.objects.get(inspection=new, account=region.town_account).vetoed
    gov_a = UnitResult.objects.get(inspection=new, unit=region.gov_a)
    assert not gov_a.vetoed and gov_a.score == pytest.approx((94 + 83 + (100 - 8 - 3)) / 3)


def test_a_scoped_inspection_covers_only_the_units_subtree(region, test_set, frozen_now):
    inspection = run_inspection(start=START, end=END, indicator_set=test_set, scope_unit=region.gov_a)
    names = [a["name"] for a in inspection.result["accounts"]]
    assert names == ["青山教育", "青山民政", "青山县石桥镇"]
    assert [u["name"] for u in inspection.result["units"]] == ["青山县人民政府"]
    assert inspection.region_path == region.county_a.path


def test_the_fanned_out_inspection_equals_the_single_process_one(region, test_set, frozen_now):
    """Chunks of two accounts evaluated separately (as workers would), then scored in one place."""
    from govmedia.supervision.tasks import inspect

    single = run_inspection(start=START, end=END, indicator_set=test_set)
    fanned = inspect(start=START, end=END, indicator_set=test_set, chunk_size=2)
    assert fanned.pk != single.pk and fanned.status == "draft"
    assert fanned.result == single.result
    assert _results(fanned) == _results(single)


def _results(inspection) -> list:
    """Everything an inspection wrote, without its own ids."""
    accounts = list(
        inspection.account_results.order_by("account_id").values_list(
            "account_id", "vetoed", "deduction_score", "bonus_points", "score", "no_data", "detail"
        )
    )
    units = list(
        inspection.unit_results.order_by("unit_id").values_list("unit_id", "group", "score", "final", "rank")
    )
    links = sorted(inspection.links.values_list("finding__account_id", "finding__key", "counted"))
    return [accounts, units, links]
