"""QR codes for printed procedure sheets, drawn at build time (segno, offline)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import segno

from cchc.core.diskcache import cached, key
from cchc.render import drawing

_VERSION = "qr-v1"  # change when the drawing options below change


@lru_cache(maxsize=20_000)
def qr_svg(url: str, cache_dir: Path) -> str:
    """Inline SVG (about 2 KB) linking a printed sheet back to the live page.

    Cached by URL: segno is pure Python (≈13 ms a code), a thousand procedures would
    spend most of a build drawing the same codes again; and kept in memory, so a preview
    that plans its procedure pages again reads no file. A code the build's pool is drawing
    (``missing``) is read when the page prints it (drawing.Later), not when it is planned.
    """
    path = _path(url, cache_dir)
    drawn = drawing.take(path)
    if drawn is not None:
        return drawing.Later(lambda: drawn().read_text(encoding="utf-8"))  # type: ignore[return-value]
    return cached(path, lambda: _draw(url)).read_text(encoding="utf-8")


def missing(urls: Iterable[str], cache_dir: Path) -> list[drawing.Job]:
    """The codes of ``urls`` not in the cache yet, for the build's pool (cchc.render.drawing)."""
    jobs = []
    for url in urls:
        path = _path(url, cache_dir)
        if not path.is_file():
            jobs.append(drawing.Job("qr", path, _draw_to_cache, (url, cache_dir)))
    return jobs


def _path(url: str, cache_dir: Path) -> Path:
    return cache_dir / f"{key(_VERSION, segno.__version__, url)}.svg"


def _draw_to_cache(url: str, cache_dir: Path) -> None:
    cached(_path(url, cache_dir), lambda: _draw(url))


def _draw(url: str) -> bytes:
    code = segno.make(url, error="m", micro=False)
    # omitsize: a viewBox instead of a fixed size, so print CSS can set millimetres.
    return code.svg_inline(scale=3, border=2, omitsize=True, title="Mã QR tới trang thủ tục",
                           svgclass="cchc-qr__code").encode("utf-8")
