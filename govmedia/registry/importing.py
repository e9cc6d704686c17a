"""Importing the registry from spreadsheets: all or nothing, every error listed with its row.

A file with any bad row changes nothing; re-importing the same file changes nothing either
(units are matched by 单位名称, accounts by 平台 + 账号ID).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from govmedia.core.audit import audit, audit_many, build_entry, snapshot
from govmedia.core.params import is_id
from govmedia.registry import rules
from govmedia.registry.models import (
    AccountStatus,
    AssessmentGroup,
    Contact,
    ContentType,
    FollowerCount,
    MediaAccount,
    Operator,
    Platform,
    Region,
    RegionLevel,
    Unit,
    UnitKind,
)
from govmedia.registry.spreadsheets import (
    ACCOUNT_HEADERS,
    UNIT_HEADERS,
    SheetError,
    looks_like_formula,
    read_sheet,
)

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^[0-9\-—()（）+ 转]{5,30}$")
_URL = re.compile(r"^https?://[^\s<>\"']+$", re.I)
_NEXT_LEVEL = {
    RegionLevel.NATIONAL: RegionLevel.PROVINCE,
    RegionLevel.PROVINCE: RegionLevel.CITY,
    RegionLevel.CITY: RegionLevel.COUNTY,
    RegionLevel.COUNTY: RegionLevel.TOWNSHIP,
    RegionLevel.TOWNSHIP: RegionLevel.TOWNSHIP,
}


def _by_label(choices) -> dict[str, str]:
    return {label: value for value, label in choices.choices}


PLATFORMS = {**_by_label(Platform), "微信公众号": Platform.WECHAT_SUBSCRIPTION}
STATUSES = _by_label(AccountStatus)
CONTENT_TYPES = _by_label(ContentType)
UNIT_KINDS = _by_label(UnitKind)
GROUPS = _by_label(AssessmentGroup)
YES_NO = {"有": True, "无": False}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportReport:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"发现 {len(self.errors)} 处错误，整个文件未导入，数据库未作任何修改"
        verb = "将" if self.dry_run else "已"
        return f"{verb}新增 {self.created} 条、更新 {self.updated} 条，{self.unchanged} 条无变化；提示 {len(self.warnings)} 条"


class ImportFailed(Exception):
    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(report.summary())


class _Row:
    """One row's values with helpers that record errors against the row and column."""

    def __init__(self, number: int, values: dict[str, object], report: ImportReport):
        self.number, self.values, self.report = number, values, report
        self.failed = False

    def error(self, column: str, reason: str) -> None:
        self.failed = True
        self.report.errors.append(RowError(self.number, column, str(self.values.get(column, "")), reason))

    def warn(self, column: str, reason: str) -> None:
        self.report.warnings.append(RowError(self.number, column, str(self.values.get(column, "")), reason))

    def text(self, column: str, *, required: bool = False, max_length: int = 100) -> str:
        value = self.values.get(column, "")
        if isinstance(value, dt.datetime | dt.date):
            value = value.strftime("%Y-%m-%d")
        value = str(value).strip()
        if looks_like_formula(value):
            self.error(column, "单元格内容以“=”“+”“-”“@”等开头，疑似公式，已拒绝；如确为文本请去掉开头符号")
            return ""
        if _CONTROL.search(value):
            self.error(column, "含有不可见的控制字符，请删除后重试")
            return ""
        if required and not value:
            self.error(column, "必填，不能为空")
        elif len(value) > max_length:
            self.error(column, f"内容过长（{len(value)} 字），最多 {max_length} 字")
        return value

    def choice(self, column: str, options: dict, *, required: bool = True, default=None):
        value = self.text(column, required=required)
        if not value:
            return default
        if value not in options:
            self.error(column, f"“{value}”不是有效选项，应为：{'、'.join(options)}")
            return default
        return options[value]

    def date(self, column: str) -> dt.date | None:
        value = self.values.get(column, "")
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = self.text(column)
        if not text:
            return None
        try:
            parsed = dt.datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            self.error(column, "日期格式应为 YYYY-MM-DD，如 2024-03-01")
            return None
        if parsed > timezone.localdate():
            self.error(column, "日期不能晚于今天")
        return parsed

    def count(self, column: str) -> int:
        value = self.values.get(column, "")
        if value == "" or value is None:
            return 0
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = self.text(column).replace(",", "")
            if not is_id(text):
                self.error(column, "应为不小于 0 的整数")
                return 0
            number = int(text)
        if number < 0:
            self.error(column, "应为不小于 0 的整数")
        return max(number, 0)


