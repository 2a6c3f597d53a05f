"""make verify: the quality gates every merge must pass, on the real built site.

Builds the site twice (strict, and byte-identical), then checks HTML validity
(Nu Html Checker), internal links and anchors, third-party hosts, what travels
(every page's link preview as Facebook's and Zalo's clients read it, every feed,
the sitemap and robots.txt: checks/travel.py), and, in the real Chromium,
accessibility (axe-core) and Lighthouse mobile scores on one page of every page
type. Writes verify-report.json and prints a table;
exits 1 if any gate fails.
"""

from __future__ import annotations

import filecmp
import functools
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cchc.core import layout
from cchc.core.dates import build_now
from cchc.core.settings import Settings
from cchc.site.content import load_content

from . import travel
from .sitecheck import broken_links, csp_problems, third_party

ROOT = Path(__file__).resolve().parent.parent
NODE_BIN = ROOT / "node_modules"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync"]
LIGHTHOUSE_MIN = {"performance": 90, "accessibility": 100, "best-practices": 95, "seo": 100}
# Pages kept out of search engines on purpose (robots noindex): Lighthouse's
# "is-crawlable" audit is the one SEO audit they may fail.
NOINDEX_PAGES = {"Hướng dẫn biên tập"}
# Nu Html Checker messages that are the theme's, not ours, each with why it is harmless.
VNU_IGNORED = {
    # Material puts autocomplete="off" on its checkbox toggles (drawer, search, TOC) so that Firefox
    # does not restore an open drawer on "back"; browsers ignore it on checkboxes otherwise.
    "Attribute “autocomplete” is only allowed when the input type is",
}


def page_types(content) -> dict[str, str]:
    """One URL per page type the site has, taken from the content itself."""
    post = next(p for p in content.news.posts if p.image) if content.news.posts else None
    types = {
        "Trang chủ": "",
        "Tin tức": layout.NEWS,
        "Tin bài": post.url if post else None,
        "Chuyên mục": post.category.url if post else None,
        "Lưu trữ năm": layout.YEAR_URL.format(year=post.year) if post else None,
        "Liên hệ": layout.CONTACT,
        "Hỏi – đáp": layout.QA,
        "Danh sách TTHC": layout.TTHC,
        "Thủ tục": content.tthc.procedures[0].url if content.tthc.procedures else None,
        "Thủ tục đã thay thế": next((p.url for p in content.tthc.procedures if p.replaced_by), None),
        "Lĩnh vực": content.tthc.procedures[0].field.url if content.tthc.procedures else None,
        "Sổ tay": layout.HANDBOOK,
        "Sổ tay lĩnh vực": (layout.HANDBOOK_FIELD_URL.format(slug=content.tthc.procedures[0].field.slug)
                            if content.tthc.procedures else None),
        "Thay đổi": layout.CHANGELOG,
        "Quyết định": content.tthc.decisions[0].url if content.tthc.decisions else None,
        "Kết quả giải quyết": layout.RESULTS if content.results.months else None,
        "Kết quả theo năm": (layout.RESULTS_YEAR_URL.format(year=content.results.years[0])
                             if content.results.months else None),
        "Tìm kiếm": f"{layout.SEARCH}?q=gi%E1%BA%A5y+ph%C3%A9p",
        "Hướng dẫn biên tập": layout.GUIDE,
        "Không tìm thấy": "404.html",
    }
    return {name: url for name, url in types.items() if url is not None}


def build(site: Path) -> None:
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
                   cwd=ROOT, check=True)


def differences(a: Path, b: Path) -> list[str]:
    out = []
    compare = filecmp.dircmp(a, b)
    out += [f"{a.name}/{n}" for n in compare.left_only + compare.right_only]
    out += [str(Path(a.name) / n) for n in compare.diff_files]
    for name in compare.subdirs:
        out += [f"{name}/{d}" for d in differences(a / name, b / name)]
    # dircmp compares shallowly (size and mtime); confirm byte for byte.
    return out + [str(p.relative_to(a)) for p in a.rglob("*") if p.is_file()
                  and (b / p.relative_to(a)).is_file() and p.read_bytes() != (b / p.relative_to(a)).read_bytes()]


