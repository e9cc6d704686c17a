"""Load approval chains from a YAML file (data, not code): see data/demo_chains.yaml."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from govmedia.filings import services
from govmedia.filings.models import ApprovalChain
from govmedia.registry.models import Region, Unit

DEMO_CHAINS = Path(__file__).parent / "data" / "demo_chains.yaml"
RULE_KEYS = {
    "number_pattern",
    "submit_days",
    "open_filing_days",
    "change_filing_days",
    "register_days",
    "preexisting_days",
    "notice_days",
    "effective_from",
    "source",
}


class ChainFileError(ValueError):
    pass


def load_chains(path: Path, *, acting_user=None) -> list[ApprovalChain]:
    """Create or replace each listed region's chain; all or nothing, errors in Chinese."""
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    chains = []
    with transaction.atomic():
        for index, entry in enumerate(entries, start=1):
            where = f"第{index}条（{entry.get('region', '?')}）"
            region = Region.objects.filter(name=entry.get("region")).first()
            if region is None:
                raise ChainFileError(f"{where}：找不到行政区划“{entry.get('region')}”。")
            steps = []
            for step in entry.get("steps") or []:
                approver = step.get("approver")
                unit = None
                if approver != "owner":
                    unit = Unit.objects.filter(name=approver).first()
                    if unit is None:
                        raise ChainFileError(f"{where}：找不到审批单位“{approver}”。")
                steps.append({"name": step["name"], "approver_unit": unit, "days": int(step.get("days", 5))})
            if not steps:
                raise ChainFileError(f"{where}：至少需要一个审批环节。")
            unknown = set(entry) - RULE_KEYS - {"region", "name", "steps"}
            if unknown:
                raise ChainFileError(f"{where}：不认识的设置项 {', '.join(sorted(unknown))}。")
            try:
                entry.get("number_pattern", "{year}{seq}").format(year=2026, seq=1)
            except (KeyError, IndexError, ValueError) as exc:
                raise ChainFileError(f"{where}：备案编号格式有误（{exc}）。") from None
            rules = {k: v for k, v in entry.items() if k in RULE_KEYS}
            chains.append(
                services.do_configure_chain(
                    region, acting_user=acting_user, name=entry["name"], steps=steps, **rules
                )
            )
    return chains
