"""Monthly figures (content/ket-qua/<yyyy>-<mm>.yml): read, checked for arithmetic, never adjusted.

Every problem is reported as ``file:line: field: message`` and the month is left
out of the build only together with an error, so nothing is dropped silently.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from cchc.core import layout, schema
from cchc.core.errors import FileErrors, Report, display_path
from cchc.core.files import walk
from cchc.core.terms import TermIndex
from cchc.results.model import COLUMNS, SUBTOTALS, Counts, FieldCounts, Month, Results, Satisfaction, add_up
from cchc.tthc.model import Field

NAME = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR = 2000  # no one-stop system reported before this; an earlier year is a typo
SCHEMA = "results"


def labels() -> dict[str, str]:
    """Each column's Vietnamese name, from the schema (the editor's form, the messages, the CSV say the same)."""
    props = schema.load_schema(SCHEMA)["properties"]["total"]["properties"]
    return {key: props[key]["title"] for key in COLUMNS}


def load_results(content_dir: Path, root: Path, fields: TermIndex[Field], now: datetime, report: Report) -> Results:
    """Every month under content/ket-qua/; errors go to ``report``. A site without the folder has no results."""
    folder = content_dir / layout.RESULTS_DIR
    months: list[Month] = []
    seen: dict[str, str] = {}
    for path, relative in walk(folder, content_dir):
        source = display_path(path, root)
        errors = report.file(source)
        if path.suffix.lower() not in (".yml", ".yaml") or len(relative.parts) > 1:
            errors.at("tên tệp", f"trong content/{layout.RESULTS_DIR}/ chỉ có tệp số liệu tháng, đặt tên "
                                  "năm-tháng.yml (ví dụ 2026-10.yml), không có thư mục con")
            continue
        month = _load(path, source, errors, fields, now)
        if month is None:
            continue
        if month.key in seen:
            errors.at("tên tệp", f"tháng {month.label} đã có số liệu trong {seen[month.key]}; mỗi tháng một tệp")
            continue
        seen[month.key] = source
        months.append(month)
    months.sort(key=lambda m: (m.year, m.month), reverse=True)
    return Results(months)


def _load(path: Path, source: str, errors: FileErrors, fields: TermIndex[Field], now: datetime) -> Month | None:
    period = _period(path.stem, errors, now)
    data, _ = schema.read_data(path, SCHEMA, "số liệu kết quả giải quyết", errors)
    if data is None:
        return None
    broken = schema.invalid_keys(data, SCHEMA)
    if period is not None and "period" in data and "period" not in broken and data["period"] != path.stem:
        errors.at(("period",), f"tháng báo cáo ghi {data['period']} nhưng tên tệp là {path.name}; sửa cho trùng nhau")
    if "fields" not in data and "total" not in data:
        errors.at("fields", "chưa có số liệu: ghi theo từng lĩnh vực (fields), dòng tổng cộng (total), hoặc cả hai",
                  line=1)
    rows: list[FieldCounts] = []
    if isinstance(data.get("fields"), list):
        # A row the schema rejected has its message; the other rows are still checked in the same round.
        rejected = schema.invalid_items(data, SCHEMA, "fields")
        rows = _rows([item if i not in rejected else None for i, item in enumerate(data["fields"])], errors, fields)
    stated_total = None
    if "total" in data and "total" not in broken:
        stated_total = _counts(data["total"], ("total",), errors)
    satisfaction = None
    if "satisfaction" in data and "satisfaction" not in broken:
        satisfaction = _satisfaction(data["satisfaction"], errors)
    if errors or period is None:
        return None
    total = _sum(rows, data.get("total"), errors) if rows else stated_total
    if errors or total is None:
        return None
    year, month = period
    return Month(year, month, source, path, total, rows, satisfaction, bool(data.get("demo")),
                 " ".join(data.get("source", "").split()))


def _period(stem: str, errors: FileErrors, now: datetime) -> tuple[int, int] | None:
    match = NAME.match(stem)
    if not match:
        errors.at("tên tệp", f"tên tệp phải là năm-tháng của báo cáo, ví dụ 2026-10.yml; đang là “{stem}”", line=1)
        return None
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        errors.at("tên tệp", f"tháng {month:02d} không có; tháng từ 01 đến 12 (ví dụ {year}-10.yml)", line=1)
        return None
    if year < FIRST_YEAR:
        errors.at("tên tệp", f"năm {year} trước {FIRST_YEAR}; kiểm tra lại năm trong tên tệp", line=1)
        return None
    if (year, month) > (now.year, now.month):
        errors.at("tên tệp", f"tháng {month:02d}/{year} chưa tới (đang là tháng {now.month:02d}/{now.year}); "
                            "kiểm tra lại năm, tháng trong tên tệp", line=1)
        return None
    return year, month


def _rows(items: list[dict[str, Any] | None], errors: FileErrors, fields: TermIndex[Field]) -> list[FieldCounts]:
    rows: list[FieldCounts] = []
    listed: dict[str, int] = {}
    for index, item in enumerate(items):
        if item is None:
            continue
        at = ("fields", index)
        found = fields.find(item["field"])
        if found is None:
            known = fields.slugs() or f"(content/{layout.FIELDS_FILE} chưa có lĩnh vực nào)"
            errors.at(at + ("field",), f"không có lĩnh vực “{item['field']}” trong content/{layout.FIELDS_FILE}; "
                                       f"dùng một trong: {known}")
        elif found.slug in listed:
            errors.at(at + ("field",), f"lĩnh vực “{found.name}” đã có ở mục {listed[found.slug] + 1}; "
                                       "mỗi lĩnh vực một mục")
            found = None
        else:
            listed[found.slug] = index
        counts = _counts(item, at, errors)
        if found is not None and counts is not None:
            rows.append(FieldCounts(found, counts))
    return rows


def _counts(row: dict[str, Any], at: tuple, errors: FileErrors) -> Counts | None:
    """A row as Counts, once its parts add up to its stated subtotals and its balance holds."""
    ok = True
    for subtotal, parts in SUBTOTALS.items():
        if subtotal not in row:
            continue
        added = sum(row.get(part, 0) for part in parts)
        if row[subtotal] != added:
            names = labels()
            shown = " + ".join(f"{names[p].lower()} {row[p]}" for p in parts if p in row)
            errors.at(at + (subtotal,), f"{names[subtotal].lower()} ghi {row[subtotal]}, nhưng {shown} = {added}")
            ok = False
    counts = Counts(**{key: row.get(key) for key in COLUMNS if key not in SUBTOTALS})
    came = counts.received
    went = counts.settled + counts.pending + (counts.returned or 0)
    if came != went:
        returned = f" + trả lại, rút {counts.returned}" if counts.returned is not None else ""
        errors.at(at, f"số hồ sơ không cân: kỳ trước chuyển qua {counts.carried_over} + mới tiếp nhận "
                      f"{counts.received_new} = {came}, nhưng đã giải quyết {counts.settled} + đang giải quyết "
                      f"{counts.pending}{returned} = {went}; kiểm tra lại các số của dòng này")
        ok = False
    return counts if ok else None


def _sum(rows: list[FieldCounts], stated: dict[str, Any] | None, errors: FileErrors) -> Counts | None:
    """The total of the fields; a stated total row must equal it, column by column."""
    total = add_up(row.counts for row in rows)
    if stated is None:
        return total
    names = labels()
    for key in COLUMNS:
        if key not in stated:
            continue
        added = getattr(total, key)
        if added is None:
            missing = [row.field.name for row in rows if getattr(row.counts, key) is None]
            errors.at(("total", key), f"dòng tổng ghi {names[key].lower()} nhưng lĩnh vực "
                                      f"{', '.join(missing)} không ghi; ghi ở mọi lĩnh vực hoặc bỏ ở dòng tổng")
            continue
        if stated[key] != added:
            errors.at(("total", key), f"dòng tổng ghi {names[key].lower()} {stated[key]}, nhưng cộng các lĩnh vực "
                                      f"được {added}")
    return total


def _satisfaction(data: dict[str, Any], errors: FileErrors) -> Satisfaction | None:
    responses, satisfied = data.get("responses"), data.get("satisfied")
    if responses is not None and satisfied is not None and satisfied > responses:
        errors.at(("satisfaction", "satisfied"), f"số lượt hài lòng {satisfied} lớn hơn số lượt đánh giá {responses}")
        return None
    index = data.get("index")
    return Satisfaction(responses, satisfied, float(index) if index is not None else None)
