"""Registry services: the only way accounts and units change, each change audited."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils import timezone

from govmedia.core.audit import audit, snapshot
from govmedia.core.params import as_id, is_id
from govmedia.core.scoping import scoped
from govmedia.registry import rules
from govmedia.registry.models import (
    AccountStatus,
    Contact,
    FollowerCount,
    MediaAccount,
    Platform,
    Region,
    Unit,
)
from govmedia.registry.spreadsheets import (
    ACCOUNT_HEADERS,
    UNIT_HEADERS,
    XLSX_CONTENT_TYPE,
    csv_chunks,
    write_xlsx,
    xlsx_file,
)

EXPORT_CHUNK = 2000  # rows per database fetch while an export streams


class RuleViolation(ValidationError):
    """Blocking rule problems, with their Chinese messages per field."""

    def __init__(self, problems: list[rules.Problem]):
        self.problems = problems
        super().__init__({p.field: [p.message] for p in problems})


def visible_accounts(user) -> QuerySet[MediaAccount]:
    return scoped(MediaAccount.objects.select_related("owner", "owner__region", "operator"), user)


def visible_units(user) -> QuerySet[Unit]:
    return scoped(Unit.objects.select_related("region", "parent"), user)


def visible_regions(user) -> QuerySet[Region]:
    units = visible_units(user)
    return Region.objects.filter(Q(units__in=units)).distinct().order_by("path")


def unit_choices(user, *, region: str = "", limit: int = 300) -> list[Unit] | None:
    """Units for a filter dropdown: those of the chosen region's subtree; None when there are too many."""
    units = visible_units(user).select_related(None).only("id", "name").order_by("name")
    region_id = as_id(region)
    if region_id is not None:
        path = Region.objects.filter(pk=region_id).values_list("path", flat=True).first() or "-"
        units = units.filter(region__path__startswith=path)
    chosen = list(units[: limit + 1])
    return None if len(chosen) > limit else chosen


def public_accounts() -> QuerySet[MediaAccount]:
    """What the public matrix shows: accounts in operation, without contacts."""
    return MediaAccount.objects.filter(
        status__in=[AccountStatus.ACTIVE, AccountStatus.PAUSED]
    ).select_related("owner", "owner__region")


def public_regions() -> QuerySet[Region]:
    return Region.objects.filter(level__in=["city", "county"]).order_by("path")


def filter_accounts(
    accounts: QuerySet[MediaAccount],
    *,
    region: str = "",
    unit: str = "",
    platform: str = "",
    status: str = "",
    q: str = "",
) -> QuerySet[MediaAccount]:
    """The matrix filters; unknown values select nothing rather than failing."""
    if is_id(region):
        region_obj = Region.objects.filter(pk=region).only("path").first()
        accounts = (
            accounts.filter(owner__region__path__startswith=region_obj.path)
            if region_obj
            else accounts.none()
        )
    if is_id(unit):
        accounts = accounts.filter(owner_id=int(unit))
    if platform:
        accounts = accounts.filter(platform=platform)
    if status:
        accounts = accounts.filter(status=status)
    if q:
        accounts = accounts.filter(
            Q(name__icontains=q) | Q(platform_uid__icontains=q) | Q(owner__name__icontains=q)
        )
    return accounts


def matrix_summary(accounts: QuerySet[MediaAccount]) -> dict:
    by_platform = dict(accounts.order_by().values_list("platform").annotate(n=Count("id")))
    by_status = dict(accounts.order_by().values_list("status").annotate(n=Count("id")))
    labels = dict(Platform.choices)
    return {
        "total": sum(by_status.values()),
        "active": by_status.get(AccountStatus.ACTIVE, 0),
        "platforms": [(labels[p], n) for p, n in sorted(by_platform.items(), key=lambda x: -x[1])],
        "statuses": [(AccountStatus(s).label, n) for s, n in by_status.items()],
    }


def account_counts_by_owner(accounts: QuerySet[MediaAccount]) -> dict[int, int]:
    return dict(accounts.order_by().values_list("owner_id").annotate(n=Count("id")))


def account_problems(account: MediaAccount) -> list[rules.Problem]:
    return rules.account_problems(account, require_reason=False)


def do_save_account(
    account: MediaAccount, *, acting_user, contacts: dict[str, dict] | None = None
) -> MediaAccount:
    """Create or change an account after checking every rule; warnings are returned on the object."""
    problems = rules.account_problems(account)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise RuleViolation(errors)
    with transaction.atomic():
        before = None
        if account.pk:
            before = snapshot(MediaAccount.objects.get(pk=account.pk))
            followers_before = (
                MediaAccount.objects.filter(pk=account.pk).values_list("followers", flat=True).first()
            )
        else:
            followers_before = None
        account.save()
        if followers_before != account.followers:
            FollowerCount.objects.update_or_create(
                account=account, date=timezone.localdate(), defaults={"followers": account.followers}
            )
        for role, values in (contacts or {}).items():
            if values.get("name"):
                Contact.objects.update_or_create(account=account, role=role, defaults=values)
            else:
                Contact.objects.filter(account=account, role=role).delete()
        audit(
            acting_user,
            "registry.account_updated" if before else "registry.account_created",
            account,
            before=before,
            after=snapshot(account),
        )
    account.warnings = [p for p in problems if not p.is_error]
    return account


