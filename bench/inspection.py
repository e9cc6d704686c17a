"""Benchmark: a full weekly inspection of a synthetic 10,000-account / 3,000,000-post region.

Builds the region twice on throw-away SQLite databases (or $BENCH_DATABASE_URL with
``{size}`` in its name): full size and half size, then times one weekly inspection of each
with the demo-city-2026 set (every built-in check that reads posts and messages). Cost
must grow linearly: the ratio full/half should be about 2. Target: < 60 s full size.

    .venv/bin/python bench/inspection.py            # 10,000 accounts, 300 posts each
    BENCH_ACCOUNTS=2000 .venv/bin/python bench/inspection.py
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = int(os.environ.get("BENCH_ACCOUNTS", "10000"))
POSTS_PER_ACCOUNT = int(os.environ.get("BENCH_POSTS_PER_ACCOUNT", "300"))
MESSAGES_PER_ACCOUNT = int(os.environ.get("BENCH_MESSAGES_PER_ACCOUNT", "20"))
WEEK_START = dt.date(2026, 11, 16)  # Monday; the inspected week is 11-16 … 11-22
WEEK_END = WEEK_START + dt.timedelta(days=6)
HISTORY_DAYS = 365


def child(accounts: int) -> None:
    """Build one region in this process's database and time its weekly inspection."""
    tmp = tempfile.mkdtemp(prefix="govmedia-bench-inspection-")
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3").replace(
        "{size}", str(accounts)
    )
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("GOVMEDIA_DATA_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    n_posts, built = build_region(accounts)
    _finish_child(accounts, n_posts, built)
    if "BENCH_DATABASE_URL" not in os.environ:
        shutil.rmtree(tmp, ignore_errors=True)


def build_region(accounts: int) -> tuple[int, float]:
    """A synthetic region with a year of posts written day by day; returns (posts, seconds)."""
    from django.db import connection, transaction

    from govmedia.registry.models import AssessmentGroup, MediaAccount, Platform, Region, Unit

    t0 = time.perf_counter()
    rng = random.Random(accounts)
    province = Region.objects.create(name="基准省", level="province")
    city = Region.objects.create(name="基准市", level="city", parent=province)
    city_gov = Unit.objects.create(name="基准市人民政府", kind="government", region=city)
    units: list[Unit] = []
    counties = 50
    per_county = max(1, accounts // counties // 10)  # ten accounts per unit
    for c in range(counties):
        county = Region.objects.create(name=f"第{c}县", level="county", parent=city)
        gov = Unit.objects.create(
            name=f"第{c}县人民政府",
            kind="government",
            region=county,
            parent=city_gov,
            assessment_group=AssessmentGroup.COUNTY,
        )
        depts = [
            Unit(name=f"第{c}县第{d}局", kind="department", region=county, parent=gov)
            for d in range(per_county)
        ]
        Unit.objects.bulk_create(depts)
        units += list(Unit.objects.filter(parent=gov))
    city_depts = [
        Unit(
            name=f"基准市第{d}局",
            kind="department",
            region=city,
            parent=city_gov,
            assessment_group=AssessmentGroup.CITY_DEPARTMENT,
        )
        for d in range(20)
    ]
    Unit.objects.bulk_create(city_depts)
    units += list(Unit.objects.filter(parent=city_gov, kind="department"))
    platforms = [p.value for p in Platform][:8]
    MediaAccount.objects.bulk_create(
        [
            MediaAccount(
                owner=units[i % len(units)],
                platform=platforms[i % len(platforms)],
                name=f"基准账号{i}",
                platform_uid=f"bench-{i}",
                content_type="video"
                if platforms[i % len(platforms)] in ("douyin", "kuaishou")
                else "text_image",
                has_interaction=rng.random() > 0.01,
            )
            for i in range(accounts)
        ],
        batch_size=2000,
    )
    account_ids = list(MediaAccount.objects.values_list("id", flat=True))
    end_at = dt.datetime.combine(WEEK_END + dt.timedelta(days=1), dt.time(), dt.UTC)
    adapt = connection.ops.adapt_datetimefield_value
    post_sql = (
        "INSERT INTO content_post (account_id, platform_post_id, published_at, title, body, url, kind, is_original,"
        " repost_source, source, content_hash, fetched_at, risk_hits) VALUES"
        " (%s, %s, %s, %s, %s, '', 'article', %s, %s, 'import', %s, %s, %s)"
    )
    hit = '[{"start": 0, "end": 2, "text": "错字", "category": "typo", "rule": "typo.x", "severity": "error", "suggestion": "改正"}]'
    fetched = adapt(end_at)
    titles = ["工作动态", "政策解读：惠民政策", "通知公告", "图解：办事指南", "便民服务"]
    n_posts = 0
    # Posts are written day by day, as collection appends them in real life: a week's posts
    # sit together in the table instead of scattered across every account's history.
    rate = POSTS_PER_ACCOUNT / HISTORY_DAYS
    dormant = {a for a in account_ids if rng.random() < 0.02}  # silent for a month: the veto
    serial = dict.fromkeys(account_ids, 0)
    with transaction.atomic(), connection.cursor() as cursor:
        for days_ago in range(HISTORY_DAYS, 0, -1):
            day_start = end_at - dt.timedelta(days=days_ago)
            rows = []
            for account_id in account_ids:
                if days_ago <= 30 and account_id in dormant:
                    continue
                for _ in range(int(rate + rng.random())):
                    when = day_start + dt.timedelta(seconds=rng.randrange(86400))
                    k = serial[account_id] = serial[account_id] + 1
                    original = rng.random() < 0.7
                    rows.append(
                        (
                            account_id,
                            f"p{k}",
                            adapt(when),
                            titles[k % 5],
                            "",
                            original,
                            "" if original or rng.random() < 0.1 else "新华社",
                            f"h{account_id}-{k}",
                            fetched,
                            hit if rng.random() < 0.01 else "[]",
                        )
                    )
            _write(cursor, post_sql, rows)
            n_posts += len(rows)
        msg_sql = (
            "INSERT INTO content_message (account_id, platform_message_id, received_at, kind, text, author, reply_text,"
            " replied_at, replied_by, source, fetched_at) VALUES (%s, %s, %s, %s, '请问', '', '', %s, '', 'import', %s)"
        )
        messages = []
        for account_id in account_ids:
            for k in range(MESSAGES_PER_ACCOUNT):
                received = end_at - dt.timedelta(days=rng.random() * 60)
                delay = dt.timedelta(hours=rng.random() * 40)
                replied = received + delay if rng.random() < 0.9 else None
                messages.append((received, account_id, k, replied))
        messages.sort()  # received order, as collected
        _write(
            cursor,
            msg_sql,
            [
                (a, f"m{k}", adapt(received), "consultation", adapt(replied) if replied else None, fetched)
                for received, a, k, replied in messages
            ],
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return n_posts, time.perf_counter() - t0


def _write(cursor, insert_sql: str, rows: list[tuple]) -> None:
    """INSERT the rows; on PostgreSQL the same rows go through COPY (15 M posts in minutes)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        cursor.executemany(insert_sql, rows)
        return
    head, _, values = insert_sql.partition(" VALUES")
    table_and_columns = head.removeprefix("INSERT INTO ")
    columns = [c.strip() for c in table_and_columns[table_and_columns.index("(") + 1 : -1].split(",")]
    constants = [v.strip() for v in values.strip().strip("()").split(",")]
    # COPY takes no SQL constants: put the literal values of the INSERT into each row.
    literal = {i: c.strip("'") for i, c in enumerate(constants) if c != "%s"}
    with cursor.cursor.copy(f"COPY {table_and_columns} FROM STDIN") as copy:
        for row in rows:
            it = iter(row)
            copy.write_row([literal[i] if i in literal else next(it) for i in range(len(columns))])


def _finish_child(accounts: int, n_posts: int, built: float) -> None:
    from django.db import connection

    from govmedia.supervision.indicators import resolve
    from govmedia.supervision.services import run_inspection

    indicator_set = resolve("demo-city-2026")
    t1 = time.perf_counter()
    inspection = run_inspection(
        start=WEEK_START, end=WEEK_END, indicator_set=indicator_set, title="基准周检查"
    )
    elapsed = time.perf_counter() - t1
    again = time.perf_counter()
    run_inspection(start=WEEK_START, end=WEEK_END, indicator_set=indicator_set, title="基准周检查（复查）")
    rerun = time.perf_counter() - again  # every problem found again: Findings linked, not duplicated
    print(
        f"{accounts} {n_posts} {elapsed:.2f} {built:.1f} {inspection.failed_count} "
        f"{inspection.findings.count()} {len(inspection.result['units'])} {rerun:.2f}",
        flush=True,
    )
    connection.close()


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
        return
    plot = sys.argv[sys.argv.index("--plot") + 1] if "--plot" in sys.argv else None
    sizes = (ACCOUNTS, ACCOUNTS // 2, ACCOUNTS // 4) if plot else (ACCOUNTS, ACCOUNTS // 2)
    results = {}
    for accounts in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(accounts)], capture_output=True, text=True, check=True
        ).stdout.split()
        n, posts, seconds, built, failed, findings, units, rerun = out[-8:]
        results[accounts] = float(seconds)
        print(
            f"{n} 个账号 / {posts} 条内容：周检查用时 {seconds} 秒（造数 {built} 秒；不合格 {failed} 个，"
            f"问题 {findings} 条，排名单位 {units} 个）；同一周再查一次（问题全部复现、去重）{rerun} 秒"
        )
    if plot:
        from plot import line_chart

        line_chart(
            Path(plot),
            "每周全覆盖检查用时与账号数（SQLite，进程内）",
            "账号数",
            "用时（秒）",
            {"周检查": [(a, t) for a, t in results.items()]},
        )
        print(f"图：{plot}")
    full, half = results[ACCOUNTS], results[ACCOUNTS // 2]
    print(
        f"全量/半量 用时比 {full / half:.2f}（线性增长约为 2）；目标：全量 < 60 秒 → {'达标' if full < 60 else '未达标'}"
    )


if __name__ == "__main__":
    main()
