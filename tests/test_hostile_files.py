"""Hostile or mistaken files beside the content (issue 16): only documents and images whose bytes match their
extension are published, symbolic links never reach outside content/, and links from posts obey the same rules,
so `make check` and the build accept and refuse the same things, naming the content file."""

import io
import os
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from PIL import Image

from cchc.core import layout
from cchc.core.files import attachment_problem, walk

POST = "content/news/2024/2024-03-07-tin-thu.md"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
HTML = b"<!DOCTYPE html>\n<html><body><script>fetch('/admin/')</script></body></html>\n"


def picture(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(out, kind)
    return out.getvalue()


def archive(members: dict[str, bytes], locked: bool = False) -> bytes:
    """A real ZIP; ``locked``: its entries' headers say they need a password (the stdlib cannot write one)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    data = bytearray(out.getvalue())
    if locked:  # set bit 0 ("encrypted") of the flags in every local and central header
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            start = data.find(signature)
            while start >= 0:
                data[start + offset] |= 0x1
                start = data.find(signature, start + 4)
    return bytes(data)


OFFICE = archive({"[Content_Types].xml": b"<?xml version='1.0'?><Types/>", "word/document.xml": b"<w:document/>"})
AVIF = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + bytes(64)

ALLOWED = {
    "ke-hoach.pdf": PDF,
    "don-cu.doc": OLE2,
    "don-rtf.doc": b"{\\rtf1\\ansi Don}",
    "don.docx": OFFICE,
    "bang.xls": OLE2,
    "bang.xlsx": OFFICE,
    "trinh-chieu.ppt": OLE2,
    "trinh-chieu.pptx": OFFICE,
    "van-ban.odt": OFFICE,
    "bang.ods": OFFICE,
    "trinh-chieu.odp": OFFICE,
    "van-ban.rtf": b"{\\rtf1\\ansi V\\'e0n b\\'e3n}",
    "ghi-chu.txt": "Giờ làm việc: 7:30 – 17:00, số 1 < số 2.\n".encode(),
    "danh-sach.csv": "\ufeffmã,tên\n1.004616,Cấp giấy phép hành nghề\n".encode(),
    "bo-mau.zip": archive({"mau/don.docx": OFFICE, "mau/huong-dan.pdf": PDF, "__MACOSX/._don.docx": b"\x00\x05",
                           "mau/.DS_Store": b"\x00\x00\x00\x01Bud1"}),
    "anh.jpg": picture("JPEG"),
    "anh.jpeg": picture("JPEG"),
    "anh.png": picture("PNG"),
    "anh.gif": picture("GIF"),
    "anh.webp": picture("WEBP"),
    "anh.avif": AVIF,
    "CHU-HOA.PDF": PDF,
}


@pytest.mark.parametrize("name", ALLOWED)
def test_documents_and_images_are_published(project, name):
    project.write(f"content/media/{name}", ALLOWED[name])
    assert [a.src_uri for a in project.content().assets] == [f"media/{name}"]


REFUSED = {
    # Runs on the site's origin, beside /admin/ and its token.
    "trang.html": (HTML, "tệp .html không được đăng: trình duyệt chạy được mã trong tệp này trên trang của Sở"),
    "trang.htm": (HTML, "tệp .htm không được đăng"),
    "trang.xhtml": (HTML, "tệp .xhtml không được đăng"),
    "logo.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>', "ảnh SVG không được đăng"),
    "so-do.svg": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "hãy xuất ảnh ra PNG"),
    "app.js": (b"alert(document.domain)", "tệp .js không được đăng"),
    "app.mjs": (b"export {}", "tệp .mjs không được đăng"),
    "cai-dat.exe": (b"MZ\x90\x00\x03", "tệp .exe là chương trình hoặc tập lệnh chạy được"),
    "chay.sh": (b"#!/bin/sh\nrm -rf /\n", "tệp .sh là chương trình"),
    "chay.bat": (b"@echo off\n", "tệp .bat là chương trình"),
    "index.php": (b"<?php system($_GET['c']); ?>", "tệp .php là chương trình"),
    "README": (b"plain words", "tệp không có đuôi"),
    "du-lieu.json": (b"{}", "loại tệp .json không được đăng; chỉ đăng được .pdf, .doc, .docx"),
    # Content sniffing: the extension lies.
    "evil.pdf": (HTML, "tệp đuôi .pdf nhưng nội dung là một trang HTML hoặc XML, không phải PDF"),
    "don.docx": (HTML, "nội dung là một trang HTML hoặc XML, không phải Word"),
    "bao-cao.xls": (b"<table><tr><td>Excel export</td></tr></table>", "không phải Excel 97-2003"),
    "chuong-trinh.pdf": (b"MZ\x90\x00\x03\x00", "nội dung là một chương trình Windows"),
    "anh.jpg": (picture("PNG"), "tệp đuôi .jpg nhưng nội dung là ảnh PNG, không phải ảnh JPEG"),
    "gia-mao.png": (b"just text", "tệp đuôi .png nhưng nội dung không phải ảnh PNG"),
    "rong.pdf": (b"", "tệp rỗng (0 byte)"),
    "ghi-chu.txt": ("Xin chào <script>alert(1)</script>".encode(), "tệp .txt chứa mã HTML “<script”"),
    "trang.txt": (b"\n  <!doctype html><p>x", "chứa mã HTML “<!doctype”"),
    "bang.csv": ("tên,tỉnh\n1,Hoà An\n".encode("cp1258", "ignore"), "không ở mã UTF-8 (có thể là Windows-1258 hoặc TCVN3); "
                                                         "trong Excel chọn Lưu thành “CSV UTF-8”"),
    "utf16.txt": ("<html>".encode("utf-16"), "có byte 0"),
    # A ZIP is a download, but what is inside still has to be a document.
    "bo-mau.zip": (archive({"mau/don.pdf": PDF, "mau/xem.html": HTML}),
                   "trong tệp nén, “mau/xem.html”: tệp .html không được đăng"),
    "cai-dat.zip": (archive({"setup.exe": b"MZ\x90"}), "“setup.exe”: tệp .exe là chương trình"),
    "gia.zip": (archive({"don.pdf": HTML}), "“don.pdf”: tệp đuôi .pdf nhưng nội dung là một trang HTML"),
    "khoa.zip": (archive({"don.pdf": PDF}, locked=True), "tệp nén có mật khẩu"),
    "hong.zip": (b"PK\x03\x04" + bytes(40), "tệp nén hỏng, không mở được"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_other_files_are_refused_with_file_and_reason(project, name):
    data, reason = REFUSED[name]
    project.write(f"content/media/{name}", data)
    error = project.only_error()
    assert (error.path, error.line, error.field) == (f"content/media/{name}", None, "")
    assert str(error).startswith(f"content/media/{name}: ") and reason in error.message
    assert list(walk(project.path / "content/media")) == []  # no loader ever sees it


def test_refused_wherever_files_are_published(project):
    project.post("2024-03-07-tin-thu")
    for folder in ("news/2024", "media/2024", "tthc/mau"):
        project.write(f"content/{folder}/trang.html", HTML)
    assert sorted(e.path for e in project.errors()) == [
        "content/media/2024/trang.html", "content/news/2024/trang.html", "content/tthc/mau/trang.html"]


def test_refused_files_are_listed_even_when_a_loader_stops_early(project):
    project.write("content/categories.yml", "categories: [")
    project.write("content/media/trang.html", HTML)
    assert {e.path for e in project.errors()} == {"content/categories.yml", "content/media/trang.html"}


def test_editor_litter_stays_silently_unpublished(project):
    project.write("content/media/.DS_Store", b"\x00\x00\x00\x01Bud1")
    project.write("content/media/~$don.docx", b"owner file of an open Word document")
    project.write("content/news/2024/.git/hooks/post-checkout", b"#!/bin/sh\n")
    project.write("content/media/ke-hoach.pdf", PDF)
    assert [a.src_uri for a in project.content().assets] == ["media/ke-hoach.pdf"]


# -- Symbolic links --------------------------------------------------------------------------------------------

@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the project, with a secret and a document in it."""
    folder = tmp_path / "ngoai"
    folder.mkdir()
    (folder / "mat-khau.txt").write_text("root:x:0:0\n", encoding="utf-8")
    (folder / "ke-hoach.pdf").write_bytes(PDF)
    return folder


def link(project, relative: str, target: str | Path) -> Path:
    path = project.path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return path


def test_links_out_of_content_are_refused_naming_the_link_and_its_target(project, outside):
    link(project, "content/media/mat-khau.txt", outside / "mat-khau.txt")
    link(project, "content/media/ke-hoach.pdf", "../../../ngoai/ke-hoach.pdf")  # relative, and a valid PDF
    link(project, "content/news/2024/ngoai", outside)  # a folder: never walked into
    link(project, "content/media/cau-hinh.pdf", "../../mkdocs.yml")  # the project's own files are outside too
    errors = {e.path: e.message for e in project.errors()}
    assert set(errors) == {"content/media/mat-khau.txt", "content/media/ke-hoach.pdf", "content/news/2024/ngoai",
                           "content/media/cau-hinh.pdf"}
    assert f"liên kết tượng trưng tới “{outside / 'mat-khau.txt'}”, ra ngoài thư mục content/" in \
        errors["content/media/mat-khau.txt"]
    assert "“../../../ngoai/ke-hoach.pdf”, ra ngoài thư mục content/" in errors["content/media/ke-hoach.pdf"]
    assert f"“{outside}”" in errors["content/news/2024/ngoai"]
    assert list(walk(project.path / "content/news")) == list(walk(project.path / "content/media")) == []


def test_a_published_folder_that_is_a_link_out_is_refused(project, outside):
    link(project, "content/media", outside)
    error = project.only_error()
    assert error.path == "content/media" and "ra ngoài thư mục content/" in error.message


def test_links_inside_content_are_published_at_the_links_address(project):
    project.write("content/media/2024/ke-hoach.pdf", PDF)
    link(project, "content/news/2024/ke-hoach.pdf", "../../media/2024/ke-hoach.pdf")
    link(project, "content/media/moi-nhat", "2024")
    assert sorted(a.src_uri for a in project.content().assets) == [
        "media/2024/ke-hoach.pdf", "media/moi-nhat/ke-hoach.pdf", "tin-tuc/2024/ke-hoach.pdf"]


def test_a_link_inside_is_judged_by_what_it_points_to(project):
    link(project, "content/media/danh-muc.pdf", "../categories.yml")
    error = project.only_error()
    assert error.path == "content/media/danh-muc.pdf" and "nội dung không phải PDF" in error.message


def test_broken_and_looping_links_are_reported(project):
    project.write("content/media/ke-hoach.pdf", PDF)
    link(project, "content/media/mat.pdf", "khong-co.pdf")
    link(project, "content/media/vong", ".")
    link(project, "content/media/a.pdf", "b.pdf")
    link(project, "content/media/b.pdf", "a.pdf")
    errors = {e.path: e.message for e in project.errors()}
    assert "liên kết tượng trưng hỏng: “khong-co.pdf” không tồn tại" in errors.pop("content/media/mat.pdf")
    assert "vòng lặp" in errors.pop("content/media/vong")
    assert "vòng lặp" in errors.pop("content/media/a.pdf") and "vòng lặp" in errors.pop("content/media/b.pdf")
    assert errors == {}


# -- Records where no loader reads them ------------------------------------------------------------------------

def test_a_record_in_a_subfolder_is_reported_once_by_its_loader_and_never_published(project):
    project.write("content/tthc/mau/1.004616.yml", "name: Thủ tục đặt nhầm chỗ\n")
    project.write("content/tthc/quyet-dinh/2024/qd-1.yml", "number: 1/QĐ-UBND\n")
    project.write("content/news/2024/ghi-chu.yml", "a: 1\n")  # not a record here: an attachment of a refused type
    errors = sorted((e.path, e.message) for e in project.errors())
    assert [path for path, _ in errors] == [
        "content/news/2024/ghi-chu.yml", "content/tthc/mau/1.004616.yml", "content/tthc/quyet-dinh/2024/qd-1.yml"]
    assert "loại tệp .yml không được đăng" in errors[0][1]
    assert "hồ sơ thủ tục phải nằm ngay trong" in errors[1][1] and "quyết định phải nằm ngay trong" in errors[2][1]


# -- Links from posts: the same rules as publishing --------------------------------------------------------------

@pytest.mark.parametrize("target, reason", [
    ("../../categories.yml", "chỉ tệp trong content/news/, content/media/, content/tthc/ được đăng"),
    ("../../../mkdocs.yml", "tệp nằm ngoài thư mục content/"),
    ("../" * 30 + "etc/passwd", "tệp nằm ngoài thư mục content/"),
    ("../../media/.ban-nhap.pdf", "là tệp ẩn"),
])
def test_a_post_may_not_link_to_a_file_the_site_does_not_publish(project, target, reason):
    project.write("content/media/.ban-nhap.pdf", PDF)
    project.post("2024-03-07-tin-thu", body=f"Xem [tệp]({target}).\n")
    error = project.only_error()
    assert (error.path, error.line, error.field) == (POST, 8, "liên kết")
    assert f"tệp “{target}” không được đăng lên trang nên liên kết sẽ hỏng: {reason}" in error.message


def test_a_link_from_the_domains_root_is_refused_as_the_strict_build_would(project):
    project.post("2024-03-07-tin-thu", body="Xem [thủ tục](/tthc/) và [Cổng](//dichvucong.gov.vn/).\n")
    error = project.only_error()
    assert (error.path, error.line, error.field) == (POST, 8, "liên kết")
    assert error.message.startswith("liên kết “/tthc/” bắt đầu bằng “/” sẽ hỏng")


def test_a_link_to_a_record_is_not_an_attachment(project):
    project.write("content/tthc/mau/don.docx", OFFICE)
    project.procedure()
    project.post("2024-03-07-tin-thu", body="Xem [hồ sơ](../../tthc/1.004616.yml).\n")
    error = project.only_error()
    assert (error.path, error.line) == (POST, 8) and "là tệp nội dung (tin bài, hồ sơ)" in error.message


def test_a_link_to_a_refused_file_names_both_files(project, outside):
    project.write("content/news/2024/trang.html", HTML)
    link(project, "content/news/2024/mat-khau.pdf", outside / "ke-hoach.pdf")
    project.post("2024-03-07-tin-thu", body="Xem [trang](trang.html), [tệp](mat-khau.pdf).\n")
    errors = {(e.path, e.line): e.message for e in project.errors()}
    assert set(errors) == {("content/news/2024/trang.html", None), ("content/news/2024/mat-khau.pdf", None),
                           (POST, 8)}
    assert "ra ngoài thư mục content/" in errors[("content/news/2024/mat-khau.pdf", None)]
    messages = [e.message for e in project.errors() if e.path == POST]
    assert any("“trang.html”" in m and "tệp .html không được đăng" in m for m in messages)
    assert any("“mat-khau.pdf”" in m and "ra ngoài thư mục content/" in m for m in messages)


def test_a_link_through_the_content_folders_name_is_rewritten_to_the_sites(project):
    project.write("content/news/2024/ke-hoach.pdf", PDF)
    project.write("content/media/mau don.docx", OFFICE)
    project.post("2024-03-07-tin-thu", body="[a](../../news/2024/ke-hoach.pdf) [b](<../../media/mau don.docx>) "
                                            "[c](ke-hoach.pdf#trang=2)\n")
    (post,) = project.content().news.posts
    # news/ is tin-tuc/ on the site: rewritten; media/ is media/: left as the editor wrote it.
    assert post.body.strip() == "[a](ke-hoach.pdf) [b](<../../media/mau don.docx>) [c](ke-hoach.pdf#trang=2)"


def test_attachment_problem_follows_links_as_walk_does(project, outside):
    content = project.path / "content"
    project.write("content/media/2024/ke-hoach.pdf", PDF)
    link(project, "content/media/ngoai", outside)
    link(project, "content/media/moi", "2024")
    link(project, "content/media/2024/len", "..")  # walk refuses the second pass through it
    assert attachment_problem(content, Path("media/moi/ke-hoach.pdf")) is None
    assert "ra ngoài thư mục content/" in attachment_problem(content, Path("media/ngoai/ke-hoach.pdf"))
    assert "vòng lặp" in attachment_problem(content, Path("media/2024/len/2024/ke-hoach.pdf"))
    assert attachment_problem(content, Path("media/khong-co.pdf")) == "không tìm thấy tệp"
    published = {p.relative_to(content).as_posix() for p, _ in walk(content / "media")}
    assert "media/2024/len/2024/ke-hoach.pdf" not in published and "media/moi/ke-hoach.pdf" in published


# -- The demo, and real builds ---------------------------------------------------------------------------------

def test_every_demo_attachment_is_accepted(demo_content):
    content = ROOT / layout.CONTENT
    on_disk = {Path(folder, name) for top in layout.PUBLISHED for folder, _, names in os.walk(content / top)
               for name in names if not name.endswith((".md", ".yml"))}
    assert len(on_disk) >= 10  # form templates, photos, a decision's PDF
    assert on_disk == {asset.abs_path for asset in demo_content.assets}


@pytest.mark.build
def test_check_and_build_refuse_alike_and_name_the_content_file(project, outside):
    project.post("2024-03-07-tin-thu", body="Xem [danh mục](../../categories.yml).\n")
    project.write("content/media/evil.pdf", HTML)
    link(project, "content/media/mat-khau.txt", outside / "mat-khau.txt")
    expected = [f"{POST}:8: liên kết: tệp “../../categories.yml” không được đăng",
                "content/media/evil.pdf: tệp đuôi .pdf nhưng nội dung là một trang HTML",
                "content/media/mat-khau.txt: liên kết tượng trưng tới"]
    check = project.check()
    assert check.returncode == 1 and all(line in check.stderr for line in expected), check.stderr
    build = project.build(site="out")
    assert build.returncode != 0 and all(line in build.stderr for line in expected), build.stderr
    assert "tin-tuc/2024/tin-thu.md" not in build.stderr  # MkDocs' virtual page is never what the editor is told
    assert not (project.path / "out").exists()


@pytest.mark.build
def test_build_publishes_allowed_files_and_links_inside(project):
    project.write("content/news/2024/ke-hoach.pdf", PDF)
    project.write("content/media/bo-mau.zip", ALLOWED["bo-mau.zip"])
    link(project, "content/media/ke-hoach.pdf", "../news/2024/ke-hoach.pdf")
    project.post("2024-03-07-tin-thu", body="[a](../../news/2024/ke-hoach.pdf) [b](../../media/bo-mau.zip) "
                                            "[c](//dichvucong.gov.vn/)\n")
    result = project.build()
    assert result.returncode == 0, result.stderr
    site = project.path / "site"
    assert (site / "media/ke-hoach.pdf").read_bytes() == (site / "tin-tuc/2024/ke-hoach.pdf").read_bytes() == PDF
    assert (site / "media/bo-mau.zip").read_bytes() == ALLOWED["bo-mau.zip"]
    page = (site / "tin-tuc/2024/tin-thu/index.html").read_text(encoding="utf-8")
    assert 'href="../ke-hoach.pdf"' in page and 'href="../../../media/bo-mau.zip"' in page
    assert 'href="//dichvucong.gov.vn/"' in page


def test_a_broken_anchor_in_a_post_names_the_content_file(project):
    """MkDocs checks anchors on its virtual page (tin-tuc/2024/…md); the editor is told her own file."""
    project.post("2024-03-07-tin-thu", body="Xem [mục dưới](#khong-co-muc-nay).\n")
    result = project.build()
    assert result.returncode != 0
    assert "content/news/2024/2024-03-07-tin-thu.md" in result.stderr and "khong-co-muc-nay" in result.stderr
    assert "'tin-tuc/2024/" not in result.stderr
