"""/tthc/ket-qua/ on the demo site, built for real: the charts say what the tables say, and so do the CSV,
the JSON, the feed, the card and the links that lead there."""

import csv
import io
import json
import re

import feedparser
import pytest
from lxml import html as lxml_html

from cchc.core import layout
from cchc.results import charts, words
from cchc.results.pages import describe

pytestmark = pytest.mark.build


def page(site, url):
    return (site / url.split("#")[0] / "index.html").read_text(encoding="utf-8")


def tree(site, url):
    return lxml_html.fromstring(page(site, url))


def text(element) -> str:
    """The element's text with runs of ordinary white space as one space; no-break spaces are kept, as printed."""
    return re.sub(r"[ \t\r\n]+", " ", element.text_content()).strip()


def test_demo_figures_cover_two_years_and_are_marked(demo_content):
    results = demo_content.results
    assert len(results.months) == 24 and all(m.demo for m in results.months)
    assert [m.key for m in results.months][:1] == ["2026-10"] and results.months[-1].key == "2024-11"
    assert all(len(m.by_field) >= 8 and m.satisfaction is not None for m in results.months)


def _table(doc, caption_start: str) -> list[list[str]]:
    (table,) = [t for t in doc.iter("table") if text(t.find("caption")).startswith(caption_start)]
    return [[text(cell) for cell in row] for row in table.iter("tr")]


def _chart_marks(site, doc, title_start: str) -> tuple[list[str], list[str]]:
    """The marks of a chart's phone and wide SVG files, read back from the files the page links."""
    (figure,) = [f for f in doc.iter("figure") if text(f.find("figcaption")).startswith(title_start)]
    narrow = figure.find(".//img").get("src")
    wide = figure.find(".//source").get("srcset")
    base = site / layout.RESULTS
    return charts.marks((base / narrow).read_bytes()), charts.marks((base / wide).read_bytes())


def test_the_charts_numbers_are_the_tables_numbers(demo_site, demo_content):
    doc = tree(demo_site, layout.RESULTS)
    rows = _table(doc, "Hồ sơ thủ tục hành chính theo tháng")
    header, body = rows[0], rows[1:]
    assert len(body) == 24 and body[0][0] == "10/2026"
    on_time = [f"{row[0]}: {row[header.index('Tỷ lệ trước và đúng hạn')]}" for row in reversed(body)]
    online = [f"{row[0]}: {row[header.index('Tỷ lệ nộp trực tuyến')]}" for row in reversed(body)]
    for title, expected in (("Tỷ lệ hồ sơ giải quyết trước và đúng hạn", on_time),
                            ("Tỷ lệ hồ sơ nộp trực tuyến", online)):
        narrow, wide = _chart_marks(demo_site, doc, title)
        assert narrow == wide == expected
    narrow, wide = _chart_marks(demo_site, doc, "Hồ sơ mới tiếp nhận theo tháng")
    received = header.index("Trong đó trực tuyến")
    for row in body:
        assert any(mark.startswith(f"{row[0]}, Trực tuyến: {row[received]} ") for mark in narrow), (row, narrow[:3])
    fields = _table(doc, "Hồ sơ thủ tục hành chính theo lĩnh vực")
    by_field = [f"{row[0]}: {row[fields[0].index('Tỷ lệ trước và đúng hạn')]}" for row in fields[1:-1]]
    narrow, wide = _chart_marks(demo_site, doc, "Tỷ lệ giải quyết trước và đúng hạn theo lĩnh vực")
    assert narrow == wide == by_field


def test_the_page_says_the_latest_month_in_words(demo_site, demo_content):
    latest = demo_content.results.latest
    doc = tree(demo_site, layout.RESULTS)
    lead = text(doc.find_class("cchc-lead")[0])
    assert lead == describe(latest)
    figures = text(doc.find_class("cchc-figures")[0])
    assert words.percent(latest.total.on_time_rate) in figures
    assert "Số liệu minh hoạ" in text(doc.find_class("cchc-results-demo")[0])
    # Every chart is an image with the same facts in its alt text and a summary beside it; the page has no script
    # of its own for them.
    for figure in doc.iter("figure"):
        img = figure.find(".//img")
        assert img.get("alt").startswith(text(figure.find("figcaption")))
        assert int(img.get("width")) <= 340 and int(img.get("height")) > 100
    assert "vega" not in page(demo_site, layout.RESULTS).lower()


