"""Share cards: 1200×630 PNG images for Zalo and Facebook previews.

Drawn offline with Pillow and Source Sans Pro (SIL OFL 1.1, installed from
PyPI as font-source-sans-pro), which covers every Vietnamese letter. Cached
by content hash: an unchanged card is never drawn twice, and the same card
gives the same bytes on every build.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from cchc.core.diskcache import cached, key

SIZE = (1200, 630)
_VERSION = "card-v3"  # change when the drawing below changes
_BLUE, _DARK, _WHITE, _SOFT, _MUTED = (11, 92, 138), (16, 34, 46), (255, 255, 255), (238, 244, 248), (74, 85, 96)
_BADGE = {"toan_trinh": ((223, 243, 228), (17, 83, 43)), "mot_phan": ((227, 238, 250), (13, 61, 107))}
_MARGIN = 72
_TITLE_SIZES = (68, 62, 56, 50, 46)
_TITLE_LINES = 4


@dataclass(frozen=True)
class Card:
    """What one card says; everything that changes its pixels is here."""

    title: str
    eyebrow: str  # above the title: category, "Thủ tục hành chính", …
    footer: str  # department name
    detail: str = ""  # date, code, field…
    badge: str = ""  # e.g. "Nộp trực tuyến toàn trình"
    badge_kind: str = ""  # key of _BADGE

    def key(self) -> str:
        return key(_VERSION, json.dumps(asdict(self), ensure_ascii=False, sort_keys=True))


@cache
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    spec = importlib.util.find_spec("font_source_sans_pro")
    folder = Path(spec.origin).parent / "files"
    return ImageFont.truetype(str(folder / f"SourceSansPro-{weight}.ttf"), size)


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy wrap on spaces; a line never breaks inside a word."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def fit_title(title: str, width: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size at which the title fits; past the smallest, cut at a word with "…"."""
    for size in _TITLE_SIZES:
        font = _font("Bold", size)
        lines = wrap(title, font, width)
        if len(lines) <= _TITLE_LINES and all(font.getlength(line) <= width for line in lines):
            return font, lines
    font = _font("Bold", _TITLE_SIZES[-1])
    lines = wrap(title, font, width)[:_TITLE_LINES]
    while lines and font.getlength(lines[-1] + " …") > width:
        lines[-1] = lines[-1].rsplit(" ", 1)[0] if " " in lines[-1] else lines[-1][:-1]
    lines[-1] += " …"
    return font, lines


def draw(card: Card) -> bytes:
    image = Image.new("RGB", SIZE, _WHITE)
    pen = ImageDraw.Draw(image)
    width = SIZE[0] - 2 * _MARGIN
    pen.rectangle([0, 0, SIZE[0], 16], fill=_BLUE)
    pen.rectangle([0, SIZE[1] - 104, SIZE[0], SIZE[1]], fill=_SOFT)
    # The department's emblem, drawn like docs/assets/logo.svg: a white cross on a blue disc.
    cx, cy, r = _MARGIN + 28, SIZE[1] - 52, 28
    pen.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_BLUE)
    pen.rectangle([cx - 6, cy - 17, cx + 6, cy + 17], fill=_WHITE)
    pen.rectangle([cx - 17, cy - 6, cx + 17, cy + 6], fill=_WHITE)
    pen.text((_MARGIN + 72, cy), card.footer, font=_font("Semibold", 32), fill=_DARK, anchor="lm")

    y = 70
    if card.eyebrow:
        eyebrow = _font("Semibold", 34)
        text = wrap(card.eyebrow.upper(), eyebrow, width)[0]
        pen.text((_MARGIN, y), text, font=eyebrow, fill=_BLUE)
        y += 62
    font, lines = fit_title(card.title, width)
    step = int(font.size * 1.18)
    for line in lines:
        pen.text((_MARGIN, y), line, font=font, fill=_DARK)
        y += step
    y += 18
    if card.detail:
        detail = _font("Regular", 34)
        lines = wrap(card.detail, detail, width)
        text = lines[0]
        if len(lines) > 1:  # one line only, ended at a word with "…"
            while detail.getlength(text + " …") > width and " " in text:
                text = text.rsplit(" ", 1)[0]
            text += " …"
        pen.text((_MARGIN, y), text, font=detail, fill=_MUTED)
        y += 52
    if card.badge:
        badge = _font("Bold", 30)
        back, ink = _BADGE.get(card.badge_kind, (_SOFT, _DARK))
        w = badge.getlength(card.badge)
        top = min(y + 6, SIZE[1] - 104 - 66)
        pen.rounded_rectangle([_MARGIN, top, _MARGIN + w + 36, top + 52], radius=10, fill=back)
        pen.text((_MARGIN + 18, top + 26), card.badge, font=badge, fill=ink, anchor="lm")
    out = io.BytesIO()
    # zlib level 6, not optimize=True: 5 % larger files, a quarter of the time (15 ms, not 60 ms,
    # a card), which is most of a first build with thousands of posts.
    image.save(out, "PNG", compress_level=6)
    return out.getvalue()


def render(card: Card, cache_dir: Path) -> Path:
    """The cached PNG of ``card`` (drawn on first use)."""
    return cached(_path(card, cache_dir), lambda: draw(card))


def _path(card: Card, cache_dir: Path) -> Path:
    return cache_dir / f"{card.key()}.png"


def _draw_to_cache(card: Card, cache_dir: Path) -> None:
    render(card, cache_dir)


def render_all(cards: dict[str, Card], cache_dir: Path) -> dict[str, Path]:
    """URL → cached PNG; cards not in the cache are drawn on every core."""
    missing = {card.key(): card for card in cards.values() if not _path(card, cache_dir).is_file()}
    if len(missing) >= 8 and (os.cpu_count() or 1) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor() as pool:
            list(pool.map(_draw_to_cache, missing.values(), [cache_dir] * len(missing), chunksize=8))
    return {url: render(card, cache_dir) for url, card in cards.items()}
