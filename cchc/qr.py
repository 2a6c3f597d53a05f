"""QR codes for printed procedure sheets, drawn at build time (segno, offline)."""

from __future__ import annotations

import segno


def qr_svg(url: str) -> str:
    """Inline SVG (about 2 KB) linking a printed sheet back to the live page."""
    code = segno.make(url, error="m", micro=False)
    # omitsize: a viewBox instead of a fixed size, so print CSS can set millimetres.
    return code.svg_inline(scale=3, border=2, omitsize=True, title="Mã QR tới trang thủ tục",
                           svgclass="cchc-qr__code")