def _load(data: bytes, filename: str, headers: list[str], kind: str) -> tuple:
    report = ImportReport(kind=kind)
    try:
        sheet = read_sheet(data, filename, headers)
    except SheetError as exc:
        report.errors.append(RowError(1, "表头" if "表头" in str(exc) else "文件", "", str(exc)))
        raise ImportFailed(report) from None
    for extra in [h for h in sheet.headers if h and h not in headers]:
        report.warnings.append(RowError(1, extra, extra, "不认识的列，已忽略"))
    return sheet, report


# ---------------------------------------------------------------- units


@dataclass
class _UnitRow:
    number: int
    name: str
    parent: str
    kind: str
    region: str
    group: str
    contact_name: str
    contact_phone: str


def _read_unit_rows(sheet, report: ImportReport) -> list[_UnitRow]:
    parsed, seen = [], {}
    for number, values in sheet.rows:
        row = _Row(number, values, report)
        item = _UnitRow(
            number=number,
            name=row.text("单位名称", required=True),
            parent=row.text("上级单位"),
            kind=row.choice("单位类型", UNIT_KINDS),
            region=row.text("行政区划", required=True, max_length=50),
            group=row.choice("考核类别", GROUPS, required=False, default=""),
            contact_name=row.text("联系人", max_length=50),
            contact_phone=row.text("联系电话", max_length=30),
        )
        if item.contact_phone and not _PHONE.match(item.contact_phone):
            row.error("联系电话", "电话号码格式不正确")
        if item.name and item.name in seen:
            row.error("单位名称", f"与第 {seen[item.name]} 行重复")
        if item.name and item.parent == item.name:
            row.error("上级单位", "上级单位不能是本单位")
        if item.name and not row.failed:
            seen[item.name] = number
        if not row.failed:
            parsed.append(item)
    return parsed


def _order_units(rows: list[_UnitRow], existing: dict[str, Unit], report: ImportReport) -> list[_UnitRow]:
    """Parents before children; an unknown or circular parent is a row error."""
    by_name = {r.name: r for r in rows}
    ordered, placed = [], set()

    def place(row: _UnitRow, trail: tuple[str, ...]) -> bool:
        if row.name in placed:
            return True
        if row.name in trail:
            report.errors.append(RowError(row.number, "上级单位", row.parent, "上级单位关系形成循环"))
            return False
        if row.parent and row.parent in by_name:
            if not place(by_name[row.parent], (*trail, row.name)):
                return False
        elif row.parent and row.parent not in existing:
            report.errors.append(
                RowError(row.number, "上级单位", row.parent, "上级单位不存在：请先导入或在本文件中列出")
            )
            return False
        placed.add(row.name)
        ordered.append(row)
        return True

    for row in rows:
        place(row, ())
    return ordered


def _region_level_from_name(name: str) -> str:
    if name.endswith("省") or name.endswith("自治区"):
        return RegionLevel.PROVINCE
    if name.endswith(("县", "区", "旗")):
        return RegionLevel.COUNTY
    if name.endswith(("镇", "乡", "街道")):
        return RegionLevel.TOWNSHIP
    return RegionLevel.CITY


def import_units(data: bytes, filename: str, *, acting_user=None, dry_run: bool = False) -> ImportReport:
    sheet, report = _load(data, filename, UNIT_HEADERS, "units")
    report.dry_run = dry_run
    rows = _read_unit_rows(sheet, report)
    existing = {u.name: u for u in Unit.objects.select_related("region")}
    ordered = _order_units(rows, existing, report)
    for row in ordered:
        problems = rules.owner_problems(row.name)
        for problem in problems:
            report.warnings.append(
                RowError(row.number, "单位名称", row.name, problem.message + "；该单位不能作为账号主办单位")
            )
    if report.errors:
        report.errors.sort(key=lambda e: e.row)
        raise ImportFailed(report)
    with transaction.atomic():
        _apply_units(ordered, existing, report, acting_user)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _resolve_region(row: _UnitRow, parent: Unit | None) -> Region:
    if parent is None:
        region = Region.objects.filter(name=row.region).order_by("path").first()
        return region or Region.objects.create(name=row.region, level=_region_level_from_name(row.region))
    base = parent.region
    if base.name == row.region:
        return base
    child = base.children.filter(name=row.region).first()
    if child:
        return child
    elsewhere = Region.objects.filter(name=row.region, path__startswith=base.path).first()
    return elsewhere or Region.objects.create(name=row.region, parent=base, level=_NEXT_LEVEL[base.level])


