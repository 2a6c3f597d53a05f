"""Build products kept between builds under .cache/, named by a hash of what they depend on.

Share cards, thumbnails and QR codes cost milliseconds each; at thousands of
posts and procedures that is minutes per build. An unchanged input finds its
file and is never made twice; the site gets the cached file itself (MkDocs
copies it), so nothing large is held in memory.
"""

from __future__ import annotations

import hashlib
import os
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
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_bytes(data)
        partial.replace(path)  # atomic: a parallel build never reads half a file
    return path