def test_each_year_has_its_page_and_each_month_its_section(demo_site, demo_content):
    results = demo_content.results
    for year in results.years:
        doc = tree(demo_site, layout.RESULTS_YEAR_URL.format(year=year))
        for month in results.of_year(year):
            section = doc.get_element_by_id(month.anchor)
            assert f"Tháng {month.label}" in text(section)
            assert describe(month) in text(section)


def test_year_charts_live_beside_their_page(demo_site, demo_content):
    year = demo_content.results.years[0]
    url = layout.RESULTS_YEAR_URL.format(year=year)
    doc = tree(demo_site, url)
    months = list(reversed(demo_content.results.of_year(year)))
    (figure,) = [f for f in doc.iter("figure") if text(f.find("figcaption")).startswith("Tỷ lệ hồ sơ nộp trực tuyến")]
    svg = (demo_site / url / figure.find(".//img").get("src")).read_bytes()
    assert charts.marks(svg) == [f"{m.label}: {words.percent(m.total.online_rate)}" for m in months]


def test_open_data_says_what_the_page_says(demo_site, demo_content):
    results = demo_content.results
    raw = (demo_site / layout.RESULTS_CSV).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    latest = results.latest
    totals = {row["Tháng"]: row for row in rows if row["Lĩnh vực"] == "Tổng cộng"}
    assert len(totals) == 24
    assert totals["2026-10"]["Tỷ lệ trước và đúng hạn (%)"] + "\u00a0%" == words.percent(latest.total.on_time_rate)
    assert int(totals["2026-10"]["Số kỳ trước chuyển qua"]) == latest.total.carried_over
    assert len(rows) == sum(len(m.by_field) + 1 for m in results.months)
    data = json.loads((demo_site / layout.RESULTS_JSON).read_text(encoding="utf-8"))
    first = data["months"][0]
    assert first["month"] == "2026-10" and first["demo"] is True
    assert first["total"]["settled_on_time"] == latest.total.settled_on_time
    assert f"{first['total']['on_time_rate']:.1f}".replace(".", ",") + "\u00a0%" == \
        words.percent(latest.total.on_time_rate)
    assert first["total"]["received"] == latest.total.received  # a subtotal is always given, added up


def test_the_feed_has_an_entry_a_month_pointing_at_its_section(demo_site, demo_content):
    feed = feedparser.parse((demo_site / layout.RESULTS_FEED).read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 24
    site = demo_content.settings.site_url
    latest = demo_content.results.latest
    entry = next(e for e in feed.entries if e.id == site + latest.url)
    assert "10/2026" in entry.title and "minh hoạ" in entry.title
    assert words.percent(latest.total.on_time_rate) in entry.summary
    for e in feed.entries:
        url, anchor = e.link.removeprefix(site).split("#")
        assert f'id="{anchor}"' in page(demo_site, url)


def test_the_page_is_shared_with_its_key_figure(demo_site, demo_content):
    doc = tree(demo_site, layout.RESULTS)
    meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.iter("meta")}
    assert meta["og:image"].endswith(layout.card_url(layout.RESULTS))
    assert (demo_site / layout.card_url(layout.RESULTS)).stat().st_size > 5000
    latest = demo_content.results.latest
    assert meta["og:image:alt"].startswith("Số liệu minh hoạ: " + words.percent(latest.total.on_time_rate))
    assert meta["og:description"] == describe(latest, demo_content.settings.department.name)


def test_home_and_procedure_list_lead_there(demo_site, demo_content):
    latest = demo_content.results.latest
    home = page(demo_site, "")
    assert 'href="tthc/ket-qua/"' in home and f"Tháng {latest.label}" in home
    listing = page(demo_site, layout.TTHC)
    assert re.search(r'href="ket-qua/">Kết quả giải quyết hồ sơ tháng 10/2026</a>', listing)
