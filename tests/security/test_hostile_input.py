"""Property-based attacks on the importers and the text checker: a Chinese error or a safe result,
never a crash, never a partial write."""

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govmedia.registry.importing import ImportFailed, import_accounts, import_units
from govmedia.registry.models import MediaAccount, Unit
from govmedia.registry.spreadsheets import ACCOUNT_HEADERS, UNIT_HEADERS, write_csv
from govmedia.textcheck import Checker
from tests.registry.sheets import account_row, xlsx

CELL = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="=+-@\t\r", min_size=1, max_size=3).map(lambda p: p + 'HYPERLINK("http://x")'),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.just("很长" * 5000),
    st.sampled_from(["微信订阅号", "正常", "有", "2024-02-30", "13800138000", "青山县教育局", ""]),
)
HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _state():
    return (
        list(MediaAccount.objects.order_by("pk").values_list("pk", "name", "followers")),
        Unit.objects.count(),
    )


@HYPOTHESIS
@given(
    rows=st.lists(st.lists(CELL, min_size=len(ACCOUNT_HEADERS), max_size=len(ACCOUNT_HEADERS)), max_size=4),
    as_csv=st.booleans(),
)
def test_random_account_rows_either_import_or_fail_in_chinese_without_partial_writes(world, rows, as_csv):
    rows = [[("" if isinstance(v, float) and v != v else v) for v in row] for row in rows]
    data = write_csv(ACCOUNT_HEADERS, rows) if as_csv else xlsx(ACCOUNT_HEADERS, rows)
    before = _state()
    try:
        import_accounts(data, "a.csv" if as_csv else "a.xlsx", dry_run=True)
    except ImportFailed as failed:
        assert failed.report.errors and all(e.reason and e.row >= 1 for e in failed.report.errors)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in failed.report.errors[0].reason)
    assert _state() == before


@HYPOTHESIS
@given(rows=st.lists(st.lists(CELL, min_size=len(UNIT_HEADERS), max_size=len(UNIT_HEADERS)), max_size=4))
def test_random_unit_rows_either_import_or_fail_cleanly(world, rows):
    rows = [[("" if isinstance(v, float) and v != v else v) for v in row] for row in rows]
    before = _state()
    try:
        import_units(xlsx(UNIT_HEADERS, rows), "u.xlsx", dry_run=True)
    except ImportFailed as failed:
        assert failed.report.errors
    assert _state() == before


@HYPOTHESIS
@given(data=st.binary(max_size=2000), name=st.sampled_from(["a.xlsx", "a.csv", "a.xls", "a"]))
def test_arbitrary_bytes_as_a_spreadsheet_are_refused_in_chinese(world, data, name):
    before = _state()
    try:
        import_accounts(data, name)
    except ImportFailed as failed:
        assert failed.report.errors[0].reason
    assert _state() == before


def test_a_zip_bomb_disguised_as_xlsx_is_refused_before_unpacking(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"0" * (1 << 20)
            for _ in range(210):
                sheet.write(chunk)
    assert len(buffer.getvalue()) < 2_000_000
    with pytest.raises(ImportFailed) as failed:
        import_accounts(buffer.getvalue(), "bomb.xlsx")
    assert "压缩炸弹" in failed.value.report.errors[0].reason


def test_a_gbk_csv_saved_by_excel_imports(world):
    data = write_csv(ACCOUNT_HEADERS, [account_row()]).decode("utf-8-sig").encode("gbk")
    assert import_accounts(data, "台账.csv").created == 1


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400))
def test_the_checker_returns_well_formed_hits_for_any_unicode(text):
    for hit in Checker.default().check(text):
        assert 0 <= hit.start < hit.end <= len(text)
        assert text[hit.start : hit.end] == hit.text
        assert hit.rule and hit.suggestion is not None and hit.source


def test_the_checker_survives_a_very_long_text():
    text = ("国务院办公厅印发通知。" * 20000) + "国家总理李强"
    hits = Checker.default().check(text)
    assert any(h.rule == "leader.wrong_title" for h in hits)
