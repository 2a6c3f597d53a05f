"""`make bench`: this project against plain MkDocs (the floor) and Material's blog plugin.

For each size N posts + M procedures it writes a synthetic department into a
temporary folder and builds:

  project  this project (hooks, templates, Pagefind, cards, /admin/)
  plain    the same without the speed-ups of hooks/ (CCHC_PLAIN=1): as plain MkDocs builds it
  floor    plain MkDocs + Material, the same number of pages of the same text,
           none in the nav (what any MkDocs site of that size costs)
  blog     Material's blog plugin on the same N posts (optional)
  project, no .gz/.br   this project without writing compressed copies (CCHC_PRECOMPRESS=0), to
           show what cchc.render.precompress costs, measured in the same run

and prints one Markdown table: pages, build seconds (median of the runs after
the first; the first is shown too, since it draws every share card), ratio to
the floor, peak RSS, output size, largest and median HTML page (raw and
gzip), how many pages pass 30 KB gzip (issue 22's bar), and the bytes a
first search downloads. Times are compared only within one run; nothing
here is asserted, the numbers are for BENCHMARKS.md.

Then, for each size, the live preview (`make serve`, bench/preview_bench.py) on the
same project: its first build, and how long a saved post and a saved procedure take
to show (median of --preview-saves saves of each), beside the full build of that run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.preview_bench import PreviewResult
from bench.preview_bench import measure as measure_preview
from bench.preview_bench import table as preview_table
from bench.synth import ROOT, write_site
from cchc.render.precompress import precompress

ENV = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1", "CCHC_NOW": "2026-11-24 12:00"}

# Child process that reports the peak RSS of the build it waits for (KiB, Linux).
_MEASURE = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)")


@dataclass
class Result:
    name: str
    size: str
    times: list[float] = field(default_factory=list)
    rss_mb: float = 0.0
    pages: int = 0
    output_mb: float = 0.0
    largest: tuple[int, int, str] = (0, 0, "")  # raw and gzip bytes, path: the page largest compressed
    over_budget: list[str] = field(default_factory=list)  # pages over PAGE_BUDGET gzip, largest first
    median_page: tuple[int, int] = (0, 0)
    search_bytes: int | None = None
    html_bytes: tuple[int, int, int] = (0, 0, 0)  # every page raw, and its .gz and .br copies (raw if none)
    cold_precompress: float = 0.0  # seconds to compress the whole site with no cached copy
    kinds: dict[str, int] = field(default_factory=dict)  # output bytes by kind (KINDS)

    @property
    def seconds(self) -> float:
        warm = self.times[1:] or self.times
        return statistics.median(warm)


def build(config: Path, site: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one `mkdocs build`."""
    shutil.rmtree(site, ignore_errors=True)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-m", "mkdocs", "build", "--quiet",
         "--config-file", str(config), "--site-dir", str(site)],
        cwd=config.parent, env=env, capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(f"build failed ({config}):\n{result.stderr[-3000:]}")
    return elapsed, int(result.stderr.strip().splitlines()[-1]) / 1024


KINDS = ("HTML", "cards", "thumbnails", "search index", "assets", "attachments", "data, feeds, charts",
         ".gz/.br copies")


def kind_of(relative: str) -> str:
    """What a published file is, for the output budget: the first rule that matches."""
    name = relative.rsplit("/", 1)[-1]
    if name.endswith((".gz", ".br")):
        return ".gz/.br copies"
    if relative.startswith("pagefind/"):
        return "search index"
    if name.endswith(".html"):
        return "HTML"
    if name == "anh-chia-se.png":
        return "cards"
    if ".nho." in name:
        return "thumbnails"
    if relative.startswith(("assets/", "admin/", "search/", "javascripts/", "stylesheets/")):
        return "assets"
    if name.endswith((".xml", ".json", ".csv", ".svg", ".txt", ".yml")):
        return "data, feeds, charts"
    return "attachments"  # photos, PDF, DOCX, XLSX beside posts, procedures and decisions


PAGE_BUDGET = 30 * 1024  # bytes: no HTML page may pass 30 KB gzip (issue 22), however large the site


