"""Measuring what a card drawing really puts on the canvas, independently of the card's own layout.

Every text and filled shape drawn through Pillow's ImageDraw while ``draw`` runs is recorded with its
bounding box; ``overlaps`` then names every pair that collides. Written against Pillow, not against
cchc.render.cards, so it measures any version of the drawing (the one in git's HEAD included).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from PIL import ImageDraw

CANVAS = (1200, 630)


@dataclass(frozen=True)
class Drawn:
    kind: str  # "text" or "shape"
    bbox: tuple[int, int, int, int]  # left, top, right, bottom; right and bottom exclusive
    text: str = ""


def _shape_box(xy) -> tuple[int, int, int, int]:
    (x0, y0), (x1, y1) = ((xy[0], xy[1]), (xy[2], xy[3])) if len(xy) == 4 else xy
    return int(x0), int(y0), int(x1) + 1, int(y1) + 1  # Pillow fills both end coordinates


@contextmanager
def recording():
    """Record every text and filled shape drawn while the block runs."""
    drawn: list[Drawn] = []
    originals = {name: getattr(ImageDraw.ImageDraw, name) for name in ("text", "rectangle", "rounded_rectangle", "ellipse")}

    def text(self, xy, text, fill=None, font=None, anchor=None, *args, **kwargs):
        box = self.textbbox(xy, text, font=font, anchor=anchor)
        if box[2] > box[0]:
            drawn.append(Drawn("text", tuple(int(v) for v in box), text))
        return originals["text"](self, xy, text, fill, font, anchor, *args, **kwargs)

    def shape(name):
        def record(self, xy, *args, **kwargs):
            # rounded_rectangle draws through rectangle/ellipse itself: record only the outermost call
            if not getattr(self, "_measuring", False):
                drawn.append(Drawn("shape", _shape_box(xy)))
            outer = getattr(self, "_measuring", False)
            self._measuring = True
            try:
                return originals[name](self, xy, *args, **kwargs)
            finally:
                self._measuring = outer
        return record

    ImageDraw.ImageDraw.text = text
    for name in ("rectangle", "rounded_rectangle", "ellipse"):
        setattr(ImageDraw.ImageDraw, name, shape(name))
    try:
        yield drawn
    finally:
        for name, original in originals.items():
            setattr(ImageDraw.ImageDraw, name, original)


def _clip(box):
    return max(box[0], 0), max(box[1], 0), min(box[2], CANVAS[0]), min(box[3], CANVAS[1])


def intersects(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def contains(outer, inner) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def problems(drawn: list[Drawn]) -> list[str]:
    """Every collision: texts that touch, a text half over a shape, shapes that cross, anything off the
    canvas, and anything but the footer's own contents below the footer band's top."""
    out = []
    width, height = CANVAS
    drawn = [d if d.kind == "text" else Drawn(d.kind, _clip(d.bbox), d.text) for d in drawn]
    footers = [d for d in drawn if d.kind == "shape" and d.bbox[3] >= height and d.bbox[0] <= 0 and d.bbox[2] >= width]
    footer_top = min((d.bbox[1] for d in footers), default=height)
    texts = [d for d in drawn if d.kind == "text"]
    shapes = [d for d in drawn if d.kind == "shape"]
    for d in drawn:
        # A fill past the edge is clipped and loses nothing; a text past it loses letters.
        if d.kind == "text" and (d.bbox[0] < 0 or d.bbox[1] < 0 or d.bbox[2] > width or d.bbox[3] > height):
            out.append(f"outside the card: {d}")
        in_footer = any(contains(f.bbox, d.bbox) for f in footers)
        if not in_footer and d.bbox[3] > footer_top:
            out.append(f"over the footer band (top {footer_top}): {d}")
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if intersects(a.bbox, b.bbox):
                out.append(f"texts overlap: {a} / {b}")
    for t in texts:
        for s in shapes:
            if intersects(t.bbox, s.bbox) and not contains(s.bbox, t.bbox):
                out.append(f"text partly over a shape: {t} / {s}")
    # The footer's emblem is one figure of crossing shapes; the footer's texts are still checked above.
    panels = [s for s in shapes if s in footers or not any(contains(f.bbox, s.bbox) for f in footers)]
    for i, a in enumerate(panels):
        for b in panels[i + 1:]:
            if intersects(a.bbox, b.bbox) and not (contains(a.bbox, b.bbox) or contains(b.bbox, a.bbox)):
                out.append(f"shapes cross: {a} / {b}")
    return out


# --- What a messenger's thumbnail leaves of a card -------------------------------------------------

THUMB_WIDTH = 300  # Zalo and Messenger show a link's card about this wide


def thumbnail(png: bytes):
    """The card as a messenger shows it: scaled to 300 px wide with Lanczos, its ratio kept."""
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(png)) as image:
        image = image.convert("RGB")
        height = round(image.height * THUMB_WIDTH / image.width)
        return image.resize((THUMB_WIDTH, height), Image.LANCZOS)


def thumb_region(thumb, bbox, canvas=CANVAS):
    """``bbox`` of the full-size card, in the thumbnail's pixels (rounded outwards)."""
    import math

    sx, sy = thumb.width / canvas[0], thumb.height / canvas[1]
    return (math.floor(bbox[0] * sx), math.floor(bbox[1] * sy), math.ceil(bbox[2] * sx), math.ceil(bbox[3] * sy))


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


@cache
def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance."""
    return 0.2126 * _channel(rgb[0]) + 0.7152 * _channel(rgb[1]) + 0.0722 * _channel(rgb[2])


def contrast(a, b) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _pixels(image):
    data = image.tobytes()
    return [tuple(data[i:i + 3]) for i in range(0, len(data), 3)]


def measured_colours(thumb, bbox):
    """(background, ink) as the thumbnail's pixels inside ``bbox`` show them.

    The background is the commonest pixel; the ink is the pixel at the 95th percentile of contrast
    against it: the core of the strokes, not one pixel of Lanczos ringing.
    """
    from collections import Counter

    counts = Counter(_pixels(thumb.crop(thumb_region(thumb, bbox))))
    background = counts.most_common(1)[0][0]
    position, seen = sum(counts.values()) * 5 // 100, 0
    for colour in sorted(counts, key=lambda p: contrast(p, background), reverse=True):
        seen += counts[colour]
        if seen > position:
            return background, colour
    return background, background


def body_height(thumb, bbox, colours=None) -> int:
    """The height in thumbnail pixels of a text line's body: the rows dense with ink.

    Accents, ascenders and descenders cover few pixels of a row; the rows between baseline and
    x-height (cap height for capitals) cover many. A row counts when at least half as many of its
    pixels are ink (over halfway from background to ink) as in the densest row.
    """
    crop = thumb.crop(thumb_region(thumb, bbox))
    background, ink = colours or measured_colours(thumb, bbox)
    low, span = luminance(background), luminance(ink) - luminance(background)
    pixels = _pixels(crop)
    inked = {p: bool(span) and (luminance(p) - low) / span >= 0.5 for p in set(pixels)}
    rows = [sum(inked[p] for p in pixels[y * crop.width:(y + 1) * crop.width]) for y in range(crop.height)]
    densest = max(rows)
    return sum(1 for count in rows if densest and count * 2 >= densest)
