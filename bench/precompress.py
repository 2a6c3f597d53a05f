"""`python -m bench.precompress [SITE]`: how small and how slow each gzip level and Brotli quality is on a built site.

The figures behind GZIP_LEVEL and BROTLI_QUALITY of cchc.render.precompress: every compressible file
of the site (default site/), compressed on one thread at each setting; bytes out against bytes in,
and nanoseconds per input byte (multiply by a site's HTML bytes for a build's cost).
"""

from __future__ import annotations

import argparse
import sys
import time
import zlib
from pathlib import Path

import brotli

from cchc.render.precompress import MIN_BYTES, compressible

SETTINGS = [(f"gzip {level}", lambda data, level=level: zlib.compress(data, level, wbits=31)) for level in (6, 9)] + \
    [(f"brotli {q}", lambda data, q=q: brotli.compress(data, quality=q)) for q in range(4, 12)]


def measure(files: list[bytes]) -> list[tuple[str, int, float]]:
    rows = []
    for name, compress in SETTINGS:
        start = time.perf_counter()
        size = sum(len(compress(data)) for data in files)
        rows.append((name, size, time.perf_counter() - start))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.precompress", description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, default=Path("site"))
    args = parser.parse_args(argv)
    paths = [p for p in sorted(args.site.rglob("*")) if p.is_file() and compressible(p)]
    groups = {"HTML": [p.read_bytes() for p in paths if p.suffix == ".html"],
              "all compressible": [p.read_bytes() for p in paths]}
    print("| files | setting | MB in | MB out | out/in | s | ns per byte |\n|---|---|---|---|---|---|---|")
    for label, files in groups.items():
        files = [data for data in files if len(data) >= MIN_BYTES]
        raw = sum(map(len, files))
        for name, size, seconds in measure(files):
            print(f"| {label} ({len(files)}) | {name} | {raw / 1e6:.1f} | {size / 1e6:.2f} | {size / raw:.3f} "
                  f"| {seconds:.2f} | {seconds / raw * 1e9:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
