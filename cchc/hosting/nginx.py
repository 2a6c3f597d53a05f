"""An nginx configuration for the built site: its headers, caching, compressed copies, 404 page and redirects.

Two texts: the **site file**, directives for inside a ``server { }`` block (``include``-d there), written from
the site's facts (cchc.hosting.facts), and an **example** of the whole ``server`` blocks around it (HTTP →
HTTPS, TLS placeholders), written once for the IT staff to adapt.

nginx traps this layout avoids, each on purpose:
- a location with an ``add_header`` of its own drops every ``add_header`` of the server, so each such
  location repeats the security headers (they are written by one function, never by hand);
- ``types { }`` replaces every inherited type, so the site file includes mime.types before adding its own;
- no ``disable_symlinks``: with ``from=`` the Brotli module (Debian's 1.0.0~rc) stops serving .br files
  (google/ngx_brotli#134), without it a web root that is a symbolic link (releases/ + current) is refused;
  and the build writes no symbolic link into the site (MkDocs copies bytes, cached files are hard links);
- values are printed only as double-quoted strings of characters checked here: no ``"``, ``\\``, ``$`` (a
  variable), control character or line break, so a hostile alias, host or path cannot add a directive.

Cache lifetimes: a URL whose name holds a hash of its content (Material's bundles, Pagefind's index
files) never changes: a year, ``immutable``. Pages, feeds, open data, the sitemap and files without a hash
in their name (site.css, pagefind.js, all of /admin/) are checked at every use (``no-cache``: a cheap 304
while unchanged), so a new build shows at once and a page never meets a stale script. Attachments an
editor may replace under the same name: an hour. Images and fonts: a day.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from cchc.core import layout
from cchc.hosting import DOWNLOADS, IMMUTABLE
from cchc.hosting.facts import NOT_FOUND_PAGE, SiteError, SiteFacts

REVALIDATE = "no-cache"
DOCUMENT = "public, max-age=3600"
STATIC = "public, max-age=86400"

# DOWNLOADS are sent as attachments (Content-Disposition). PDF stays inline: the README promises that a
# plan opens in the browser, whose PDF viewer runs in a sandbox of its own, not as a page of the site;
# nosniff keeps it from being read as anything else.
# Types nginx's mime.types lacks (Debian 12), for what this site publishes.
EXTRA_TYPES = {
    "text/csv": "csv",
    "text/javascript": "mjs",
    "application/manifest+json": "webmanifest",
    "text/calendar": "ics",
    "application/json": "map",
    "text/yaml": "yml yaml",
}
CHARSET_TYPES = ("text/css", "text/plain", "text/xml", "text/csv", "text/javascript", "text/yaml", "text/calendar",
                 "application/javascript", "application/json", "application/manifest+json",
                 "application/rss+xml", "application/atom+xml", "image/svg+xml")
PERMISSIONS = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), " \
              "payment=(), usb=()"
# A year, without includeSubDomains: other hosts under the department's domain may not have HTTPS yet.
HSTS = "max-age=31536000"
MODULE = "modules/ngx_http_brotli_static_module.so"
# Material's bundles, named by a hash of their content: assets/javascripts/bundle.a5f9d56c.min.js,
# assets/javascripts/workers/search.a7633da7.min.js, assets/stylesheets/main.57a0d79d.min.css, their maps.
HASHED_ASSETS = r'"^/assets/(?:javascripts|stylesheets)/(?:[a-z]+/)?[a-z]+\.[0-9a-f]{8}\.min\.(?:js|css)(?:\.map)?$"'
# Pagefind's index, fragments and filters, named by a hash of their content (vi_1020d4e.pf_fragment).
# Both quoted: nginx reads a bare "{" as the start of a block.
HASHED_INDEX = r'"_[0-9a-f]{7,}\.pf_(?:fragment|index|filter|meta)$"'
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")


@dataclass(frozen=True)
class Options:
    root: str  # the site folder on the server
    brotli: bool = True  # brotli_static: needs the module (Debian: libnginx-mod-http-brotli-static)
    hsts: bool = True
    server_name: str = ""  # for the example: the host of site_url


def quote(value: str, what: str) -> str:
    """``value`` as an nginx string, or SiteError if no nginx string can hold it safely."""
    bad = next((c for c in value if c in '"\\$' or unicodedata.category(c).startswith(("C", "Z")) and c != " "),
               None)
    if bad is not None or not value:
        shown = repr(bad) if bad is not None else "rỗng"
        raise SiteError(f"{what}: “{value[:80]}” có ký tự không đưa được vào cấu hình nginx ({shown}); "
                        "bỏ dấu ngoặc kép, \\, $ và ký tự điều khiển")
    return f'"{value}"'


def host(value: str, what: str) -> str:
    if not _HOST.fullmatch(value):
        raise SiteError(f"{what}: “{value[:80]}” không phải tên miền (chữ thường, số, dấu chấm, gạch ngang)")
    return value


def site_file(facts: SiteFacts, options: Options, source: str) -> str:
    """The directives for inside the server block of the site built into ``facts.site``."""
    out = _Writer()
    out.comment(f"Cấu hình nginx cho trang đã dựng ở {source} ({facts.pages} trang, {len(facts.redirects)} đường "
                "dẫn cũ), sinh bởi `python -m cchc may-chu nginx` (make nginx). Đừng sửa tay: sinh lại khi cập nhật mã "
                "của dự án (mẫu giao diện mới có thể thêm script mà chính sách CSP dưới đây phải cho phép) và khi "
                "thêm đường dẫn cũ (aliases) cho thủ tục; sửa nội dung thường ngày thì không cần. Đặt tệp này "
                "trong khối server { } của trang (dòng include; xem tệp ví dụ đi kèm).")
    out.line(f"root {quote(options.root, '--goc')};")
    out.line("index index.html;")
    out.line("server_tokens off;")
    out.comment("Chuyển hướng bằng đường dẫn tương đối: đúng cả khi nginx đứng sau một proxy TLS.")
    out.line("absolute_redirect off;")
    out.blank()
    out.comment("Kiểu tệp: mime.types của nginx, thêm những kiểu nó thiếu; văn bản gửi kèm charset=utf-8.")
    out.line("include mime.types;")
    out.block("types", [f"{kind} {suffixes};" for kind, suffixes in EXTRA_TYPES.items()])
    out.line("charset utf-8;")
    out.line(f"charset_types {' '.join(CHARSET_TYPES)};")
    out.blank()
    out.comment("Bản nén sẵn do bước dựng ghi cạnh mỗi tệp văn bản (<tệp>.br, <tệp>.gz): gửi nguyên như thế, "
                "không nén lại mỗi lần." + ("" if options.brotli else
                                             " (Sinh với --khong-brotli: chỉ dùng .gz.)"))
    out.line("gzip_static on;")
    if options.brotli:
        out.comment("Cần mô-đun brotli_static (Debian: gói libnginx-mod-http-brotli-static); không có mô-đun thì "
                    "sinh lại với --khong-brotli.")
        out.line("brotli_static on;")
    out.line("gzip_vary on;")
    out.line("gzip_proxied any;")
    out.blank()
    out.line(f"error_page 404 /{NOT_FOUND_PAGE};")
    out.line(f"error_page 403 =404 /{NOT_FOUND_PAGE};")
    out.blank()
    out.comment("Mặc định (ảnh, phông chữ, tệp khác): lưu một ngày.")
    _headers(out, options, STATIC)
    out.block("location /", ["try_files $uri $uri/ =404;"])
    if facts.redirects:
        out.blank()
        out.comment("Đường dẫn cũ của thủ tục (trường aliases): chuyển hẳn (301) tới trang hiện tại.")
    for redirect in facts.redirects:
        target = quote(redirect.target, redirect.source)
        for source in sorted({redirect.source, redirect.source.rstrip("/") or "/"}):
            out.block(f"location = {quote(source, 'aliases')}", [f"return 301 {target};"])
    out.blank()
    out.comment("Tệp, thư mục bắt đầu bằng dấu chấm (.git, .env…): không bao giờ gửi.")
    out.block(r"location ~ /\.", ["return 404;"])
    if facts.admin_policy is not None:
        out.blank()
        out.comment("Trang biên tập: chính sách riêng, không trang nào được nhúng nó; không tệp nào của nó có mã băm "
                    "trong tên cố định, nên luôn hỏi lại.")
        with out.nested(f"location ^~ /{layout.ADMIN}"):
            out.block(r"location ~ /\.", ["return 404;"])
            _headers(out, options, REVALIDATE, always=True, csp=facts.admin_policy, frame="DENY")
    out.blank()
    out.comment("Chỉ mục tìm kiếm Pagefind: tệp có mã băm trong tên giữ một năm; pagefind.js, pagefind-entry.json "
                "và các tệp khác luôn hỏi lại. Các tệp .pf_* đã là gzip bên trong, Pagefind tự giải nén.")
    with out.nested(f"location ^~ /{layout.SEARCH_INDEX}"):
        out.block(r"location ~ /\.", ["return 404;"])
        with out.nested(f"location ~ {HASHED_INDEX}"):
            _headers(out, options, IMMUTABLE)
        _headers(out, options, REVALIDATE)
    out.blank()
    out.comment("Mã và kiểu trình bày của giao diện, có mã băm trong tên: giữ một năm.")
    with out.nested(f"location ~ {HASHED_ASSETS}"):
        _headers(out, options, IMMUTABLE)
    out.blank()
    out.comment("Trang: chính sách CSP là hợp của mọi trang (mỗi trang vẫn giữ thẻ meta của mình), luôn hỏi lại.")
    with out.nested(r"location ~ \.html$"):
        _headers(out, options, REVALIDATE, always=True, csp=facts.page_policy)
    out.blank()
    out.comment("Tệp Word, Excel, PowerPoint, OpenDocument, RTF, ZIP: tải về, không mở trên trang.")
    with out.nested(rf"location ~* \.(?:{'|'.join(DOWNLOADS)})$"):
        _headers(out, options, DOCUMENT, attachment=True)
    out.comment("PDF mở ngay trên trình duyệt.")
    with out.nested(r"location ~* \.pdf$"):
        _headers(out, options, DOCUMENT)
    out.comment("Tin RSS, dữ liệu mở, sơ đồ trang, xuat-ban.json, mã và kiểu trình bày không có mã băm: luôn hỏi lại.")
    with out.nested(r"location ~ \.(?:xml|json|csv|txt|yml|webmanifest|ics|css|js|mjs|map)$"):
        _headers(out, options, REVALIDATE)
    return out.text()


def _headers(out: _Writer, options: Options, cache: str, *, always: bool = False, csp: str | None = None,
             frame: str = "SAMEORIGIN", attachment: bool = False) -> None:
    """Every header of a location: nginx forgets the server's add_header in a location that has its own."""
    lines = [("Cache-Control", cache, always)]
    if csp is not None:
        lines.append(("Content-Security-Policy", csp, True))
    if attachment:
        lines.append(("Content-Disposition", "attachment", False))
    lines += [("X-Content-Type-Options", "nosniff", True), ("X-Frame-Options", frame, True),
              ("Referrer-Policy", "strict-origin-when-cross-origin", True), ("Permissions-Policy", PERMISSIONS, True)]
    if options.hsts:
        lines.append(("Strict-Transport-Security", HSTS, True))
    for name, value, on_errors in lines:
        out.line(f"add_header {name} {quote(value, name)}{' always' if on_errors else ''};")


