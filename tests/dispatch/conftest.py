import datetime as dt
import itertools

import pytest
from django.utils import timezone

from govmedia.content.models import Post
from govmedia.dispatch import services

CST = dt.timezone(dt.timedelta(hours=8))
_ids = itertools.count(1)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CST)


def make_post(account, title="", *, body="", url="", published_at=None, is_original=False, **extra) -> Post:
    n = next(_ids)
    return Post.objects.create(
        account=account,
        platform_post_id=f"p{n}",
        published_at=published_at or timezone.now(),
        title=title,
        body=body,
        url=url,
        is_original=is_original,
        content_hash=f"h{n}",
        fetched_at=timezone.now(),
        **extra,
    )


SOURCE_TEXT = (
    "为切实做好今冬明春森林防火工作，有效预防和减少森林火灾发生，保护人民群众生命财产安全，"
    "现就有关事项通知如下：一、严格落实防火责任，各级各部门要压实属地管理责任；"
    "二、严格管控野外用火，清明、春节等重点时段加强巡查；三、做好应急准备，确保一旦发生火情能够快速处置。"
)


def issue(user, *, deadline=None, **kwargs):
    values = {
        "title": "关于做好冬季森林防火工作的通知",
        "source_url": "https://www.gov.cn/zhengce/2026-11/20/content_1234.htm",
        "source_name": "中国政府网",
        "text": SOURCE_TEXT,
        "deadline": deadline or at(2026, 11, 26, 18, 0),
        **kwargs,
    }
    return services.do_issue_directive(acting_user=user, **values)


@pytest.fixture
def directive_a(world):
    """A county-A directive issued on 2026-11-24 10:00 to all of county A's accounts."""
    return issue(world.supervisor_a, now=at(2026, 11, 24, 10, 0))
