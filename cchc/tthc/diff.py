"""What an amendment changed, part by part, in words a citizen reads.

Works on the plain data of two versions of a record (as loaded from YAML),
so an old version never needs to pass today's validation.
"""

from __future__ import annotations

from typing import Any

from cchc.tthc.model import CHANNELS, LEVELS, ONLINE, UNITS, format_money

_TEXT_PARTS = [
    ("name", "Tên thủ tục"),
    ("type", "Loại thủ tục"),
    ("receiving_address", "Địa chỉ tiếp nhận hồ sơ"),
]
_LIST_PARTS = [
    ("subjects", "Đối tượng thực hiện"),
    ("results", "Kết quả thực hiện"),
    ("conditions", "Yêu cầu, điều kiện"),
]
_AGENCIES = {"competent": "Cơ quan có thẩm quyền", "executing": "Cơ quan thực hiện",
             "delegated": "Cơ quan được ủy quyền", "coordinating": "Cơ quan phối hợp"}


def _time(value: dict | None) -> str:
    if not isinstance(value, dict):
        return "không ghi"
    return f"{value.get('value')} {UNITS.get(value.get('unit'), value.get('unit'))}"


def _fees(channel: dict) -> str:
    parts = []
    for fee in channel.get("fees") or []:
        amount = fee.get("amount")
        parts.append(format_money(amount) if isinstance(amount, int) else str(fee.get("amount_text", "")))
    return ", ".join(parts) or "không thu"


def _documents(data: dict) -> dict[str, dict]:
    out = {}
    for case in (data.get("dossier") or {}).get("cases") or []:
        for doc in case.get("documents") or []:
            name = " ".join(str(doc.get("name", "")).split())
            key = f"{case.get('case', '')}|{name}"
            out[key] = {**doc, "case": case.get("case", ""), "name": name}
    return out


def _steps(data: dict) -> list:
    return data.get("steps") or data.get("steps_by_case") or []


def diff_records(old: dict[str, Any], new: dict[str, Any], field_names: dict[str, str]) -> list[str]:
    """Lines such as "Thời hạn giải quyết (Trực tiếp): 20 ngày → 15 ngày làm việc"."""
    lines: list[str] = []
    for key, label in _TEXT_PARTS:
        if old.get(key) != new.get(key):
            lines.append(f"{label}: “{old.get(key)}” → “{new.get(key)}”")
    if old.get("field") != new.get("field"):
        lines.append(f"Lĩnh vực: {field_names.get(old.get('field'), old.get('field'))} → "
                     f"{field_names.get(new.get('field'), new.get('field'))}")
    if old.get("level") != new.get("level"):
        lines.append(f"Cấp thực hiện: {LEVELS.get(old.get('level'))} → {LEVELS.get(new.get('level'))}")
    if _steps(old) != _steps(new):
        lines.append(f"Trình tự thực hiện: sửa đổi ({_count_steps(old)} → {_count_steps(new)} bước)")
    lines += _channel_lines(old, new)
    lines += _dossier_lines(old, new)
    for key, label in _LIST_PARTS:
        before, after = old.get(key) or [], new.get(key) or []
        for item in after:
            if item not in before:
                lines.append(f"{label}: bổ sung “{item}”")
        for item in before:
            if item not in after:
                lines.append(f"{label}: bỏ “{item}”")
    old_agencies, new_agencies = old.get("agencies") or {}, new.get("agencies") or {}
    for key, label in _AGENCIES.items():
        if old_agencies.get(key) != new_agencies.get(key):
            lines.append(f"{label}: “{old_agencies.get(key) or 'không'}” → “{new_agencies.get(key) or 'không'}”")
    old_legal = {doc.get("number"): doc for doc in old.get("legal_basis") or []}
    new_legal = {doc.get("number"): doc for doc in new.get("legal_basis") or []}
    lines += [f"Căn cứ pháp lý: bổ sung {n} ({new_legal[n].get('title')})" for n in new_legal if n not in old_legal]
    lines += [f"Căn cứ pháp lý: bỏ {n}" for n in old_legal if n not in new_legal]
    old_online, new_online = (old.get("online") or {}).get("level"), (new.get("online") or {}).get("level")
    if old_online != new_online:
        lines.append(f"Dịch vụ công trực tuyến: {ONLINE.get(old_online, 'không')} → {ONLINE.get(new_online, 'không')}")
    if (old.get("internal_workflow") or []) != (new.get("internal_workflow") or []):
        lines.append("Quy trình nội bộ: sửa đổi")
    return lines


def _count_steps(data: dict) -> int:
    return sum(len(s.get("steps", [])) if isinstance(s, dict) else 1 for s in _steps(data))


def _channel_lines(old: dict, new: dict) -> list[str]:
    lines = []
    before = {c.get("channel"): c for c in old.get("channels") or []}
    after = {c.get("channel"): c for c in new.get("channels") or []}
    for key in [*after, *(k for k in before if k not in after)]:
        label = CHANNELS.get(key, key)
        if key not in before:
            lines.append(f"Cách thức thực hiện: bổ sung {label} ({_time(after[key].get('time'))})")
        elif key not in after:
            lines.append(f"Cách thức thực hiện: bỏ {label}")
        else:
            if before[key].get("time") != after[key].get("time"):
                lines.append(f"Thời hạn giải quyết ({label}): {_time(before[key].get('time'))} → "
                             f"{_time(after[key].get('time'))}")
            if _fees(before[key]) != _fees(after[key]):
                lines.append(f"Phí, lệ phí ({label}): {_fees(before[key])} → {_fees(after[key])}")
    return lines


def _dossier_lines(old: dict, new: dict) -> list[str]:
    lines = []
    before, after = _documents(old), _documents(new)
    for key, doc in after.items():
        case = f" ({doc['case']})" if doc["case"] else ""
        if key not in before:
            lines.append(f"Thành phần hồ sơ{case}: bổ sung “{doc['name']}”")
            continue
        was = before[key]
        if (was.get("originals"), was.get("copies")) != (doc.get("originals"), doc.get("copies")):
            lines.append(f"Thành phần hồ sơ{case}: “{doc['name']}” từ bản chính {was.get('originals')}, bản sao "
                         f"{was.get('copies')} → bản chính {doc.get('originals')}, bản sao {doc.get('copies')}")
        if was.get("form") != doc.get("form"):
            lines.append(f"Thành phần hồ sơ{case}: “{doc['name']}” thay mẫu đơn, tờ khai")
    for key, doc in before.items():
        if key not in after:
            case = f" ({doc['case']})" if doc["case"] else ""
            lines.append(f"Thành phần hồ sơ{case}: bỏ “{doc['name']}”")
    old_sets = (old.get("dossier") or {}).get("sets")
    new_sets = (new.get("dossier") or {}).get("sets")
    if old_sets != new_sets:
        lines.append(f"Số bộ hồ sơ: {old_sets} → {new_sets}")
    return lines
