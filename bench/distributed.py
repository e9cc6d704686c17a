"""Benchmark: a weekly inspection fanned out over Celery workers vs in-process, at two sizes.

Needs PostgreSQL and Redis (`.ci/start-services` starts both). For each size it builds a
synthetic region (bench/inspection.py's builder) in a database of its own, then times the
same inspection: in-process, with 1 worker process and with 2 worker processes. Prints the
speed-up of 2 workers over 1 and the growth of time from half to full size.

    .venv/bin/python bench/distributed.py                      # 10,000 accounts, ~1M posts
    BENCH_ACCOUNTS=50000 BENCH_POSTS_PER_ACCOUNT=300 .venv/bin/python bench/distributed.py   # province

BENCH_BUILD_ONLY=1 builds the databases and stops; BENCH_REUSE=1 times on databases already
built (their inspections and Findings are deleted first, so every run starts alike).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = int(os.environ.get("BENCH_ACCOUNTS", "10000"))
os.environ.setdefault("BENCH_POSTS_PER_ACCOUNT", "100")
PG = os.environ.get("BENCH_PG", "postgres://govmedia:govmedia@127.0.0.1:5432")
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
REUSE = os.environ.get("BENCH_REUSE") == "1"  # keep a database an earlier run built (same size)
BUILD_ONLY = os.environ.get("BENCH_BUILD_ONLY") == "1"  # build the databases now, time later


def child(accounts: int) -> None:
    db = f"govmedia_bench_dist_{accounts}"
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
        reuse = REUSE and exists
        if not reuse:
            admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{db}"')
    url = f"{PG}/{db}"
    os.environ.update(
        {
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": BROKER,
            "CELERY_RESULT_BACKEND": BROKER,
            "DJANGO_SETTINGS_MODULE": "govmedia.settings",
            "GOVMEDIA_DATA_DIR": f"/tmp/{db}",
        }
    )
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import redis
    from inspection import WEEK_END, WEEK_START, build_region

    from govmedia.celery import app
    from govmedia.content.models import Post
    from govmedia.registry.models import MediaAccount
    from govmedia.supervision.indicators import resolve
    from govmedia.supervision.models import Finding, Inspection
    from govmedia.supervision.tasks import inspect, wait_for

    if reuse and MediaAccount.objects.count() == accounts:
        Inspection.objects.all().delete()  # every timed run starts from the same state
        Finding.objects.all().delete()
        n_posts, built = Post.objects.count(), 0.0
    else:
        n_posts, built = build_region(accounts)
    if BUILD_ONLY:
        print(f"{accounts} {n_posts} {built:.1f} 0 0 0", flush=True)
        return
    with django.db.connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    indicator_set = resolve("demo-city-2026")
    redis.Redis.from_url(BROKER).flushdb()

    app.conf.task_always_eager = True
    started = time.perf_counter()
    inspect(start=WEEK_START, end=WEEK_END, indicator_set=indicator_set)
    in_process = time.perf_counter() - started
    app.conf.task_always_eager = False

    timings = {}
    for workers in (1, 2):
        env = {**os.environ}
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "govmedia",
                    "worker",
                    "-c",
                    "1",
                    "-l",
                    "warning",
                    "-n",
                    f"bench{i}@%h",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            for i in range(workers)
        ]
        try:
            deadline = time.time() + 60
            while len(app.control.ping(timeout=1.0) or []) < workers and time.time() < deadline:
                pass
            started = time.perf_counter()
            wait_for(inspect(start=WEEK_START, end=WEEK_END, indicator_set=indicator_set), timeout=3600)
            timings[workers] = time.perf_counter() - started
        finally:
            for p in procs:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(timeout=60)
    print(f"{accounts} {n_posts} {built:.1f} {in_process:.2f} {timings[1]:.2f} {timings[2]:.2f}", flush=True)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
        return
    sys.path.insert(0, str(ROOT / "bench"))
    rows = {}
    for accounts in (ACCOUNTS // 2, ACCOUNTS):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(accounts)], capture_output=True, text=True, check=True
        )
        a, posts, built, in_process, one, two = out.stdout.split()[-6:]
        rows[int(a)] = (int(posts), float(in_process), float(one), float(two))
        if BUILD_ONLY:
            print(f"{a} 个账号 / {posts} 条内容：造数 {built} 秒")
            continue
        print(
            f"{a} 个账号 / {posts} 条内容（造数 {built} 秒）：进程内 {in_process} 秒，"
            f"1 个 worker {one} 秒，2 个 worker {two} 秒，加速比 {float(one) / float(two):.2f}"
        )
    if BUILD_ONLY:
        return
    half, full = rows[ACCOUNTS // 2], rows[ACCOUNTS]
    if "--plot" in sys.argv:
        from plot import line_chart

        path = Path(sys.argv[sys.argv.index("--plot") + 1])
        series = {
            label: [(a, r[i]) for a, r in sorted(rows.items())]
            for i, label in ((1, "进程内"), (2, "1 个 worker"), (3, "2 个 worker"))
        }
        line_chart(path, "检查用时与账号数（PostgreSQL + Redis）", "账号数", "用时（秒）", series)
        print(f"图：{path}")
    print(
        f"全量/半量（2 个 worker）用时比 {full[3] / half[3]:.2f}（线性约为 2，目标 ≤ 2.2）；"
        f"2 个 worker 相对 1 个的加速比 {full[2] / full[3]:.2f}（目标 ≥ 1.7，本机 2 核）"
    )


if __name__ == "__main__":
    main()
