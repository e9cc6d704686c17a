"""A real import process killed half-way leaves nothing half-written, and started again ends with\nthe same rows as an uninterrupted one."""

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from govmedia.content.importing import POST_HEADERS

ROOT = Path(__file__).resolve().parents[2]
SETUP = textwrap.dedent(
    """
    import os, sys, django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
    django.setup()
    from django.core.management import call_command
    from govmedia.registry.models import MediaAccount, Region, RegionLevel, Unit, UnitKind
    call_command("migrate", verbosity=0)
    region = Region.objects.create(name="青山县", level=RegionLevel.COUNTY)
    unit = Unit.objects.create(name="青山县教育局", kind=UnitKind.DEPARTMENT, region=region)
    MediaAccount.objects.create(owner=unit, platform="weibo", name="青山教育", platform_uid="qs-edu")
    """
)
IMPORT = textwrap.dedent(
    """
    import os, sys, django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
    django.setup()
    from govmedia.content.importing import import_posts
    import_posts(sys.argv[1], check=False, batch_size=200, progress=lambda n: print(n, flush=True))
    print("done")
    """
)
# risk check on, in a forked checking process; each progress line names that process
IMPORT_CHECKED = textwrap.dedent(
    """
    import multiprocessing, os, sys, django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
    django.setup()
    from govmedia.content.importing import import_posts
    def progress(n):
        print(n, *[p.pid for p in multiprocessing.active_children()], flush=True)
    import_posts(sys.argv[1], check=True, parallel=sys.argv[2] == "parallel", batch_size=200, progress=progress)
    print("done")
    """
)


def run(script: str, db: Path, *args, wait: bool = True):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "SECRET_KEY": "crash-test",
        "GOVMEDIA_DATA_DIR": str(db.parent),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if wait:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    return process


def rows(
    db: Path, columns: str = "account_id, platform_post_id, published_at, title, body, reads, is_original"
):
    with sqlite3.connect(db) as connection:
        return sorted(connection.execute(f"select {columns} from content_post"))


def count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as connection:
            return connection.execute("select count(*) from content_post").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def write_posts(source: Path) -> None:
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(POST_HEADERS)
        for n in range(20000):
            day = 1 + n % 28
            writer.writerow(
                [
                    "qs-edu",
                    "微博",
                    f"2026-02-{day:02d} {n % 24:02d}:{n % 60:02d}",
                    f"第{n}条 教育动态",
                    f"正文{n}",
                    "",
                    "是",
                    "",
                    n,
                    "",
                    "",
                    "",
                    "",
                ]
            )


def two_databases(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "a" / "db.sqlite3", tmp_path / "b" / "db.sqlite3"
    first.parent.mkdir()
    second.parent.mkdir()
    run(SETUP, first)
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{first}{suffix}").exists():
            shutil.copy(f"{first}{suffix}", f"{second}{suffix}")
    return first, second


def test_an_import_killed_half_way_and_rerun_ends_with_the_same_rows(tmp_path):
    source = tmp_path / "posts.csv"
    write_posts(source)
    first, second = two_databases(tmp_path)

    process = run(IMPORT, first, str(source), wait=False)
    written = int(process.stdout.readline() or 0)  # the first batches are in the database (uncommitted)
    assert written and process.poll() is None, "the import finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert count(first) == 0  # nothing half-written

    run(IMPORT, first, str(source))
    run(IMPORT, second, str(source))
    assert count(first) == 20000
    assert rows(first) == rows(second)


def gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_a_checked_import_killed_half_way_takes_its_checking_process_with_it(tmp_path):
    source = tmp_path / "posts.csv"
    write_posts(source)
    first, second = two_databases(tmp_path)

    process = run(IMPORT_CHECKED, first, str(source), "parallel", wait=False)
    line = process.stdout.readline().split()  # the first batch is in the database (uncommitted)
    assert len(line) == 2 and process.poll() is None, "the import finished before it could be killed"
    checker = int(line[1])
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 20
    while not gone(checker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(checker), "the checking process outlived the import"
    assert count(first) == 0  # nothing half-written

    run(IMPORT_CHECKED, first, str(source), "parallel")
    run(IMPORT_CHECKED, second, str(source), "serial")  # uninterrupted, checked in one process
    assert count(first) == 20000
    columns = (
        "account_id, platform_post_id, published_at, title, body, reads, risk_hits, risk_checked_at is null"
    )
    assert rows(first, columns) == rows(second, columns)
