"""Share cards: 1200×630 PNG images for Zalo and Facebook previews.

Drawn offline with Pillow and Source Sans Pro (SIL OFL 1.1, installed from
PyPI as font-source-sans-pro), which covers every Vietnamese letter. Cached
by content hash: an unchanged card is never drawn twice, and the same card
gives the same bytes on every build.

Drawing is two steps: ``layout`` decides every box (what, where, which size
and colours) so that nothing overlaps, and ``paint`` only draws those boxes.
Tests measure the layout (tests/test_cards.py), so a card that would cover
its own text fails a test instead of reaching a citizen's phone.
"""

from __future__ import annotations

import importlib.util
import io
import json
import logging
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from cchc.core.diskcache import cached, key, usage
from cchc.render.drawing import Drawings, Job

RGB = tuple[int, int, int]

SIZE = (1200, 630)
FOOTER_TOP = SIZE[1] - 104  # the footer band (emblem and department) fills the card below this line
_VERSION = "card-v7"  # change when the drawing below changes
_BLUE, _DARK, _WHITE, _SOFT, _MUTED = (11, 92, 138), (16, 34, 46), (255, 255, 255), (238, 244, 248), (74, 85, 96)
_BADGE = {"toan_trinh": ((223, 243, 228), (17, 83, 43)), "mot_phan": ((227, 238, 250), (13, 61, 107))}
# The status band: (background, ink). Retired: white on dark red; pending: dark on amber.
BANDS = {"retired": ((155, 28, 28), _WHITE), "pending": ((247, 185, 40), _DARK)}
_MARGIN = 72
_WIDTH = SIZE[0] - 2 * _MARGIN
# Zalo and Messenger show a card about 300 px wide, a quarter of its size: 48 px is 12 px there.
_TITLE_SIZES = (68, 62, 56, 52, 48)
_BAND_SIZES = (56, 52, 48)
_BAND_LINES, _DETAIL_LINES = 2, 2
_LEADING = 1.22  # baseline to baseline, in font sizes
_ELLIPSIS = " …"


@dataclass(frozen=True)
class Card:
    """What one card says; everything that changes its pixels is here."""

    title: str
    eyebrow: str  # above the title: category, "Thủ tục hành chính", …
    footer: str  # department name
    detail: str = ""  # date, code, field, the procedure that replaces this one…
    badge: str = ""  # e.g. "Nộp trực tuyến toàn trình"
    badge_kind: str = ""  # key of _BADGE
    band: str = ""  # a full-width status band across the top: "Đã bãi bỏ từ 15/10/2024"
    band_kind: str = ""  # key of BANDS

    def key(self) -> str:
        return key(_VERSION, json.dumps(asdict(self), ensure_ascii=False, sort_keys=True))


@dataclass(frozen=True)
class Box:
    """One thing the card draws: a filled panel (``shape``) or one line of text."""

    name: str  # "band", "band.1", "eyebrow", "title.1", "detail.1", "badge", "badge.text", "footer", …
    bbox: tuple[int, int, int, int]  # left, top, right, bottom (exclusive); for a text, its ink
    ink: RGB
    background: RGB
    text: str = ""
    weight: str = ""
    size: int = 0  # font size in px; 0 for a panel
    origin: tuple[int, int] = (0, 0)  # where a text's baseline starts
    shape: str = ""  # "rect", "round" or "emblem" for a panel


@cache
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    spec = importlib.util.find_spec("font_source_sans_pro")
    folder = Path(spec.origin).parent / "files"
    return ImageFont.truetype(str(folder / f"SourceSansPro-{weight}.ttf"), size)


@lru_cache(maxsize=1 << 16)
def _word_length(font: ImageFont.FreeTypeFont, word: str) -> float:
    """A word's width: titles try up to five sizes, and a thousand cards share most of their words."""
    return font.getlength(word)


