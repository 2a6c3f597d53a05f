"""What an amendment changed, part by part, in words a citizen reads.

Works on the plain data of two versions of a record (as loaded from YAML),
so an old version never needs to pass today's validation. Parts are compared
in the order of cchc/tthc/parts.py and named as it names them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cchc.tthc.model import CHANNELS, LEVELS, NOT_STATED, OLD_ONLINE, ONLINE, UNITS, format_money
from cchc.tthc.parts import BY_KEY, LINES, TOP_LEVEL, Part
from cchc.tthc.upgrade import upgrade_data


def diff_records(old: dict[str, Any], new: dict[str, Any], field_names: dict[str, str]) -> list[str]:
    """Lines such as "Thời hạn giải quyết (Trực tiếp): 20 ngày → 15 ngày làm việc".

    Either version may be in the v1 format (an old commit): both are read as v2.
    """
    old, new = upgrade_data(old), upgrade_data(new)
    lines: list[str] = []
    for part in TOP_LEVEL:
        if not part.compared:
            continue
        if part.simple:
            lines += _simple(part, old.get(part.key), new.get(part.key))
        else:
            lines += _STRUCTURED[part.key](part, old, new, field_names)
    return lines


def _simple(part: Part, before: Any, after: Any) -> list[str]:
    name = part.in_amendments
    if part.kind != LINES:
        return [f"{name}: “{before or NOT_STATED}” → “{after or NOT_STATED}”"] if before != after else []
    before, after = before or [], after or []
    return ([f"{name}: bổ sung “{item}”" for item in after if item not in before]
            + [f"{name}: bỏ “{item}”" for item in before if item not in after])


def _level(part: Part, old: dict, new: dict, field_names: dict[str, str]) -> list[str]:
    if old.get("level") == new.get("level"):
        return []
    return [f"{part.in_amendments}: {LEVELS.get(old.get('level'), NOT_STATED)} → {LEVELS.get(new.get('level'), NOT_STATED)}"]


def _field(part: Part, old: dict, new: dict, field_names: dict[str, str]) -> list[str]:
    if old.get("field") == new.get("field"):
        return []
    return [f"{part.in_amendments}: {field_names.get(old.get('field'), old.get('field'))} → "
            f"{field_names.get(new.get('field'), new.get('field'))}"]


def _online(part: Part, old: dict, new: dict, field_names: dict[str, str]) -> list[str]:
    before, after = (old.get("online") or {}).get("level"), (new.get("online") or {}).get("level")
    if before == after:
        return []
    levels = {**ONLINE, **OLD_ONLINE}
    return [f"{part.in_amendments}: {levels.get(before, NOT_STATED)} → {levels.get(after, NOT_STATED)}"]


def _steps(part: Part, old: dict, new: dict, field_names: dict[str, str]) -> list[str]:
    def steps(data: dict) -> list:
        return data.get("steps") or data.get("steps_by_case") or []

    def count(data: dict) -> int:
        return sum(len(s.get("steps", [])) if isinstance(s, dict) else 1 for s in steps(data))

    if steps(old) == steps(new):
        return []
    return [f"{part.in_amendments}: sửa đổi ({count(old)} → {count(new)} bước)"]


def _times(rows: list[dict]) -> str:
    times = []
    for row in rows:
        for time in row.get("times") or []:
            if isinstance(time, dict):
                value = (f"{time.get('value')} {UNITS.get(time.get('unit'), time.get('unit'))}"
                         if "value" in time else str(time.get("text", "")))
                times.append(value + (f" ({time['case']})" if time.get("case") else ""))
    return "; ".join(times) or NOT_STATED


def _fees(rows: list[dict]) -> str:
    if all(row.get("fees") is None for row in rows):
        return NOT_STATED
    parts = []
    for row in rows:
        for fee in row.get("fees") or []:
            amount = fee.get("amount")
            money = (format_money(amount) + str(fee.get("unit", "")) if isinstance(amount, int)
                     else str(fee.get("amount_text", NOT_STATED)))
            parts.append(money + (f" ({fee['case']})" if fee.get("case") else ""))
    return ", ".join(parts) or "không thu"


def _channels(part: Part, old: dict, new: dict, field_names: dict[str, str]) -> list[str]:
    lines = []
    time, fees = BY_KEY["channels.times"].in_amendments, BY_KEY["channels.fees"].in_amendments

    def rows(data: dict) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}  # a channel may have several rows: compared together
        for row in data.get("channels") or []:
            if isinstance(row, dict):
                out.setdefault(row.get("channel"), []).append(row)
        return out

    before, after = rows(old), rows(new)
    for key in [*after, *(k for k in before if k not in after)]:
        label = CHANNELS.get(key, key)
        if key not in before:
            lines.append(f"{part.in_amendments}: bổ sung {label} ({_times(after[key])})")
        elif key not in after:
            lines.append(f"{part.in_amendments}: bỏ {label}")
        else:
            if _times(before[key]) != _times(after[key]):
                lines.append(f"{time} ({label}): {_times(before[key])} → {_times(after[key])}")
            if _fees(before[key]) != _fees(after[key]):
                lines.append(f"{fees} ({label}): {_fees(before[key])} → {_fees(after[key])}")
    return lines


def _documents(data: dict) -> dict[str, dict]:
    out = {}
    for case in (data.get("dossier") or {}).get("cases") or []:
        for doc in case.get("documents") or []:
            name = " ".join(str(doc.get("name", "")).split())
            out[f"{case.get('case', '')}|{name}"] = {**doc, "case": case.get("case", ""), "name": name}
    return out


def _dossier(part: Part, old: dict, new: dict, field_names: dict[str, str]) -> list[str]:
    lines = []
    before, after = _documents(old), _documents(new)

    def named(doc: dict) -> str:
        return part.in_amendments + (f" ({doc['case']})" if doc["case"] else "")

    for key, doc in after.items():
        if key not in before:
            lines.append(f"{named(doc)}: bổ sung “{doc['name']}”")
            continue
        was = before[key]
        if (was.get("originals"), was.get("copies")) != (doc.get("originals"), doc.get("copies")):
            def counts(d: dict) -> str:
                return f"bản chính {d.get('originals', '(không ghi)')}, bản sao {d.get('copies', '(không ghi)')}"
            lines.append(f"{named(doc)}: “{doc['name']}” từ {counts(was)} → {counts(doc)}")
        if was.get("form") != doc.get("form"):
            lines.append(f"{named(doc)}: “{doc['name']}” thay mẫu đơn, tờ khai")
    lines += [f"{named(doc)}: bỏ “{doc['name']}”" for key, doc in before.items() if key not in after]
    old_sets = (old.get("dossier") or {}).get("sets")
    new_sets = (new.get("dossier") or {}).get("sets")
    if old_sets != new_sets:
        lines.append(f"{BY_KEY['dossier.sets'].in_amendments}: {old_sets or NOT_STATED} → {new_sets or NOT_STATED}")
    return lines


def _agencies(part: Part, old: dict, new: dict, field_names: dict[str, str]) -> list[str]:
    lines = []
    before, after = old.get("agencies") or {}, new.get("agencies") or {}
    for key in ("competent", "executing", "delegated", "coordinating"):
        if before.get(key) != after.get(key):
            lines.append(f"{BY_KEY['agencies.' + key].in_amendments}: “{before.get(key) or NOT_STATED}” → "
                         f"“{after.get(key) or NOT_STATED}”")
    return lines


def _legal_basis(part: Part, old: dict, new: dict, field_names: dict[str, str]) -> list[str]:
    def docs(data: dict) -> dict[str, dict]:
        return {doc.get("number") or doc.get("title"): doc for doc in data.get("legal_basis") or []
                if isinstance(doc, dict)}

    before, after = docs(old), docs(new)
    added = [f"{part.in_amendments}: bổ sung {n}" + (f" ({after[n]['title']})" if after[n].get("title") not in (None, n) else "")
             for n in after if n not in before]
    return added + [f"{part.in_amendments}: bỏ {n}" for n in before if n not in after]


def _text(key: str) -> Callable[[Part, dict, dict, dict[str, str]], list[str]]:
    def compare(part: Part, old: dict, new: dict, field_names: dict[str, str]) -> list[str]:
        before, after = old.get(key), new.get(key)
        return [] if before == after else [f"{part.in_amendments}: “{before or NOT_STATED}” → “{after or NOT_STATED}”"]
    return compare


def _related(part: Part, old: dict, new: dict, field_names: dict[str, str]) -> list[str]:
    before, after = old.get("related") or [], new.get("related") or []
    return ([f"{part.in_amendments}: bổ sung “{k}”" for k in after if k not in before]
            + [f"{part.in_amendments}: bỏ “{k}”" for k in before if k not in after])


def _workflow(part: Part, old: dict, new: dict, field_names: dict[str, str]) -> list[str]:
    changed = (old.get("internal_workflow") or []) != (new.get("internal_workflow") or [])
    return [f"{part.in_amendments}: sửa đổi"] if changed else []


# Parts that are not simple, compared by key.
_STRUCTURED: dict[str, Callable[[Part, dict, dict, dict[str, str]], list[str]]] = {
    "level": _level, "field": _field, "online": _online, "steps": _steps, "channels": _channels,
    "dossier": _dossier, "agencies": _agencies, "legal_basis": _legal_basis, "internal_workflow": _workflow,
    "decision": _text("decision"), "related": _related,
}
