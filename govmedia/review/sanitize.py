"""Draft bodies: sanitised rich text on save, plain text for the risk check and for matching.

A body is HTML from the editor or plain text typed into the box. Either way only a small
set of tags survives (no script, no style, no iframe, no event handlers, no ``javascript:``
links): ``nh3`` (the ammonia sanitiser) decides, not a regular expression.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "h2", "h3", "h4",
    "ul", "ol", "li", "blockquote", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    "span", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_BLOCKS = {"p", "br", "h2", "h3", "h4", "li", "blockquote", "tr", "hr", "table", "ul", "ol"}


def clean_body(raw: str) -> str:
    """The body as safe HTML; plain text becomes paragraphs."""
    raw = (raw or "").replace("\r\n", "\n").strip()
    if not raw:
        return ""
    if not _TAG.search(raw):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", raw) if p.strip()]
        return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.alts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt:
                self.alts.append(alt)
        if tag in _BLOCKS and self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCKS and self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def image_alts(body_html: str) -> list[str]:
    """The alternative texts of the pictures in a body, which are published too."""
    parser = _Text()
    parser.feed(body_html or "")
    parser.close()
    return parser.alts


def body_text(body_html: str) -> str:
    """The readable text of a (clean) body, one line per paragraph."""
    parser = _Text()
    parser.feed(body_html or "")
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    return "\n".join(line for line in lines if line)


_ANY_TAG = re.compile(r"</?([a-zA-Z0-9]+)[^>]*>")


def editable_body(body_html: str) -> str:
    """What the editor's box shows: plain lines when the body is only paragraphs, else the HTML."""
    tags = {t.lower() for t in _ANY_TAG.findall(body_html or "")}
    if tags <= {"p"}:
        return body_text(body_html)
    return body_html


_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Text reduced for comparison: NFKC, no markup, no spaces or punctuation, lower case."""
    if _TAG.search(text or ""):
        text = body_text(text)
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "")).lower()
