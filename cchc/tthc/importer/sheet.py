"""A decision's annex, or a department's list of procedures, from an .xlsx or .csv sheet.

The annex of a decision is a table (STT · Mã TTHC · Tên TTHC · Thời hạn · Địa điểm · Phí, lệ phí · Căn cứ
pháp lý) whose rows are grouped under section headings ("A. THỦ TỤC HÀNH CHÍNH CẤP TỈNH", "I. Lĩnh vực Dược
phẩm", "Danh mục thủ tục hành chính mới ban hành"); the headings, not the rows, say the level, the field and
the kind of change. Above the header, the title block usually names the decision ("Kèm theo Quyết định số
2926/QĐ-UBND ngày 19/11/2025 của Chủ tịch UBND tỉnh Lai Châu").

Faithfulness decides what goes where (README.md, "Mẫu hồ sơ v2"):

- The annex gives one time and one fee per procedure, for no channel. In v2 times and fees exist only inside
  a channel row, and a channel row must say its channel; writing the annex's time under "truc_tiep" (or under
  every channel) would state something the annex does not. So the time and the fee stay out of the record
  and are handed to the editor verbatim in ``skipped``, to be typed into the right channel rows from the
  procedure's own page. Leaving them out silently would read as "the annex says nothing".
- A code that does not have the portal's shape is left out (the record would fail, and a wrong code is a
  wrong identity) and said in ``skipped``.
- A legal-basis item gets a ``number`` only when it starts with a kind of document and carries exactly one
  document number; its ``title`` is always the item verbatim, so nothing is rewritten or lost. An item
  naming a kind of document and several numbers is listed in ``as_text`` (legal_basis[i]).
- Each record gets the annex's decision number as ``decision`` (the decision announces it as it now
  stands), except a procedure the decision abolishes.
- The decision is returned only when it is complete for decision.schema.json; the annex's own heading
  ("DANH MỤC THỦ TỤC…") is not the decision's trích yếu ("Về việc…"), so it is never used as one.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from cchc.core.schema import is_valid, load_schema
from cchc.core.text import fold, make_slug
from cchc.tthc.importer.labels import is_not_stated, normalise, parse_level
from cchc.tthc.importer.model import Imported, UnreadableInput, check_size, read_limited

# An .xlsx is a zip: 20 MB on disk can hold gigabytes of XML. A real annex of a few hundred rows is well
# under a megabyte unpacked, so anything past this is refused before openpyxl reads it.
MAX_UNPACKED = 200 * 1024 * 1024
HEADER_SEARCH_ROWS = 30
# Rows (and columns) past these are not an annex; a crafted sheet could declare a million empty rows.
MAX_ROWS = 100_000
MAX_COLUMNS = 60
# openpyxl reads dimensions from the file and pads rows up to them; this many empty rows in a row ends the table.
MAX_EMPTY_RUN = 2_000
# The file stem run.py gives a code-less record (make_slug(name)[:80]), so a decision entry points at it.
STEM_LENGTH = 80

# Column keys, each with the Vietnamese labels seen in annexes and department lists (matched after
# normalise(): accents folded, lower case, colons and extra spaces gone).
COLUMN_LABELS: dict[str, tuple[str, ...]] = {
    "stt": ("STT", "TT", "Số TT", "Số thứ tự"),
    "code": ("Mã TTHC", "Mã thủ tục", "Mã thủ tục hành chính", "Mã số", "Mã số TTHC", "Mã hồ sơ TTHC", "Mã"),
    "name": ("Tên TTHC", "Tên thủ tục hành chính", "Tên thủ tục", "Tên"),
    "time": ("Thời hạn giải quyết", "Thời hạn", "Thời gian giải quyết"),
    "place": ("Địa điểm thực hiện", "Địa điểm", "Địa chỉ tiếp nhận HS", "Địa chỉ tiếp nhận hồ sơ"),
    "fee": ("Phí, lệ phí", "Phí lệ phí", "Phí/lệ phí", "Phí/Lệ phí (nếu có)", "Phí, lệ phí (nếu có)", "Lệ phí", "Phí"),
    "legal": ("Căn cứ pháp lý", "Căn cứ pháp lý của TTHC", "Căn cứ pháp lý của thủ tục hành chính", "Căn cứ"),
    "field": ("Lĩnh vực",),
    "level": ("Cấp thực hiện", "Cấp"),
    "agency": ("Cơ quan thực hiện", "Cơ quan giải quyết"),
    "type": ("Loại thủ tục", "Loại TTHC"),
    "change": ("Loại thay đổi", "Loại", "Hình thức công bố", "Nội dung công bố"),
    "note": ("Ghi chú",),
}
# Columns whose vertically merged cell states one value for every row it spans (a legal basis shared by
# five procedures). Never the identity columns: a merged name is one procedure written over several rows.
SHARED_COLUMNS = frozenset({"time", "place", "fee", "legal", "field", "level", "agency", "type", "change"})

CHANGES = (  # folded words → decision entry kind; order does not matter, a heading naming two is ambiguous
    ("moi ban hanh", "moi_ban_hanh"),
    ("sua doi", "sua_doi_bo_sung"),
    ("thay the", "thay_the"),
    ("bai bo", "bai_bo"),
    ("chuan hoa", "chuan_hoa"),
    ("uy quyen", "uy_quyen"),
)
CHANGE_NAMES = {"moi_ban_hanh": "mới ban hành", "sua_doi_bo_sung": "sửa đổi, bổ sung", "thay_the": "thay thế",
                "bai_bo": "bãi bỏ", "chuan_hoa": "chuẩn hóa", "uy_quyen": "ủy quyền"}
LEVELS = {"tinh": "tinh", "xa": "xa", "huyen": "huyen"}

_SECTION_MARK = re.compile(r"^(?:[A-Z]|[IVXLC]+|PHẦN\s+[IVXLC\d]+)\.?$", re.IGNORECASE)
_ARABIC = re.compile(r"^\d+(?:\.\d+)*\.?$")
_FIELD = re.compile(r"l[iĩ]nh\s+v[uự]c\s*:?\s*(.+)$", re.IGNORECASE)
_COUNT_TAIL = re.compile(r"\s*\(\s*\d+\s*(?:thủ tục|TTHC)[^)]*\)\s*$", re.IGNORECASE)
_DOC_KIND = re.compile(r"^(?:Bộ luật|Luật|Pháp lệnh|Nghị quyết|Nghị định|Thông tư liên tịch|Thông tư|Quyết định|"
                       r"Chỉ thị|Văn bản hợp nhất)\b", re.IGNORECASE)
# A document number: 54/2017/NĐ-CP, 15/2023/QH15, 2926/QĐ-UBND; the last part has a capital letter, so a
# date (08/5/2017) is never one.
_DOC_NUMBER = re.compile(r"(?<![\w/])\d{1,5}[a-z]?/(?:\d{4}/)?(?=[A-ZĐ0-9-]*[A-ZĐ])[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*(?![\w/])")
_OWN_LINE = re.compile(r"^(" + _DOC_NUMBER.pattern + r") – (.{3,})$")
_DECISION_NUMBER = re.compile(r"(?<![\w/])(\d+[A-Za-z]?/QĐ-[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)")
_DATE = re.compile(r"ngày\s+(\d{1,2})\s*(?:/|-|\.|tháng)\s*(\d{1,2})\s*(?:/|-|\.|năm)\s*(\d{4})", re.IGNORECASE)
_ISSUER = re.compile(r"\d{4}\s+của\s+(.+?)\s*\)?\s*$", re.IGNORECASE)
_HEADING_STARTS = ("linh vuc", "danh muc", "thu tuc hanh chinh", "tthc", "phan ", "cap tinh", "cap xa",
                   "cap huyen", "nhom ")
# Besides labels.is_not_stated's wording, what the site's own CSV prints for a missing code or field.
_NOT_STATED = frozenset({"chua co ma", "chua xac dinh linh vuc"})
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
_ABOUT = re.compile(r"^(?:Về việc|V/v)\b", re.IGNORECASE)


@dataclass
class SheetResult:
    """Everything read from one sheet: the contract's pair, the decision as far as it was found, and notes."""

    records: list[Imported]
    decision: dict | None
    decision_found: dict = field(default_factory=dict)  # even when incomplete, for the caller to finish
    notes: list[str] = field(default_factory=list)  # Vietnamese, for the report


