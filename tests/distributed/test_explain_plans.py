"""The hot queries read the big tables through indexes: EXPLAIN plans checked on PostgreSQL.

A province-sized slice is built once for the module (500 accounts in 10 counties, 50,000
posts written day by day as collection appends them, 25,000 messages, 10,000 Findings and
10,000 AccountResults), then ``ANALYZE``. Each test runs the real code path for a county's
50 accounts (the inspection, the dashboards, the matrix, an account's posts) under
``CaptureQueriesContext``, runs ``EXPLAIN (FORMAT JSON)`` on every SELECT it sent and fails if
the plan reads a big table with a sequential scan. The planner's own choice: ``enable_seqscan``
is never touched. Needs a PostgreSQL ``DATABASE_URL`` (`.ci/run` provides one); skipped elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="需要 PostgreSQL"
    ),
]

TZ = ZoneInfo("Asia/Shanghai")
BIG = {"content_post", "content_message", "supervision_finding", "supervision_accountresult"}
COUNTIES, UNITS_PER_COUNTY, ACCOUNTS_PER_UNIT = 10, 5, 10  # 500 accounts, 50 per county
OTHER_UNITS, OTHER_ACCOUNTS = 2_000, 20_000  # elsewhere in the province: registry rows only, 10 per unit
POSTS_PER_ACCOUNT, MESSAGES_PER_ACCOUNT, FINDINGS_PER_ACCOUNT = 100, 50, 20
HISTORY_DAYS = 200
INSPECTIONS = 20
WEEK_START = dt.date(2026, 11, 16)  # a Monday; the inspected week is 11-16 … 11-22
WEEK_END = WEEK_START + dt.timedelta(days=6)
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)


class Province:
    """What the tests need from the built data: a county, its people and one of its accounts."""


def build() -> Province:
    from conftest import make_user
    from govmedia.content.models import Connection, Health, Message, MessageKind, Post
    from govmedia.core.models import Role
    from govmedia.registry.models import (
        AssessmentGroup,
        Contact,
        MediaAccount,
        Platform,
        Region,
        RegionLevel,
        Unit,
        UnitKind,
    )
    from govmedia.supervision.indicators import BUILTIN_DIR, load_file
    from govmedia.supervision.models import (
        AccountResult,
        Finding,
        FindingStatus,
        IndicatorKind,
        Inspection,
        InspectionStatus,
    )

    rng = random.Random(20261123)
    p = Province()
    province = Region.objects.create(name="计划省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(name="计划市", level=RegionLevel.CITY, parent=province)
    city_gov = Unit.objects.create(name="计划市人民政府", kind=UnitKind.GOVERNMENT, region=city)
    platforms = [c for c, _ in Platform.choices][:8]
    accounts: list[MediaAccount] = []
    for c in range(COUNTIES):
        county = Region.objects.create(name=f"计划{c}县", level=RegionLevel.COUNTY, parent=city)
        gov = Unit.objects.create(
            name=f"计划{c}县人民政府",
            kind=UnitKind.GOVERNMENT,
            region=county,
            parent=city_gov,
            assessment_group=AssessmentGroup.COUNTY,
        )
        units = [gov] + [
            Unit.objects.create(name=f"计划{c}县第{d}局", kind=UnitKind.DEPARTMENT, region=county, parent=gov)
            for d in range(1, UNITS_PER_COUNTY)
        ]
        if c == 0:
            p.county, p.county_gov, p.unit = county, gov, units[1]
        accounts += [
            MediaAccount(
                owner=unit,
                platform=platforms[(len(accounts) + k) % len(platforms)],
                name=f"计划{c}县账号{u}-{k}",
                platform_uid=f"plan-{c}-{u}-{k}",
            )
            for u, unit in enumerate(units)
            for k in range(ACCOUNTS_PER_UNIT)
        ]
    accounts = MediaAccount.objects.bulk_create(accounts, batch_size=1000)
    # The rest of the province: registry rows only, so the registry tables have a province's size.
    other_city = Region.objects.create(name="外市", level=RegionLevel.CITY, parent=province)
    other_units = Unit.objects.bulk_create(
        [Unit(name=f"外市第{u}局", kind=UnitKind.DEPARTMENT, region=other_city) for u in range(OTHER_UNITS)]
    )
    others = MediaAccount.objects.bulk_create(
        [
            MediaAccount(
                owner=other_units[i % OTHER_UNITS],
                platform=platforms[i % len(platforms)],
                name=f"外市账号{i}",
                platform_uid=f"other-{i}",
            )
            for i in range(OTHER_ACCOUNTS)
        ],
        batch_size=5000,
    )
    Contact.objects.bulk_create(
        [
            Contact(account=a, role=Contact.Role.HEAD, name="王五", mobile="13700000000")
            for a in accounts + others
        ],
        batch_size=5000,
    )
    Connection.objects.bulk_create(
        [
            Connection(account=a, health=Health.BROKEN if i % 50 == 0 else Health.OK)
            for i, a in enumerate(accounts)
        ]
    )
    p.account = next(a for a in accounts if a.owner_id == p.unit.pk)

    # Posts written day by day, oldest first, as collection appends them; a few accounts fall silent.
    end_at = dt.datetime.combine(WEEK_END + dt.timedelta(days=1), dt.time(), TZ)
    silent = {a.pk for i, a in enumerate(accounts) if i % 20 == 7}  # 2 of a county's 50 accounts
    rate = POSTS_PER_ACCOUNT / HISTORY_DAYS
    serial = dict.fromkeys((a.pk for a in accounts), 0)
    posts = []
    for days_ago in range(HISTORY_DAYS, 0, -1):
        day = end_at - dt.timedelta(days=days_ago)
        for a in accounts:
            if days_ago <= 20 and a.pk in silent:
                continue
            for _ in range(int(rate + rng.random())):
                serial[a.pk] += 1
                when = day + dt.timedelta(seconds=rng.randrange(86400))
                original = rng.random() < 0.7
                posts.append(
                    Post(
                        account_id=a.pk,
                        platform_post_id=f"p{serial[a.pk]}",
                        published_at=when,
                        title=rng.choice(["工作动态", "政策解读：惠民政策", "通知公告", "图解：办事指南"]),
                        is_original=original,
                        repost_source="" if original or rng.random() < 0.1 else "新华社",
                        content_hash=f"h{a.pk}-{serial[a.pk]}",
                        fetched_at=when,
                    )
                )
    Post.objects.bulk_create(posts, batch_size=5000)
    messages = []
    for a in accounts:
        for k in range(MESSAGES_PER_ACCOUNT):
            received = end_at - dt.timedelta(days=rng.random() * 90)
            replied = received + dt.timedelta(hours=rng.random() * 40) if rng.random() < 0.95 else None
            messages.append(
                Message(
                    account_id=a.pk,
                    platform_message_id=f"m{k}",
                    received_at=received,
                    kind=MessageKind.CONSULTATION,
                    text="请问",
                    replied_at=replied,
                    fetched_at=received,
                )
            )
    messages.sort(key=lambda m: m.received_at)  # in the order they were collected
    Message.objects.bulk_create(messages, batch_size=5000)

    p.indicator_set = load_file(BUILTIN_DIR / "demo-city-2026.yaml")[0]
    indicators = list(p.indicator_set.indicators.all())
    inspections = Inspection.objects.bulk_create(
        [
            Inspection(
                title=f"第{n}次检查",
                period_start=WEEK_START - dt.timedelta(days=7 * (INSPECTIONS - n)),
                period_end=WEEK_END - dt.timedelta(days=7 * (INSPECTIONS - n)),
                indicator_set=p.indicator_set,
                status=InspectionStatus.PUBLISHED,
                published_at=NOW,
            )
            for n in range(INSPECTIONS)
        ]
    )
    AccountResult.objects.bulk_create(
        [
            AccountResult(
                inspection=i,
                account_id=a.pk,
                unit_id=a.owner_id,
                platform=a.platform,
                vetoed=rng.random() < 0.05,
                deduction_score=90,
                score=90,
                detail={"vetoes": [], "deductions": {}, "bonus": {}},
            )
            for i in inspections
            for a in accounts
        ],
        batch_size=5000,
    )
    statuses = [FindingStatus.OPEN, FindingStatus.RESOLVED, FindingStatus.RESOLVED, FindingStatus.DISMISSED]
    Finding.objects.bulk_create(
        [
            Finding(
                account_id=a.pk,
                indicator_code=(ind := indicators[n % len(indicators)]).code,
                indicator_name=ind.name,
                kind=ind.kind if ind.kind != IndicatorKind.VETO or n % 7 == 0 else IndicatorKind.DEDUCTION,
                check_name=ind.check_name,
                key=f"week:{n}",
                summary="历史问题",
                status=statuses[n % len(statuses)],
                last_found_at=NOW - dt.timedelta(days=n),
            )
            for a in accounts
            for n in range(FINDINGS_PER_ACCOUNT)
        ],
        batch_size=5000,
    )
    p.supervisor = make_user("plan_county_supervisor", Role.SUPERVISOR, p.county_gov)
    p.editor = make_user("plan_unit_editor", Role.EDITOR, p.unit)
    analyze()
    return p


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker):
    """Built once, in a transaction rolled back after the module; each test nests inside it."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            yield build()
            transaction.set_rollback(True)
        forget_table_sizes()