def vnu(site: Path) -> list[str]:
    jar = NODE_BIN / "vnu-jar" / "build" / "dist" / "vnu.jar"
    result = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "json", "--skip-non-html",
                             str(site)], capture_output=True, text=True)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [f"{m.get('url', '').split('/site', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages
            if m.get("type") == "error" and not any(m["message"].startswith(i) for i in VNU_IGNORED)]


class _StaticHost(SimpleHTTPRequestHandler):
    """Serves the site the way static hosts (GitHub Pages) do: text compressed with gzip."""

    COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".csv", ".txt")

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and not self.path.split("?")[0].endswith("/"):
            return super().send_head()  # the redirect to ".../"
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file() \
                or path.suffix not in self.COMPRESSIBLE:
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(site: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_StaticHost, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def axe(base: str, pages: dict[str, str]) -> dict[str, list[str]]:
    from playwright.sync_api import sync_playwright

    source = (NODE_BIN / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS)
        # The page's own CSP would refuse the injected checker; the site is checked as served.
        context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
        for name, url in pages.items():
            page = context.new_page()
            page.goto(base + url, wait_until="networkidle")
            page.evaluate(source)
            result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
                                   "'best-practice']})")
            found[name] = [f"{v['impact']}: {v['id']} ({len(v['nodes'])}×) {v['help']}"
                           for v in result["violations"] if v["impact"] in ("serious", "critical")]
            page.close()
        browser.close()
    return found


# Lighthouse's performance score times the page's own work, so a loaded machine lowers it (83 seen on
# a page that scores 99 alone). A page under the bar is measured again, up to this many times in all,
# and keeps its best score: a page that is really too heavy stays under the bar every time.
PERFORMANCE_TRIES = 3


def lighthouse(base: str, pages: dict[str, str], out: Path) -> dict[str, dict[str, int]]:
    every = ["performance", "accessibility", "best-practices", "seo"]
    runs = _lighthouse_runs([(base + url, out / f"lighthouse-{n:02d}.json", every) for n, url in enumerate(pages.values())])
    scores = {}
    for name, data in zip(pages, runs, strict=True):
        categories = data["categories"]
        scores[name] = {key: round(value["score"] * 100) for key, value in categories.items()}
        scores[name]["seo_failed"] = sorted(ref["id"] for ref in categories["seo"]["auditRefs"]
                                            if ref["weight"] and (data["audits"][ref["id"]]["score"] or 0) < 1)
    for tries in range(1, PERFORMANCE_TRIES):
        low = [name for name in pages if scores[name]["performance"] < LIGHTHOUSE_MIN["performance"]]
        if not low:
            break
        again = _lighthouse_runs([(base + pages[name], out / f"lighthouse-{list(pages).index(name):02d}-{tries}.json",
                                   ["performance"]) for name in low])
        for name, data in zip(low, again, strict=True):
            scores[name]["performance"] = max(scores[name]["performance"],
                                              round(data["categories"]["performance"]["score"] * 100))
    return scores


def _lighthouse_runs(jobs: list[tuple[str, Path, list[str]]]) -> list[dict]:
    """Lighthouse's report of each (url, report file, categories), all run with one Chromium."""
    listed = jobs[0][1].with_name(jobs[0][1].stem + "-jobs.json")
    listed.write_text(json.dumps([{"url": url, "report": str(report), "categories": categories}
                                  for url, report, categories in jobs]), encoding="utf-8")
    subprocess.run(["node", str(ROOT / "checks" / "lighthouse_runs.mjs"), str(listed)], cwd=ROOT,
                   env=dict(os.environ, CHROME_PATH=CHROMIUM, CHROME_FLAGS=" ".join(CHROME_FLAGS)),
                   check=True, timeout=300 + 120 * len(jobs))
    return [json.loads(report.read_text(encoding="utf-8")) for _, report, _ in jobs]


