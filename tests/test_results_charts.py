"""The charts of /tthc/ket-qua/: what they say (aria-labels as the table words them), that they fit a
phone, that they carry nothing foreign (script, English, URLs), and that a warm build never starts vl-convert."""

from __future__ import annotations

import re
import subprocess
import sys
from fractions import Fraction

import pytest
from lxml import etree

from cchc.results import charts, words

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [f"{m:02d}/{y}" for y in (2025, 2026) for m in range(1, 13)]  # 24, oldest first
ON_TIME = [(m, Fraction(400 - (i * 7) % 23, 400)) for i, m in enumerate(MONTHS)]
ON_TIME[9] = (MONTHS[9], None)  # no dossier settled that month
ON_TIME[3] = (MONTHS[3], Fraction(1))
ONLINE_RATE = [(m, Fraction(30 + (i * 13) % 60, 100)) for i, m in enumerate(MONTHS)]
FIELDS = [("Khám bệnh, chữa bệnh", Fraction(861, 1000)), ("Dược phẩm", Fraction(1)), ("Mỹ phẩm", Fraction(2, 3)),
          ("Y, dược cổ truyền", Fraction(1999, 2000)), ("Thiết bị y tế", Fraction(1, 3)),
          ("An toàn thực phẩm và dinh dưỡng", Fraction(986, 1000)), ("Y tế dự phòng", Fraction(0)),
          ("Giám định y khoa", None),
          ("Trang thiết bị, công trình y tế, kiểm nghiệm và giám định pháp y, pháp y tâm thần", Fraction(9, 10))]
SERIES = ["Trực tuyến", "Trực tiếp, bưu chính"]
COUNTS = [(m, [200 + (i * 37) % 700, 300 + (i * 91) % 1200]) for i, m in enumerate(MONTHS)]
COUNTS[5] = (MONTHS[5], [0, 1234])


def draw(kind: str, narrow: bool, cache_dir=None) -> bytes:
    if kind == "line":
        return charts.rate_line("Tỷ lệ giải quyết đúng hạn", "Tóm tắt", ON_TIME, narrow=narrow, cache_dir=cache_dir)
    if kind == "online":
        return charts.rate_line("Tỷ lệ nộp trực tuyến", "Tóm tắt", ONLINE_RATE[-12:], narrow=narrow,
                                colour=charts.ONLINE, cache_dir=cache_dir)
    if kind == "bars":
        return charts.rate_bars("Theo lĩnh vực", "Tóm tắt", FIELDS, narrow=narrow, cache_dir=cache_dir)
    return charts.stacked_months("Hồ sơ tiếp nhận", "Tóm tắt", COUNTS, SERIES, narrow=narrow, cache_dir=cache_dir)


KINDS = ("line", "online", "bars", "stacked")
CASES = [(kind, narrow) for kind in KINDS for narrow in (True, False)]


@pytest.fixture(scope="module")
def drawn(tmp_path_factory) -> dict[tuple[str, bool], bytes]:
    cache = tmp_path_factory.mktemp("charts")
    return {(kind, narrow): draw(kind, narrow, cache) for kind, narrow in CASES}


def expected_marks(kind: str) -> list[str]:
    if kind == "line":
        return [f"{m}: {words.percent(r)}" for m, r in ON_TIME if r is not None]
    if kind == "online":
        return [f"{m}: {words.percent(r)}" for m, r in ONLINE_RATE[-12:]]
    if kind == "bars":
        return [f"{name}: {words.percent(r)}" for name, r in FIELDS]
    return [f"{m}, {s}: {words.number(n)} hồ sơ" for m, counts in COUNTS for s, n in zip(SERIES, counts, strict=True)]


def texts(svg: bytes) -> list[etree._Element]:
    return list(etree.fromstring(svg).iter(f"{SVG}text"))


def lines_of(text: etree._Element) -> list[str]:
    spans = text.findall(f"{SVG}tspan")
    return [span.text or "" for span in spans] if spans else [text.text or ""]


def origin(element: etree._Element) -> tuple[float, float]:
    """Where an element's own coordinates start on the SVG: every translate() above it added up."""
    x = y = 0.0
    for node in [element, *element.iterancestors()]:
        for dx, dy in re.findall(r"translate\(([-\d.e]+),([-\d.e]+)\)", node.get("transform", "")):
            x, y = x + float(dx), y + float(dy)
    return x, y


def width_estimate(line: str, size: float, bold: bool) -> float:
    """A wide font's advance (DejaVu Sans, what Linux desktops fall back to): a line that fits this fits anywhere."""
    em = sum(0.32 if c in " \u00a0.,:;/()-–|'!iIjlrtfí" else 0.9 if c in "%mMwW" else 0.62 for c in line)
    return em * size * (1.1 if bold else 1)