def example(options: Options, include: str) -> str:
    """The server blocks around the site file, with the TLS certificate's paths to fill in."""
    name = host(options.server_name, "mkdocs.yml: site_url")
    out = _Writer()
    out.comment(f"Ví dụ cấu hình đầy đủ cho {name}: chép vào /etc/nginx/sites-available/, sửa các dòng có chữ THAY, "
                "bật bằng liên kết trong sites-enabled/, rồi `nginx -t && systemctl reload nginx`.")
    if options.brotli:
        out.comment("Mô-đun brotli_static: trên Debian cài gói libnginx-mod-http-brotli-static (tự nạp qua "
                    "/etc/nginx/modules-enabled/). Ở nơi khác, thêm vào đầu nginx.conf, ngoài khối http:")
        out.comment(f"    load_module {MODULE};")
        out.comment("Không có mô-đun: sinh lại bằng `python -m cchc may-chu nginx --khong-brotli` (chỉ dùng .gz).")
    out.blank()
    out.comment("HTTP: chỉ để Let's Encrypt xác minh tên miền, còn lại chuyển sang HTTPS.")
    with out.nested("server"):
        out.line("listen 80;")
        out.line("listen [::]:80;")
        out.line(f"server_name {name};")
        out.block("location ^~ /.well-known/acme-challenge/", ["root /var/www/letsencrypt;  # THAY nếu certbot "
                                                               "dùng thư mục khác (certbot --webroot -w …)"])
        out.block("location /", [f"return 301 https://{name}$request_uri;"])  # not $host: whatever the client sent
    out.blank()
    out.comment("HTTPS: trang chính. Strict-Transport-Security (trong tệp include) bảo trình duyệt chỉ dùng HTTPS "
                "với tên miền này trong một năm; trình duyệt bỏ qua nó khi nhận qua HTTP, nên chỉ có tác dụng ở "
                "đây. Chưa chắc sẽ giữ HTTPS thì sinh với --khong-hsts.")
    with out.nested("server"):
        out.line("listen 443 ssl http2;")
        out.line("listen [::]:443 ssl http2;")
        out.line(f"server_name {name};")
        out.line(f"ssl_certificate /etc/letsencrypt/live/{name}/fullchain.pem;  # THAY: chứng chỉ của tên miền")
        out.line(f"ssl_certificate_key /etc/letsencrypt/live/{name}/privkey.pem;  # THAY: khoá bí mật")
        out.line("ssl_protocols TLSv1.2 TLSv1.3;")
        out.line("ssl_session_cache shared:cchc_tls:10m;")
        out.line("ssl_session_timeout 1d;")
        out.line(f"include {quote(include, '--out')};")
    return out.text()


