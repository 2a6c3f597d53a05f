"""`python -m cchc nhap-ket-qua`: one month's figures from the one-stop system's spreadsheet export.

The export is the standard monthly report "Tình hình giải quyết thủ tục hành chính" (Biểu mẫu 06a/VPCP/KSTT
and its provincial variants): a title block naming the month, two to four header rows with merged cells,
often a row of column numbers (1) (2) (3)…, one row per field and a "Tổng cộng" row. Columns are found by
their labels, never by position, and each label is read with its parents ("Tổng số" and "Quá hạn" appear
under several of them).

Faithfulness first: a blank cell is never read as 0, a text is never guessed into a number, and a field the
site does not list is an error, not a skipped row. The file is written only once it passes the very checks
the build runs (cchc.results.load), so an import never leaves a month `make check` rejects.
"""

from __future__ import annotations

import argparse
import calendar
import difflib
import re
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cchc.core import layout
from cchc.core.dates import build_now
from cchc.core.errors import Report
from cchc.core.files import write_atomically
from cchc.core.terms import TermIndex, load_terms
from cchc.core.text import fold
from cchc.results import words
from cchc.results.load import labels, load_results
from cchc.results.model import COLUMNS, OPTIONAL, Month
from cchc.tthc.importer.model import UnreadableInput, check_size
from cchc.tthc.importer.run import _dump
from cchc.tthc.importer.sheet import HEADER_SEARCH_ROWS, _cell_text, _Table, _words, _xlsx_tables
from cchc.tthc.model import Field

HEADER = "# yaml-language-server: $schema=../../schemas/results.schema.json\n"
REQUIRED = tuple(key for key in COLUMNS if key not in OPTIONAL)
MAX_HEADER_ROWS = 6  # the deepest standard layout has four; more is a title block read as a header
_MONTH_ARG = re.compile(r"^(\d{4})-(\d{2})$")

# Header labels, as regular expressions over a cell's folded words (see _header_words: accents, case,
# punctuation, "(…)", a leading "Số"/"Trong đó" and the words "hồ sơ" are gone). A column is read by the
# nearest group above it and its own label, so "Tổng số" and "Quá hạn" mean what their parent says.
_GROUPS = {
    "received": r"(?:tong (?:so )?)?(?:nhan|tiep nhan)(?: giai quyet)?(?: trong ky)?",  # Số hồ sơ nhận giải quyết
    "new": r"moi (?:nhan|tiep nhan)(?: trong ky)?",  # Số mới tiếp nhận (online | direct below it)
    "settled": r"(?:tong (?:so )?)?da giai quyet(?: xong)?",  # Số hồ sơ đã giải quyết
    "pending": r"(?:tong (?:so )?)?dang giai quyet",  # Số hồ sơ đang giải quyết
    "returned": r"tra lai(?: rut)?|rut(?: tra lai)?|tra lai (?:hoac|va) rut",  # Số hồ sơ trả lại, rút hồ sơ
}
# The column a group's own cell stands for when nothing is below it (the "new" total is not in the schema).
_GROUP_TOTAL = {"received": "received", "new": None, "settled": "settled", "pending": "pending",
                "returned": "returned"}
_ONLINE = r"(?:(?:moi )?(?:tiep nhan|nhan) )?(?:trong ky )?truc tuyen"
_DIRECT = (r"(?:(?:moi )?(?:tiep nhan|nhan) )?(?:trong ky )?truc tiep(?: (?:va|hoac))?(?: qua)?(?: dich vu)?"
           r"(?: buu chinh)?(?: cong ich)?")
