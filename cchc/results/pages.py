"""/tthc/ket-qua/ and /tthc/ket-qua/<yyyy>/: the figures in words, as charts, and as the tables behind them.

Charts are static SVG files beside their page (cchc.results.charts), drawn twice: for a phone and for a wide
screen; the page picks one with <picture>, so a phone downloads only its own. Every chart has a title, a
summary in words and the table it was drawn from on the same page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from cchc.core import layout
from cchc.core.settings import Settings
from cchc.page.share import HOME, named_title, site_share, with_card
from cchc.page.spec import PageSpec
from cchc.page.structured_data import breadcrumbs
from cchc.render.cards import Card
from cchc.results import charts, words
from cchc.results.model import Counts, Month, Results, by_field, total
from cchc.tthc.pages import TTHC_CRUMB

TITLE = "Kết quả giải quyết thủ tục hành chính"
CRUMB = ("Kết quả giải quyết", layout.RESULTS)
RECENT = 24  # months on the main page's charts and table
FIELD_MONTHS = 12  # the main page's comparison of fields: the last year, steadier than one month
CACHE = "charts"  # under .cache/
WIDE = "-rong"  # a chart's wide variant: <name>-rong.svg beside <name>.svg


@dataclass(frozen=True)
class Chart:
    """One chart as the template shows it: two SVG files, their size, and the same facts in words."""

    title: str
    summary: str
    narrow: str  # site-relative URL of the phone variant
    wide: str
    width: int  # of each variant, so the page reserves its space before the file arrives
    height: int
    wide_width: int
    wide_height: int


@dataclass(frozen=True)
class Drawn:
    chart: Chart
    files: dict[str, bytes]  # src_uri → SVG


def describe(month: Month, department: str = "") -> str:
    """The month's key figures in one sentence (the page's lead, the card, the feed entry say the same)."""
    t = month.total
    who = f"{department} " if department else ""
    if t.received_new:
        came = (f"tiếp nhận mới {words.number(t.received_new)} hồ sơ "
                f"({words.percent(t.online_rate)} nộp trực tuyến)")
    else:
        came = "không tiếp nhận hồ sơ mới"
    if t.settled:
        went = (f"giải quyết xong {words.number(t.settled)} hồ sơ, "
                f"{words.percent(t.on_time_rate)} trước và đúng hạn")
    else:
        went = "chưa giải quyết xong hồ sơ nào"
    text = f"Tháng {month.label}, {who}{came}, {went}"
    if not t.pending:
        text += "; cuối tháng không còn hồ sơ đang giải quyết."
    elif t.pending_overdue:
        text += (f"; cuối tháng còn {words.number(t.pending)} hồ sơ đang giải quyết, trong đó "
                 f"{words.number(t.pending_overdue)} hồ sơ quá hạn.")
    else:
        text += f"; cuối tháng còn {words.number(t.pending)} hồ sơ đang giải quyết, không hồ sơ nào quá hạn."
    if month.satisfaction is not None:
        text += " " + satisfaction_text(month)
    return text


def satisfaction_text(month: Month) -> str:
    s = month.satisfaction
    parts = []
    if s.rate is not None:
        parts.append(f"{words.percent(s.rate)} lượt đánh giá hài lòng ({words.number(s.satisfied)}/"
                     f"{words.number(s.responses)} lượt)")
    if s.index is not None:
        parts.append(f"chỉ số hài lòng {words.index(s.index)}")
    if not parts:  # 0 responses and no index
        parts.append("chưa có lượt đánh giá nào")
    return "Mức độ hài lòng: " + "; ".join(parts) + "."


def headline(month: Month) -> str:
    """The key figure, as a card's title."""
    if month.total.on_time_rate is None:
        return f"Kết quả giải quyết hồ sơ tháng {month.label}"
    return f"{words.percent(month.total.on_time_rate)} hồ sơ giải quyết trước và đúng hạn"


def plan(results: Results, settings: Settings) -> list[PageSpec]:
    """The main page and one per year; none while there is no figure (the links to it are not shown either)."""
    if not results.months:
        return []
    return [_main_page(results, settings),
            *(_year_page(results, year, settings) for year in results.years)]


def _card(results: Results, settings: Settings) -> Card:
    latest = results.latest
    demo = latest.demo
    return Card(title=headline(latest), eyebrow="Kết quả giải quyết thủ tục hành chính",
                footer=settings.department.name,
                detail=f"Tháng {latest.label} · " + (f"{words.percent(latest.total.online_rate)} nộp trực tuyến"
                                                     if latest.total.received_new else "không có hồ sơ mới"),
                band="Số liệu minh hoạ" if demo else "", band_kind="pending" if demo else "")


