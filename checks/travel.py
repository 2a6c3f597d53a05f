"""What leaves the site, read as the clients that carry it read it.

Serves a built site on 127.0.0.1 and reads:
- every HTML page's link preview with open-graph-scraper (npm), once as Facebook's crawler and once as
  Zalo, and its JSON-LD with extruct;
- every feed (any *.xml whose root is RSS or Atom) with feedparser;
- /sitemap.xml against the sitemaps.org schema (the XSD shipped in the npm package ``sitemap``) and
  /robots.txt with the standard library's robots parser.

Every page is read, no sampling: the demo site (95 pages, 25 feeds) takes about 4 s, a site of 1,000
pages about 25 s on two cores (node parses the pages; one process per client). Pages not meant to
travel are left out of the preview checks: the site's 404.html, and pages kept out of search engines
(robots noindex) that carry no preview tags at all (the web editor).

``check()`` returns the findings; ``make verify`` fails on any. Run alone:
    python -m checks.travel site/            # findings, exit 1 if any
    python -m checks.travel site/ --show / /tthc/1.004616/   # what each client sees
"""

from __future__ import annotations

import argparse
import calendar
import functools
import json
import os
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
SCRAPER = Path(__file__).resolve().parent / "og_scrape.mjs"

# Facebook's crawler, as Meta documents it (developers.facebook.com/docs/sharing/webmasters/web-crawlers).
FACEBOOK_UA = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
# Zalo documents no user agent for its link-preview fetcher. This is Zalo's in-app browser on Android, as
# recorded in matomo-org/device-detector's test fixtures (Tests/Parser/Client/fixtures/mobile_app.yml):
# a site that sniffed for "Zalo" would answer it the way it answers a Zalo user.
ZALO_UA = ("Mozilla/5.0 (Linux; Android 10) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
           "Chrome/97.0.4668.2 Mobile Safari/537.36 Zalo android/12100580")
CLIENTS = {"Facebook": FACEBOOK_UA, "Zalo": ZALO_UA}

# A home page previewing as one of these tells the person receiving the link nothing.
GENERIC_TITLES = {"trang chủ", "trang chu", "home", "home page", "trang", "index", "welcome", "chào mừng",
                  "giới thiệu", "untitled"}
# A retired or pending-retirement procedure must say so wherever it travels.
STATUS_CLASSES = ("cchc-status--retired", "cchc-status--pending")
STATUS_WORDS = ("bãi bỏ", "thay thế")
PREVIEW_IMAGE_FORMATS = {"PNG", "JPEG"}
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True)
class Finding:
    """One thing a client gets wrong: where, what, and what was expected."""

    area: str  # "xem trước", "JSON-LD", "feed", "sitemap", "robots.txt"
    url: str
    problem: str
    expected: str

    def __str__(self) -> str:
        return f"[{self.area}] {self.url}: {self.problem} — cần: {self.expected}"


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    pages: int = 0  # pages whose preview was read
    feeds: int = 0
    sitemap_urls: int = 0
    seconds: float = 0.0

    def summary(self) -> dict:
        return {"pages": self.pages, "clients": list(CLIENTS), "feeds": self.feeds,
                "sitemap_urls": self.sitemap_urls, "seconds": round(self.seconds, 1),
                "findings": [str(f) for f in self.findings]}


# --- serving -------------------------------------------------------------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server:
    """The built folder over HTTP on a free loopback port, for as long as the ``with`` lasts."""

    def __init__(self, site: Path):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> _Server:
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


# --- the site's own URLs -------------------------------------------------------------------------------


class Site:
    """Maps the public URLs (under site_url) to the built files and to the local server."""

    def __init__(self, folder: Path, site_url: str, base: str = ""):
        self.folder = folder
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self.base = base

    def public_url(self, relative: str) -> str:
        return urljoin(self.site_url, relative)

    def local_url(self, relative: str) -> str:
        return urljoin(self.base, relative)

    def relative(self, url: str) -> str | None:
        """The path of a public URL inside the site ("tthc/" for …/tthc/), or None if it is elsewhere."""
        if not url.startswith(self.site_url):
            return None
        return urlsplit(url[len(self.site_url):]).path

    def file(self, url: str) -> Path | None:
        """The built file a public URL serves, or None."""
        relative = self.relative(url)
        if relative is None:
            return None
        target = self.folder / unquote(relative)
        if relative == "" or relative.endswith("/") or target.is_dir():
            target = target / "index.html"
        try:
            target.resolve().relative_to(self.folder.resolve())
        except ValueError:
            return None
        return target if target.is_file() else None


