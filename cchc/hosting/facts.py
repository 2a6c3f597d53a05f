"""What a server must know about a built site, read from the site folder: its pages' policies, its redirects.

**The policy header.** Every page carries its own Content-Security-Policy as a <meta> tag
(cchc.render.csp): each allows exactly the inline scripts of that page, by hash. A server cannot cheaply
send a header per page, so the header is the union of all pages' policies (every directive with every
source any page allows), plus ``frame-ancestors``, which only a header can carry. A browser enforces the
header and the meta tag both, so each page stays as strict as its own meta, and the header adds the
rules a meta cannot hold (who may frame the page) and covers a page that lost its meta. /admin/ has a
policy of its own (cchc.render.csp.admin_policy), read from its page, and may not be framed at all.

**Redirects.** A page that is only a refresh to another (a procedure's former URL, cchc.tthc.pages) says
where it points in its canonical link; the server answers its URL with a 301 instead.

Everything read here is checked against the few characters a policy or a site path holds, so nothing a
page says can become a directive in the server's configuration.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cchc.core import layout
from cchc.render import csp

_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
_REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=[^"]*">')
_CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)">')
# Every source a policy of this site holds: keywords and hashes ('self', 'sha256-…='), schemes (data:)
# and origins (https://*.zalo.me, http://127.0.0.1:8081). No space, quote mark, ";", "$" or brace.
_SOURCE = re.compile(r"[A-Za-z0-9'+/=:._*-]+")
_DIRECTIVE = re.compile(r"[a-z-]+")
# A path of the site as the build writes it (ASCII, lower case, cchc.core.layout), ending in "/".
SITE_PATH = re.compile(r"/(?:[a-z0-9][a-z0-9._-]*/)*")
# Browsers and servers take headers of 8 KB and more; past this the union has gone wrong (a hash per page).
MAX_POLICY = 4096

ADMIN_PAGE = f"{layout.ADMIN}index.html"
NOT_FOUND_PAGE = "404.html"


class SiteError(Exception):
    """The site folder cannot be served as it is; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Redirect:
    source: str  # "/tthc/ten-cu/"
    target: str  # "/tthc/1.004616/"


@dataclass(frozen=True)
class SiteFacts:
    site: Path
    page_policy: str  # the header for every page but /admin/: the union of their policies, + frame-ancestors
    admin_policy: str | None  # the header for /admin/, None if the site has no /admin/
    redirects: tuple[Redirect, ...]
    pages: int  # pages whose policy went into the union


def read_site(site: Path, site_url: str) -> SiteFacts:
    """The facts of the site built into ``site`` for ``site_url`` (mkdocs.yml's, to read canonical links)."""
    site_path = urlsplit(site_url).path or "/"
    if site_path != "/":
        raise SiteError(f"mkdocs.yml: site_url: trang đặt ở thư mục con ({site_path}) chưa được hỗ trợ; cấu hình "
                        "máy chủ tạo ra đây chỉ dùng cho trang đặt ở gốc tên miền, ví dụ https://syt.example.gov.vn/")
    if not (site / "index.html").is_file() or not (site / NOT_FOUND_PAGE).is_file():
        raise SiteError(f"{site}: không phải thư mục trang đã dựng (thiếu index.html hoặc 404.html); "
                        "chạy `make build` trước")
    policies, redirects = [], []
    for path in _pages(site):
        relative = path.relative_to(site).as_posix()
        if relative.startswith(layout.ADMIN):
            continue
        text = path.read_text(encoding="utf-8")
        meta = _META.search(text)
        if meta:
            policies.append(parse(html.unescape(meta.group(1)), relative))
        elif 'http-equiv="Content-Security-Policy"' in text:
            raise SiteError(f"{relative}: thẻ Content-Security-Policy không đọc được; dựng lại trang")
        # A page without one (an HTML file copied from docs/ as it is) is held by the header alone.
        if _REFRESH.search(text):
            redirects.append(_redirect(relative, text, site_url))
    policies.append({"script-src": scope_hashes(site / "index.html")})
    page = render(union(policies), "frame-ancestors 'self'", "các trang")
    admin = None
    if (site / ADMIN_PAGE).is_file():
        meta = _META.search((site / ADMIN_PAGE).read_text(encoding="utf-8"))
        if meta is None:
            raise SiteError(f"{ADMIN_PAGE}: trang biên tập không có Content-Security-Policy; dựng lại trang")
        # Nothing frames the web editor: a page that framed it could trick an editor into clicking.
        admin = render(parse(html.unescape(meta.group(1)), ADMIN_PAGE), "frame-ancestors 'none'", ADMIN_PAGE)
    return SiteFacts(site, page, admin, tuple(sorted(redirects, key=lambda r: r.source)), len(policies))


