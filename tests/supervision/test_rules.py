"""The scoring rules on their own, the loader, the checks' edge cases and spot-check samples."""

from __future__ import annotations

import datetime as dt

import pytest

from govmedia.content.models import Connection, Health
from govmedia.supervision import sampling
from govmedia.supervision.checks import CheckContext
from govmedia.supervision.indicators import IndicatorSetError, builtin_files, load_file, load_text, parse
from govmedia.supervision.models import AccountResult, Finding, IndicatorSet
from govmedia.supervision.scoring import Item, score_account, score_units
from govmedia.supervision.services import run_inspection
from tests.supervision.conftest import END, START, TEST_SET, at, message, post

ITEMS = [
    Item("veto", "veto"),
    Item("d1", "deduction", 5, 20),
    Item("d2", "deduction", 30, None),
    Item("b1", "bonus", 2, 10),
]


def test_deductions_are_capped_per_item_and_the_score_never_goes_below_zero():
    s = score_account(ITEMS, {"d1": 7, "d2": 4}, 70)
    assert s.deductions == {"d1": 20, "d2": 120}
    assert s.deduction_score == 0 and s.score == 0 and not s.vetoed


def test_bonus_is_added_only_above_the_threshold_and_capped():
    assert score_account(ITEMS, {"d1": 2, "b1": 9}, 70).score == 90 + 10
    assert score_account(ITEMS, {"d1": 6, "b1": 9}, 70).score == 80 + 10
    exactly = score_account(ITEMS, {"d2": 1, "b1": 1}, 70)
    assert exactly.score == 70 and exactly.bonus == {} and not exactly.entered_bonus


def test_any_veto_scores_zero_whatever_the_bonus():
    s = score_account(ITEMS, {"veto": 1, "b1": 3}, 70)
    assert s.vetoed and s.score == 0 and s.bonus == {}


def test_unit_final_scores_are_normalised_within_each_assessment_group():
    accounts = {
        1: score_account(ITEMS, {"d1": 1}, 70),  # 95
        2: score_account(ITEMS, {"d1": 3}, 70),  # 85
        3: score_account(ITEMS, {"d1": 4}, 70),  # 80
        4: score_account(ITEMS, {"veto": 1}, 70),
        5: score_account(ITEMS, {}, 70),  # 100
    }
    units = {
        u.unit_id: u
        for u in score_units(
            {
                10: ("county", [1, 2]),
                11: ("county", [3]),
                12: ("county", [3, 4]),
                20: ("city_department", [5]),
            },
            accounts,
        )
    }
    assert units[10].score == 90 and units[10].final == 100 and units[10].rank == 1
    assert units[11].final == pytest.approx(80 / 90 * 100) and units[11].rank == 2
    assert units[12].vetoed and units[12].score == 0 and units[12].final == 0
    assert units[20].final == 100 and units[20].rank == 1


def test_every_builtin_indicator_set_loads_and_reloading_an_unchanged_file_keeps_the_version(db):
    codes = set()
    for path in builtin_files():
        indicator_set, created = load_file(path)
        assert created and indicator_set.version == 1
        codes.add(indicator_set.code)
        assert load_file(path) == (indicator_set, False)
    assert {"national-2019", "demo-city-2026", "huzhou-2024"} <= codes


def test_a_changed_file_loads_as_a_new_current_version(db):
    first, _ = load_text(TEST_SET)
    second, created = load_text(TEST_SET.replace("points: 5, cap: 8", "points: 6, cap: 8"))
    assert created and second.version == 2 and second.is_current
    first.refresh_from_db()
    assert not first.is_current
    assert IndicatorSet.objects.filter(code="test-set").count() == 2


@pytest.mark.parametrize(
    "bad, message",
    [
        ("code: x\nname: y\n", "source"),
        ("code: x\nname: y\nsource: z\nveto:\n  - {code: a, name: b, check: nope}\n", "未知的检查方法"),
        (
            "code: x\nname: y\nsource: z\ndeductions:\n  - {code: a, name: b, check: reposts_without_source}\n",
            "points",
        ),
        (
            "code: x\nname: y\nsource: z\nbonus:\n  - {code: a, name: b, check: posts_matching, params: {pattern: '('}, points: 1}\n",
            "参数有误",
        ),
        ("- just a list", "键值结构"),
    ],
)
def test_a_malformed_indicator_set_is_refused_in_chinese(bad, message):
    with pytest.raises(IndicatorSetError, match=message):
        parse(bad)


def test_only_weeks_wholly_inside_the_period_are_counted():
    ctx = CheckContext(dt.date(2026, 11, 4), dt.date(2026, 11, 21), [])
    assert ctx.full_weeks() == [(dt.date(2026, 11, 9), dt.date(2026, 11, 15))]
    assert CheckContext(dt.date(2026, 11, 9), dt.date(2026, 11, 15), []).full_weeks() == [
        (dt.date(2026, 11, 9), dt.date(2026, 11, 15))
    ]


def test_weekly_minimum_follows_the_content_type_in_the_huzhou_set(world):
    huzhou = load_file([p for p in builtin_files() if p.stem == "huzhou-2024"][0])[0]
    video = world.account_a2  # 视频 on 抖音: 3 a week
    video.content_type = "video"
    video.save()
    for day in (9, 10, 11):
        post(video, at(11, day), "短视频")
        post(world.account_a, at(11, day), "图文")  # 图文: 3 < 6
    inspection = run_inspection(
        start=dt.date(2026, 11, 9), end=dt.date(2026, 11, 15), indicator_set=huzhou, scope_unit=world.gov_a
    )
    by_name = {a["name"]: a for a in inspection.result["accounts"]}
    assert "weekly_posts" not in by_name["青山民政"]["deductions"]
    assert by_name["青山教育"]["deductions"]["weekly_posts"] == 5


