"""The fast ways of the post import give the same results as the plain ones: the row fast path
as the careful parser, the forked risk check as checking in-process, pipelined batches as one
batch after another."""

import csv
import datetime as dt
import multiprocessing
import os

import pytest
from django.utils import timezone

from govmedia.content import risk
from govmedia.content.connectors.base import PostData
from govmedia.content.importing import POST_HEADERS, AccountIndex, _PostRowParser, import_posts
from govmedia.content.models import Post, PostStat
from govmedia.content.risk import CheckProcess, check_texts
from govmedia.content.services import ingest_post_batch
from govmedia.registry.importing import ImportFailed, ImportReport

RISKY = [
    ("县国土资源局召开会议", "联系电话13812345678"),
    ("关于做好防汛工作的通知", "根据国办发（2020）第05号文件精神,现通知如下。。"),
    ("", "请访问 http://t.cn/abc 了解详情"),
    ("普通标题", "普通正文。"),
]


def post_row(n, **overrides):
    title, body = RISKY[n % len(RISKY)]
    row = {
        "账号ID": "a-edu-wx" if n % 3 else "city-weibo",
        "平台": "微信订阅号" if n % 3 else "微博",
        "发布时间": f"2026-03-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}",
        "标题": f"{title}{n}" if title else "",
        "正文": body,
        "链接": f"https://example.com/{n}",
        "原创": "是" if n % 2 else "否",
        "来源": "" if n % 2 else "新华社",
        "阅读数": str(n),
        "点赞数": "" if n % 5 else "7",
        "转发数": "3",
        "评论数": "0",
        "在看数": "",
    }
    row.update(overrides)
    return [row[h] for h in POST_HEADERS]


