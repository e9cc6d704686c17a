import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from govmedia.content.importing import MESSAGE_HEADERS, POST_HEADERS, import_messages, import_posts
from govmedia.content.models import Message, Post, PostStat
from govmedia.registry.importing import ImportFailed


def write_csv(path, headers, rows, encoding="utf-8-sig"):
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def post_row(n=1, **overrides):
    row = {
        "账号ID": "a-edu-wx",
        "平台": "微信订阅号",
        "发布时间": f"2026-03-{n:02d} 09:30",
        "标题": f"青山县教育局关于第{n}批招生的通知",
        "正文": "各位家长：现将有关事项通知如下。",
        "链接": f"https://mp.weixin.qq.com/s/{n}",
        "原创": "是",
        "来源": "",
        "阅读数": "120",
        "点赞数": "",
        "转发数": "3",
        "评论数": "0",
        "在看数": "",
    }
    row.update(overrides)
    return [row[h] for h in POST_HEADERS]


def test_importing_posts_from_csv_stores_them_with_their_counts(world, tmp_path):
    path = write_csv(
        tmp_path / "posts.csv", POST_HEADERS, [post_row(1), post_row(2, 原创="否", 来源="新华社")]
    )
    report = import_posts(path)
    assert (report.created, report.updated) == (2, 0)
    first = Post.objects.get(title="青山县教育局关于第1批招生的通知")
    assert first.account == world.account_a
    assert first.reads == 120 and first.likes is None and first.shares == 3
    assert Post.objects.get(repost_source="新华社").is_original is False
    assert PostStat.objects.count() == 2


def test_importing_the_same_file_twice_changes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "posts.csv", POST_HEADERS, [post_row(n) for n in range(1, 6)])
    import_posts(path)
    before = list(Post.objects.order_by("pk").values_list("pk", "platform_post_id", "reads", "fetched_at"))
    report = import_posts(path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert (
        list(Post.objects.order_by("pk").values_list("pk", "platform_post_id", "reads", "fetched_at"))
        == before
    )


def test_new_counts_overwrite_the_old_ones_without_duplicating_the_post(world, tmp_path):
    import_posts(write_csv(tmp_path / "a.csv", POST_HEADERS, [post_row(1)]))
    report = import_posts(write_csv(tmp_path / "b.csv", POST_HEADERS, [post_row(1, 阅读数="999", 转发数="")]))
    assert (report.created, report.updated) == (0, 1)
    post = Post.objects.get()
    assert post.reads == 999 and post.shares == 3  # a blank count keeps the known one


def test_a_bad_row_is_named_and_nothing_is_written(world, tmp_path):
    rows = [
        post_row(1),
        post_row(2, 发布时间="2026/3/2"),
        post_row(3, 阅读数="很多"),
        post_row(4, 账号ID="nobody"),
    ]
    with pytest.raises(ImportFailed) as failed:
        import_posts(write_csv(tmp_path / "posts.csv", POST_HEADERS, rows))
    errors = [(e.row, e.column) for e in failed.value.report.errors]
    assert errors == [(3, "发布时间"), (4, "阅读数"), (5, "账号ID")]
    assert failed.value.report.errors[2].reason == "找不到微信订阅号账号“nobody”，请先在账号矩阵中登记"
    assert Post.objects.count() == 0


def test_a_formula_cell_is_refused(world, tmp_path):
    with pytest.raises(ImportFailed) as failed:
        import_posts(write_csv(tmp_path / "p.csv", POST_HEADERS, [post_row(1, 标题='=HYPERLINK("x")')]))
    assert failed.value.report.errors[0].column == "标题"


def test_missing_headers_are_listed(world, tmp_path):
    with pytest.raises(ImportFailed) as failed:
        import_posts(write_csv(tmp_path / "p.csv", ["账号ID", "平台"], [["a-edu-wx", "微信订阅号"]]))
    assert "表头缺少：发布时间" in failed.value.report.errors[0].reason


def test_a_gb18030_csv_from_old_excel_is_read(world, tmp_path):
    path = write_csv(tmp_path / "p.csv", POST_HEADERS, [post_row(1)], encoding="gb18030")
    assert import_posts(path).created == 1


def test_posts_are_imported_from_xlsx(world, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(POST_HEADERS)
    sheet.append(post_row(1, 阅读数=120))
    path = tmp_path / "posts.xlsx"
    workbook.save(path)
    assert import_posts(path).created == 1
    assert Post.objects.get().reads == 120


def test_the_import_posts_command_prints_errors_with_row_numbers(world, tmp_path):
    path = write_csv(tmp_path / "p.csv", POST_HEADERS, [post_row(1, 原创="也许")])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_posts", str(path), stderr=err)
    assert "第 2 行 [原创] 也许 — 应填写“是”或“否”" in err.getvalue()
    out = io.StringIO()
    call_command("import_posts", str(write_csv(tmp_path / "q.csv", POST_HEADERS, [post_row(1)])), stdout=out)
    assert "已新增 1 条" in out.getvalue()
    out = io.StringIO()
    call_command("import_posts", str(tmp_path / "q.csv"), "--no-parallel", "--batch-size", "1", stdout=out)
    assert "已新增 0 条" in out.getvalue() and "1 条无变化" in out.getvalue()


def message_row(**overrides):
    row = {
        "账号ID": "a-edu-wx",
        "平台": "微信公众号",
        "留言时间": "2026-03-01 10:00",
        "留言类型": "咨询",
        "留言内容": "请问今年秋季什么时候开学？",
        "回复时间": "2026-03-02 09:00",
        "回复内容": "9月1日开学。",
    }
    row.update(overrides)
    return [row[h] for h in MESSAGE_HEADERS]


def csv_bytes(headers, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_importing_messages_stores_answered_and_unanswered_ones_once(world):
    data = csv_bytes(
        MESSAGE_HEADERS,
        [message_row(), message_row(留言内容="路灯坏了", 留言类型="投诉", 回复时间="", 回复内容="")],
    )
    report = import_messages(data, "m.csv")
    assert report.created == 2
    assert Message.objects.get(text="路灯坏了").replied_at is None
    assert Message.objects.get(kind="consultation").reply_text == "9月1日开学。"
    again = import_messages(data, "m.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Message.objects.count() == 2


def test_a_reply_before_the_message_is_refused_with_its_row(world):
    data = csv_bytes(MESSAGE_HEADERS, [message_row(), message_row(留言内容="x", 回复时间="2026-02-01 09:00")])
    with pytest.raises(ImportFailed) as failed:
        import_messages(data, "m.csv")
    assert [(e.row, e.column, e.reason) for e in failed.value.report.errors] == [
        (3, "回复时间", "回复时间不能早于留言时间")
    ]
    assert Message.objects.count() == 0


def test_an_unknown_message_kind_is_refused(world):
    with pytest.raises(ImportFailed) as failed:
        import_messages(csv_bytes(MESSAGE_HEADERS, [message_row(留言类型="表扬")]), "m.csv")
    assert failed.value.report.errors[0].column == "留言类型"


def test_the_import_messages_command_runs_the_same_import(world, tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes(csv_bytes(MESSAGE_HEADERS, [message_row()]))
    out = io.StringIO()
    call_command("import_messages", str(path), stdout=out)
    assert "留言导入：已新增 1 条" in out.getvalue()
