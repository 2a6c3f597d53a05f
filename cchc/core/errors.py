"""Content errors that an editor can act on: file, line, field, message.

Every loader reports the same way: it opens a :class:`FileErrors` for each file
it reads, records each problem with ``at(field, message)`` (the line comes from
the YAML) and goes on, so one pass finds every error. A file that cannot be
read at all raises :class:`ContentError`, and the loader records that too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar


class Lines(Protocol):
    """Where each field of a file is (cchc.core.yamlsafe.YamlDoc)."""

    def line_of(self, path: tuple) -> int | None: ...


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

    def __init__(self, errors: Iterable[ContentError]):
        self.errors = sorted(set(errors))
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.errors)
        lines = [f"Nội dung có {count} lỗi, chưa thể xuất bản trang:"]
        lines += [f"  {error}" for error in self.errors]
        return "\n".join(lines)


T = TypeVar("T")


def _attempt(add: Callable[[ContentError], None], read: Callable[..., T], args: tuple) -> T | None:
    try:
        return read(*args)
    except ContentError as error:  # the file cannot be read at all: say so, go on with the next
        add(error)
        return None


class Report:
    """Every error of one load, file by file."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []

    def file(self, source: str, doc: Lines | None = None) -> FileErrors:
        """The collector of one file; what it records lands here too."""
        return FileErrors(source, doc, self.errors)

    def add(self, error: ContentError) -> None:
        self.errors.append(error)

    def attempt(self, read: Callable[..., T], *args: Any) -> T | None:
        """``read(*args)``, or None if it raised a ContentError, which is recorded."""
        return _attempt(self.add, read, args)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ContentErrors(self.errors)


class FileErrors:
    """The errors of one file, each at a field: ``at(("steps", 2), "…")`` finds the line in the YAML."""

    def __init__(self, source: str, doc: Lines | None = None, sink: list[ContentError] | None = None):
        self.source, self.doc = source, doc
        self.errors: list[ContentError] = []
        self._sink = sink

    def at(self, field: tuple | str, message: str, line: int | None = None) -> None:
        """A problem at ``field``: a path into the file's YAML, or a name (``"tên tệp"``) with its ``line``."""
        if isinstance(field, tuple):
            if line is None and self.doc is not None:
                line = self.doc.line_of(field)
            field = dotted(field)
        self.add(ContentError(self.source, line, field, message))

    def add(self, error: ContentError) -> None:
        self.errors.append(error)
        if self._sink is not None:
            self._sink.append(error)

    def attempt(self, read: Callable[..., T], *args: Any) -> T | None:
        """``read(*args)``, or None if it raised a ContentError, which is recorded for this file."""
        return _attempt(self.add, read, args)

    def __bool__(self) -> bool:
        return bool(self.errors)


def dotted(path: tuple) -> str:
    """A field path as an editor reads it: ``steps[2].name``."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


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
