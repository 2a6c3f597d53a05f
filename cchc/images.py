"""Listing thumbnails, so a phone on 3G does not fetch full-size photos for a list.

Thumbnails are cached by the hash of the source bytes: an unchanged photo is
never re-encoded, and the same photo gives the same bytes on every build.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath

from PIL import Image, ImageOps

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


def render_thumbnail(source: Path, cache_dir: Path) -> bytes:
    data = source.read_bytes()
    key = hashlib.sha256(_VERSION + data).hexdigest()[:24]
    cached = cache_dir / f"{key}.jpg"
    if cached.is_file():
        return cached.read_bytes()
    with Image.open(BytesIO(data)) as picture:
        picture = ImageOps.exif_transpose(picture).convert("RGB")
        picture = picture.resize(thumbnail_size(picture.size), Image.Resampling.LANCZOS)
        out = BytesIO()
        picture.save(out, "JPEG", quality=78, optimize=True, progressive=True)
    result = out.getvalue()
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(result)
    partial.replace(cached)  # atomic: a parallel build never reads half a file
    return result