def _page_relative(folder: Path, path: Path) -> str:
    """a/b/index.html → "a/b/" (the URL the file is published at)."""
    relative = path.relative_to(folder).as_posix()
    return relative[: -len("index.html")] if relative == "index.html" or relative.endswith("/index.html") \
        else relative


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").casefold().strip()


# --- previews ------------------------------------------------------------------------------------------


def scrape(urls: list[str], clients: dict[str, str] | None = None, only_open_graph: bool = True,
           node_modules: Path = NODE_MODULES) -> dict[str, list[dict]]:
    """open-graph-scraper's result for each URL as each client (name → user agent) fetches it.

    One node process per client, side by side: parsing the pages is what takes the time, and node
    parses on one core.
    """
    env = dict(os.environ, NODE_PATH=str(node_modules))

    def run(client: str, agent: str) -> dict[str, list[dict]]:
        job = {"urls": urls, "clients": {client: agent}, "onlyOpenGraph": only_open_graph, "concurrency": 8}
        done = subprocess.run(["node", str(SCRAPER)], input=json.dumps(job), capture_output=True, text=True,
                              env=env, timeout=900)
        if done.returncode != 0:
            raise RuntimeError(f"open-graph-scraper ({client}): {done.stderr.strip()}")
        return json.loads(done.stdout)

    chosen = clients or CLIENTS
    with ThreadPoolExecutor(max_workers=len(chosen)) as pool:
        parts = list(pool.map(run, chosen, chosen.values()))
    return {client: answers for part in parts for client, answers in part.items()}


@dataclass
class _Page:
    """What the checks need from one page's own HTML (kept small: a big site has thousands)."""

    relative: str
    noindex: bool
    has_preview_tags: bool
    canonical: str | None
    retired_banner: bool
    procedure: bool  # its JSON-LD describes a GovernmentService
    jsonld_problems: list[tuple[str, str]]


def _read_page(site: Site, path: Path) -> _Page:
    from lxml import html as lxml_html

    text = path.read_text(encoding="utf-8")
    tree = lxml_html.fromstring(text)
    relative = _page_relative(site.folder, path)
    robots = " ".join(tree.xpath("//meta[@name='robots']/@content")).lower()
    canonical = tree.xpath("//link[@rel='canonical']/@href")
    classes = {c for value in tree.xpath("//@class") for c in value.split()}
    problems, items = _jsonld_problems(site, relative, text, tree)
    return _Page(
        relative=relative, noindex="noindex" in robots,
        has_preview_tags=bool(tree.xpath("//meta[starts-with(@property, 'og:')]")),
        canonical=canonical[0] if canonical else None,
        retired_banner=any(c in classes for c in STATUS_CLASSES),
        procedure=_is_procedure(items), jsonld_problems=problems,
    )


def _image_size(path: Path) -> tuple[str, int, int] | str:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.format, image.width, image.height
    except (UnidentifiedImageError, OSError) as error:
        return str(error)


