"""Open data: every procedure as JSON (the full record) and two CSV files for spreadsheets.

tthc.csv has one row per procedure; tthc-chi-tiet.csv one row per value of the
columns that may hold several (each time, each fee, each subject …), so nobody
has to split a cell. The JSON shape and both CSVs are documented in README.md
("Dữ liệu mở"); the JSON keys follow the parts of cchc/tthc/parts.py, the CSVs
its column lists. Output is deterministic: same records, same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cchc.core import layout
from cchc.core.settings import Portals, Settings
from cchc.tthc.model import LEVELS, NONE, NOT_STATED, UNITS, Catalogue, Channel, Duration, Procedure
from cchc.tthc.pages import online_url
from cchc.tthc.parts import BY_KEY, CSV_COLUMNS, CSV_MULTI, LINES, TOP_LEVEL

# 2: a part the source does not state is null (v1 wrote defaults); "none" is [] (fees, conditions);
# channels are rows (a channel may repeat) with a list of times; see README.md, "Dữ liệu mở".
FORMAT_VERSION = 2


def _duration(value: Duration | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"value": value.value, "unit": value.unit, "text": value.text or None, "case": value.case or None,
            "note": value.note or None, "label": str(value)}


def _channel(c: Channel) -> dict[str, Any]:
    return {
        "channel": c.channel,
        "label": c.label,
        "case": c.case or None,
        "times": None if c.times is None else [_duration(t) for t in c.times],
        "fees": None if c.fees is None else [
            {"kind": f.kind, "kind_label": f.kind_label, "amount": f.amount, "amount_text": f.amount_text or None,
             "unit": f.unit or None, "case": f.case or None, "description": f.description or None, "label": f.label}
            for f in c.fees
        ],
        "description": c.description or None,
    }


def _dossier(p: Procedure, site: str) -> dict[str, Any] | None:
    if p.dossier is None:
        return None
    return {
        "sets": p.dossier.sets,
        "sets_text": p.dossier.sets_text or None,
        "note": p.dossier.note or None,
        "cases": [
            {
                "case": case.case or None,
                "documents": [
                    {"name": d.name, "originals": d.originals, "copies": d.copies, "count_text": d.count_text or None,
                     "form_url": site + d.form if d.form else None,
                     "form_name": d.form_name or None, "note": d.note or None}
                    for d in case.documents
                ],
            }
            for case in p.dossier.cases
        ],
    }


def _online(p: Procedure, portals: Portals) -> dict[str, Any] | None:
    if p.online_level is None and p.online_url is None:
        return None
    # url: what the record states; submit_url: where the page's button goes (it may come from mkdocs.yml).
    return {"level": p.online_level, "label": p.online_label if p.online_level else None,
            "url": p.online_url, "submit_url": online_url(p, portals)}


# Parts that are not simple, as JSON: each gives its key (and what is read with it) and value.
_JSON: dict[str, Callable[[Procedure, str, Portals], dict[str, Any]]] = {
    "code": lambda p, site, portals: {"code": p.code, "national_code": p.national_code},
    "new": lambda p, site, portals: {"new": p.new},
    "decision": lambda p, site, portals: {"decision": p.announced_in},
    "portal_url": lambda p, site, portals: {"portal_url": p.portal_url},
    "level": lambda p, site, portals: {"level": p.level, "level_label": LEVELS.get(p.level)},
    "field": lambda p, site, portals: {"field": None if not p.field.stated else
                                       {"slug": p.field.slug, "name": p.field.name}},
    "status": lambda p, site, portals: {"status": p.status, "status_label": p.status_label, "url": site + p.url},
    "online": lambda p, site, portals: {"online": _online(p, portals)},
    "steps": lambda p, site, portals: {"steps": None if p.steps is None else
                                       [{"case": g.case or None, "steps": list(g.steps)} for g in p.steps]},
    "channels": lambda p, site, portals: {"channels": [_channel(c) for c in p.channels] or None},
    "dossier": lambda p, site, portals: {"dossier": _dossier(p, site)},
    "agencies": lambda p, site, portals: {"agencies": dict(p.agencies) or None},
    "legal_basis": lambda p, site, portals: {"legal_basis": None if p.legal_basis is None else [
        {"number": d.number or None, "title": d.title or None,
         "date": d.date.date().isoformat() if d.date else None, "issuer": d.issuer or None}
        for d in p.legal_basis
    ]},
    "internal_workflow": lambda p, site, portals: {"internal_workflow": [
        {"step": w.step or None, "content": w.content, "unit": w.unit or None, "time": _duration(w.time)}
        for w in p.workflow
    ] or None},
    "related": lambda p, site, portals: {"related": [
        {"name": other.name if other else key, "code": other.code if other else None,
         "url": site + other.url if other else None}
        for key, other in p.related
    ] or None},
}


def _record(p: Procedure, site: str, portals: Portals) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for part in TOP_LEVEL:
        if part.simple:
            value = getattr(p, part.key)
            record[part.key] = list(value) if part.kind == LINES and value is not None else value
        else:
            record.update(_JSON[part.key](p, site, portals))
    record["replaced_by"] = [site + other.url for other in p.replaced_by]
    record["replaces"] = [site + other.url for other in p.replaces]
    return record


def procedures_json(catalogue: Catalogue, settings: Settings, parts: Parts | None = None) -> bytes:
    department = settings.department
    document = {
        "format_version": FORMAT_VERSION,
        "department": {"name": department.name, "province": department.province,
                       "province_code": department.province_code},
        "count": len(catalogue.procedures),
        "procedures": [_RECORDS] if catalogue.procedures else [],
    }
    text = json.dumps(document, ensure_ascii=False, indent=1)
    # Each record as json.dumps writes it at this depth (indent=1, inside "procedures": [ … ]): its own
    # lines, indented two more spaces. Strings in JSON hold no line break, so this is exact; written
    # record by record, a preview writes again only the records that changed (``parts``).
    records = (_part(parts, "json", p, lambda p=p: json.dumps(_record(p, settings.site, settings.portals),
                                                              ensure_ascii=False, indent=1).replace("\n", "\n  "))
               for p in catalogue.procedures)
    return (text.replace(json.dumps(_RECORDS), ",\n  ".join(records), 1) + "\n").encode("utf-8")


_RECORDS = "\x00procedures\x00"  # where the records go: json.dumps writes it as "\u0000procedures\u0000"

# What a preview keeps of the open data between builds (cchc.site.preview): the key of a procedure
# (its version), and (kind, key) → its part of a file, as of the last build and for this one.
Parts = tuple[Callable[[Procedure], Any], dict, dict]


def _part(parts: Parts | None, kind: str, procedure: Procedure, make: Callable[[], str]) -> str:
    if parts is None:
        return make()
    key, before, now = parts
    name = (kind, key(procedure))
    text = before.get(name)
    now[name] = text = text if text is not None else make()
    return text


@dataclass(frozen=True)
class Value:
    """One value of a multi-value column: a row of tthc-chi-tiet.csv, a line of its tthc.csv cell."""

    text: str  # what the page shows for it, with its case and note ("Không có thông tin", "Không" as there)
    channel: str = ""  # the row of "Cách thức thực hiện" it belongs to, as the page heads it
    case: str = ""
    number: int | None = None  # a time's number of units
    unit: str = ""  # a time's unit, or what a fee's amount is per ("/lần")
    fee_kind: str = ""
    amount: int | None = None  # đồng


def _channel_label(c: Channel) -> str:
    return c.label + (f" ({c.case})" if c.case else "")


def _time(c: Channel, t: Duration) -> Value:
    # As the page prints it: "5 ngày làm việc (case) note".
    text = str(t) + (f" ({t.case})" if t.case else "") + (f" {t.note}" if t.note else "")
    return Value(text, _channel_label(c), t.case, t.value, UNITS[t.unit] if t.value is not None else "")


def _times(p: Procedure) -> list[Value]:
    if not p.channels:
        return [Value(NOT_STATED)]
    return [value for c in p.channels
            for value in ([_time(c, t) for t in c.times] if c.times else [Value(NOT_STATED, _channel_label(c))])]


def _fees(p: Procedure) -> list[Value]:
    if not p.channels:
        return [Value(NOT_STATED)]
    out = []
    for c in p.channels:
        if not c.fees:
            out.append(Value(NOT_STATED if c.fees is None else NONE, _channel_label(c)))
        for f in c.fees or ():
            # As the page prints it: "Phí: 500.000 đồng/lần (case) (description)".
            text = f.label + (f" ({f.case})" if f.case else "") + (f" ({f.description})" if f.description else "")
            out.append(Value(text, _channel_label(c), f.case, unit=f.unit, fee_kind=f.kind_label, amount=f.amount))
    return out


def _lines(items: tuple[str, ...] | None) -> list[Value]:
    if items is None:
        return [Value(NOT_STATED)]
    return [Value(item) for item in items] or [Value(NONE)]


# The values of each multi-value column (parts.CSV_MULTI), in the page's order.
_VALUES: dict[str, Callable[[Procedure], list[Value]]] = {
    "channels.times": _times,
    "channels.fees": _fees,
    "subjects": lambda p: _lines(p.subjects),
    "results": lambda p: _lines(p.results),
    "conditions": lambda p: _lines(p.conditions),
    # The page shows no table for an empty list, and says "Không có thông tin".
    "legal_basis": lambda p: [Value(d.line) for d in p.legal_basis or ()] or [Value(NOT_STATED)],
}


def _one_line(text: str) -> str:
    """A value inside a tthc.csv cell, whose lines are values: its own line breaks become spaces."""
    return " ".join(filter(None, (line.strip() for line in text.splitlines())))


def _joined(values: list[Value]) -> str:
    """A multi-value cell: one value a line (Excel and LibreOffice show a multi-line cell).

    "; " could not separate them: fee descriptions and legal titles contain it.
    """
    return "\n".join(_one_line(f"{v.channel}: {v.text}" if v.channel else v.text) for v in values)


# Cells of the parts that are not simple, by key. A cell says what the page says:
# "Không có thông tin" where the source is silent, "Không" for an explicit none.
_CELLS: dict[str, Callable[[Procedure], str]] = {
    "code": lambda p: p.code or p.code_label,
    "level": lambda p: p.level_label,
    "field": lambda p: p.field.name if p.field.stated else NOT_STATED,
    "status": lambda p: p.status_label,
    "online": lambda p: p.online_label,
    "agencies.executing": lambda p: p.agencies.get("executing") or NOT_STATED,
    **{key: (lambda p, values=values: _joined(values(p))) for key, values in _VALUES.items()},
}
URL_COLUMN = "Đường dẫn"


def _cell(p: Procedure, key: str) -> str:
    if key in _CELLS:
        return _CELLS[key](p)
    value = getattr(p, key)  # a simple part of one value (multi-value ones are in _VALUES)
    return NOT_STATED if value is None else value


# The CSV is meant for Excel, which runs a cell that starts with = + - @ (or a tab or CR before
# one) as a formula: a procedure named =HYPERLINK("http://…";"Bấm") would be a live link, and
# worse. As OWASP recommends ("CSV Injection"), such a cell starts with a single quote, which
# Excel reads as "this cell is text".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A code such as 1.009260 looks like a number: a spreadsheet with English settings reads it as
# 1.00926, with Vietnamese ones (dot groups thousands) as 1009260; plain, quoted or as "1.009260"
# alike. A leading quote keeps it text in Excel but LibreOffice shows the quote. ="1.009260" is a
# formula whose result is that text, in both, whatever the locale. It is written only for a code
# of digits and dots (the schema's code pattern, checked again here), so nothing an editor types
# can reach a formula through it; every other cell keeps the quote above.
_NUMBER_LIKE_CODE = re.compile(r"[0-9]+(\.[0-9]+)*")


def spreadsheet_text(value: str, code: bool = False) -> str:
    """``value`` as a cell that a spreadsheet shows as text, never as a formula or a number."""
    if code and _NUMBER_LIKE_CODE.fullmatch(value):
        return f'="{value}"'
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_file(header: list[str], rows) -> bytes:
    """UTF-8 with BOM and CRLF: Excel on Windows then shows Vietnamese correctly."""
    return ("\ufeff" + csv_text([header]) + "".join(rows)).encode("utf-8")


def csv_text(rows) -> str:
    """Rows as CSV text; a file is the concatenation of its rows' texts (the writer keeps no state)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def procedures_csv(catalogue: Catalogue, settings: Settings, parts: Parts | None = None) -> bytes:
    """tthc.csv: one row per procedure; a multi-value cell holds one value a line, each on one line."""
    header = [heading or BY_KEY[key].label for key, heading in CSV_COLUMNS] + [URL_COLUMN]
    return csv_file(header, (_part(parts, "csv", p, lambda p=p: csv_text([
        [spreadsheet_text(_cell(p, key), code=key == "code") for key, _ in CSV_COLUMNS]
        + [spreadsheet_text(settings.site + p.url)]])) for p in catalogue.procedures))


