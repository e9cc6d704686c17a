"""Suggested answers by text similarity on a small labelled set, validity and staleness."""

import datetime as dt

import pytest
import time_machine

from govmedia.interaction import answers, services
from govmedia.interaction.models import Answer

BANK = {
    "enrol": ("小学新生入学报名需要准备哪些材料？", "需携带户口簿、房产证或租房合同、儿童预防接种证。"),
    "dibao": ("如何申请最低生活保障（低保）？", "向户籍所在地乡镇（街道）提出申请，提交家庭收入证明。"),
    "license": ("个体工商户营业执照怎么办理？", "可在政务服务网或市民中心窗口申请，需身份证和经营场所证明。"),
    "medical": ("城乡居民医保每年什么时候缴费？", "每年9月至12月为集中缴费期，可通过微信或银行缴纳。"),
    "hukou": ("新生儿怎样办理户口登记？", "持出生医学证明、父母身份证和户口簿到派出所办理。"),
    "pension": ("退休人员养老金资格认证在哪里做？", "可通过人社APP刷脸认证，或到社区服务中心办理。"),
    "fund": ("住房公积金提取需要什么条件？", "购房、租房、退休等情形可以提取，需提供相关证明。"),
    "noise": ("晚上工地施工噪音扰民向哪里反映？", "可拨打12345热线或向生态环境局反映，夜间施工需审批。"),
}

PARAPHRASES = [
    ("孩子明年上小学，报名要带什么材料？", "enrol"),
    ("一年级入学报名材料清单有哪些", "enrol"),
    ("家里困难想申请低保，怎么申请？", "dibao"),
    ("我想开个小店，营业执照在哪办？", "license"),
    ("居民医保缴费时间是几月份？", "medical"),
    ("宝宝刚出生，上户口需要什么？", "hukou"),
    ("养老金认证怎么做", "pension"),
    ("公积金怎么提取出来", "fund"),
    ("小区旁边工地半夜施工太吵了", "noise"),
    ("低保申请要提交哪些证明？", "dibao"),
]


@pytest.fixture
def bank(world):
    return {
        key: Answer.objects.create(
            owner=world.city_office, question=q, answer=a, valid_from=dt.date(2026, 1, 1)
        )
        for key, (q, a) in BANK.items()
    }


@pytest.mark.parametrize(("question", "expected"), PARAPHRASES)
def test_the_right_answer_is_suggested_first_for_a_paraphrased_question(world, bank, question, expected):
    suggestions = answers.suggest_answers(question, world.county_a)
    assert suggestions and suggestions[0].answer == bank[expected]


def test_the_labelled_set_reaches_full_top_1_accuracy(world, bank):
    hits = sum(answers.suggest_answers(q, world.county_a)[0].answer == bank[k] for q, k in PARAPHRASES)
    assert hits / len(PARAPHRASES) == 1.0


def test_an_unrelated_message_gets_no_suggestion(world, bank):
    assert answers.suggest_answers("今天天气真好", world.county_a) == []


def test_expired_answers_and_answers_of_another_county_are_not_suggested(world, bank):
    bank["enrol"].valid_until = dt.date(2026, 6, 30)
    bank["enrol"].save()
    Answer.objects.create(owner=world.dept_b, question="小学入学报名材料", answer="临河区的口径")
    with time_machine.travel(dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC), tick=False):
        suggestions = answers.suggest_answers("小学入学报名要带什么材料", world.county_a)
    assert all(s.answer != bank["enrol"] and s.answer.owner != world.dept_b for s in suggestions)


def test_answers_not_reviewed_for_half_a_year_are_flagged_but_still_suggested(world, bank):
    Answer.objects.filter(pk=bank["fund"].pk).update(reviewed_on=dt.date(2026, 1, 10))
    with time_machine.travel(dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC), tick=False):
        suggestion = answers.suggest_answers("公积金怎么提取", world.county_a)[0]
        assert suggestion.answer == bank["fund"] and "未复核" in suggestion.stale
        assert list(answers.stale_answers(Answer.objects.all())) == [bank["fund"]]
        answers.do_review_answer(bank["fund"], acting_user=world.supervisor_a)
        assert not answers.stale_answers(Answer.objects.all()).exists()


def test_saving_an_answer_for_a_unit_outside_the_scope_is_refused(world):
    with pytest.raises(services.CaseError) as refused:
        answers.do_save_answer(
            None, acting_user=world.editor_a, owner=world.dept_b, question="问", answer="答"
        )
    assert refused.value.field == "owner"
    with pytest.raises(services.CaseError) as dates:
        answers.do_save_answer(
            None,
            acting_user=world.editor_a,
            owner=world.dept_a,
            question="问",
            answer="答",
            valid_from=dt.date(2026, 5, 1),
            valid_until=dt.date(2026, 4, 1),
        )
    assert dates.value.field == "valid_until"
