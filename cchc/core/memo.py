"""What loading one file produced, kept while the file is unchanged: `mkdocs serve` reloads only what was saved.

Reading a post or a record (YAML, schema, checks) is most of the time a full load
takes: 5.5 s for 5,000 posts and 1,000 procedures. A preview that keeps this
memo between builds reads again only the files whose stamp changed, and hands
back the very objects it made before for the others, so what is planned from
them can be compared by identity. A plain build passes no memo and reads all.

A stamp is a file's stat. The stat alone cannot tell two writes apart within the
file system's clock tick (git's "racy" files): a file stamped within RACY seconds
of its last write also keeps a digest of its bytes, and is read again to compare.

Before each load, one pass over content/ (os.scandir, 30 ms for 6,000 files) says
which files changed since the last load (``changes``): a loader whose files all stayed
as they were hands back its whole last result, and a file not among them is not
asked for its stat again. A file written within RACY seconds of that pass is read,
and at the next pass it counts as changed unless its stat and bytes are the same.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RACY = 2.0  # seconds: a file written this recently may change again without its stat changing


@dataclass(frozen=True)
class Stamp:
    stat: tuple[int, int, int, int] | None  # mtime_ns, size, inode, device; None: no such file
    digest: bytes | None = None  # the bytes' hash, for a file stamped soon after it was written


def _stat(path: Path) -> tuple[int, int, int, int] | None:
    try:
        result = os.stat(path)
    except OSError:
        return None
    return result.st_mtime_ns, result.st_size, result.st_ino, result.st_dev


def _digest(path: Path) -> bytes | None:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except OSError:
        return None


def stamp(path: Path) -> Stamp:
    stat = _stat(path)
    racy = stat is not None and time.time_ns() - stat[0] < RACY * 1e9
    return Stamp(stat, _digest(path) if racy else None)


def unchanged(path: Path, old: Stamp) -> bool:
    """Whether ``path`` still holds what it held when ``old`` was taken."""
    if _stat(path) != old.stat:
        return False
    return old.digest is None or _digest(path) == old.digest


@dataclass
class _Entry:
    context: Any
    reads: dict[Path, Stamp]  # the file and everything its loading read besides (an image)
    value: Any


class FileMemo:
    """Results of loading files, by (kind, path), valid while every file they read is unchanged."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, Path], _Entry] = {}
        self._stamps: dict[Path, Stamp] = {}
        self.kept: dict[str, Any] = {}  # whole results of a loader, under names of its choosing
        self._asked: set[tuple[str, Path]] = set()
        self.changes: set[str] | None = None  # paths under the folder snapshot, "/"-separated; None: unknown
        self.moved: set[str] = set()  # those of ``changes`` that are new or gone
        self._snapshot: dict[str, tuple] | None = None
        self._folder = ""

    def snapshot(self, folder: Path) -> None:
        """Find which files under ``folder`` changed (new, gone, or another stat) since the last snapshot.

        ``changes`` is None the first time, and whenever the folder holds a symbolic link: what it
        leads to may change without anything in the folder changing.
        """
        racy_before = time.time_ns() - int(RACY * 1e9)
        files: dict[str, tuple] = {}
        linked = False
        folders = [("", str(folder))]
        while folders:
            relative, path = folders.pop()
            try:
                with os.scandir(path) as entries:
                    for entry in entries:
                        name = relative + entry.name
                        if entry.is_symlink():
                            linked = True
                        elif entry.is_dir():
                            folders.append((name + "/", entry.path))
                            continue
                        try:
                            result = entry.stat()
                        except OSError:
                            continue
                        racy = result.st_mtime_ns > racy_before  # the file just saved, mostly: a few
                        files[name] = (result.st_mtime_ns, result.st_size, result.st_ino,
                                       _digest(Path(entry.path)) if racy else None)
            except OSError:
                continue
        before, self._snapshot = self._snapshot, files
        self.moved = set()
        if before is None or linked or self._folder != str(folder):
            self.changes = None
        else:
            self.moved = (files.keys() - before.keys()) | (before.keys() - files.keys())
            self.changes = {name for name, now in files.items()
                            if (old := before.get(name)) is None or old[:3] != now[:3]
                            or (old[3] is not None and old[3] != (now[3] or _digest(folder / name)))}
            self.changes |= before.keys() - files.keys()
        self._folder = str(folder)

    def edits_only(self, folder: str, suffixes: tuple[str, ...]) -> bool:
        """Whether every change under ``folder`` (of the snapshot's) edited a file named ``*suffixes`` that
        was there before and still is: a folder's listing, and its files of other kinds, are as they were."""
        if self.changes is None:
            return False
        inside = folder.rstrip("/") + "/"
        return not any(path.startswith(inside) and (path in self.moved or not path.lower().endswith(suffixes))
                       for path in self.changes) if suffixes else not any(
                           path.startswith(inside) for path in self.changes)

    def untouched(self, path: Path) -> bool:
        """Whether the last snapshot says ``path`` did not change (False when it cannot say)."""
        if self.changes is None:
            return False
        text, folder = str(path), self._folder + os.sep
        return text.startswith(folder) and text[len(folder):].replace(os.sep, "/") not in self.changes

    def begin(self) -> None:
        """A new load starts: nothing asked yet."""
        self._asked = set()

    def end(self) -> None:
        """The load is over: entries of files it did not ask for (deleted ones) are dropped."""
        self._entries = {key: entry for key, entry in self._entries.items() if key in self._asked}
        self._stamps = {path: value for path, value in self._stamps.items() if ("", path) in self._asked}

    def keep(self, kind: str) -> None:
        """Keep every entry of ``kind`` through this load without asking for them (a whole result was reused)."""
        self._asked.update(key for key in self._entries if key[0] == kind)

    def get(self, kind: str, path: Path, context: Any) -> Any | None:
        """The value stored for ``path`` if it and what it read are unchanged and ``context`` is equal; else None."""
        self._asked.add((kind, path))
        entry = self._entries.get((kind, path))
        if entry is None or entry.context != context or not all(
                self.untouched(p) or unchanged(p, s) for p, s in entry.reads.items()):
            return None
        return entry.value

    def put(self, kind: str, path: Path, context: Any, reads: Iterable[Path], value: Any) -> None:
        self._entries[(kind, path)] = _Entry(context, {p: stamp(p) for p in dict.fromkeys([path, *reads])}, value)

    def changed(self, path: Path) -> bool:
        """Whether ``path`` changed since the last time this was asked (True the first time)."""
        self._asked.add(("", path))
        old = self._stamps.get(path)
        if old is not None and unchanged(path, old):
            return False
        self._stamps[path] = stamp(path)
        return True