def _preview_problems(site: Site, page: _Page, result: dict | None, error: str | None, *, department: str | None,
                      images: dict) -> list[tuple[str, str]]:
    """(problem, expected) for one page as one client read it."""
    if error or not result:
        return [(f"không đọc được trang: {error}", "trang trả về 200 với HTML")]
    out = []
    title, description = result.get("ogTitle") or "", result.get("ogDescription") or ""
    if not title.strip():
        out.append(("không có og:title", "thẻ og:title có nội dung"))
    if not description.strip():
        out.append(("không có og:description", "thẻ og:description có nội dung"))

    expected_url = site.public_url(page.relative)
    if result.get("ogUrl") != expected_url:
        out.append((f"og:url là {result.get('ogUrl')!r}", f"địa chỉ chính tắc của trang {expected_url}"))
    if page.canonical != expected_url:
        out.append((f'<link rel="canonical"> là {page.canonical!r}', f"địa chỉ chính tắc của trang {expected_url}"))

    pictures = result.get("ogImage") or []
    if not pictures:
        out.append(("không có og:image", "ảnh xem trước PNG/JPEG, đường dẫn tuyệt đối trên trang"))
    else:
        out += _image_problems(site, pictures[0], images)
    if not result.get("twitterCard"):
        out.append(("không có twitter:card", "twitter:card (summary_large_image)"))
    if not ((result.get("customMetaTags") or {}).get("twitterImageAlt") or "").strip():
        out.append(("không có twitter:image:alt", "mô tả ảnh cho người dùng trình đọc màn hình"))

    if page.relative == "":
        if _fold(title) in GENERIC_TITLES:
            out.append((f"trang chủ xem trước với og:title chung chung {title!r}", "tên cơ quan trong og:title"))
        elif department and _fold(department) not in _fold(title):
            out.append((f"og:title của trang chủ {title!r} không nêu tên cơ quan",
                        f"og:title chứa {department!r}"))
    if page.procedure and page.retired_banner:
        for tag, value in (("og:title", title), ("og:description", description)):
            if not any(word in _fold(value) for word in STATUS_WORDS):
                out.append((f"thủ tục có băng trạng thái bãi bỏ/thay thế nhưng {tag} không nói: {value!r}",
                            f"{tag} nêu trạng thái (“bãi bỏ” hoặc “thay thế”)"))
    return out


def _image_problems(site: Site, picture: dict, images: dict) -> list[tuple[str, str]]:
    url = picture.get("url") or ""
    out = []
    if not picture.get("alt", "").strip():
        out.append(("không có og:image:alt", "mô tả ảnh xem trước"))
    if not url.startswith(("http://", "https://")):
        return out + [(f"og:image không phải địa chỉ tuyệt đối: {url!r}", "địa chỉ đầy đủ bắt đầu bằng site_url")]
    path = site.file(url)
    if path is None:
        return out + [(f"og:image {url} không có trong trang đã dựng", "tệp ảnh tồn tại trong thư mục site")]
    if path not in images:
        images[path] = _image_size(path)
    found = images[path]
    if isinstance(found, str):
        return out + [(f"og:image {url} không đọc được như ảnh: {found}", "ảnh PNG hoặc JPEG")]
    kind, width, height = found
    if kind not in PREVIEW_IMAGE_FORMATS:
        out.append((f"og:image {url} là {kind}", "ảnh PNG hoặc JPEG"))
    stated = (picture.get("width"), picture.get("height"))
    if not all(stated):
        out.append((f"og:image {url} thiếu og:image:width/height", f"{width}×{height} như ảnh thật"))
    elif (str(stated[0]), str(stated[1])) != (str(width), str(height)):
        out.append((f"og:image {url} khai {stated[0]}×{stated[1]} nhưng ảnh là {width}×{height}",
                    "kích thước khai báo đúng kích thước ảnh"))
    return out


def _jsonld_problems(site: Site, relative: str, html: str, tree) -> tuple[list[tuple[str, str]], list]:
    """Problems of the page's JSON-LD, and the items extruct reads from it."""
    import extruct

    out = []
    scripts = tree.xpath("//script[@type='application/ld+json']/text()")
    for number, text in enumerate(scripts, 1):
        try:
            json.loads(text)
        except ValueError as error:
            out.append((f"khối JSON-LD thứ {number} không phải JSON hợp lệ: {error}", "JSON đúng chuẩn"))
    try:
        items = extruct.extract(html, base_url=site.public_url(relative), syntaxes=["json-ld"],
                                uniform=False, errors="strict")["json-ld"]
    except Exception as error:  # extruct raises whatever its JSON reader raised
        return out + [(f"extruct không đọc được JSON-LD: {error}", "JSON-LD hợp lệ")], []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            out.append((f"khối JSON-LD thứ {number} không phải đối tượng", "một đối tượng có @context và @type"))
            continue
        if not item.get("@context"):
            out.append((f"khối JSON-LD thứ {number} thiếu @context", "@context (https://schema.org)"))
        nodes = item["@graph"] if isinstance(item.get("@graph"), list) else [item]
        for node in nodes:
            if not isinstance(node, dict) or not node.get("@type"):
                out.append((f"khối JSON-LD thứ {number} có đối tượng thiếu @type", "@type cho mọi đối tượng"))
    return out, items


