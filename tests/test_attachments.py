"""A post's ``attachments``: the web form's field, what `make check` says of each file, and the list on the page.

The files are judged by the rules links in the body follow (cchc.news.links, cchc.core.files), so what
the form lets an editor pick, what `make check` accepts and what the build publishes are the same files.
"""

from __future__ import annotations

from datetime import datetime

import lxml.html
import pytest
from conftest import NOW, ROOT

from cchc.core import gitdates
from cchc.core.dates import VN_TZ, parse_datetime
from cchc.core.errors import ContentErrors
from cchc.core.memo import FileMemo
from cchc.core.schema import load_schema
from cchc.core.settings import Settings
from cchc.core.text import format_size
from cchc.editor.cms import cms_config
from cchc.site.content import load_content
from cchc.site.sitemap import LastChanged

FILE = "content/news/2024/2024-03-07-tin-thu.md"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
DOCX = b"PK\x03\x04" + bytes(60)  # the head of a ZIP archive, as a .docx is
HTML = b"<!DOCTYPE html>\n<html><body><script>fetch('/admin/')</script></body></html>\n"


def attachments(*items: tuple[str, str | None]) -> str:
    """The front matter lines of ``attachments:`` (from line 6 of Project.post's file: the field, then each item)."""
    lines = ["attachments:"]
    for file, title in items:
        lines.append(f"  - file: {file}")
        if title is not None:
            lines.append(f'    title: "{title}"')
    return "\n".join(lines) + "\n"


# -- The web form ------------------------------------------------------------------------------------------

def test_the_form_has_a_file_picker_per_attachment_labelled_from_the_schema(demo_content):
    config = cms_config(demo_content.settings, demo_content.news.categories, demo_content.tthc.fields)
    news = config["collections"][0]
    field = next(f for f in news["fields"] if f["name"] == "attachments")
    prop = load_schema("post")["properties"]["attachments"]
    assert (field["widget"], field["required"], field["label"], field["hint"]) == (
        "list", False, prop["title"], prop["description"])
    assert field["label_singular"] == "tệp đính kèm"  # “Thêm tệp đính kèm”
    file, title = field["fields"]
    items = prop["items"]["properties"]
    assert (file["name"], file["widget"], file["choose_url"]) == ("file", "file", False)
    assert "required" not in file and file["hint"] == items["file"]["description"]
    assert (title["name"], title["required"], title["hint"]) == ("title", False, items["title"]["description"])
    # Uploads land beside the post, where a bare file name in the field finds them.
    assert news["media_folder"] == "" and news["public_folder"] == ""


def test_the_schema_speaks_vietnamese_and_refuses_unknown_keys():
    prop = load_schema("post")["properties"]["attachments"]
    item = prop["items"]
    assert item["additionalProperties"] is False and item["required"] == ["file"]
    assert item["properties"]["file"]["x-cms-widget"] == "file"
    for node in (prop, item["properties"]["file"], item["properties"]["title"]):
        assert node["title"] and node["description"] and any(c in node["description"] for c in "ăâđêôơư")


# -- make check --------------------------------------------------------------------------------------------

def test_a_listed_file_is_loaded_with_its_title_type_and_size(project):
    project.write("content/news/2024/ke-hoach-12.pdf", PDF)
    project.write("content/media/mau-don.docx", DOCX)
    project.post("2024-03-07-tin-thu", extra=attachments(("ke-hoach-12.pdf", "Kế hoạch số 12"),
                                                        ("../../media/mau-don.docx", None)))
    (post,) = project.content().news.posts
    plan, form = post.attachments
    assert (plan.title, plan.url, plan.details, plan.download) == (
        "Kế hoạch số 12", "tin-tuc/2024/ke-hoach-12.pdf", f"PDF, {len(PDF)}\u00a0byte", False)
    assert (form.title, form.url, form.kind, form.download) == ("mau-don", "media/mau-don.docx", "Word", True)
    assert form.source == "content/media/mau-don.docx"