def boxes(svg: bytes) -> list[tuple[str, float, float, float]]:
    """Each text line as (text, left, right, baseline) on the SVG, from its anchor and an estimated width."""
    out = []
    for text in texts(svg):
        x, y = origin(text)
        size = float(text.get("font-size").removesuffix("px"))
        for line in lines_of(text):
            wide = width_estimate(line, size, text.get("font-weight") == "bold")
            anchor = text.get("text-anchor", "start")
            left = x - (wide if anchor == "end" else wide / 2 if anchor == "middle" else 0)
            out.append((line, left, left + wide, y))
    return out


def luminance(colour: str) -> float:
    colour = {"white": "#ffffff", "black": "#000000"}.get(colour, colour).lstrip("#")
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str = "#ffffff") -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# -- What the charts say ------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "narrow"), CASES)
def test_every_data_mark_states_the_figure_as_the_table_prints_it(drawn, kind, narrow):
    assert charts.marks(drawn[kind, narrow]) == expected_marks(kind)


def test_a_month_without_a_dossier_is_a_gap_not_zero(drawn):
    for narrow in (True, False):
        svg = drawn["line", narrow]
        labelled = charts.marks(svg)
        assert not any(label.startswith(f"{MONTHS[9]}:") for label in labelled)
        assert len(labelled) == len(ON_TIME) - 1
        root = etree.fromstring(svg)
        (line,) = [p for p in root.iter(f"{SVG}path") if p.get("stroke-linejoin") == "round"]
        assert line.get("d").count("M") == 2  # the line stops before the month and starts again after it
        # The only "0 %" is the axis's own tick: no point, no label says the month was 0.
        assert [t.text for t in texts(svg)].count(words.percent(Fraction(0))) == 1


def test_a_field_without_a_dossier_has_words_not_a_bar(drawn):
    for narrow in (True, False):
        svg = drawn["bars", narrow]
        root = etree.fromstring(svg)
        bars = [p for p in root.iter(f"{SVG}path") if p.get("aria-label")]
        empty = bars[[name for name, _ in FIELDS].index("Giám định y khoa")]
        assert re.match(r"M[-\d.]+,[-\d.]+h0v", empty.get("d"))  # no width: nothing is drawn
        shown = [t.text for t in texts(svg)]
        assert shown.count(words.NO_DOSSIER) == 1
        # "0 %": the axis tick and the field whose rate really is 0 (Y tế dự phòng), not the one without dossiers.
        assert shown.count(words.percent(Fraction(0))) == 2


def test_the_last_month_is_labelled_with_its_value(drawn):
    for kind, points in (("line", ON_TIME), ("online", ONLINE_RATE[-12:])):
        for narrow in (True, False):
            shown = [t.text for t in texts(drawn[kind, narrow]) if t.get("font-weight") == "bold"]
            assert shown == [words.percent(points[-1][1])]


def test_the_stacked_chart_has_a_legend_in_stack_order_told_apart_by_lightness(drawn):
    for narrow in (True, False):
        svg = drawn["stacked", narrow]
        shown = [t.text for t in texts(svg)]
        assert [s for s in shown if s in SERIES] == SERIES
        fills = [p.get("fill") for p in etree.fromstring(svg).iter(f"{SVG}path") if p.get("aria-label")]
        assert fills[:2] == list(charts.STACK_COLOURS[:2])
        # Thousands with a dot, as words.number writes them; never a comma.
        assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+", s or "") for s in shown)
        assert not any(re.search(r"\d,\d{3}", s or "") for s in shown)
    assert contrast(charts.STACK_COLOURS[0], charts.STACK_COLOURS[1]) >= 1.8  # apart in grey too


def test_rate_ticks_are_percent_with_a_no_break_space(drawn):
    for kind in ("line", "bars"):
        for narrow in (True, False):
            shown = {t.text for t in texts(drawn[kind, narrow])}
            assert {"0\u00a0%", "50\u00a0%", "100\u00a0%"} <= shown
            assert not any(re.search(r"\d%|\d\.\d", s or "") for s in shown)


