"""Listing thumbnails, so a phone on 3G does not fetch full-size photos for a list.

Thumbnails are cached by the hash of the source bytes: an unchanged photo is
never re-encoded, and the same photo gives the same bytes on every build.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath

from PIL import Image, ImageOps

from cchc.core.diskcache import cached, key
from cchc.render.drawing import Job

THUMB_WIDTH = 480
_VERSION = b"thumb-v2"  # change when the encoding below changes
# Larger than any phone camera takes. Beyond it an image is a scan at an absurd resolution
# or a decompression bomb (a few kilobytes of PNG that decode to gigabytes), and decoding
# it for a thumbnail could take the build machine's memory.
MAX_PIXELS = 50_000_000
_EXIF_ORIENTATION = 0x0112


class ImageProblem(ValueError):
    """An image that cannot be published; the message is for the editor."""


def image_size(path: Path, name: str) -> tuple[int, int]:
    """Width and height as shown (phone photos are often stored sideways with an EXIF turn).

    Reads the header only, and refuses an image over MAX_PIXELS before anything decodes it.
    ``name`` is the image as the editor wrote it; raises ImageProblem.
    """
    try:
        with _opened(path, name) as picture:
            size = picture.size
            # A PNG whose EXIF is not in its header would be decoded whole to find it.
            if (picture.format != "PNG" or "exif" in picture.info) and \
                    picture.getexif().get(_EXIF_ORIENTATION) in (5, 6, 7, 8):
                size = size[::-1]
    except ImageProblem:
        raise
    except Exception:  # a malformed header trips anything: struct.error, SyntaxError, IndexError…
        raise ImageProblem(f"tệp “{name}” không phải ảnh JPEG, PNG hay WebP đọc được") from None
    return size


@contextmanager
def _opened(source: Path | BytesIO, name: str) -> Iterator[Image.Image]:
    """The image with only its header read, refused if it is too large to decode."""
    with warnings.catch_warnings():
        # Pillow warns above its own limit (89 megapixels); ours is lower and says why.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            picture = Image.open(source)
        except Image.DecompressionBombError:  # past twice Pillow's limit: refused before ours could look
            raise ImageProblem(_too_large(name, "")) from None
    with picture:
        _refuse_large(picture.size, name)
        yield picture


def _refuse_large(size: tuple[int, int], name: str) -> None:
    width, height = size
    if width * height > MAX_PIXELS:
        raise ImageProblem(_too_large(name, f"{width}×{height} điểm ảnh, "))


def _too_large(name: str, dimensions: str) -> str:
    return (f"ảnh “{name}” quá lớn ({dimensions}tối đa {MAX_PIXELS // 1_000_000} megapixel); "
            "hãy thu nhỏ ảnh, ví dụ còn chiều rộng 1600 điểm ảnh, rồi lưu lại")


@dataclass(frozen=True)
class Thumbnail:
    src_uri: str  # where it is published
    source: Path
    size: tuple[int, int]


def thumbnail_uri(image_uri: str) -> str:
    path = PurePosixPath(image_uri)
    return str(path.with_name(f"{path.stem}.nho.jpg"))


def thumbnail_size(size: tuple[int, int]) -> tuple[int, int]:
    """16:9 at most THUMB_WIDTH wide: the listing shows its photos 16:9, cut from the middle (site.css,
    object-fit: cover), so the rest of a phone's upright photo was two thirds of its bytes, never seen."""
    width, height = _crop(size)
    if width <= THUMB_WIDTH:
        return width, height
    return THUMB_WIDTH, max(1, round(height * THUMB_WIDTH / width))


def _crop(size: tuple[int, int]) -> tuple[int, int]:
    """The largest 16:9 part of an image of ``size``."""
    width, height = size
    if width * 9 > height * 16:
        return max(1, round(height * 16 / 9)), height
    return width, max(1, round(width * 9 / 16))


def render_thumbnail(source: Path, cache_dir: Path) -> Path:
    """The cached thumbnail of ``source`` (made on first use); raises ImageProblem for a broken image."""
    data = source.read_bytes()
    return cached(_path(data, cache_dir), lambda: _shrink(data, source.name))


def thumbnail_job(source: Path, cache_dir: Path) -> Job:
    """Where the thumbnail of ``source`` is cached, and how a worker of the build's pool makes it
    (cchc.render.drawing); the photo is read here once, for its name, and again by the worker."""
    return Job("thumbnail", _path(source.read_bytes(), cache_dir), render_thumbnail, (source, cache_dir))


def _path(data: bytes, cache_dir: Path) -> Path:
    return cache_dir / f"{key(_VERSION, data)}.jpg"


def _shrink(data: bytes, name: str) -> bytes:
    with _opened(BytesIO(data), name) as picture:  # loading the post checked the size; a bomb never decodes regardless
        try:
            picture = ImageOps.exif_transpose(picture).convert("RGB")
        except Exception:  # a sound header over cut-off data (an interrupted upload): only decoding finds it
            raise ImageProblem(f"ảnh “{name}” bị hỏng: đọc được phần đầu nhưng không đọc hết được; "
                               "hãy mở ảnh bằng chương trình xem ảnh và lưu lại") from None
        # The middle, as the listing's CSS shows it (object-position: 50% 50%).
        picture = ImageOps.fit(picture, thumbnail_size(picture.size), Image.Resampling.LANCZOS, centering=(0.5, 0.5))
        out = BytesIO()
        picture.save(out, "JPEG", quality=78, optimize=True, progressive=True)
    return out.getvalue()