_LEAVES = {
    "received": {"received": r"tong(?: so| cong)?",
                 "carried_over": r"(?:tu )?ky truoc chuyen (?:qua|sang)|ton(?: tu)? ky truoc(?: chuyen (?:qua|sang))?",
                 "received_online": _ONLINE, "received_direct": _DIRECT},
    "new": {"received_online": _ONLINE, "received_direct": _DIRECT},
    "settled": {"settled": r"tong(?: so| cong)?",
                "settled_early": r"(?:tra )?(?:ket qua )?truoc (?:thoi )?han",
                "settled_on_time": r"(?:tra )?(?:ket qua )?(?:dung|trong) (?:thoi )?han",
                "settled_late": r"(?:tra )?(?:ket qua )?(?:da )?(?:qua|tre) (?:thoi )?han"},
    "pending": {"pending": r"tong(?: so| cong)?",
                "pending_on_time": r"chua den han|chua qua han|(?:con|trong) (?:thoi )?han",
                "pending_overdue": r"(?:da )?qua (?:thoi )?han"},
    "returned": {"returned": r"tong(?: so| cong)?"},
}
_FIELD_LABEL = re.compile(r"(?:ten )?linh vuc\b.*")  # Lĩnh vực; Lĩnh vực, công việc giải quyết theo cấp
_STT_LABEL = re.compile(r"stt|tt|thu tu")
_TOTAL_LABEL = re.compile(r"tong cong(?: .*)?|tong so|tong|cong")
# A row of column numbers under the header: (1) (2) (3)=(4)+(5)+(6), or A B 1 2 3.
_COLUMN_NUMBER = re.compile(r"\(?\s*[a-z0-9]{1,3}\s*\)?(?:\s*[=+\-]\s*\(?\s*[a-z0-9]{1,3}\s*\)?)*", re.IGNORECASE)
_INTEGER = re.compile(r"\d+|\d{1,3}(?:\.\d{3})+")  # 1234, or 1.234 as Vietnamese writes thousands
_NUMERIC = re.compile(r"[-+]?\d[\d.,\s]*")  # looks like a number, to tell a figure row from a heading

# The month in the title block. "ngày 05 tháng 11 năm 2026" (where and when the report was signed) is not it.
_DATE = r"(\d{1,2})\s*(?:[/.-]|thang)\s*(\d{1,2})\s*(?:[/.-]|nam)\s*(\d{4})"
_RANGE = re.compile(rf"tu\s*(?:ngay\s*)?{_DATE}\s*(?:den|-)\s*(?:ngay\s*)?{_DATE}")
_MONTH = re.compile(r"thang\s*(\d{1,2})\s*(?:nam\s*|[/.-]\s*)(\d{4})")
_SIGNED_BEFORE = re.compile(r"ngay\s*\d{1,2}\s*$")


class ImportFailed(Exception):
    """Nothing was written; ``problems`` (Vietnamese, one a line) say why, every one of them."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Written:
    path: Path
    month: Month  # as the build loads it (loaded from a scratch copy: its source and path are not the file's)
    fields: int
    total_stated: bool
    notes: list[str] = field(default_factory=list)


@dataclass
class _Column:
    position: int  # 0-based
    key: str | None
    path: list[str]  # the header cells above it, as written

    @property
    def letter(self) -> str:
        return _letter(self.position)

    @property
    def title(self) -> str:
        return " › ".join(" ".join(part.split()) for part in self.path)


@dataclass
class _Row:
    number: int  # the sheet's row number
    label_at: str  # the column (letter) of the cell that names it: Lĩnh vực, or STT for a merged "Tổng cộng"
    values: dict[str, int]


@dataclass
class _Read:
    """What the sheet says, cell by cell, before any of it becomes YAML."""

    sheet: str
    columns: dict[str, _Column]
    fields: list[tuple[Field, _Row]]
    total: _Row | None
    title_months: list[tuple[tuple[int, int] | None, str, str]]  # (year, month) or None: a non-month period
    notes: list[str]


# ---------------------------------------------------------------------------------------------------------
# Reading the sheet


def _raw(value: Any) -> Any:
    """Numbers stay numbers (12.0 and 12.5 must stay apart from the text "12.5"); everything else is text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return _cell_text(value)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else _cell_text(value)


def _header_words(text: str) -> str:
    words_ = _words(re.sub(r"\([^)]*\)", " ", text))
    words_ = re.sub(r"^trong do\b", "", words_)
    words_ = " ".join(re.sub(r"\bho so\b", " ", words_).split())
    return re.sub(r"^(?:so luong|so)\b\s*", "", words_)


def _group_of(words_: str) -> str | None:
    return next((group for group, pattern in _GROUPS.items() if re.fullmatch(pattern, words_)), None)


