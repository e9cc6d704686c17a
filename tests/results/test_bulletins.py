from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from govmedia.results import bulletins, services
from govmedia.results.documents import bulletin_docx, bulletin_pdf, bulletin_xlsx
from govmedia.results.models import BulletinStatus, RectificationStatus
from tests.results.conftest import NOW

pytestmark = pytest.mark.django_db


def _editor(unit):
    from conftest import make_user
    from govmedia.core.models import Role

    return make_user(f"ed{unit.pk}", Role.EDITOR, unit)


def test_full_scenario_from_inspection_to_a_bulletin_in_three_formats(inspected, tmp_path):
    w = inspected
    rects = {
        r.unit_id: r for r in services.do_send_rectifications(w.open_findings, acting_user=w.supervisor_a)
    }
    assert {w.dept_a2.pk, w.town_a.pk} <= set(rects)
    answered, late = rects[w.dept_a2.pk], rects[w.town_a.pk]
    services.do_answer_rectification(answered, acting_user=_editor(w.dept_a2), answer="已发布信息并恢复更新")
    services.do_decide_rectification(answered, acting_user=w.supervisor_a, accept=True)
    # a week later the township has still done nothing
    with time_machine.travel(NOW + dt.timedelta(days=9), tick=False):
        assert services.remind_overdue() >= 1
        bulletin = bulletins.do_create_bulletin(w.inspection, acting_user=w.supervisor_a)
    late.refresh_from_db()
    assert late.status == RectificationStatus.SENT and late.reminded_at
    c = bulletin.content
    assert c["checked"] == w.inspection.account_count and c["failed"] == w.inspection.failed_count
    assert "青山县石桥镇" in [o["unit"] for o in c["overdue"]]
    assert "青山县民政局" not in [o["unit"] for o in c["overdue"]]
    assert bulletin.number == "青山县政办通〔2026〕1号"

    document = Document(io.BytesIO(bulletin_docx(bulletin)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert bulletin.title in text and "〔2026〕" in text and "青山县石桥镇（期限" in text
    headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert ["排名", "单位", "账号数", "单位得分", "最终得分"] in headers
    assert ["账号", "平台", "主办单位", "主要问题"] in headers
    failed_table = document.tables[headers.index(["账号", "平台", "主办单位", "主要问题"])]
    assert "青山民政" in [r.cells[0].text for r in failed_table.rows]
    xml = document.paragraphs[0].runs[0]._element.xml
    assert 'w:eastAsia="方正小标宋简体"' in xml
    body_xml = document.element.body.xml
    assert 'w:eastAsia="仿宋_GB2312"' in body_xml and "PAGE" in document.sections[0].footer._element.xml
    assert abs(document.sections[0].top_margin.mm - 37) < 0.1

    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(bulletin_pdf(bulletin))
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    compact = "".join(out.split())
    assert "政务新媒体检查情况的通报" in compact and "青山民政" in compact and "通报表扬" in compact
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "NotoSerifCJK" in fonts or "Noto" in fonts

    book = load_workbook(io.BytesIO(bulletin_xlsx(bulletin)))
    assert book.sheetnames == ["汇总", "分平台", "单位排名", "不合格账号", "逾期未整改"]
    rows = list(book["不合格账号"].iter_rows(values_only=True))
    assert rows[0] == ("账号", "平台", "主办单位", "得分", "问题") and any(
        r[0] == "青山民政" for r in rows[1:]
    )
    assert ("青山县石桥镇", late.deadline.isoformat()) in list(book["逾期未整改"].iter_rows(values_only=True))


def test_a_bulletin_needs_a_published_inspection(world, frozen):
    from tests.supervision.factories import county_a_inspection

    with pytest.raises(bulletins.BulletinError, match="已发布的检查"):
        bulletins.do_create_bulletin(county_a_inspection(world), acting_user=world.supervisor_a)


def test_draft_approved_published_and_then_frozen(inspected):
    w = inspected
    b = bulletins.do_create_bulletin(w.inspection, acting_user=w.supervisor_a)
    bulletins.do_edit_bulletin(b, acting_user=w.supervisor_a, title="关于第46周政务新媒体检查情况的通报")
    with pytest.raises(bulletins.IllegalBulletinMove, match="不能改为“已发布”"):
        bulletins.do_publish_bulletin(b, acting_user=w.supervisor_a)
    bulletins.do_approve_bulletin(b, acting_user=w.supervisor_a)
    with pytest.raises(bulletins.BulletinError, match="只有草稿可以修改"):
        bulletins.do_edit_bulletin(b, acting_user=w.supervisor_a, title="改")
    bulletins.do_publish_bulletin(b, acting_user=w.supervisor_a)
    assert b.status == BulletinStatus.PUBLISHED and b.published_at
    frozen_content = dict(b.content)
    with pytest.raises(bulletins.BulletinError):
        bulletins.do_edit_bulletin(b, acting_user=w.supervisor_a, refresh=True)
    with pytest.raises(bulletins.IllegalBulletinMove):
        bulletins.do_reopen_bulletin(b, acting_user=w.supervisor_a)
    b.refresh_from_db()
    assert b.content == frozen_content and b.title == "关于第46周政务新媒体检查情况的通报"


def test_the_public_sees_published_bulletins_only(inspected, client):
    w = inspected
    b = bulletins.do_create_bulletin(w.inspection, acting_user=w.supervisor_a)
    public = reverse("results:public_bulletin", kwargs={"pk": b.pk})
    assert client.get(public).status_code == 404
    assert client.get(reverse("results:public_bulletin_pdf", kwargs={"pk": b.pk})).status_code == 404
    assert b.title not in client.get(reverse("results:public_bulletins")).content.decode()
    bulletins.do_approve_bulletin(b, acting_user=w.supervisor_a)
    assert client.get(public).status_code == 404
    bulletins.do_publish_bulletin(b, acting_user=w.supervisor_a)
    page = client.get(public)
    assert page.status_code == 200 and "青山民政" in page.content.decode()
    assert b.title in client.get(reverse("results:public_bulletins")).content.decode()
    assert (
        client.get(reverse("results:public_bulletin_pdf", kwargs={"pk": b.pk}))["Content-Type"]
        == "application/pdf"
    )


def test_pages_generate_edit_approve_and_download(inspected, login):
    w = inspected
    client = login(w.supervisor_a)
    listing = client.get(reverse("results:bulletins")).content.decode()
    assert str(w.inspection) in listing
    response = client.post(reverse("results:bulletin_new"), {"inspection": w.inspection.pk})
    b = bulletins.Bulletin.objects.get()
    assert response.url == reverse("results:bulletin", kwargs={"pk": b.pk})
    page = client.get(response.url).content.decode()
    assert "字体说明" in page or "公文字体齐全" in page
    bad = client.post(
        reverse("results:bulletin_edit", kwargs={"pk": b.pk}), {"title": "", "deadline": "明天"}
    )
    text = bad.content.decode()
    assert "标题" in text and "整改期限" in text
    client.post(
        reverse("results:bulletin_edit", kwargs={"pk": b.pk}),
        {"title": "新标题", "number": b.number, "intro": "导语", "demands": "要求", "deadline": "2026-11-30"},
    )
    b.refresh_from_db()
    assert b.title == "新标题"
    client.post(reverse("results:bulletin_approve", kwargs={"pk": b.pk}))
    client.post(reverse("results:bulletin_publish", kwargs={"pk": b.pk}))
    b.refresh_from_db()
    assert b.is_published
    for name in ("bulletin_docx", "bulletin_xlsx"):
        assert client.get(reverse(f"results:{name}", kwargs={"pk": b.pk})).status_code == 200
    assert login(w.supervisor_b).get(reverse("results:bulletin", kwargs={"pk": b.pk})).status_code == 404


def test_an_editor_cannot_generate_a_bulletin(inspected, login):
    client = login(inspected.editor_a)
    response = client.post(reverse("results:bulletin_new"), {"inspection": inspected.inspection.pk})
    assert response.status_code in (403, 404)
    assert not bulletins.Bulletin.objects.exists()
