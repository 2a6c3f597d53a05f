"""Reading editors' files: UTF-8 only, NFC, Unix newlines."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cchc.core.errors import ContentError


@dataclass(frozen=True)
class Asset:
    """A file from the content tree published as it is, at a stable URL (cchc.core.layout.published_uri)."""

    src_uri: str
    abs_path: Path


# A news post or a record is a few KB; a megabyte is a pasted document or a
# mistake, and would make a page no phone should have to load.
MAX_BYTES = 1_000_000


def read_text(path: Path, source: str) -> str:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ContentError(source, None, "", f"tệp quá lớn ({size / 1_000_000:.1f} MB; tối đa 1 MB). Văn bản dài "
                                             "hãy đính kèm dạng PDF và liên kết tới nó")
    if size == 0:
        raise ContentError(source, None, "", "tệp rỗng; xoá tệp hoặc viết nội dung")
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):  # BOM from Windows Notepad
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ContentError(
            source, line, "",
            "tệp không ở mã UTF-8 (có thể được lưu bằng mã Windows-1258 hoặc TCVN3); "
            "hãy mở và lưu lại với mã UTF-8",
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def walk(folder: Path) -> Iterator[tuple[Path, Path]]:
    """Every content file below ``folder`` (sorted, litter skipped), with its relative path."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(is_hidden(part) for part in relative.parts):
            yield path, relative


def is_hidden(name: str) -> bool:
    """Editor and OS litter (.DS_Store, ~$draft.docx) is never published."""
    return name.startswith((".", "~$"))
