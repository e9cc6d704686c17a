"""外部链接: URLs to domains outside the allow-list — short links (destination unknown before
publishing), commercial or unknown sites. Offline: nothing is fetched.

001_…txt and 004_…txt (内容规范): “不得刊登商业广告或链接商业广告页面”.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..hit import Hit
from .base import BaseChecker, Document

SOURCE = "政务新媒体不得刊登商业广告或链接商业广告页面（001_…txt 第二十二条；004_…txt 内容规范）"
_TLDS = "com|cn|net|org|info|top|xyz|cc|io|me|ly|gl|gd|tv|co|vip|shop|club|site|online|app|link|im|gg"
_URL = re.compile(
    r"(?:https?://|www\.)[A-Za-z0-9.\-]+(?::\d+)?(?:[/?#][!#$%&'*+,\-./0-9:;=?@A-Z_a-z~]*)?"
    rf"|(?<![A-Za-z0-9@.\-])(?:[A-Za-z0-9\-]+\.)+(?:{_TLDS})(?![A-Za-z0-9\-])(?:/[!#$%&'*+,\-./0-9:;=?@A-Z_a-z~]*)?",
    re.IGNORECASE,
)
#: a cheap probe: a dot followed by an ASCII letter (a literal first character: fast search)
_PROBE = re.compile(r"\.(?=[A-Za-z])")
#: a run of characters that can belong to a URL, around a probe
_TOKEN = re.compile(r"[!#$%&'*+,\-./0-9:;=?@A-Z_a-z~]+")
_URL_CHARS = frozenset("!#$%&'*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~")


class LinkChecker(BaseChecker):
    name = "外部链接"
    category = "link"
    elements = ("legal",)

    def check(self, doc: Document) -> Iterable[Hit]:
        text = doc.text
        if "." not in text:
            return
        done = -1
        for probe in _PROBE.finditer(text):
            if probe.start() < done:
                continue
            left = probe.start()
            while left > 0 and text[left - 1] in _URL_CHARS:
                left -= 1
            done = _TOKEN.match(text, left).end()
            yield from self._urls(doc, text, left, done)

    def _urls(self, doc: Document, text: str, left: int, right: int) -> Iterable[Hit]:
        for m in _URL.finditer(text, left, right):
            url = m.group().rstrip(".,;:!?)'")
            host = (
                re.sub(r"^(?:https?://)?", "", url, flags=re.I)
                .split("/")[0]
                .split("?")[0]
                .split(":")[0]
                .lower()
            )
            if "." not in host or host.replace(".", "").isdigit():
                continue
            bare = host[4:] if host.startswith("www.") else host
            if self.sources.domain_allowed(host):
                continue
            short = self.sources.is_short_link(bare)
            yield Hit(
                start=m.start(),
                end=m.start() + len(url),
                text=url,
                category="link",
                rule="link.short" if short else "link.unlisted_domain",
                severity="error" if short else "warning",
                element="legal",
                suggestion=(
                    "不使用短链接（发布前无法确认指向），请改用原始的政府网站或权威媒体链接"
                    if short
                    else f"域名“{bare}”不在白名单内，请核实是否为商业或不明网站，确需使用请由主管单位加入白名单"
                ),
                source=SOURCE,
            )
