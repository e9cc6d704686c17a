"""一案一号 under concurrent submissions: threads on PostgreSQL take numbers without gaps or repeats."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from govmedia.filings import services
from govmedia.filings.models import Filing, FilingKind

from .conftest import MONDAY, new_filing

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite 串行化所有写入，并发编号需在 PostgreSQL 上验证"
)

THREADS = 8


def test_concurrent_submissions_get_consecutive_distinct_numbers(transactional_db, chains):
    w = chains
    filings = [new_filing(w, FilingKind.OPEN, w.editor_a, platform_uid=f"uid-{i}") for i in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def submit(filing: Filing) -> None:
        try:
            barrier.wait()
            services.do_submit_filing(filing, acting_user=w.editor_a, today=MONDAY)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(f,)) for f in filings]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Filing.objects.values_list("number", flat=True))
    assert numbers == [f"青备〔2026〕{i:04d}号" for i in range(1, THREADS + 1)]
