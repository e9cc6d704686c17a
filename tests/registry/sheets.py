"""Build spreadsheets in memory for import tests."""

import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from govmedia.registry.spreadsheets import ACCOUNT_HEADERS, UNIT_HEADERS


def xlsx(headers: list[str], rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def account_row(**overrides) -> list[object]:
    values = {
        "账号名称": "青山人社",
        "平台": "微信订阅号",
        "账号ID": "gh_qs_rs",
        "主办单位": "青山县教育局",
        "运维单位": "示例日报社新媒体中心",
        "开通日期": "2021-05-01",
        "状态": "正常",
        "内容类型": "图文",
        "互动功能": "有",
        "负责人": "李四",
        "负责人手机": "13900139000",
        "粉丝数": 1200,
        "主页链接": "https://mp.weixin.qq.com/s/abc",
    }
    values.update(overrides)
    return [values[h] for h in ACCOUNT_HEADERS]


def accounts_file(*rows: list[object]) -> bytes:
    return xlsx(ACCOUNT_HEADERS, list(rows))


def unit_row(**overrides) -> list[object]:
    values = {
        "单位名称": "青山县人力资源和社会保障局",
        "上级单位": "青山县人民政府",
        "单位类型": "政府部门",
        "行政区划": "青山县",
        "考核类别": "",
        "联系人": "王五",
        "联系电话": "0999-1234567",
    }
    values.update(overrides)
    return [values[h] for h in UNIT_HEADERS]


def units_file(*rows: list[object]) -> bytes:
    return xlsx(UNIT_HEADERS, list(rows))
