"""Indicator sets as data: parse and validate a YAML file, load it as a new version.

The file shape is issue 6's: ``code``, ``name``, ``source``, ``bonus_threshold`` and the
lists ``veto``, ``deductions`` and ``bonus`` of ``{code, name, check, params, points, cap}``.
Unknown checks, missing points and duplicate codes are refused with a Chinese message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from govmedia.core.audit import audit
from govmedia.supervision.models import Indicator, IndicatorKind, IndicatorSet

BUILTIN_DIR = Path(__file__).resolve().parent / "indicator_sets"
SECTIONS = {"veto": IndicatorKind.VETO, "deductions": IndicatorKind.DEDUCTION, "bonus": IndicatorKind.BONUS}


class IndicatorSetError(ValueError):
    """The file is not a valid indicator set; the message says where, in Chinese."""


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    name: str
    kind: str
    check: str
    params: dict = field(default_factory=dict)
    points: float = 0
    cap: float | None = None


@dataclass(frozen=True)
class IndicatorSetDef:
    code: str
    name: str
    source: str
    bonus_threshold: float
    indicators: tuple[IndicatorDef, ...]

    def as_comparable(self) -> tuple:
        return (
            self.name,
            self.source,
            self.bonus_threshold,
            tuple(_freeze(i.__dict__) for i in self.indicators),
        )


def _freeze(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def parse(text: str) -> IndicatorSetDef:
    """The set described by the YAML text, validated against the known checks."""
    from govmedia.supervision.checks import CHECKS

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise IndicatorSetError(f"指标体系文件不是有效的 YAML：{exc}") from None
    if not isinstance(data, dict):
        raise IndicatorSetError("指标体系文件应为键值结构（code、name、source、veto、deductions、bonus）")
    for key in ("code", "name", "source"):
        if not str(data.get(key) or "").strip():
            raise IndicatorSetError(f"指标体系缺少“{key}”")
    try:
        threshold = float(data.get("bonus_threshold", 70))
    except (TypeError, ValueError):
        raise IndicatorSetError("bonus_threshold（进入加分环节的分数线）应为数字") from None
    indicators: list[IndicatorDef] = []
    seen: set[str] = set()
    for section, kind in SECTIONS.items():
        items = data.get(section) or []
        if not isinstance(items, list):
            raise IndicatorSetError(f"“{section}”应为列表")
        for n, item in enumerate(items, start=1):
            where = f"“{section}”第{n}项"
            if not isinstance(item, dict):
                raise IndicatorSetError(f"{where}应为键值结构")
            code = str(item.get("code") or "").strip()
            name = str(item.get("name") or "").strip()
            check = str(item.get("check") or "").strip()
            if not code or not name or not check:
                raise IndicatorSetError(f"{where}缺少 code、name 或 check")
            if code in seen:
                raise IndicatorSetError(f"{where}：指标代码“{code}”重复")
            seen.add(code)
            if check not in CHECKS:
                raise IndicatorSetError(
                    f"{where}：未知的检查方法“{check}”（可用：{'、'.join(sorted(CHECKS))}）"
                )
            params = item.get("params") or {}
            if not isinstance(params, dict):
                raise IndicatorSetError(f"{where}：params 应为键值结构")
            points, cap = 0.0, None
            if kind != IndicatorKind.VETO:
                try:
                    points = float(item["points"])
                    cap = float(item["cap"]) if item.get("cap") is not None else None
                except (KeyError, TypeError, ValueError):
                    raise IndicatorSetError(f"{where}：扣分、加分指标须有数字 points（可选 cap）") from None
                if points < 0 or (cap is not None and cap < 0):
                    raise IndicatorSetError(f"{where}：points 和 cap 不能为负数")
            try:
                CHECKS[check].validate(params)
            except (TypeError, ValueError, KeyError, re.error) as exc:
                raise IndicatorSetError(f"{where}：参数有误（{exc}）") from None
            indicators.append(
                IndicatorDef(
                    code,
                    name,
                    kind,
                    check,
                    params,
                    _number(points),
                    _number(cap) if cap is not None else None,
                )
            )
    return IndicatorSetDef(
        code=str(data["code"]).strip(),
        name=str(data["name"]).strip(),
        source=str(data["source"]).strip(),
        bonus_threshold=_number(threshold),
        indicators=tuple(indicators),
    )


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def definition_of(indicator_set: IndicatorSet) -> IndicatorSetDef:
    return IndicatorSetDef(
        code=indicator_set.code,
        name=indicator_set.name,
        source=indicator_set.source,
        bonus_threshold=_number(indicator_set.bonus_threshold),
        indicators=tuple(
            IndicatorDef(
                i.code,
                i.name,
                i.kind,
                i.check_name,
                i.params,
                _number(i.points),
                _number(i.cap) if i.cap is not None else None,
            )
            for i in indicator_set.indicators.order_by("order")
        ),
    )


def load_text(text: str, *, acting_user=None) -> tuple[IndicatorSet, bool]:
    """Store the set as a new version unless the current version is the same; (set, created)."""
    definition = parse(text)
    with transaction.atomic():
        current = IndicatorSet.objects.filter(code=definition.code, is_current=True).first()
        if current is not None and definition_of(current).as_comparable() == definition.as_comparable():
            return current, False
        last = IndicatorSet.objects.filter(code=definition.code).order_by("-version").first()
        IndicatorSet.objects.filter(code=definition.code).update(is_current=False)
        created = IndicatorSet.objects.create(
            code=definition.code,
            version=(last.version + 1) if last else 1,
            name=definition.name,
            source=definition.source,
            bonus_threshold=definition.bonus_threshold,
            yaml_text=text,
            is_current=True,
            loaded_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        Indicator.objects.bulk_create(
            Indicator(
                indicator_set=created,
                code=i.code,
                name=i.name,
                kind=i.kind,
                check_name=i.check,
                params=i.params,
                points=i.points,
                cap=i.cap,
                order=n,
            )
            for n, i in enumerate(definition.indicators)
        )
        audit(
            acting_user,
            "indicator_set.loaded",
            created,
            after={"code": created.code, "version": created.version},
        )
    return created, True


def load_file(path: str | Path, *, acting_user=None) -> tuple[IndicatorSet, bool]:
    return load_text(Path(path).read_text(encoding="utf-8"), acting_user=acting_user)


def builtin_files() -> list[Path]:
    return sorted(BUILTIN_DIR.glob("*.yaml"))


def resolve(code_or_file: str, *, acting_user=None) -> IndicatorSet:
    """A file path is loaded; a code gives the current version, loading the built-in file if needed."""
    path = Path(code_or_file)
    if path.suffix in {".yaml", ".yml"} or path.is_file():
        if not path.is_file():
            raise IndicatorSetError(f"找不到指标体系文件：{code_or_file}")
        return load_file(path, acting_user=acting_user)[0]
    current = IndicatorSet.objects.filter(code=code_or_file, is_current=True).first()
    if current is not None:
        return current
    builtin = BUILTIN_DIR / f"{code_or_file}.yaml"
    if builtin.is_file():
        return load_file(builtin, acting_user=acting_user)[0]
    raise IndicatorSetError(f"没有代码为“{code_or_file}”的指标体系")
