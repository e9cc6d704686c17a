"""Benchmark: import a 10,000-account sheet (goal < 30 s), against reading the sheet alone.

Runs on a throw-away SQLite database (or on $BENCH_DATABASE_URL). Prints the import time,
the time openpyxl takes just to read the same file (the baseline, same process), the ratio,
and the time of a re-import of the same file (which must change nothing).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
tmp = tempfile.mkdtemp(prefix="govmedia-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
os.environ.setdefault("GOVMEDIA_DATA_DIR", tmp)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from govmedia.registry.importing import import_accounts  # noqa: E402
from govmedia.registry.models import MediaAccount, Region, Unit  # noqa: E402
from govmedia.registry.spreadsheets import ACCOUNT_HEADERS  # noqa: E402

PLATFORMS = ["微信订阅号", "微博", "抖音", "今日头条", "快手", "视频号", "百家号", "微信服务号"]


def build_registry() -> list[str]:
    province = Region.objects.create(name="基准省", level="province")
    city = Region.objects.create(name="基准市", level="city", parent=province)
    names = []
    for c in range(50):
        county = Region.objects.create(name=f"第{c}县", level="county", parent=city)
        units = [Unit(name=f"第{c}县第{d}局", kind="department", region=county) for d in range(30)]
        Unit.objects.bulk_create(units)
        names += [u.name for u in units]
    return names


def build_sheet(unit_names: list[str]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("账号")
    sheet.append(ACCOUNT_HEADERS)
    for i in range(ROWS):
        unit = unit_names[i % len(unit_names)]
        platform = PLATFORMS[(i // len(unit_names)) % len(PLATFORMS)]
        county = unit.split("县")[0] + "县"
        sheet.append(
            [
                f"{county}政务{i}",
                platform,
                f"uid{i:06d}",
                unit,
                "基准运维公司",
                "2022-03-01",
                "正常",
                "图文",
                "有",
                "王小明",
                f"138{i:08d}",
                i * 3,
                f"https://example.com/{i}",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    call_command("migrate", verbosity=0)
    data = build_sheet(build_registry())
    started = time.perf_counter()
    rows = sum(
        1 for _ in load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True)
    )
    read_seconds = time.perf_counter() - started

    started = time.perf_counter()
    report = import_accounts(data, "bench.xlsx")
    import_seconds = time.perf_counter() - started
    assert report.ok and report.created == ROWS, report.summary()
    assert MediaAccount.objects.count() == ROWS

    started = time.perf_counter()
    again = import_accounts(data, "bench.xlsx")
    reimport_seconds = time.perf_counter() - started
    assert again.unchanged == ROWS

    print(f"账号导入基准（{ROWS} 行，{len(data) / 1e6:.1f} MB，数据库 {django.db.connection.vendor}）")
    print(f"  仅读取表格（基线）: {read_seconds:6.2f} s  ({rows - 1} 行)")
    print(f"  完整导入:           {import_seconds:6.2f} s  ({ROWS / import_seconds:,.0f} 行/秒)  目标 < 30 s")
    print(f"  重复导入（无变化）: {reimport_seconds:6.2f} s")
    print(f"  完整导入 / 仅读取 = {import_seconds / read_seconds:.2f}")
    if import_seconds >= 30:
        sys.exit("导入超过 30 秒目标")


if __name__ == "__main__":
    main()
