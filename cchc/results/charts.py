"""Charts of /tthc/ket-qua/ as static, accessible SVG, drawn at build time with Vega-Lite (vl-convert).

No chart JavaScript reaches the page and nothing is fetched: vl-convert runs Vega-Lite in its own
embedded engine and returns an SVG, which is then cleaned up here (English ARIA words and class
names out, coordinates rounded, a <title> and <desc> in) and cached under .cache/ by a hash of its
spec, so a warm build never starts vl-convert (≈0.4 s to start, then milliseconds a chart).

Each chart comes in two widths, shown by the page as
``<picture><source media="(min-width: 45em)" srcset="…-rong.svg"><img src="….svg" alt="…"></picture>``:
narrow is drawn for a 360 px phone (Material leaves 328 px of content there, so 320 px is never
scaled down and 12 px text stays 12 px), wide for the ≈690 px column of a larger screen.

Every figure a chart shows is worded by cchc.results.words, as the table beside it is, and every
data mark carries that wording as its aria-label (``marks`` reads them back), so the chart and the
table cannot disagree without a test noticing.

Every function takes ``cache_dir``: the build passes ``settings.cache_dir / "charts"`` (as QR codes
use ``/ "qr"``); None draws without a cache (tests, one-off use), starting vl-convert every time.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from cchc.core.diskcache import cached, key
from cchc.render.drawing import Job, take
from cchc.results import words

_VERSION = "charts-v1"  # change when the specs or the cleaning below change: it is part of every cache key

PRIMARY = "#0b5c8a"  # the site's primary: on-time rates (7.2:1 on white)
ONLINE = "#9a4a00"  # online: a burnt orange, apart from the blue in hue for colour-blind readers (6.3:1)
DIRECT = "#7d93a3"  # counter and post: lighter than ONLINE (L* 60 against 41), so the stack reads in grey too
INK = "#10222e"  # text (16:1)
MUTED = "#4a5560"  # axis labels and "không có hồ sơ" (7.6:1)
GRID = "#d5dde3"  # grid lines: a guide, not data
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif'  # as site.css
# Stacked series in order, bottom first. Only the first two differ in lightness as well as in hue.
STACK_COLOURS = (ONLINE, DIRECT, PRIMARY, MUTED)

NARROW_WIDTH = 320  # total SVG width on a phone (≤ 328 px of content at 360 px)
WIDE_WIDTH = 680  # Material's content column is ≈ 688 px from 45em on: never scaled down, never blurred up
# d3-format locale: decimal comma, thousands dot, and "%" after a no-break space as words.percent writes it.
LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", "\u00a0₫"], "percent": "\u00a0%"}

SVG_NS = "http://www.w3.org/2000/svg"
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0: lxml would refuse
_NUMBER = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
_KEEP_ATTRS = frozenset({"aria-label", "font-family", "lang", "role", "id", "aria-labelledby", "aria-hidden",
                         "text-anchor", "fill", "stroke", "font-weight", "font-style", "version"})


def rate_line(title: str, summary: str, points: list[tuple[str, Fraction | None]], *, narrow: bool,
              colour: str = PRIMARY, cache_dir: Path | None = None) -> bytes:
    """A rate over months ("10/2026", oldest first): 0–100 %, a line with a point a month.

    A month without a dossier (None) is a gap in the line and has no point: it is not 0 %.
    The last month stated has its value written beside its point.
    """
    if not points:
        raise ValueError("rate_line: no month to draw")
    labels = [_clean(label) for label, _ in points]
    _unique(labels)
    fs = _font_size(narrow)
    width = NARROW_WIDTH if narrow else WIDE_WIDTH
    values = []
    for label, rate in zip(labels, (rate for _, rate in points), strict=True):
        shown = words.rate_value(rate)
        values.append({"m": label, "v": None if shown is None else round(shown / 100, 4),
                       "t": words.percent(rate), "d": f"{label}: {words.percent(rate)}"})
    stated = [v for v in values if v["v"] is not None]
    # The plot is the width less the y labels ("100 %") and the last value written right of its point.
    plot = width - 18 - _text_width("100\u00a0%", fs) - 5 - _text_width("99,9\u00a0%", fs, bold=True) - 8
    x = {"field": "m", "type": "ordinal", "scale": {"type": "point", "domain": labels, "padding": 0.5},
         "axis": _month_axis(labels, plot, fs, narrow)}
    y = {"field": "v", "type": "quantitative", "scale": {"domain": [0, 1], "nice": False},
         "axis": {"values": [0, 0.25, 0.5, 0.75, 1], "format": ".0%", "grid": True, "domain": False, "ticks": False}}
    layers: list[dict[str, Any]] = [
        # The line is drawn from every month, so a None breaks it; it is hidden from assistive technology
        # (Vega would label the whole path with its first month's words), the points carry the words.
        {"mark": {"type": "line", "aria": False, "color": colour, "strokeWidth": 2.5 if narrow else 3,
                  "strokeJoin": "round", "strokeCap": "round"},  # no miter spikes at a sharp turn
         "encoding": {"x": x, "y": y}},
        {"data": {"values": stated},
         "mark": {"type": "point", "filled": True, "opacity": 1, "color": colour, "size": 36 if narrow else 50,
                  "stroke": "white", "strokeWidth": 1},
         "encoding": {"x": x, "y": y, "description": {"field": "d", "type": "nominal"}}},
    ]
    if stated:
        layers.append({"data": {"values": stated[-1:]},
                       "mark": {"type": "text", "aria": False, "align": "left", "baseline": "middle", "dx": 8,
                                "fontWeight": "bold", "fontSize": fs, "color": INK},
                       "encoding": {"x": x, "y": y, "text": {"field": "t", "type": "nominal"}}})
    spec = _spec(width, 180 if narrow else 240, fs, {"values": values}, layers)
    return _render(spec, title, summary, cache_dir)


def rate_bars(title: str, summary: str, rows: list[tuple[str, Fraction | None]], *, narrow: bool,
              colour: str = PRIMARY, cache_dir: Path | None = None) -> bytes:
    """One horizontal bar a field, 0–100 %, its value written at the bar's end.

    Narrow: each field's name on its own line(s) above its bar, so a long name is wrapped, never cut.
    Wide: names wrapped to the left of the bars. A field without a dossier (None) has no bar, only
    the words "không có hồ sơ" (its data mark is a bar of no width that says so).
    """
    if not rows:
        raise ValueError("rate_bars: no field to draw")
    fs = _font_size(narrow)
    width = NARROW_WIDTH if narrow else WIDE_WIDTH
    line_height, bar = (15, 16) if narrow else (17, 20)
    gap = 14 if narrow else 12
    # Names as wide as the chart (narrow) or a left column of at most a third of it (wide).
    widest = max(_text_width(_clean(name), fs, metrics="wide") for name, _ in rows)
    name_width = width - 20 if narrow else min(260, widest)  # wide: bars keep at least ⅗ of the width
    data, top = [], 0.0
    for name, rate in rows:
        name = _clean(name)
        lines = _wrap(name, fs, name_width)
        if narrow:
            name_y = top
            bar_top = top + len(lines) * line_height + 3
            top = bar_top + bar + gap
        else:
            # Vega sets a block of lines from its first line down, whatever the baseline: centre it by hand.
            row = max(bar, len(lines) * line_height)
            bar_top = top + (row - bar) / 2
            name_y = top + (row - len(lines) * line_height) / 2
            top += row + gap
        shown = words.rate_value(rate)
        data.append({"name": "\n".join(lines), "ny": name_y, "y0": bar_top, "y1": bar_top + bar,
                     "yc": bar_top + bar / 2, "v": 0 if shown is None else round(shown / 100, 4),
                     "stated": shown is not None, "t": words.percent(rate), "d": f"{name}: {words.percent(rate)}"})
    height = math.ceil(top - gap)
    y_scale = {"type": "linear", "domain": [0, height], "range": [0, height], "nice": False, "zero": False}
    x = {"field": "v", "type": "quantitative", "scale": {"domain": [0, 1], "nice": False},
         "axis": {"values": [0, 0.5, 1] if narrow else [0, 0.25, 0.5, 0.75, 1], "format": ".0%", "grid": True,
                  "domain": False, "ticks": False, "orient": "bottom"}}
    stated = {"filter": "datum.stated"}
    layers: list[dict[str, Any]] = [
        # Every field has a bar, in order, so its words are read in the table's order; one without a
        # dossier has a bar of no width (nothing is drawn) whose words are "không có hồ sơ".
        {"mark": {"type": "bar", "color": colour},
         "encoding": {"x": x, "x2": {"datum": 0}, "y": {"field": "y0", "type": "quantitative", "scale": y_scale,
                                                       "axis": None},
                      "y2": {"field": "y1"}, "description": {"field": "d", "type": "nominal"}}},
        {"transform": [stated],
         "mark": {"type": "text", "aria": False, "align": "left", "baseline": "middle", "dx": 5,
                  "fontWeight": "bold", "color": INK},
         "encoding": {"x": {"field": "v", "type": "quantitative"}, "y": {"field": "yc", "type": "quantitative"},
                      "text": {"field": "t", "type": "nominal"}}},
        {"transform": [{"filter": "!datum.stated"}],
         "mark": {"type": "text", "aria": False, "align": "left", "baseline": "middle", "fontStyle": "italic",
                  "color": MUTED},
         "encoding": {"x": {"datum": 0, "type": "quantitative"}, "y": {"field": "yc", "type": "quantitative"},
                      "text": {"field": "t", "type": "nominal"}}},
        {"mark": {"type": "text", "aria": False, "color": INK, "lineBreak": "\n", "lineHeight": line_height,
                  "baseline": "top", **({"align": "left"} if narrow else {"align": "right", "dx": -10, "dy": 1})},
         "encoding": {"x": {"datum": 0, "type": "quantitative"}, "y": {"field": "ny", "type": "quantitative"},
                      "text": {"field": "name", "type": "nominal"}}},
    ]
    spec = _spec(width, height, fs, {"values": data}, layers)
    return _render(spec, title, summary, cache_dir)


def stacked_months(title: str, summary: str, rows: list[tuple[str, list[int]]], series: list[str], *,
                   narrow: bool, cache_dir: Path | None = None) -> bytes:
    """Counts a month stacked by series (the first at the bottom), with a legend above.

    The series differ in lightness as well as in hue, and are parted by a white line.
    """
    if not rows:
        raise ValueError("stacked_months: no month to draw")
    if not 1 <= len(series) <= len(STACK_COLOURS):
        raise ValueError(f"stacked_months: 1 to {len(STACK_COLOURS)} series, not {len(series)}")
    series = [_clean(name) for name in series]
    labels = [_clean(label) for label, _ in rows]
    _unique(labels)
    _unique(series)
    fs = _font_size(narrow)
    width = NARROW_WIDTH if narrow else WIDE_WIDTH
    data = []
    for label, (_, counts) in zip(labels, rows, strict=True):
        if len(counts) != len(series):
            raise ValueError(f"stacked_months: {label} has {len(counts)} counts for {len(series)} series")
        for order, (name, count) in enumerate(zip(series, counts, strict=True)):
            data.append({"m": label, "s": name, "k": order, "n": count,
                         "d": f"{label}, {name}: {words.number(count)} hồ sơ"})
    top = max(sum(counts) for _, counts in rows)
    plot = width - 18 - _text_width(words.number(top), fs) - 5
    legend_width = sum(_text_width(name, fs, metrics="wide") + fs + 24 for name in series)
    legend = {"orient": "top", "direction": "horizontal", "symbolType": "square", "symbolSize": fs * fs,
              "labelLimit": width, "padding": 0, "offset": 10}
    if legend_width > width:
        legend["columns"] = 1
    layers = [{
        "mark": {"type": "bar", "stroke": "white", "strokeWidth": 1},
        "encoding": {
            "x": {"field": "m", "type": "ordinal", "scale": {"domain": labels, "paddingInner": 0.25,
                                                             "paddingOuter": 0.15},
                  "axis": _month_axis(labels, plot, fs, narrow)},
            "y": {"field": "n", "type": "quantitative", "stack": "zero",
                  "axis": {"format": ",d", "tickMinStep": 1, "tickCount": 4 if narrow else 5, "grid": True,
                           "domain": False, "ticks": False}},
            "color": {"field": "s", "type": "nominal", "legend": legend,
                      "scale": {"domain": series, "range": list(STACK_COLOURS[:len(series)])}},
            "order": {"field": "k", "type": "quantitative"},
            "description": {"field": "d", "type": "nominal"}}}]
    spec = _spec(width, 190 if narrow else 250, fs, {"values": data}, layers)
    return _render(spec, title, summary, cache_dir)


def marks(svg: bytes) -> list[str]:
    """The aria-labels of the data marks, in the order the SVG draws them (and a reader hears them)."""
    root = etree.fromstring(svg)
    found = []
    for element in root.iter(f"{{{SVG_NS}}}*"):
        label = element.get("aria-label")
        if element is root or label is None:
            continue
        if any(node.get("aria-hidden") == "true" for node in element.iterancestors()):
            continue
        found.append(label)
    return found


# -- The spec --------------------------------------------------------------------------------------


def _font_size(narrow: bool) -> int:
    return 12 if narrow else 13


def _spec(width: int, height: int, fs: int, data: dict[str, Any], layers: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",  # not fetched; names the dialect
        "width": width, "height": height,
        # fit-x: the whole SVG is ``width`` wide whatever the labels need; the height is the plot's own.
        "autosize": {"type": "fit-x", "contains": "padding"},
        # Room for fonts wider than the one Vega measured with (DejaVu Sans is ≈14 % wider than the
        # Arial-like metrics vl-convert uses): "100 %" on the left, the last value on the right, never cut.
        "padding": {"left": 6, "right": 12, "top": 6, "bottom": 2},
        "background": "white",  # a white card in a dark theme too, where the contrasts are measured
        "data": data,
        "layer": layers,
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "aria": True,  # the marks' own aria-labels; every guide below is hidden
            "axis": {"aria": False, "title": None, "labelFont": FONT, "labelFontSize": fs, "labelColor": MUTED,
                     "gridColor": GRID, "domainColor": MUTED, "tickColor": MUTED, "labelPadding": 5},
            "legend": {"aria": False, "title": None, "labelFont": FONT, "labelFontSize": fs, "labelColor": INK},
            "title": {"aria": False},
            "text": {"font": FONT, "fontSize": fs},
            "mark": {"tooltip": None},
        },
    }


def _month_axis(labels: list[str], plot: float, fs: int, narrow: bool) -> dict[str, Any]:
    """Month labels that never touch: every ``step``-th one counted back from the last, which is
    always shown (the newest month is the one readers look for)."""
    widest = max(_text_width(label, fs) for label in labels)
    per_month = plot / len(labels)
    for step in (3, 4, 6, 12, 24) if narrow else (1, 2, 3, 4, 6, 12, 24):
        if per_month * step >= widest + 10:  # still a gap of 5 px in DejaVu Sans, the widest common font
            break
    shown = labels[::-1][::step][::-1]
    return {"values": shown, "labelAngle": 0, "labelOverlap": False, "grid": False, "ticks": True,
            "tickSize": 4, "domain": True}


# Advance widths in em, for planning what Vega will lay out. "arial": what vl-convert measures with and
# near Roboto, Segoe UI and San Francisco on phones; "wide": DejaVu Sans, what a Linux desktop falls
# back to, ≈14 % wider, for what must never be cut (a wrapped name).
_THIN = frozenset(" \u00a0.,:;/()-–|'!iIjlrtfí")
_BROAD = frozenset("%mMwWƯư")
_METRICS = {"arial": (0.278, 0.556, 0.889, 0.556, 1.05), "wide": (0.32, 0.636, 0.95, 0.62, 1.1)}


def _text_width(text: str, fs: int, bold: bool = False, metrics: str = "arial") -> float:
    thin, digit, broad, other, bolder = _METRICS[metrics]
    em = sum(thin if c in _THIN else digit if c.isdigit() else broad if c in _BROAD else other for c in text)
    return em * fs * (bolder if bold else 1)


def _wrap(text: str, fs: int, width: float) -> list[str]:
    """Greedy wrap on spaces to ``width``; a word longer than a line stays whole (Vega then narrows the
    plot to fit it rather than cutting it)."""
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}", fs, metrics="wide") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _clean(text: str) -> str:
    """One line of text XML can hold: control characters out, runs of white space as one space."""
    return " ".join(_XML_UNSAFE.sub("", text).split())


def _unique(names: list[str]) -> None:
    if len(set(names)) != len(names):
        raise ValueError(f"each label once: {names}")


# -- Rendering and cleaning --------------------------------------------------------------------------


@cache
def _vl_convert_version() -> str:
    # From the installed metadata, not the module: a warm build must not import vl_convert at all.
    from importlib.metadata import version
    return version("vl-convert-python")


def missing(plan: Callable[[], Any]) -> list[Job]:
    """The charts ``plan()`` draws (cchc.results.pages.chart_files) that are not in the cache yet, for the
    build's pool (cchc.render.drawing), so that they are drawn before the pages' planning asks for them.
    ``plan`` runs with drawing turned off: every chart is an empty SVG meanwhile (milliseconds for all)."""
    global _wanted
    _wanted = []
    try:
        plan()
        return _wanted
    finally:
        _wanted = None


_wanted: list[Job] | None = None  # while ``missing`` runs: the charts to draw


def _render(spec: dict[str, Any], title: str, summary: str, cache_dir: Path | None) -> bytes:
    title, summary = _XML_UNSAFE.sub("", title), _XML_UNSAFE.sub("", summary)
    spec_json = json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    name = key(_VERSION, _vl_convert_version(), spec_json, title, summary)
    path = cache_dir / f"{name}.svg" if cache_dir is not None else None
    if _wanted is not None:
        if path is not None and not path.is_file():
            _wanted.append(Job("chart", path, _draw_to_cache, (spec_json, title, summary, path)))
        return b""
    if path is None:
        return _draw(spec_json, title, summary)
    drawn = take(path)  # drawn by the build's pool
    if drawn is not None:
        return drawn().read_bytes()
    return cached(path, lambda: _draw(spec_json, title, summary)).read_bytes()


def _draw_to_cache(spec_json: str, title: str, summary: str, path: Path) -> None:
    cached(path, lambda: _draw(spec_json, title, summary))


def _draw(spec_json: str, title: str, summary: str) -> bytes:
    import vl_convert  # here, not at the top: a site without results never pays its start-up

    svg = vl_convert.vegalite_to_svg(spec_json, format_locale=LOCALE, allowed_base_urls=[], show_warnings=False)
    return _clean_svg(svg.encode("utf-8"), title, summary)


def _clean_svg(svg: bytes, title: str, summary: str) -> bytes:
    """Vega's SVG made fit for the page: its English ARIA role descriptions and class names out, empty
    helper paths out, coordinates rounded (the same bytes on every build), title and summary in."""
    root = etree.fromstring(svg, etree.XMLParser(resolve_entities=False, no_network=True))
    for element in list(root.iter()):
        if element.get("display") == "none" or element.get("d") == "M0,0h0v0h0Z":  # drawn as nothing
            element.getparent().remove(element)
            continue
        if element.get("font-family") == FONT:  # said once, on the root, below
            del element.attrib["font-family"]
        for name in ("class", "aria-roledescription", "pointer-events"):
            element.attrib.pop(name, None)
        for name, value in element.attrib.items():
            if name not in _KEEP_ATTRS:
                element.set(name, _NUMBER.sub(_round, value))
    etree.cleanup_namespaces(root)  # xmlns:xlink is declared but never used: no URL but the SVG's own
    ident = "cchc-chart-" + hashlib.sha256(svg + title.encode() + b"\0" + summary.encode()).hexdigest()[:12]
    title_el = etree.Element(f"{{{SVG_NS}}}title", id=f"{ident}-t")
    title_el.text = title
    desc_el = etree.Element(f"{{{SVG_NS}}}desc", id=f"{ident}-d")
    desc_el.text = summary
    root.insert(0, desc_el)
    root.insert(0, title_el)
    root.set("role", "img")
    root.set("lang", "vi")
    root.set("aria-labelledby", f"{ident}-t {ident}-d")
    root.set("font-family", FONT)
    return etree.tostring(root, encoding="utf-8", xml_declaration=False)


def _round(match: re.Match[str]) -> str:
    token = match.group(0)
    if not any(char in token for char in ".eE"):
        return token
    text = f"{round(float(token), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text

