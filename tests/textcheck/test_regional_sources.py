"""A region's own data passed as plain rows (as the Django side will read them from the database)."""

import datetime as dt

import pytest

from govmedia.textcheck import Checker

AS_OF = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def huzhou() -> Checker:
    return Checker.from_sources(
        leaders=[
            {"name": "陈国伟", "office": "湖州市市长", "from": "2024-01-01", "misspellings": ["陈国玮"]}
        ],
        banned=["内部资料", {"term": "躺平", "suggestion": "改用积极表述", "severity": "warning"}],
        allow=["13957200000", "huzhou.gov.cn", {"value": "0572-2039000"}, "国土资源局旧址陈列馆"],
        institutions=[
            {"term": "湖州市规划局", "suggestion": "湖州市自然资源和规划局", "valid_from": "2019-01-08"}
        ],
        source="湖州市政务新媒体词库",
    )


def test_a_regional_banned_word_is_reported_with_the_regions_source(huzhou):
    [hit] = huzhou.check("这是内部资料，请勿外传。", as_of=AS_OF)
    assert (hit.category, hit.rule, hit.source) == ("banned", "banned.regional", "湖州市政务新媒体词库")


def test_a_regional_row_can_set_its_own_severity_and_suggestion(huzhou):
    [hit] = huzhou.check("年轻人不能躺平。", as_of=AS_OF)
    assert (hit.severity, hit.suggestion) == ("warning", "改用积极表述")


def test_an_allow_listed_office_mobile_passes(huzhou):
    assert huzhou.check("咨询电话13957200000。", as_of=AS_OF) == []


def test_an_allow_listed_domain_and_its_subdomains_pass(huzhou):
    assert huzhou.check("详见 http://zwgk.huzhou.gov.cn/art/1.html", as_of=AS_OF) == []


def test_an_allow_listed_fixed_name_shadows_the_term_inside_it(huzhou):
    assert huzhou.check("参观国土资源局旧址陈列馆。", as_of=AS_OF) == []


def test_a_regional_renamed_body_is_reported_from_its_date(huzhou):
    assert [h.rule for h in huzhou.check("湖州市规划局发布公告。", as_of=AS_OF)] == ["institution.regional"]
    assert huzhou.check("湖州市规划局发布公告。", as_of=dt.date(2018, 6, 1)) == []


def test_a_regional_leaders_title_given_to_a_national_leader_is_reported(huzhou):
    assert [h.rule for h in huzhou.check("湖州市市长李强出席。", as_of=AS_OF)] == ["leader.title_mismatch"]
    assert huzhou.check("湖州市市长陈国伟出席。", as_of=AS_OF) == []


def test_a_regional_leaders_misspelt_name_next_to_the_title_is_reported(huzhou):
    for text in ("湖州市市长陈国卫出席活动。", "湖州市市长陈国玮出席活动。"):
        hits = huzhou.check(text, as_of=AS_OF)
        assert [(h.rule, h.suggestion) for h in hits] == [("leader.name_variant", "陈国伟")]


def test_a_regional_leaders_name_alone_one_character_off_is_someone_else(huzhou):
    assert huzhou.check("村民陈国卫家的猕猴桃丰收了。", as_of=AS_OF) == []


def test_the_national_checker_does_not_know_the_regions_words(checker):
    assert checker.check("这是内部资料。", as_of=AS_OF) == []