# -- A phone --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "narrow"), CASES)
def test_every_text_is_inside_the_chart_legible_and_apart(drawn, kind, narrow):
    svg = drawn[kind, narrow]
    root = etree.fromstring(svg)
    width = float(root.get("width"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert width <= (340 if narrow else 720)
    sizes = [float(t.get("font-size").removesuffix("px")) for t in texts(svg)]
    assert min(sizes) >= 12
    for line, left, right, _ in boxes(svg):
        assert left >= 0 and right <= width, f"{line!r} is cut: {left:.0f}–{right:.0f} of {width:.0f}"
    # Month labels along the bottom: few, the last month always among them, none touching the next.
    months = sorted((b for b in boxes(svg) if re.fullmatch(r"\d\d/\d{4}", b[0])), key=lambda b: b[1])
    if months:
        assert months[-1][0] == MONTHS[-1]
        assert all(a[2] + 4 <= b[1] for a, b in zip(months, months[1:], strict=False))
        if narrow:
            count = 12 if kind == "online" else 24
            assert len(months) <= -(-count // 3)


def test_a_long_field_name_is_wrapped_not_cut(drawn):
    for narrow in (True, False):
        name = FIELDS[-1][0]
        lines = [lines_of(t) for t in texts(drawn["bars", narrow]) if len(lines_of(t)) > 1]
        assert [" ".join(parts) for parts in lines] == [name]


# -- Nothing foreign -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "narrow"), CASES)
def test_no_script_no_english_no_external_reference(drawn, kind, narrow):
    svg = drawn[kind, narrow]
    text = svg.decode("utf-8")
    root = etree.fromstring(svg)
    for bad in ("<script", "foreignObject", "<style", " style=", "href", "url(", "@import", "<image", "<!"):
        assert bad not in text
    assert re.findall(r"https?://[^\s\"'<>]+", text) == ["http://www.w3.org/2000/svg"]
    said = [value for element in root.iter() for name, value in element.attrib.items() if name != "role"]
    said += [s for s in root.itertext()]
    english = re.compile(r"\b(axis|axes|titled|scale|mark|container|legend|symbol|point|bar|line|rect|"
                         r"group|values?|from|to|with|of|tooltip|graphics)\b", re.IGNORECASE)
    assert [s for s in said if english.search(s)] == []
    assert not any(element.get("aria-roledescription") for element in root.iter())
    assert root.get("font-family") == charts.FONT


@pytest.mark.parametrize(("kind", "narrow"), CASES)
def test_the_svg_is_an_image_labelled_by_its_title_and_summary(drawn, kind, narrow):
    root = etree.fromstring(drawn[kind, narrow])
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("lang") == "vi"
    title, desc = root[0], root[1]
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert desc.text == "Tóm tắt"


def test_ids_differ_between_charts_that_may_share_a_page(drawn):
    ids = [element.get("id") for svg in drawn.values() for element in etree.fromstring(svg).iter()
           if element.get("id")]
    assert len(ids) == len(set(ids)) == 2 * len(drawn)


def test_hostile_text_is_escaped():
    hostile = '</title><script>alert(1)</script> & "x" \x00\x1b'
    for narrow in (True, False):
        svg = charts.rate_bars(hostile, hostile, [(hostile, Fraction(1, 2))], narrow=narrow)
        root = etree.fromstring(svg)  # still well-formed
        assert root[0].text == root[1].text == '</title><script>alert(1)</script> & "x" '
        assert not list(root.iter(f"{SVG}script")) and b"<script" not in svg
        assert charts.marks(svg) == [f'</title><script>alert(1)</script> & "x": {words.percent(Fraction(1, 2))}']
        svg = charts.stacked_months(hostile, "", [(hostile, [1])], [hostile], narrow=narrow)
        assert b"<script" not in svg and etree.fromstring(svg)[0].text.startswith("</title>")


def test_wrong_input_is_refused():
    with pytest.raises(ValueError):
        charts.rate_line("t", "s", [], narrow=True)
    with pytest.raises(ValueError):
        charts.rate_line("t", "s", [("10/2026", None), ("10/2026", None)], narrow=True)
    with pytest.raises(ValueError):
        charts.stacked_months("t", "s", [("10/2026", [1, 2, 3])], SERIES, narrow=True)


# -- Colours -------------------------------------------------------------------------------------------


def test_colours_are_read_on_white(drawn):
    assert charts.PRIMARY == "#0b5c8a" and charts.ONLINE != charts.PRIMARY
    for colour in (charts.PRIMARY, charts.ONLINE, *charts.STACK_COLOURS):
        assert contrast(colour) >= 3, colour
    for colour in (charts.INK, charts.MUTED):
        assert contrast(colour) >= 4.5, colour
    for svg in drawn.values():
        root = etree.fromstring(svg)
        assert root.find(f"{SVG}rect").get("fill") == "white"  # the ground the contrasts are measured on
        for text in root.iter(f"{SVG}text"):
            assert contrast(text.get("fill")) >= 4.5, text.text
        for element in root.iter():
            if element.get("aria-label") and element is not root:
                paint = element.get("fill") if element.get("fill") not in (None, "none") else element.get("stroke")
                assert contrast(paint) >= 3, element.get("aria-label")


# -- Same bytes, drawn once ------------------------------------------------------------------------------


def test_the_same_input_gives_the_same_bytes(drawn, tmp_path):
    for kind, narrow in CASES:
        assert draw(kind, narrow) == draw(kind, narrow) == drawn[kind, narrow]
    svg = drawn["line", True]
    assert not re.search(rb"\d\.\d{3,}", b" ".join(
        value.encode() for e in etree.fromstring(svg).iter() for n, value in e.attrib.items() if n != "aria-label"))


def test_a_warm_cache_never_starts_vl_convert(tmp_path, monkeypatch):
    first = draw("bars", True, tmp_path)
    (cached,) = tmp_path.iterdir()
    assert cached.read_bytes() == first
    monkeypatch.setitem(sys.modules, "vl_convert", None)  # any import of it now fails
    assert draw("bars", True, tmp_path) == first
    with pytest.raises(ImportError):  # the block works: a chart not in the cache would have to import it
        draw("bars", False, tmp_path)


def test_importing_the_charts_does_not_load_vl_convert():
    code = "import sys, cchc.results.charts; print('vl_convert' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
