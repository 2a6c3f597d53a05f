"""Content errors that an editor can act on: file, line, field, message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class ContentError(Exception):
    """One problem in one file; raised by parsers, collected by loaders."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ContentErrors(Exception):
    """Every error found in one pass, so an editor fixes them all at once."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(set(errors))
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.errors)
        lines = [f"Nội dung có {count} lỗi, chưa thể xuất bản trang:"]
        lines += [f"  {error}" for error in self.errors]
        return "\n".join(lines)


def display_path(path: Path, root: Path) -> str:
    """Paths relative to the project, as editors see them in git."""
    try:
        # Content paths come from walking root already: no need to ask the disk.
        return path.relative_to(root).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
