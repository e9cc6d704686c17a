"""A hand-computed small region on top of the shared ``world`` (see test_inspection.py for the sums).

Period 2026-11-04 (Wed) – 2026-11-22 (Sun): the whole weeks inside it are W1 = 11-09…11-15
and W2 = 11-16…11-22; 11-04…11-08 is cut by the period edge and is not a counted week.
November 2026 has no public holiday, so weekends are the non-working days.
"""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from conftest import make_account
from govmedia.content.models import Message, MessageKind, Post
from govmedia.registry.models import AssessmentGroup, Platform, Unit, UnitKind
from govmedia.supervision.indicators import load_text

TZ = ZoneInfo("Asia/Shanghai")
START, END = dt.date(2026, 11, 4), dt.date(2026, 11, 22)
_ids = itertools.count(1)

TEST_SET = """
code: test-set
name: 测试指标
source: 测试用，按003规则手算
bonus_threshold: 70
veto:
  - {code: no_update_2w, name: 监测时间点前2周内无更新, check: days_without_post, params: {days: 14}}
  - {code: no_interaction, name: 未提供有效互动功能, check: no_interaction_channel}
  - {code: serious, name: 严重表述错误, check: confirmed_serious_errors}
deductions:
  - {code: weekly_posts, name: 每周不少于2条, check: weeks_below_post_count, params: {min: 2}, points: 5, cap: 8}
  - {code: weekly_original, name: 每周至少1条原创, check: weeks_below_original_count, params: {min: 1}, points: 3, cap: 15}
  - {code: late_reply, name: 咨询24小时答复, check: late_replies, params: {hours: 24, holiday_hours: 48, kinds: [咨询]}, points: 10, cap: 40}
  - {code: repost_source, name: 转载注明来源, check: reposts_without_source, points: 2, cap: 10}
bonus:
  - {code: interpretation, name: 解读产品, check: posts_matching, params: {pattern: "解读|图解"}, points: 4, cap: 6}
"""


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def post(account, when, title="动态", *, original=True, source="", hits=None):
    n = next(_ids)
    return Post.objects.create(
        account=account,
        platform_post_id=f"p{n}",
        published_at=when,
        title=title,
        body=title,
        is_original=original,
        repost_source=source,
        content_hash=f"h{n}",
        fetched_at=when,
        risk_hits=hits or [],
    )


def message(account, received, replied=None, kind=MessageKind.CONSULTATION):
    n = next(_ids)
    return Message.objects.create(
        account=account,
        platform_message_id=f"m{n}",
        received_at=received,
        kind=kind,
        text="请问办事流程？",
        replied_at=replied,
        reply_text="已答复" if replied else "",
        fetched_at=received,
    )


SERIOUS_HIT = {
    "start": 0,
    "end": 3,
    "text": "某某某",
    "category": "leader",
    "rule": "leader.wrong_title",
    "severity": "serious",
    "element": "political",
    "suggestion": "领导人职务错误",
    "source": "测试",
}


@pytest.fixture
def test_set(db):
    return load_text(TEST_SET)[0]


@pytest.fixture
def region(world):
    """The world with 考核类别, two more city departments' accounts, and hand-made posts and messages."""
    w = world
    Unit.objects.filter(pk__in=[w.gov_a.pk, w.gov_b.pk]).update(assessment_group=AssessmentGroup.COUNTY)
    Unit.objects.filter(pk=w.city_dept.pk).update(assessment_group=AssessmentGroup.CITY_DEPARTMENT)
    w.city_dept2 = Unit.objects.create(
        name="示例市民政局",
        kind=UnitKind.DEPARTMENT,
        region=w.city,
        parent=w.city_gov,
        assessment_group=AssessmentGroup.CITY_DEPARTMENT,
    )
    w.city_edu = make_account(w.city_dept, Platform.WECHAT_SERVICE, "示例教育", "city-edu-wx")
    w.city_mz = make_account(w.city_dept2, Platform.WECHAT_SUBSCRIPTION, "示例民政", "city-mz-wx")

    # 示例发布 (city government, no 考核类别): no interaction, never posted → two vetoes.
    w.city_account.has_interaction = False
    w.city_account.save()

    # 青山教育: 88 after deductions (repost 2 + one late consultation 10), +6 bonus (3×4, cap 6) = 94.
    a = w.account_a
    post(a, at(11, 5), "政策解读：秋季招生")  # cut week: not in a weekly count, still a bonus item
    post(a, at(11, 10), "图解：学区划分")
    w.a_repost = post(a, at(11, 12), "转载：通知", original=False)
    post(a, at(11, 17), "教育动态")
    post(a, at(11, 19), "政策解读：课后服务")
    message(a, at(11, 14, 10), at(11, 16, 9))  # Saturday: 48 hours → 47 h is in time
    message(a, at(11, 18, 10), at(11, 19, 11))  # Wednesday: 24 hours → 25 h is late
    message(a, at(11, 18, 10), None, kind=MessageKind.COMMENT)  # a comment is not a consultation

    # 青山民政: weekly_posts W1 1<2, W2 0<2 → 10 capped 8; original W2 → 3; one unanswered
    # Friday-evening consultation past its deadline → 10; 100−21 = 79 > 70 → bonus 4 → 83.
    a2 = w.account_a2
    post(a2, at(11, 12), "图解：低保申请")
    message(a2, at(11, 20, 20), None)  # deadline Sat 20:00 < end of period → late
    message(a2, at(11, 22, 12), None)  # Sunday: deadline Tuesday, after the period → not yet late

    # 石桥镇: last post 11-01, 21+ days before the end → veto; the county 青山县 is vetoed with it.
    post(w.town_account, at(11, 1), "镇务公开")

    # 临河教育: 6 reposts without source → 12 capped 10; W2 empty → 5 and 3; three late
    # consultations → 30; 100−48 = 52 ≤ 70: its 解读 post wins nothing. One serious hit waits.
    b = w.account_b
    post(b, at(11, 9), "政策解读：中考改革")
    for day in range(9, 15):
        post(b, at(11, day, 15), f"转载{day}", original=False)
    w.b_serious = post(b, at(11, 13), "某某某讲话", hits=[SERIOUS_HIT])
    for day in (10, 11, 12):
        message(b, at(11, day, 9), None)

    # 示例教育: perfect weeks, one 解读 → 100 + 4 = 104 (the best of 市直部门和单位).
    for day in (9, 11, 16, 18):
        post(w.city_edu, at(11, day), "解读：双减" if day == 9 else "工作动态")

    # 示例民政: W2 empty → 5; original W2 → 3; one repost without source → 2; two late → 20:
    # exactly 70, not above the threshold, so its 图解 post wins nothing.
    post(w.city_mz, at(11, 10), "图解：养老补贴")
    post(w.city_mz, at(11, 11), "转载", original=False)
    message(w.city_mz, at(11, 10, 9), at(11, 12, 9))
    message(w.city_mz, at(11, 11, 9), None)
    return w


@pytest.fixture
def frozen_now():
    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ), tick=False):
        yield timezone.now()
