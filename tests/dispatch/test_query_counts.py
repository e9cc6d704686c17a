"""List pages keep a flat query count as rows grow (zulip assert_database_query_count)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govmedia.interaction.models import Answer
from govmedia.security.models import SecurityIncident

from .conftest import at, issue


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(world, n):
    from django.utils import timezone

    for i in range(n):
        issue(world.supervisor_a, title=f"转发通知{i}", now=at(2026, 11, 24, 10, 0))
        Answer.objects.create(owner=world.dept_a, question=f"问题{i}", answer="答复")
        SecurityIncident.objects.create(
            account=world.account_a, kind="other", title=f"事件{i}", occurred_at=timezone.now()
        )


@pytest.mark.parametrize(
    "name",
    [
        "dispatch:directives",
        "dispatch:tasks",
        "interaction:answers",
        "security:register",
        "security:incidents",
        "security:duty",
    ],
)
def test_a_list_page_query_count_stays_flat(world, login, name):
    client = login(world.supervisor_a)
    _grow(world, 2)
    few = _count(client, reverse(name))
    _grow(world, 12)
    assert _count(client, reverse(name)) == few