def _column_key(segments: list[str]) -> tuple[str | None, bool]:
    """The schema key of a column from its header path (folded words, top to bottom), and whether the path
    is one of the report's at all (a known group's "new" total is the report's, yet not in the schema)."""
    groups = [(index, group) for index, words_ in enumerate(segments) if (group := _group_of(words_))]
    leaf = segments[-1]
    if groups:
        index, group = groups[-1]  # the nearest group: "Số mới tiếp nhận" under "Số hồ sơ nhận giải quyết"
        if index == len(segments) - 1:
            return _GROUP_TOTAL[group], True
        for key, pattern in _LEAVES[group].items():
            if re.fullmatch(pattern, leaf):
                return key, True
        return None, False
    # No group above it: only a label that means one column wherever it stands ("Tổng số" does not).
    found = {key for leaves in _LEAVES.values() for key, pattern in leaves.items() if re.fullmatch(pattern, leaf)}
    return (found.pop(), True) if len(found) == 1 else (None, False)


def _is_column_number(value: Any) -> bool:
    if isinstance(value, (int, float)):
        return 0 < value < 100 and float(value).is_integer()
    return bool(value) and bool(_COLUMN_NUMBER.fullmatch(value))


def _letter(position: int) -> str:
    """Column B for position 1. openpyxl is imported here only: every other command of the CLI goes without it."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


def _at(cells: list[Any], position: int | None) -> Any:
    """A row's cell; "" past its last filled cell (openpyxl stops each row there)."""
    return cells[position] if position is not None and position < len(cells) else ""


def _sheet_name(sheet: str) -> str:
    """As Excel writes it in a reference: quoted when it has spaces or punctuation ('Báo cáo T10')."""
    return sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"


def _cell_ref(sheet: str, column: int, row: int) -> str:
    """Sheet1!B9, as the editor finds it in Excel's name box."""
    return f"{_sheet_name(sheet)}!{_letter(column)}{row}"


