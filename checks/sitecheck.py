"""Small readers of a built site: links, ids, nav entries, third-party hosts."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []  # href and src values
        self.ids: set[str] = set()
        self.nav_links: list[str] = []  # links inside the primary navigation
        self._nav_depth = 0
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.assets: list[str] = []  # what the page loads by itself: images, media, frames, icons

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "name" in attrs:
            self.ids.add(attrs["name"])
        if tag == "nav" and "md-nav--primary" in (attrs.get("class") or ""):
            self._nav_depth = 1
        elif tag == "nav" and self._nav_depth:
            self._nav_depth += 1
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])
                if self._nav_depth and tag == "a":
                    self.nav_links.append(attrs[key])
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        elif tag == "link" and attrs.get("rel") in ("icon", "preload", "manifest", "apple-touch-icon"):
            self.assets.append(attrs["href"])
        if tag in ("img", "iframe", "video", "audio", "source", "embed") and attrs.get("src"):
            self.assets.append(attrs["src"])
        if tag in ("img", "source") and attrs.get("srcset"):
            # "a.svg" or "a.png 1x, b.png 2x": each candidate's URL is a link and an asset (the charts' wide variant).
            for candidate in attrs["srcset"].split(","):
                if candidate.strip():
                    url = candidate.split()[0]
                    self.links.append(url)
                    self.assets.append(url)

    def handle_endtag(self, tag):
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1


def parse(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def page_url(site: Path, path: Path) -> str:
    """Site-relative URL of a built file: a/b/index.html → /a/b/."""
    relative = path.relative_to(site).as_posix()
    if relative.endswith("index.html"):
        relative = relative[: -len("index.html")]
    return "/" + relative


def target_file(site: Path, url: str) -> Path:
    path = unquote(urlparse(url).path).lstrip("/")
    target = site / path
    return target / "index.html" if url.endswith("/") or target.is_dir() else target


def broken_links(site: Path) -> list[str]:
    """Every internal href/src (and #anchor) that points at nothing."""
    parsed = {path: parse(path) for path in site.rglob("*.html")}
    ids = {path.resolve(): p.ids for path, p in parsed.items()}
    broken = []
    for path, parser in parsed.items():
        base = "http://site" + page_url(site, path)
        for link in parser.links:
            absolute = urljoin(base, link)
            parts = urlparse(absolute)
            if parts.netloc != "site" or parts.scheme not in ("http", "https"):
                continue
            target = target_file(site, parts.path)
            if not target.exists():
                broken.append(f"{page_url(site, path)} → {link}")
            elif (parts.fragment and target.suffix == ".html"
                  and unquote(parts.fragment) not in ids.get(target.resolve(), set())):
                broken.append(f"{page_url(site, path)} → {link} (thiếu neo)")
    return broken


def third_party(site: Path) -> list[str]:
    """Scripts, styles, fonts, images and frames loaded from another host."""
    import re

    found = []
    for path in site.rglob("*.html"):
        parser = parse(path)
        for url in parser.scripts + parser.stylesheets + parser.assets:
            if re.match(r"^(https?:)?//", url):
                found.append(f"{page_url(site, path)} → {url}")
    for css in site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", css.read_text(encoding="utf-8")):
            found.append(f"{css.relative_to(site)} → {url}")
    return sorted(found)


class _PolicyReader(HTMLParser):
    """A page's CSP meta tag, the bodies of its inline scripts that run, and its inline handlers.

    Read apart from cchc/render/csp.py, which writes the policy, so a fault there shows here.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)  # a script's hash is over its text exactly as written
        self.policy: str | None = None
        self.inline: list[str] = []
        self.handlers: list[str] = []  # on…= attributes and javascript: URLs, which no hash allows
        self._script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "content-security-policy":
            self.policy = values.get("content") or ""
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.handlers.append(f"<{tag} {name}=…>")
        kind = (values.get("type") or "text/javascript").lower()
        if tag == "script" and "src" not in values and ("javascript" in kind or kind == "module"):
            self._script = []

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            if "".join(self._script).strip():
                self.inline.append("".join(self._script))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)


def csp_problems(site: Path) -> list[str]:
    """Pages whose policy is missing, too loose, or does not allow a script the page runs."""
    import base64
    import hashlib

    problems = []
    for path in sorted(site.rglob("*.html")):
        reader = _PolicyReader()
        reader.feed(path.read_text(encoding="utf-8"))
        where = page_url(site, path)
        if 'http-equiv="refresh"' in path.read_text(encoding="utf-8") and not reader.inline:
            continue  # a redirect stub runs nothing
        if reader.policy is None:
            problems.append(f"{where}: không có Content-Security-Policy")
            continue
        directives = {part.split()[0]: part.split()[1:] for part in reader.policy.split(";") if part.split()}
        scripts = directives.get("script-src") or directives.get("default-src") or []
        if "'unsafe-inline'" in scripts:
            problems.append(f"{where}: script-src cho phép 'unsafe-inline'")
        if directives.get("object-src") != ["'none'"]:
            problems.append(f"{where}: thiếu object-src 'none'")
        for body in reader.inline:
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
            if f"'sha256-{digest}'" not in scripts:
                problems.append(f"{where}: đoạn script nội tuyến “{' '.join(body.split())[:40]}…” không có trong script-src")
        problems += [f"{where}: {handler} không chạy được dưới CSP" for handler in reader.handlers]
    return problems
