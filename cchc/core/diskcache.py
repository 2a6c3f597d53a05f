"""Build products kept between builds under .cache/, named by a hash of what they depend on.

Share cards, thumbnails and QR codes cost milliseconds each; at thousands of
posts and procedures that is minutes per build. An unchanged input finds its
file and is never made twice; the site gets the cached file itself (a hard
link, see place), so nothing large is held in memory or copied.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def key(*parts: str | bytes) -> str:
    """A short hash of everything that changes the product (include a version string)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:24]


class Usage:
    """Which cache entries this build used, so that the others can be removed at its end (:func:`prune`).

    Kept per process and reset by each build; a set's add is atomic, so threads may record at once."""

    def __init__(self) -> None:
        self.paths: set[Path] = set()

    def mark(self, path: Path) -> None:
        self.paths.add(path)

    def folders(self) -> set[Path]:
        """The cache folders this build used at all: only those are pruned (a build with the .gz/.br copies
        turned off, say, leaves theirs alone)."""
        return {path.parent for path in self.paths}


usage = Usage()


def cached(path: Path, make: Callable[[], bytes]) -> Path:
    """``path``, made by ``make`` first if it is not there yet."""
    usage.mark(path)
    if not path.is_file():
        data = make()
        path.parent.mkdir(parents=True, exist_ok=True)
        # Named by process and thread: two threads may make the same product at once (precompress).
        partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        partial.write_bytes(data)
        partial.replace(path)  # atomic: a parallel build never reads half a file
    return path


def place(source: Path, target: Path) -> None:
    """Put a cached file into the site: a hard link where possible, else a copy.

    Copying thousands of share cards was seconds of every build; a link is one
    metadata write. The target is unlinked first, so writing to it can never reach
    back into the cache through an old link; the site is only ever read after that.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(source, target)


LOCK = ".dang-dung"  # in .cache/: every build holds it shared; pruning needs it alone
STALE_PARTIAL = 3600  # seconds: a .tmp older than this was left by a build that died


def hold(root: Path):
    """A shared lock on ``root`` (the .cache/ folder) for as long as the returned file stays open: while
    another build or a preview holds one, no build prunes (an entry it is about to place stays)."""
    root.mkdir(parents=True, exist_ok=True)
    handle = open(root / LOCK, "a")  # noqa: SIM115 - held open on purpose, closed with the process
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


@dataclass
class Pruned:
    removed: int = 0
    freed: int = 0
    skipped: bool = False  # another build held the cache


def prune(root: Path, used: Usage, handle=None) -> Pruned:
    """Remove every entry of the folders this build used that it did not use: renamed posts' cards, old
    versions' pages, the compressed copies of files that changed. Only with the cache to itself (the lock
    taken alone, without waiting); ``handle``: this build's own shared lock, given up for the exclusive one."""
    done = Pruned()
    lock = handle or open(root / LOCK, "a")  # noqa: SIM115
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        done.skipped = True
        return done
    try:
        keep = {path.resolve() for path in used.paths}
        now = time.time()
        for folder in used.folders():
            if folder.parent.resolve() != root.resolve() or not folder.is_dir():
                continue  # only the cache's own folders, one level down, never anything else
            for entry in folder.iterdir():
                if not entry.is_file() or entry.is_symlink() or entry.resolve() in keep:
                    continue
                stat = entry.stat()
                if entry.name.endswith(".tmp") and now - stat.st_mtime < STALE_PARTIAL:
                    continue  # being written right now
                entry.unlink(missing_ok=True)
                done.removed += 1
                done.freed += stat.st_size
    finally:
        fcntl.flock(lock, fcntl.LOCK_SH)  # back to what the build held
        if handle is None:
            lock.close()
    return done
