import datetime as dt

from django.urls import reverse

from govmedia.riskcheck.models import CheckTerm, TermKind
from govmedia.riskcheck.services import checker_for, segments


def rules(region, text):
    return {h.rule for h in checker_for(region).check(text, as_of=dt.date(2026, 11, 27))}


def test_the_check_page_marks_a_serious_error_and_explains_it_in_chinese(world, login):
    response = login(world.editor_a).post(
        reverse("riskcheck:check"), {"text": "国家总理李强主持召开国务院常务会议。"}
    )
    page = response.content.decode()
    assert "严重问题 1 处" in page and "国务院总理" in page and '<mark class="sev-serious"' in page


def test_clean_text_reports_no_problem(world, login):
    response = login(world.editor_a).post(
        reverse("riskcheck:check"), {"text": "青山县教育局召开2026年秋季开学工作会议。"}
    )
    assert "未发现问题" in response.content.decode()


def test_an_empty_or_oversized_text_gets_a_chinese_message(world, login):
    client = login(world.editor_a)
    assert "该字段是必填项" in client.post(reverse("riskcheck:check"), {"text": ""}).content.decode()
    assert "一次最多检测" in client.post(reverse("riskcheck:check"), {"text": "字" * 50_001}).content.decode()


def test_a_countys_banned_word_applies_in_that_county_only(world):
    CheckTerm.objects.create(
        region=world.county_a, kind=TermKind.BANNED, term="躺平式服务", source="青山县通知"
    )
    assert "banned.regional" in rules(world.township_a, "杜绝躺平式服务")
    assert "banned.regional" in rules(world.county_a, "杜绝躺平式服务")
    assert "banned.regional" not in rules(world.county_b, "杜绝躺平式服务")


def test_a_published_office_number_on_the_allow_list_is_not_reported(world):
    text = "咨询电话：13800138000"
    assert "privacy.mobile" in rules(world.county_a, text)
    CheckTerm.objects.create(
        region=world.city, kind=TermKind.ALLOW, term="13800138000", source="政务公开电话"
    )
    assert "privacy.mobile" not in rules(world.county_a, text)


def test_segments_cover_the_whole_text_once():
    from govmedia.textcheck import Checker

    text = "国家总理李强在国办发[2018]123号文件上批示，电话13800138000。"
    hits = Checker.default().check(text)
    assert "".join(s.text for s in segments(text, hits)) == text
