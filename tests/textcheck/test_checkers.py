"""Behaviour of each checker, one rule at a time (issue 4 "What it finds")."""

import datetime as dt

import pytest

from govmedia.textcheck import Checker, Hit


def rules(hits: list[Hit]) -> list[str]:
    return [h.rule for h in hits]


# --- leader ------------------------------------------------------------------------------


def test_a_wrong_character_in_the_premiers_name_is_serious(check):
    [hit] = check("国务院总理李墙主持召开国务院常务会议。")
    assert (hit.category, hit.rule, hit.severity, hit.text, hit.suggestion) == (
        "leader", "leader.name_variant", "serious", "李墙", "李强",
    )  # fmt: skip


def test_a_misspelt_three_character_name_is_found_without_a_title(check):
    assert [h.suggestion for h in check("深入学习习近萍新时代中国特色社会主义思想")] == ["习近平"]


def test_a_two_character_name_one_character_off_is_not_a_leader_without_context(check):
    assert check("社区志愿者韩政带领居民开展垃圾分类宣传。") == []


def test_state_premier_is_the_wrong_title(check):
    [hit] = check("国家总理李强出席会议。")
    assert (hit.rule, hit.suggestion) == ("leader.wrong_title", "国务院总理")


def test_a_title_given_to_the_wrong_person_names_the_holder(check):
    [hit] = check("国务院总理习近平出席会议。")
    assert hit.rule == "leader.title_mismatch"
    assert "李强" in hit.suggestion


def test_a_former_premier_is_fine_with_yuan_or_shiren(check):
    assert check("原国务院总理李克强同志的遗体在北京火化。") == []
    assert check("时任国务院总理李克强主持会议。") == []


def test_offices_are_judged_on_the_date_the_text_speaks_about(check):
    assert check("国务院总理李克强主持召开国务院常务会议。", dt.date(2019, 6, 1)) == []
    assert rules(check("国务院总理李克强主持召开国务院常务会议。")) == ["leader.title_mismatch"]


def test_standing_committee_members_out_of_order_are_reported_with_the_right_order(check):
    [hit] = check("习近平、赵乐际、李强、王沪宁等出席大会。")
    assert hit.rule == "leader.order"
    assert hit.suggestion == "习近平、李强、赵乐际、王沪宁"


def test_two_leaders_in_any_order_are_not_a_list_to_check(check):
    assert check("李强、习近平出席。") == []


def test_the_order_of_the_19th_committee_applies_to_a_2019_text(check):
    assert check("习近平、李克强、栗战书、汪洋、王沪宁、赵乐际、韩正出席会议。", dt.date(2019, 6, 1)) == []


# --- expression --------------------------------------------------------------------------


def test_tai_du_needs_quotation_marks(check):
    assert rules(check("坚决反对台独分裂活动。")) == ["expression.taiwan"]
    assert check("坚决反对“台独”分裂活动。") == []


def test_belt_and_road_strategy_should_be_initiative(check):
    [hit] = check("积极融入“一带一路”战略。")
    assert hit.suggestion == "“一带一路”倡议"


def test_longrong_zhaokai_is_fine_for_a_party_congress(check):
    assert check("中国共产党第二十次全国代表大会在北京隆重召开。") == []
    assert rules(check("县文联代表大会隆重召开。")) == ["expression.meeting_wording"]


# --- institution -------------------------------------------------------------------------


def test_a_county_land_resources_bureau_no_longer_exists(check):
    [hit] = check("吴兴区国土资源局开展执法检查。")
    assert (hit.category, hit.severity, hit.element) == ("institution", "error", "policy")


def test_an_old_name_is_fine_in_a_text_about_the_time_it_existed(check):
    assert check("吴兴区国土资源局开展执法检查。", dt.date(2017, 3, 1)) == []


def test_an_old_name_is_fine_inside_a_document_title_or_after_yuan(check):
    assert check("依据《国土资源部关于推进土地节约集约利用的指导意见》开展工作。") == []
    assert check("原国土资源局旧址现已改造为城市书房。") == []


def test_agricultural_departments_are_not_the_ministry_of_agriculture(check):
    assert check("各地农业部门要切实做好春耕备耕工作。") == []


def test_guotu_ziyuan_as_a_common_noun_is_fine(check):
    assert check("加强国土资源管理，严守耕地保护红线。") == []


# --- typo --------------------------------------------------------------------------------


def test_a_curated_typo_is_an_error_with_the_right_form(check):
    [hit] = check("希望大家再接再励。")
    assert (hit.rule, hit.severity, hit.suggestion) == ("typo.curated", "error", "再接再厉")


def test_an_unseen_misspelling_of_an_idiom_is_a_statistical_warning(check):
    [hit] = check("各乡镇要因地治宜发展特色产业。")
    assert (hit.rule, hit.severity, hit.suggestion) == ("typo.statistical", "warning", "因地制宜")


def test_a_correct_idiom_is_not_a_typo(check):
    assert check("各乡镇要因地制宜发展特色产业，再接再厉。") == []


# --- banned ------------------------------------------------------------------------------


def test_best_in_an_advert_breaks_the_advertising_law(check):
    assert rules(check("这款产品是送礼的最佳选择，价格优惠。")) == ["banned.advertising_absolute"]


def test_best_outside_commerce_is_fine(check):
    assert check("抓住春耕的最佳时机。") == []


def test_national_level_heritage_is_not_an_advert(check):
    assert check("该县入选国家级非物质文化遗产代表性项目名录。") == []


# --- privacy -----------------------------------------------------------------------------