def do_save_unit(unit: Unit, *, acting_user) -> Unit:
    with transaction.atomic():
        before = snapshot(Unit.objects.get(pk=unit.pk)) if unit.pk else None
        unit.save()
        audit(
            acting_user,
            "registry.unit_updated" if before else "registry.unit_created",
            unit,
            before=before,
            after=snapshot(unit),
        )
    return unit


def account_rows(accounts: QuerySet[MediaAccount]) -> Iterator[list[object]]:
    """Rows for the export, in the import's column order, so an export re-imports unchanged.

    A generator over one query (the head contact joined in), read in chunks: 100k accounts stream.
    """
    platforms, statuses = dict(Platform.choices), dict(AccountStatus.choices)
    content_types = dict(MediaAccount._meta.get_field("content_type").flatchoices)
    values = accounts.annotate(
        head=FilteredRelation("contacts", condition=Q(contacts__role=Contact.Role.HEAD))
    ).values_list(
        "name",
        "platform",
        "platform_uid",
        "owner__name",
        "operator__name",
        "opened_on",
        "status",
        "content_type",
        "has_interaction",
        "head__name",
        "head__mobile",
        "followers",
        "url",
    )
    for row in values.iterator(chunk_size=EXPORT_CHUNK):
        name, platform, uid, owner, operator, opened_on, status, content_type = row[:8]
        has_interaction, head_name, head_mobile, followers, url = row[8:]
        yield [
            name,
            platforms.get(platform, platform),
            uid,
            owner,
            operator or "",
            opened_on.strftime("%Y-%m-%d") if opened_on else "",
            statuses.get(status, status),
            content_types.get(content_type, content_type),
            "有" if has_interaction else "无",
            head_name or "",
            head_mobile or "",
            followers,
            url,
        ]


def unit_rows(units: QuerySet[Unit]) -> Iterator[list[object]]:
    kinds = dict(Unit._meta.get_field("kind").flatchoices)
    groups = dict(Unit._meta.get_field("assessment_group").flatchoices)
    values = units.values_list(
        "name", "parent__name", "kind", "region__name", "assessment_group", "contact_name", "contact_phone"
    )
    for name, parent, kind, region, group, contact_name, contact_phone in values.iterator(
        chunk_size=EXPORT_CHUNK
    ):
        yield [
            name,
            parent or "",
            kinds.get(kind, kind),
            region,
            groups.get(group, group) if group else "",
            contact_name,
            contact_phone,
        ]


TEMPLATE_NOTES = {
    "accounts": [
        "账号导入说明（第一行表头请勿修改）：",
        "平台：微信公众号、微信服务号、微信订阅号、视频号、小程序、微博、抖音、今日头条、快手、百家号、移动客户端、其他",
        "状态：正常、暂停更新、已关停、已注销；内容类型：图文、视频；互动功能：有、无",
        "开通日期格式 YYYY-MM-DD；主办单位须已在单位表中存在；同一平台的账号ID不可重复",
        "再次导入同一文件不会重复创建：以“平台 + 账号ID”识别同一账号",
    ],
    "units": [
        "单位导入说明（第一行表头请勿修改）：",
        "单位类型：人民政府、管委会、政府办公室、政府部门、乡镇街道、事业单位、其他",
        "行政区划：填写区划名称；上级单位所在区划下没有该名称时自动新建",
        "考核类别：县区、市直部门和单位，或留空；以“单位名称”识别同一单位",
    ],
}


def export_stream(
    kind: str, fmt: str, rows: Iterable[Sequence[object]]
) -> tuple[BinaryIO | Iterator[bytes], str, str]:
    """The export as a rewound temporary .xlsx file, or CSV chunks; rows are consumed as they come."""
    headers = ACCOUNT_HEADERS if kind == "accounts" else UNIT_HEADERS
    title = "账号" if kind == "accounts" else "单位"
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "csv":
        return csv_chunks(headers, rows), f"govmedia-{kind}-{stamp}.csv", "text/csv; charset=utf-8"
    return xlsx_file(title, headers, rows), f"govmedia-{kind}-{stamp}.xlsx", XLSX_CONTENT_TYPE


def export_file(kind: str, fmt: str, rows: Iterable[Sequence[object]]) -> tuple[bytes, str, str]:
    """``export_stream`` read into bytes (small exports, tests)."""
    content, filename, content_type = export_stream(kind, fmt, rows)
    if fmt == "csv":
        return b"".join(content), filename, content_type
    with content:
        return content.read(), filename, content_type


def template_file(kind: str) -> bytes:
    from govmedia.registry.importing import CONTENT_TYPES, PLATFORMS, STATUSES, UNIT_KINDS

    if kind == "accounts":
        choices = {
            "平台": list(PLATFORMS),
            "状态": list(STATUSES),
            "内容类型": list(CONTENT_TYPES),
            "互动功能": ["有", "无"],
        }
        return write_xlsx("账号", ACCOUNT_HEADERS, [], choices, TEMPLATE_NOTES["accounts"])
    return write_xlsx(
        "单位",
        UNIT_HEADERS,
        [],
        {"单位类型": list(UNIT_KINDS), "考核类别": ["县区", "市直部门和单位"]},
        TEMPLATE_NOTES["units"],
    )
