"""QR codes for printed procedure sheets, drawn at build time (segno, offline)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import segno

from cchc.core.diskcache import cached, key

_VERSION = "qr-v1"  # change when the drawing options below change


@lru_cache(maxsize=20_000)
def qr_svg(url: str, cache_dir: Path) -> str:
    """Inline SVG (about 2 KB) linking a printed sheet back to the live page.

    Cached by URL: segno is pure Python (≈13 ms a code), a thousand procedures would
    spend most of a build drawing the same codes again; and kept in memory, so a preview
    that plans its procedure pages again reads no file.
    """
    path = cached(cache_dir / f"{key(_VERSION, segno.__version__, url)}.svg", lambda: _draw(url))
    return path.read_text(encoding="utf-8")


def _draw(url: str) -> bytes:
    code = segno.make(url, error="m", micro=False)
    # omitsize: a viewBox instead of a fixed size, so print CSS can set millimetres.
    return code.svg_inline(scale=3, border=2, omitsize=True, title="Mã QR tới trang thủ tục",
                           svgclass="cchc-qr__code").encode("utf-8")