# Material's first inline script names the site's root relative to the page ("..", "../.."), so its hash
# depends on how deep the page is. A site may not have every depth yet (a department just started has no
# post at /tin-tuc/<năm>/<tin>/): the header allows the script at every depth a page of ours can have, so
# a configuration made today still serves tomorrow's pages.
_SCOPE = re.compile(r'__md_scope=new URL\("[./]*",location\)')
MAX_DEPTH = 8


def scope_hashes(home: Path) -> list[str]:
    """The hash of Material's scope script at every depth, from the home page's copy of it."""
    for attrs, body in csp.scripts(home.read_text(encoding="utf-8")):
        if "src=" not in attrs and len(_SCOPE.findall(body)) == 1:
            bases = [".", "/", *("/".join([".."] * depth) for depth in range(1, MAX_DEPTH + 1))]
            return [csp.script_hash(_SCOPE.sub(f'__md_scope=new URL("{base}",location)', body)) for base in bases]
    return []


def _pages(site: Path) -> list[Path]:
    found = []
    for folder, dirs, names in os.walk(site):
        dirs.sort()
        found += [Path(folder, name) for name in sorted(names) if name.endswith(".html")]
    return found


def parse(policy: str, where: str) -> dict[str, list[str]]:
    """``policy`` as its directives, each with its sources in order; refuses anything a policy of ours cannot hold."""
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if not words:
            continue
        name, sources = words[0].lower(), words[1:]
        bad = [word for word in words[1:] if not _SOURCE.fullmatch(word)]
        if not _DIRECTIVE.fullmatch(name) or bad:
            raise SiteError(f"{where}: Content-Security-Policy: “{(bad or [name])[0]}” không phải nguồn hợp lệ "
                            "(chỉ được tên máy chủ, giao thức, 'self', mã băm…); sửa mkdocs.yml rồi dựng lại")
        directives.setdefault(name, [])
        directives[name] += [s for s in sources if s not in directives[name]]
    return directives


def union(policies: Iterable[dict[str, list[str]]]) -> dict[str, list[str]]:
    """Every directive of any policy, with every source any of them allows."""
    merged: dict[str, list[str]] = {}
    for policy in policies:
        for name, sources in policy.items():
            kept = merged.setdefault(name, [])
            kept += [s for s in sources if s not in kept]
    for sources in merged.values():
        if len(sources) > 1 and "'none'" in sources:
            sources.remove("'none'")  # 'none' beside a source means nothing, and one page's 'none' must not block another's host
        # Keywords first, then hashes, then hosts: the order of one page's policy, whatever page came first.
        sources.sort(key=lambda s: (0, "") if not s.startswith("'sha") and s.startswith("'")
                     else (1, s) if s.startswith("'sha") else (2, ""))
    return merged


def render(directives: dict[str, list[str]], extra: str, where: str) -> str:
    text = "; ".join(" ".join([name, *sources]) for name, sources in directives.items())
    text = f"{text}; {extra}" if text else extra
    if len(text) > MAX_POLICY:
        raise SiteError(f"{where}: Content-Security-Policy dài {len(text)} ký tự (tối đa {MAX_POLICY}): các trang có "
                        "quá nhiều đoạn script nội tuyến khác nhau; đưa script vào tệp .js")
    return text


def _redirect(relative: str, text: str, site_url: str) -> Redirect:
    source = "/" + relative[: -len("index.html")]
    canonical = _CANONICAL.search(text)
    root = site_url.rstrip("/") + "/"
    target = html.unescape(canonical.group(1)) if canonical else ""
    if not target.startswith(root) or not SITE_PATH.fullmatch(source) \
            or not SITE_PATH.fullmatch("/" + target[len(root):]):
        raise SiteError(f"{relative}: trang chuyển hướng không có đường dẫn đích hợp lệ "
                        f"(<link rel=\"canonical\"> phải là một trang của {root})")
    return Redirect(source, "/" + target[len(root):])