def _apply_units(
    ordered: list[_UnitRow], existing: dict[str, Unit], report: ImportReport, acting_user
) -> None:
    for row in ordered:
        parent = existing.get(row.parent) if row.parent else None
        region = _resolve_region(row, parent)
        unit = existing.get(row.name)
        values = {
            "kind": row.kind,
            "region": region,
            "parent": parent,
            "assessment_group": row.group,
            "contact_name": row.contact_name,
            "contact_phone": row.contact_phone,
        }
        if unit is None:
            unit = Unit.objects.create(name=row.name, **values)
            audit(
                acting_user,
                "registry.unit_created",
                unit,
                after=snapshot(unit),
                comment=f"导入第 {row.number} 行",
            )
            report.created += 1
        else:
            before = snapshot(unit)
            changed = [k for k, v in values.items() if getattr(unit, k) != v]
            if not changed:
                report.unchanged += 1
            else:
                for key in changed:
                    setattr(unit, key, values[key])
                unit.save()
                audit(
                    acting_user,
                    "registry.unit_updated",
                    unit,
                    before=before,
                    after=snapshot(unit),
                    comment=f"导入第 {row.number} 行",
                )
                report.updated += 1
        existing[row.name] = unit


# ---------------------------------------------------------------- accounts

_ACCOUNT_FIELDS = [
    "name",
    "owner_id",
    "operator_id",
    "supervisor_id",
    "opened_on",
    "status",
    "content_type",
    "has_interaction",
    "followers",
    "url",
]


@dataclass
class _AccountRow:
    number: int
    values: dict
    head_name: str
    head_mobile: str
    operator_name: str


class _RegistryIndex:
    """Everything the account rows are checked against, loaded in a handful of queries."""

    def __init__(self):
        self.units = {u.name: u for u in Unit.objects.only("id", "name", "kind", "region_id")}
        self.units_by_id = {u.pk: u for u in self.units.values()}
        self.regions = {r.pk: r for r in Region.objects.all()}
        self.operators = {o.name: o for o in Operator.objects.all()}
        self.accounts = {
            (a.platform, a.platform_uid): a for a in MediaAccount.objects.exclude(platform_uid="")
        }
        self.heads = {c.account_id: c for c in Contact.objects.filter(role=Contact.Role.HEAD)}
        self.by_owner: dict[int, list[tuple[str, str, str]]] = defaultdict(
            list
        )  # owner → (key, platform, name)
        for account in MediaAccount.objects.exclude(status=AccountStatus.CLOSED).only(
            "owner_id", "platform", "platform_uid", "name"
        ):
            self.by_owner[account.owner_id].append((account.platform_uid, account.platform, account.name))
        offices = defaultdict(list)
        for unit in self.units.values():
            if unit.kind == UnitKind.GOVERNMENT_OFFICE:
                offices[unit.region_id].append(unit)
        self._offices = offices
        self._forms: dict[int, set[str]] = {}

    def region_forms(self, region_id: int) -> set[str]:
        if region_id not in self._forms:
            region = self.regions[region_id]
            ids = [int(p) for p in region.path.strip("/").split("/") if p]
            self._forms[region_id] = rules.region_name_forms(
                self.regions[i] for i in ids if i in self.regions
            )
        return self._forms[region_id]

    def supervisor_for(self, unit: Unit) -> Unit | None:
        """The government office (主管单位) of the unit's region, or of the nearest region above."""
        region = self.regions.get(unit.region_id)
        while region is not None:
            if self._offices.get(region.pk):
                return self._offices[region.pk][0]
            region = self.regions.get(region.parent_id)
        return None