def _main_page(results: Results, settings: Settings) -> PageSpec:
    latest = results.latest
    department = settings.department.name
    description = describe(latest, department)
    crumbs = (HOME, TTHC_CRUMB, CRUMB)
    recent = results.recent(RECENT)
    field_months = results.months[:FIELD_MONTHS]
    return PageSpec(
        src_uri=layout.index_source(layout.RESULTS),
        title=TITLE,
        template="tthc-results.html",
        searchable=True,  # its title and lead (overrides/tthc-results.html)
        description=description,
        share=with_card(layout.RESULTS, _card(results, settings), title=named_title(TITLE, settings),
                        description=description, breadcrumbs=crumbs, structured=(breadcrumbs(crumbs, settings),),
                        feed=("Kết quả giải quyết thủ tục hành chính (Atom)", layout.RESULTS_FEED,
                              "application/atom+xml")),
        context={
            "kind": "main", "latest": latest, "lead": describe(latest), "years": results.years,
            "demo": any(m.demo for m in results.months),
            "months": list(reversed(recent)), "span": _span(recent),
            "fields": _field_rows(field_months), "field_span": _span(list(reversed(field_months))),
            "charts": [d.chart for d in _main_charts(results, settings.cache_dir / CACHE)],
        },
    )


def _year_page(results: Results, year: int, settings: Settings) -> PageSpec:
    url = layout.RESULTS_YEAR_URL.format(year=year)
    months = results.of_year(year)  # newest first
    title = f"{TITLE} năm {year}"
    sums = total(months)
    text = (f"Năm {year} ({_span(list(reversed(months)))}): tiếp nhận mới {words.number(sums.received_new)} hồ sơ, "
            f"{words.percent(sums.online_rate)} nộp trực tuyến; giải quyết xong {words.number(sums.settled)} hồ sơ, "
            f"{words.percent(sums.on_time_rate)} trước và đúng hạn.")
    return PageSpec(
        src_uri=layout.index_source(url),
        title=title,
        template="tthc-results.html",
        description=text,
        share=site_share(settings, url, title, text, (TTHC_CRUMB, CRUMB, (str(year), url)),
                         image=layout.card_url(layout.RESULTS)),
        context={
            "kind": "year", "year": year, "lead": text, "years": results.years,
            "demo": any(m.demo for m in months), "months": months, "span": _span(list(reversed(months))),
            "fields": _field_rows(months), "field_span": _span(list(reversed(months))),
            "charts": [d.chart for d in _year_charts(results, year, settings.cache_dir / CACHE)],
            "details": [(m, _field_rows([m])) for m in months],
        },
    )


def _span(months: list[Month]) -> str:
    """"11/2024 – 10/2026" for months oldest first; one month alone is its label."""
    if not months:
        return ""
    first, last = months[0], months[-1]
    return first.label if first is last else f"{first.label} – {last.label}"


def _field_rows(months: list[Month]) -> list[tuple[Any, Counts]]:
    """Each field over ``months``, then the total (None as its field)."""
    rows: list[tuple[Any, Counts]] = list(by_field(months))
    rows.append((None, total(months)))
    return rows


# -- Charts -------------------------------------------------------------------


def _points(months: list[Month], rate) -> list[tuple[str, Fraction | None]]:
    return [(m.label, rate(m.total)) for m in months]


def _draw(folder: str, name: str, title: str, summary: str, draw, cache: Path) -> Drawn:
    narrow = draw(narrow=True, cache_dir=cache)
    wide = draw(narrow=False, cache_dir=cache)
    files = {f"{folder}{name}.svg": narrow, f"{folder}{name}{WIDE}.svg": wide}
    return Drawn(Chart(title, summary, *files, *_size(narrow), *_size(wide)), files)


_SIZE = re.compile(rb'<svg[^>]*?\swidth="([0-9.]+)"[^>]*?\sheight="([0-9.]+)"')


def _size(svg: bytes) -> tuple[int, int]:
    match = _SIZE.search(svg)
    return (round(float(match[1])), round(float(match[2]))) if match else (340, 240)


def _extremes(pairs: list[tuple[str, Fraction | None]]) -> tuple[tuple, tuple, tuple] | None:
    """The last, lowest and highest (label, rate) that has a rate, or None when none has."""
    shown = [(label, rate) for label, rate in pairs if rate is not None]
    if not shown:
        return None
    return shown[-1], min(shown, key=lambda p: p[1]), max(shown, key=lambda p: p[1])


def _rate_summary(what: str, points: list[tuple[str, Fraction | None]]) -> str:
    found = _extremes(points)
    if found is None:
        return f"Chưa có hồ sơ để tính {what}."
    last, low, high = found
    return (f"{what[0].upper()}{what[1:]} tháng {last[0]} là {words.percent(last[1])}; "
            f"thấp nhất {words.percent(low[1])} (tháng {low[0]}), cao nhất {words.percent(high[1])} "
            f"(tháng {high[0]}). Số liệu từng tháng ở bảng bên dưới.")