def write_csv(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(POST_HEADERS)
        writer.writerows(rows)
    return path


def stored():
    return sorted(
        Post.objects.values_list(
            "account_id",
            "platform_post_id",
            "published_at",
            "title",
            "body",
            "url",
            "is_original",
            "repost_source",
            "reads",
            "likes",
            "content_hash",
            "risk_hits",
        )
    )


def test_a_parallel_import_stores_what_a_serial_one_does(world, tmp_path):
    rows = [post_row(n) for n in range(60)]
    rows += [post_row(5), post_row(17, 阅读数="99")]  # repeated posts, in later batches
    rows += [post_row(n, 账号ID="city-weibo", 平台="微博") for n in range(1, 8)]  # same texts, other account
    path = write_csv(tmp_path / "p.csv", rows)

    serial = import_posts(path, batch_size=7, parallel=False)
    expected, stats = stored(), PostStat.objects.count()
    serial_again = import_posts(path, batch_size=7, parallel=False)
    assert (serial_again.created, serial_again.updated) == (0, 2)  # 17 goes back to 17, then to 99
    assert any(hits for *_, hits in expected) and Post.objects.filter(risk_checked_at=None).count() == 0
    assert stored() == expected
    Post.objects.all().delete()

    parallel = import_posts(path, batch_size=7, parallel=True)
    assert (parallel.created, parallel.updated) == (serial.created, serial.updated)
    assert stored() == expected
    assert PostStat.objects.count() == stats
    assert Post.objects.filter(risk_checked_at=None).count() == 0
    assert not multiprocessing.active_children()  # the checking process has exited

    again = import_posts(path, batch_size=7, parallel=True)
    assert (again.created, again.updated, again.unchanged) == (
        serial_again.created,
        serial_again.updated,
        serial_again.unchanged,
    )
    assert stored() == expected


def test_a_post_whose_text_changed_is_checked_again_and_others_keep_their_hits(world):
    published = timezone.now() - dt.timedelta(days=1)
    account = world.account_a.pk
    ingest_post_batch(
        [(account, PostData("p1", published, title="t", body="正文。", reads=1))]
        + [(account, PostData(f"q{i}", published, title="t", body="联系电话13812345678")) for i in range(3)],
        source="connector",
    )
    assert Post.objects.get(platform_post_id="p1").risk_hits == []
    summary = ingest_post_batch(
        [(account, PostData("p1", published, title="t", body="联系电话13812345678", reads=2))]
        + [
            (account, PostData(f"q{i}", published, title="t", body="联系电话13812345678", reads=5))
            for i in range(3)
        ],
        source="connector",
    )
    assert (summary.created, summary.updated) == (0, 4)
    rules = {
        p: {h["rule"] for h in hits} for p, hits in Post.objects.values_list("platform_post_id", "risk_hits")
    }
    assert rules == {"p1": {"privacy.mobile"}, **{f"q{i}": {"privacy.mobile"} for i in range(3)}}
    assert Post.objects.get(platform_post_id="p1").reads == 2


def test_a_bad_row_in_a_parallel_import_writes_nothing_and_stops_the_checker(world, tmp_path):
    rows = [post_row(n) for n in range(1, 30)] + [post_row(30, 发布时间="明天")]
    with pytest.raises(ImportFailed) as failed:
        import_posts(write_csv(tmp_path / "p.csv", rows), batch_size=5, parallel=True)
    assert [(e.row, e.column) for e in failed.value.report.errors] == [(31, "发布时间")]
    assert Post.objects.count() == 0
    assert not multiprocessing.active_children()


def test_checks_split_between_two_processes_come_back_in_order():
    texts = [(f"标题{i}", body) for i in range(40) for body in ("联系电话13812345678", "正文。", "正文,")]
    expected = check_texts(texts)
    cpus = os.sched_getaffinity(0)
    with CheckProcess(parallel=True) as checks:
        checks.submit(texts)
        assert checks.collect() == expected  # first batch: all checked by the other process
        checks.theirs, checks.busy = 1.0, 0.0
        assert checks._their_share(len(texts)) == len(texts)  # no share here before waiting a while
        checks.waited = 10.0
        assert checks._their_share(len(texts)) == len(texts) // 2
        checks.submit(texts)
        assert checks.collect() == expected
        if len(cpus) > 1:  # the checker has a CPU of its own meanwhile
            assert os.sched_getaffinity(checks.process.pid) | os.sched_getaffinity(0) == cpus
    assert os.sched_getaffinity(0) == cpus  # and this thread has all of them back
    with CheckProcess(parallel=False) as checks:
        checks.submit(texts)
        assert checks.collect() == expected


def test_a_missing_checker_leaves_posts_unchecked_in_a_parallel_import_too(world, tmp_path, monkeypatch):
    monkeypatch.setattr(risk, "_checker", lambda: None)
    import_posts(write_csv(tmp_path / "p.csv", [post_row(n) for n in range(1, 6)]), parallel=True)
    assert Post.objects.count() == 5
    assert set(Post.objects.values_list("risk_checked_at", flat=True)) == {None}


TRICKY = [
    {},
    {"标题": "-123"},
    {"标题": "+86 电话"},
    {"标题": "=1+1"},
    {"正文": "@所有人"},
    {"标题": " 前后空格 ", "正文": "  正文  "},
    {"标题": "", "正文": ""},
    {"标题": "x" * 301},
    {"账号ID": "nobody"},
    {"账号ID": " a-edu-wx "},
    {"平台": "微信公众号"},
    {"平台": "不存在的平台"},
    {"平台": "weixin-subscription-but-far-too-long"},
    {"发布时间": "2026/3/2 09:30"},
    {"发布时间": "2026-03-02 09:30:15"},
    {"发布时间": " 2026-03-02 09:30 "},
    {"发布时间": "2099-01-01 00:00"},
    {"发布时间": ""},
    {"发布时间": "2026-02-30 09:30"},
    {"链接": "ftp://x"},
    {"链接": ""},
    {"链接": "https://" + "x" * 1000},
    {"原创": "否"},
    {"原创": ""},
    {"原创": "也许"},
    {"来源": "-新华社"},
    {"来源": "新" * 201},
    {"阅读数": "1,234"},
    {"阅读数": "12.0"},
    {"阅读数": " 12 "},
    {"阅读数": "-1"},
    {"阅读数": "１２"},
    {"阅读数": "9" * 19},
    {"阅读数": "0012"},
]


@pytest.mark.parametrize("overrides", TRICKY, ids=range(len(TRICKY)))
def test_the_row_fast_path_agrees_with_the_careful_parser(world, overrides):
    cells = post_row(4, **overrides)
    careful = _PostRowParser(AccountIndex(), ImportReport(kind="posts"))
    fast = _PostRowParser(AccountIndex(), ImportReport(kind="posts"))
    expected = careful.parse(2, dict(zip(POST_HEADERS, cells, strict=True)))
    got = fast.fast(cells)
    if not overrides:
        assert got is not None  # the common row takes the fast path
    if got is not None:
        assert got == expected
        assert fast.fast(cells) == expected  # and again, from its caches
    else:
        assert expected is None or careful.error_count == 0  # the careful parser decides


def test_numbers_and_dates_from_xlsx_cells_go_the_careful_way(world):
    cells = post_row(4)
    cells[POST_HEADERS.index("阅读数")] = 120
    cells[POST_HEADERS.index("发布时间")] = dt.datetime(2026, 3, 2, 9, 30)
    parser = _PostRowParser(AccountIndex(), ImportReport(kind="posts"))
    assert parser.fast(cells) is None
    account_id, post = parser.parse(2, dict(zip(POST_HEADERS, cells, strict=True)))
    assert post.reads == 120


def test_where_no_process_can_be_started_the_checks_run_here(monkeypatch):
    def refuse(self):
        raise AssertionError("daemonic processes are not allowed to have children")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)
    texts = [("标题", "联系电话13812345678")] * 3
    with CheckProcess(parallel=True) as checks:
        checks.submit(texts)
        assert checks.collect() == check_texts(texts)
        assert checks.process is None