def test_a_missing_file_names_the_field_and_its_line(project):
    project.post("2024-03-07-tin-thu", extra=attachments(("ke-hoach-12.pdf", "Kế hoạch số 12")))
    error = project.only_error()
    # The first entry: numbered from 1, as every list in every message (questions[1].answer…).
    assert (error.path, error.line, error.field) == (FILE, 7, "attachments[1].file")
    assert "không tìm thấy tệp “ke-hoach-12.pdf”" in error.message
    assert str(error).startswith(f"{FILE}:7: attachments[1].file: ")


def test_a_file_in_the_media_folder_named_from_the_wrong_place_is_pointed_at(project):
    project.write("content/media/ke-hoach.pdf", PDF)
    project.post("2024-03-07-tin-thu", extra=attachments(("ke-hoach.pdf", None)))
    message = project.only_error().message
    assert "tệp có trong content/media/ke-hoach.pdf" in message and "“../../media/ke-hoach.pdf”" in message


def test_the_web_editors_media_path_is_the_media_folder(project):
    """Sveltia writes a file of its global media folder as /media/<name> (its public_folder)."""
    project.write("content/media/ke-hoach.pdf", PDF)
    project.post("2024-03-07-tin-thu", extra=attachments(("/media/ke-hoach.pdf", None)))
    assert project.content().news.posts[0].attachments[0].url == "media/ke-hoach.pdf"
    project.post("2024-03-07-tin-thu", extra=attachments(("/tin-tuc/2024/ke-hoach.pdf", None)))
    message = project.only_error().message
    assert "bắt đầu bằng “/”" in message and "“../../media/ke-hoach.pdf”" in message


@pytest.mark.parametrize("name, content, words", [
    ("trinh-duyet.html", HTML, "tệp .html không được đăng"),
    ("cai-dat.exe", b"MZ\x90\x00", "tệp .exe là chương trình"),
    ("so-do.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "ảnh SVG không được đăng"),
    ("ke-hoach.pdf", HTML, "tệp đuôi .pdf nhưng nội dung là một trang HTML hoặc XML, không phải PDF"),
    ("ke-hoach-scan.pdf", "Bản quét kế hoạch".encode(), "tệp đuôi .pdf nhưng nội dung không phải PDF"),
    ("mau-don.docx", PDF, "nội dung là PDF, không phải Word"),
])
def test_a_file_the_site_would_not_publish_is_refused_at_the_field(project, name, content, words):
    project.write(f"content/news/2024/{name}", content)
    project.post("2024-03-07-tin-thu", extra=attachments((name, "Tệp")))
    errors = {e.path: e for e in project.errors()}
    error = errors[FILE]
    assert (error.line, error.field) == (7, "attachments[1].file")
    assert f"tệp “{name}” không được đăng lên trang" in error.message and words in error.message
    # …and the file itself is reported where it lies, as any refused file beside a post is.
    assert words in errors[f"content/news/2024/{name}"].message


def test_a_path_with_spaces_is_refused_with_a_name_to_use(project):
    project.write("content/news/2024/Kế hoạch số 12.pdf", PDF)
    project.post("2024-03-07-tin-thu", extra=attachments(("Kế hoạch số 12.pdf", None)))
    error = project.only_error()
    assert (error.line, error.field) == (7, "attachments[1].file")
    assert "“Kế hoạch số 12.pdf” có dấu cách" in error.message and "“ke-hoach-so-12.pdf”" in error.message
    assert "đổi tên tệp" in error.message
    # Renamed on disk, the field not yet: told to write the name that is there.
    (project.path / "content/news/2024/Kế hoạch số 12.pdf").rename(project.path / "content/news/2024/ke-hoach-so-12.pdf")
    message = project.only_error().message
    assert "tệp “ke-hoach-so-12.pdf” đã có, hãy viết “ke-hoach-so-12.pdf”" in message


def test_every_mistake_in_the_list_in_one_round(project):
    project.write("content/news/2024/ke-hoach.pdf", HTML)
    project.write("content/news/2024/mau.docx", DOCX)
    project.post("2024-03-07-tin-thu", category="khong-co", extra=attachments(
        ("khong-co.pdf", None), ("ke-hoach.pdf", None), ("mau.docx", "\u200b"), ("mau.docx", None),
        ("ke hoach.pdf", None), ("https://x.vn/a.pdf", None)))
    errors = [e for e in project.errors() if e.path == FILE]
    assert [(e.field, e.line) for e in errors] == [
        ("category", 4),
        ("attachments[1].file", 7), ("attachments[2].file", 8), ("attachments[3].title", 10),
        ("attachments[4].file", 11), ("attachments[5].file", 12), ("attachments[6].file", 13)]
    assert "đã có ở mục 3" in errors[4].message
    assert "không đúng định dạng" in errors[6].message  # a web address is no file: the schema's own message


def test_an_unknown_key_in_an_entry_is_caught_with_a_suggestion(project):
    project.write("content/news/2024/a.pdf", PDF)
    project.post("2024-03-07-tin-thu", extra="attachments:\n  - file: a.pdf\n    tittle: Kế hoạch\n")
    error = project.only_error()
    assert error.field == "attachments[1].tittle" and "“title”" in error.message


def test_an_empty_list_is_no_list(project):
    project.post("2024-03-07-tin-thu", extra="attachments: []\n")
    assert project.content().news.posts[0].attachments == []


# -- The page ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size, text", [
    (0, "0 byte"), (999, "999 byte"), (1000, "1 KB"), (1300, "1,3 KB"), (358_400, "350 KB"),
    (1_258_291, "1,2 MB"), (1_048_000, "1 MB"), (15 * 1024 * 1024, "15 MB"),
])
def test_sizes_are_written_the_vietnamese_way(size, text):
    assert format_size(size) == text.replace(" ", "\u00a0")


