"""Does a collected post carry out a directive? Link, title similarity, or the source's text fingerprint.

Pure functions over plain strings so they can be tested on labelled pairs.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

TITLE_THRESHOLD = 0.8
FINGERPRINT_THRESHOLD = 0.5
SHINGLE = 8

_REPOST_MARKS = re.compile(r"^(?:【?(?:转载|转发|转|推荐|关注|重磅|权威发布|速看)】?[：:\s|｜]*)+")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normal_url(url: str) -> str:
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = "&".join(
        sorted(q for q in parts.query.split("&") if q and not q.startswith(("chksm", "scene", "from")))
    )
    return f"{host}{parts.path.rstrip('/')}?{query}"


def normal_title(title: str) -> str:
    return _NOISE.sub("", _REPOST_MARKS.sub("", (title or "").strip()))


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)] or ([text] if text else [])


def title_similarity(a: str, b: str) -> float:
    """Dice coefficient over character bigrams of the cleaned titles; 1.0 if one contains the other."""
    a, b = normal_title(a), normal_title(b)
    if not a or not b:
        return 0.0
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 8 and shorter in longer:
        return 1.0
    x, y = _bigrams(a), _bigrams(b)
    common = sum(min(x.count(g), y.count(g)) for g in set(x))
    return 2 * common / (len(x) + len(y))


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    clean = _NOISE.sub("", text or "")
    return {clean[i : i + size] for i in range(0, max(len(clean) - size + 1, 0))}


def fingerprint_containment(source_text: str, post_text: str) -> float:
    """Share of the source's 8-character shingles found in the post (a repost keeps most of them)."""
    source = shingles(source_text)
    if len(source) < 5:
        return 0.0
    return len(source & shingles(post_text)) / len(source)


def keywords_present(keywords: str, text: str) -> bool:
    words = [w.strip() for w in re.split(r"[,，、;；\s]+", keywords or "") if w.strip()]
    return bool(words) and all(w in text for w in words)


def match(directive, post) -> tuple[str, float] | None:
    """(method, score) when the post fulfils the directive, else None."""
    kind = directive.kind
    if kind == "info":
        return None
    if kind == "repost":
        source = normal_url(directive.source_url)
        if source and (normal_url(post.url) == source or directive.source_url.strip() in (post.body or "")):
            return "url", 1.0
        score = title_similarity(directive.title, post.title)
        if score >= TITLE_THRESHOLD:
            return "title", round(score, 3)
        containment = fingerprint_containment(directive.text, post.body)
        if containment >= FINGERPRINT_THRESHOLD:
            return "fingerprint", round(containment, 3)
        return None
    # original coverage: the account's own piece, found by its keywords (or a near-identical title)
    if not post.is_original:
        return None
    if keywords_present(directive.keywords, f"{post.title}\n{post.body}"):
        return "keywords", 1.0
    score = title_similarity(directive.title, post.title)
    return ("title", round(score, 3)) if score >= TITLE_THRESHOLD else None
