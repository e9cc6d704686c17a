"""Command line: ``python -m govmedia.textcheck [--jsonl] [--as-of YYYY-MM-DD] [FILE]``.

Plain mode prints the text with every hit marked 【…】 and explained in Chinese underneath;
``--jsonl`` treats every input line as one document and prints one JSON object per line:
``{"line": N, "hits": [...]}``. Reads standard input when no FILE is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from .engine import Checker
from .hit import CATEGORIES, ELEMENTS, SEVERITIES, Hit


def mark(text: str, hits: list[Hit]) -> str:
    """The text with hit spans wrapped as 【…】[n]; overlapping hits mark only the first."""
    out, pos = [], 0
    for n, hit in enumerate(hits, 1):
        if hit.start < pos:
            continue
        out.append(text[pos : hit.start])
        out.append(f"【{text[hit.start : hit.end]}】[{n}]")
        pos = hit.end
    out.append(text[pos:])
    return "".join(out)


def explain(hits: list[Hit], text: str) -> list[str]:
    lines = []
    for n, h in enumerate(hits, 1):
        line_no = text.count("\n", 0, h.start) + 1
        lines.append(
            f"[{n}] 第{line_no}行 “{h.text}” {SEVERITIES[h.severity]}｜{CATEGORIES[h.category]}｜"
            f"{ELEMENTS[h.element]}｜规则 {h.rule}\n    建议：{h.suggestion}\n    依据：{h.source}"
        )
    return lines


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{value}”格式应为 YYYY-MM-DD") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m govmedia.textcheck", description="政务新媒体风险辅助识别"
    )
    parser.add_argument("file", nargs="?", help="要检查的文本文件（UTF-8）；省略时读标准输入")
    parser.add_argument("--jsonl", action="store_true", help="每行一篇，每行输出一个 JSON 对象")
    parser.add_argument("--as-of", type=_date, default=None, help="文本所述日期 YYYY-MM-DD")
    args = parser.parse_args(argv)
    if args.file:
        try:
            with open(args.file, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as exc:
            parser.exit(2, f"无法读取文件“{args.file}”（须为 UTF-8 文本）：{exc}\n")
    else:
        text = sys.stdin.read()
    checker = Checker.default()
    out = sys.stdout
    if args.jsonl:
        for n, line in enumerate(text.splitlines(), 1):
            hits = checker.check(line, as_of=args.as_of)
            out.write(json.dumps({"line": n, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False) + "\n")
        return 0
    hits = checker.check(text, as_of=args.as_of)
    out.write(mark(text, hits).rstrip("\n") + "\n\n")
    if not hits:
        out.write("未发现问题。\n")
        return 0
    serious = sum(h.severity == "serious" for h in hits)
    out.write(f"共发现 {len(hits)} 处问题（严重 {serious} 处）：\n")
    out.write("\n".join(explain(hits, text)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
