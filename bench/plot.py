"""A small line chart as PNG (Pillow only), for docs/performance.md."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
COLOURS = ["#b22222", "#1f4e8c", "#d97706", "#1a7f37"]


def _font(size: int):
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:  # without fonts-noto-cjk the labels fall back to Pillow's own font
        return ImageFont.load_default()


def line_chart(
    path: Path, title: str, xlabel: str, ylabel: str, series: dict[str, list[tuple[float, float]]]
) -> None:
    width, height, left, right, top, bottom = 900, 540, 90, 30, 60, 70
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    xs = [x for points in series.values() for x, _ in points]
    ys = [y for points in series.values() for _, y in points]
    x_max, y_max = max(xs) * 1.05, max(ys) * 1.15

    def at(x: float, y: float) -> tuple[float, float]:
        return left + x / x_max * (width - left - right), height - bottom - y / y_max * (
            height - top - bottom
        )

    draw.text((left, 18), title, fill="#222", font=_font(22))
    draw.line([at(0, 0), at(x_max, 0)], fill="#888", width=2)
    draw.line([at(0, 0), at(0, y_max)], fill="#888", width=2)
    for i in range(6):
        y = y_max * i / 5
        draw.line([at(0, y), at(x_max, y)], fill="#eee")
        draw.text((10, at(0, y)[1] - 8), f"{y:.1f}", fill="#555", font=_font(14))
    for x in sorted(set(xs)):
        draw.text((at(x, 0)[0] - 20, height - bottom + 8), f"{x:,.0f}", fill="#555", font=_font(14))
    draw.text((width // 2 - 60, height - 32), xlabel, fill="#333", font=_font(16))
    draw.text((10, top - 28), ylabel, fill="#333", font=_font(16))
    for n, (name, points) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        coords = [at(x, y) for x, y in sorted(points)]
        draw.line(coords, fill=colour, width=3)
        for cx, cy in coords:
            draw.ellipse([cx - 5, cy - 5, cx + 5, cy + 5], fill=colour)
        draw.text((width - 260, top + 24 * n), f"— {name}", fill=colour, font=_font(16))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
