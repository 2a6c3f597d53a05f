"""The web editor at /admin/ (Sveltia CMS), driven in Chromium against `make edit` as an editor runs it.

`python -m cchc edit` starts the local Gitea-compatible backend (cchc/editor/localgit.py) and the
`mkdocs serve` preview; the editor signs in with the token it prints, as on a real Gitea or GitHub
with a personal access token. Saves land as files and commits in the working copy, pass
`python -m cchc check`, and show in the preview.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from conftest import ROOT, Project, run_env
from playwright.sync_api import expect
from serving import fetch, free_port

from cchc.core.schema import load_schema, rule_text

pytestmark = pytest.mark.browser

TOKEN_LINE = re.compile(r"Đăng nhập bằng mã truy cập: (\w+)")
LINK_LINE = re.compile(r"(http://\S+/admin/#/signin/\S+)")
POST_TITLE = "Tổng đài 1900: trực từ 7:30, cả sáng thứ Bảy"


def _wait_for(find, what: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = find()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"not within {timeout} s: {what}")


def _git(project: Project, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project.path, check=True, capture_output=True, text=True).stdout


class Editing:
    """One `make edit` (python -m cchc edit) on a throwaway git working copy."""

    def __init__(self, tmp: Path):
        self.project = Project(tmp / "site-src", with_demo_content=False)
        # Written as the README allows and a portal copies it: day first.
        self.old_post = self.project.post("2026-11-02-tin-cu", title="Tin cũ ghi ngày kiểu Việt Nam",
                                          date="01/12/2026 08:30")
        self.port, self.site_port = free_port(), free_port()
        config = self.project.path / "mkdocs.yml"
        config.write_text(re.sub(r"local_port: \d+", f"local_port: {self.port}", config.read_text(encoding="utf-8")),
                          encoding="utf-8")
        for command in (["init", "-q", "-b", "main"], ["add", "-A"],
                        ["-c", "user.name=Quản trị", "-c", "user.email=qt@example.invalid", "commit", "-qm", "Khởi tạo"]):
            _git(self.project, *command)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cchc", "edit", "--port", str(self.site_port)], cwd=self.project.path,
            env=run_env(), stdout=subprocess.PIPE, stderr=(tmp / "make-edit.log").open("w"), text=True,
            start_new_session=True)
        printed = ""
        while not (TOKEN_LINE.search(printed) and LINK_LINE.search(printed)):
            line = self.process.stdout.readline()
            assert line, f"make edit stopped before printing its token: {printed}"
            printed += line
        self.token = TOKEN_LINE.search(printed)[1]
        self.link = LINK_LINE.search(printed)[1]
        self.url = f"http://127.0.0.1:{self.site_port}/"
        _wait_for(lambda: fetch(self.url + "admin/"), "the preview serving /admin/", timeout=180)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)  # Ctrl+C, as the editor stops it
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def commits(self) -> list[str]:
        return _git(self.project, "log", "--format=%s").splitlines()


@pytest.fixture(scope="module")
def editing(tmp_path_factory):
    session = Editing(tmp_path_factory.mktemp("edit"))
    try:
        yield session
    finally:
        session.stop()


class Editor:
    """The gestures an editor makes in Sveltia's forms; fields are found by their key in the schema."""

    def __init__(self, browser, editing: Editing, **context):
        self.editing = editing
        self.context = browser.new_context(**({"viewport": {"width": 1280, "height": 900}} | context))
        self.page = self.context.new_page()
        self.page.set_default_timeout(20000)
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))

    def sign_in(self, token: str | None = None) -> None:
        page = self.page
        page.goto(self.editing.url + "admin/")
        page.get_by_role("button", name="Đăng nhập bằng mã truy cập").click()
        page.get_by_label("Mã truy cập cá nhân").fill(token or self.editing.token)
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
        if token is None:
            page.get_by_role("button", name="Tạo bài viết mới").wait_for()

    def field(self, key: str):
        return self.page.locator(f'section[data-key-path="{key}"]')

    def box(self, key: str):
        """The field's text box, a one-line input or a textarea."""
        return self.field(key).locator("input, textarea").first

    def new(self, collection: str) -> None:
        self.page.goto(f"{self.editing.url}admin/#/collections/{collection}/new")
        self.field({"tin-tuc": "title", "thu-tuc": "name", "quyet-dinh": "number"}[collection]).wait_for()

    def fill_post(self, title: str, when: str, summary: str) -> None:
        self.box("title").fill(title)
        self.field("date").locator("input").first.fill(when)
        self.field("category").get_by_role("combobox").click()
        self.page.get_by_role("option", name="Chuyển đổi số").click()
        self.box("summary").fill(summary)

    def save(self) -> None:
        self.page.get_by_role("button", name="Lưu", exact=True).click()

    def off_site(self) -> set[str]:
        return {urlparse(u).hostname for u in self.requests if not u.startswith(("data:", "blob:"))} - {"127.0.0.1"}


