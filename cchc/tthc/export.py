"""Open data: every procedure as JSON (the full record) and CSV (one row each).

The JSON shape is documented in README.md ("Dữ liệu mở"); its keys follow the
parts of cchc/tthc/parts.py, and the CSV its column list. Output is
deterministic: same records, same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from cchc.core import layout
from cchc.core.dates import format_date
from cchc.core.settings import Portals, Settings
from cchc.tthc.model import Catalogue, Channel, Duration, Procedure
from cchc.tthc.pages import online_url
from cchc.tthc.parts import BY_KEY, CSV_COLUMNS, LINES, TOP_LEVEL

FORMAT_VERSION = 1


def _duration(value: Duration) -> dict[str, Any]:
    return {"value": value.value, "unit": value.unit, "label": str(value)}


def _channel(c: Channel) -> dict[str, Any]:
    return {
        "channel": c.channel,
        "label": c.label,
        "time": _duration(c.time),
        "time_note": c.time_note or None,
        "fees": [
            {"kind": f.kind, "amount": f.amount, "amount_text": f.amount_text or None,
             "description": f.description or None, "label": f.label}
            for f in c.fees
        ],
        "description": c.description or None,
    }


def _dossier(p: Procedure, site: str) -> dict[str, Any]:
    return {
        "sets": p.dossier_sets,
        "note": p.dossier_note or None,
        "cases": [
            {
                "case": case.case or None,
                "documents": [
                    {"name": d.name, "originals": d.originals, "copies": d.copies,
                     "form_url": site + d.form if d.form else None,
                     "form_name": d.form_name or None, "note": d.note or None}
                    for d in case.documents
                ],
            }
            for case in p.dossier
        ],
    }


# Parts that are not simple, as JSON: each gives its key (and what is read with it) and value.
_JSON: dict[str, Callable[[Procedure, str, Portals], dict[str, Any]]] = {
    "code": lambda p, site, portals: {"code": p.code, "national_code": p.national_code},
    "level": lambda p, site, portals: {"level": p.level, "level_label": p.level_label},
    "field": lambda p, site, portals: {"field": {"slug": p.field.slug, "name": p.field.name}},
    "status": lambda p, site, portals: {"status": p.status, "status_label": p.status_label, "url": site + p.url},
    "online": lambda p, site, portals: {
        "online": {"level": p.online_level, "label": p.online_label, "url": online_url(p, portals)}},
    "steps": lambda p, site, portals: {"steps": [{"case": g.case or None, "steps": list(g.steps)} for g in p.steps]},
    "channels": lambda p, site, portals: {"channels": [_channel(c) for c in p.channels]},
    "dossier": lambda p, site, portals: {"dossier": _dossier(p, site)},
    "agencies": lambda p, site, portals: {"agencies": dict(p.agencies)},
    "legal_basis": lambda p, site, portals: {"legal_basis": [
        {"number": d.number, "title": d.title, "date": d.date.date().isoformat(), "issuer": d.issuer}
        for d in p.legal_basis
    ]},
    "internal_workflow": lambda p, site, portals: {"internal_workflow": [
        {"content": w.content, "unit": w.unit, "time": _duration(w.time)} for w in p.workflow
    ]},
}


def _record(p: Procedure, site: str, portals: Portals) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for part in TOP_LEVEL:
        if part.simple:
            value = getattr(p, part.key)
            record[part.key] = list(value) if part.kind == LINES else value or None  # not stated: null
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


# Cells of the parts that are not simple, by key; a list of lines is joined with "; ".
_CELLS: dict[str, Callable[[Procedure], str]] = {
    "code": lambda p: p.code or "",
    "level": lambda p: p.level_label,
    "field": lambda p: p.field.name,
    "status": lambda p: p.status_label,
    "online": lambda p: p.online_label,
    "channels.time": lambda p: "; ".join(f"{c.label}: {c.time}" for c in p.channels),
    "channels.fees": lambda p: "; ".join(f"{c.label}: {f.label}" for c in p.channels for f in c.fees) or "Không",
    "agencies.executing": lambda p: p.agencies["executing"],
    "legal_basis": lambda p: "; ".join(f"{d.number} ngày {format_date(d.date)} của {d.issuer}" for d in p.legal_basis),
}
URL_COLUMN = "Đường dẫn"


def _cell(p: Procedure, key: str) -> str:
    part = BY_KEY[key]
    if not part.simple:
        return _CELLS[key](p)
    value = getattr(p, key)
    return "; ".join(value) if part.kind == LINES else value


def procedures_csv(catalogue: Catalogue, settings: Settings) -> bytes:
    """UTF-8 with BOM and CRLF: Excel on Windows then shows Vietnamese correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([heading or BY_KEY[key].label for key, heading in CSV_COLUMNS] + [URL_COLUMN])
    for p in catalogue.procedures:
        writer.writerow([_cell(p, key) for key, _ in CSV_COLUMNS] + [settings.site + p.url])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def data_files(catalogue: Catalogue, settings: Settings) -> dict[str, bytes]:
    """src_uri → bytes of the open data files."""
    return {layout.OPEN_DATA_JSON: procedures_json(catalogue, settings),
            layout.OPEN_DATA_CSV: procedures_csv(catalogue, settings)}
