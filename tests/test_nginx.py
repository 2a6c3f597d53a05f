"""The generated nginx configuration, served by a real nginx (Debian's, with its brotli_static module).

One nginx runs for this module, in its own folder on free ports, serving the demo site and a small
project whose procedure has a former URL; every check is a real HTTP request. Without nginx the
module is skipped, except under CI=true, where it fails.
"""

from __future__ import annotations

import gzip
import html
import http.client
import io
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import brotli
import pytest
from conftest import ROOT, Project, run_env
from serving import free_port

from cchc.core.settings import Settings
from cchc.hosting import nginx as generator
from cchc.hosting.facts import SiteError, parse, read_site, scope_hashes, union

NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")
ALIAS = "cap-giay-phep-hanh-nghe-bac-sy"
SECRET = "khoa-bi-mat-khong-duoc-lo"
_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def _need_nginx() -> str:
    found = NGINX if os.access(NGINX, os.X_OK) else shutil.which("nginx")
    missing = [] if found and MIME_TYPES.is_file() else ["nginx (apt-get install nginx)"]
    if not BROTLI_MODULE.is_file():
        missing.append("its brotli_static module (apt-get install libnginx-mod-http-brotli-static)")
    if missing:
        message = "not installed: " + ", ".join(missing) + "; .ci/run installs them"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