@pytest.mark.build
def test_the_post_page_lists_each_file_and_the_files_are_published(project):
    project.write("content/news/2024/ke-hoach-12.pdf", PDF + bytes(1_258_291 - len(PDF)))
    project.write("content/media/mau-don.docx", DOCX)
    project.post("2024-03-07-tin-thu", extra=attachments(("ke-hoach-12.pdf", "Kế hoạch số 12"),
                                                        ("../../media/mau-don.docx", None)))
    result = project.build()
    assert result.returncode == 0, result.stderr
    site = project.path / "site"
    assert (site / "tin-tuc/2024/ke-hoach-12.pdf").stat().st_size == 1_258_291
    assert (site / "media/mau-don.docx").read_bytes() == DOCX
    page = lxml.html.fromstring((site / "tin-tuc/2024/tin-thu/index.html").read_bytes())
    (section,) = page.xpath("//section[@class='cchc-attachments']")
    assert section.get("aria-labelledby") == section.find("h2").get("id")
    assert section.find("h2").text_content() == "Tệp đính kèm"
    links = section.xpath("ul/li/a")
    assert [a.text_content() for a in links] == ["Kế hoạch số 12 (PDF, 1,2\u00a0MB)", "mau-don (Word, 64\u00a0byte)"]
    assert [a.get("href") for a in links] == ["../ke-hoach-12.pdf", "../../../media/mau-don.docx"]
    # A PDF opens in the phone's viewer; a form to fill in is saved.
    assert [a.get("download") for a in links] == [None, ""]
    # After the body, before sharing; and out of the search index, as the body's links are.
    html = (site / "tin-tuc/2024/tin-thu/index.html").read_text(encoding="utf-8")
    assert html.index("Nội dung tin bài.") < html.index("cchc-attachments") < html.index("cchc-share")
    assert not section.xpath("ancestor::*[@data-pagefind-body]")
    # A post without attachments has no empty section.
    project.post("2024-03-08-tin-khac")
    assert project.build().returncode == 0
    assert "cchc-attachments" not in (site / "tin-tuc/2024/tin-khac/index.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_a_hostile_title_and_file_name_are_escaped(project):
    name = "a&b'x.pdf"
    project.write(f"content/news/2024/{name}", PDF)
    project.post("2024-03-07-tin-thu", extra=(
        f"attachments:\n  - file: \"{name}\"\n"
        "    title: '\"><script>alert(1)</script><img src=x onerror=alert(2)>'\n"))
    result = project.build()
    assert result.returncode == 0, result.stderr
    html = (project.path / "site/tin-tuc/2024/tin-thu/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    (link,) = lxml.html.fromstring(html).xpath("//section[@class='cchc-attachments']//a")
    assert link.get("href") == "../a%26b%27x.pdf" and not link.xpath(".//script | .//img")
    assert (project.path / "site/tin-tuc/2024" / name).read_bytes() == PDF


# -- Where else a post's files count --------------------------------------------------------------------------

def test_a_new_version_of_a_file_dates_the_page_in_the_sitemap(project):
    project.write("content/news/2024/ke-hoach.pdf", PDF)
    project.post("2024-03-07-tin-thu", extra=attachments(("ke-hoach.pdf", None)))
    content = project.content()
    (post,) = content.news.posts
    early, later = datetime(2024, 3, 7, 9, tzinfo=VN_TZ), datetime(2024, 6, 1, 10, tzinfo=VN_TZ)
    dates = gitdates.FileDates(changed={FILE: early, "content/news/2024/ke-hoach.pdf": later})
    assert LastChanged(content, "docs", dates).of(post.src_uri) == later
    # Not committed yet: the page's date is not known (the build's date stands), as for the post's own file.
    assert LastChanged(content, "docs", gitdates.FileDates(changed={FILE: early})).of(post.src_uri) is None


def test_a_preview_reads_the_post_again_when_a_file_it_lists_changes(project):
    """`make serve` keeps unchanged posts between builds (cchc.core.memo): a listed file is part of its post."""
    pdf = project.write("content/news/2024/ke-hoach.pdf", PDF)
    project.post("2024-03-07-tin-thu", extra=attachments(("ke-hoach.pdf", None), ("mau.docx", None)))
    settings, now, memo = Settings.from_project(project.path), parse_datetime(NOW), FileMemo()

    def load():
        return load_content(settings, now, preview=True, memo=memo)

    with pytest.raises(ContentErrors, match="mau.docx"):
        load()
    project.write("content/news/2024/mau.docx", DOCX)  # the missing file appears: the error goes
    assert load().news.posts[0].attachments[0].size == len(PDF)
    pdf.write_bytes(PDF * 3)  # a new version of the plan: the page shows its new size
    assert load().news.posts[0].attachments[0].size == 3 * len(PDF)


def test_the_demo_has_a_post_with_an_attachment(demo_content):
    listed = [(p, a) for p in demo_content.news.posts for a in p.attachments]
    assert listed and all((ROOT / a.source).is_file() for _, a in listed)
    post, plan = listed[0]
    assert plan.kind == "PDF" and (ROOT / plan.source).read_bytes().startswith(b"%PDF-")
    assert any(c in plan.title for c in "ếạố")


@pytest.mark.browser
def test_the_list_fits_a_phone_and_each_link_is_a_tap_target(browser, server, demo_content):
    post = next(p for p in demo_content.news.posts if p.attachments)
    page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    assert page.goto(server + post.url).status == 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    link = page.get_by_role("link", name=f"{post.attachments[0].title} (PDF,")
    box = link.bounding_box()
    assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 360
    response = page.request.get(link.evaluate("a => a.href"))
    assert response.status == 200 and response.body().startswith(b"%PDF-")
    page.close()