DETAIL_COLUMNS = ["Phần", "Cách thức", "Trường hợp", "Nội dung", "Số", "Đơn vị", "Loại phí", "Số tiền"]


def _detail_rows(p: Procedure, site: str):
    code = spreadsheet_text(_cell(p, "code"), code=True)
    name, url = spreadsheet_text(p.name), spreadsheet_text(site + p.url)
    for key in CSV_MULTI:
        part = BY_KEY[key].label
        for v in _VALUES[key](p):
            # Numbers stay numbers (a spreadsheet may sum them); every text goes through the guard.
            texts = [spreadsheet_text(text) for text in (part, v.channel, v.case, v.text)]
            yield [code, name, *texts, "" if v.number is None else v.number, spreadsheet_text(v.unit),
                   spreadsheet_text(v.fee_kind), "" if v.amount is None else v.amount, url]


def procedures_detail_csv(catalogue: Catalogue, settings: Settings, parts: Parts | None = None) -> bytes:
    """tthc-chi-tiet.csv: one row per value of every multi-value column, its text exactly as the page's.

    Nothing to split: a value's own line breaks stay in its cell. Every procedure has a row for
    each part, "Không có thông tin" or "Không" where that is what the page says.
    """
    header = [BY_KEY["code"].label, BY_KEY["name"].label, *DETAIL_COLUMNS, URL_COLUMN]
    return csv_file(header, (_part(parts, "detail", p, lambda p=p: csv_text(_detail_rows(p, settings.site)))
                         for p in catalogue.procedures))


def data_files(catalogue: Catalogue, settings: Settings, parts: Parts | None = None) -> dict[str, bytes]:
    """src_uri → bytes of the open data files.

    ``parts``: (key, before, now) of a preview: ``key(procedure)`` changes whenever what the files say of
    it may (cchc.site.preview.Versions); each procedure's part is taken from ``before`` under its key if
    there, and put into ``now`` for the next build.
    """
    return {layout.OPEN_DATA_JSON: procedures_json(catalogue, settings, parts),
            layout.OPEN_DATA_CSV: procedures_csv(catalogue, settings, parts),
            layout.OPEN_DATA_CSV_DETAIL: procedures_detail_csv(catalogue, settings, parts)}