class _SheetReader:
    def __init__(self, source: str, table: _Table, header_at: int, fields: TermIndex[Field]):
        self.source, self.table, self.fields = source, table, fields
        self.rows = list(table.rows)
        self.header_at = header_at  # index into self.rows
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.names: dict[str, Field] = {}  # folded name or slug → field
        for term in fields:
            for key in (_words(term.name), term.slug):
                self.names.setdefault(key, term)

    def problem(self, column: int | None, row: int | None, message: str) -> None:
        where = _cell_ref(self.table.name, column, row) if column is not None and row is not None else self.table.name
        self.problems.append(f"{self.source}: {where}: {message}")

    # -- the header ----------------------------------------------------------------------------------------

    def header(self) -> tuple[dict[str, _Column], int | None, int | None, int]:
        """The columns by key, the "Lĩnh vực" and STT positions, and the index of the first row below the header."""
        first_number, first_cells = self.rows[self.header_at]
        field_at = next(i for i, cell in enumerate(first_cells) if _FIELD_LABEL.fullmatch(_header_words(_text(cell))))
        last_number = first_number
        for min_col, min_row, _, max_row in self.table.merges:  # the "Lĩnh vực" cell spans the header's rows
            if min_row == first_number and min_col == field_at + 1:
                last_number = max(last_number, min(max_row, first_number + MAX_HEADER_ROWS - 1))
        end = self.header_at + 1
        while end < len(self.rows) and self.rows[end][0] <= last_number:
            end += 1
        # A header whose cells were unmerged: the rows below the "Lĩnh vực" row with text only, none in that
        # column. (Below a merged "Lĩnh vực" cell such a row is a heading of the table, "I. Cấp tỉnh".)
        while (last_number == first_number and end < len(self.rows)
               and self.rows[end][0] < first_number + MAX_HEADER_ROWS and self._sub_header(self.rows[end][1], field_at)):
            end += 1
        header_rows = self.rows[self.header_at:end]
        grid = self._grid(header_rows)
        width = max(len(cells) for cells in grid.values())
        columns: dict[str, _Column] = {}
        stt_at = None
        for position in range(width):
            path: list[str] = []
            for number, _ in header_rows:
                text = grid[number][position] if position < len(grid[number]) else ""
                if text and (not path or path[-1] != text):  # a vertical merge repeats its text
                    path.append(text)
            segments = [words_ for words_ in map(_header_words, path) if words_]
            if not segments or position == field_at:
                continue
            if _STT_LABEL.fullmatch(segments[0]):
                stt_at = position if stt_at is None else stt_at
                continue
            key, known = _column_key(segments)
            column = _Column(position, key, path)
            if key is None:
                kind = "không có trong mẫu số liệu của trang" if known else "không nhận ra"
                self.notes.append(f"cột {column.letter} “{column.title}”: {kind}, không nhập")
            elif key in columns:
                self.problem(None, None, f"hai cột cùng là “{labels()[key]}”: cột {columns[key].letter} "
                                         f"“{columns[key].title}” và cột {column.letter} “{column.title}”; "
                                         "xoá hoặc sửa tiêu đề một cột")
            else:
                columns[key] = column
        for key in REQUIRED:
            if key not in columns:
                self.problem(None, None, f"không thấy cột “{labels()[key]}” ({_expected(key)}) dưới dòng tiêu đề "
                                         f"ở dòng {first_number}; bảng phải có đủ các cột của mẫu báo cáo")
        # The row of column numbers, (1) (2) (3)…, right below the header. Its "Lĩnh vực" cell is numbered
        # too, so a row of figures whose field was left blank is never taken for it.
        if end < len(self.rows):
            cells = self.rows[end][1]
            filled = [cell for cell in cells if cell not in ("", None)]
            if (field_at < len(cells) and _is_column_number(cells[field_at])
                    and all(_is_column_number(cell) for cell in filled)):
                end += 1
        return columns, field_at, stt_at, end

    def _sub_header(self, cells: list[Any], field_at: int) -> bool:
        filled = [cell for cell in cells if cell not in ("", None)]
        return (bool(filled) and (field_at >= len(cells) or cells[field_at] in ("", None))
                and all(isinstance(cell, str) and not _is_column_number(cell) for cell in filled))

    def _grid(self, header_rows: list[tuple[int, list[Any]]]) -> dict[int, list[str]]:
        """The header's texts with every merged cell's text in each cell it covers (a group over its columns)."""
        grid = {number: [_text(cell) for cell in cells] for number, cells in header_rows}
        for min_col, min_row, max_col, max_row in self.table.merges:
            top = grid.get(min_row)
            if top is None or min_col - 1 >= len(top) or not top[min_col - 1]:
                continue
            for number in range(min_row, max_row + 1):
                cells = grid.get(number)
                if cells is None:
                    continue
                cells.extend([""] * (max_col - len(cells)))
                for position in range(min_col - 1, max_col):
                    cells[position] = cells[position] or top[min_col - 1]
        return grid

    # -- the rows ------------------------------------------------------------------------------------------

    def body(self, columns: dict[str, _Column], field_at: int, stt_at: int | None, start: int
             ) -> tuple[list[tuple[Field, _Row]], _Row | None]:
        found: list[tuple[Field, _Row]] = []
        total: _Row | None = None
        seen: dict[str, int] = {}
        skipped: list[tuple[int, str]] = []  # rows with text and no figure, noted if inside the table
        last_data = 0
        for number, cells in self.rows[start:]:
            label, label_at = _text(_at(cells, field_at)), field_at
            stt = _at(cells, stt_at)
            if not label and isinstance(stt, str) and stt:
                label, label_at = stt, stt_at  # "Tổng cộng" merged over STT and Lĩnh vực
            figures = {key: _at(cells, column.position) for key, column in columns.items()}
            numeric = any(isinstance(v, (int, float)) or (isinstance(v, str) and _NUMERIC.fullmatch(v))
                          for v in figures.values())
            term = self._field(label)
            is_total = term is None and bool(_TOTAL_LABEL.fullmatch(_words(label)))
            if term is None and not is_total:
                if numeric:
                    self._unknown(label, label_at, number)
                    last_data = number
                elif label or any(figures.values()):
                    skipped.append((number, label or next(str(v) for v in figures.values() if v)))
                continue
            last_data = number
            row = self._figures(figures, columns, number, label_at, label)
            if is_total:
                if total is not None:
                    self.problem(label_at, number, f"bảng có hai dòng tổng cộng (dòng {total.number} và dòng "
                                                   f"{number}); để lại một")
                    continue
                total = row
            elif term.slug in seen:
                self.problem(label_at, number, f"lĩnh vực “{term.name}” đã có ở dòng {seen[term.slug]}; "
                                               "mỗi lĩnh vực một dòng")
            else:
                seen[term.slug] = number
                found.append((term, row))
        for number, text in skipped:
            if number < last_data:  # a heading inside the table ("I. Lĩnh vực Dược"); the footer is not noted
                self.notes.append(f"dòng {number} “{' '.join(text.split())}”: không phải lĩnh vực và không có số, "
                                  "bỏ qua")
        return found, total

    def _field(self, label: str) -> Field | None:
        if not label:
            return None
        key = _words(label)
        return (self.names.get(key) or self.names.get(label.strip())
                or self.names.get(re.sub(r"^linh vuc\s+", "", key)))  # "Lĩnh vực Dược phẩm"

    def _unknown(self, label: str, label_at: int, number: int) -> None:
        if not label:
            self.problem(label_at, number, "dòng có số hồ sơ nhưng không ghi lĩnh vực; ghi tên lĩnh vực "
                                           f"như trong content/{layout.FIELDS_FILE}")
            return
        names = {_words(term.name): term.name for term in self.fields}
        close = difflib.get_close_matches(_words(label), list(names), n=1, cutoff=0.6)
        hint = f"có phải “{names[close[0]]}”? " if close else ""
        known = "; ".join(term.name for term in self.fields) or "(chưa có lĩnh vực nào)"
        self.problem(label_at, number, f"lĩnh vực “{label}” không có trong content/{layout.FIELDS_FILE}; {hint}"
                                       f"dùng một trong: {known} (hoặc thêm lĩnh vực vào tệp đó)")

    def _figures(self, figures: dict[str, Any], columns: dict[str, _Column], number: int, label_at: int,
                 label: str) -> _Row:
        values: dict[str, int] = {}
        names = labels()
        if all(value in ("", None) for value in figures.values()):
            self.problem(label_at, number, f"dòng “{label}” không có số nào; ghi 0 vào ô không có hồ sơ "
                                           "(trình nhập không tự điền 0), hoặc xoá dòng")
            return _Row(number, _letter(label_at), values)
        for key in COLUMNS:
            if key not in figures:
                continue
            value, position = figures[key], columns[key].position
            if value in ("", None):
                if key not in OPTIONAL:
                    self.problem(position, number, f"cột “{names[key]}” để trống; ghi 0 nếu không có hồ sơ "
                                                   "(trình nhập không tự điền 0)")
                continue
            parsed = self._integer(value, position, number, names[key])
            if parsed is not None:
                values[key] = parsed
        return _Row(number, _letter(label_at), values)

    def _integer(self, value: Any, position: int, number: int, name: str) -> int | None:
        if isinstance(value, (int, float)):
            shown = str(value).replace(".", ",")  # as a Vietnamese reader writes 2,5
            if isinstance(value, float) and not value.is_integer():
                self.problem(position, number, f"cột “{name}”: {shown} không phải số nguyên; số hồ sơ là số "
                                               "nguyên không âm")
                return None
            if value < 0:
                self.problem(position, number, f"cột “{name}”: {shown} là số âm; số hồ sơ không âm")
                return None
            return int(value)
        text = " ".join(value.split())
        if _INTEGER.fullmatch(text):
            return int(text.replace(".", ""))
        if re.fullmatch(r"[-−–]\s*\d[\d.]*", text):
            self.problem(position, number, f"cột “{name}”: “{text}” là số âm; số hồ sơ không âm")
            return None
        hint = ""
        if re.fullmatch(r"\d[\d.,]*", text):
            hint = " (số hồ sơ là số nguyên, hàng nghìn ngăn bằng dấu chấm: 1.234)"
        elif text in ("-", "–", "—", "x", "X"):
            hint = " (ghi 0 nếu không có hồ sơ)"
        self.problem(position, number, f"cột “{name}”: “{value}” không phải số hồ sơ{hint}")
        return None

    # -- the title block -----------------------------------------------------------------------------------

    def title_months(self) -> list[tuple[tuple[int, int] | None, str, str]]:
        """Each month (or a period that is not one month: None) the title block states, the cell and its text."""
        found = []
        for number, cells in self.rows[:self.header_at]:
            for position, cell in enumerate(cells):
                text = _text(cell)
                if not text:
                    continue
                where = _cell_ref(self.table.name, position, number)
                folded = " ".join(fold(text).split())
                for match in _RANGE.finditer(folded):
                    found.append((_range_month(match.groups()), where, text))
                rest = _RANGE.sub(" ", folded)
                for match in _MONTH.finditer(rest):
                    if _SIGNED_BEFORE.search(rest[:match.start()]):
                        continue  # "…, ngày 05 tháng 11 năm 2026": the day it was signed
                    year, month = int(match[2]), int(match[1])
                    if 1 <= month <= 12:
                        found.append(((year, month), where, text))
        return found


