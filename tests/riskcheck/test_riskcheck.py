import datetime as dt

from django.urls import reverse

from govmedia.riskcheck.models import CheckTerm, TermKind
from govmedia.riskcheck.services import checker_for, segments


def rules(region, text):
    return {h.rule for h in checker_for(region).check(text, as_of=dt.date(2026, 11, 27))}


def test_the_check_page_marks_a_serious_error_and_explains_it_in_chinese(world, login):
    response = login(world.editor_a).post(
        reverse("riskcheck:check"), {"text": "国家总理李强主持召开国务院常务会议。"}
    )
    page = response.content.decode()
    assert "严重问题 1 处" in page and "国务院总理" in page and '<mark class="sev-serious"' in page


def test_clean_text_reports_no_problem(world, login):
    response = login(world.editor_a).post(
        reverse("riskcheck:check"), {"text": "青山县教育局召开2026年秋季开学工作会议。"}
    )
    assert "未发现问题" in response.content.decode()


def test_an_empty_or_oversized_text_gets_a_chinese_message(world, login):
    client = login(world.editor_a)
    assert "请粘贴文本或上传文件" in client.post(reverse("riskcheck:check"), {"text": ""}).content.decode()
    assert "一次最多检测" in client.post(reverse("riskcheck:check"), {"text": "字" * 50_001}).content.decode()


def test_a_countys_banned_word_applies_in_that_county_only(world):
    CheckTerm.objects.create(
        region=world.county_a, kind=TermKind.BANNED, term="躺平式服务", source="青山县通知"
    )
    assert "banned.regional" in rules(world.township_a, "杜绝躺平式服务")
    assert "banned.regional" in rules(world.county_a, "杜绝躺平式服务")
    assert "banned.regional" not in rules(world.county_b, "杜绝躺平式服务")


def test_a_published_office_number_on_the_allow_list_is_not_reported(world):
    text = "咨询电话：13800138000"
    assert "privacy.mobile" in rules(world.county_a, text)
    CheckTerm.objects.create(
        region=world.city, kind=TermKind.ALLOW, term="13800138000", source="政务公开电话"
    )
    assert "privacy.mobile" not in rules(world.county_a, text)


def test_segments_cover_the_whole_text_once():
    from govmedia.textcheck import Checker

    text = "国家总理李强在国办发[2018]123号文件上批示，电话13800138000。"
    hits = Checker.default().check(text)
    assert "".join(s.text for s in segments(text, hits)) == text


def _docx(*paragraphs: str) -> bytes:
    import io

    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_an_uploaded_docx_is_read_and_checked(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("稿件.docx", _docx("标题", "国家总理李强主持召开国务院常务会议。"))
    page = login(world.editor_a).post(reverse("riskcheck:check"), {"upload": upload}).content.decode()
    assert "严重问题 1 处" in page


def test_a_hostile_or_fake_upload_is_refused_in_chinese(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(world.editor_a)
    fake = SimpleUploadedFile("稿件.docx", b"MZ\x90\x00 not a document")
    assert (
        "不是有效的 .docx 文档" in client.post(reverse("riskcheck:check"), {"upload": fake}).content.decode()
    )
    exe = SimpleUploadedFile("run.exe", b"MZ")
    assert "只支持 .txt 和 .docx" in client.post(reverse("riskcheck:check"), {"upload": exe}).content.decode()
    gbk = SimpleUploadedFile("稿件.txt", "国家总理李强".encode("gb18030"))
    assert "严重问题 1 处" in client.post(reverse("riskcheck:check"), {"upload": gbk}).content.decode()