def _read_account_rows(sheet, index: _RegistryIndex, report: ImportReport) -> list[_AccountRow]:
    parsed, seen = [], {}
    for number, values in sheet.rows:
        row = _Row(number, values, report)
        name = row.text("账号名称", required=True)
        platform = row.choice("平台", PLATFORMS)
        uid = row.text("账号ID", required=True)
        owner_name = row.text("主办单位", required=True)
        operator_name = row.text("运维单位")
        opened_on = row.date("开通日期")
        status = row.choice("状态", STATUSES, required=False, default=AccountStatus.ACTIVE)
        content_type = row.choice("内容类型", CONTENT_TYPES, required=False, default=ContentType.TEXT_IMAGE)
        interaction = row.choice("互动功能", YES_NO, required=False, default=True)
        head_name = row.text("负责人", max_length=50)
        head_mobile = row.text("负责人手机", max_length=20)
        followers = row.count("粉丝数")
        url = row.text("主页链接", max_length=500)
        if head_mobile and not _MOBILE.match(head_mobile):
            row.error("负责人手机", "应为 11 位手机号码")
        if url and not _URL.match(url):
            row.error("主页链接", "应为 http:// 或 https:// 开头的网址")
        owner = index.units.get(owner_name) if owner_name else None
        if owner_name and owner is None:
            row.error("主办单位", "单位不存在：请先在“单位”表中导入该单位")
        elif owner is not None:
            for problem in rules.owner_problems(owner.name):
                row.error("主办单位", problem.message)
        key = (platform, uid)
        if platform and uid:
            if key in seen:
                row.error("账号ID", f"与第 {seen[key]} 行是同一平台的同一账号ID")
            else:
                seen[key] = number
        if row.failed:
            continue
        parsed.append(
            _AccountRow(
                number=number,
                values={
                    "name": name,
                    "platform": platform,
                    "platform_uid": uid,
                    "owner_id": owner.pk,
                    "opened_on": opened_on,
                    "status": status,
                    "content_type": content_type,
                    "has_interaction": interaction,
                    "followers": followers,
                    "url": url,
                    "supervisor_id": getattr(index.supervisor_for(owner), "pk", None),
                },
                head_name=head_name,
                head_mobile=head_mobile,
                operator_name=operator_name,
            )
        )
    return parsed


def _rule_warnings(rows: list[_AccountRow], index: _RegistryIndex, report: ImportReport) -> None:
    """Naming, one-per-platform and consistency rules, over the registry as it will be after import."""
    after: dict[int, dict[tuple[str, str], tuple[str, str]]] = defaultdict(dict)
    for owner_id, accounts in index.by_owner.items():
        for uid, platform, name in accounts:
            after[owner_id][(platform, uid)] = (platform, name)
    for row in rows:
        v = row.values
        for owners in after.values():
            owners.pop((v["platform"], v["platform_uid"]), None)
        if v["status"] != AccountStatus.CLOSED:
            after[v["owner_id"]][(v["platform"], v["platform_uid"])] = (v["platform"], v["name"])
    labels = dict(Platform.choices)
    for row in rows:
        v = row.values
        unit_region = index.units_by_id[v["owner_id"]].region_id
        problems = rules.naming_problems(v["name"], index.region_forms(unit_region))
        others = [
            (p, n) for k, (p, n) in after[v["owner_id"]].items() if k != (v["platform"], v["platform_uid"])
        ]
        problems += rules.duplicate_platform_problems(
            v["name"], labels[v["platform"]], [n for p, n in others if p == v["platform"]], ""
        )
        problems += rules.consistency_problems(v["name"], [n for p, n in others if p != v["platform"]])
        for problem in problems:
            report.warnings.append(RowError(row.number, "账号名称", v["name"], problem.message))


def import_accounts(data: bytes, filename: str, *, acting_user=None, dry_run: bool = False) -> ImportReport:
    sheet, report = _load(data, filename, ACCOUNT_HEADERS, "accounts")
    report.dry_run = dry_run
    index = _RegistryIndex()
    rows = _read_account_rows(sheet, index, report)
    if report.errors:
        raise ImportFailed(report)
    _rule_warnings(rows, index, report)
    with transaction.atomic():
        _apply_accounts(rows, index, report, acting_user)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _operator_for(name: str, index: _RegistryIndex, new_operators: dict[str, Operator]) -> Operator | None:
    if not name:
        return None
    if name in index.operators:
        return index.operators[name]
    if name not in new_operators:
        unit = index.units.get(name)
        new_operators[name] = Operator(
            name=name, unit=unit, kind=Operator.Kind.IN_HOUSE if unit else Operator.Kind.THIRD_PARTY
        )
    return new_operators[name]


