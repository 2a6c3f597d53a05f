"""`make serve` (mkdocs serve --dirty): a save rewrites only what it changes, and what it writes is what a full
build writes; templates rebuild everything; a content error is a page, not a hang (cchc/site/preview.py)."""

from __future__ import annotations

import re
import shutil
from html import escape

import pytest
from conftest import ROOT, Project
from serving import Serving, differences, tree

from cchc.results import words

pytestmark = pytest.mark.build

CATEGORY = "chuyen-doi-so"
LISTING = f"chuyen-muc/{CATEGORY}/"


@pytest.fixture
def demo(tmp_path) -> Project:
    """The demo site plus 24 posts of one category, so its listing and the news index run to several pages."""
    project = Project(tmp_path / "site-src", with_demo_content=True)
    for day in range(1, 25):
        project.post(f"2025-10-{day:02d}-tin-so-{day}", title=f"Tin chuyển đổi số thứ {day}", category=CATEGORY,
                     date=f"2025-10-{day:02d} 08:00", body=f"Nội dung tin thứ {day}.\n\n## Phần một\n\nChữ.\n")
    return project


def _retitle(path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def test_saves_rewrite_what_they_change_and_it_is_what_a_full_build_writes(demo):
    serving = Serving(demo.path).started()
    try:
        # A post on page 2 of its category (10 a page, newest first).
        target = demo.content(preview=True).news.by_category[CATEGORY][13]
        post, old_title = target.abs_path, target.title
        serving.wait_text(f"{LISTING}trang/2/", old_title)
        serving.save(post, _retitle(post, old_title, "Tin đã sửa ở trang hai"))
        serving.wait_text(target.url, "Tin đã sửa ở trang hai")
        page_two = serving.wait_text(f"{LISTING}trang/2/", "Tin đã sửa ở trang hai")
        assert old_title not in page_two
        # Its own page, its neighbours (newer, older), the category's pages it is on, the news index,
        # the year archive, its card: a handful, not the site.
        written = serving.builds()[-1]
        assert written != "dựng lại toàn bộ" and int(re.match(r"dựng lại (\d+) trang", written)[1]) < 25, written

        # A new post moves every later post one place down its listings.
        demo.post("2025-10-30-tin-moi-nhat", title="Tin mới nhất của chuyên mục", category=CATEGORY)
        serving.wait_text("tin-tuc/2025/tin-moi-nhat/", "Tin mới nhất của chuyên mục")
        serving.wait_text(LISTING, "Tin mới nhất của chuyên mục")

        # A deleted post is gone: its page, its card, and every listing that showed it.
        gone = demo.path / "content/news/2025/2025-10-05-tin-so-5.md"
        serving.remove(gone)
        serving.wait_for("tin-tuc/2025/tin-so-5/", lambda status, text: status == 404)
        assert not (serving.site() / "tin-tuc/2025/tin-so-5").exists()
        for page in (LISTING, f"{LISTING}trang/2/", f"{LISTING}trang/3/", "tin-tuc/2025/"):
            assert "Tin chuyển đổi số thứ 5<" not in serving.get(page)[1], page

        # A procedure and a decision: their pages, and the lists, changelog, open data and feeds showing them.
        catalogue = demo.content(preview=True).tthc
        procedure = next(p for p in catalogue.procedures if p.replaces)  # the pages it replaces name it
        serving.save(procedure.abs_path, _retitle(procedure.abs_path, f'name: "{procedure.name}"',
                                                  'name: "Thủ tục đã đổi tên khi xem thử"'))
        serving.wait_text(procedure.url, "Thủ tục đã đổi tên khi xem thử")
        serving.wait_text(procedure.replaces[0].url, "Thủ tục đã đổi tên khi xem thử")
        serving.wait_text("tthc/", "Thủ tục đã đổi tên khi xem thử")
        decision = procedure.history[-1].decision
        serving.save(decision.abs_path, _retitle(decision.abs_path, f'title: "{decision.title}"',
                                                 'title: "Quyết định đã sửa trích yếu"'))
        serving.wait_text(decision.url, "Quyết định đã sửa trích yếu")
        assert "Thủ tục đã đổi tên khi xem thử" in (serving.site() / "tthc/tthc.json").read_text(encoding="utf-8")

        # A month of results: its pages, charts, open data and feed, and the figures the home page and /tthc/ quote.
        results = demo.content(preview=True).results
        latest = results.latest
        text = latest.path.read_text(encoding="utf-8")
        first = latest.by_field[0].counts  # online and direct swapped: the same balance, another online rate
        swapped = text.replace(f"received_online: {first.received_online}\n    received_direct: {first.received_direct}",
                               f"received_online: {first.received_direct}\n    received_direct: {first.received_online}", 1)
        assert swapped != text
        serving.save(latest.path, swapped)
        online = demo.content(preview=True).results.latest.total.online_rate
        assert online != latest.total.online_rate
        shown = f"{words.percent(online)} nộp trực tuyến"
        serving.wait_text("tthc/ket-qua/", shown)
        serving.wait_text("", shown)
        serving.wait_text("tthc/", shown)

        serving.wait_search_index()
        after_saves = demo.path / "after-saves"
        shutil.copytree(serving.site(), after_saves)
        port = serving.port
    finally:
        serving.stop()

    # The same content built at once by a new preview on the same address (the pages say their URL).
    fresh = Serving(demo.path, port=port, name="b").started()
    try:
        full = tree(fresh.site())
    finally:
        fresh.stop()
    incremental = tree(after_saves)
    assert len(full) > 300 and any(name.startswith("pagefind/") for name in full)
    assert differences(full, incremental) == []  # every page, card, feed, open data file and the search index


def test_a_template_change_rebuilds_every_page(demo):
    serving = Serving(demo.path).started()
    try:
        untouched = "tin-tuc/2025/tin-so-3/"
        assert "cchc-mau-moi" not in serving.wait_text(untouched, "Tin chuyển đổi số thứ 3")
        template = demo.path / "overrides/main.html"
        text = template.read_text(encoding="utf-8")
        assert "{% block announce %}" in text
        serving.save(template, text.replace("{% block announce %}", "{% block announce %}<!-- cchc-mau-moi -->", 1))
        assert serving.builds()[-1] == "dựng lại toàn bộ"
        procedure = demo.content(preview=True).tthc.procedures[0].url
        for page in (untouched, "", LISTING, procedure, "tthc/"):
            assert "cchc-mau-moi" in serving.get(page)[1], page
    finally:
        serving.stop()


def _check_lines(project: Project) -> list[str]:
    """The errors `make check` prints, one a line, without its heading."""
    result = project.check()
    assert result.returncode == 1
    return [line.strip() for line in result.stderr.splitlines()[1:] if line.strip()]


def test_a_content_error_is_a_page_listing_it_until_it_is_fixed(demo):
    serving = Serving(demo.path).started()
    try:
        post = demo.path / "content/news/2025/2025-10-07-tin-so-7.md"
        good = post.read_text(encoding="utf-8")
        serving.save(post, good.replace(f"category: {CATEGORY}", 'category: "<b>khong-co</b>"').replace(
            "date: 2025-10-07 08:00", "date: 2025-13-07 08:00"))
        lines = _check_lines(demo)
        assert len(lines) == 2 and any("<b>khong-co</b>" in line for line in lines)
        for page in ("", "tin-tuc/2025/tin-so-7/", "tthc/", "khong-co-trang-nay/"):
            text = serving.wait_text(page, "Nội dung có lỗi")
            for line in lines:
                assert f"<code>{escape(line)}</code>" in text, (page, line)
            assert "<b>khong-co</b>" not in text  # escaped, never markup
        # The web editor still opens, to fix the error with; styles and scripts still load.
        assert "Nội dung có lỗi" not in serving.get("admin/")[1]
        assert serving.get("assets/css/site.css")[0] == 200
        assert "Bản xem thử dừng ở lỗi" in serving.log() and "2025-13-07" in serving.log()
        # make build keeps failing, and publishes nothing.
        built = demo.build(site="published")
        assert built.returncode != 0 and not (demo.path / "published/index.html").exists()

        serving.save(post, good)
        serving.wait_text("tin-tuc/2025/tin-so-7/", "Tin chuyển đổi số thứ 7")
        assert "Nội dung có lỗi" not in serving.get("")[1]
    finally:
        serving.stop()


def test_a_preview_started_with_an_error_shows_it_then_the_site(project):
    post = project.post("2024-03-07-tin-loi", title="Tin có lỗi", date="2024-02-30 08:00")
    serving = Serving(project.path).started()
    try:
        lines = _check_lines(project)
        text = serving.wait_text("", "Nội dung có lỗi")
        assert all(f"<code>{escape(line)}</code>" in text for line in lines)
        before = len(serving.builds())
        post.write_text(post.read_text(encoding="utf-8").replace("2024-02-30", "2024-02-29"), encoding="utf-8")
        serving.wait_builds(before + 1)
        serving.wait_text("tin-tuc/2024/tin-loi/", "Tin có lỗi")
    finally:
        serving.stop()


def test_a_change_to_the_hooks_restarts_the_preview(demo):
    serving = Serving(demo.path).started()
    try:
        hook = demo.path / "hooks/late_writes.py"
        hook.write_text(hook.read_text(encoding="utf-8") + "\n# sửa thử\n", encoding="utf-8")
        serving.wait_for("", lambda status, text: "khởi động lại bản xem thử" in serving.log()
                         and serving.log().count("dựng lại toàn bộ") >= 2 and status == 200)
        assert serving.process.poll() is None  # the same process, running the new code
    finally:
        serving.stop()


def test_make_serve_runs_the_preview_that_keeps_its_site_folder():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^serve:.*\n\t.*mkdocs serve --dirty ", makefile, re.M)
