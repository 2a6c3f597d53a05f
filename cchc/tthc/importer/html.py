"""Read a saved procedure detail page (dichvucong.gov.vn or a provincial portal) into v2 record data.

Portals lay the same labels out differently: table rows (th/td or td/td), definition lists
(dt/dd), headings followed by their section, or "Nhãn: nội dung" in one paragraph. All are
found the same way: an element whose whole text is a known label, its value being what follows
it up to the next label. The label–value pairs go to labels.records_from_rows, shared with
the other readers.
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata

import lxml.html
from lxml import etree

from .labels import LABELS, Value, clean_lines, normalise, records_from_rows
from .model import Imported, UnreadableInput, read_limited

_BLOCK = {"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figure", "h1", "h2", "h3", "h4",
          "h5", "h6", "li", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul", "caption"}
_CELL = {"td", "th"}
# Never a label: containers and things whose text is not the page's content.
_NOT_LABEL = {"html", "body", "head", "title", "table", "tbody", "thead", "tfoot", "tr", "ul", "ol", "dl", "option",
              "select", "script", "style"}
# Subtrees that are not the procedure: menus, scripts, search forms' widgets.
_IGNORED = {"script", "style", "noscript", "template", "nav", "select", "option", "textarea", "button", "head"}
_WIDGETS = {"select", "input", "textarea", "button", "option"}
_MAX_LABEL = 80


def read_html(path: str | os.PathLike[str]) -> list[Imported]:
    """The procedure(s) on a saved detail page; UnreadableInput if the file is not a readable page."""
    raw = read_limited(path)
    text = _decode(path, raw)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input with an encoding declaration
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableInput(f"{path}: không đọc được trang HTML ({exc}).") from exc
    body = root.find("body")
    rows = _rows(body if body is not None else root)
    if not any(LABELS.get(normalise(label)) for label, _ in rows):
        raise UnreadableInput(
            f"{path}: trang không có nhãn nào của chi tiết thủ tục (Tên thủ tục, Cách thức thực hiện, "
            "Thành phần hồ sơ…); hãy lưu trang “Chi tiết thủ tục hành chính” (Ctrl+S, “Trang web, toàn bộ”)."
        )
    return records_from_rows(rows, str(path))


def _decode(path, raw: bytes) -> str:
    """The page's text. UTF-8 first (what portals serve), then the declared charset, then
    Windows-1258 (old Vietnamese pages). A file with NUL bytes or many control characters is
    a binary file renamed, not a page: refused rather than parsed into garbage."""
    binary = f"{path}: không phải trang HTML (tệp nhị phân, có lẽ là tệp khác bị đổi tên thành .html)."
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return _checked(path, raw.decode(codec), binary)
            except UnicodeDecodeError as exc:
                raise UnreadableInput(binary) from exc
    if b"\x00" in raw:
        raise UnreadableInput(binary)
    codecs_to_try = ["utf-8"]
    declared = re.search(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", raw[:4096])
    if declared:
        codecs_to_try.append(declared.group(1).decode("ascii"))
    codecs_to_try.append("cp1258")
    for codec in codecs_to_try:
        try:
            return _checked(path, raw.decode(codec), binary)
        except (UnicodeDecodeError, LookupError):
            continue
    raise UnreadableInput(f"{path}: không giải mã được nội dung (không phải UTF-8 hay Windows-1258).")


def _checked(path, text: str, binary: str) -> str:
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f")
    if controls > max(8, len(text) // 1000):
        raise UnreadableInput(binary)
    if not re.search(r"<\s*(html|body|div|table|p|dl|tr|td|span|h[1-6])\b", text, re.IGNORECASE):
        raise UnreadableInput(f"{path}: không phải trang HTML (không có thẻ HTML nào).")
    return text


# -- text --------------------------------------------------------------------------------------


def _parts(element, out: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _IGNORED or not tag:
        return
    if tag == "br":
        out.append("\n")
        return
    if tag in _BLOCK:
        out.append("\n")
    elif tag in _CELL:
        out.append(" ")
    if element.text:
        out.append(element.text)
    for child in element:
        _parts(child, out)
        if child.tail:
            out.append(child.tail)
    if tag in _BLOCK:
        out.append("\n")


def _text(element) -> str:
    """An element's text with line breaks where the page breaks lines (blocks, <br>)."""
    out: list[str] = []
    _parts(element, out)
    return "\n".join(clean_lines("".join(out)))


