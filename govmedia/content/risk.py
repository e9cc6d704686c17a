"""Risk-check hits for posts, tolerant of the text checker not being installed yet."""

from __future__ import annotations

import functools
import logging

logger = logging.getLogger(__name__)


@functools.cache
def _checker():
    try:
        from govmedia.textcheck import Checker
    except Exception:  # the engine may be mid-build in another checkout; posts are re-checked later
        logger.info("govmedia.textcheck unavailable; posts stay unchecked")
        return None
    try:
        return Checker.default()
    except Exception:
        logger.exception("text checker failed to load")
        return None


def reset() -> None:
    """Forget the loaded dictionaries (after they change), so the next check reloads them."""
    _checker.cache_clear()


def check_post_text(title: str, body: str) -> list[dict] | None:
    """The hits as JSON-safe dicts, or None when no checker is available (not the same as no hits)."""
    checker = _checker()
    if checker is None:
        return None
    text = f"{title}\n{body}" if title else body
    try:
        return [hit.to_dict() for hit in checker.check(text)]
    except Exception:
        logger.exception("text check failed")
        return None