def _split_word(word: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    pieces = [""]
    for char in word:
        if pieces[-1] and font.getlength(pieces[-1] + char) > width:
            pieces.append("")
        pieces[-1] += char
    return pieces


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy wrap on spaces. A line breaks inside a word only when the word alone is wider than the
    line (a long code or address), so no line is ever wider than ``width``."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(candidate) <= width:
            lines[-1] = candidate
        elif _word_length(font, word) <= width:
            lines.append(word)
        else:
            head, *rest = _split_word(word, font, width)
            if lines and font.getlength(f"{lines[-1]} {head}") <= width:
                lines[-1] = f"{lines[-1]} {head}"
            else:
                lines.append(head)
            lines += rest
    return lines


def _fits_whole_words(text: str, font: ImageFont.FreeTypeFont, width: int) -> bool:
    return all(_word_length(font, word) <= width for word in text.split())


def _ellipsize(line: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """``line`` ended with "…", cut at a word (inside one only when a single word is left)."""
    while font.getlength(line + _ELLIPSIS) > width and " " in line:
        line = line.rsplit(" ", 1)[0]
    while font.getlength(line + _ELLIPSIS) > width and len(line) > 1:
        line = line[:-1]
    return line + _ELLIPSIS


def clamp_lines(text: str, font: ImageFont.FreeTypeFont, width: int, count: int) -> list[str]:
    """At most ``count`` lines; when the text is longer, the last one ends with "…" at a word."""
    lines = wrap(text, font, width)
    if len(lines) > count:
        lines = lines[:count]
        lines[-1] = _ellipsize(lines[-1], font, width)
    return lines


def _text_lines(name: str, lines: list[str], weight: str, size: int, top: int, ink: RGB, background: RGB,
                x: int = _MARGIN) -> list[Box]:
    """Lines whose first line's ascent starts at ``top``, baselines _LEADING apart; a line is moved
    down if a stacked accent (Ễ) would touch a descender (g, ỵ) of the line above."""
    font = _font(weight, size)
    ascent = font.getmetrics()[0]
    boxes: list[Box] = []
    baseline = top + ascent
    for number, line in enumerate(lines, 1):
        left, rise, right, fall = font.getbbox(line, anchor="ls")
        if boxes:
            baseline += round(size * _LEADING)
            baseline = max(baseline, boxes[-1].bbox[3] + 2 - rise)
        boxes.append(Box(f"{name}.{number}", (x + left, baseline + rise, x + right, baseline + fall), ink, background,
                         text=line, weight=weight, size=size, origin=(x, baseline)))
    return boxes


def _bottom(boxes: list[Box], top: int) -> int:
    """Where the block ends: below its last baseline's full descent, so every block ends alike."""
    if not boxes:
        return top
    last = boxes[-1]
    return max(last.origin[1] + _font(last.weight, last.size).getmetrics()[1], max(b.bbox[3] for b in boxes))


def _title(title: str, top: int, limit: int) -> list[Box]:
    """The largest size at which the whole title fits between ``top`` and ``limit``; at the smallest,
    as many lines as fit, the last ended with "…" at a word."""
    for size in _TITLE_SIZES:
        font = _font("Bold", size)
        if not _fits_whole_words(title, font, _WIDTH):
            continue
        boxes = _text_lines("title", wrap(title, font, _WIDTH), "Bold", size, top, _DARK, _WHITE)
        if _bottom(boxes, top) <= limit:
            return boxes
    size = _TITLE_SIZES[-1]
    font = _font("Bold", size)
    for count in range(len(wrap(title, font, _WIDTH)), 0, -1):
        boxes = _text_lines("title", clamp_lines(title, font, _WIDTH, count), "Bold", size, top, _DARK, _WHITE)
        if _bottom(boxes, top) <= limit:
            return boxes
    return []


def _band(card: Card) -> list[Box]:
    back, ink = BANDS.get(card.band_kind, BANDS["retired"])
    text = card.band.upper()
    for size in _BAND_SIZES:
        font = _font("Bold", size)
        lines = wrap(text, font, _WIDTH)
        if len(lines) <= _BAND_LINES and _fits_whole_words(text, font, _WIDTH):
            break
    else:
        lines = clamp_lines(text, font, _WIDTH, _BAND_LINES)
    texts = _text_lines("band", lines, "Bold", size, 22, ink, back)
    panel = Box("band", (0, 0, SIZE[0], _bottom(texts, 22) + 22), ink, back, shape="rect")
    return [panel, *texts]


def _badge(card: Card, top: int) -> list[Box]:
    back, ink = _BADGE.get(card.badge_kind, (_SOFT, _DARK))
    font = _font("Bold", 30)
    text = card.badge if font.getlength(card.badge) <= _WIDTH - 36 else _ellipsize(card.badge, font, _WIDTH - 36)
    baseline = top + 26 + round(font.getbbox("H", anchor="ls")[1] / -2)  # capitals centred on the panel
    left, rise, right, fall = font.getbbox(text, anchor="ls")
    x = _MARGIN + 18
    panel = Box("badge", (_MARGIN, top, _MARGIN + right + 36, top + 52), ink, back, shape="round")
    label = Box("badge.text", (x + left, baseline + rise, x + right, baseline + fall), ink, back,
                text=text, weight="Bold", size=30, origin=(x, baseline))
    return [panel, label]


def _footer(card: Card) -> list[Box]:
    cx, cy, r = _MARGIN + 28, SIZE[1] - 52, 28
    font = _font("Semibold", 32)
    x, width = _MARGIN + 72, SIZE[0] - _MARGIN - (_MARGIN + 72)
    text = card.footer if font.getlength(card.footer) <= width else _ellipsize(card.footer, font, width)
    baseline = cy + round(font.getbbox("H", anchor="ls")[1] / -2)
    left, rise, right, fall = font.getbbox(text, anchor="ls")
    return [
        Box("footer", (0, FOOTER_TOP, SIZE[0], SIZE[1]), _DARK, _SOFT, shape="rect"),
        # The department's emblem, drawn like docs/assets/logo.svg: a white cross on a blue disc.
        Box("footer.emblem", (cx - r, cy - r, cx + r + 1, cy + r + 1), _WHITE, _BLUE, shape="emblem"),
        *([Box("footer.text", (x + left, baseline + rise, x + right, baseline + fall), _DARK, _SOFT, text=text,
               weight="Semibold", size=32, origin=(x, baseline))] if text.strip() else []),
    ]


def layout(card: Card) -> list[Box]:
    """Every box of the card, in drawing order, none overlapping another (a text lies inside its panel).

    From the top: the status band (or a thin blue rule), the eyebrow, the title, the detail, the
    badge; the title gets whatever height the others leave, shrinking, then ending with "…".
    """
    boxes: list[Box] = []
    if card.band:
        boxes += _band(card)
        top = boxes[0].bbox[3] + 30
    else:
        boxes.append(Box("rule", (0, 0, SIZE[0], 16), _BLUE, _BLUE, shape="rect"))
        top = 56
    limit = FOOTER_TOP - 26
    if card.eyebrow.strip():
        font = _font("Semibold", 34)
        eyebrow = _text_lines("eyebrow", clamp_lines(card.eyebrow.upper(), font, _WIDTH, 1), "Semibold", 34, top,
                              _BLUE, _WHITE)
        boxes += eyebrow
        top = _bottom(eyebrow, top) + 14
    # What goes below the title is measured first, so the title knows the height it may take.
    detail_font = _font("Regular", 34)
    badge_height = 52 + 22 if card.badge.strip() else 0
    detail_lines = clamp_lines(card.detail, detail_font, _WIDTH, _DETAIL_LINES) if card.detail.strip() else []
    while True:
        detail = _text_lines("detail", detail_lines, "Regular", 34, 0, _MUTED, _WHITE)
        detail_height = _bottom(detail, 0) + 20 if detail else 0
        title = _title(card.title, top, limit - detail_height - badge_height)
        if title or len(detail_lines) <= 1 or not card.title.strip():
            break
        # Not even one title line fits: the detail gives up its second line.
        detail_lines = clamp_lines(card.detail, detail_font, _WIDTH, len(detail_lines) - 1)
    boxes += title
    top = (_bottom(title, top) if title else top) + 20
    if detail_lines:
        detail = _text_lines("detail", detail_lines, "Regular", 34, top, _MUTED, _WHITE)
        boxes += detail
        top = _bottom(detail, top) + 22
    if card.badge.strip():
        boxes += _badge(card, top)
    return boxes + _footer(card)


# Shades of each text's ink over its background, ends included: a letter's edge pixels take the nearest.
# Four keep a card at most 32 colours and read the same at 1200 px and at 300 px (issue 22 compared 3 to 8).
_SHADES = 4


def _palette(boxes: list[Box]) -> tuple[list[RGB], dict[tuple[RGB, RGB], list[int]]]:
    """The card's colours, and for each (background, ink) pair of a text the palette index of each shade."""
    colours: list[RGB] = [_WHITE]
    index = {_WHITE: 0}

    def entry(colour: RGB) -> int:
        if colour not in index:
            index[colour] = len(colours)
            colours.append(colour)
        return index[colour]

    shades: dict[tuple[RGB, RGB], list[int]] = {}
    for box in boxes:
        entry(box.background)
        entry(box.ink)
        pair = (box.background, box.ink)
        if box.text and pair not in shades:
            shades[pair] = [entry(tuple(round(b + (i - b) * level / (_SHADES - 1)) for b, i in zip(*pair, strict=True)))
                            for level in range(_SHADES)]
    return colours, shades


def paint(boxes: list[Box]) -> Image.Image:
    """The card as a palette image, drawn in its own colours: no quantising afterwards (that was a third of
    a card's time), and panels, letters and band keep their exact colour.

    Panels are filled with their palette index. Letters are drawn once, as coverage, on a grey layer of
    the whole card (texts never overlap, tests/test_cards.py); each text's box of that layer then becomes
    its pair's shades and is pasted over its panel.
    """
    colours, shades = _palette(boxes)
    number = {colour: i for i, colour in enumerate(colours)}
    # Drawn as palette indices in a grey image (Pillow pastes grey into grey as it is), made a palette
    # image at the end.
    image = Image.new("L", SIZE, 0)
    pen = ImageDraw.Draw(image)
    coverage = Image.new("L", SIZE, 0)
    letters = ImageDraw.Draw(coverage)
    for box in boxes:
        left, top, right, bottom = box.bbox
        back, ink = number[box.background], number[box.ink]
        if box.shape == "rect":
            pen.rectangle([left, top, right - 1, bottom - 1], fill=back)
        elif box.shape == "round":
            pen.rounded_rectangle([left, top, right - 1, bottom - 1], radius=10, fill=back)
        elif box.shape == "emblem":
            cx, cy = (left + right - 1) // 2, (top + bottom - 1) // 2
            pen.ellipse([left, top, right - 1, bottom - 1], fill=back)
            pen.rectangle([cx - 6, cy - 17, cx + 6, cy + 17], fill=ink)
            pen.rectangle([cx - 17, cy - 6, cx + 17, cy + 6], fill=ink)
        if box.text:
            letters.text(box.origin, box.text, font=_font(box.weight, box.size), fill=255, anchor="ls")
            image.paste(coverage.crop(box.bbox).point(_shade_table(tuple(shades[(box.background, box.ink)]))),
                        box.bbox[:2])
    card = Image.frombytes("P", SIZE, image.tobytes())
    card.putpalette([value for colour in colours for value in colour])
    return card


@lru_cache(maxsize=256)
def _shade_table(steps: tuple[int, ...]) -> list[int]:
    """Coverage 0–255 → the palette index of the nearest of ``steps``."""
    return [steps[round(value * (len(steps) - 1) / 255)] for value in range(256)]


def draw(card: Card) -> bytes:
    """The card as a palette PNG: ~15 KB instead of ~44 KB as full colour, drawn in its own few colours.

    A card is a few flat colours and anti-aliased text, so the 300 px of a chat preview and the full
    1200 px look the same as in full colour (issue 22 compared them). Facebook and Zalo read it as any PNG.
    """
    out = io.BytesIO()
    # zlib level 4: 2.4 ms a card against 3.5 at level 6 and 5 % larger (12.9 KB median against 12.3);
    # optimize=True would take four times as long, in a first build that draws thousands.
    paint(layout(card)).save(out, "PNG", compress_level=4)
    return out.getvalue()


def render(card: Card, cache_dir: Path) -> Path:
    """The cached PNG of ``card`` (drawn on first use)."""
    return cached(_path(card, cache_dir), lambda: draw(card))


def _path(card: Card, cache_dir: Path) -> Path:
    return cache_dir / f"{card.key()}.png"


def _draw_to_cache(card: Card, cache_dir: Path) -> None:
    """A worker's job (cchc.render.drawing): the card written into the cache, as ``render`` would."""
    cached(_path(card, cache_dir), lambda: draw(card))


def render_all(cards: dict[str, Card], cache_dir: Path, drawings: Drawings | None = None) -> dict[str, Path]:
    """URL → cached PNG; each card's name (its hash) is computed once here.

    The cards not in the cache go to ``drawings``, the build's pool, which draws them while the build goes
    on: a returned path may not exist yet (``drawings.waiting``). Without ``drawings``, or when too few are
    missing for a pool, they are drawn before this returns (in a pool of its own, if there are enough).
    """
    paths = {url: _path(card, cache_dir) for url, card in cards.items()}
    for path in paths.values():
        usage.mark(path)  # used by this build, drawn or not yet
    missing = {path: cards[url] for url, path in paths.items() if not path.is_file()}
    if not missing:
        return paths
    jobs = [Job("card", path, _draw_to_cache, (card, cache_dir)) for path, card in missing.items()]
    own = drawings is None
    if own:
        drawings = Drawings(logging.getLogger(__name__))
    try:
        drawings.want(jobs)
        if drawings.submit():
            if own:
                for path in missing:
                    drawings.wait(path)
            return paths
    finally:
        if own:
            drawings.close()
    for card in missing.values():  # too few for a pool
        _draw_to_cache(card, cache_dir)
    return paths