def app_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
        )
        return sorted(name for (name,) in cursor.fetchall())


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(f'"{t}"' for t in app_tables()))


def forget_table_sizes() -> None:
    """Put the tables back to "never analyzed" once the rows are rolled back.

    ``ANALYZE`` writes sizes to ``pg_class`` outside the transaction. Left behind (or turned
    into "empty" by a ``VACUUM``), they make later modules plan for tiny tables and keep
    those plans while they load 100k rows (the deferred foreign-key checks then scan whole
    tables). ``TRUNCATE`` of an empty table resets its size to unknown, as a new database has.
    """
    with connection.cursor() as cursor:
        empty = set()
        for table in app_tables():
            cursor.execute(f'SELECT NOT EXISTS (SELECT 1 FROM "{table}")')
            if cursor.fetchone()[0]:
                empty.add(table)
        cursor.execute(
            "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
        )
        references = [(a.strip('"'), b.strip('"')) for a, b in cursor.fetchall()]
        changed = True
        while changed:  # a table that a kept (non-empty) table refers to must be kept too
            kept = {b for a, b in references if a not in empty and b in empty}
            changed = bool(kept)
            empty -= kept
        if empty:
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in sorted(empty)))


@pytest.fixture(autouse=True)
def _now():
    """The pages compute "late" and "idle" from the clock: keep it at the data's Monday morning."""
    import time_machine

    with time_machine.travel(NOW, tick=False):
        yield