def _range_month(groups: tuple[str, ...]) -> tuple[int, int] | None:
    """The month a "từ ngày … đến ngày …" period reports: one whole calendar month, or the 15th of the month
    before to the 14th of the month (the cut-off of periodic reports, Nghị định 09/2019/NĐ-CP, Điều 12)."""
    try:
        start = date(int(groups[2]), int(groups[1]), int(groups[0]))
        end = date(int(groups[5]), int(groups[4]), int(groups[3]))
    except ValueError:
        return None
    last_day = calendar.monthrange(end.year, end.month)[1]
    if start == end.replace(day=1) and end.day == last_day:
        return end.year, end.month
    before = date(end.year - 1, 12, 15) if end.month == 1 else date(end.year, end.month - 1, 15)
    if end.day == 14 and start == before:
        return end.year, end.month
    return None


def _expected(key: str) -> str:
    """How the report heads a column, to say which one is missing."""
    return {"carried_over": "Số hồ sơ nhận giải quyết › Số kỳ trước chuyển qua",
            "received_online": "Số hồ sơ nhận giải quyết › Số mới tiếp nhận › Trực tuyến",
            "received_direct": "Số hồ sơ nhận giải quyết › Số mới tiếp nhận › Trực tiếp, dịch vụ bưu chính",
            "settled_on_time": "Số hồ sơ đã giải quyết › Trả đúng thời hạn",
            "settled_late": "Số hồ sơ đã giải quyết › Trả quá hạn",
            "pending_on_time": "Số hồ sơ đang giải quyết › Chưa đến hạn",
            "pending_overdue": "Số hồ sơ đang giải quyết › Quá hạn"}[key]


