"""Benchmark: page latency at province scale (default 50,000 accounts), 20 concurrent users.

Builds a synthetic province with a year of posts (bench/inspection.py's builder) and a
published weekly inspection in a throw-away SQLite database, or in $BENCH_DATABASE_URL (a
PostgreSQL database that already holds a province, e.g. the one bench/distributed.py built,
is reused as it is). Serves it with gunicorn (2 processes × 4 threads, as on a 2-core
server; BENCH_SERVER=runserver for Django's single-process server) on 127.0.0.1 and drives
it with locust (headless, bounded): the matrix, its filters and search, the accounts API,
the dashboard and the inspection result. Prints p50/p95/p99 per page and each page's p95
over the trivial /healthz baseline measured in the same run. Target: p95 < 300 ms.

    .venv/bin/python bench/pages.py [ACCOUNTS]
    BENCH_DATABASE_URL=postgres://govmedia:govmedia@127.0.0.1:5432/govmedia_bench_dist_50000 \
        .venv/bin/python bench/pages.py 50000
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("BENCH_ACCOUNTS", "50000"))
USERS = int(os.environ.get("BENCH_USERS", "20"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "30"))
SERVER = os.environ.get("BENCH_SERVER", "gunicorn")
os.environ.setdefault("BENCH_POSTS_PER_ACCOUNT", "30")  # a new build: enough for the checks, quick to write
tmp = Path(tempfile.mkdtemp(prefix="govmedia-pages-"))
DB_URL = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/pages.sqlite3")
ENV = {**os.environ, "DATABASE_URL": DB_URL, "GOVMEDIA_DATA_DIR": str(tmp)}
os.environ.update(
    {"DATABASE_URL": DB_URL, "GOVMEDIA_DATA_DIR": str(tmp), "DJANGO_SETTINGS_MODULE": "govmedia.settings"}
)
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from govmedia.core.models import Role, User  # noqa: E402
from govmedia.registry.models import Contact, MediaAccount, Unit  # noqa: E402
from govmedia.supervision.models import Inspection, InspectionStatus  # noqa: E402


def build_province(accounts: int) -> int:
    """The province (unless the database has one), its contacts, a user and a published
    weekly inspection; returns the inspection's id."""
    from inspection import WEEK_END, WEEK_START, build_region

    from govmedia.supervision.indicators import resolve
    from govmedia.supervision.services import do_publish_inspection, run_inspection

    if not MediaAccount.objects.exists():
        build_region(accounts)
    if not Contact.objects.exists():
        Contact.objects.bulk_create(
            [
                Contact(account_id=pk, role="head", name="王小明", mobile="13800138000")
                for pk in MediaAccount.objects.values_list("pk", flat=True)
            ],
            batch_size=5000,
        )
    root = Unit.objects.get(name="基准市人民政府")
    user = User.objects.filter(username="bench-city").first() or User.objects.create_user(
        "bench-city", password="bench-password-2026", role=Role.SUPERVISOR, unit=root
    )
    published = Inspection.objects.filter(status=InspectionStatus.PUBLISHED).order_by("-id").first()
    if published is None:
        done = Inspection.objects.filter(status=InspectionStatus.DRAFT).order_by("-id").first()
        done = done or run_inspection(
            start=WEEK_START, end=WEEK_END, indicator_set=resolve("demo-city-2026"), title="基准周检查"
        )
        published = do_publish_inspection(done, acting_user=user)
    return published.pk


def server_command(port: int) -> list[str]:
    if SERVER == "runserver":
        return [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"]
    return [
        str(ROOT / ".venv/bin/gunicorn"),
        "govmedia.wsgi",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        "2",
        "--threads",
        "4",
        "--timeout",
        "120",
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    inspection = build_province(ACCOUNTS)
    print(
        f"页面基准：{MediaAccount.objects.count()} 个账号，{USERS} 个并发用户（间隔 {os.environ.get('BENCH_WAIT', '0.1,0.5')} 秒），"
        f"{SECONDS} 秒，{SERVER}"
        f"（建数 {time.perf_counter() - started:.0f} 秒）"
    )
    port = free_port()
    ENV["BENCH_INSPECTION"] = str(inspection)
    ENV.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    server = subprocess.Popen(
        server_command(port),
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        prefix = tmp / "locust"
        subprocess.run(
            [
                str(ROOT / ".venv/bin/locust"),
                "-f",
                str(ROOT / "bench/locustfile.py"),
                "--headless",
                "-u",
                str(USERS),
                "-r",
                str(USERS),
                "-t",
                f"{SECONDS}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--exit-code-on-error",
                "0",  # failures are counted in the table below
            ],
            cwd=ROOT,
            env=ENV,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # requests still in flight when locust stopped
            server.kill()
            server.wait()
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["Name"] != "Aggregated"]
    baseline = next(float(r["95%"]) for r in rows if r["Name"].startswith("基线"))
    print(f"  {'页面':<14}{'请求数':>8}{'失败':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'p95/基线':>10}")
    worst = 0.0
    for r in sorted(rows, key=lambda r: r["Name"]):
        p95 = float(r["95%"])
        if not r["Name"].startswith(("基线", "login")):
            worst = max(worst, p95)
        print(
            f"  {r['Name']:<14}{r['Request Count']:>8}{r['Failure Count']:>6}{r['50%']:>9}{r['95%']:>9}{r['99%']:>9}"
            f"{p95 / max(baseline, 1):>10.1f}"
        )
    print(f"  最慢页面 p95 = {worst:.0f} ms（目标 < 300 ms）")


if __name__ == "__main__":
    main()
