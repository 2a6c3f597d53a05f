"""What every importer reader returns, and the one error it raises.

Shared by the docx/html readers, the spreadsheet reader and the CLI (see /tmp/import_spec.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

# Real exports are a few hundred kB; anything this big is not a procedure export, and reading it
# whole (python-docx and lxml load everything into memory) could stall the editor's machine.
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Imported:
    """One procedure read from a source file, as v2 record data.

    ``data`` holds only what the source states (never a value invented to satisfy the schema).
    ``as_text`` lists dotted paths of values kept as text because they could not be parsed without
    guessing, e.g. ``channels[1].times[1]`` (a ``{text: …}`` time) or ``channels[0].fees[2]``
    (an ``amount_text`` fee), so the report can ask the editor to look at them.
    ``skipped`` says, in Vietnamese, what the source stated that could not be put into the record
    at all (an unknown label, a level outside tinh/xa/huyen, a channel that is none of the three):
    silently dropping it would look like "the source said nothing".
    """

    source: str
    data: dict
    as_text: list[str] = field(default_factory=list)
    sheet_row: int | None = None
    skipped: list[str] = field(default_factory=list)


class UnreadableInput(Exception):
    """The file cannot be read as a procedure source; the message (Vietnamese) names file and reason."""


def check_size(path: str | os.PathLike[str]) -> None:
    """Refuse a missing file, or one over MAX_BYTES, before anything reads it."""
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise UnreadableInput(f"{path}: không mở được tệp ({exc.strerror or exc}).") from exc
    if size > MAX_BYTES:
        raise UnreadableInput(
            f"{path}: tệp quá lớn ({size / 1024 / 1024:.1f} MB, tối đa {MAX_BYTES // 1024 // 1024} MB); "
            "đây không giống một tệp thủ tục hay bảng phụ lục."
        )


def read_limited(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, refusing a missing file or one over MAX_BYTES before reading it."""
    check_size(path)
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise UnreadableInput(f"{path}: không đọc được tệp ({exc.strerror or exc}).") from exc
