"""Demo filings for 示例市: the chains from data/demo_chains.yaml. Idempotent."""

from __future__ import annotations

from govmedia.filings.chains import DEMO_CHAINS, load_chains
from govmedia.registry.models import Region


def build_demo_filings() -> str:
    if not Region.objects.filter(name="青山县").exists():
        return "备案审批流程：演示地区不存在，跳过。"
    chains = load_chains(DEMO_CHAINS)
    return f"备案审批流程：已配置 {len(chains)} 个地区（{'、'.join(c.region.name for c in chains)}）。"
