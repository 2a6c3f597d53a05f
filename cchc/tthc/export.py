"""Open data: every procedure as JSON (full record) and CSV (one row each).

The JSON shape is documented in README.md ("Dữ liệu mở"). Output is
deterministic: same records, same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from cchc.site.content import Content
from cchc.core.dates import format_date
from cchc.tthc.model import Duration, Procedure
from cchc.tthc.pages import online_url

FORMAT_VERSION = 1


def _duration(value: Duration) -> dict[str, Any]:
    return {"value": value.value, "unit": value.unit, "label": str(value)}


def _record(p: Procedure, site_url: str, portals: dict[str, str]) -> dict[str, Any]:
    return {
        "code": p.code,
        "national_code": p.national_code,
        "level": p.level,
        "level_label": p.level_label,
        "name": p.name,
        "type": p.type,
        "field": {"slug": p.field.slug, "name": p.field.name},
        "status": p.status,
        "status_label": p.status_label,
        "url": site_url + p.url,
        "online": {"level": p.online_level, "label": p.online_label, "url": online_url(p, portals)},
        "steps": [{"case": g.case or None, "steps": list(g.steps)} for g in p.steps],
        "channels": [
            {
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
            for c in p.channels
        ],
        "dossier": {
            "sets": p.dossier_sets,
            "note": p.dossier_note or None,
            "cases": [
                {
                    "case": case.case or None,
                    "documents": [
                        {"name": d.name, "originals": d.originals, "copies": d.copies,
                         "form_url": site_url + d.form if d.form else None,
                         "form_name": d.form_name or None, "note": d.note or None}
                        for d in case.documents
                    ],
                }
                for case in p.dossier
            ],
        },
        "subjects": list(p.subjects),
        "agencies": dict(p.agencies),
        "receiving_address": p.receiving_address,
        "results": list(p.results),
        "conditions": list(p.conditions),
        "legal_basis": [
            {"number": d.number, "title": d.title, "date": d.date.date().isoformat(), "issuer": d.issuer}
            for d in p.legal_basis
        ],
        "internal_workflow": [
            {"content": w.content, "unit": w.unit, "time": _duration(w.time)} for w in p.workflow
        ],
        "replaced_by": [site_url + other.url for other in p.replaced_by],
        "replaces": [site_url + other.url for other in p.replaces],
    }


def procedures_json(content: Content) -> bytes:
    settings = content.settings
    site_url = settings.site_url.rstrip("/") + "/"
    department = settings.department
    document = {
        "format_version": FORMAT_VERSION,
        "department": {"name": department["name"], "province": department["province"],
                       "province_code": department["province_code"]},
        "count": len(content.procedures),
        "procedures": [_record(p, site_url, settings.portals) for p in content.procedures],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


CSV_COLUMNS = [
    "Mã thủ tục", "Tên thủ tục", "Cấp thực hiện", "Loại thủ tục", "Lĩnh vực", "Tình trạng",
    "Dịch vụ công trực tuyến", "Thời hạn giải quyết", "Phí, lệ phí", "Cơ quan thực hiện",
    "Đối tượng thực hiện", "Kết quả thực hiện", "Căn cứ pháp lý", "Đường dẫn",
]


def procedures_csv(content: Content) -> bytes:
    """UTF-8 with BOM and CRLF: Excel on Windows then shows Vietnamese correctly."""
    site_url = content.settings.site_url.rstrip("/") + "/"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for p in content.procedures:
        fees = [f"{c.label}: {f.label}" for c in p.channels for f in c.fees]
        writer.writerow([
            p.code or "",
            p.name,
            p.level_label,
            p.type,
            p.field.name,
            p.status_label,
            p.online_label,
            "; ".join(f"{c.label}: {c.time}" for c in p.channels),
            "; ".join(fees) or "Không",
            p.agencies["executing"],
            "; ".join(p.subjects),
            "; ".join(p.results),
            "; ".join(f"{d.number} ngày {format_date(d.date)} của {d.issuer}" for d in p.legal_basis),
            site_url + p.url,
        ])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def data_files(content: Content) -> dict[str, bytes]:
    """src_uri → bytes of the open data files."""
    return {"tthc/tthc.json": procedures_json(content), "tthc/tthc.csv": procedures_csv(content)}
