"""The generated forms open in python-docx, render to PDF/PNG and carry every field of the attachments."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from docx import Document

from govmedia.filings import documents, services
from govmedia.filings.models import UNDERTAKING, FilingKind

from .conftest import MONDAY, new_filing, walk

pytestmark = pytest.mark.django_db

# Labels of 001 附件《审批表》, 002 附件《备案表》, 004 附件1–2 and 000《备案登记表》.
POLICY_LABELS = [
    "账号ID及名称",
    "创建/注册日期",
    "发布平台",
    "是否通过认证",
    "管理单位",
    "是否取得互联网新闻信息服务资质",
    "主办单位",
    "主办单位分管领导及职务",
    "联系电话",
    "承办",
    "承办单位分管领导及职务",
    "访问链接或二维码",
    "理由",
    "正式运营时间",
    "关注量/粉丝量",
    "运行状态",
    "备案类型",
    "功能定位",
    "单位主要负责人",
    "分管负责人",
    "具体负责人",
    "办公电话",
    "手机号",
    "其他需要说明事项",
    "承诺栏",
    "单位公章",
    "填报单位",
    "填表时间",
    "备案编号",
    "栏目设置",
]


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


@pytest.fixture
def approved_opening(chains):
    w = chains
    filing = new_filing(
        w, FilingKind.OPEN, w.editor_a, owner_leader="赵副局长", purpose="教育政策发布", sections="政策、招生"
    )
    filing = services.do_submit_filing(filing, acting_user=w.editor_a, today=MONDAY)
    return walk(filing, w.reviewer_a, w.supervisor_a, w.city_supervisor)


def test_the_word_form_carries_every_policy_field_the_number_and_the_approval_history(approved_opening):
    text = _docx_text(documents.filing_docx(approved_opening))
    for label in POLICY_LABELS:
        assert label in text, label
    assert approved_opening.number in text
    assert "县级管理单位审核意见" in text and "市级管理单位审核意见" in text
    assert "审批人：" in text and "示例市人民政府办公室（盖公章）" in text
    assert UNDERTAKING[:20] in text and "☑开设" in text and "赵副局长" in text
    document = Document(io.BytesIO(documents.filing_docx(approved_opening)))
    run = document.tables[0].rows[0].cells[0].paragraphs[0].runs[0]
    assert run._element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )


def test_a_change_form_shows_old_and_new(chains):
    w = chains
    filing = new_filing(w, FilingKind.CHANGE, w.editor_a, account=w.account_a, account_name="青山教育发布")
    text = _docx_text(documents.filing_docx(filing))
    assert "账号名称：青山教育 → 青山教育发布" in text


def test_the_suspension_notice_names_the_account_and_the_date(chains):
    w = chains
    filing = new_filing(
        w, FilingKind.CLOSE, w.editor_b, account=w.account_b, notice_published_on=dt.date(2026, 11, 27)
    )
    text = _docx_text(documents.notice_docx(filing))
    assert "关于注销“临河教育”账号的停更公告" in text
    assert "决定于2026年11月27日起停止更新并申请注销" in text
    assert "临河区教育局" in text and "感谢您的一路相伴" in text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="需要 poppler-utils")
def test_the_pdf_renders_with_the_same_fields(approved_opening, tmp_path):
    pytest.importorskip("weasyprint")
    pdf = documents.filing_pdf(approved_opening)
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    html = documents.filing_html(approved_opening)
    for label in POLICY_LABELS:
        assert label in html, label
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    compact = "".join(text.split())
    for label in (
        "备案编号",
        "账号ID及名称",
        "主办单位",
        "承诺栏",
        "单位公章",
        "县级管理单位审核意见",
        "填表时间",
    ):
        assert label in compact, label
    assert approved_opening.number in compact
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True
    )
    assert (tmp_path / "page-1.png").stat().st_size > 10_000
