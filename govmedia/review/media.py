"""Pictures and video attached to drafts: the type is decided by content, never by the file name."""

from __future__ import annotations

import io
from dataclasses import dataclass

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_VIDEO_BYTES = 200 * 1024 * 1024
MAX_IMAGE_PIXELS = 60_000_000
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


class MediaRefused(ValueError):
    """An upload we will not store, with the reason in Chinese."""


@dataclass(frozen=True)
class MediaInfo:
    kind: str  # "image" | "video"
    extension: str


def _video_extension(head: bytes) -> str | None:
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        return "mov" if brand == b"qt  " else "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    return None


def inspect_upload(name: str, data: bytes) -> MediaInfo:
    """What the file really is, or ``MediaRefused`` naming the problem."""
    size = len(data)
    if size == 0:
        raise MediaRefused(f"文件“{name}”是空文件")
    video = _video_extension(data[:16])
    if video:
        if size > MAX_VIDEO_BYTES:
            raise MediaRefused(f"视频“{name}”超过 {MAX_VIDEO_BYTES // 1024 // 1024} MB")
        return MediaInfo("video", video)
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format
            width, height = image.size
            image.verify()
    except Exception:  # Pillow raises many kinds for a file that is not a picture
        raise MediaRefused(
            f"文件“{name}”不是可识别的图片（JPG、PNG、GIF、WEBP）或视频（MP4、MOV、WEBM）"
        ) from None
    if fmt not in IMAGE_FORMATS:
        raise MediaRefused(f"图片“{name}”的格式 {fmt} 不受支持，请使用 JPG、PNG、GIF 或 WEBP")
    if size > MAX_IMAGE_BYTES:
        raise MediaRefused(f"图片“{name}”超过 {MAX_IMAGE_BYTES // 1024 // 1024} MB")
    if width * height > MAX_IMAGE_PIXELS:
        raise MediaRefused(f"图片“{name}”像素过大（{width}×{height}）")
    return MediaInfo("image", IMAGE_FORMATS[fmt])
