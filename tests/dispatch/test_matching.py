"""Completion matched from collected posts: link, title similarity, text fingerprint; true and false matches."""

import pytest

from govmedia.dispatch import matching, services
from govmedia.dispatch.models import MatchMethod, Task, TaskStatus

from .conftest import SOURCE_TEXT, at, make_post

TITLE = "关于做好冬季森林防火工作的通知"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (TITLE, "【转载】关于做好冬季森林防火工作的通知", True),
        (TITLE, "转发：市应急局关于做好冬季森林防火工作的通知", True),
        (TITLE, "重磅｜关于做好冬季森林防火工作的通知！", True),
        (TITLE, "关于做好冬季森林防火工作的通知 ", True),
        (TITLE, "关于做好冬季安全生产工作的通知", False),
        (TITLE, "森林防火知识问答", False),
        (TITLE, "关于做好冬季学校安全工作的通知", False),
    ],
)
def test_title_similarity_tells_reposts_from_lookalikes(a, b, same):
    assert (matching.title_similarity(a, b) >= matching.TITLE_THRESHOLD) is same


def test_urls_match_ignoring_tracking_parameters_and_scheme():
    src = "https://mp.weixin.qq.com/s?__biz=MzA&mid=2247&idx=1&sn=abc&chksm=zz&scene=21#wechat_redirect"
    assert matching.normal_url(src) == matching.normal_url(
        "http://mp.weixin.qq.com/s?mid=2247&__biz=MzA&sn=abc&idx=1"
    )
    assert matching.normal_url(src) != matching.normal_url(
        "https://mp.weixin.qq.com/s?__biz=MzA&mid=2247&idx=2&sn=abc"
    )


def test_a_repost_with_a_new_title_is_found_by_its_text_fingerprint():
    body = "编者按：请广大市民注意。\n" + SOURCE_TEXT[:120] + "（来源：中国政府网）"
    assert matching.fingerprint_containment(SOURCE_TEXT, body) >= matching.FINGERPRINT_THRESHOLD
    other = "为切实做好今冬明春安全生产工作，有效预防和减少生产安全事故发生，现就有关事项通知如下：一、压实企业主体责任。"
    assert matching.fingerprint_containment(SOURCE_TEXT, other) < matching.FINGERPRINT_THRESHOLD


def _run(now=None):
    return services.match_tasks(now=now or at(2026, 11, 27, 12, 0))


def _task(directive, account) -> Task:
    return Task.objects.get(directive=directive, account=account)


def test_the_same_link_completes_the_task_at_the_posts_time(world, directive_a):
    make_post(
        world.account_a,
        "森林防火",
        url=directive_a.source_url + "?from=timeline",
        published_at=at(2026, 11, 24, 15, 0),
    )
    assert _run() == 1
    task = _task(directive_a, world.account_a)
    assert task.status == TaskStatus.DONE and task.match_method == MatchMethod.URL
    assert task.done_at == at(2026, 11, 24, 15, 0) and task.on_time


def test_a_reposted_title_completes_the_task_and_a_lookalike_does_not(world, directive_a):
    make_post(world.account_a, "关于做好冬季安全生产工作的通知", published_at=at(2026, 11, 24, 11, 0))
    make_post(world.account_a2, "【转载】关于做好冬季森林防火工作的通知", published_at=at(2026, 11, 25, 9, 0))
    _run()
    assert _task(directive_a, world.account_a).status == TaskStatus.PENDING
    done = _task(directive_a, world.account_a2)
    assert done.status == TaskStatus.DONE and done.match_method == MatchMethod.TITLE


def test_a_retitled_repost_is_found_by_the_source_text(world, directive_a):
    make_post(
        world.account_a, "今冬明春，这些防火要求请牢记", body=SOURCE_TEXT, published_at=at(2026, 11, 25, 9, 0)
    )
    _run()
    task = _task(directive_a, world.account_a)
    assert task.match_method == MatchMethod.FINGERPRINT and task.match_score > 0.9


def test_an_old_post_and_another_accounts_post_do_not_count(world, directive_a):
    make_post(world.account_a, TITLE, published_at=at(2025, 11, 24, 9, 0))  # last year's
    make_post(world.account_b, TITLE, published_at=at(2026, 11, 25, 9, 0))  # not a target
    assert _run() == 0
    assert not Task.objects.filter(account=world.account_b).exists()


def test_a_post_after_the_deadline_completes_the_task_late(world, directive_a):
    services.mark_missed(at(2026, 11, 26, 18, 1))
    make_post(world.account_a, TITLE, published_at=at(2026, 11, 27, 9, 0))
    _run()
    task = _task(directive_a, world.account_a)
    assert task.status == TaskStatus.DONE and task.on_time is False
    rows = services.missed_directives(account_ids=[world.account_a.pk])
    assert [r["task_id"] for r in rows] == [task.pk]


def test_matching_twice_changes_nothing(world, directive_a):
    make_post(world.account_a, TITLE, published_at=at(2026, 11, 25, 9, 0))
    assert _run() == 1
    assert _run() == 0


def test_original_coverage_is_matched_by_keywords_on_the_accounts_own_posts(world):
    directive = services.do_issue_directive(
        acting_user=world.supervisor_a,
        title="宣传报道冬季森林防火",
        kind="original",
        keywords="森林防火，青山",
        deadline=at(2026, 11, 30, 18, 0),
        now=at(2026, 11, 24, 10, 0),
    )
    make_post(
        world.account_a,
        "青山县开展森林防火演练",
        body="……",
        is_original=True,
        published_at=at(2026, 11, 25, 9, 0),
    )
    make_post(
        world.account_a2,
        "【转载】青山森林防火",
        body="……",
        is_original=False,
        published_at=at(2026, 11, 25, 9, 0),
    )
    _run()
    assert _task(directive, world.account_a).match_method == MatchMethod.KEYWORDS
    assert _task(directive, world.account_a2).status == TaskStatus.PENDING