def read_report(path: Path, fields: TermIndex[Field], source: str | None = None) -> _Read:
    """The report in ``path`` as cells; ImportFailed with every problem found."""
    source = source or str(path)
    if not path.is_file():
        raise ImportFailed([f"{source}: không có tệp này" + (" (là một thư mục)" if path.is_dir() else "")])
    try:
        check_size(path)
        suffix = path.suffix.lower()
        if suffix == ".xls":
            raise UnreadableInput(f"{source}: tệp Excel 97-2003 (.xls) không đọc được; mở bằng Excel và lưu thành .xlsx")
        if suffix not in (".xlsx", ".xlsm"):
            raise UnreadableInput(f"{source}: không phải bảng tính .xlsx (xuất báo cáo từ hệ thống một cửa dạng Excel)")
        tables = _xlsx_tables(path, cell=_raw)
    except UnreadableInput as error:
        raise ImportFailed([str(error)]) from None
    readers = []
    for table in tables:
        for index, (number, cells) in enumerate(table.rows):
            if number > HEADER_SEARCH_ROWS:
                break
            if any(_FIELD_LABEL.fullmatch(_header_words(_text(cell))) for cell in cells):
                readers.append(_SheetReader(source, table, index, fields))
                break
    if not readers:
        raise ImportFailed([f"{source}: không thấy bảng báo cáo (dòng tiêu đề có cột “Lĩnh vực” và các cột số hồ sơ) "
                            f"trong {HEADER_SEARCH_ROWS} dòng đầu của trang tính nào"])
    if len(readers) > 1:
        names = ", ".join(f"“{reader.table.name}”" for reader in readers)
        raise ImportFailed([f"{source}: có {len(readers)} trang tính mang bảng báo cáo ({names}); mỗi lần nhập một "
                            "tháng: để lại một trang tính, hoặc lưu tháng cần nhập thành tệp riêng"])
    reader = readers[0]
    columns, field_at, stt_at, start = reader.header()
    if reader.problems:
        raise ImportFailed(reader.problems)
    found, total = reader.body(columns, field_at, stt_at, start)
    if not found and total is None and not reader.problems:
        reader.problem(None, None, "bảng không có dòng số liệu nào (dòng lĩnh vực hoặc dòng tổng cộng) dưới tiêu đề")
    if reader.problems:
        raise ImportFailed(reader.problems)
    return _Read(reader.table.name, columns, found, total, reader.title_months(), reader.notes)


