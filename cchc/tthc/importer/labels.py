"""The portal's labels and value formats, and the mapper from label–value rows to v2 record data.

Every reader (Word export, saved detail page, spreadsheet) ends up with "label → value" pairs
in the portal's wording; this module is the one place that knows what each label means, so
the three readers cannot disagree. Principle (README, "Mẫu hồ sơ v2"): copy what the source
says and nothing more — a value that cannot be parsed without guessing is kept as text and
its path reported (``Imported.as_text``), a value the source leaves empty or marks
"Không có thông tin" leaves the key absent.
"""

from __future__ import annotations

import re
import unicodedata

from cchc.core.dates import written_date
from cchc.core.text import fold

from .model import Imported

# A nested table: rows of cell strings, the first row its header. A row of one cell in a table
# of several columns is a heading spanning the table (e.g. a dossier case "I- Hồ sơ hành chính…").
Table = list[list[str]]
Value = str | Table


def normalise(label: str) -> str:
    """Accent-free, lower-case, colon-free, single-spaced: "Thời hạn giải quyết:" == "THỜI HẠN GIẢI QUYẾT"."""
    text = fold(unicodedata.normalize("NFC", label or "")).replace(":", " ")
    return " ".join(text.split()).strip(" .*-")


# Portal label → v2 key (dotted for nested keys). Variants seen on provincial portals are listed
# next to the national wording.
_LABELS = {
    "Mã thủ tục": "code",
    "Mã TTHC": "code",
    "Mã thủ tục hành chính": "code",
    "Số quyết định": "decision",
    "Số quyết định công bố": "decision",
    "Tên thủ tục": "name",
    "Tên thủ tục hành chính": "name",
    "Tên TTHC": "name",
    "Cấp thực hiện": "level",
    "Loại thủ tục": "type",
    "Loại TTHC": "type",
    "Lĩnh vực": "field",
    "Trình tự thực hiện": "steps",
    "Cách thức thực hiện": "channels",
    "Thành phần hồ sơ": "dossier",
    "Thành phần, số lượng hồ sơ": "dossier",
    "Số lượng hồ sơ": "dossier.sets",
    "Số bộ hồ sơ": "dossier.sets",
    "Đối tượng thực hiện": "subjects",
    "Cơ quan thực hiện": "agencies.executing",
    "Cơ quan có thẩm quyền": "agencies.competent",
    "Cơ quan có thẩm quyền quyết định": "agencies.competent",
    "Cơ quan được ủy quyền": "agencies.delegated",
    "Cơ quan được uỷ quyền": "agencies.delegated",
    "Cơ quan phối hợp": "agencies.coordinating",
    "Địa chỉ tiếp nhận HS": "receiving_address",
    "Địa chỉ tiếp nhận hồ sơ": "receiving_address",
    "Địa chỉ cơ quan giải quyết": "receiving_address",
    "Kết quả thực hiện": "results",
    "Căn cứ pháp lý": "legal_basis",
    "Yêu cầu, điều kiện thực hiện": "conditions",
    "Yêu cầu, điều kiện": "conditions",
    "Yêu cầu điều kiện thực hiện": "conditions",
}
LABELS: dict[str, str] = {normalise(label): key for label, key in _LABELS.items()}

# The portal's own words for "nothing stated": the key stays absent (unknown is not none).
_NOT_STATED = {"", "khong co thong tin", "dang cap nhat", "chua co thong tin"}
# Explicit "none": an empty list for fees/conditions.
_NONE = {"khong", "khong co", "dong (khong)", "(khong)", "khong thu", "khong thu phi", "mien phi"}

_LEVELS = {"cap tinh": "tinh", "tinh": "tinh", "cap xa": "xa", "xa": "xa", "cap huyen": "huyen", "huyen": "huyen"}
_CHANNELS = (("truc tiep", "truc_tiep"), ("truc tuyen", "truc_tuyen"), ("buu chinh", "buu_chinh"))
_UNITS = {"ngay lam viec": "ngay_lam_viec", "ngay": "ngay", "gio": "gio", "thang": "thang"}
_FEE_KINDS = {"phi": "phi", "le phi": "le_phi", "muc gia": "muc_gia"}

