"""Benchmark: page latency at province scale (default 50,000 accounts), 20 concurrent users.

Builds a synthetic province in a throw-away SQLite database (or $BENCH_DATABASE_URL), serves it
on 127.0.0.1 and drives it with locust (headless, bounded). Prints p50/p95/p99 per page and the
ratio of each page's p95 to the trivial /healthz baseline measured in the same run.
Target: p95 < 300 ms with 20 users.  Usage: .venv/bin/python bench/pages.py [ACCOUNTS]
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
tmp = Path(tempfile.mkdtemp(prefix="govmedia-pages-"))
DB_URL = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/pages.sqlite3")
ENV = {**os.environ, "DATABASE_URL": DB_URL, "GOVMEDIA_DATA_DIR": str(tmp)}
os.environ.update(
    {"DATABASE_URL": DB_URL, "GOVMEDIA_DATA_DIR": str(tmp), "DJANGO_SETTINGS_MODULE": "govmedia.settings"}
)
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from govmedia.core.models import Role, User  # noqa: E402
from govmedia.registry.models import Contact, MediaAccount, Platform, Region, Unit  # noqa: E402

PLATFORMS = [p.value for p in Platform if p != Platform.OTHER]


def build_province(accounts: int) -> None:
    province = Region.objects.create(name="基准省", level="province")
    city = Region.objects.create(name="基准市", level="city", parent=province)
    office = Unit.objects.create(name="基准市人民政府办公室", kind="government_office", region=city)
    counties = [Region.objects.create(name=f"第{i}县", level="county", parent=city) for i in range(100)]
    units = Unit.objects.bulk_create(
        [
            Unit(name=f"{c.name}第{d}局", kind="department", region=c)
            for c in counties
            for d in range(accounts // 100 // 8 + 1)
        ]
    )
    rows = []
    for i in range(accounts):
        unit = units[i % len(units)]
        rows.append(
            MediaAccount(
                owner=unit,
                supervisor=office,
                platform=PLATFORMS[i % len(PLATFORMS)],
                platform_uid=f"u{i:07d}",
                name=f"{unit.name[:-2]}政务{i}",
                followers=i % 9973,
                url=f"https://example.com/{i}",
            )
        )
    MediaAccount.objects.bulk_create(rows, batch_size=5000)
    ids = MediaAccount.objects.values_list("pk", flat=True)
    Contact.objects.bulk_create(
        [Contact(account_id=pk, role="head", name="王小明", mobile="13800138000") for pk in ids],
        batch_size=5000,
    )
    User.objects.create_user("bench-city", password="bench-password-2026", role=Role.SUPERVISOR, unit=office)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    build_province(ACCOUNTS)
    print(
        f"页面基准：{ACCOUNTS} 个账号，{USERS} 个并发用户，{SECONDS} 秒（建数 {time.perf_counter() - started:.0f} 秒）"
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
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
            ],
            cwd=ROOT,
            env=ENV,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
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