def _apply_accounts(
    rows: list[_AccountRow], index: _RegistryIndex, report: ImportReport, acting_user
) -> None:
    new_operators: dict[str, Operator] = {}
    for row in rows:
        _operator_for(row.operator_name, index, new_operators)
    Operator.objects.bulk_create(new_operators.values(), batch_size=500)
    index.operators.update(new_operators)

    today = timezone.localdate()
    to_create, to_update, created_rows, entries = [], [], [], []
    changed_fields: set[str] = set()
    follower_counts: list[FollowerCount] = []
    for row in rows:
        values = dict(row.values)
        operator = _operator_for(row.operator_name, index, new_operators)
        values["operator_id"] = operator.pk if operator else None
        account = index.accounts.get((values["platform"], values["platform_uid"]))
        if account is None:
            account = MediaAccount(**values)
            to_create.append(account)
            created_rows.append(row)
            report.created += 1
            continue
        diff = [f for f in _ACCOUNT_FIELDS if getattr(account, f) != values[f]]
        head = index.heads.get(account.pk)
        head_changed = (row.head_name or row.head_mobile) and (
            head is None or (head.name, head.mobile) != (row.head_name, row.head_mobile)
        )
        if not diff and not head_changed:
            report.unchanged += 1
            continue
        before = snapshot(account, _ACCOUNT_FIELDS)
        for f in diff:
            setattr(account, f, values[f])
        if "followers" in diff:
            follower_counts.append(FollowerCount(account=account, date=today, followers=account.followers))
        changed_fields.update(diff)
        if diff:
            to_update.append(account)
        entries.append(
            _account_entry(
                acting_user,
                "registry.account_updated",
                account,
                index,
                before=before,
                after=snapshot(account, _ACCOUNT_FIELDS),
                comment=f"导入第 {row.number} 行",
            )
        )
        report.updated += 1

    MediaAccount.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        MediaAccount.objects.bulk_update(to_update, sorted(changed_fields | {"updated_at"}), batch_size=1000)
    for account in to_create:
        follower_counts.append(FollowerCount(account=account, date=today, followers=account.followers))
        entries.append(
            _account_entry(
                acting_user,
                "registry.account_created",
                account,
                index,
                after=snapshot(account, _ACCOUNT_FIELDS),
                comment="批量导入",
            )
        )
    _store_heads(rows, index, to_create, created_rows)
    FollowerCount.objects.bulk_create(
        follower_counts,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["account", "date"],
        update_fields=["followers"],
    )
    audit_many(entries)


def _store_heads(rows, index: _RegistryIndex, created, created_rows) -> None:
    """The row's 负责人 becomes (or updates) the account's head contact."""
    created_by_row = {id(r): a for r, a in zip(created_rows, created, strict=True)}
    new_contacts, changed = [], []
    for row in rows:
        if not (row.head_name or row.head_mobile):
            continue
        account = (
            created_by_row.get(id(row))
            or index.accounts[(row.values["platform"], row.values["platform_uid"])]
        )
        head = index.heads.get(account.pk)
        if head is None:
            new_contacts.append(
                Contact(
                    account=account,
                    role=Contact.Role.HEAD,
                    name=row.head_name or "未填写",
                    mobile=row.head_mobile,
                )
            )
        elif (head.name, head.mobile) != (row.head_name, row.head_mobile):
            head.name, head.mobile = row.head_name or head.name, row.head_mobile
            changed.append(head)
    Contact.objects.bulk_create(new_contacts, batch_size=1000)
    Contact.objects.bulk_update(changed, ["name", "mobile"], batch_size=1000)


def _account_entry(acting_user, action: str, account: MediaAccount, index: _RegistryIndex, **kwargs):
    """An audit row for an account, scoped by its owner without loading the owner again."""
    entry = build_entry(acting_user, action, None, **kwargs)
    owner = index.units_by_id[account.owner_id]
    entry.object_type, entry.object_id, entry.object_repr = (
        "registry.mediaaccount",
        str(account.pk),
        account.name,
    )
    entry.unit_id, entry.region_path = owner.pk, index.regions[owner.region_id].path
    return entry