class Served:
    """One nginx serving the demo site (``demo``) and the project with a former URL (``alias``)."""

    def __init__(self, folder: Path, sites: dict[str, tuple[Path, Path]], binary: str):
        self.folder, self.binary = folder, binary
        self.error_log = folder / "error.log"
        conf = folder / "conf"
        conf.mkdir()
        shutil.copy(MIME_TYPES, conf / "mime.types")  # the site file includes it beside nginx.conf, as on Debian
        self.ports, self.files, servers = {}, {}, []
        for name, (root, site) in sites.items():
            out = conf / f"{name}.conf"
            result = subprocess.run([sys.executable, "-m", "cchc", "may-chu", "nginx", "--root", str(root),
                                     "--site", str(site), "--out", str(out)],
                                    cwd=ROOT, env=run_env(), capture_output=True, text=True, timeout=120)
            assert result.returncode == 0, result.stderr
            assert f"Đã ghi {out}" in result.stdout
            self.ports[name] = free_port()
            self.files[name] = out
            servers.append(f"server {{\n    listen 127.0.0.1:{self.ports[name]};\n    include {out};\n}}")
        self.conf = conf / "nginx.conf"
        self.conf.write_text(self.main_config(servers), encoding="utf-8")
        self.process: subprocess.Popen | None = None

    def main_config(self, servers: list[str], brotli_module: bool = True) -> str:
        temp = "\n".join(f"    {kind}_temp_path {self.folder / kind};" for kind in
                         ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        load = f"load_module {BROTLI_MODULE};\n" if brotli_module else ""
        body = "\n".join("    " + line for server in servers for line in server.splitlines())
        return (f"{load}daemon off;\nmaster_process off;\npid {self.folder / 'nginx.pid'};\n"
                f"error_log {self.error_log} warn;\nevents {{ worker_connections 64; }}\n"
                f"http {{\n    access_log {self.folder / 'access.log'};\n{temp}\n{body}\n}}\n")

    def test_config(self, conf: Path) -> subprocess.CompletedProcess:
        return subprocess.run([self.binary, "-t", "-p", str(self.folder), "-c", str(conf), "-e", str(self.error_log)],
                              capture_output=True, text=True, timeout=60)

    def start(self) -> None:
        self.process = subprocess.Popen([self.binary, "-p", str(self.folder), "-c", str(self.conf),
                                         "-e", str(self.error_log)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"nginx stopped: {self.process.stderr.read().decode()} {self.log()}")
            try:
                self.get("demo", "/")
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"nginx did not answer: {self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.error_log.read_text(encoding="utf-8") if self.error_log.exists() else ""

    def get(self, name: str, path: str, encoding: str | None = None) -> http.client.HTTPResponse:
        """The response to GET ``path``, its body read into ``.body``; ``encoding``: Accept-Encoding, or none sent."""
        connection = http.client.HTTPConnection("127.0.0.1", self.ports[name], timeout=10)
        connection.putrequest("GET", path, skip_accept_encoding=True)
        if encoding is not None:
            connection.putheader("Accept-Encoding", encoding)
        connection.endheaders()
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response


@pytest.fixture(scope="module")
def alias_project(tmp_path_factory) -> Project:
    """A procedure renamed from its former file name (``aliases``), with its form; dotfiles planted in its site."""
    project = Project(tmp_path_factory.mktemp("nginx") / "src", with_demo_content=False)
    project.procedure(extra=f"aliases: [{ALIAS}]\n")
    form = io.BytesIO()
    with zipfile.ZipFile(form, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    project.write("content/tthc/mau/don.docx", form.getvalue())
    result = project.build()
    assert result.returncode == 0, result.stderr
    site = project.path / "site"
    # What a careless upload could leave in the served folder: never sent.
    project.write("site/.git/config", f"[remote]\n\turl = https://{SECRET}@git.example/\n")
    project.write("site/.env", f"TOKEN={SECRET}\n")
    project.write("site/tthc/.ban-nhap.html", f"<p>{SECRET}</p>")
    assert (site / "tthc" / ALIAS / "index.html").is_file()
    return project


@pytest.fixture(scope="module")
def served(demo_site, alias_project, tmp_path_factory):
    binary = _need_nginx()
    server = Served(tmp_path_factory.mktemp("nginx-run"), {"demo": (ROOT, demo_site),
                                                          "alias": (alias_project.path, alias_project.path / "site")},
                    binary)
    server.start()
    yield server
    server.stop()


# -- nginx reads the configuration ------------------------------------------------------------------------------


def test_nginx_accepts_the_site_file_without_a_warning(served):
    checked = served.test_config(served.conf)
    assert checked.returncode == 0 and "[warn]" not in checked.stderr and "[emerg]" not in checked.stderr, checked.stderr


def test_nginx_accepts_the_example_server_blocks_once_their_placeholders_are_filled(served, tmp_path):
    example = served.files["demo"].with_name("demo.vi-du.conf").read_text(encoding="utf-8")
    assert 'include "/etc/nginx/snippets/demo.conf";' in example and "THAY" in example
    if shutil.which("openssl") is None:  # for a throwaway certificate
        if os.environ.get("CI"):
            pytest.fail("openssl not installed; .ci/run installs it")
        pytest.skip("openssl not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=syt-hoaan.example.gov.vn",
                    "-days", "1", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    filled = (example.replace("/etc/nginx/snippets/demo.conf", str(served.files["demo"]))
              .replace("/etc/letsencrypt/live/syt-hoaan.example.gov.vn/fullchain.pem", str(cert))
              .replace("/etc/letsencrypt/live/syt-hoaan.example.gov.vn/privkey.pem", str(key))
              .replace("listen 80;", f"listen 127.0.0.1:{free_port()};")
              .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{free_port()} ssl http2;"))
    filled = "\n".join(line for line in filled.splitlines() if "[::]" not in line)
    conf = served.folder / "conf" / "example.conf"
    conf.write_text(served.main_config([filled]), encoding="utf-8")
    checked = served.test_config(conf)
    assert checked.returncode == 0 and "[warn]" not in checked.stderr, checked.stderr


def test_without_the_brotli_module_nginx_needs_the_gzip_only_file(served, demo_site):
    config = served.folder / "conf" / "no-brotli.conf"
    served_site = generator.site_file(read_site(demo_site, Settings.from_project(ROOT).site_url),
                                      generator.Options(root=str(demo_site), brotli=False), "site")
    assert "brotli_static" not in served_site and "gzip_static on;" in served_site
    (served.folder / "conf" / "gzip-only.conf").write_text(served_site, encoding="utf-8")
    server = f"server {{\n    listen 127.0.0.1:{free_port()};\n    include {served.folder / 'conf' / 'gzip-only.conf'};\n}}"
    config.write_text(served.main_config([server], brotli_module=False), encoding="utf-8")
    checked = served.test_config(config)
    assert checked.returncode == 0, checked.stderr
    # The default file on an nginx without the module: refused at once, naming the directive.
    config.write_text(served.main_config([server.replace("gzip-only.conf", "demo.conf")], brotli_module=False),
                      encoding="utf-8")
    refused = served.test_config(config)
    assert refused.returncode != 0 and 'unknown directive "brotli_static"' in refused.stderr


# -- Headers ------------------------------------------------------------------------------------------------------


def _policy(header: str) -> dict[str, set[str]]:
    return {part.split()[0]: set(part.split()[1:]) for part in header.split(";") if part.split()}


def test_the_policy_header_is_the_union_of_every_page_policy_and_forbids_framing_elsewhere(served, demo_site):
    facts = read_site(demo_site, Settings.from_project(ROOT).site_url)
    response = served.get("demo", "/")
    header = response.getheader("Content-Security-Policy")
    assert header == facts.page_policy
    sent = _policy(header)
    assert sent["frame-ancestors"] == {"'self'"} and sent["object-src"] == {"'none'"}
    pages = [p for p in sorted(demo_site.rglob("*.html")) if not p.relative_to(demo_site).as_posix().startswith("admin/")]
    hashes = set()
    for page in pages:
        meta = _META.search(page.read_text(encoding="utf-8"))
        assert meta, page
        for name, sources in _policy(html.unescape(meta.group(1))).items():
            assert sources <= sent[name], (page, name, sources - sent[name])
            hashes |= {s for s in sources if s.startswith("'sha256-")}
    # The pages' own hashes, and Material's scope script at depths no page of the demo has yet.
    extra = set(scope_hashes(demo_site / "index.html"))
    assert len(extra) == 10 and len(extra & hashes) == 5
    assert hashes and hashes | extra == {s for s in sent["script-src"] if s.startswith("'sha256-")}
    # Every page, in any folder, the 404 page too: the same header, and the frame rules besides.
    for path in ("/tin-tuc/", "/tthc/", "/lien-he/", "/khong-co-trang-nay/"):
        response = served.get("demo", path)
        assert response.getheader("Content-Security-Policy") == header, path
        assert response.getheader("X-Frame-Options") == "SAMEORIGIN"
    # /admin/ has its own: the one its page carries, and no page may frame it.
    admin = served.get("demo", "/admin/")
    meta = _META.search((demo_site / "admin/index.html").read_text(encoding="utf-8"))
    assert admin.getheader("Content-Security-Policy") == html.unescape(meta.group(1)) + "; frame-ancestors 'none'"
    assert admin.getheader("X-Frame-Options") == "DENY" and admin.getheader("Cache-Control") == "no-cache"
    assert "'sha256-" not in admin.getheader("Content-Security-Policy")


def test_security_headers_are_on_every_response_errors_included(served):
    for path in ("/", "/assets/logo.svg", "/feed.xml", "/khong-co-trang-nay/", "/.git/config"):
        response = served.get("demo", path)
        assert response.getheader("X-Content-Type-Options") == "nosniff", path
        assert response.getheader("Referrer-Policy") == "strict-origin-when-cross-origin", path
        assert "camera=()" in response.getheader("Permissions-Policy"), path
        assert response.getheader("Strict-Transport-Security") == "max-age=31536000", path
        assert response.getheader("Server") == "nginx", path  # no version


# -- Compression ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path,file", [("/", "index.html"), ("/tthc/", "tthc/index.html"), ("/feed.xml", "feed.xml"),
                                       ("/tthc/tthc.json", "tthc/tthc.json"), ("/khong-co/", "404.html")])
def test_the_precompressed_copies_are_sent_to_who_accepts_them_and_decode_to_the_file(served, demo_site, path, file):
    raw = (demo_site / file).read_bytes()
    as_br = served.get("demo", path, "gzip, deflate, br")
    assert as_br.getheader("Content-Encoding") == "br" and brotli.decompress(as_br.body) == raw
    assert as_br.getheader("Vary") == "Accept-Encoding"
    as_gzip = served.get("demo", path, "gzip")
    assert as_gzip.getheader("Content-Encoding") == "gzip" and gzip.decompress(as_gzip.body) == raw
    plain = served.get("demo", path)
    assert plain.getheader("Content-Encoding") is None and plain.body == raw
    assert len(as_br.body) < len(as_gzip.body) < len(raw)


def test_search_index_files_are_sent_as_they_are(served, demo_site):
    fragment = next((demo_site / "pagefind" / "fragment").glob("*.pf_fragment"))
    response = served.get("demo", "/" + fragment.relative_to(demo_site).as_posix(), "gzip, br")
    assert response.getheader("Content-Encoding") is None and response.body == fragment.read_bytes()
    assert response.getheader("Cache-Control") == generator.IMMUTABLE


# -- Caching and types -----------------------------------------------------------------------------------------------


def test_cache_lifetimes_follow_what_can_change_under_the_same_url(served, demo_site):
    bundle = next((demo_site / "assets/javascripts").glob("bundle.*.min.js")).relative_to(demo_site).as_posix()
    style = next((demo_site / "assets/stylesheets").glob("main.*.min.css")).relative_to(demo_site).as_posix()
    expected = {
        f"/{bundle}": generator.IMMUTABLE, f"/{style}": generator.IMMUTABLE,
        "/": generator.REVALIDATE, "/tin-tuc/": generator.REVALIDATE, "/feed.xml": generator.REVALIDATE,
        "/sitemap.xml": generator.REVALIDATE, "/xuat-ban.json": generator.REVALIDATE,
        "/tthc/tthc.csv": generator.REVALIDATE, "/assets/css/site.css": generator.REVALIDATE,
        "/pagefind/pagefind.js": generator.REVALIDATE, "/pagefind/pagefind-entry.json": generator.REVALIDATE,
        "/admin/config.yml": generator.REVALIDATE, "/khong-co-trang-nay/": generator.REVALIDATE,
        "/assets/logo.svg": generator.STATIC, "/anh-chia-se.png": generator.STATIC,
    }
    for path, cache in expected.items():
        response = served.get("demo", path, "br")
        assert response.status == (404 if "khong-co" in path else 200), path
        assert response.getheader("Cache-Control") == cache, path


def test_types_and_charset(served, demo_site):
    wasm = next((demo_site / "admin").rglob("*.wasm")).relative_to(demo_site).as_posix()
    expected = {"/": "text/html; charset=utf-8", "/tthc/tthc.csv": "text/csv; charset=utf-8",
                "/tthc/tthc.json": "application/json; charset=utf-8", "/feed.xml": "text/xml; charset=utf-8",
                "/admin/config.yml": "text/yaml; charset=utf-8", f"/{wasm}": "application/wasm",
                "/assets/logo.svg": "image/svg+xml; charset=utf-8"}
    for path, kind in expected.items():
        assert served.get("demo", path).getheader("Content-Type") == kind, path


def test_office_files_download_and_pdf_opens_in_the_browser(served, demo_site):
    docx = next(demo_site.rglob("*.docx")).relative_to(demo_site).as_posix()
    pdf = next(demo_site.rglob("*.pdf")).relative_to(demo_site).as_posix()
    form = served.get("demo", f"/{docx}", "gzip, br")
    assert form.status == 200 and form.getheader("Content-Disposition") == "attachment"
    assert form.getheader("Content-Type") == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert form.getheader("Content-Encoding") is None and form.body == (demo_site / docx).read_bytes()
    assert form.getheader("X-Content-Type-Options") == "nosniff"
    plan = served.get("demo", f"/{pdf}")
    assert plan.status == 200 and plan.getheader("Content-Type") == "application/pdf"
    assert plan.getheader("Content-Disposition") is None and plan.getheader("Cache-Control") == generator.DOCUMENT


# -- 404, redirects, what is never sent ------------------------------------------------------------------------


def test_a_missing_page_gets_the_sites_own_404_page(served, demo_site):
    response = served.get("demo", "/khong-co-trang-nay/")
    assert response.status == 404 and response.body == (demo_site / "404.html").read_bytes()
    assert "Không tìm thấy trang" in response.body.decode("utf-8")


def test_a_former_procedure_url_is_moved_permanently_to_the_procedure(served, alias_project):
    procedure = alias_project.content().tthc.procedures[0]
    assert procedure.aliases == (ALIAS,)
    for path in (f"/tthc/{ALIAS}/", f"/tthc/{ALIAS}"):
        response = served.get("alias", path)
        assert response.status == 301 and response.getheader("Location") == f"/{procedure.url}", path
    moved = served.get("alias", f"/{procedure.url}")
    assert moved.status == 200 and procedure.name in moved.body.decode("utf-8")
    # The form of that procedure is a download there too.
    assert served.get("alias", "/tthc/mau/don.docx").getheader("Content-Disposition") == "attachment"


@pytest.mark.parametrize("path", ["/.git/config", "/.env", "/tthc/.ban-nhap.html", "/%2egit/config", "/admin/.env",
                                  "/pagefind/.env", "/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                                  "/tthc/..%2f..%2f..%2fetc/passwd", "/tthc/../../src/mkdocs.yml"])
def test_dotfiles_and_paths_outside_the_site_are_refused(served, path):
    response = served.get("alias", path)
    assert response.status in (400, 404), (path, response.status)
    assert SECRET.encode() not in response.body and b"root:" not in response.body and b"site_url" not in response.body


# -- What is printed into the configuration -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ['/srv/a"; return 200 "x', "/srv/$document_root", "/srv/a\\", "/srv/a\nreturn 200;",
                                   "/srv/a\u2028b", "/srv/a\x00", ""])
def test_a_value_nginx_cannot_hold_safely_is_refused(value):
    with pytest.raises(SiteError, match="không đưa được vào cấu hình nginx"):
        generator.quote(value, "--goc")


def test_a_path_with_spaces_and_vietnamese_is_quoted(served, demo_site):
    folder = "/var/www/Sở Y tế/trang web"
    text = generator.site_file(read_site(demo_site, Settings.from_project(ROOT).site_url),
                               generator.Options(root=folder), "site")
    assert f'root "{folder}";' in text
    conf = served.folder / "conf" / "quoted.conf"
    (served.folder / "conf" / "quoted-site.conf").write_text(text, encoding="utf-8")
    conf.write_text(served.main_config([f"server {{ listen 127.0.0.1:{free_port()}; include "
                                        f"{served.folder / 'conf' / 'quoted-site.conf'}; }}"]), encoding="utf-8")
    checked = served.test_config(conf)
    assert checked.returncode == 0, checked.stderr


def _fake_site(folder: Path, page_policy: str = "default-src 'self'; script-src 'self' 'sha256-AAAA='") -> Path:
    for name in ("index.html", "404.html"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f'<meta charset="utf-8">\n    <meta http-equiv="Content-Security-Policy" '
                                   f'content="{page_policy}">', encoding="utf-8")
    return folder


def _redirect_page(folder: Path, source: str, canonical: str) -> None:
    page = folder / source / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f'<link rel="canonical" href="{canonical}">\n<meta http-equiv="refresh" content="0; url=../x/">',
                    encoding="utf-8")


@pytest.mark.parametrize("source,canonical", [
    ("tthc/cu", 'https://syt.example.gov.vn/tthc/moi/&quot;; return 200 &quot;x'),
    ("tthc/cu", "https://syt.example.gov.vn/tthc/$host/"),
    ("tthc/cu", "https://evil.example/tthc/moi/"),
    ("tthc/cu;return 200", "https://syt.example.gov.vn/tthc/moi/"),
    ("tthc/Cu {", "https://syt.example.gov.vn/tthc/moi/"),
])
def test_a_redirect_page_that_names_no_plain_site_path_is_refused(tmp_path, source, canonical):
    site = _fake_site(tmp_path / "site")
    _redirect_page(site, source, canonical)
    with pytest.raises(SiteError, match="trang chuyển hướng không có đường dẫn đích hợp lệ"):
        read_site(site, "https://syt.example.gov.vn/")


def test_a_redirect_page_becomes_a_301_of_its_folder(tmp_path):
    site = _fake_site(tmp_path / "site")
    _redirect_page(site, "tthc/ten-cu", "https://syt.example.gov.vn/tthc/1.004616/")
    facts = read_site(site, "https://syt.example.gov.vn/")
    text = generator.site_file(facts, generator.Options(root="/srv/site"), "site")
    assert 'location = "/tthc/ten-cu/" { return 301 "/tthc/1.004616/"; }' in text
    assert 'location = "/tthc/ten-cu" { return 301 "/tthc/1.004616/"; }' in text


@pytest.mark.parametrize("policy", ["default-src 'self'; script-src https://a.example$host",
                                    "default-src 'self'; script-src 'self' &quot;x",
                                    "default-src 'self' {; script-src 'self'"])
def test_a_page_policy_with_a_source_no_policy_of_ours_holds_is_refused(tmp_path, policy):
    site = _fake_site(tmp_path / "site", policy)
    with pytest.raises(SiteError, match="không phải nguồn hợp lệ"):
        read_site(site, "https://syt.example.gov.vn/")


def test_a_page_whose_policy_tag_cannot_be_read_is_refused(tmp_path):
    site = _fake_site(tmp_path / "site", "default-src 'self'\"; script-src *")
    with pytest.raises(SiteError, match="404.html: thẻ Content-Security-Policy không đọc được"):
        read_site(site, "https://syt.example.gov.vn/")


def test_the_union_keeps_each_pages_sources_and_drops_none_beside_a_host():
    one = parse("default-src 'self'; script-src 'self' 'sha256-B='; frame-src 'none'", "a")
    two = parse("default-src 'self'; script-src 'self' 'sha256-A=' https://sp.zalo.me; frame-src https://*.zalo.me",
                "b")
    assert union([one, two]) == {"default-src": ["'self'"],
                                 "script-src": ["'self'", "'sha256-A='", "'sha256-B='", "https://sp.zalo.me"],
                                 "frame-src": ["https://*.zalo.me"]}


def test_without_out_the_site_file_is_printed_as_written(demo_site):
    result = subprocess.run([sys.executable, "-m", "cchc", "may-chu", "nginx", "--site", str(demo_site),
                             "--goc", "/var/www/syt/current", "--khong-hsts"], cwd=ROOT, env=run_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    options = generator.Options(root="/var/www/syt/current", hsts=False)
    facts = read_site(demo_site, Settings.from_project(ROOT).site_url)
    assert result.stdout == generator.site_file(facts, options, str(demo_site))
    assert "Strict-Transport-Security" not in result.stdout and 'root "/var/www/syt/current";' in result.stdout


def test_a_site_under_a_sub_folder_or_not_built_is_refused_in_vietnamese(tmp_path):
    site = _fake_site(tmp_path / "site")
    with pytest.raises(SiteError, match="thư mục con"):
        read_site(site, "https://syt.example.gov.vn/cchc/")
    result = subprocess.run([sys.executable, "-m", "cchc", "may-chu", "nginx", "--root", str(ROOT),
                             "--site", str(tmp_path / "chua-dung")], cwd=ROOT, env=run_env(), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1 and "chạy `make build` trước" in result.stderr and not result.stdout