def test_an_editor_signs_in_with_a_token_and_publishes_a_post_that_the_preview_shows(browser, editing):
    editor = Editor(browser, editing)
    page = editor.page
    editor.sign_in("sai-ma-truy-cap")
    page.get_by_text("Mã truy cập được cung cấp không hợp lệ").wait_for()
    assert not page.get_by_role("button", name="Tạo bài viết mới").count()
    editor.sign_in()

    # A day-first date in a file is 1 December, in the list and in the form.
    page.get_by_text("01/12/2026 – Tin cũ ghi ngày kiểu Việt Nam").wait_for()
    page.get_by_text("01/12/2026 – Tin cũ ghi ngày kiểu Việt Nam").click()
    assert editor.field("date").locator("input").first.input_value() == "2026-12-01T08:30"

    page.evaluate("window.__sameTab = true")  # gone if anything reloads the editor's tab
    before = editing.commits()
    editor.new("tin-tuc")
    # 06:00 on New Year's Day in Vietnam is still 2026 in UTC: the file must go under 2027.
    editor.fill_post(POST_TITLE, "2027-01-01T06:00", "Tổng đài hỗ trợ thủ tục trực cả sáng thứ Bảy, bắt đầu 7:30.")
    tags = editor.field("tags")
    tags.locator("input").first.fill("no, on")  # commas and spaces stay inside one keyword
    tags.get_by_role("button", name=re.compile("^Thêm")).click()
    tags.locator("input").nth(1).fill("7:30")
    editor.field("body").locator("[contenteditable]").click()
    page.keyboard.type("Người dân gọi tổng đài để được hướng dẫn nộp hồ sơ.")
    editor.save()

    folder = editing.project.path / "content/news/2027"
    post = _wait_for(lambda: list(folder.glob("2027-01-01-*.md")), "the post file")[0]
    assert post.name == "2027-01-01-tong-dai-1900-truc-tu-7-30-ca-sang-thu-bay.md"
    _wait_for(lambda: len(editing.commits()) > len(before), "the commit")
    assert editing.commits()[0] == "Thêm tin bài “tong-dai-1900-truc-tu-7-30-ca-sang-thu-bay”"
    assert _git(editing.project, "show", "--name-only", "--format=", "HEAD").split() == [
        "content/news/2027/" + post.name]
    front = yaml.safe_load(post.read_text(encoding="utf-8").split("---")[1])
    assert front["title"] == POST_TITLE and front["category"] == "chuyen-doi-so"
    assert str(front["date"]).startswith("2027-01-01 06:00")
    (loaded,) = [p for p in editing.project.content(preview=True).news.posts if p.title == POST_TITLE]
    assert loaded.tags == ["no, on", "7:30"]
    assert editing.project.check().returncode == 0

    # The preview rebuilds by itself and shows the post; the editor's tab was never reloaded.
    _wait_for(lambda: POST_TITLE in (fetch(editing.url + loaded.url) or ""), "the post in the preview")
    assert page.evaluate("window.__sameTab === true")
    assert not editor.off_site(), "the editor may talk to this machine only: no CDN, fonts or telemetry"
    editor.context.close()