def test_a_message_received_on_a_national_holiday_has_48_hours(world, test_set):
    # 2026-10-01 is 国庆节: 47 hours is in time; a working-day message gets 24 hours.
    message(world.account_a, dt.datetime(2026, 10, 1, 9, tzinfo=at(1, 1).tzinfo), at(10, 3, 8))
    message(world.account_a, at(10, 12, 9), at(10, 13, 10))  # Monday + 25 h → late
    for day in range(1, 32, 3):
        post(world.account_a, at(10, day), "动态")
    inspection = run_inspection(
        start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), indicator_set=test_set, scope_unit=world.dept_a
    )
    assert inspection.result["accounts"][0]["deductions"].get("late_reply") == 10


def test_a_broken_collection_reports_no_data_instead_of_a_silent_veto(region, test_set):
    Connection.objects.create(account=region.town_account, health=Health.BROKEN, last_error="凭证失效")
    inspection = run_inspection(start=START, end=END, indicator_set=test_set)
    town = AccountResult.objects.get(inspection=inspection, account=region.town_account)
    assert not town.vetoed and town.no_data
    finding = Finding.objects.get(account=region.town_account, indicator_code="no_update_2w")
    assert finding.needs_confirmation and "no_data" in finding.evidence and "采集连接异常" in finding.summary


def test_a_spot_check_sample_is_stratified_and_reproducible_from_its_seed(region, test_set):
    first = run_inspection(start=START, end=END, indicator_set=test_set, sample_ratio=0.5, seed=42)
    again = run_inspection(start=START, end=END, indicator_set=test_set, sample_ratio=0.5, seed=42)
    ids = [a["account_id"] for a in first.result["accounts"]]
    assert ids == [a["account_id"] for a in again.result["accounts"]]
    assert len(ids) == 4 and first.kind == "spot" and first.seed == 42


def test_sampling_allocates_to_strata_in_proportion(world):
    from govmedia.registry.models import MediaAccount

    accounts = list(MediaAccount.objects.order_by("id"))
    assert sampling.sample_size(len(accounts), ratio=0.1) == 1
    assert sampling.sample_size(100, ratio=0.15) == 15
    assert sampling.draw(accounts, seed=1, count=3) == sampling.draw(accounts, seed=1, count=3)
    assert len(sampling.draw(accounts, seed=7, count=3)) == 3


OTHER_CHECKS = """
code: other-checks
name: 其余检查
source: 测试
deductions:
  - {code: typos, name: 错别字, check: text_hits, params: {categories: [typo], severity: error}, points: 1, cap: 5}
  - {code: unapproved, name: 非稿源单位, check: reposts_from_unapproved_source, points: 2}
  - {code: followers, name: 粉丝数, check: followers_below_population_share, params: {share: 0.01}, points: 5}
  - {code: filings, name: 备案逾期, check: late_filings, points: 1}
bonus:
  - {code: original, name: 原创比例, check: original_share_at_least, params: {share: 0.5}, points: 3}
"""


def test_text_hits_sources_population_and_original_share_are_counted_from_data(world):
    from govmedia.supervision.models import ApprovedSource, RegionPopulation

    typo = {
        "start": 0,
        "end": 2,
        "text": "既使",
        "category": "typo",
        "rule": "typo.jishi",
        "severity": "error",
    }
    warning = {**typo, "severity": "warning", "start": 5}
    post(world.account_a, at(11, 10), "动态一", hits=[typo, warning])
    post(world.account_a, at(11, 11), "动态二", hits=[typo])
    post(world.account_a, at(11, 12), "转载", original=False, source="新华社")
    post(world.account_a, at(11, 13), "转载", original=False, source="某商业号")
    ApprovedSource.objects.create(region=world.city, name="新华社")
    RegionPopulation.objects.create(region=world.county_a, population=100000)
    world.account_a.followers = 999
    world.account_a.save()
    indicator_set = load_text(OTHER_CHECKS)[0]
    inspection = run_inspection(
        start=dt.date(2026, 11, 9),
        end=dt.date(2026, 11, 15),
        indicator_set=indicator_set,
        scope_unit=world.dept_a,
    )
    (account,) = inspection.result["accounts"]
    assert account["deductions"] == {"typos": 2, "unapproved": 2, "followers": 5}
    assert account["bonus"] == {"original": 3} and account["score"] == 91 + 3


def test_a_post_published_without_review_is_evidence_for_the_unreviewed_posts_check(world):
    indicator_set = load_text(
        "code: review-set\nname: 先审后发\nsource: 004 §9.2.1\n"
        "deductions:\n  - {code: unreviewed, name: 未经三审发布, check: unreviewed_posts, points: 2, cap: 6}\n"
    )[0]
    post(world.account_a, at(11, 10), "未经审核的通知")
    inspection = run_inspection(
        start=dt.date(2026, 11, 9),
        end=dt.date(2026, 11, 15),
        indicator_set=indicator_set,
        scope_unit=world.dept_a,
    )
    assert inspection.result["accounts"][0]["deductions"] == {"unreviewed": 2}
    finding = Finding.objects.get(indicator_code="unreviewed")
    assert "未经三审发布" in finding.summary and finding.evidence["kind"] == "unreviewed_post"