# ---------------------------------------------------------------------------------------------------------
# The month, the file, the checks


def _month(given: str | None, read: _Read, source: str) -> tuple[int, int]:
    stated = None
    if given:
        match = _MONTH_ARG.match(given.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise ImportFailed([f"--thang “{given}” không đúng dạng năm-tháng, ví dụ --thang 2026-10"])
        stated = int(match[1]), int(match[2])
    for period, where, text in read.title_months:
        if period is None:
            raise ImportFailed([f"{source}: {where}: “{' '.join(text.split())}” là một kỳ báo cáo không trọn một "
                                "tháng; trang kết quả ghi số liệu từng tháng, hãy xuất báo cáo của một tháng"])
    months = {period for period, _, _ in read.title_months}
    title = ", ".join(f"{where}: “{' '.join(text.split())}”" for _, where, text in read.title_months)
    if len(months) > 1:
        raise ImportFailed([f"{source}: phần tiêu đề ghi nhiều tháng khác nhau ({title}); sửa tiêu đề cho đúng "
                            "tháng của số liệu rồi nhập lại"])
    if stated is None and not months:
        raise ImportFailed([f"{source}: không thấy tháng báo cáo trong phần tiêu đề (ví dụ “Tháng 10 năm 2026”); "
                            "ghi tháng bằng --thang 2026-10 (make import-ket-qua … THANG=2026-10)"])
    if stated is not None and months and stated not in months:
        (year, month), = months
        raise ImportFailed([f"{source}: --thang {stated[0]}-{stated[1]:02d} nhưng tiêu đề bảng tính ghi tháng "
                            f"{month:02d}/{year} ({title}); kiểm tra lại tệp hoặc tháng"])
    return stated or next(iter(months))


def _row_data(values: dict[str, int]) -> dict[str, int]:
    return {key: values[key] for key in COLUMNS if key in values}


def _where_in_sheet(field_path: str, read: _Read, source: str) -> str:
    """The sheet cell a loader error is about, when the field path says which (fields[2].settled → J11)."""
    if field_path == "source":
        return " (--nguon)"
    if field_path == "tên tệp":
        return " (--thang hoặc tiêu đề bảng tính)"
    match = re.fullmatch(r"(?:fields\[(\d+)\]|total)(?:\.(\w+))?", field_path)  # 1-based, as dotted() writes
    if not match:
        return ""
    if match[1] is not None:
        index = int(match[1]) - 1
        row = read.fields[index][1] if 0 <= index < len(read.fields) else None
    else:
        row = read.total
    if row is None:
        return ""
    key = match[2]
    column = row.label_at if key == "field" else read.columns[key].letter if key in read.columns else None
    if column is None:  # the row as a whole: its balance
        return f" ({source}: {_sheet_name(read.sheet)}, dòng {row.number})"
    return f" ({source}: {_sheet_name(read.sheet)}!{column}{row.number})"


def _check(text: str, name: str, content_dir: Path, fields: TermIndex[Field], now: datetime, read: _Read,
           source: str) -> Month:
    """The would-be file loaded exactly as the build loads it, in a scratch copy of content/."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        target = root / layout.CONTENT / layout.RESULTS_DIR / name
        target.parent.mkdir(parents=True)
        target.write_text(text, encoding="utf-8")
        report = Report()
        results = load_results(root / layout.CONTENT, root, fields, now, report)
    if report:
        raise ImportFailed([f"{error}{_where_in_sheet(error.field, read, source)}" for error in sorted(report.errors)])
    (month,) = results.months
    return month


def import_results(path: Path, root: Path, month: str | None = None, reference: str | None = None,
                   overwrite: bool = False, now: datetime | None = None, source: str | None = None) -> Written:
    """Read ``path``, check it as the build would and write content/ket-qua/<yyyy>-<mm>.yml; ImportFailed if not.

    ``source`` names the input in messages (the path as the editor typed it).
    """
    source = source or str(path)
    content_dir = root / layout.CONTENT
    report = Report()
    fields = load_terms(content_dir / layout.FIELDS_FILE, root, "fields", "fields", Field, report)
    if report:
        raise ImportFailed([f"không đọc được danh sách lĩnh vực: {error}" for error in report.errors])
    read = read_report(path, fields, source)
    year, number = _month(month, read, source)
    name = f"{year}-{number:02d}.yml"
    folder = content_dir / layout.RESULTS_DIR
    target = folder / name
    relative = f"{layout.CONTENT}/{layout.RESULTS_DIR}/{name}"
    twin = folder / f"{year}-{number:02d}.yaml"
    if twin.exists():
        raise ImportFailed([f"tháng {number:02d}/{year} đã có số liệu trong {layout.CONTENT}/{layout.RESULTS_DIR}/"
                            f"{twin.name}; mỗi tháng một tệp: xoá hoặc đổi tên tệp đó trước"])
    if target.exists() and not overwrite:
        raise ImportFailed([f"{relative} đã có (tháng {number:02d}/{year}); chưa ghi đè. Để thay bằng số liệu của "
                            "bảng tính, thêm --ghi-de (make import-ket-qua … GHI_DE=1)"])
    data: dict[str, Any] = {"period": f"{year}-{number:02d}"}  # the web editor names files by it
    if reference is not None and reference.strip():
        data["source"] = reference
    if read.fields:
        data["fields"] = [{"field": term.slug, **_row_data(row.values)} for term, row in read.fields]
    if read.total is not None:
        data["total"] = _row_data(read.total.values)
    text = _dump(data, HEADER)
    checked = _check(text, name, content_dir, fields, now or build_now(), read, source)
    write_atomically(target, text.encode("utf-8"))
    return Written(target, checked, len(read.fields), read.total is not None, read.notes)


def summary(written: Written, root: Path) -> str:
    m, t = written.month, written.month.total
    where = written.path.relative_to(root).as_posix() if written.path.is_relative_to(root) else str(written.path)
    total = "có dòng tổng cộng (đã đối chiếu với tổng các lĩnh vực)" if written.total_stated else "không có dòng tổng cộng"
    if not written.fields:
        scope = "chỉ dòng tổng cộng"
    else:
        scope = f"{written.fields} lĩnh vực, {total}"
    late = f"; quá hạn {words.number(t.settled_late)}" if t.settled_late else ""
    lines = [
        f"Đã ghi {where}: tháng {m.label}, {scope}.",
        f"  Nhận giải quyết: {words.number(t.received)} hồ sơ (kỳ trước chuyển qua {words.number(t.carried_over)}, "
        f"mới tiếp nhận {words.number(t.received_new)}, trong đó trực tuyến {words.number(t.received_online)}"
        f" – {words.percent(t.online_rate)}).",
        f"  Đã giải quyết: {words.number(t.settled)} hồ sơ, trước hạn và đúng hạn {words.percent(t.on_time_rate)}"
        f"{late}.",
        f"  Đang giải quyết: {words.number(t.pending)} hồ sơ (quá hạn {words.number(t.pending_overdue)})"
        + (f"; trả lại, rút: {words.number(t.returned)}." if t.returned is not None else "."),
    ]
    lines += [f"  lưu ý: {note}" for note in written.notes]
    lines.append("Bước tiếp theo: `make check`, rồi `make serve` để xem trang /tthc/ket-qua/.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# Command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # Text, not Path: Path("") is ".", and an empty FILE= from make must say "no file", not "a folder".
    parser.add_argument("file", metavar="TỆP", help="bảng tính .xlsx xuất từ hệ thống một cửa")
    parser.add_argument("--thang", metavar="NĂM-THÁNG",
                        help="tháng báo cáo, ví dụ 2026-10 (mặc định: đọc từ tiêu đề bảng tính)")
    parser.add_argument("--nguon", metavar="VĂN BẢN", help="nguồn số liệu, ví dụ “Báo cáo số 123/BC-SYT ngày 05/11/2026”")
    parser.add_argument("--ghi-de", action="store_true", help="thay tệp của tháng đó nếu đã có")


def run(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    try:
        if not args.file.strip():
            raise ImportFailed(["chưa chọn tệp: make import-ket-qua FILE=bao-cao.xlsx "
                                "(hoặc python -m cchc nhap-ket-qua bao-cao.xlsx)"])
        written = import_results(Path(args.file), root, args.thang or None, args.nguon, args.ghi_de, source=args.file)
    except ImportFailed as failed:
        print("Không nhập được (chưa ghi tệp nào):\n" + "\n".join(f"  {p}" for p in failed.problems), file=sys.stderr)
        return 1
    print(summary(written, root))
    return 0