def test_a_save_that_would_break_the_build_is_refused_with_make_checks_words(browser, editing):
    editor = Editor(browser, editing)
    editor.sign_in()
    before = editing.commits()
    editor.new("thu-tuc")
    editor.box("name").fill("Cấp giấy xác nhận thử nghiệm biểu mẫu điện tử")
    editor.box("code").fill("1.0046XX")
    editor.save()

    expected = rule_text("pattern", load_schema("tthc")["properties"]["code"])
    editor.field("code").get_by_text(expected).wait_for()
    time.sleep(1)
    assert editing.commits() == before and not list((editing.project.path / "content/tthc").glob("*.yml"))

    # The same value in a file: make check says the same words.
    editing.project.procedure("thu", code='"1.0046XX"')
    try:
        result = editing.project.check()
        assert result.returncode != 0 and expected in result.stdout + result.stderr
    finally:
        (editing.project.path / "content/tthc/thu.yml").unlink()

    editor.box("code").fill("1.099001")
    editor.save()
    record = _wait_for(lambda: list((editing.project.path / "content/tthc").glob("*.yml")), "the record")[0]
    assert "1.099001" in record.read_text(encoding="utf-8")
    assert editing.project.check().returncode == 0
    editor.context.close()


def test_nothing_typed_is_lost_when_the_page_reloads(browser, editing):
    editor = Editor(browser, editing)
    page = editor.page
    editor.sign_in()
    editor.new("tin-tuc")
    for key, text in (("title", "Tin đang soạn dở thì trang tải lại"),
                      ("summary", "Một câu tóm tắt đã gõ, không được mất.")):
        editor.box(key).click()
        page.keyboard.type(text)
    time.sleep(1.5)  # the draft backup is written half a second after typing stops
    page.reload()
    page.get_by_role("button", name="Khôi phục", exact=True).click()
    expect(editor.box("title")).to_have_value("Tin đang soạn dở thì trang tải lại")
    expect(editor.box("summary")).to_have_value("Một câu tóm tắt đã gõ, không được mất.")
    editor.context.close()


def test_an_editor_on_a_390_px_phone_publishes_a_post(browser, editing):
    editor = Editor(browser, editing, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                    device_scale_factor=3)
    page = editor.page
    page.goto(editing.link)  # the sign-in link make edit prints, as if tapped in a chat
    page.get_by_text("Đăng nhập bằng đường liên kết").wait_for()  # Sveltia asks before using a link
    page.get_by_role("button", name="Đăng nhập", exact=True).tap()
    page.get_by_text("Tin tức", exact=True).first.wait_for()
    editor.new("tin-tuc")
    editor.fill_post("Tin đăng từ điện thoại", "2026-11-24T15:00", "Tin ngắn soạn và đăng trên màn hình 390 điểm ảnh.")
    editor.field("body").locator("[contenteditable]").tap()
    page.keyboard.type("Nội dung gõ trên điện thoại.")
    save = page.get_by_role("button", name="Lưu", exact=True)
    box = save.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, "Lưu must be on the screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "nothing may stick out sideways"
    save.tap()
    _wait_for(lambda: list((editing.project.path / "content/news/2026").glob("2026-11-24-tin-dang-tu-dien-thoai.md")),
              "the post from the phone")
    editor.context.close()