# --- reading plans ----------------------------------------------------------------------------

_DECLARE = re.compile(r"^DECLARE\s+\S+\s+.*?CURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+", re.S | re.I)


@dataclass(frozen=True)
class Scan:
    node: str  # Seq Scan, Index Scan, Index Only Scan, Bitmap Heap Scan
    table: str
    indexes: tuple[str, ...]
    narrowed: bool  # an index condition picks the rows (not a whole-index walk)


def plan_of(sql: str) -> dict:
    """``EXPLAIN (FORMAT JSON)`` of a captured statement (a server-side cursor's ``DECLARE`` unwrapped)."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + _DECLARE.sub("", sql))
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def scans(plan: dict) -> list[Scan]:
    found = []
    for node in _nodes(plan):
        if "Relation Name" not in node:
            continue
        if node["Node Type"] == "Bitmap Heap Scan":
            bitmap = [n for n in _nodes(node) if n["Node Type"] == "Bitmap Index Scan"]
            indexes, narrowed = tuple(n["Index Name"] for n in bitmap), all("Index Cond" in n for n in bitmap)
        else:
            indexes = (node["Index Name"],) if "Index Name" in node else ()
            narrowed = "Index Cond" in node
        found.append(Scan(node["Node Type"], node["Relation Name"], indexes, narrowed))
    return found


def selects(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if re.match(r"\s*(SELECT|DECLARE)\b", q["sql"], re.I)]


def plans(queries, big=BIG) -> list[tuple[str, list[Scan]]]:
    """(SQL, scans) of every captured SELECT that reads one of the ``big`` tables."""
    read = []
    for sql in selects(queries):
        found = scans(plan_of(sql))
        if any(s.table in big for s in found):
            read.append((sql, found))
    return read


def assert_indexed(read: list[tuple[str, list[Scan]]], big=BIG) -> None:
    """No big table is read whole: no sequential scan, no walk of a whole index."""
    for sql, found in read:
        whole = [s for s in found if s.table in big and (s.node == "Seq Scan" or not s.narrowed)]
        assert not whole, f"{whole} in:\n{sql}\n\nplan: {found}"


def tables(read) -> set[str]:
    return {s.table for _, found in read for s in found}


def indexes(read, table: str) -> set[str]:
    return {i for _, found in read for s in found if s.table == table for i in s.indexes}


def _is_last_post(sql: str) -> bool:
    """The dashboards' "last post of each account": a top-1 subquery down post_account_published."""
    return (
        'FROM "content_post" U0' in sql and "DESC LIMIT 1" in sql
    ) or 'MAX("content_post"."published_at")' in sql