def _field_summary(what: str, rows: list[tuple[str, Fraction | None]]) -> str:
    found = _extremes(rows)
    if found is None:
        return f"Chưa có hồ sơ để tính {what}."
    _, low, high = found
    return (f"{what[0].upper()}{what[1:]} cao nhất ở lĩnh vực {high[0]} ({words.percent(high[1])}), "
            f"thấp nhất ở lĩnh vực {low[0]} ({words.percent(low[1])}). Số liệu ở bảng theo lĩnh vực.")


def _charts(folder: str, months: list[Month], field_months: list[Month], span: str, field_span: str,
            cache: Path) -> list[Drawn]:
    """``months``: oldest first."""
    on_time = _points(months, lambda c: c.on_time_rate)
    online = _points(months, lambda c: c.online_rate)
    fields = [(f.name, c) for f, c in by_field(field_months)]
    field_on_time = [(name, c.on_time_rate) for name, c in fields]
    field_online = [(name, c.online_rate) for name, c in fields]
    received = [(m.label, [m.total.received_online, m.total.received_direct]) for m in months]
    drawn = [
        _draw(folder, "dung-han", f"Tỷ lệ hồ sơ giải quyết trước và đúng hạn, {span}",
              _rate_summary("tỷ lệ giải quyết trước và đúng hạn", on_time),
              lambda **kw: charts.rate_line("Tỷ lệ giải quyết trước và đúng hạn", "", on_time, colour=charts.PRIMARY,
                                            **kw), cache),
        _draw(folder, "truc-tuyen", f"Tỷ lệ hồ sơ nộp trực tuyến, {span}",
              _rate_summary("tỷ lệ hồ sơ mới tiếp nhận nộp trực tuyến", online),
              lambda **kw: charts.rate_line("Tỷ lệ nộp trực tuyến", "", online, colour=charts.ONLINE, **kw), cache),
        _draw(folder, "ho-so", f"Hồ sơ mới tiếp nhận theo tháng, {span}",
              _counts_summary(months),
              lambda **kw: charts.stacked_months("Hồ sơ mới tiếp nhận", "", received,
                                                 ["Trực tuyến", "Trực tiếp, bưu chính"], **kw), cache),
    ]
    if fields:
        drawn += [
            _draw(folder, "linh-vuc-dung-han", f"Tỷ lệ giải quyết trước và đúng hạn theo lĩnh vực, {field_span}",
                  _field_summary("tỷ lệ giải quyết trước và đúng hạn", field_on_time),
                  lambda **kw: charts.rate_bars("Đúng hoặc trước hạn theo lĩnh vực", "", field_on_time,
                                                colour=charts.PRIMARY, **kw), cache),
            _draw(folder, "linh-vuc-truc-tuyen", f"Tỷ lệ nộp trực tuyến theo lĩnh vực, {field_span}",
                  _field_summary("tỷ lệ nộp trực tuyến", field_online),
                  lambda **kw: charts.rate_bars("Nộp trực tuyến theo lĩnh vực", "", field_online, colour=charts.ONLINE,
                                                **kw), cache),
        ]
    return drawn


def _counts_summary(months: list[Month]) -> str:
    if not months:
        return ""
    busiest = max(months, key=lambda m: m.total.received_new)
    last = months[-1]
    return (f"Tháng {last.label} tiếp nhận mới {words.number(last.total.received_new)} hồ sơ, trong đó "
            f"{words.number(last.total.received_online)} trực tuyến; nhiều nhất là tháng {busiest.label} "
            f"({words.number(busiest.total.received_new)} hồ sơ). Số liệu từng tháng ở bảng bên dưới.")


def _main_charts(results: Results, cache: Path) -> list[Drawn]:
    # Drawn for the page (its sizes) and again for the files: the second time every chart is in .cache/.
    recent = results.recent(RECENT)
    field_months = results.months[:FIELD_MONTHS]
    return _charts(layout.RESULTS, recent, field_months, _span(recent), _span(list(reversed(field_months))), cache)


def _year_charts(results: Results, year: int, cache: Path) -> list[Drawn]:
    months = list(reversed(results.of_year(year)))
    url = layout.RESULTS_YEAR_URL.format(year=year)
    return _charts(url, months, months, _span(months), _span(months), cache)


def chart_files(results: Results, settings: Settings) -> dict[str, bytes]:
    """src_uri → SVG of every chart of every results page."""
    out: dict[str, bytes] = {}
    if results.months:
        for drawn in [*_main_charts(results, settings.cache_dir / CACHE),
                      *(d for year in results.years for d in _year_charts(results, year, settings.cache_dir / CACHE))]:
            out.update(drawn.files)
    return out
