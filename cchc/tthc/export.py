"""Open data: every procedure as JSON (the full record) and CSV (one row each).

The JSON shape is documented in README.md ("Dữ liệu mở"); its keys follow the
parts of cchc/tthc/parts.py, and the CSV its column list. Output is
deterministic: same records, same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

from cchc.core import layout
from cchc.core.settings import Portals, Settings
from cchc.tthc.model import LEVELS, NONE, NOT_STATED, Catalogue, Channel, Duration, Procedure
from cchc.tthc.pages import online_url
from cchc.tthc.parts import BY_KEY, CSV_COLUMNS, LINES, TOP_LEVEL

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


def procedures_json(catalogue: Catalogue, settings: Settings) -> bytes:
    department = settings.department
    document = {
        "format_version": FORMAT_VERSION,
        "department": {"name": department.name, "province": department.province,
                       "province_code": department.province_code},
        "count": len(catalogue.procedures),
        "procedures": [_record(p, settings.site, settings.portals) for p in catalogue.procedures],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _rows(p: Procedure, text: Callable[[Channel], str]) -> str:
    """One cell for every row of "Cách thức thực hiện", each named by its channel (and case)."""
    if not p.channels:
        return NOT_STATED
    return "; ".join(f"{c.label}{f' ({c.case})' if c.case else ''}: {text(c)}" for c in p.channels)


# Cells of the parts that are not simple, by key. A cell says what the page says:
# "Không có thông tin" where the source is silent, "Không" for an explicit none.
_CELLS: dict[str, Callable[[Procedure], str]] = {
    "code": lambda p: p.code or p.code_label,
    "level": lambda p: p.level_label,
    "field": lambda p: p.field.name if p.field.stated else NOT_STATED,
    "status": lambda p: p.status_label,
    "online": lambda p: p.online_label,
    "channels.times": lambda p: _rows(p, lambda c: c.times_text),
    "channels.fees": lambda p: _rows(p, lambda c: c.fees_text),
    "agencies.executing": lambda p: p.agencies.get("executing") or NOT_STATED,
    "legal_basis": lambda p: NOT_STATED if p.legal_basis is None else "; ".join(d.line for d in p.legal_basis),
}
URL_COLUMN = "Đường dẫn"


def _cell(p: Procedure, key: str) -> str:
    part = BY_KEY[key]
    if not part.simple:
        return _CELLS[key](p)
    value = getattr(p, key)
    if value is None:
        return NOT_STATED
    return ("; ".join(value) or NONE) if part.kind == LINES else value


# The CSV is meant for Excel, which runs a cell that starts with = + - @ (or a tab or CR before
# one) as a formula: a procedure named =HYPERLINK("http://…";"Bấm") would be a live link, and
# worse. As OWASP recommends ("CSV Injection"), such a cell starts with a single quote, which
# spreadsheets read as "this cell is text" and do not show. Not ="…", which is itself a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A code such as 1.004616 looks like a number: Excel would drop its zeros or, with Vietnamese
# settings (dot groups thousands), read it as 1004616. The same quote keeps it as typed.
_NUMBER_LIKE = re.compile(r"[\d.,\s]+")


def _spreadsheet_text(value: str, code: bool = False) -> str:
    """``value`` as a cell that a spreadsheet shows as text, never as a formula or a number."""
    if value.startswith(_FORMULA_START) or (code and _NUMBER_LIKE.fullmatch(value)):
        return "'" + value
    return value


def procedures_csv(catalogue: Catalogue, settings: Settings) -> bytes:
    """UTF-8 with BOM and CRLF: Excel on Windows then shows Vietnamese correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([heading or BY_KEY[key].label for key, heading in CSV_COLUMNS] + [URL_COLUMN])
    for p in catalogue.procedures:
        cells = [_spreadsheet_text(_cell(p, key), code=key == "code") for key, _ in CSV_COLUMNS]
        writer.writerow(cells + [_spreadsheet_text(settings.site + p.url)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def data_files(catalogue: Catalogue, settings: Settings) -> dict[str, bytes]:
    """src_uri → bytes of the open data files."""
    return {layout.OPEN_DATA_JSON: procedures_json(catalogue, settings),
            layout.OPEN_DATA_CSV: procedures_csv(catalogue, settings)}
