"""Listing thumbnails, so a phone on 3G does not fetch full-size photos for a list.

Thumbnails are cached by the hash of the source bytes: an unchanged photo is
never re-encoded, and the same photo gives the same bytes on every build.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath

from PIL import Image, ImageOps

from cchc.core.diskcache import cached, key

THUMB_WIDTH = 480
_VERSION = b"thumb-v1"  # change when the encoding below changes


@dataclass(frozen=True)
class Thumbnail:
    src_uri: str  # where it is published
    source: Path
    size: tuple[int, int]


def thumbnail_uri(image_uri: str) -> str:
    path = PurePosixPath(image_uri)
    return str(path.with_name(f"{path.stem}.nho.jpg"))


def thumbnail_size(size: tuple[int, int]) -> tuple[int, int]:
    width, height = size
    if width <= THUMB_WIDTH:
        return size
    return THUMB_WIDTH, max(1, round(height * THUMB_WIDTH / width))


def render_thumbnail(source: Path, cache_dir: Path) -> Path:
    """The cached thumbnail of ``source`` (made on first use)."""
    data = source.read_bytes()
    return cached(cache_dir / f"{key(_VERSION, data)}.jpg", lambda: _shrink(data))


def _shrink(data: bytes) -> bytes:
    with Image.open(BytesIO(data)) as picture:
        picture = ImageOps.exif_transpose(picture).convert("RGB")
        picture = picture.resize(thumbnail_size(picture.size), Image.Resampling.LANCZOS)
        out = BytesIO()
        picture.save(out, "JPEG", quality=78, optimize=True, progressive=True)
    return out.getvalue()