def _is_procedure(items: list) -> bool:
    def types(node) -> set[str]:
        value = node.get("@type") if isinstance(node, dict) else None
        return set(value) if isinstance(value, list) else {value}

    nodes = [n for item in items if isinstance(item, dict)
             for n in (item["@graph"] if isinstance(item.get("@graph"), list) else [item])]
    return any("GovernmentService" in types(n) for n in nodes)


def check_previews(site: Site, *, department: str | None = None,
                   node_modules: Path = NODE_MODULES) -> tuple[list[Finding], int]:
    pages = []
    for path in sorted(site.folder.rglob("*.html")):
        if path.relative_to(site.folder).as_posix() == "404.html":
            continue  # served for unknown addresses, never linked or shared
        page = _read_page(site, path)
        if page.noindex and not page.has_preview_tags:
            continue
        pages.append(page)

    findings = [Finding("JSON-LD", site.public_url(page.relative), p, e)
                for page in pages for p, e in page.jsonld_problems]

    # The same problem seen by both clients is reported once; one seen by only one names it.
    seen: dict[tuple[str, str, str], list[str]] = {}
    images: dict = {}
    scraped = scrape([site.local_url(p.relative) for p in pages], node_modules=node_modules)
    for client, answers in scraped.items():
        for page, answer in zip(pages, answers, strict=True):
            for problem, expected in _preview_problems(
                    site, page, answer.get("result"), answer.get("error"), department=department, images=images):
                seen.setdefault((site.public_url(page.relative), problem, expected), []).append(client)
    for (url, problem, expected), clients in seen.items():
        label = "" if len(clients) == len(CLIENTS) else f" (với {', '.join(clients)})"
        findings.append(Finding("xem trước", url, problem + label, expected))
    return findings, len(pages)


# --- feeds ---------------------------------------------------------------------------------------------


def _feed_files(folder: Path) -> list[Path]:
    from lxml import etree

    feeds = []
    for path in sorted(folder.rglob("*.xml")):
        try:
            _, root = next(etree.iterparse(str(path), events=("start",)))
        except (etree.XMLSyntaxError, StopIteration):
            if path.name == "feed.xml":
                feeds.append(path)  # a broken feed is still a feed: feedparser will say what is wrong
            continue
        if root.tag in ("rss", "{http://www.w3.org/2005/Atom}feed") or root.tag.endswith("}RDF"):
            feeds.append(path)
    return feeds


def _parsed_time(value) -> datetime | None:
    return datetime.fromtimestamp(calendar.timegm(value), UTC) if value else None


