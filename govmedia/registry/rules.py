"""The registry's rules, checked on every save and every import row.

Each rule returns ``Problem`` objects with a Chinese message; an ``error`` blocks the save,
a ``warning`` is shown and recorded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from govmedia.registry.models import AccountStatus, Region, RegionLevel, Unit

# 004_…txt §7.1.2: "单位内设处(室)和个人，均不得作为政务新媒体的账号主体或认证主体".
# 办公室 is a unit of its own (政府办公室), so 室 counts only when it is not 办公室.
_INTERNAL_OFFICE = re.compile(r"(科|股|处|(?<!办公)室|中队|小组|组)$")
_PERSON_NAME = re.compile(r"^[\u4e00-\u9fa5]{2,4}$")
_UNIT_SUFFIX = re.compile(
    r"(政府|委员会|管委会|办公室|局|厅|委|办|院|所|中心|站|街道|镇|乡|县|区|市|队|会|馆|台|社|部|署|司|校|学|行|园)$"
)
_REGION_SUFFIX = re.compile(r"(特别行政区|自治区|自治州|自治县|新区|省|市|县|区|旗|盟|州)$")
COUNTY_OR_HIGHER = {RegionLevel.NATIONAL, RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY}


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    level: str = "error"  # "error" blocks; "warning" is shown

    @property
    def is_error(self) -> bool:
        return self.level == "error"


def owner_problems(unit_name: str, unit_kind: str = "") -> list[Problem]:
    """An internal office (科、处、室) or a person cannot own an account (004_…txt §7.1.2)."""
    name = unit_name.strip()
    if _INTERNAL_OFFICE.search(name):
        return [Problem("owner", f"“{name}”像是单位内设处（室），内设机构不得作为账号主体（004 §7.1.2）")]
    if _PERSON_NAME.match(name) and not _UNIT_SUFFIX.search(name):
        return [Problem("owner", f"“{name}”像是个人姓名，个人不得作为账号主体（004 §7.1.2）")]
    return []


def region_name_forms(regions: Iterable[Region]) -> set[str]:
    """Full and short names (示例市 → 示例) of the county-or-higher regions given."""
    forms: set[str] = set()
    for region in regions:
        if region.level not in COUNTY_OR_HIGHER:
            continue
        forms.add(region.name)
        short = _REGION_SUFFIX.sub("", region.name)
        if len(short) >= 2:
            forms.add(short)
    return forms


def naming_problems(account_name: str, region_forms: set[str]) -> list[Problem]:
    """The name must carry a county-or-higher region's name (001_…txt 第十一条)."""
    if region_forms and not any(form in account_name for form in region_forms):
        example = min(region_forms, key=len)
        return [
            Problem(
                "name",
                f"账号名称“{account_name}”未体现县级以上行政区域名称（如“{example}”）（001 第十一条）",
                "warning",
            )
        ]
    return []


def duplicate_platform_problems(
    account_name: str, platform_label: str, others_on_platform: list[str], reason: str
) -> list[Problem]:
    """One account per unit per platform, unless a reason is stated (001_…txt 第十条)."""
    if not others_on_platform:
        return []
    others = "、".join(others_on_platform[:3])
    if reason.strip():
        return [
            Problem(
                "duplicate_reason", f"该单位在{platform_label}已有账号（{others}），理由：{reason}", "warning"
            )
        ]
    return [
        Problem(
            "duplicate_reason",
            f"该单位在{platform_label}已有账号（{others}），原则上一个单位同一平台只开设一个账号，"
            f"如确需开设请填写理由（001 第十条）",
            "warning",
        )
    ]


def consistency_problems(account_name: str, other_names: Iterable[str]) -> list[Problem]:
    """Names on different platforms should match (001_…txt 第十一条)."""
    differing = sorted({n for n in other_names if n != account_name})
    if differing:
        return [
            Problem(
                "name",
                f"与本单位其他平台账号名称不一致（{'、'.join(differing[:3])}），原则上应保持一致（001 第十一条）",
                "warning",
            )
        ]
    return []


def account_problems(account, *, require_reason: bool = True) -> list[Problem]:
    """All rules for one account as it is about to be saved (from a form or the admin)."""
    from govmedia.registry.models import MediaAccount

    unit: Unit = account.owner
    problems = owner_problems(unit.name)
    problems += naming_problems(account.name, region_name_forms(unit.region.ancestors()))
    siblings = (
        MediaAccount.objects.filter(owner=unit).exclude(pk=account.pk).exclude(status=AccountStatus.CLOSED)
    )
    same_platform = [a.name for a in siblings if a.platform == account.platform]
    duplicate = duplicate_platform_problems(
        account.name, account.get_platform_display(), same_platform, account.duplicate_reason
    )
    if require_reason and same_platform and not account.duplicate_reason.strip():
        duplicate = [Problem(p.field, p.message, "error") for p in duplicate]
    problems += duplicate
    problems += consistency_problems(
        account.name, [a.name for a in siblings if a.platform != account.platform]
    )
    return problems
