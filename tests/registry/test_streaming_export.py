"""Exports stream: 100,000 accounts go out as .xlsx and .csv with flat memory, flat queries, in scope."""

from __future__ import annotations

import csv
import gc
import io
import tempfile
import time
import tracemalloc
from typing import BinaryIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from govmedia.registry.models import Contact, MediaAccount, Operator, Platform, Unit, UnitKind
from govmedia.registry.spreadsheets import ACCOUNT_HEADERS

pytestmark = pytest.mark.slow

SMALL, LARGE = 20_000, 100_000


def add_accounts(owner: Unit, start: int, stop: int) -> None:
    operator = Operator.objects.get_or_create(name="批量运维公司")[0]
    accounts = MediaAccount.objects.bulk_create(
        [
            MediaAccount(
                owner=owner,
                operator=operator if i % 3 == 0 else None,
                platform=Platform.DOUYIN if i % 2 else Platform.WEIBO,
                name=f"=批量账号{i:06d}" if i % 1000 == 0 else f"批量账号{i:06d}",
                platform_uid=f"bulk-{i:06d}",
                url=f"https://example.com/bulk/{i}",
                followers=i,
            )
            for i in range(start, stop)
        ],
        batch_size=5000,
    )
    Contact.objects.bulk_create(
        [
            Contact(account=a, role=Contact.Role.HEAD, name="李四", mobile=f"139{i:08d}")
            for i, a in enumerate(accounts, start=start)
            if i % 2 == 0
        ],
        batch_size=5000,
    )
    analyze(MediaAccount, Contact, Operator, Unit)


def analyze(*models) -> None:
    """On PostgreSQL, count this transaction's bulk rows in the planner's statistics.

    Committed rows get there through autovacuum; the test's rows stay uncommitted, and an
    autovacuum meanwhile would record the tables as empty (then 100k rows get tiny-table plans).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(m._meta.db_table for m in models))


def measured(client, url: str, max_queries) -> tuple[int, object, int]:
    """Peak traced memory of one export request, sent on as a server would (chunk by chunk).

    Returns the peak, the body (CSV: its line count; .xlsx: a temporary file holding it) and
    the number of queries.
    """
    gc.collect()
    with max_queries, CaptureQueriesContext(connection) as queries:
        tracemalloc.start()
        try:
            response = client.get(url)
            assert response.status_code == 200 and response.streaming
            if url.endswith("format=csv"):
                body = sum(chunk.count(b"\n") for chunk in response.streaming_content)
            else:
                body = tempfile.TemporaryFile()  # noqa: SIM115 - handed back, closed by xlsx_rows
                for chunk in response.streaming_content:
                    body.write(chunk)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak, body, len(queries)


def xlsx_rows(data: bytes | BinaryIO) -> list[tuple]:
    handle = io.BytesIO(data) if isinstance(data, bytes) else data
    handle.seek(0)
    workbook = load_workbook(handle, read_only=True)
    try:
        return list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
        handle.close()


def test_an_export_of_100000_accounts_streams_in_flat_memory_and_a_flat_number_of_queries(
    world, login, django_assert_max_num_queries
):
    unit = Unit.objects.create(
        name="青山县批量测试局", kind=UnitKind.DEPARTMENT, region=world.county_a, parent=world.gov_a
    )
    client = login(world.supervisor_a)
    url = reverse("web:export", args=["accounts"]) + f"?unit={unit.pk}"
    for fmt in ("xlsx", "csv"):  # the first requests pay for imports and caches: not measured
        _, body, _ = measured(client, f"{url}&format={fmt}", django_assert_max_num_queries(12))
        if fmt == "xlsx":
            body.close()
    peaks: dict[tuple[str, int], int] = {}
    queries: dict[tuple[str, int], int] = {}
    seconds = {}
    for size, start in ((SMALL, 0), (LARGE, SMALL)):
        began = time.monotonic()
        add_accounts(unit, start, size)
        seconds["build", size] = round(time.monotonic() - began, 1)
        for fmt in ("xlsx", "csv"):
            began = time.monotonic()
            peak, body, count = measured(client, f"{url}&format={fmt}", django_assert_max_num_queries(12))
            seconds[fmt, size] = round(time.monotonic() - began, 1)
            peaks[fmt, size], queries[fmt, size] = peak, count
            if fmt == "csv":
                assert body == size + 1
            elif size == LARGE:
                began = time.monotonic()
                rows = xlsx_rows(body)
                seconds["read", size] = round(time.monotonic() - began, 1)
                assert len(rows) == LARGE + 1 and list(rows[0]) == ACCOUNT_HEADERS
                by_uid = {row[2]: row for row in rows[1:]}
                assert len(by_uid) == LARGE
                assert by_uid["bulk-000000"][:4] == (
                    "'=批量账号000000",
                    "微博",
                    "bulk-000000",
                    "青山县批量测试局",
                )
                assert by_uid["bulk-000000"][9:12] == ("李四", "13900000000", 0)
                assert by_uid["bulk-099999"][:5] == (
                    "批量账号099999",
                    "抖音",
                    "bulk-099999",
                    "青山县批量测试局",
                    "批量运维公司",
                )
                assert by_uid["bulk-099999"][9:12] == (None, None, 99999)
            else:
                body.close()
    print("\nexport peaks (bytes):", peaks, "queries:", queries, "seconds:", seconds)
    for fmt in ("xlsx", "csv"):
        # five times the rows, about the same memory (the old in-memory workbook grew ~5×, to hundreds of MB)
        assert peaks[fmt, LARGE] < 1.5 * peaks[fmt, SMALL] + 4 * 1024 * 1024, (fmt, peaks)
        assert peaks[fmt, LARGE] < 24 * 1024 * 1024, (fmt, peaks)
        assert queries[fmt, LARGE] == queries[fmt, SMALL], (fmt, queries)


def test_a_large_export_holds_only_the_users_scope(world, login):
    unit = Unit.objects.create(
        name="青山县批量测试局", kind=UnitKind.DEPARTMENT, region=world.county_a, parent=world.gov_a
    )
    add_accounts(unit, 0, 5000)
    outsider = login(world.supervisor_b)
    for fmt in ("xlsx", "csv"):
        url = reverse("web:export", args=["accounts"]) + f"?format={fmt}"
        response = outsider.get(url)
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        else:
            rows = xlsx_rows(response.getvalue())
        names = {row[0] for row in rows[1:]}
        assert names == {"临河教育"}, fmt
        assert outsider.get(url + f"&unit={unit.pk}").getvalue().count(b"bulk-") == 0
    own = login(world.supervisor_a).get(reverse("web:export", args=["accounts"]) + "?format=csv")
    text = own.getvalue().decode("utf-8-sig")
    assert text.count("bulk-") == 5000 and "临河教育" not in text


def test_the_units_export_and_the_import_template_still_come_out_whole(world, login):
    client = login(world.supervisor_a)
    units = load_workbook(
        io.BytesIO(client.get(reverse("web:export", args=["units"])).getvalue()), read_only=True
    )
    names = [row[0] for row in units.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert "青山县教育局" in names and "临河区人民政府" not in names
    template = load_workbook(io.BytesIO(client.get(reverse("web:template", args=["accounts"])).content))
    sheet = template["账号"]
    assert template.sheetnames == ["账号", "填写说明"] and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == ACCOUNT_HEADERS and sheet["A1"].fill.fgColor.rgb == "00B22222"
    assert {str(v.sqref) for v in sheet.data_validations.dataValidation} == {
        "B2:B20000",
        "G2:G20000",
        "H2:H20000",
        "I2:I20000",
    }