def fast(site: Path) -> int:
    """The static gates on an already built site, for publishing a content-only commit in minutes:
    HTML validity, links and anchors, third-party hosts and each page's CSP. What travels (two
    node clients read every page: minutes at 7,000 pages), the browser gates (axe, Lighthouse) and
    the double build run on pull requests, code changes and nightly."""
    from concurrent.futures import ThreadPoolExecutor

    started = time.monotonic()

    def timed(gate) -> tuple[list[str], float]:
        begun = time.monotonic()
        return gate(site), time.monotonic() - begun

    # The Nu checker runs in Java, its own process: the Python gates run meanwhile (half the wall time).
    with ThreadPoolExecutor(1) as java:
        html = java.submit(timed, vnu)
        gates = {label: timed(gate) for label, gate in (("liên kết hỏng", broken_links),
                                                        ("tải từ máy chủ bên thứ ba", third_party),
                                                        ("CSP", csp_problems))}
        gates = {"lỗi HTML": html.result(), **gates}
    failures = [f"{label}: {item}" for label, (found, _) in gates.items() for item in found]
    print(" · ".join(f"{label}: {len(found)} ({seconds:.0f} s)" for label, (found, seconds) in gates.items()))
    for failure in failures:
        print("LỖI:", failure)
    print(f"{'ĐẠT' if not failures else 'KHÔNG ĐẠT'} (kiểm tra nhanh, {time.monotonic() - started:.0f} s)")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--fast"]:  # --fast [SITE]
        return fast(Path(argv[1]) if len(argv) > 1 else ROOT / "site")
    started = time.monotonic()
    settings = Settings.from_project(ROOT)
    content = load_content(settings, build_now())
    pages = page_types(content)
    failures: list[str] = []
    report: dict = {"pages": pages}
    with tempfile.TemporaryDirectory(prefix="verify-") as scratch:
        first, second = Path(scratch) / "a" / "site", Path(scratch) / "b" / "site"
        build(first)  # --strict: any MkDocs warning (broken link, missing anchor) fails here
        build(second)
        report["determinism"] = differences(first, second)
        report["html_errors"] = vnu(first)
        report["broken_links"] = broken_links(first)
        report["third_party"] = third_party(first)
        report["csp"] = csp_problems(first)
        report["travel"] = travel.check(first, settings.site_url, now=build_now(),
                                        department=settings.department.name).summary()
        server, base = serve(first)
        try:
            report["axe"] = axe(base, pages)
            report["lighthouse"] = lighthouse(base, pages, Path(scratch))
        finally:
            server.shutdown()

    for key, label in (("determinism", "khác nhau giữa hai lần dựng"), ("html_errors", "lỗi HTML"),
                       ("broken_links", "liên kết hỏng"), ("third_party", "tải từ máy chủ bên thứ ba"),
                       ("csp", "CSP")):
        failures += [f"{label}: {item}" for item in report[key]]
    failures += [f"đi ra ngoài: {finding}" for finding in report["travel"]["findings"]]
    failures += [f"axe {name}: {v}" for name, found in report["axe"].items() for v in found]
    for name, scores in report["lighthouse"].items():
        minimums = dict(LIGHTHOUSE_MIN)
        if name in NOINDEX_PAGES and scores["seo_failed"] == ["is-crawlable"]:
            del minimums["seo"]
        failures += [f"Lighthouse {name}: {cat} {scores[cat]} < {minimum} {scores['seo_failed'] if cat == 'seo' else ''}"
                     for cat, minimum in minimums.items() if scores[cat] < minimum]
    report["failures"] = failures
    (ROOT / "verify-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")

    print(f"Trang kiểm tra: {len(pages)} loại · dựng hai lần giống hệt: {'có' if not report['determinism'] else 'KHÔNG'}"
          f" · lỗi HTML: {len(report['html_errors'])} · liên kết hỏng: {len(report['broken_links'])}"
          f" · bên thứ ba: {len(report['third_party'])}")
    moved = report["travel"]
    print(f"Đi ra ngoài: {moved['pages']} trang × {len(moved['clients'])} ứng dụng ({', '.join(moved['clients'])}),"
          f" {moved['feeds']} feed, {moved['sitemap_urls']} địa chỉ sitemap: {len(moved['findings'])} lỗi"
          f" ({moved['seconds']} s)")
    print(f"{'Loại trang':<22}{'axe':>5}{'perf':>6}{'a11y':>6}{'BP':>5}{'SEO':>5}")
    for name in pages:
        s = report["lighthouse"][name]
        print(f"{name:<22}{len(report['axe'][name]):>5}{s['performance']:>6}{s['accessibility']:>6}"
              f"{s['best-practices']:>5}{s['seo']:>5}")
    for failure in failures:
        print("LỖI:", failure)
    print(f"{'ĐẠT' if not failures else 'KHÔNG ĐẠT'} ({time.monotonic() - started:.0f} s); chi tiết: verify-report.json")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
