import json
import re
import subprocess

import pytest

from cchc.core.layout import NODE_MODULES
from cchc.render.search_index import LiveIndex, SearchIndexError, code_variants, index_document

PAGE = ('<!doctype html><html lang="vi" class="no-js"><head><meta charset="utf-8"><title>Trang – Sở</title>'
        '<script>var a = "<div data-pagefind-ignore>";</script></head><body>'
        '<p>Đường dây nóng</p><div class="x" data-pagefind-body data-pagefind-sort="ngay:1">'
        '<div hidden data-pagefind-ignore><span data-pagefind-filter="loai">Tin tức</span></div>'
        '<h1 id="a" title="a > b">Đăng ký khai sinh</h1><div data-pagefind-ignore><p>Điều dưỡng</p>'
        '<div><img src="b.png"><p>Đào tạo</p></div></div>'
        '<img src="a.png"><br/><!-- Đây là ghi chú --><p>đăng ký lại, địa chỉ &amp; Đ</p></div>'
        '<footer>Đơn vị</footer></body></html>')


def test_code_variants():
    assert code_variants("1.004616.000.00.00.H41") == "1.004616.000.00.00.H41 1.004616 004616 1004616"
    assert code_variants("1.004616") == "1.004616 004616 1004616"
    assert code_variants(None) == ""


def test_index_document_keeps_what_pagefind_reads_and_nothing_else():
    doc = index_document(PAGE)
    # Language and title from the head; scripts, the nav and the footer are gone.
    assert doc.startswith('<!DOCTYPE html><html lang="vi" class="no-js"><head><meta charset="utf-8">'
                          '<title>Trang – Sở</title></head><body>')
    assert "<script" not in doc and "Đường dây nóng" not in doc and "Đơn vị" not in doc
    # Ignored text is cut, ignored filters and meta are kept whole (Pagefind reads them there too).
    assert "Điều dưỡng" not in doc and "Đào tạo" not in doc and "b.png" not in doc
    assert '<div hidden data-pagefind-ignore><span data-pagefind-filter="loai">Tin tức</span></div>' in doc
    assert '<h1 id="a" title="a > b">Đăng ký khai sinh</h1>' in doc and '<img src="a.png"><br/>' in doc
    assert doc.endswith("<p>đăng ký lại, địa chỉ &amp; Đ</p></div></body></html>")
    # đ words of the indexed text only, spelt with d, once each, at low weight, first in the body.
    span = re.search(r'data-pagefind-sort="ngay:1"><span hidden data-pagefind-weight="0.4">([^<]*)</span>', doc)
    assert span and span.group(1) == "dăng dịa d"


def test_pages_without_an_indexed_body_are_not_sent():
    assert index_document("<html><body><p>không có vùng chỉ mục, đâu</p></body></html>") is None
    assert "data-pagefind-weight" not in index_document('<main data-pagefind-body><p>Hà Nội</p></main>')


def _whole_page_with_variants(html: str) -> str | None:
    """What the build used to hand Pagefind: the whole page, d-variants inserted."""
    body = re.search(r"<[a-z]+\s[^>]*\bdata-pagefind-body\b[^>]*>", html)
    if body is None:
        return None
    span = re.search(r'<span hidden data-pagefind-weight="0.4">[^<]*</span>', index_document(html))
    return html[:body.end()] + (span.group(0) if span else "") + html[body.end():]


def _index(out, documents) -> None:
    """Feed documents to Pagefind as they are, without LiveIndex.add's trimming."""
    index = LiveIndex(out / "site")
    for path, document in documents:
        if document is not None:
            index._process.stdin.write((json.dumps({"path": path, "html": document}) + "\n").encode())
    index.finish()


def test_index_from_trimmed_documents_is_identical_to_index_of_whole_pages(demo_site, tmp_path):
    """Cutting pages down to index_document changes nothing Pagefind writes: same bytes."""
    pages = [(p.relative_to(demo_site).as_posix(), p.read_text(encoding="utf-8"))
             for p in sorted(demo_site.rglob("*.html"))]
    assert len(pages) > 80
    _index(tmp_path / "whole", [(path, _whole_page_with_variants(html)) for path, html in pages])
    _index(tmp_path / "trimmed", [(path, index_document(html)) for path, html in pages])
    whole, trimmed = tmp_path / "whole/site/pagefind", tmp_path / "trimmed/site/pagefind"
    files = sorted(p.relative_to(whole).as_posix() for p in whole.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(trimmed).as_posix() for p in trimmed.rglob("*") if p.is_file())
    assert len([f for f in files if f.startswith("fragment/")]) > 50  # every post, procedure, decision…
    assert subprocess.run(["diff", "-r", str(whole), str(trimmed)], capture_output=True).returncode == 0
    # …and the built site's index holds those same pages (page numbering follows build order).
    built = demo_site / "pagefind" / "fragment"
    assert subprocess.run(["diff", "-r", str(whole / "fragment"), str(built)], capture_output=True).returncode == 0


def test_published_pages_carry_no_search_only_words(demo_site):
    post = next((demo_site / "tin-tuc").glob("20*/*/index.html")).read_text(encoding="utf-8")
    assert "data-pagefind-body" in post and 'data-pagefind-weight="0.4"' not in post


def test_pagefind_failure_is_reported_in_plain_words(tmp_path):
    blocker = tmp_path / "site"
    blocker.mkdir()
    (blocker / "pagefind").write_text("một tệp chắn chỗ thư mục chỉ mục", encoding="utf-8")
    index = LiveIndex(blocker)
    index.add("a/index.html", '<html lang="vi"><body><main data-pagefind-body><h1>Đăng ký</h1></main></body></html>')
    with pytest.raises(SearchIndexError, match="Pagefind không tạo được chỉ mục"):
        index.finish()


def test_abort_stops_pagefind_and_writes_nothing(tmp_path):
    index = LiveIndex(tmp_path / "site")
    index.add("a/index.html", '<html lang="vi"><body><main data-pagefind-body><h1>Đăng ký</h1></main></body></html>')
    index.abort()
    assert index._process.returncode is not None and not (tmp_path / "site" / "pagefind").exists()


def test_missing_pagefind_says_how_to_install(monkeypatch, tmp_path):
    import cchc.render.search_index as search_index

    monkeypatch.setattr(search_index, "PAGEFIND_API", NODE_MODULES / "khong-co" / "index.js")
    with pytest.raises(SearchIndexError, match="make build"):
        LiveIndex(tmp_path / "site")


def test_a_searchable_page_after_the_index_closed_fails_the_build(tmp_path):
    index = LiveIndex(tmp_path / "site")
    page = '<html lang="vi"><body><main data-pagefind-body><h1>Đăng ký</h1></main></body></html>'
    index.add("a/index.html", page)
    index.close_input()
    index.add("danh-sach/index.html", "<html><body><p>trang danh sách, không vào chỉ mục</p></body></html>")
    with pytest.raises(SearchIndexError, match="b/index.html.*searchable"):
        index.add("b/index.html", page)
    index.finish()
    assert json.loads((tmp_path / "site/pagefind/pagefind-entry.json").read_text())["languages"]["vi"]["page_count"] == 1


def test_every_page_with_a_search_body_is_in_the_index(demo_site):
    """Searchable pages are built first and the index closes early: none may be left out."""
    marked = [p for p in demo_site.rglob("*.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")]
    entry = json.loads((demo_site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert len(marked) > 50 and entry["languages"]["vi"]["page_count"] == len(marked)
