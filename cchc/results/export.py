"""Open data and the feed of the results: ket-qua.csv, ket-qua.json, feed.xml (Atom, an entry a month).

They say what the page says: the same counts, the same rates (to one decimal, as
cchc.results.words rounds them), the same "not stated" (an empty cell, a JSON null).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from feedgen.feed import FeedGenerator

from cchc.core import layout
from cchc.core.dates import EPOCH, VN_TZ
from cchc.core.gitdates import FileDates
from cchc.core.settings import Settings
from cchc.results.load import labels
from cchc.results.model import COLUMNS, Counts, Month, Results
from cchc.results.pages import TITLE, describe
from cchc.results.words import rate_value
from cchc.tthc.export import csv_file, csv_text, spreadsheet_text

FORMAT_VERSION = 1
FEED_ENTRIES = 60  # five years of months; the pages hold the rest
TOTAL = "Tổng cộng"


def files(results: Results, settings: Settings, dates: FileDates, now: datetime) -> dict[str, bytes]:
    """src_uri → bytes; nothing while there is no figure (no page links to them then)."""
    if not results.months:
        return {}
    return {layout.RESULTS_CSV: results_csv(results, settings),
            layout.RESULTS_JSON: results_json(results, settings),
            layout.RESULTS_FEED: atom(results, settings, dates, now)}


def _row(counts: Counts) -> dict[str, Any]:
    """Every column: the stated ones as stated (None: not stated), the subtotals added up, and the two rates."""
    out = {key: getattr(counts, key) for key in COLUMNS}
    out["on_time_rate"] = rate_value(counts.on_time_rate)
    out["online_rate"] = rate_value(counts.online_rate)
    return out


def results_json(results: Results, settings: Settings) -> bytes:
    site = settings.site
    data = {
        "format_version": FORMAT_VERSION,
        "publisher": settings.department.name,
        "url": site + layout.RESULTS,
        "columns": {**labels(), "on_time_rate": "Tỷ lệ giải quyết trước và đúng hạn (%)",
                    "online_rate": "Tỷ lệ nộp trực tuyến (%)"},
        "months": [{
            "month": m.key,
            "url": site + m.url,
            "demo": m.demo,
            "source": m.reference or None,
            "total": _row(m.total),
            "fields": [{"field": row.field.slug, "field_name": row.field.name, **_row(row.counts)}
                       for row in m.by_field],
            "satisfaction": None if m.satisfaction is None else {
                "responses": m.satisfaction.responses, "satisfied": m.satisfaction.satisfied,
                "rate": rate_value(m.satisfaction.rate), "index": m.satisfaction.index},
        } for m in results.months],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def results_csv(results: Results, settings: Settings) -> bytes:
    """One row per month and field, then the month's total; newest month first, as the page."""
    names = labels()
    header = ["Tháng", "Mã lĩnh vực", "Lĩnh vực", *(names[key] for key in COLUMNS),
              "Tỷ lệ trước và đúng hạn (%)", "Tỷ lệ nộp trực tuyến (%)", "Số liệu minh hoạ", "Nguồn"]
    rows = []
    for m in results.months:
        lines = [(row.field.slug, row.field.name, row.counts) for row in m.by_field] + [("", TOTAL, m.total)]
        for slug, name, counts in lines:
            values = _row(counts)
            rows.append([m.key, slug, spreadsheet_text(name), *("" if values[k] is None else values[k] for k in COLUMNS),
                         _decimal(values["on_time_rate"]), _decimal(values["online_rate"]),
                         "có" if m.demo else "", spreadsheet_text(m.reference)])
    return csv_file(header, [csv_text(rows)])


def _decimal(value: float | None) -> str:
    """A rate as Excel set to Vietnamese reads it: 98,6; empty when there was no dossier."""
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def published(month: Month, dates: FileDates, now: datetime) -> datetime:
    """When the month reached the site: the commit that added its file; without one (no git, a shallow clone,
    not committed yet), the first day of the next month, as no report is made before its month ends."""
    committed = dates.first(month.source)
    if committed is not None and committed <= now:
        return committed
    year, next_month = (month.year + 1, 1) if month.month == 12 else (month.year, month.month + 1)
    return min(datetime(year, next_month, 1, tzinfo=VN_TZ), now)


def atom(results: Results, settings: Settings, dates: FileDates, now: datetime) -> bytes:
    site, department = settings.site, settings.department.name
    months = sorted(results.months, key=lambda m: (published(m, dates, now), m.key), reverse=True)[:FEED_ENTRIES]
    feed = FeedGenerator()
    feed.id(site + layout.RESULTS)
    feed.title(f"{TITLE} – {department}")
    feed.subtitle("Số liệu tiếp nhận, giải quyết hồ sơ thủ tục hành chính hằng tháng.")
    feed.author({"name": department, "email": settings.department.email})
    feed.link(href=site + layout.RESULTS, rel="alternate")
    feed.link(href=site + layout.RESULTS_FEED, rel="self")
    feed.language("vi")
    feed.updated(max((_updated(m, dates, now) for m in months), default=EPOCH))
    for month in reversed(months):  # feedgen prepends
        entry = feed.add_entry()
        entry.id(site + month.url)
        entry.title(f"Kết quả giải quyết thủ tục hành chính tháng {month.label}"
                    + (" (số liệu minh hoạ)" if month.demo else ""))
        entry.link(href=site + month.url, rel="alternate")
        entry.published(published(month, dates, now))
        entry.updated(_updated(month, dates, now))  # a corrected report is the same entry, updated
        entry.summary(describe(month, department))
    return feed.atom_str(pretty=True)


def _updated(month: Month, dates: FileDates, now: datetime) -> datetime:
    first = published(month, dates, now)
    last = dates.last(month.source)
    return last if last is not None and first < last <= now else first


