"""Read the portal's Word export ("ChiTietTTHC_<mã>.docx" / ".doc") into v2 record data.

The export is a two-column table, label | value; "Cách thức thực hiện", "Thành phần hồ sơ" and
"Căn cứ pháp lý" hold nested tables. The rows are handed to labels.records_from_rows, which is
shared with the other readers.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .labels import LABELS, Value, clean_lines, normalise, records_from_rows
from .model import Imported, UnreadableInput, read_limited

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy binary .doc
# LibreOffice on a hostile or huge .doc must not hang the import.
_CONVERT_TIMEOUT = 120


def read_docx(path: str | os.PathLike[str]) -> list[Imported]:
    """The procedures in a Word file (.docx, or legacy .doc via LibreOffice); UnreadableInput if it cannot be read."""
    raw = read_limited(path)
    head = raw[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"mime-version")) or b"<html" in head:
        # Some portals' "Word" export is an HTML page named .doc; read it as the page it is.
        from .html import read_html

        return read_html(path)
    if raw.startswith(_OLE2):
        raw = _convert_doc(path)
    elif not raw.startswith(_ZIP):
        raise UnreadableInput(f"{path}: không phải tệp Word (.docx) đọc được — tệp hỏng hoặc là loại tệp khác.")
    document = _open(path, raw)
    rows = list(_rows(document))
    if not any(LABELS.get(normalise(label)) for label, _ in rows):
        raise UnreadableInput(
            f"{path}: không thấy bảng “nhãn | nội dung” của thủ tục (Mã thủ tục, Tên thủ tục, Cách thức thực hiện…) trong tệp Word."
        )
    return records_from_rows(rows, str(path))


def _open(path, raw: bytes):
    # python-docx raises several unrelated types (BadZipFile, KeyError for a missing part,
    # lxml's XMLSyntaxError, ValueError…) for a damaged file: all mean "unreadable".
    import docx

    try:
        return docx.Document(io.BytesIO(raw))
    except Exception as exc:
        raise UnreadableInput(f"{path}: tệp Word bị hỏng, không mở được ({type(exc).__name__}).") from exc


def _convert_doc(path) -> bytes:
    """A legacy .doc converted to .docx by LibreOffice (headless), which must be installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise UnreadableInput(
            f"{path}: tệp Word cũ (.doc) cần LibreOffice để chuyển sang .docx, nhưng máy chưa cài "
            "(không có lệnh soffice). Cài LibreOffice, hoặc mở tệp bằng Word và lưu lại dạng .docx rồi nhập lại."
        )
    with tempfile.TemporaryDirectory() as out:
        # A private profile: a running LibreOffice of the editor would otherwise swallow the job.
        profile = Path(out, "profile").as_uri()
        try:
            subprocess.run(
                [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx", "--outdir", out,
                 str(Path(path).resolve())],
                check=True, capture_output=True, timeout=_CONVERT_TIMEOUT,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            raise UnreadableInput(f"{path}: LibreOffice không chuyển được tệp .doc sang .docx ({type(exc).__name__}).") from exc
        converted = Path(out, Path(path).stem + ".docx")
        if not converted.is_file():
            raise UnreadableInput(f"{path}: LibreOffice không chuyển được tệp .doc sang .docx.")
        return converted.read_bytes()


def _distinct_cells(row) -> list:
    """Cells of a row, a cell spanning several grid columns counted once."""
    cells, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def _cell_text(cell) -> str:
    return "\n".join(paragraph.text for paragraph in cell.paragraphs)


def _cell_value(cell) -> Value:
    """A value cell: its text, or, when it holds tables, one table (header first) with any
    paragraphs around them kept as one-cell heading rows, in order."""
    from docx.table import Table

    if not cell.tables:
        return _cell_text(cell)
    header: list[str] | None = None
    body: list[list[str]] = []
    for block in cell.iter_inner_content():
        if isinstance(block, Table):
            for index, row in enumerate(block.rows):
                cells = [_cell_text(c) for c in _distinct_cells(row)]
                if header is None:
                    header = cells
                elif index == 0 and [normalise(c) for c in cells] == [normalise(c) for c in header]:
                    continue  # the header repeated by a second nested table
                else:
                    body.append(cells)
        else:
            text = " ".join(clean_lines(block.text))
            if text:
                body.append([text])
    return [header or []] + body


def _rows(document):
    """(label, value) pairs in document order: label | value table rows, and "Nhãn: nội dung" paragraphs."""
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_rows(block)
        else:
            label, colon, value = block.text.partition(":")
            if colon and LABELS.get(normalise(label)):
                yield label, value


def _table_rows(table):
    for row in table.rows:
        cells = _distinct_cells(row)
        if not cells:
            continue
        if not LABELS.get(normalise(_cell_text(cells[0]))) and any(cell.tables for cell in cells):
            # A label–value table nested inside a layout cell (some exports wrap the whole table).
            for cell in cells:
                for inner in cell.tables:
                    yield from _table_rows(inner)
            continue
        if len(cells) < 2:
            continue  # a title row spanning the table
        # label | value, or label | value | label | value on wide layouts
        for index in range(0, len(cells) - 1, 2):
            label = _cell_text(cells[index])
            if index and not LABELS.get(normalise(label)):
                break
            yield label, _cell_value(cells[index + 1])