def check_feed(site: Site, path: Path, now: datetime) -> list[Finding]:
    import feedparser

    relative = path.relative_to(site.folder).as_posix()
    own_url = site.public_url(relative)
    with urllib.request.urlopen(site.local_url(relative), timeout=30) as answer:
        parsed = feedparser.parse(answer.read(), response_headers={"content-type": answer.headers["Content-Type"]})
    out = []

    def add(problem: str, expected: str) -> None:
        out.append(Finding("feed", own_url, problem, expected))

    if parsed.bozo:
        add(f"feedparser báo lỗi định dạng: {parsed.get('bozo_exception')}", "XML hợp lệ theo RSS 2.0 / Atom")
    feed = parsed.feed
    page_link = feed.get("link")
    if not page_link:
        add("kênh không có liên kết tới trang", "<link> (RSS) hoặc link rel=alternate (Atom) tới một trang HTML")
    elif page_link == own_url:
        add(f"liên kết của kênh trỏ vào chính feed ({page_link})", "liên kết tới trang HTML tương ứng")
    else:
        target = site.file(page_link)
        if target is None or target.suffix != ".html":
            add(f"liên kết của kênh {page_link} không phải trang HTML của site", "một trang HTML có trong site")
    selves = [link.get("href") for link in feed.get("links", []) if link.get("rel") == "self"]
    if not selves:
        add("không có liên kết self", f'link rel="self" = {own_url}')
    elif selves[0] != own_url:
        add(f"liên kết self là {selves[0]}", f"địa chỉ của chính feed {own_url}")

    # dict.get: feedparser's own get() answers "updated" with the published date when there is none.
    for key in ("updated", "published"):
        when = _parsed_time(dict.get(feed, f"{key}_parsed"))
        if when and when > now:
            add(f"ngày {key} của kênh {feed.get(key)} ở tương lai", f"không muộn hơn lúc dựng {now.isoformat()}")

    ids = Counter()
    for number, entry in enumerate(parsed.entries, 1):
        name = f"mục {number} ({entry.get('title', '')[:60]!r})"
        if entry.get("id"):
            ids[entry["id"]] += 1
        else:
            add(f"{name} không có id/guid", "mỗi mục có id/guid riêng, không đổi")
        for key in ("updated", "published"):
            when = _parsed_time(dict.get(entry, f"{key}_parsed"))
            if when and when > now:
                add(f"{name}: ngày {key} {entry.get(key)} ở tương lai",
                    f"không muộn hơn lúc dựng {now.isoformat()} (ngày đăng thay đổi; ngày hiệu lực ghi trong nội dung)")
        link = entry.get("link")
        if not link:
            add(f"{name} không có liên kết", "liên kết tới trang trong site")
        elif site.file(link) is None:
            add(f"{name}: liên kết {link} không dẫn tới tệp nào trong site", "liên kết tới trang có trong site")
    for entry_id, count in ids.items():
        if count > 1:
            add(f"id/guid {entry_id} lặp lại ở {count} mục", "id/guid không trùng trong một feed")
    return out


# --- sitemap and robots.txt ----------------------------------------------------------------------------


def check_sitemap(site: Site, node_modules: Path = NODE_MODULES) -> tuple[list[Finding], int]:
    from lxml import etree

    url = site.public_url("sitemap.xml")
    path = site.folder / "sitemap.xml"
    if not path.is_file():
        return [Finding("sitemap", url, "không có sitemap.xml", "sitemap.xml ở gốc site")], 0
    schema_file = node_modules / "sitemap" / "schema" / "sitemap.xsd"
    schema = etree.XMLSchema(etree.parse(str(schema_file), etree.XMLParser(no_network=True)))
    out = []
    try:
        tree = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False))
    except etree.XMLSyntaxError as error:
        return [Finding("sitemap", url, f"không phải XML hợp lệ: {error}", "XML theo sitemaps.org")], 0
    if not schema.validate(tree):
        out += [Finding("sitemap", url, f"sai lược đồ sitemaps.org, dòng {e.line}: {e.message}",
                        "hợp lệ theo sitemap.xsd (sitemaps.org 0.9)") for e in schema.error_log]
    locations = tree.findall(f"{{{SITEMAP_NS}}}url")
    for entry in locations:
        loc = (entry.findtext(f"{{{SITEMAP_NS}}}loc") or "").strip()
        if site.file(loc) is None:
            out.append(Finding("sitemap", url, f"<loc> {loc} không dẫn tới trang nào trong site",
                               "mọi <loc> là một trang có trong site"))
    return out, len(locations)


def check_robots(site: Site) -> list[Finding]:
    url = site.public_url("robots.txt")
    path = site.folder / "robots.txt"
    if not path.is_file():
        return [Finding("robots.txt", url, "không có robots.txt",
                        f"robots.txt ở gốc site, có dòng Sitemap: {site.public_url('sitemap.xml')}")]
    lines = path.read_text(encoding="utf-8").splitlines()
    sitemaps = [line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("sitemap:")]
    out = []
    if site.public_url("sitemap.xml") not in sitemaps:
        out.append(Finding("robots.txt", url, f"không nêu sitemap (Sitemap: {sitemaps or 'không có'})",
                           f"Sitemap: {site.public_url('sitemap.xml')}"))
    robots = RobotFileParser()
    robots.parse(lines)
    for name, agent in (("mọi trình thu thập", "*"), *CLIENTS.items()):
        if not robots.can_fetch(agent, site.site_url):
            out.append(Finding("robots.txt", url, f"chặn {name} đọc trang chủ",
                               "cho phép đọc các trang công khai (xem trước liên kết cần điều đó)"))
    return out


