"""`make serve` previews drafts and rebuilds when a file under content/ changes."""

import subprocess
import sys
import time

import pytest
from conftest import run_env
from serving import fetch, free_port

pytestmark = pytest.mark.build


def wait_for(url: str, text: str, limit: float = 90) -> str:
    """Poll until the page contains text; bounded so a broken serve fails, not hangs."""
    deadline = time.monotonic() + limit
    page = None
    while time.monotonic() < deadline:
        page = fetch(url)
        if page and text in page:
            return page
        time.sleep(0.5)
    raise AssertionError(f"{url} never contained {text!r}; last page: {(page or '')[:300]}")


def test_serve_shows_drafts_and_rebuilds_on_content_change(project):
    post = project.post("2024-03-07-tin-thu", title="Tiêu đề ban đầu của tin")
    project.post("2024-03-08-ban-nhap", title="Tin còn đang soạn", extra="draft: true\n")
    project.post("2026-12-30-tin-hen-gio", title="Tin hẹn ngày đăng")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project.path, env=run_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}/"
        wait_for(base + "tin-tuc/2024/tin-thu/", "Tiêu đề ban đầu của tin")
        draft = wait_for(base + "tin-tuc/2024/ban-nhap/", "Tin còn đang soạn")
        assert "Bản nháp" in draft
        scheduled = wait_for(base + "tin-tuc/2026/tin-hen-gio/", "Tin hẹn ngày đăng")
        assert "hẹn đăng" in scheduled

        post.write_text(post.read_text(encoding="utf-8").replace("Tiêu đề ban đầu", "Tiêu đề đã sửa"),
                        encoding="utf-8")
        wait_for(base + "tin-tuc/2024/tin-thu/", "Tiêu đề đã sửa của tin")
    finally:
        server.terminate()
        server.wait(timeout=30)
