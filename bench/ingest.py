"""Benchmark: import 1,000,000 post rows from CSV (goal < 3 minutes, memory flat), then re-import.

Runs on a throw-away SQLite database (or on $BENCH_DATABASE_URL). Prints, for the import with
the risk check on (unless BENCH_CHECK=0): rows/s, wall and CPU time of this process and of the
forked checking process, cumulative time and peak memory every 200,000 rows; then a re-import
of the same file (which must change nothing). Baselines measured in the same run, as ratios:
reading the CSV alone (csv.reader, nothing else); (unless BENCH_SERIAL=0) the same import with
the check in this process (``parallel=False``) into a fresh database; checking all texts alone
in one process. BENCH_PARALLEL=1/0 forces the headline import's mode; BENCH_KEEP=1 keeps
the temporary directory (CSV + database); BENCH_BODY_REPEAT=40 makes article-length bodies.
"""

from __future__ import annotations

import csv
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
ACCOUNTS = 500
CHECK = os.environ.get("BENCH_CHECK", "1") != "0"
PARALLEL = {"1": True, "0": False}.get(os.environ.get("BENCH_PARALLEL", ""))  # unset: automatic
SERIAL = os.environ.get("BENCH_SERIAL", "1") != "0"
# long posts: the body's paragraph repeated (1: ~30 characters; 40: ~1,300, an article)
BODY_REPEAT = int(os.environ.get("BENCH_BODY_REPEAT", "1"))
tmp = tempfile.mkdtemp(prefix="govmedia-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
os.environ.setdefault("GOVMEDIA_DATA_DIR", tmp)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from govmedia.content.importing import POST_HEADERS, import_posts  # noqa: E402
from govmedia.content.models import Post  # noqa: E402
from govmedia.content.risk import check_texts  # noqa: E402
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
                    f"为切实做好{topic}工作，现将有关事项通知如下。编号{i}。"
                    + f"各单位要高度重视{topic}工作，加强组织领导，落实工作责任，确保各项措施落到实处。"
                    * (BODY_REPEAT - 1),
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


def children_peak_mb() -> float:
    """The largest finished child (the risk-check process of a parallel import)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def fresh_database(name: str) -> None:
    """An empty database with the same accounts: a new SQLite file, else the same database flushed."""
    if connection.vendor == "sqlite":
        connection.close()
        connection.settings_dict["NAME"] = f"{tmp}/{name}.sqlite3"
    call_command("migrate", verbosity=0)
    if connection.vendor != "sqlite":
        call_command("flush", interactive=False, verbosity=0)
    build_accounts()


def read_only(path: Path) -> float:
    """Baseline: seconds to read every row with csv.reader and nothing else."""
    started = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for _row in csv.reader(handle):
            pass
    return time.perf_counter() - started


def check_only(path: Path) -> float:
    """Baseline: seconds to risk-check every row's title and body in this process, nothing else."""
    check_texts([("预热", "预热")])  # load the dictionaries first (≈ 2 s, not part of the figure)
    started = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        batch = []
        for row in rows:
            batch.append((row[3], row[4]))
            if len(batch) == 2000:
                check_texts(batch)
                batch = []
        check_texts(batch)
    return time.perf_counter() - started


def timed_import(path: Path, parallel: bool | None, label: str) -> float:
    memory_before = peak_mb()
    marks = []

    def progress(done: int) -> None:
        if done % 200000 == 0:
            marks.append((done, time.perf_counter() - started, peak_mb()))

    started, cpu_started, child_cpu_started = time.perf_counter(), time.process_time(), children_cpu()
    report = import_posts(path, check=CHECK, progress=progress, parallel=parallel)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    child_cpu = children_cpu() - child_cpu_started
    assert Post.objects.count() == ROWS, Post.objects.count()
    print(f"{label}：{report.summary()}")
    print(f"  用时 {elapsed:.1f} 秒，{ROWS / elapsed:,.0f} 行/秒（风险识别：{'开' if CHECK else '关'}）")
    # on a shared machine wall time includes waiting for the CPU; process time does not
    print(
        f"  CPU 时间：本进程 {cpu:.1f} 秒，风险识别子进程 {child_cpu:.1f} 秒；平均负载 {os.getloadavg()[0]:.1f}"
    )
    if marks:
        print("  每 20 万行累计用时（秒）：" + "，".join(f"{d:,} 行 {t:.1f}" for d, t, _ in marks))
    print(
        f"  内存峰值（MB）：导入前 {memory_before:.0f}；"
        + "，".join(f"{d:,} 行时 {m:.0f}" for d, _, m in marks)
        + (f"；风险识别子进程 {children_peak_mb():.0f}" if child_cpu else "")
    )
    return elapsed


def main() -> None:
    fresh_database("bench")
    path = Path(tmp) / "posts.csv"
    started = time.perf_counter()
    build_csv(path)
    print(f"生成 {ROWS:,} 行 CSV：{time.perf_counter() - started:.1f} 秒，{path.stat().st_size / 1e6:.0f} MB")
    reading = read_only(path)
    print(f"基线一：只用 csv.reader 读一遍 {reading:.1f} 秒")

    elapsed = timed_import(path, PARALLEL, "导入")
    print(f"  导入用时 ÷ 只读一遍 = {elapsed / reading:.1f}")

    started = time.perf_counter()
    again = import_posts(path, check=CHECK)
    again_elapsed = time.perf_counter() - started
    assert (again.created, again.updated) == (0, 0), again.summary()
    print(f"重复导入：{again.summary()}，用时 {again_elapsed:.1f} 秒，{ROWS / again_elapsed:,.0f} 行/秒")

    if SERIAL and CHECK:  # before anything loads the dictionaries here: this import loads them, as from cold
        fresh_database("serial")
        serial = timed_import(path, False, "基线二：同一导入，风险识别在本进程内（parallel=False），新数据库")
        print(f"  本进程内识别 ÷ 子进程并行识别 = {serial / elapsed:.2f}")
    if CHECK:
        checking = check_only(path)
        print(
            f"基线三：在一个进程里只做风险识别 {checking:.1f} 秒（{checking / ROWS * 1e6:.1f} 微秒/行）；"
            f"导入用时 ÷ 只做风险识别 = {elapsed / checking:.1f}"
        )


if __name__ == "__main__":
    try:
        main()
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(tmp, ignore_errors=True)
