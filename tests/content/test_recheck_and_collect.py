import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from govmedia.content import risk
from govmedia.content.connectors.base import PostData
from govmedia.content.models import Post
from govmedia.content.services import ingest_post_batch


def test_posts_stored_while_the_checker_was_missing_are_checked_in_bulk_later(world, monkeypatch):
    monkeypatch.setattr(risk, "_checker", lambda: None)
    ingest_post_batch(
        [
            (
                world.account_a.pk,
                PostData("p1", timezone.now(), title="县国土资源局召开会议", body="联系电话13812345678"),
            )
        ],
        source="import",
    )
    post = Post.objects.get()
    assert post.risk_checked_at is None and post.risk_hits == []
    monkeypatch.undo()
    out = io.StringIO()
    call_command("recheck_posts", "--unchecked", stdout=out)
    assert "已检查 1 条内容，其中 1 条有风险提示" in out.getvalue()
    rules = {hit["rule"] for hit in Post.objects.get().risk_hits}
    assert "privacy.mobile" in rules


def test_the_collect_command_reports_each_account_in_chinese(world):
    out = io.StringIO()
    call_command("collect", "--account", str(world.account_a.pk), "--since", "2026-11-01", stdout=out)
    text = out.getvalue()
    assert "青山教育：失败 — 微信公众号凭证未配置（缺少 appid、secret）" in text
    assert "共 1 个账号，失败 1 个" in text


def test_the_collect_command_refuses_a_bad_date(world):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("collect", "--since", "11/01")


def test_a_post_with_new_stats_appends_a_day_of_history_and_keeps_one_row_per_day(world):
    published = timezone.now() - dt.timedelta(days=3)
    day1 = timezone.now() - dt.timedelta(days=1)
    ingest_post_batch(
        [(world.account_a.pk, PostData("p1", published, title="t", reads=10))], source="connector", now=day1
    )
    ingest_post_batch(
        [(world.account_a.pk, PostData("p1", published, title="t", reads=20))], source="connector"
    )
    ingest_post_batch(
        [(world.account_a.pk, PostData("p1", published, title="t", reads=25))], source="connector"
    )
    post = Post.objects.get()
    assert post.reads == 25
    assert list(post.stats.order_by("date").values_list("reads", flat=True)) == [10, 25]
