"""Build products kept between builds under .cache/, named by a hash of what they depend on.

Share cards, thumbnails and QR codes cost milliseconds each; at thousands of
posts and procedures that is minutes per build. An unchanged input finds its
file and is never made twice; the site gets the cached file itself (a hard
link, see place), so nothing large is held in memory or copied.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path


def key(*parts: str | bytes) -> str:
    """A short hash of everything that changes the product (include a version string)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:24]


def cached(path: Path, make: Callable[[], bytes]) -> Path:
    """``path``, made by ``make`` first if it is not there yet."""
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