# --- the hot queries ----------------------------------------------------------------------------


def test_a_county_inspection_reads_its_weeks_posts_messages_and_findings_through_indexes(province):
    from govmedia.supervision.services import run_inspection

    with CaptureQueriesContext(connection) as queries:
        inspection = run_inspection(
            start=WEEK_START,
            end=WEEK_END,
            indicator_set=province.indicator_set,
            scope_unit=province.county_gov,
        )
    assert inspection.account_count == UNITS_PER_COUNTY * ACCOUNTS_PER_UNIT
    read = plans(queries)
    assert_indexed(read)
    assert {"content_post", "content_message", "supervision_finding"} <= tables(read)
    # the silent accounts' last post is found along (account, published_at), one row each
    assert "post_account_published" in indexes(read, "content_post")


def test_a_second_inspection_of_the_same_week_finds_the_existing_findings_through_an_index(province):
    from govmedia.supervision.services import run_inspection

    run = dict(
        start=WEEK_START, end=WEEK_END, indicator_set=province.indicator_set, scope_unit=province.county_gov
    )
    first = run_inspection(**run)
    with CaptureQueriesContext(connection) as queries:
        second = run_inspection(**run, previous=first)
    assert second.links.count() == first.links.count() > 0
    read = plans(queries)
    assert_indexed(read)
    lookups = [(sql, found) for sql, found in read if 'FROM "supervision_finding"' in sql and '"key"' in sql]
    assert lookups and all(s.node != "Seq Scan" for _, found in lookups for s in found)


def test_the_county_supervisors_dashboard_reads_messages_findings_and_scores_through_indexes(
    province, client
):
    from django.urls import reverse

    client.force_login(province.supervisor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("results:dashboard")).status_code == 200
    read = [(sql, found) for sql, found in plans(queries) if not _is_last_post(sql)]
    assert_indexed(read)
    assert {"content_message", "supervision_finding", "supervision_accountresult"} <= tables(read)
    # "late replies" read only the unanswered messages (content 0003)
    assert "message_unanswered" in indexes(read, "content_message")


def test_an_owner_units_dashboard_reads_its_messages_and_findings_through_indexes(province, client):
    from django.urls import reverse

    client.force_login(province.editor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("results:dashboard")).status_code == 200
    read = [(sql, found) for sql, found in plans(queries) if not _is_last_post(sql)]
    assert_indexed(read)
    assert {"content_message", "supervision_finding"} <= tables(read)


@pytest.mark.parametrize("who", ["supervisor", "editor"])
def test_the_dashboards_find_each_accounts_last_post_through_the_post_account_published_index(
    province, client, who
):
    from django.urls import reverse

    client.force_login(getattr(province, who))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("results:dashboard")).status_code == 200
    read = [(sql, found) for sql, found in plans(queries) if _is_last_post(sql)]
    assert read
    assert_indexed(read)


def test_the_matrix_of_a_county_reads_accounts_and_contacts_through_indexes(province, client):
    from django.urls import reverse

    registry = {"registry_mediaaccount", "registry_contact"}  # 20,500 accounts, a province's registry
    client.force_login(province.supervisor)
    for query in (
        "",
        f"?region={province.county.pk}",
        f"?unit={province.unit.pk}&platform={province.account.platform}",
        "?status=active&q=账号&page=2",
    ):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("web:matrix") + query)
        assert response.status_code == 200
        read = plans(queries, BIG | registry)
        assert_indexed(read, BIG | registry)
        assert "registry_mediaaccount" in tables(read)
    assert "registry_contact" in tables(read)  # the page's contacts, prefetched by account


def test_an_accounts_posts_page_reads_its_posts_newest_first_through_an_index(province, client):
    from django.urls import reverse

    client.force_login(province.supervisor)
    url = reverse("content:account_posts", args=[province.account.pk])
    for page in ("", "?page=2"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url + page).status_code == 200
        read = plans(queries)
        assert_indexed(read)
        ordered = [sql for sql, _ in read if 'ORDER BY "content_post"."published_at" DESC' in sql]
        assert ordered, "the page query ordering by -published_at was not captured"
