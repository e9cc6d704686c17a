"""Spot-check samples: stratified by platform and unit, reproducible from a stored seed.

National and provincial checks sample 10–20% of accounts per quarter (indicators.md §4).
The sample size is split over strata in proportion to their size (largest remainder, ties
broken by the seeded generator), then drawn inside each stratum. The same accounts, ratio
and seed always give the same sample.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence

from govmedia.registry.models import MediaAccount


def sample_size(total: int, *, ratio: float | None = None, count: int | None = None) -> int:
    if count is not None:
        return max(0, min(count, total))
    if ratio is None:
        return total
    if not 0 < ratio <= 1:
        raise ValueError("抽查比例应大于0且不超过1")
    return min(total, max(1, math.ceil(total * ratio - 1e-9))) if total else 0


def draw(
    accounts: Sequence[MediaAccount], *, seed: int, ratio: float | None = None, count: int | None = None
) -> list[MediaAccount]:
    """The sampled accounts, in the order given."""
    n = sample_size(len(accounts), ratio=ratio, count=count)
    if n >= len(accounts):
        return list(accounts)
    rng = random.Random(seed)
    strata: dict[tuple[str, int], list[MediaAccount]] = defaultdict(list)
    for account in sorted(accounts, key=lambda a: a.pk):
        strata[(account.platform, account.owner_id)].append(account)
    keys = sorted(strata)
    quotas = {k: n * len(strata[k]) / len(accounts) for k in keys}
    taken = {k: math.floor(q) for k, q in quotas.items()}
    rest = n - sum(taken.values())
    tiebreak = {k: rng.random() for k in keys}
    for k in sorted(keys, key=lambda k: (-(quotas[k] - taken[k]), tiebreak[k]))[:rest]:
        taken[k] += 1
    chosen: set[int] = set()
    for k in keys:
        chosen.update(a.pk for a in rng.sample(strata[k], taken[k]))
    return [a for a in accounts if a.pk in chosen]
