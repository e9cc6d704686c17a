import pytest

from govmedia.core.models import AuditLog
from govmedia.registry.importing import ImportFailed, import_accounts, import_units
from govmedia.registry.models import Contact, FollowerCount, MediaAccount, Operator, Region, Unit
from govmedia.registry.services import account_rows, export_file
from govmedia.registry.spreadsheets import ACCOUNT_HEADERS, write_csv

from .sheets import account_row, accounts_file, unit_row, units_file, xlsx


def state() -> tuple:
    """Everything an import may touch, to prove a failed import changed nothing."""
    return (
        sorted(MediaAccount.objects.values_list("platform", "platform_uid", "name", "followers", "status")),
        Unit.objects.count(),
        Region.objects.count(),
        Operator.objects.count(),
        Contact.objects.count(),
        FollowerCount.objects.count(),
        AuditLog.objects.count(),
    )


def failed_import(data: bytes, filename: str = "accounts.xlsx", run=import_accounts):
    with pytest.raises(ImportFailed) as failure:
        run(data, filename)
    return failure.value.report


def test_a_good_accounts_file_creates_accounts_contacts_operators_and_history(world):
    report = import_accounts(
        accounts_file(
            account_row(), account_row(账号ID="qs_dy", 平台="抖音", 账号名称="青山教育", 内容类型="视频")
        ),
        "a.xlsx",
        acting_user=world.supervisor_a,
    )
    assert report.ok and report.created == 2
    account = MediaAccount.objects.get(platform_uid="gh_qs_rs")
    assert account.owner == world.dept_a and account.supervisor == world.office_a
    assert account.operator.name == "示例日报社新媒体中心" and account.operator.is_third_party
    assert account.contacts.get(role="head").mobile == "13900139000"
    assert account.follower_history.get().followers == 1200
    assert AuditLog.objects.filter(
        action="registry.account_created", object_id=str(account.pk), region_path=world.county_a.path
    ).exists()


def test_reimporting_the_same_file_changes_nothing(world):
    data = accounts_file(account_row())
    import_accounts(data, "a.xlsx")
    before = state()
    report = import_accounts(data, "a.xlsx")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert state() == before


def test_a_changed_row_updates_the_account_and_records_before_and_after(world):
    import_accounts(accounts_file(account_row()), "a.xlsx")
    report = import_accounts(accounts_file(account_row(粉丝数=1500, 状态="暂停更新")), "a.xlsx")
    assert report.updated == 1
    entry = AuditLog.objects.filter(action="registry.account_updated").get()
    assert entry.before["followers"] == 1200 and entry.after["followers"] == 1500
    assert entry.after["status"] == "暂停更新"


def test_dry_run_reports_changes_without_writing(world):
    before = state()
    report = import_accounts(accounts_file(account_row()), "a.xlsx", dry_run=True)
    assert report.created == 1 and report.dry_run
    assert state() == before


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (account_row(平台="推特"), "平台", "不是有效选项"),
        (account_row(开通日期="2021/05/01"), "开通日期", "YYYY-MM-DD"),
        (account_row(主办单位="不存在局"), "主办单位", "单位不存在"),
        (account_row(账号名称='=HYPERLINK("http://evil.example","点我")'), "账号名称", "疑似公式"),
        (account_row(负责人="@SUM(A1)"), "负责人", "疑似公式"),
        (account_row(负责人手机="1234"), "负责人手机", "11 位手机号码"),
        (account_row(粉丝数="很多"), "粉丝数", "整数"),
        (account_row(主页链接="javascript:alert(1)"), "主页链接", "http"),
        (account_row(账号名称=""), "账号名称", "必填"),
    ],
)
def test_a_bad_row_rejects_the_whole_file_naming_row_and_column(world, row, column, reason):
    before = state()
    report = failed_import(accounts_file(account_row(账号ID="good-one"), row))
    assert [(e.row, e.column) for e in report.errors] == [(3, column)]
    assert reason in report.errors[0].reason
    assert state() == before


def test_the_same_account_twice_in_a_file_is_an_error_naming_both_rows(world):
    report = failed_import(accounts_file(account_row(), account_row(账号名称="青山教育2")))
    assert report.errors[0].row == 3 and "第 2 行" in report.errors[0].reason


def test_every_error_in_a_file_is_listed_not_only_the_first(world):
    report = failed_import(
        accounts_file(
            account_row(平台="推特"),
            account_row(账号ID="x2", 开通日期="昨天"),
            account_row(账号ID="x3", 主办单位=""),
        )
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "平台"), (3, "开通日期"), (4, "主办单位")]