class _Writer:
    """nginx text, indented by four spaces a level."""

    def __init__(self):
        self._lines: list[str] = []
        self._depth = 0

    def line(self, text: str) -> None:
        self._lines.append("    " * self._depth + text)

    def blank(self) -> None:
        if self._lines and self._lines[-1]:
            self._lines.append("")

    def comment(self, text: str) -> None:
        # Split on every kind of line break and no control character kept: a comment stays one comment.
        text = "".join(c for c in text if not unicodedata.category(c).startswith("C") or c.isspace())
        words, line = text.split(), "#"
        for word in words:
            if len(line) + len(word) + 1 > 100 - 4 * self._depth and line != "#":
                self.line(line)
                line = "#"
            line += " " + word
        self.line(line)

    def block(self, head: str, body: list[str]) -> None:
        if len(body) == 1 and len(head) + len(body[0]) < 90:
            self.line(f"{head} {{ {body[0]} }}")
            return
        with self.nested(head):
            for text in body:
                self.line(text)

    def nested(self, head: str):
        writer = self

        class _Block:
            def __enter__(self):
                writer.line(f"{head} {{")
                writer._depth += 1

            def __exit__(self, *exc):
                writer._depth -= 1
                writer.line("}")
        return _Block()

    def text(self) -> str:
        return "\n".join(self._lines).rstrip("\n") + "\n"