# Key order of the schema, so an imported file reads like one an editor typed.
_ORDER = ["code", "decision", "portal_url", "level", "name", "type", "field", "steps", "steps_by_case", "channels",
          "dossier", "subjects", "agencies", "receiving_address", "receiving_hours", "results", "conditions",
          "legal_basis", "internal_workflow", "related", "online"]
_AGENCY_ORDER = ["competent", "executing", "delegated", "coordinating"]


def clean_lines(text: str) -> list[str]:
    """The non-empty lines of a cell, NFC, each with its runs of spaces (and NBSP) made one space."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = (" ".join(line.replace("\xa0", " ").split()) for line in text.split("\n"))
    return [line for line in lines if line]


def is_not_stated(text: str) -> bool:
    return normalise(text) in _NOT_STATED


def is_none(text: str) -> bool:
    return normalise(text) in _NONE


def parse_time(text: str) -> dict:
    """One duration: {value, unit} when the text is exactly a number and a unit, else {text}.

    "03 Ngày làm việc" → {value: 3, unit: ngay_lam_viec}; "0 ngày" → {value: 0, unit: ngay}.
    Prose ("30 ngày kể từ…", two durations) stays {text: …}: splitting it would be guessing.
    Empty or "Không có thông tin" → {} (nothing stated).
    """
    lines = clean_lines(text)
    if not lines or is_not_stated(" ".join(lines)):
        return {}
    whole = " ".join(lines)
    match = re.fullmatch(r"(\d{1,4})\s*([^\d]+?)\.?", fold(whole))
    if match and match.group(2).strip() in _UNITS:
        return {"value": int(match.group(1)), "unit": _UNITS[match.group(2).strip()]}
    return {"text": whole}


_MONEY = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d+)\s*(đồng|vnđ|vnd|đ)?(?=[\s(/]|$)\s*(.*)",
                    re.IGNORECASE | re.DOTALL)


def parse_fee(text: str) -> dict | None:
    """One fee line of the portal.

    "Phí : 500000 Đồng" → {kind: phi, amount: 500000}; "Lệ phí : 4.500.000 Đồng (Phí thẩm định)"
    → {kind: le_phi, amount: 4500000, description: "Phí thẩm định"}; "Mức giá : Không có thông tin"
    → {kind: muc_gia}; "430.000 Đồng" → {amount: 430000}; "700.000 đồng /lần/cơ sở" →
    {amount: 700000, unit: "/lần/cơ sở"}; anything else → {amount_text: …} (with kind if labelled).
    Returns None for an explicit "no fee" ("Phí : Đồng (không)", "Không"), {} for nothing stated.
    """
    whole = " ".join(clean_lines(text))
    kind = None
    rest = whole
    prefix, colon, after = whole.partition(":")
    if colon and normalise(prefix) in _FEE_KINDS:
        kind, rest = _FEE_KINDS[normalise(prefix)], after.strip()
    elif normalise(whole) in _FEE_KINDS:  # a bare "Phí" with nothing after it
        kind, rest = _FEE_KINDS[normalise(whole)], ""
    fee: dict = {"kind": kind} if kind else {}
    if is_not_stated(rest):
        return fee
    if is_none(rest):
        return None
    match = _MONEY.fullmatch(rest)
    if match:
        number, currency, tail = match.group(1), match.group(2), match.group(3).strip()
        digits = re.sub(r"[.,]", "", number)
        if not tail and (currency or number == digits):
            return {**fee, "amount": int(digits)}
        if currency and tail.startswith("(") and tail.endswith(")") and ")" not in tail[1:-1] and tail[1:-1].strip():
            return {**fee, "amount": int(digits), "description": tail[1:-1].strip()}
        if currency and tail.startswith("/") and len(tail) > 1:
            return {**fee, "amount": int(digits), "unit": tail}
    return {**fee, "amount_text": rest}


def parse_level(text: str) -> str | None:
    """"Cấp Tỉnh" → tinh, "Cấp Xã" → xa, "Cấp Huyện" → huyen; anything else (several levels, "Cấp Bộ") → None."""
    return _LEVELS.get(normalise(text))


def parse_channel(text: str) -> str | None:
    """"Trực tiếp" → truc_tiep, "Trực tuyến" → truc_tuyen, "Dịch vụ bưu chính" → buu_chinh; else None.

    A cell naming two channels is None too: which row belongs to which would be a guess.
    """
    folded = normalise(text)
    found = [key for words, key in _CHANNELS if words in folded]
    return found[0] if len(found) == 1 else None


def _column(header: list[str], *words: str) -> int | None:
    for index, cell in enumerate(header):
        folded = normalise(cell)
        if any(word in folded for word in words):
            return index
    return None


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def _text(value: Value) -> str:
    """A value as text: a nested table where text was expected is read row by row."""
    if isinstance(value, str):
        return value
    return "\n".join(" ".join(cell for cell in row if cell) for row in value)


def _one_line(value: Value) -> str:
    return " ".join(clean_lines(_text(value)))


class _Builder:
    def __init__(self, source: str):
        self.source = source
        self.data: dict = {}
        self.as_text: list[str] = []
        self.skipped: list[str] = []
        self.seen: set[str] = set()

    # -- simple values -------------------------------------------------------------------------

    def put(self, key: str, value: Value, label: str) -> None:
        path = key.split(".")
        target = self.data
        for part in path[:-1]:
            target = target.setdefault(part, {})
        if key in self.seen:
            self.skipped.append(f"Nhãn “{label}” xuất hiện lần nữa; chỉ lấy lần đầu.")
            return
        self.seen.add(key)
        handler = getattr(self, "_" + key.replace(".", "_"), None)
        if handler is not None:
            handler(value, label)
            return
        if key.startswith("agencies."):
            # Agencies keep their lines: "several agencies across levels" reads better line by line.
            text = "\n".join(clean_lines(_text(value)))
        else:
            text = _one_line(value)
        if not is_not_stated(text):
            target[path[-1]] = text

    def _level(self, value: Value, label: str) -> None:
        text = _one_line(value)
        if is_not_stated(text):
            return
        level = parse_level(text)
        if level:
            self.data["level"] = level
        else:
            self.skipped.append(f"“{label}: {text}” không phải Cấp Tỉnh, Cấp Xã hay Cấp Huyện; chưa nhập cấp.")

    def _steps(self, value: Value, label: str) -> None:
        lines = clean_lines(_text(value))
        if not lines or is_not_stated(" ".join(lines)):
            return
        starts = [bool(re.match(r"(buoc\s*\d+|\d+\s*[.)/:])", fold(line))) for line in lines]
        if not any(starts):
            # No "Bước N": each paragraph is a step, as the source lays them out.
            self.data["steps"] = lines
            return
        steps: list[list[str]] = []
        for line, start in zip(lines, starts, strict=True):
            if start or not steps:
                steps.append([line])
            else:
                steps[-1].append(line)  # "- Trường hợp…" sub-items stay in their step
        self.data["steps"] = ["\n".join(step) for step in steps]

    def _lines_list(self, key: str, value: Value, *, none_allowed: bool) -> None:
        lines = clean_lines(_text(value))
        if not lines or is_not_stated(" ".join(lines)):
            return
        if none_allowed and is_none(" ".join(lines)):
            self.data[key] = []
            return
        self.data[key] = lines

    def _subjects(self, value: Value, label: str) -> None:
        self._lines_list("subjects", value, none_allowed=False)

    def _results(self, value: Value, label: str) -> None:
        self._lines_list("results", value, none_allowed=False)

    def _conditions(self, value: Value, label: str) -> None:
        self._lines_list("conditions", value, none_allowed=True)

    # -- nested tables -------------------------------------------------------------------------

    def _channels(self, value: Value, label: str) -> None:
        if isinstance(value, str):
            if not is_not_stated(_one_line(value)):
                self.skipped.append(f"“{label}” không ở dạng bảng (Hình thức nộp · Thời hạn · Phí, lệ phí · Mô tả); chưa nhập.")
            return
        header, rows = value[0], value[1:]
        cols = {
            "channel": _column(header, "hinh thuc"),
            "time": _column(header, "thoi han"),
            "fees": _column(header, "phi", "le phi", "muc gia"),
            "description": _column(header, "mo ta"),
        }
        if cols["channel"] is None:
            self.skipped.append(f"Bảng “{label}” không có cột “Hình thức nộp”; chưa nhập.")
            return
        channels: list[dict] = []
        for row in rows:
            if len(row) == 1 and len(header) > 1 or not any(row):
                continue
            name = _one_line(_cell(row, cols["channel"]))
            channel = parse_channel(name)
            if channel is None:
                self.skipped.append(f"Dòng “{' · '.join(row)}” của “{label}”: hình thức “{name}” không phải Trực tiếp, Trực tuyến hay Dịch vụ bưu chính; chưa nhập.")
                continue
            item: dict = {"channel": channel}
            path = f"channels[{len(channels)}]"
            times = [time for time in map(parse_time, clean_lines(_cell(row, cols["time"]))) if time]
            for index, time in enumerate(times):
                if "text" in time:
                    self.as_text.append(f"{path}.times[{index}]")
            if times:
                item["times"] = times
            fees = self._fees(_cell(row, cols["fees"]), path)
            if fees is not None:
                item["fees"] = fees
            description = "\n".join(clean_lines(_cell(row, cols["description"])))
            if not is_not_stated(description):
                item["description"] = description
            channels.append(item)
        if channels:
            self.data["channels"] = channels

    def _fees(self, cell: str, path: str) -> list[dict] | None:
        """The fees of one channel row: None if the cell states nothing, [] if it states "none"."""
        lines = clean_lines(cell)
        if not lines or is_not_stated(" ".join(lines)):
            return None
        fees: list[dict] = []
        explicit_none = False
        for line in lines:
            fee = parse_fee(line)
            if fee is None:
                explicit_none = True
            elif fee:
                if "amount_text" in fee:
                    self.as_text.append(f"{path}.fees[{len(fees)}]")
                fees.append(fee)
        if fees or explicit_none:
            return fees
        return None

    def _dossier(self, value: Value, label: str) -> None:
        cases: list[dict] = []
        if isinstance(value, str):
            lines = clean_lines(value)
            if lines and not is_not_stated(" ".join(lines)):
                cases.append({"documents": [{"name": line} for line in lines]})
        else:
            header, rows = value[0], value[1:]
            cols = {
                "name": _column(header, "ten giay to", "ten ho so", "thanh phan"),
                "form": _column(header, "mau don", "to khai"),
                "count": _column(header, "so luong"),
            }
            if cols["name"] is None:
                cols["name"] = 0
            for row in rows:
                if not any(row):
                    continue
                if len(row) == 1 and len(header) > 1:
                    cases.append({"case": _one_line(row[0]), "documents": []})
                    continue
                if not cases:
                    cases.append({"documents": []})
                self._document(row, cols, cases, len(cases) - 1)
        kept = []
        for case in cases:
            if case["documents"]:
                kept.append(case)
            else:
                self.skipped.append(f"Tiêu đề “{case['case']}” trong “{label}” không có giấy tờ nào đi kèm; chưa nhập.")
        if kept:
            self.data.setdefault("dossier", {})["cases"] = kept

    def _document(self, row: list[str], cols: dict, cases: list[dict], case_index: int) -> None:
        documents = cases[case_index]["documents"]
        name = _one_line(_cell(row, cols["name"]))
        if not name:
            self.skipped.append(f"Dòng hồ sơ “{' · '.join(row)}” không có tên giấy tờ; chưa nhập.")
            return
        document: dict = {"name": name}
        form = "\n".join(clean_lines(_cell(row, cols["form"])))
        if form and not is_not_stated(form):
            # The source names the form file; the file itself is not downloaded, so it is kept as
            # the form's name, not as a path the build would look for.
            document["form_name"] = form
        count = _one_line(_cell(row, cols["count"]))
        if count and not is_not_stated(count):
            folded = fold(count)
            match = re.fullmatch(r"ban chinh\s*:\s*(\d+)\s*[-,;]?\s*ban sao\s*:\s*(\d+)", folded)
            if match:
                document["originals"], document["copies"] = int(match.group(1)), int(match.group(2))
            else:
                document["count_text"] = count
                self.as_text.append(f"dossier.cases[{case_index}].documents[{len(documents)}]")
        documents.append(document)

    def _dossier_sets(self, value: Value, label: str) -> None:
        text = _one_line(value)
        if is_not_stated(text):
            return
        dossier = self.data.setdefault("dossier", {})
        match = re.fullmatch(r"0*([1-9]\d*)\s*bo\.?", fold(text))
        if match:
            dossier["sets"] = int(match.group(1))
        else:
            dossier["sets_text"] = text
            self.as_text.append("dossier.sets_text")

    def _legal_basis(self, value: Value, label: str) -> None:
        items: list[dict] = []
        if isinstance(value, str):
            # A plain list: the number is not split from the title ("Luật 11/2008/QH12-Hoạt động
            # chữ thập đỏ"), so each line is kept whole as the title.
            lines = clean_lines(value)
            if lines and not is_not_stated(" ".join(lines)):
                items = [{"title": line} for line in lines]
        else:
            header, rows = value[0], value[1:]
            cols = {
                "number": _column(header, "so ky hieu", "so hieu"),
                "title": _column(header, "trich yeu", "ten van ban"),
                "date": _column(header, "ngay ban hanh"),
                "issuer": _column(header, "co quan ban hanh"),
            }
            for row in rows:
                if len(row) == 1 and len(header) > 1:
                    continue
                item = {key: _one_line(_cell(row, index)) for key, index in cols.items()}
                item = {key: text for key, text in item.items() if text and not is_not_stated(text)}
                if "date" in item:
                    item["date"] = written_date(item["date"])
                if item:
                    items.append(item)
        if items:
            self.data["legal_basis"] = items

    # -- result --------------------------------------------------------------------------------

    def result(self) -> Imported:
        data = {key: self.data[key] for key in _ORDER if key in self.data}
        data.update({key: value for key, value in self.data.items() if key not in data})
        if "agencies" in data:
            agencies = data["agencies"]
            data["agencies"] = {key: agencies[key] for key in _AGENCY_ORDER if key in agencies}
            if not data["agencies"]:
                del data["agencies"]
        if "dossier" in data and not data["dossier"]:
            del data["dossier"]
        return Imported(source=self.source, data=data, as_text=self.as_text, skipped=self.skipped)


def record_from_rows(rows: list[tuple[str, Value]], source: str) -> Imported:
    """One v2 record from the source's label–value rows, in the source's order.

    Unknown labels are reported in ``skipped``; a label given twice keeps its first value.
    """
    builder = _Builder(source)
    for label, value in rows:
        key = LABELS.get(normalise(label))
        if key is None:
            if not is_not_stated(_one_line(value)):
                builder.skipped.append(f"Bỏ qua nhãn không biết: “{' '.join(clean_lines(label))}”.")
            continue
        builder.put(key, value, " ".join(clean_lines(label)).rstrip(" :"))
    return builder.result()


def records_from_rows(rows: list[tuple[str, Value]], source: str) -> list[Imported]:
    """Several records when the rows describe several procedures: a repeated name or code starts the next one."""
    groups: list[list[tuple[str, Value]]] = [[]]
    seen: set[str] = set()
    for label, value in rows:
        key = LABELS.get(normalise(label))
        if key in ("name", "code") and key in seen:
            groups.append([])
            seen = set()
        if key:
            seen.add(key)
        groups[-1].append((label, value))
    return [record_from_rows(group, source) for group in groups if group]
