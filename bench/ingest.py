"""Benchmark: import 1,000,000 post rows from CSV (goal < 3 minutes, memory flat), then re-import.

Runs on a throw-away SQLite database (or on $BENCH_DATABASE_URL). Prints rows/s for the
import (check pass + write pass, risk check included unless BENCH_CHECK=0), the peak memory,
and the time of a re-import of the same file (which must change nothing).
"""

from __future__ import annotations

import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
ACCOUNTS = 500
CHECK = os.environ.get("BENCH_CHECK", "1") != "0"
tmp = tempfile.mkdtemp(prefix="govmedia-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
os.environ.setdefault("GOVMEDIA_DATA_DIR", tmp)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from govmedia.content.importing import POST_HEADERS, import_posts  # noqa: E402
from govmedia.content.models import Post  # noqa: E402
from govmedia.registry.models import MediaAccount, Region, Unit  # noqa: E402

TOPICS = ["秋季开学", "防汛抗旱", "医保缴费", "乡村振兴", "垃圾分类", "就业补贴", "燃气安全", "冬季供暖"]


def build_accounts() -> None:
    region = Region.objects.create(name="基准县", level="county")
    unit = Unit.objects.create(name="基准县融媒体中心", kind="institution", region=region)
    MediaAccount.objects.bulk_create(
        [
            MediaAccount(owner=unit, platform="weibo", name=f"基准{i}", platform_uid=f"bench{i:04d}")
            for i in range(ACCOUNTS)
        ]
    )


def build_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(POST_HEADERS)
        for i in range(ROWS):
            topic = TOPICS[i % len(TOPICS)]
            writer.writerow(
                [
                    f"bench{i % ACCOUNTS:04d}",
                    "微博",
                    f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}",
                    f"关于做好{topic}工作的通知（第{i}号）",
                    f"为切实做好{topic}工作，现将有关事项通知如下。编号{i}。",
                    f"https://weibo.com/bench/{i}",
                    "是" if i % 10 else "否",
                    "" if i % 10 else "新华社",
                    i % 5000,
                    i % 300,
                    i % 70,
                    i % 40,
                    "",
                ]
            )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    call_command("migrate", verbosity=0)
    build_accounts()
    path = Path(tmp) / "posts.csv"
    started = time.perf_counter()
    build_csv(path)
    print(f"生成 {ROWS:,} 行 CSV：{time.perf_counter() - started:.1f} 秒，{path.stat().st_size / 1e6:.0f} MB")
    memory_before = peak_mb()
    marks = []

    def progress(done: int) -> None:
        if done % 200000 == 0:
            marks.append((done, peak_mb()))

    started, cpu_started = time.perf_counter(), time.process_time()
    report = import_posts(path, check=CHECK, progress=progress)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert Post.objects.count() == ROWS, Post.objects.count()
    print(f"导入：{report.summary()}")
    print(f"用时 {elapsed:.1f} 秒，{ROWS / elapsed:,.0f} 行/秒（风险识别：{'开' if CHECK else '关'}）")
    # on a shared machine wall time includes waiting for the CPU; process time does not
    print(f"本进程 CPU 时间 {cpu:.1f} 秒（{ROWS / cpu:,.0f} 行/CPU 秒），平均负载 {os.getloadavg()[0]:.1f}")
    print(
        f"内存峰值（MB）：导入前 {memory_before:.0f}；" + "，".join(f"{d:,} 行时 {m:.0f}" for d, m in marks)
    )
    started = time.perf_counter()
    again = import_posts(path, check=CHECK)
    elapsed = time.perf_counter() - started
    assert (again.created, again.updated) == (0, 0), again.summary()
    print(f"重复导入：{again.summary()}，用时 {elapsed:.1f} 秒，{ROWS / elapsed:,.0f} 行/秒")


if __name__ == "__main__":
    main()
