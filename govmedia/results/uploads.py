"""Evidence uploads: images and PDF only, recognised by their bytes, size-limited."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
]


def sniff(head: bytes) -> str | None:
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_evidence(upload) -> str:
    """The content type of an acceptable upload; a Chinese ValidationError otherwise."""
    name = getattr(upload, "name", "文件")
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(f"佐证材料“{name}”超过 5 MB，请压缩后再上传")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    kind = sniff(data[:16])
    if kind is None:
        raise ValidationError(f"佐证材料“{name}”不是图片（PNG/JPEG/GIF/WebP）或 PDF 文件")
    if kind.startswith("image/"):
        from PIL import Image

        try:
            Image.open(io.BytesIO(data)).verify()
        except Exception:
            raise ValidationError(f"佐证材料“{name}”图片已损坏，无法打开") from None
    elif b"%%EOF" not in data[-1024:]:
        raise ValidationError(f"佐证材料“{name}”PDF 文件不完整")
    return kind