# Words of Sveltia's own English interface (its en-US locale) that must not show in the Vietnamese one.
def _english_phrases() -> set[str]:
    locales = ROOT / "node_modules/@sveltia/cms/locales"
    english = _flat(json.loads((locales / "en-US.json").read_text(encoding="utf-8")))
    vietnamese = _flat(json.loads((locales / "vi.json").read_text(encoding="utf-8")))
    vietnamese.update(json.loads((ROOT / "cchc/editor/sveltia-vi.json").read_text(encoding="utf-8")))
    phrases = set()
    for key, text in english.items():
        if vietnamese.get(key) == text:
            continue  # a name (GitHub, Markdown) is the same in both
        body = " ".join(re.findall(r"\{\{(.*?)\}\}", text, flags=re.S)) or text  # MessageFormat 2 variants
        for part in re.split(r"\{[^{}]*\}|[.:…?!()“”\"]", body):
            part = part.strip(" ,-–")
            if re.fullmatch(r"[A-Za-z][A-Za-z' ]{4,}", part) and (" " in part or len(part) >= 7):
                phrases.add(part)
    return phrases


def _flat(tree: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


VISIBLE_TEXT = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, box = node.parentElement;
    // Icon ligatures (“more_vert”) are glyph names, not words anyone reads.
    if (!box || box.closest('.material-symbols-outlined, script, style')) continue;
    if (!box.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    parts.push(node.textContent);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
    parts.push(el.getAttribute('aria-label') || '', el.getAttribute('title') || '', el.getAttribute('placeholder') || '');
  }
  return parts.join('\\n');
}"""


def test_the_editor_shows_no_english(browser, editing):
    phrases = _english_phrases()
    assert len(phrases) > 300, "the scan must know Sveltia's English"
    editor = Editor(browser, editing, locale="en-US")  # even a browser set to English gets Vietnamese
    seen: dict[str, str] = {}

    def scan(where: str) -> None:
        editor.page.wait_for_timeout(800)
        text = editor.page.evaluate(VISIBLE_TEXT)
        for phrase in phrases:
            if re.search(rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z])", text):
                seen.setdefault(phrase, where)

    page = editor.page
    page.goto(editing.url + "admin/")
    page.get_by_role("button", name="Đăng nhập bằng mã truy cập").wait_for()
    scan("đăng nhập")
    editor.sign_in()
    scan("danh sách tin")
    for collection in ("tin-tuc", "thu-tuc", "quyet-dinh"):
        # Each form in a tab of its own (signed in already): leaving a form with unsaved items
        # is not what is being checked here.
        page.close()
        page = editor.page = editor.context.new_page()
        page.set_default_timeout(30000)
        editor.new(collection)
        scan(f"biểu mẫu {collection}")
        labels = page.locator("button[data-label^='Thêm']").evaluate_all("bs => bs.map(b => b.dataset.label)")
        for label in labels[:4]:
            page.locator("button[data-label]").filter(has_text=label).first.click()  # a list item, or a dialog
            scan(f"biểu mẫu {collection}, {label}")
            dialog = page.locator("dialog[open]")
            if dialog.count():  # “Thêm thủ tục” of a relation creates the related record in a dialog
                dialog.first.get_by_role("button", name="Hủy").click()
                expect(dialog).to_have_count(0)
        if collection == "tin-tuc":  # the file picker of the attachment just added
            page.get_by_role("button", name="Duyệt tệp").first.click()
            scan("chọn tệp đính kèm")
            page.get_by_role("dialog").get_by_role("button", name="Hủy").click()
            expect(page.locator("dialog[open]")).to_have_count(0)
    page.goto(editing.url + "admin/#/assets")
    scan("thư viện tệp")
    page.get_by_role("button", name=re.compile("tài khoản|Tài khoản|người dùng", re.I)).first.click()
    scan("trình đơn tài khoản")
    assert not seen, f"English left in the interface: {seen}"

    # The scan can fail: the same list in Sveltia's own English is caught.
    page.evaluate("""() => {
      const prefs = JSON.parse(localStorage.getItem('sveltia-cms.prefs') || '{}');
      localStorage.setItem('sveltia-cms.prefs', JSON.stringify({ ...prefs, locale: 'en-US' }));
    }""")
    page.goto(editing.url + "admin/#/collections/tin-tuc")
    page.reload()
    page.get_by_text("New", exact=True).first.wait_for()  # the “Tạo mới” button, in English
    scan("control")
    assert len(seen) >= 5, seen
    editor.context.close()