@dataclass(frozen=True)
class PageSizes:
    """Every HTML page of a built site, raw and gzip-compressed (level 6, what static hosts send)."""

    sizes: list[tuple[int, int, str]]  # (raw, gzip, path relative to the site), by path

    @property
    def largest(self) -> tuple[int, int, str]:
        """The page largest compressed; of equal ones, the first by path (same site, same answer)."""
        return max(self.sizes, key=lambda s: s[1], default=(0, 0, ""))

    @property
    def median(self) -> tuple[int, int]:
        middle = sorted(self.sizes, key=lambda s: s[1])[len(self.sizes) // 2] if self.sizes else (0, 0, "")
        return middle[:2]

    def over(self, budget: int = PAGE_BUDGET) -> list[str]:
        """The pages whose gzip passes ``budget``, largest first."""
        return [path for _, gz, path in sorted(self.sizes, key=lambda s: -s[1]) if gz > budget]


def page_sizes(site: Path) -> PageSizes:
    sizes = []
    for page in sorted(site.rglob("*.html")):
        raw = page.read_bytes()
        sizes.append((len(raw), len(gzip.compress(raw, 6)), page.relative_to(site).as_posix()))
    return PageSizes(sizes)


def measure_output(result: Result, site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    result.pages = len(pages)
    files = [p for p in site.rglob("*") if p.is_file()]
    result.output_mb = sum(p.stat().st_size for p in files) / 1e6
    result.kinds = dict.fromkeys(KINDS, 0)
    for path in files:
        result.kinds[kind_of(path.relative_to(site).as_posix())] += path.stat().st_size
    sizes = page_sizes(site)
    result.largest = sizes.largest
    result.over_budget = sizes.over()
    result.html_bytes = (sum(s[0] for s in sizes.sizes),
                         *(sum(_size(p, suffix) for p in pages) for suffix in (".gz", ".br")))
    result.median_page = sizes.median


def _size(page: Path, suffix: str) -> int:
    """What a server sends for ``page`` to a browser that accepts that encoding: the copy, or the page."""
    copy = page.with_name(page.name + suffix)
    return (copy if copy.is_file() else page).stat().st_size


def run_variant(result: Result, config: Path, site: Path, runs: int, measure: bool = True, **env: str) -> None:
    for _ in range(runs):
        seconds, rss = build(config, site, {**ENV, **env})
        result.times.append(seconds)
        result.rss_mb = max(result.rss_mb, rss)
    if measure:
        measure_output(result, site)


def write_floor(target: Path, pages: int, posts_from: Path) -> Path:
    """Plain MkDocs + Material: ``pages`` Markdown pages of the posts' text, none in the nav."""
    docs = target / "docs"
    (docs / "p").mkdir(parents=True)
    texts = [p.read_text(encoding="utf-8").split("---", 2)[2] for p in sorted(posts_from.rglob("*.md"))]
    titles = [p.stem for p in sorted(posts_from.rglob("*.md"))]
    (docs / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    for index in range(pages - 2):  # plus the home page and MkDocs' 404 page
        text = texts[index % len(texts)]
        (docs / "p" / f"{index}.md").write_text(f"# {titles[index % len(titles)]}\n\n{text}", encoding="utf-8")
    config = target / "mkdocs.yml"
    config.write_text(
        "site_name: Sàn đo\nsite_url: https://example.gov.vn/\ntheme:\n  name: material\n  language: vi\n"
        "  font: false\nplugins: []\nnav:\n  - Trang chủ: index.md\nnot_in_nav: |\n  /p/\n",
        encoding="utf-8",
    )
    return config


def write_blog(target: Path, posts_from: Path, categories: bool = True) -> Path:
    """Material's blog plugin over the same posts (its own front matter: date, categories)."""
    posts = target / "docs" / "blog" / "posts"
    posts.mkdir(parents=True)
    (target / "docs" / "blog" / "index.md").write_text("# Tin tức\n", encoding="utf-8")
    (target / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    for path in sorted(posts_from.rglob("*.md")):
        front, body = path.read_text(encoding="utf-8").split("---", 2)[1:]
        lines = dict(line.split(": ", 1) for line in front.strip().splitlines() if ": " in line)
        (posts / path.name).write_text(
            f"---\ndate: {lines['date'][:10]}\ncategories:\n  - {lines['category']}\n---\n\n"
            f"# {lines['title'].strip(chr(34))}\n\n{body}", encoding="utf-8")
    config = target / "mkdocs.yml"
    config.write_text(
        "site_name: Blog\nsite_url: https://example.gov.vn/\ntheme:\n  name: material\n  language: vi\n"
        "  font: false\nplugins:\n  - blog\nnav:\n  - Trang chủ: index.md\n  - Tin tức: blog/index.md\n",
        encoding="utf-8",
    )
    return config


def search_bytes(site: Path) -> int | None:
    try:
        from bench.search_weight import first_query_bytes

        return first_query_bytes(site, "giấy phép hành nghề")["search_bytes"]
    except Exception as error:  # noqa: BLE001 - a missing browser must not hide the build figures
        print(f"(search bytes not measured: {error})", file=sys.stderr)
        return None


def bench_size(work: Path, posts: int, procedures: int, runs: int, blog: bool,
               saves: int = 0, previews: list[PreviewResult] | None = None) -> list[Result]:
    label = f"{posts}+{procedures}"
    project = work / f"project-{label}"
    config = write_site(project, posts, procedures)
    ours = Result("project", label)
    # Built in turns with the project, on the same .cache/: the two differ only by the compressed copies,
    # and a busy moment of the machine slows both alike.
    bare = Result("project, no .gz/.br", label)
    print(f"[{label}] project ×{runs}, in turns with the project without compressed copies", file=sys.stderr,
          flush=True)
    for _ in range(runs):
        run_variant(ours, config, project / "site", 1, measure=False)
        run_variant(bare, config, project / "site-bare", 1, measure=False, CCHC_PRECOMPRESS="0")
    measure_output(ours, project / "site")
    measure_output(bare, project / "site-bare")
    ours.search_bytes = search_bytes(project / "site")
    # What a build whose .cache/ has no copy yet (a first build, or every page changed) spends on them.
    with tempfile.TemporaryDirectory(prefix="cchc-bench-gz-") as cache:
        start = time.perf_counter()
        precompress(project / "site", Path(cache))
        ours.cold_precompress = time.perf_counter() - start
    if saves and previews is not None:
        print(f"[{label}] preview: first build, then {saves} saves of a post and of a procedure", file=sys.stderr,
              flush=True)
        previews.append(measure_preview(project, saves, ENV, label))
    plain = Result("plain", label)
    print(f"[{label}] project without its speed-ups ×{runs}", file=sys.stderr, flush=True)
    run_variant(plain, config, project / "site", runs, CCHC_PLAIN="1")

    floor = Result("floor", label)
    print(f"[{label}] floor ({ours.pages} pages) ×{runs}", file=sys.stderr, flush=True)
    floor_config = write_floor(work / f"floor-{label}", ours.pages, project / "content" / "news")
    run_variant(floor, floor_config, work / f"floor-{label}" / "site", runs)
    results = [ours, bare, plain, floor]
    if blog:
        blog_result = Result("blog plugin", f"{posts}+0")
        print(f"[{label}] blog plugin ×{max(1, runs - 1)}", file=sys.stderr, flush=True)
        blog_config = write_blog(work / f"blog-{label}", project / "content" / "news")
        # The blog plugin has no cache to warm: one run less keeps large runs bearable.
        run_variant(blog_result, blog_config, work / f"blog-{label}" / "site", max(1, runs - 1))
        results.append(blog_result)
    return results


def table(results: list[Result]) -> str:
    floors = {r.size: r.seconds for r in results if r.name == "floor"}
    rows = ["| size (posts+procedures) | variant | HTML pages | build s (median) | first build s | × floor "
            "| peak RSS MB | output MB | largest page raw / gzip KB | pages > 30 KB gzip | median page raw / gzip KB "
            "| first search KB |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        floor = floors.get(r.size) or floors.get(r.size.split("+")[0] + "+" + r.size.split("+")[1])
        ratio = f"{r.seconds / floor:.2f}" if floor and r.name != "floor" else ("1.00" if r.name == "floor" else "–")
        search = f"{r.search_bytes / 1024:.0f}" if r.search_bytes else "–"
        rows.append(
            f"| {r.size} | {r.name} | {r.pages} | {r.seconds:.1f} | {r.times[0]:.1f} | {ratio} | {r.rss_mb:.0f} "
            f"| {r.output_mb:.0f} | {r.largest[0] / 1024:.1f} / {r.largest[1] / 1024:.1f} ({r.largest[2]}) "
            f"| {len(r.over_budget)} | {r.median_page[0] / 1024:.1f} / {r.median_page[1] / 1024:.1f} | {search} |")
    return "\n".join(rows)


def kinds_table(results: list[Result]) -> str:
    floors = {r.size: r.output_mb for r in results if r.name == "floor"}
    rows = ["| size | variant | " + " | ".join(KINDS) + " | total | × floor |", "|---" * (len(KINDS) + 4) + "|"]
    for r in results:
        floor = floors.get(r.size)
        ratio = f"{r.output_mb / floor:.2f}" if floor else "–"
        rows.append(f"| {r.size} | {r.name} | " + " | ".join(f"{r.kinds.get(k, 0) / 1e6:.1f}" for k in KINDS)
                    + f" | {r.output_mb:.1f} | {ratio} |")
    return "\n".join(rows)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))) / 1024 / 1024
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}, {platform.system()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500:100",
                        help="comma-separated POSTS:PROCEDURES, e.g. 2500:500,5000:1000 (default 500:100)")
    parser.add_argument("--runs", type=int, default=3, help="builds per variant (default 3; the first is cold)")
    parser.add_argument("--blog", default="", help="comma-separated post counts to run the blog plugin at "
                                                   "(default: the first size's post count)")
    parser.add_argument("--no-blog", action="store_true", help="skip the blog plugin")
    parser.add_argument("--preview-saves", type=int, default=5,
                        help="saves of a post and of a procedure timed in the live preview (default 5; 0: none)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    sizes = [tuple(int(x) for x in s.split(":")) for s in args.sizes.split(",")]
    blog_at = set() if args.no_blog else {int(x) for x in args.blog.split(",") if x} or {sizes[0][0]}
    results: list[Result] = []
    previews: list[PreviewResult] = []
    with tempfile.TemporaryDirectory(prefix="cchc-bench-") as tmp:
        work = Path(tmp)
        for posts, procedures in sizes:
            results += bench_size(work, posts, procedures, args.runs, blog=posts in blog_at,
                                  saves=args.preview_saves, previews=previews)
        for posts in sorted(blog_at - {p for p, _ in sizes}):
            results += bench_size(work, posts, 0, args.runs, blog=True)
    print(f"Machine: {machine()}\nRuns per variant: {args.runs} (median of runs 2…; first run shown apart)\n")
    print(table(results))
    for r in results:
        if r.over_budget:
            shown = ", ".join(r.over_budget[:5]) + (f" and {len(r.over_budget) - 5} more" if len(r.over_budget) > 5 else "")
            print(f"\n{r.size} {r.name}: {len(r.over_budget)} pages over {PAGE_BUDGET // 1024} KB gzip: {shown}")
    ours = [r for r in results if r.name == "project"]
    asked = [r for r in ours if r.size in {f"{p}+{m}" for p, m in sizes}]
    if len(asked) >= 2:
        print(f"\nDoubling {asked[-2].size} → {asked[-1].size}: × {asked[-1].seconds / asked[-2].seconds:.2f}")
    for posts in sorted(blog_at):
        blog = next((r for r in results if r.name == "blog plugin" and r.size.startswith(f"{posts}+")), None)
        mine = next((r for r in ours if r.size.startswith(f"{posts}+")), None)
        if blog and mine:
            print(f"Blog plugin at {posts} posts: {blog.seconds:.1f} s; this project with {mine.size}: "
                  f"{mine.seconds:.1f} s (× {blog.seconds / mine.seconds:.1f} faster)")
    for mine in ours:
        bare = next((r for r in results if r.name == "project, no .gz/.br" and r.size == mine.size), None)
        raw, gz, br = mine.html_bytes
        if bare and raw:
            print(f"Compressed copies at {mine.size}: build {mine.seconds:.1f} s with, {bare.seconds:.1f} s without "
                  f"(× {mine.seconds / bare.seconds:.2f}); with no cached copy, compressing takes {mine.cold_precompress:.1f} s; "
                  f"HTML {raw / 1e6:.1f} MB, as .gz {gz / 1e6:.1f} MB ({gz / raw:.1%}), "
                  f"as .br {br / 1e6:.1f} MB ({br / raw:.1%})")
    print("\nOutput by kind, MB (× floor: the whole output against the floor's):\n")
    print(kinds_table(results))
    if previews:
        full = {r.size: r.seconds for r in ours}
        print("\nLive preview (make serve: mkdocs serve --dirty), save → page shows it; "
              "full build = this run's project build:\n")
        print(preview_table(previews, full))
    if args.json:
        figures = [r.__dict__ for r in results] + [{"preview": p.__dict__} for p in previews]
        args.json.write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