def read_sheet(path: str | Path, decision: Mapping[str, Any] | None = None) -> tuple[list[Imported], dict | None]:
    """Records of an annex or list, and its decision (decision.schema.json data) when complete, else None.

    ``decision`` lets the caller give what the sheet does not (issuer, title, effective); its values win.
    """
    result = read_sheet_details(path, decision)
    return result.records, result.decision


def read_sheet_details(path: str | Path, decision: Mapping[str, Any] | None = None) -> SheetResult:
    path = Path(path)
    check_size(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        tables = _xlsx_tables(path)
    elif suffix == ".csv":
        tables = [_csv_table(path)]
    elif suffix == ".xls":
        raise UnreadableInput(f"{path}: tệp Excel 97-2003 (.xls) không đọc được; mở bằng Excel và lưu thành .xlsx")
    else:
        raise UnreadableInput(f"{path}: không phải bảng tính .xlsx hoặc .csv")

    reader = _AnnexReader(path, multiple=len(tables) > 1)
    found_header = False
    for table in tables:
        found_header |= reader.read(table)
    if not found_header:
        raise UnreadableInput(f"{path}: không tìm thấy dòng tiêu đề (STT, Mã TTHC, Tên TTHC…) trong "
                              f"{HEADER_SEARCH_ROWS} dòng đầu")
    return reader.finish(decision)


# ---------------------------------------------------------------------------------------------------------
# Reading the files into tables of text cells


@dataclass
class _Table:
    name: str  # the worksheet's title ("" for a CSV)
    rows: Iterable[tuple[int, list[str]]]  # (row number as the editor sees it, cell texts)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_col, min_row, max_col, max_row (1-based)


def _xlsx_tables(path: Path, cell: Callable[[Any], Any] | None = None) -> list[_Table]:
    """The visible sheets as tables; each cell through ``cell`` (default: its text, _cell_text). The monthly
    results importer (cchc.results.importer) passes its own, to tell a number cell from text that looks like one."""
    convert = cell or _cell_text
    # The zip is checked first: a renamed binary or a zip bomb must fail with a reason, before openpyxl.
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableInput(f"{path}: không phải tệp Excel .xlsx (tệp hỏng hoặc đổi đuôi; {error})") from None
    if "xl/workbook.xml" not in names:
        raise UnreadableInput(f"{path}: không phải tệp Excel .xlsx (thiếu xl/workbook.xml)")
    if unpacked > MAX_UNPACKED:
        raise UnreadableInput(f"{path}: tệp giải nén quá lớn ({unpacked / 1024 / 1024:.0f} MB), không phải một phụ lục")

    import openpyxl  # only here: the CSV path and the rest of the site do not need it

    try:
        # read_only streams rows; data_only gives the values Excel last computed, never formulas.
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken file; all mean "unreadable"
        raise UnreadableInput(f"{path}: tệp .xlsx hỏng, không đọc được ({type(error).__name__}: {error})") from None
    tables = []
    try:
        for sheet in book.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue  # hidden sheets hold lookups and drafts, not the published annex
            # Merged ranges are not exposed in read_only mode; they are read from the sheet's XML (see _merges).
            merges = _merges(path, getattr(sheet, "_worksheet_path", None))
            rows = [(number, [convert(value) for value in values]) for number, values in _sheet_rows(sheet)]
            tables.append(_Table(sheet.title, rows, merges))
    except UnreadableInput:
        raise
    except Exception as error:  # noqa: BLE001 - a malformed sheet XML surfaces while iterating
        raise UnreadableInput(f"{path}: tệp .xlsx hỏng, không đọc được ({type(error).__name__}: {error})") from None
    finally:
        book.close()
    return tables


def _sheet_rows(sheet) -> Iterator[tuple[int, tuple]]:
    empty_run = 0
    # The <dimension> a file declares can be wrong ("A1" from some writers: columns would vanish) or huge
    # (every row padded to it); without it each row is as wide as its last cell, and is cut at MAX_COLUMNS.
    sheet.reset_dimensions()
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        values = row[:MAX_COLUMNS]
        if number > MAX_ROWS:
            break
        if all(value is None or value == "" for value in values):
            empty_run += 1
            if empty_run > MAX_EMPTY_RUN:
                break
            continue
        empty_run = 0
        yield number, values


def _merges(path: Path, member: str | None) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges, from its <mergeCell ref="A5:A9"/> elements."""
    if not member:
        return []
    from openpyxl.utils.cell import range_boundaries

    found = []
    with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as source:
        # Expat (Python ≥ 3.11 bundles 2.5+) refuses entity-expansion bombs; no DTD is ever loaded.
        for _, element in ElementTree.iterparse(source):
            if element.tag.endswith("}mergeCell") and element.get("ref"):
                with contextlib.suppress(ValueError):
                    bounds = range_boundaries(element.get("ref"))
                    if None not in bounds:  # "A:A" (a whole column) spans no cell of ours
                        found.append(bounds)
            element.clear()
    return found


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = unicodedata.normalize("NFC", str(value))
    # Cells keep their own line breaks (a legal basis one document per line); trailing spaces are layout.
    return "\n".join(line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()


def _csv_table(path: Path) -> _Table:
    raw = read_limited(path)
    if b"\x00" in raw[:65536]:
        raise UnreadableInput(f"{path}: không phải tệp CSV (tệp nhị phân)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableInput(f"{path}: tệp CSV không mã hóa UTF-8; trong Excel chọn Lưu thành “CSV UTF-8 (Comma "
                              "delimited)” rồi nhập lại") from None
    try:
        dialect = csv.Sniffer().sniff(text[:65536], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        parsed = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as error:
        raise UnreadableInput(f"{path}: tệp CSV sai dạng ({error})") from None
    rows = [(number, [_cell_text(_unquote(cell)) for cell in cells[:MAX_COLUMNS]])
            for number, cells in enumerate(parsed[:MAX_ROWS], start=1) if any(cell.strip() for cell in cells)]
    return _Table("", rows)


def _stated(text: str) -> bool:
    if not text:
        return False
    # The "not stated" wordings are short; folding every long legal-basis cell doubled the reading time.
    # Nor does any of them start with a digit, as STT, codes, times and fees do.
    return len(text) > 40 or text[0].isdigit() or not (is_not_stated(text) or _words(text) in _NOT_STATED)


def _unquote(cell: str) -> str:
    # The site's own CSV (and Excel users) start a cell with an apostrophe to keep it text: '1.004616, '=…
    return cell[1:] if cell.startswith("'") else cell


# ---------------------------------------------------------------------------------------------------------
# Understanding the table


@cache
def _label_table() -> dict[str, str]:
    # Built with the shared normalise(), so header cells and labels are folded the same way whatever it does.
    return {normalise(label): key for key, labels in COLUMN_LABELS.items() for label in labels}


def _column_key(text: str) -> str | None:
    if not text:
        return None
    table = _label_table()
    for candidate in (text, re.sub(r"\([^)]*\)", " ", text)):
        label = normalise(candidate)
        if label in table:
            return table[label]
    # "Căn cứ pháp lý của thủ tục…", "Thời hạn giải quyết (ngày làm việc)": a long known label at the start.
    label = normalise(re.sub(r"\([^)]*\)", " ", text))
    for known, key in sorted(table.items(), key=lambda item: -len(item[0])):
        if len(known) >= 8 and label.startswith(known + " "):
            return key
    return None


def _words(text: str) -> str:
    """Folded, punctuation as spaces: "Sửa đổi, bổ sung" → "sua doi bo sung"."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())


def _changes_in(text: str) -> list[str]:
    words = f" {_words(text)} "
    return [kind for phrase, kind in CHANGES if f" {phrase} " in words]


def _levels_in(text: str) -> list[str]:
    words = f" {_words(text)} "
    return [level for level in LEVELS if f" cap {level} " in words]


def _field_in(text: str) -> str | None:
    match = _FIELD.search(" ".join(text.split()))
    if not match:
        return None
    name = _COUNT_TAIL.sub("", match.group(1)).strip(" .:;,-–")
    return name or None


def _code_pattern() -> re.Pattern[str]:
    return re.compile(load_schema("tthc")["properties"]["code"]["pattern"])


def _legal_items(text: str, ambiguous: list[int] | None = None) -> list[dict]:
    """Items of a "Căn cứ pháp lý" cell; the indexes of items naming several numbers go to ``ambiguous``."""
    items = []
    for part in re.split(r"[;\n]+", text):
        item = re.sub(r"^[\s\-+•*–]+", "", part).strip().rstrip(".,").strip()
        if len(item) < 3:
            continue
        numbers = _DOC_NUMBER.findall(item)
        own = _OWN_LINE.match(item)
        if own:  # the site's own CSV line, "15/2023/QH15 – Luật Khám bệnh, chữa bệnh"
            items.append({"number": own.group(1), "title": own.group(2)})
        elif _DOC_KIND.match(item) and len(set(numbers)) == 1:
            items.append({"number": numbers[0], "title": item})
        else:
            if _DOC_KIND.match(item) and len(set(numbers)) > 1 and ambiguous is not None:
                ambiguous.append(len(items))
            items.append({"title": item})
    return items


def _date_iso(day: str, month: str, year: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


@dataclass
class _Row:
    number: int
    cells: dict[str, str]  # column key → text


@dataclass
class _Context:
    level: str | None = None
    field: str | None = None
    change: str | None = None


class _AnnexReader:
    def __init__(self, path: Path, multiple: bool) -> None:
        self.path = path
        self.multiple = multiple
        self.records: list[Imported] = []
        self.changes: list[str | None] = []  # per record, the kind of change its section or column gave
        self.levels_of_code: dict[str, set[str | None]] = {}
        self.decision: dict[str, Any] = {}
        self.notes: list[str] = []
        self.code_pattern = _code_pattern()

    # -- one table -------------------------------------------------------------------------------------

    def read(self, table: _Table) -> bool:
        rows = list(table.rows)
        header_at = None
        for index, (number, cells) in enumerate(rows):
            if number > HEADER_SEARCH_ROWS:
                break
            keys = [_column_key(cell) for cell in cells]
            if "name" in keys:
                header_at = index
                break
        if header_at is None:
            if table.name:
                self.notes.append(f"trang tính “{table.name}”: không có dòng tiêu đề, bỏ qua")
            return False
        header_number, header_cells = rows[header_at]
        columns: dict[int, str] = {}
        for position, cell in enumerate(header_cells):
            key = _column_key(cell)
            if key and key not in columns.values():  # the first column with a label wins
                columns[position] = key
        self._title_block([cells for _, cells in rows[:header_at]])

        source = str(self.path) if not (self.multiple and table.name) else f"{self.path} (trang tính “{table.name}”)"
        context = _Context()
        if table.name:  # a sheet named "Cấp xã" is the source's own heading for its rows
            self._heading(table.name, context, quiet=True)
        filled = self._fill_merges(rows[header_at + 1:], table.merges, columns, header_number)
        previous: Imported | None = None
        for number, cells in filled:
            row = _Row(number, {key: cells[position] for position, key in columns.items()
                                if position < len(cells) and _stated(cells[position])})
            others = [cell for position, cell in enumerate(cells) if cell and position not in columns]
            if not row.cells and not others:
                continue
            heading = self._heading_text(row, others)
            if heading is not None:
                self._heading(heading, context)
                previous = None
                continue
            if _COLUMN_NUMBER.match(row.cells.get("name", "")):
                continue  # the row of column numbers, (1) (2) (3), under the header
            if "name" not in row.cells:
                if previous is not None and not row.cells.get("code"):
                    self._continue(previous, row)
                elif row.cells:
                    self.notes.append(f"dòng {number}: không có tên thủ tục, bỏ qua")
                continue
            previous = self._record(row, context, source)
        return True

    def _fill_merges(self, rows, merges, columns, header_number) -> list[tuple[int, list[str]]]:
        """A vertically merged cell in a shared column gives its value to every row it spans."""
        by_number = {number: list(cells) for number, cells in rows}
        for min_col, min_row, _, max_row in merges:
            key = columns.get(min_col - 1)
            if max_row <= min_row or min_row <= header_number or key not in SHARED_COLUMNS:
                continue
            top = by_number.get(min_row)
            if top is None or min_col - 1 >= len(top) or not top[min_col - 1]:
                continue
            for number in range(min_row + 1, max_row + 1):
                cells = by_number.get(number)
                if cells is None:
                    continue  # an empty row inside the range gets nothing: it is no procedure
                cells.extend([""] * (min_col - len(cells)))
                if not cells[min_col - 1]:
                    cells[min_col - 1] = top[min_col - 1]
        return sorted(by_number.items())

    def _heading_text(self, row: _Row, others: list[str]) -> str | None:
        """The text of a section-heading row, or None for a procedure (or continuation) row.

        A heading is one text (a merged row keeps it in its first cell), with at most a section mark
        (A, I, II) in the STT column. Procedure names also say "cấp tỉnh" or "sửa đổi", so a row with an
        ordinary number in STT is a heading only when it reads like one ("Lĩnh vực …", "Danh mục …").
        """
        if row.cells.get("code"):
            return None
        texts = [text for key, text in row.cells.items() if key != "stt"] + others
        stt = row.cells.get("stt", "")
        if not texts:
            return stt if stt and not _ARABIC.match(stt) and not _SECTION_MARK.match(stt) else None
        if len(texts) != 1:
            return None
        text = texts[0]
        if "name" not in row.cells:
            # One text outside the name column: a heading only as the sole cell of a merged row (no STT);
            # otherwise it is more of the procedure above (a second legal document, say).
            return text if not stt and others else None
        if stt and _SECTION_MARK.match(stt):
            return text
        bare = _words(re.sub(r"^\s*(?:[A-Z]|[IVXLC]+|\d+(?:\.\d+)*)[.)]\s+", "", text))
        if bare.startswith(_HEADING_STARTS) or text.isupper() and len(text) > 3:
            return text
        if not stt and (_changes_in(text) or _levels_in(text)):
            return text
        return None

    def _heading(self, text: str, context: _Context, quiet: bool = False) -> None:
        levels, changes, field_name = _levels_in(text), _changes_in(text), _field_in(text)
        if len(levels) == 1:
            context.level = levels[0]
            context.field = None
        elif len(levels) > 1 and not quiet:
            context.level = None
            self.notes.append(f"tiêu đề “{text}” nói nhiều cấp; các dòng sau không ghi cấp")
        if len(changes) == 1:
            context.change = changes[0]
            context.field = None
        elif len(changes) > 1 and not quiet:
            context.change = None
            self.notes.append(f"tiêu đề “{text}” nói nhiều loại thay đổi; các dòng sau không rõ loại")
        if field_name:
            context.field = field_name

    def _title_block(self, rows: list[list[str]]) -> None:
        lines = [" ".join(cell.split()) for cells in rows for cell in cells if cell]
        for line in lines:
            if "number" not in self.decision and "quyết định" in line.lower():
                number = _DECISION_NUMBER.search(line)
                if number:
                    self.decision["number"] = number.group(1)
                    tail = line[number.end():]
                    when = _DATE.search(tail)
                    if when and (iso := _date_iso(*when.groups())):
                        self.decision["signed"] = iso
                    issuer = _ISSUER.search(tail)
                    if issuer:
                        self.decision["issuer"] = issuer.group(1).strip()
            if "title" not in self.decision and _ABOUT.match(line):
                self.decision["title"] = line

    # -- one procedure row -----------------------------------------------------------------------------

    def _record(self, row: _Row, context: _Context, source: str) -> Imported:
        cells = row.cells
        data: dict[str, Any] = {}
        as_text: list[str] = []
        skipped: list[str] = []
        code = self._code(cells.get("code", ""), skipped)
        if code:
            data["code"] = code
        level = context.level
        if cells.get("level"):
            parsed = parse_level(cells["level"])
            if parsed in LEVELS:
                level = parsed
            else:
                level = None
                skipped.append(f"cấp thực hiện “{cells['level']}”: không rõ là cấp tỉnh, cấp xã hay cấp huyện")
        if level:
            data["level"] = level
        data["name"] = " ".join(cells["name"].split())
        if cells.get("type"):
            if _changes_in(cells["type"]) and not cells.get("change"):
                cells = {**cells, "change": cells["type"]}  # a column headed just "Loại" holding kinds of change
            else:
                data["type"] = " ".join(cells["type"].split())
        field_name = cells.get("field") or context.field
        if field_name:
            data["field"] = " ".join(field_name.split())
        if cells.get("agency"):
            data["agencies"] = {"executing": cells["agency"]}
        if cells.get("place") and len(cells["place"]) >= 2:
            data["receiving_address"] = cells["place"]
        ambiguous: list[int] = []
        legal = _legal_items(cells.get("legal", ""), ambiguous)
        if legal:
            data["legal_basis"] = legal
            as_text += [f"legal_basis[{index}]" for index in ambiguous]
        self._annex_time_fee(cells, skipped)
        if cells.get("note"):
            skipped.append(f"ghi chú: “{cells['note']}”")

        change = context.change
        if cells.get("change"):
            kinds = _changes_in(cells["change"])
            change = kinds[0] if len(kinds) == 1 else None
            if change is None:
                skipped.append(f"loại thay đổi “{cells['change']}”: không rõ là mới ban hành, sửa đổi, bổ sung, "
                               "thay thế, bãi bỏ, chuẩn hóa hay ủy quyền; chưa có trong danh sách của quyết định")
        imported = Imported(source=source, data=data, as_text=as_text, sheet_row=row.number, skipped=skipped)
        self.records.append(imported)
        self.changes.append(change)
        if code:
            self.levels_of_code.setdefault(code, set()).add(data.get("level"))
        return imported

    def _code(self, text: str, skipped: list[str]) -> str | None:
        code = "".join(text.split())
        if not code:
            return None
        if self.code_pattern.fullmatch(code):
            return code
        message = (f"mã “{text}” không đúng dạng mã thủ tục (1.004616, 1.004616.000.00.00.H41, 1.013868.H41), "
                   "chưa ghi vào hồ sơ")
        if re.fullmatch(r"\d\.\d{1,5}", code):
            # Not restored by padding: "1.00461" may be a number cell that lost its zero, or a typo.
            message += "; ô mã có thể đang là ô số (Excel bỏ số 0 ở cuối): định dạng cột mã là Văn bản rồi gõ lại"
        skipped.append(message)
        return None

    def _annex_time_fee(self, cells: dict[str, str], skipped: list[str]) -> None:
        # See the module doc: no channel is named, so these cannot become channels[].times / fees.
        for key, label in (("time", "Thời hạn giải quyết"), ("fee", "Phí, lệ phí")):
            if cells.get(key):
                skipped.append(f"{label} “{cells[key]}”: bảng không ghi hình thức nộp nên chưa ghi vào hồ sơ; "
                               "hãy ghi vào từng dòng Cách thức thực hiện")

    def _continue(self, previous: Imported, row: _Row) -> None:
        """A row with no STT, code or name below a procedure carries more of it (one legal document a row)."""
        data = previous.data
        for key, text in row.cells.items():
            if key == "legal":
                start = len(data.get("legal_basis", []))
                ambiguous: list[int] = []
                data.setdefault("legal_basis", []).extend(_legal_items(text, ambiguous))
                previous.as_text += [f"legal_basis[{start + index}]" for index in ambiguous]
            elif key in ("time", "fee"):
                self._annex_time_fee({key: text}, previous.skipped)
            elif key != "stt":
                previous.skipped.append(f"dòng {row.number}, cột {COLUMN_LABELS[key][0]}: “{text}” nằm dưới thủ tục "
                                        "này, chưa ghép vào hồ sơ")

    # -- the decision ----------------------------------------------------------------------------------

    def finish(self, given: Mapping[str, Any] | None) -> SheetResult:
        found = dict(self.decision)
        for key, value in (given or {}).items():
            if value in (None, ""):
                continue
            if key in found and found[key] != value:
                self.notes.append(f"quyết định: {key} trong bảng tính là “{found[key]}”, dùng “{value}” được chỉ định")
            found[key] = value
        number = found.get("number")
        if number:
            for imported, change in zip(self.records, self.changes, strict=True):
                if change != "bai_bo":  # the decision announces the procedure as it now stands
                    imported.data = _with_decision(imported.data, number)

        entries = []
        unknown = 0
        for imported, change in zip(self.records, self.changes, strict=True):
            if change is None:
                unknown += 1
                continue
            data = imported.data
            procedure = data.get("code") or make_slug(data["name"])[:STEM_LENGTH].rstrip("-") or "thu-tuc"
            entry = {"change": change, "procedure": procedure}
            if data.get("code") and len(self.levels_of_code.get(data["code"], ())) > 1 and data.get("level"):
                entry["level"] = data["level"]
            entries.append(entry)
        if entries and unknown:
            self.notes.append(f"quyết định: {unknown} thủ tục không rõ loại thay đổi (mới ban hành, sửa đổi…), "
                              "chưa có trong danh sách của quyết định")
        if any(entry["change"] == "thay_the" for entry in entries):
            self.notes.append("quyết định: mục thay thế chưa ghi thủ tục cũ (replaces) vì phụ lục không ghi; hãy bổ sung")
        if not found:
            if entries:
                self.notes.append("quyết định: bảng tính không ghi số quyết định; chưa tạo tệp quyết định")
            return SheetResult(self.records, None, found, self.notes)
        decision = {key: found[key] for key in ("number", "issuer", "signed", "effective", "title") if key in found}
        if "title" in decision and "phe duyet quy trinh noi bo" in _words(decision["title"]):
            decision["approves_workflows"] = True
        for key in found:
            if key not in decision and key != "entries":
                decision[key] = found[key]
        decision["entries"] = entries
        missing = [label for key, label in (("number", "số quyết định"), ("issuer", "cơ quan ban hành"),
                                            ("signed", "ngày ký"), ("title", "trích yếu (Về việc…)"))
                   if key not in decision]
        if not entries:
            missing.append("loại thay đổi của các thủ tục")
        if missing:
            self.notes.append("quyết định: bảng tính không ghi " + ", ".join(missing) + "; chưa tạo tệp quyết định")
            return SheetResult(self.records, None, decision, self.notes)
        if not is_valid(decision, "decision"):
            self.notes.append("quyết định: thông tin đọc được chưa đúng mẫu quyết định; chưa tạo tệp quyết định")
            return SheetResult(self.records, None, decision, self.notes)
        return SheetResult(self.records, decision, decision, self.notes)


def _with_decision(data: dict, number: str) -> dict:
    """``data`` with ``decision`` right after the code, where the schema (and the portal) put it."""
    out = {}
    for key, value in data.items():
        if key in ("level", "name"):
            out.setdefault("decision", number)
        out[key] = value
    out.setdefault("decision", number)
    return out