def test_an_id_number_with_a_valid_checksum_is_reported_with_a_masked_form(check):
    [hit] = check("当事人身份证号码为11010519760215781X。")
    assert (hit.rule, hit.severity) == ("privacy.id_number", "serious")
    assert hit.suggestion.endswith("1101**********781X")


def test_an_18_digit_number_failing_the_checksum_is_not_an_id(check):
    assert check("档案编号110105197602157811。") == []


def test_a_mobile_number_is_masked_and_a_hotline_passes(check):
    [hit] = check("联系人电话13812345678，或拨打12345热线。")
    assert "138****5678" in hit.suggestion


def test_a_bank_card_passing_luhn_is_reported(check):
    assert rules(check("捐款账号：6217001234567890122。")) == ["privacy.bank_card"]


def test_full_width_digits_are_read_too(check):
    assert rules(check("电话：１３８１２３４５６７８")) == ["privacy.mobile"]


# --- format and link ---------------------------------------------------------------------


@pytest.mark.parametrize("number", ["国办发[2018]123号", "国办发（2018）123号", "国办发〔2018〕第123号"])
def test_a_document_number_uses_hexagonal_brackets(check, number):
    [hit] = check(f"根据{number}文件精神。")
    assert hit.suggestion.startswith("国办发〔2018〕123号")


def test_a_correct_document_number_passes(check):
    assert check("根据国办发〔2018〕123号文件精神。") == []


def test_an_unpaired_quotation_mark_is_reported(check):
    assert rules(check("他说：“我们一定办好。")) == ["format.unpaired"]


def test_half_width_commas_in_chinese_are_reported(check):
    assert rules(check("今天,我们开会。")) == ["format.half_width_punctuation"]


def test_a_short_link_is_an_error_and_a_government_site_passes(check):
    assert rules(check("点击 http://t.cn/A6xyz 领取。")) == ["link.short"]
    assert check("详情请登录https://www.huzhou.gov.cn查询。") == []


# --- engine ------------------------------------------------------------------------------


def test_hits_are_sorted_and_serialise_to_plain_dicts(check):
    hits = check("国家总理李强，县工商局，电话13812345678。")
    assert [h.start for h in hits] == sorted(h.start for h in hits)
    assert set(hits[0].to_dict()) == {
        "start", "end", "text", "category", "rule", "severity", "element", "suggestion", "source",
    }  # fmt: skip


def test_every_hit_has_a_readable_rule_suggestion_and_source(check):
    text = "国家总理李强、县工商局、台独、再接再励、傻子、13812345678、国办发[2018]1号、http://t.cn/x"
    for h in check(text):
        assert h.rule and h.suggestion and h.source
        assert text[h.start : h.end] == h.text


def test_the_default_checker_is_built_once(checker):
    assert Checker.default() is checker


def test_checking_from_many_threads_gives_the_same_hits(checker):
    from concurrent.futures import ThreadPoolExecutor

    texts = ["国家总理李强出席。", "县工商局检查。", "电话13812345678。"] * 20
    expected = [checker.check(t) for t in texts]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(checker.check, texts)) == expected


# --- breadth added after the first evaluation ----------------------------------------------


def test_a_misspelt_title_next_to_a_leaders_name_is_serious(check):
    [hit] = check("认真学习习近平总书纪重要讲话精神。")
    assert (hit.rule, hit.severity, hit.suggestion) == ("leader.title_variant", "serious", "总书记")


def test_the_covid_name_changed_at_the_end_of_2022(check):
    assert rules(check("做好新冠肺炎疫苗接种工作。")) == ["expression.covid_name"]
    assert check("做好新冠肺炎疫苗接种工作。", dt.date(2021, 3, 1)) == []


def test_the_war_of_resistance_lasted_fourteen_years(check):
    [hit] = check("纪念八年抗战胜利。")
    assert hit.suggestion.startswith("十四年抗战")


def test_hong_kong_is_not_set_beside_china(check):
    assert rules(check("促进中国与香港的经贸往来。")) == ["expression.one_china"]
    assert check("促进内地与香港的经贸往来。") == []


def test_logging_in_to_a_website_is_denglu_but_a_typhoon_still_denglu(check):
    assert rules(check("请登陆网站查询。")) == ["typo.curated"]
    assert check("台风“梅花”在舟山登陆。") == []


def test_random_texts_never_break_the_hit_invariants(checker):
    import random

    rng = random.Random(11)
    pieces = list("０１２３４５６７８９0123456789Xx+-. ，。、；：！？,;:?!()（）“”《》‘’〔〕[]\n") + [
        "国家总理", "李强", "习近平", "、", "国土资源局", "台独", "http://", "www.", ".com", "t.cn/",
        "再接再励", "因地治宜", "身份证", "卡号", "国办发", "2018", "号", "最佳", "产品", "原",
    ]  # fmt: skip
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        hits = checker.check(text)
        assert [h.start for h in hits] == sorted(h.start for h in hits)
        for h in hits:
            assert 0 <= h.start < h.end <= len(text)
            assert text[h.start : h.end] == h.text
            assert h.rule and h.suggestion and h.source


def test_every_dictionary_entry_that_can_be_reported_has_a_suggestion_and_a_source(checker):
    missing = [e.term for e in checker.sources.entries if e.kind == "hit" and not (e.suggestion and e.source)]
    assert missing == []


def test_a_combined_culture_and_tourism_bureau_is_not_an_outdated_tourism_bureau():
    from govmedia.textcheck import Checker

    checker = Checker.default()
    for name in ["示例市文化广电和旅游局", "县文化体育和旅游局", "市文体广电旅游局"]:
        assert not [h for h in checker.check(f"{name}发布通知") if h.category == "institution"], name
    assert [h.rule for h in checker.check("县旅游局发布通知")] == ["institution.local_renamed_2018"]
