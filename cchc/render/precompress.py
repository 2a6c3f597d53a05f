"""Compressed copies of the site's text files, ``<file>.gz`` and ``<file>.br``, written beside them after a build.

A server told to (nginx ``gzip_static``/``brotli_static``, ``python -m cchc may-chu nginx``) sends these as they
are instead of compressing every response again: no CPU per request, and Brotli at a quality no server
would spend on the fly. Only web text formats are compressed; images, PDF, Office files and fonts are
compressed already, and Pagefind's index files (``*.pf_*``, ``wasm.*.pagefind``) are gzip inside, read by
Pagefind's own code, so they must never be sent with a Content-Encoding.

Same input, same output: gzip without a file name and with mtime 0, fixed levels, so rebuilds stay
byte-identical. Levels chosen by measurement on the demo site (BENCHMARKS.md, ``python -m bench.precompress``):
Brotli 5 costs what gzip 6 does and is 8 % smaller; Brotli 10 and 11 are 8–11 % smaller again but 30–60
times slower (minutes at 7,000 pages); gzip 9 saves 0.4 % over 6 for twice the time.
Each compressed copy is kept in .cache/ by a hash of the file's bytes (cchc.core.diskcache), so a
rebuild compresses only what changed and links the rest (a hard link: one metadata write).
"""

from __future__ import annotations

import os
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import brotli

from cchc.core.diskcache import cached, key, place, usage

# What browsers fetch as text (pages, styles, scripts, feeds, open data, source maps, the editor's
# config.yml) plus WebAssembly, which shrinks by half. Not images, fonts (woff2 is Brotli inside),
# PDF or Office files, ZIP, nor Pagefind's gzip-inside index files.
SUFFIXES = frozenset({".html", ".htm", ".css", ".js", ".mjs", ".json", ".map", ".xml", ".svg", ".csv", ".txt",
                      ".webmanifest", ".ics", ".yml", ".yaml", ".wasm"})
ENCODINGS = {".gz": "gzip", ".br": "br"}
# Below this a file fits in the first packets either way, and the server's extra open() costs more.
MIN_BYTES = 256
# A copy is written only if it saves at least this share of the file: a copy that saves 2 % still
# costs the server a second file to look up, and proxies a Vary.
MIN_SAVING = 0.05
GZIP_LEVEL = 6
BROTLI_QUALITY = 5
# In every cache key: another library version or level may compress to other bytes.
_VERSION = f"precompress 1, zlib {zlib.ZLIB_VERSION} {GZIP_LEVEL}, brotli {brotli.__version__} {BROTLI_QUALITY}"


def gzip_bytes(data: bytes) -> bytes:
    """gzip with no file name and mtime 0 (zlib writes exactly that header), so the same bytes every build."""
    return zlib.compress(data, GZIP_LEVEL, wbits=31)


def brotli_bytes(data: bytes) -> bytes:
    return brotli.compress(data, quality=BROTLI_QUALITY)


_COMPRESS = {".gz": gzip_bytes, ".br": brotli_bytes}


def compressible(path: Path | str) -> bool:
    return os.path.splitext(str(path))[1].lower() in SUFFIXES


@dataclass
class Summary:
    """What one run wrote: files looked at, their bytes, and the bytes of each kind of copy."""

    files: int = 0
    raw: int = 0  # bytes of the files that got at least one copy
    written: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENCODINGS, 0))  # bytes of the copies
    copies: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENCODINGS, 0))  # number of copies
    made: int = 0  # copies compressed in this run (the others came from the cache)
    removed: int = 0  # copies of files no longer in the site, or that no longer save anything

    def add(self, other: _FileResult) -> None:
        self.files += 1
        if other.sizes:
            self.raw += other.raw
        for suffix, size in other.sizes.items():
            self.written[suffix] += size
            self.copies[suffix] += 1
        self.made += other.made
        self.removed += other.removed


@dataclass
class _FileResult:
    raw: int = 0
    sizes: dict[str, int] = field(default_factory=dict)
    made: int = 0
    removed: int = 0


def precompress(site: Path, cache: Path | None = None, workers: int | None = None) -> Summary:
    """Write ``.gz`` and ``.br`` beside every compressible file of ``site``; remove copies left without a file.

    ``cache``: a folder of compressed copies kept between builds (None: compress everything again).
    ``workers``: threads (zlib and Brotli compress outside Python's lock), default one per core.
    """
    summary = Summary()
    files, orphans = _survey(site)
    for orphan in orphans:  # from an earlier build into the same folder (mkdocs build --dirty)
        orphan.unlink()
        summary.removed += 1
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1, thread_name_prefix="cchc-gz") as pool:
        for result in pool.map(lambda path: _one(path, cache), files, chunksize=16):
            summary.add(result)
    return summary


def _survey(site: Path) -> tuple[list[Path], list[Path]]:
    """The compressible files, and the copies whose file is gone or is not compressible."""
    files, orphans = [], []
    for folder, _dirs, names in os.walk(site):
        present = set(names)
        for name in sorted(names):
            base, suffix = os.path.splitext(name)
            path = Path(folder, name)
            if suffix in ENCODINGS and compressible(base):
                if base not in present:
                    orphans.append(path)
            elif compressible(name) and not path.is_symlink():
                files.append(path)
    return sorted(files), orphans


def _one(path: Path, cache: Path | None) -> _FileResult:
    data = path.read_bytes()
    result = _FileResult(raw=len(data))
    digest = key(_VERSION, data) if cache is not None and len(data) >= MIN_BYTES else ""
    for suffix, compress in _COMPRESS.items():
        target = path.with_name(path.name + suffix)
        copy = _copy(data, suffix, compress, cache, digest, result)
        if copy is None:
            if target.exists():  # a copy that no longer saves anything must not be served
                target.unlink()
                result.removed += 1
            continue
        if isinstance(copy, Path):
            place(copy, target)
            result.sizes[suffix] = copy.stat().st_size
        else:
            target.unlink(missing_ok=True)  # never through an old hard link into the cache
            target.write_bytes(copy)
            result.sizes[suffix] = len(copy)
    return result


def _copy(data: bytes, suffix: str, compress, cache: Path | None, digest: str,
          result: _FileResult) -> bytes | Path | None:
    """The compressed bytes (or the cached file holding them); None if a copy is not worth it."""
    if len(data) < MIN_BYTES:
        return None
    if cache is None:
        result.made += 1
        packed = compress(data)
        return packed if _worth(len(data), len(packed)) else None
    path = cache / f"{digest}{suffix}"
    usage.mark(path)
    if not path.is_file():
        packed = compress(data)
        result.made += 1
        if not _worth(len(data), len(packed)):
            return None  # not cached: such files are few and small (a copy never pays for text this size)
        cached(path, lambda: packed)
    return path


def _worth(raw: int, packed: int) -> bool:
    return packed <= raw * (1 - MIN_SAVING)

