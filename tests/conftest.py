"""Shared fixtures and helpers: temporary projects built from the real templates and hooks, the demo
content and site, and the real Chromium."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from textwrap import dedent

import pytest

from cchc.core.dates import parse_datetime
from cchc.core.errors import ContentError, ContentErrors
from cchc.core.settings import Settings
from cchc.site.content import Content, load_content

ROOT = Path(__file__).resolve().parent.parent
# Fixed "now" so scheduled posts behave the same on every run.
NOW = "2026-11-24 12:00"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"]


def run_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("CCHC_NOW", NOW)
    env.setdefault("NO_MKDOCS_2_WARNING", "1")
    env.update(extra)
    return env


PROCEDURE = """\
# yaml-language-server: $schema=../../schemas/tthc.schema.json
{code}level: {level}
name: "Cấp giấy phép hành nghề khám bệnh, chữa bệnh đối với bác sỹ"
type: "TTHC được luật giao quy định chi tiết"
field: {field}
steps:
  - "Bước 1: Nộp hồ sơ tại Trung tâm Phục vụ hành chính công hoặc trực tuyến."
  - "Bước 2: Sở Y tế thẩm định hồ sơ và trả kết quả."
channels:
  - channel: truc_tiep
    times:
      - {{value: 10, unit: ngay_lam_viec, note: "kể từ ngày nhận đủ hồ sơ hợp lệ"}}
    fees:
      - kind: phi
        amount: 360000
        description: "Phí thẩm định cấp giấy phép hành nghề"
  - channel: truc_tuyen
    times: [{{value: 7, unit: ngay}}]
    fees:
      - kind: phi
        amount: 1000000
dossier:
  sets: 1
  cases:
    - documents:
        - name: "Đơn đề nghị cấp giấy phép hành nghề"
          form: mau/don.docx
          form_name: "Mẫu 01"
          originals: 1
          copies: 0
        - name: "Văn bằng chuyên môn"
          originals: 0
          copies: 1
subjects: ["Công dân Việt Nam"]
agencies:
  competent: "Sở Y tế"
  executing: "Phòng Nghiệp vụ Y"
receiving_address: "Trung tâm Phục vụ hành chính công tỉnh"
results: ["Giấy phép hành nghề khám bệnh, chữa bệnh"]
legal_basis:
  - number: "15/2023/QH15"
    title: "Luật Khám bệnh, chữa bệnh"
    date: 2023-01-09
    issuer: "Quốc hội"
online:
  level: toan_trinh
"""


class Project:
    """A throwaway copy of the site: real mkdocs.yml, hooks, templates, docs."""

    def __init__(self, path: Path, with_demo_content: bool):
        self.path = path
        for name in ("docs", "overrides", "hooks"):
            shutil.copytree(ROOT / name, path / name)
        shutil.copy(ROOT / "mkdocs.yml", path / "mkdocs.yml")
        if with_demo_content:
            shutil.copytree(ROOT / "content", path / "content")
        else:
            (path / "content" / "news").mkdir(parents=True)
            for name in ("categories.yml", "linh-vuc.yml"):
                shutil.copy(ROOT / "content" / name, path / "content" / name)

    def write(self, relative: str, text: str | bytes) -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
        return target

    def post(self, name: str, *, title: str = "Tin thử nghiệm về cải cách hành chính",
             date: str | None = None, category: str = "chuyen-doi-so",
             summary: str = "Tóm tắt tin thử nghiệm dùng trong kiểm thử tự động.",
             extra: str = "", body: str = "Nội dung tin bài.\n") -> Path:
        year = name[:4]
        date = date or f"{name[:10]} 08:00"
        front = f'title: "{title}"\ndate: {date}\ncategory: {category}\nsummary: "{summary}"\n{extra}'
        return self.write(f"content/news/{year}/{name}.md", f"---\n{front}---\n\n{body}")

    def procedure(self, name: str = "1.004616", *, code: str | None = '"1.004616"', level: str = "tinh",
                  field: str = "kham-benh-chua-benh", extra: str = "", replace: dict[str, str] | None = None) -> Path:
        """A complete, valid record; ``replace`` swaps lines to make it invalid."""
        text = PROCEDURE.format(code=f"code: {code}\n" if code else "", level=level, field=field) + extra
        for old, new in (replace or {}).items():
            assert old in text, old
            text = text.replace(old, new)
        return self.write(f"content/tthc/{name}.yml", text)

    def build(self, site: str = "site", **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", site],
            cwd=self.path, env=run_env(**env), capture_output=True, text=True, timeout=600,
        )

    def content(self, preview: bool = False) -> Content:
        """The project's content as the core loads it, with the builds' "now"."""
        return load_content(Settings.from_project(self.path), parse_datetime(NOW), preview=preview)

    def errors(self) -> list[ContentError]:
        """Every error of the content, which must have some."""
        with pytest.raises(ContentErrors) as caught:
            self.content()
        return caught.value.errors

    def only_error(self) -> ContentError:
        errors = self.errors()
        assert len(errors) == 1, [str(e) for e in errors]
        return errors[0]

    def check(self) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cchc", "check", "--root", str(self.path)],
            cwd=self.path, env=run_env(), capture_output=True, text=True, timeout=120,
        )


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "site-src", with_demo_content=False)


@pytest.fixture(scope="session")
def demo_content() -> Content:
    """The demo content as the core sees it, with the same "now" as the builds."""
    return load_content(Settings.from_project(ROOT), parse_datetime(NOW))


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The demo site, built once for all build tests.

    Built from the repository itself (into a temporary folder), so the git
    history that amendment diffs are computed from is there.
    """
    site = tmp_path_factory.mktemp("demo") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
         "--site-dir", str(site)],
        cwd=ROOT, env=run_env(), capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright; missing, it fails under CI=true and skips elsewhere."""
    if not shutil.which(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (install the Debian package chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    """A quiet static server for ``directory`` on a free port of 127.0.0.1, and its address."""
    class Quiet(SimpleHTTPRequestHandler):
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".yml": "text/yaml"}

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


@pytest.fixture(scope="module")
def server(demo_site):
    httpd, address = serve(demo_site)
    yield address
    httpd.shutdown()