def test_a_wrong_header_rejects_the_file_and_names_the_missing_columns(world):
    headers = [h if h != "账号ID" else "账号编号" for h in ACCOUNT_HEADERS]
    report = failed_import(xlsx(headers, [account_row()]))
    assert report.errors[0].column == "表头" and "账号ID" in report.errors[0].reason


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_chinese_message(world):
    report = failed_import(b"PK\x03\x04 this is not really a zip", "evil.xlsx")
    assert "xlsx" in report.errors[0].reason
    report = failed_import(b"<html></html>", "page.html")
    assert "只支持" in report.errors[0].reason


def test_an_internal_office_cannot_own_an_account(world):
    Unit.objects.create(name="青山县教育局办公室", kind="other", region=world.county_a, parent=world.dept_a)
    Unit.objects.create(name="青山县教育局宣传科", kind="other", region=world.county_a, parent=world.dept_a)
    report = failed_import(accounts_file(account_row(主办单位="青山县教育局宣传科")))
    assert "内设" in report.errors[0].reason
    assert import_accounts(
        accounts_file(account_row(主办单位="青山县教育局办公室", 账号ID="ok")), "a.xlsx"
    ).ok


def test_rule_warnings_name_missing_region_and_second_account_on_a_platform(world):
    report = import_accounts(
        accounts_file(
            account_row(账号名称="教育之窗", 账号ID="x1"), account_row(账号名称="青山教育", 账号ID="x2")
        ),
        "a.xlsx",
    )
    messages = " ".join(w.reason for w in report.warnings)
    assert "未体现县级以上行政区域名称" in messages
    assert "已有账号" in messages  # 青山教育 already exists on the same platform for 青山县教育局


def test_a_csv_in_gb18030_imports_like_the_xlsx(world):
    data = write_csv(ACCOUNT_HEADERS, [account_row()]).decode("utf-8-sig").encode("gb18030")
    assert import_accounts(data, "accounts.csv").created == 1


def test_an_export_reimports_without_any_change(world):
    import_accounts(accounts_file(account_row()), "a.xlsx")
    content, _, _ = export_file(
        "accounts", "xlsx", account_rows(MediaAccount.objects.filter(platform_uid="gh_qs_rs"))
    )
    before = state()
    report = import_accounts(content, "export.xlsx")
    assert report.created == 0 and report.updated == 0
    assert state() == before


def test_export_neutralises_formula_like_text(world):
    world.account_a.name = "=1+2"
    world.account_a.save()
    content = write_csv(ACCOUNT_HEADERS, account_rows(MediaAccount.objects.filter(pk=world.account_a.pk)))
    assert "'=1+2" in content.decode("utf-8-sig")


def test_units_import_builds_the_tree_and_new_regions_in_parent_order(world):
    report = import_units(
        units_file(
            unit_row(
                单位名称="青山县柳河镇人民政府",
                上级单位="青山县人民政府",
                单位类型="乡镇街道",
                行政区划="柳河镇",
            ),
            unit_row(),
            unit_row(
                单位名称="青山县人社局就业服务中心",
                上级单位="青山县人力资源和社会保障局",
                单位类型="事业单位",
            ),
        ),
        "units.xlsx",
    )
    assert report.created == 3
    town = Unit.objects.get(name="青山县柳河镇人民政府")
    assert (
        town.region.name == "柳河镇"
        and town.region.parent == world.county_a
        and town.region.level == "township"
    )
    assert Unit.objects.get(name="青山县人社局就业服务中心").parent.name == "青山县人力资源和社会保障局"
    again = import_units(units_file(unit_row()), "units.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_units_import_rejects_an_unknown_parent_and_a_bad_kind_without_writing(world):
    before = state()
    report = failed_import(
        units_file(unit_row(上级单位="火星县人民政府"), unit_row(单位名称="X局", 单位类型="公司")),
        "units.xlsx",
        import_units,
    )
    assert {(e.row, e.column) for e in report.errors} == {(2, "上级单位"), (3, "单位类型")}
    assert state() == before


def test_units_import_detects_a_parent_cycle(world):
    report = failed_import(
        units_file(unit_row(单位名称="甲局", 上级单位="乙局"), unit_row(单位名称="乙局", 上级单位="甲局")),
        "units.xlsx",
        import_units,
    )
    assert any("循环" in e.reason for e in report.errors)


def test_invisible_control_characters_are_refused(world):
    row = ",".join(str(v) for v in account_row(账号名称="青山\x0b教育"))
    report = failed_import(("\n".join([",".join(ACCOUNT_HEADERS), row])).encode(), "a.csv")
    assert report.errors[0].column == "账号名称" and "控制字符" in report.errors[0].reason
    report = failed_import(
        ("\n".join([",".join(ACCOUNT_HEADERS), row.replace("\x0b", "\x00")])).encode(), "a.csv"
    )
    assert report.errors[0].reason
