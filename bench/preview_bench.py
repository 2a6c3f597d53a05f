"""How long the live preview takes to show a save: `mkdocs serve --dirty` (make serve) on a synthetic department.

    python -m bench.preview_bench --posts 5000 --procedures 1000

Starts the preview on the department of bench/synth.py (in a project folder given, or a temporary
one), times its first build (until the home page answers), then saves one post and one procedure
``--saves`` times each, as an editor would (a new title each time), and times each save until
the page, fetched as a browser would, shows the new title: watching, rebuilding and serving
together. The median is what `make bench` reports; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.synth import ROOT, write_site

TIMEOUT = 600  # seconds for the first build; a save that takes longer is reported as such


@dataclass
class PreviewResult:
    size: str
    first_build: float = 0.0
    post: list[float] = field(default_factory=list)
    procedure: list[float] = field(default_factory=list)

    @staticmethod
    def median(values: list[float]) -> float | None:
        return statistics.median(values) if values else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait(url: str, text: str, limit: float) -> float:
    """Seconds until ``url`` contains ``text``, polled every 20 ms (a request waits while the preview builds)."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        page = _fetch(url)
        if page is not None and text in page:
            return time.monotonic() - start
        time.sleep(0.02)
    raise TimeoutError(f"{url} never showed {text!r} in {limit:.0f} s")


def _save(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1, flags=re.M)
    assert changed != text, (path, pattern)
    path.write_text(changed, encoding="utf-8")


def measure(project: Path, saves: int, env: dict[str, str], label: str) -> PreviewResult:
    """Time the preview of ``project`` (a synthetic department): its first build and ``saves`` saves of each kind."""
    result = PreviewResult(label)
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed below
    started = time.monotonic()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, env=env, stdout=log, stderr=log)
    try:
        while _fetch(base) is None:
            if server.poll() is not None or time.monotonic() - started > TIMEOUT:
                log.seek(0)
                raise SystemExit(f"the preview did not start:\n{log.read().decode('utf-8', 'replace')[-3000:]}")
            time.sleep(0.2)
        result.first_build = time.monotonic() - started
        time.sleep(1.5)  # the watcher's first look at the files, and the search index of the first build
        post = sorted((project / "content" / "news").rglob("*.md"))[-1]  # the newest: on the home page, first listing pages, feeds
        year, slug = post.parent.name, re.sub(r"^\d{4}-\d{2}-\d{2}-", "", post.stem)
        procedure = sorted((project / "content" / "tthc").glob("1.*.yml"))[17]
        code = procedure.stem
        for number in range(1, saves + 1):
            title = f"Bản sửa số {number} của tin"
            _save(post, r'^title: "(?:Bản sửa số \d+ của tin )?', f'title: "{title} ')
            result.post.append(_wait(f"{base}tin-tuc/{year}/{slug}/", title, 120))
            time.sleep(2.0)  # an editor reads the page before saving again (the preview collects its garbage then)
            name = f"Bản sửa số {number} của thủ tục"
            _save(procedure, r'^name: "(?:Bản sửa số \d+ của thủ tục )?', f'name: "{name} ')
            result.procedure.append(_wait(f"{base}tthc/{code}/", name, 120))
            time.sleep(2.0)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    return result


def table(results: list[PreviewResult], full_builds: dict[str, float] | None = None) -> str:
    """One Markdown table; ``full_builds``: the full build's seconds at each size, from the same run."""
    rows = ["| size (posts+procedures) | first preview build s | save → visible, post s (median) "
            "| save → visible, procedure s (median) | all saves, post / procedure s | full build s | full ÷ post save |",
            "|---|---|---|---|---|---|---|"]
    for r in results:
        post, procedure = r.median(r.post), r.median(r.procedure)
        full = (full_builds or {}).get(r.size)
        ratio = f"{full / post:.0f}×" if full and post else "–"
        rows.append(f"| {r.size} | {r.first_build:.1f} | {post:.2f} | {procedure:.2f} "
                    f"| {' '.join(f'{x:.2f}' for x in r.post)} / {' '.join(f'{x:.2f}' for x in r.procedure)} "
                    f"| {f'{full:.1f}' if full else '–'} | {ratio} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--procedures", type=int, default=100)
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--project", type=Path, help="write the department here and keep it (its .cache too)")
    args = parser.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", str(ROOT)), "NO_MKDOCS_2_WARNING": "1",
           "CCHC_NOW": os.environ.get("CCHC_NOW", "2026-11-24 12:00")}
    label = f"{args.posts}+{args.procedures}"
    with tempfile.TemporaryDirectory(prefix="preview-bench-") as scratch:
        project = args.project or Path(scratch) / "so-y-te"
        if not (project / "mkdocs.yml").exists():
            write_site(project, args.posts, args.procedures)
        result = measure(project, args.saves, env, label)
    print(table([result]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