# --- all of it -----------------------------------------------------------------------------------------


def check(folder: Path, site_url: str, *, now: datetime, department: str | None = None,
          node_modules: Path = NODE_MODULES) -> Result:
    """Every finding about what travels from the built site in ``folder``, published at ``site_url``."""
    started = time.monotonic()
    result = Result()
    with _Server(folder) as server:
        site = Site(folder, site_url, server.base)
        found, result.pages = check_previews(site, department=department, node_modules=node_modules)
        result.findings += found
        feeds = _feed_files(folder)
        result.feeds = len(feeds)
        for path in feeds:
            result.findings += check_feed(site, path, now)
        found, result.sitemap_urls = check_sitemap(site, node_modules)
        result.findings += found
        result.findings += check_robots(site)
    result.seconds = time.monotonic() - started
    return result


def _preview_table(paths: list[str], scraped: dict[str, list[dict]]) -> str:
    """What each client read for each page, as Markdown."""
    def cell(value) -> str:
        return str(value if value not in (None, "") else "—").replace("|", "\\|").replace("\n", " ")

    lines = []
    for index, path in enumerate(paths):
        lines += [f"### {path}", "", "| | " + " | ".join(scraped) + " |", "|---" * (len(scraped) + 1) + "|"]
        answers = [scraped[client][index] for client in scraped]
        results = [a.get("result") or {} for a in answers]
        images = [(r.get("ogImage") or [{}])[0] for r in results]
        rows = {
            "lỗi": [a.get("error") for a in answers],
            "og:title": [r.get("ogTitle") for r in results],
            "og:description": [r.get("ogDescription") for r in results],
            "og:site_name": [r.get("ogSiteName") for r in results],
            "og:url": [r.get("ogUrl") for r in results],
            "og:image": [f"{i.get('url')} ({i.get('width')}×{i.get('height')}, {i.get('type')})" if i else None
                         for i in images],
            "og:image:alt": [i.get("alt") for i in images],
            "twitter:card": [r.get("twitterCard") for r in results],
            "twitter:image:alt": [(r.get("customMetaTags") or {}).get("twitterImageAlt") for r in results],
        }
        lines += [f"| {name} | " + " | ".join(cell(v) for v in values) + " |" for name, values in rows.items()]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from cchc.core.dates import build_now
    from cchc.core.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built site folder")
    parser.add_argument("--show", nargs="+", metavar="PATH",
                        help="print what each client reads for these pages (paths such as / or /tthc/1.004616/)")
    parser.add_argument("--json", type=Path, help="write the summary here")
    parser.add_argument("--site-url", help="the URL the site is published at (default: site_url in mkdocs.yml)")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site} is not a built site (no index.html)")
    settings = Settings.from_project(ROOT)
    if args.show:
        with _Server(args.site) as server:
            # As the clients show it: with open-graph-scraper's fallbacks (title, description, images).
            scraped = scrape([urljoin(server.base, p.lstrip("/")) for p in args.show], only_open_graph=False)
        print(_preview_table(args.show, scraped))
        return 0
    result = check(args.site, args.site_url or settings.site_url, now=build_now(), department=settings.department.name)
    for finding in result.findings:
        print("LỖI:", finding)
    print(f"Đã đọc {result.pages} trang × {len(CLIENTS)} ứng dụng, {result.feeds} feed, {result.sitemap_urls} địa chỉ "
          f"sitemap trong {result.seconds:.1f} s: {len(result.findings)} lỗi.")
    if args.json:
        args.json.write_text(json.dumps(result.summary(), ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if result.findings else 0


if __name__ == "__main__":
    sys.exit(main())
