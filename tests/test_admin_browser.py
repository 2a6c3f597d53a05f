"""The web editor at /admin/, driven in Chromium against the local backend of `make edit`.

An editor creates a news post and a procedure through the forms; the files
land in the working copy with what was typed (YAML 1.1 traps included), pass
`python -m cchc check`, and the rebuilt site shows them.
"""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from conftest import Project, serve

from cchc.editor.guard import EditorBackend

pytestmark = pytest.mark.browser

POST_TITLE = "Tổng đài 1900: Sở Y tế trực từ 7:30 cả ngày thứ Bảy"
PROCEDURE_NAME = "Cấp giấy xác nhận thử nghiệm biểu mẫu điện tử"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on ``port`` (from /proc/net/tcp*)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def _wait_for(find, what: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = find()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"not written within {timeout} s: {what}")


@pytest.fixture
def editing(tmp_path):
    """A project with the editor built in, the site served, and the local backend as `make edit` runs it:
    decap-server behind the guard (cchc/editor/guard.py), which admits only the preview's origin."""
    project = Project(tmp_path / "site-src", with_demo_content=False)
    port = _free_port()
    config = project.path / "mkdocs.yml"
    config.write_text(re.sub(r"local_port: \d+", f"local_port: {port}", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    result = project.build()
    assert result.returncode == 0, result.stderr
    httpd, url = serve(project.path / "site")
    backend = EditorBackend(project.path, port, urlparse(url).port)
    backend.start()  # returns once decap-server answers through the guard
    try:
        yield project, url, port
    finally:
        httpd.shutdown()
        backend.stop()


class Form:
    """The few gestures an editor makes in Decap's forms, found by their Vietnamese labels."""

    def __init__(self, page):
        self.page = page
        self.typed: dict[str, str] = {}

    def text(self, label: str, value: str) -> None:
        self.page.get_by_label(label, exact=True).fill(value)
        self.typed[label] = value

    def settle(self) -> None:
        """Type again whatever a late re-render of a fresh form has wiped.

        Right after opening `…/new`, Decap may still replace its empty draft once (seen on a
        busy machine: the first field of the procedure form came back empty). An editor would
        see the empty box and retype it; the test does the same, then checks the file.
        """
        for label, value in self.typed.items():
            field = self.page.get_by_label(label, exact=True)
            if field.input_value() != value:
                field.fill(value)
        self.typed.clear()

    def choose(self, label: str, option: str) -> None:
        self.page.get_by_label(label, exact=True).click()
        self.page.keyboard.type(option)
        self.page.keyboard.press("Enter")

    def add(self, item: str) -> None:
        self.page.get_by_role("button", name=f"Add {item}", exact=True).click()

    def publish(self) -> None:
        """Publish, then wait until Decap has moved to the saved entry.

        Decap navigates to `…/entries/<slug>` once the backend has written the file. Going
        elsewhere before that races with its redirect, which then pulls the page away from
        the next form half-way through filling it.
        """
        self.settle()
        self.page.get_by_role("button", name="Công bố").click()
        self.page.get_by_text("Công bố ngay").click()
        self.page.wait_for_url(re.compile(r"#/collections/[^/]+/entries/"))


def test_admin_creates_a_post_and_a_procedure_on_disk_and_in_the_site(browser, editing):  # noqa: F811
    project, url, port = editing
    assert _listening_addresses(port) == {"0100007F"}, "the editor backend must listen on 127.0.0.1 only"

    requests: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url + "admin/")
    page.get_by_role("button", name="Đăng nhập").click()
    form = Form(page)

    page.goto(url + "admin/#/collections/tin-tuc/new")
    form.text("Tiêu đề", POST_TITLE)
    form.text("Ngày đăng", "2026-11-20T08:30")
    form.choose("Chuyên mục", "Chuyển đổi số")
    form.text("Tóm tắt", "Từ tháng 12, tổng đài hỗ trợ thủ tục hành chính trực cả sáng thứ Bảy, bắt đầu 7:30.")
    form.text("Từ khoá (không bắt buộc)", "no, on, 7:30")
    page.locator("[data-slate-editor]").click()
    page.keyboard.type("Người dân gọi tổng đài để được hướng dẫn nộp hồ sơ.")
    form.publish()
    post_file = _wait_for(lambda: list((project.path / "content/news/2026").glob("2026-11-20-*.md")), "the post")[0]

    page.goto(url + "admin/#/collections/thu-tuc/new")
    form.text("Mã thủ tục (không bắt buộc)", "1.099001")
    # v2: only the name is required; every other part the editor fills is one the source states.
    form.choose("Cấp thực hiện (không bắt buộc)", "Cấp tỉnh")
    form.text("Tên thủ tục", PROCEDURE_NAME)
    form.text("Loại thủ tục (không bắt buộc)", "TTHC được luật giao quy định chi tiết")
    form.choose("Lĩnh vực (không bắt buộc)", "Dược phẩm")
    form.add("bước")
    form.text("Bước", "Bước 1: Nộp hồ sơ trực tuyến, không cần đến trụ sở.")
    form.add("cách thức")
    form.choose("Hình thức nộp", "Trực tuyến")
    form.add("thời hạn")
    form.text("Số (không bắt buộc)", "5")
    form.choose("Đơn vị (không bắt buộc)", "ngày làm việc")
    form.add("khoản phí")
    form.choose("Loại (không bắt buộc)", "Lệ phí")
    form.text("Số tiền (đồng) (không bắt buộc)", "150000")
    form.text("Số bộ hồ sơ (không bắt buộc)", "1")
    form.add("trường hợp hồ sơ")
    form.add("giấy tờ")
    form.text("Tên giấy tờ", "Đơn đề nghị: no")
    form.text("Bản chính (không bắt buộc)", "1")
    form.text("Bản sao (không bắt buộc)", "0")
    form.add("đối tượng")
    form.text("Đối tượng", "Doanh nghiệp")
    form.text("Cơ quan có thẩm quyền (không bắt buộc)", "Sở Y tế")
    form.text("Địa chỉ tiếp nhận hồ sơ (không bắt buộc)", "Trung tâm Phục vụ hành chính công tỉnh")
    form.add("kết quả")
    form.text("Kết quả", "Giấy xác nhận")
    form.add("văn bản")
    form.text("Số ký hiệu (không bắt buộc)", "15/2023/QH15")
    form.text("Trích yếu (không bắt buộc)", "Luật Khám bệnh, chữa bệnh")
    form.text("Ngày ban hành (không bắt buộc)", "2023-01-09")
    form.text("Cơ quan ban hành (không bắt buộc)", "Quốc hội")
    form.choose("Mức độ (không bắt buộc)", "Toàn trình")
    form.publish()
    record_file = _wait_for(lambda: list((project.path / "content/tthc").glob("*.yml")), "the procedure")[0]
    context.close()

    # Nothing but this machine: no CDN, no fonts, no telemetry.
    assert requests and {urlparse(u).hostname for u in requests if not u.startswith(("data:", "blob:"))} == {"127.0.0.1"}

    # The files hold what was typed, named as the loaders expect.
    assert post_file.name.startswith("2026-11-20-tong-dai-1900-so-y-te-truc-tu-7-30")
    front = yaml.safe_load(post_file.read_text(encoding="utf-8").split("---")[1])
    assert front["title"] == POST_TITLE and front["category"] == "chuyen-doi-so"
    assert "Người dân gọi tổng đài" in post_file.read_text(encoding="utf-8")
    record = record_file.read_text(encoding="utf-8")
    assert "code: \"1.099001\"" in record or "code: '1.099001'" in record
    assert "amount: 150000" in record and "unit: ngay_lam_viec" in record

    # Read with the project's loader (YAML 1.2 rules), the traps stay text.
    content = project.content()
    (post,) = content.news.posts
    assert post.tags == ["no", "on", "7:30"]
    (procedure,) = content.tthc.procedures
    assert procedure.dossier.cases[0].documents[0].name == "Đơn đề nghị: no"
    assert procedure.conditions is None and procedure.channels[0].fees[0].label == "Lệ phí: 150.000 đồng"
    assert project.check().returncode == 0

    result = project.build(site="site2")
    assert result.returncode == 0, result.stderr
    post_page = (project.path / "site2" / post.url / "index.html").read_text(encoding="utf-8")
    assert "Tổng đài 1900: Sở Y tế trực từ 7:30" in post_page and "Người dân gọi tổng đài" in post_page
    procedure_page = (project.path / "site2/tthc/1.099001/index.html").read_text(encoding="utf-8")
    assert PROCEDURE_NAME in procedure_page and "150.000 đồng" in procedure_page and "5 ngày làm việc" in procedure_page