def _short(element) -> bool:
    """Whether the element's text is short enough to be a label, reading no more of it than needed
    (text_content() on every wrapper of a large page would read the page once per wrapper)."""
    length = 0
    for piece in element.itertext():
        length += len(piece)
        if length > _MAX_LABEL * 3:
            return False
    return True


def _label_of(element) -> str | None:
    if not isinstance(element.tag, str) or element.tag in _NOT_LABEL:
        return None
    if not _short(element):
        return None
    text = " ".join(clean_lines(_text(element)))
    if len(text) <= _MAX_LABEL and LABELS.get(normalise(text)):
        return text
    return None


def _has_label(element) -> bool:
    return any(_label_of(node) for node in element.iter() if isinstance(node.tag, str))


def _has_widget(element) -> bool:
    return any(isinstance(node.tag, str) and node.tag in _WIDGETS for node in element.iter())


# -- label–value rows ---------------------------------------------------------------------------


def _rows(body) -> list[tuple[str, Value]]:
    consumed: set = set()
    for element in body.iter():
        if isinstance(element.tag, str) and element.tag in _IGNORED:
            consumed.update(element.iter())
    rows: list[tuple[str, Value]] = []
    for element in body.iter():
        if element in consumed or not isinstance(element.tag, str):
            continue
        label = _label_of(element)
        if label:
            nodes = []
            for sibling in element.itersiblings():
                if not isinstance(sibling.tag, str) or sibling.tag in _IGNORED:
                    continue
                if _has_label(sibling):
                    break
                nodes.append(sibling)
            if any(_has_widget(node) for node in nodes):
                continue  # a search form's "Lĩnh vực" with its drop-down, not the procedure's field
            for node in [element, *nodes]:
                consumed.update(node.iter())
            rows.append((label, _value(element.tail or "", nodes)))
            continue
        # "Nhãn: nội dung" in one paragraph
        prefix, colon, rest = (element.text or "").partition(":")
        if colon and element.tag not in _NOT_LABEL and LABELS.get(normalise(prefix)) and not _has_widget(element):
            consumed.update(element.iter())
            rows.append((prefix, _value(rest, list(element), tails=True)))
    return rows


def _segments(lead: str, nodes: list, tails: bool):
    """("text", str) and ("table", element) pieces of a value, in page order."""
    if lead.strip():
        yield "text", lead
    for node in nodes:
        if node.tag == "table":
            yield "table", node
        elif node.find(".//table") is not None:
            yield from _segments(node.text or "", list(node), tails=True)
        else:
            yield "text", _text(node)
        if tails and node.tail and node.tail.strip():
            yield "text", node.tail


def _value(lead: str, nodes: list, tails: bool = False) -> Value:
    segments = list(_segments(lead, nodes, tails))
    if not any(kind == "table" for kind, _ in segments):
        text = "\n".join("\n".join(clean_lines(part)) for _, part in segments)
        return re.sub(r"^\s*:\s*", "", text)  # "<b>Mã thủ tục</b>: 1.002600"
    header: list[str] | None = None
    body: list[list[str]] = []
    for kind, part in segments:
        if kind == "text":
            body.extend([line] for line in clean_lines(part) if line.strip(" :"))
            continue
        for index, row in enumerate(_grid(part)):
            if header is None:
                header = row
            elif index == 0 and [normalise(c) for c in row] == [normalise(c) for c in header]:
                continue
            else:
                body.append(row)
    return [header or []] + body


def _grid(table) -> list[list[str]]:
    """The table's rows as cell texts; a cell spanning rows is repeated below it (a channel cell
    shared by two time rows), a cell spanning columns counted once (a heading row is one cell)."""
    grid: list[list[str]] = []
    pending: dict[int, tuple[str, int]] = {}  # column → (text, rows still to fill)
    for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        row: list[str] = []
        column = 0
        cells = [cell for cell in tr if isinstance(cell.tag, str) and cell.tag in _CELL]
        queue = list(cells)
        while queue or column in pending:
            if column in pending:
                text, left = pending.pop(column)
                row.append(text)
                if left > 1:
                    pending[column] = (text, left - 1)
                column += 1
                continue
            cell = queue.pop(0)
            text = _text(cell)
            row.append(text)
            span = _int(cell.get("rowspan"))
            if span > 1:
                pending[column] = (text, span - 1)
            column += _int(cell.get("colspan"))
        grid.append(row)
    return grid


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1
