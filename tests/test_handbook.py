"""The printable handbook (/tthc/so-tay/): an index of fields, and each field's procedures in force on pages
of their own, paginated so that none passes 30 KB gzip (issue 22)."""

from __future__ import annotations

import gzip
import random
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import Project

from cchc.core import layout
from cchc.tthc.pages import HANDBOOK_PER_PAGE, handbook, handbook_url

# Words of procedure names, drawn at random so that the names of a large field compress worse than real ones
# (which share long prefixes: "Cấp giấy chứng nhận đủ điều kiện …").
WORDS = ("cấp", "lại", "điều chỉnh", "giấy phép", "chứng chỉ", "hành nghề", "khám bệnh", "chữa bệnh", "dược",
         "cơ sở", "bán lẻ", "thuốc", "nhà thuốc", "quầy thuốc", "mỹ phẩm", "thiết bị y tế", "công bố",
         "đủ điều kiện", "sản xuất", "kinh doanh", "phòng khám", "chuyên khoa", "đa khoa", "y học cổ truyền",
         "an toàn thực phẩm", "dinh dưỡng", "tiêm chủng", "xét nghiệm", "giám định", "y khoa", "bảo trợ",
         "xã hội", "trẻ em", "bà mẹ", "dân số", "phục hồi chức năng", "thẩm định", "hồ sơ", "quảng cáo",
         "nhập khẩu", "xuất khẩu", "phân loại", "lưu hành", "đăng ký", "thay đổi", "quy mô", "giường bệnh",
         "phạm vi", "chuyên môn", "đối với", "thuộc thẩm quyền", "Sở Y tế", "tổ chức", "cá nhân", "nước ngoài",
         "tạm thời", "bổ sung", "gia hạn", "thu hồi", "huỷ bỏ", "thực hành tốt", "bảo quản", "phân phối")
LARGE_FIELD = "kham-benh-chua-benh"
LARGE = 2 * HANDBOOK_PER_PAGE + 17  # three pages, the last one short
SMALL_FIELD = "duoc-pham"


def _words(random_: random.Random, least: int, most: int) -> str:
    return " ".join(random_.choice(WORDS) for _ in range(random_.randint(least, most))).capitalize()


def _name(random_: random.Random, index: int) -> str:
    return f"{_words(random_, 22, 34)} ({index})"


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Project:
    """A department whose largest field needs three pages of handbook, and a field of one procedure."""
    project = Project(tmp_path_factory.mktemp("handbook") / "site-src", with_demo_content=False)
    project.write("content/tthc/mau/don.docx", b"PK\x03\x04 demo docx")
    random_ = random.Random(22)
    for index in range(LARGE):
        code = f"1.{900000 + index}"
        project.procedure(code, code=f'"{code}"', field=LARGE_FIELD, replace={
            "Cấp giấy phép hành nghề khám bệnh, chữa bệnh đối với bác sỹ": _name(random_, index),
            "amount: 360000": f"amount: {random_.randrange(50, 9000) * 1000}",
            "{value: 10, unit: ngay_lam_viec": f"{{value: {random_.randint(1, 90)}, unit: ngay_lam_viec, "
                                               f'case: "{_words(random_, 6, 12)}"',

        })
    project.procedure("1.800000", code='"1.800000"', field=SMALL_FIELD)
    return project


def test_index_lists_every_field_with_its_count_in_force(demo_content):
    catalogue = demo_content.tthc
    index = handbook(catalogue, demo_content.settings)[0]
    assert index.src_uri == "tthc/so-tay/index.md" and index.template == "tthc-handbook.html"
    listed = [(field.slug, count, url) for field, count, url in index.context["fields"]]
    assert listed == [(f.slug, sum(p.in_force for p in catalogue.by_field[f.slug]), f"tthc/so-tay/{f.slug}/")
                      for f in catalogue.fields]
    assert index.context["count"] == len(catalogue.in_force)
    # Some demo procedures are retired: the counts are of those in force, not of the field pages' lists.
    assert len(catalogue.in_force) < len(catalogue.procedures)


def test_every_procedure_in_force_is_on_exactly_one_field_page(demo_content):
    catalogue = demo_content.tthc
    specs = handbook(catalogue, demo_content.settings)[1:]
    shown = Counter(p.src_uri for spec in specs for p in spec.context["pager"].items)
    assert set(shown.values()) == {1}
    assert set(shown) == {p.src_uri for p in catalogue.in_force}
    for spec in specs:
        field = spec.context["field"]
        assert spec.src_uri == f"{handbook_url(field)}index.md" == f"tthc/so-tay/{field.slug}/index.md"
        assert all(p.field is field for p in spec.context["pager"].items)
        assert spec.share.url == handbook_url(field)
        assert [name for name, _ in spec.share.breadcrumbs] == ["Trang chủ", "Thủ tục hành chính", "Sổ tay",
                                                                 field.name]


def test_a_large_field_is_paginated_with_numbers_running_on(large):
    content = large.content()
    specs = handbook(content.tthc, content.settings)
    pages = [s for s in specs[1:] if s.context["field"].slug == LARGE_FIELD]
    assert [s.src_uri for s in pages] == [f"tthc/so-tay/{LARGE_FIELD}/index.md",
                                          f"tthc/so-tay/{LARGE_FIELD}/trang/2.md",
                                          f"tthc/so-tay/{LARGE_FIELD}/trang/3.md"]
    assert [len(s.context["pager"].items) for s in pages] == [HANDBOOK_PER_PAGE, HANDBOOK_PER_PAGE, 17]
    assert [s.context["first"] for s in pages] == [1, HANDBOOK_PER_PAGE + 1, 2 * HANDBOOK_PER_PAGE + 1]
    assert [s.title.rsplit(" – ", 1)[-1] for s in pages[1:]] == ["trang 2", "trang 3"]
    items = [p for s in pages for p in s.context["pager"].items]
    assert items == content.tthc.by_field[LARGE_FIELD]  # in the list's order, none twice, none left out


def _href(html: str, text: str) -> str:
    match = re.search(rf'<a href="([^"]+)"[^>]*>{re.escape(text)}</a>', html)
    assert match, text
    return match.group(1)


def _page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_every_handbook_page_of_a_large_field_stays_under_30_kb_gzip(large):
    result = large.build()
    assert result.returncode == 0, result.stderr
    site = large.path / "site"
    pages = sorted((site / layout.HANDBOOK).rglob("index.html"))
    assert len(pages) == 1 + len(large.content().tthc.fields) + 2  # the index, a page a field, 2 more pages
    sizes = {p.relative_to(site).as_posix(): len(gzip.compress(p.read_bytes(), 6)) for p in pages}
    assert max(sizes.values()) <= 30 * 1024, sizes
    # Numbered on: the third page starts where the second ended.
    third = _page(site, f"{layout.HANDBOOK}{LARGE_FIELD}/trang/3/")
    assert f"<td>{2 * HANDBOOK_PER_PAGE + 1}</td>" in third and "<h1>" in third and "trang 3/3" in third
    assert third.count("<tr>") - 1 == 17


@pytest.mark.build
def test_the_index_links_to_each_field_page_and_back(large):
    if not (large.path / "site" / layout.HANDBOOK).is_dir():
        assert large.build().returncode == 0
    site = large.path / "site"
    index_url = f"https://example.test/{layout.HANDBOOK}"
    index = _page(site, layout.HANDBOOK)
    content = large.content()
    for field in content.tthc.fields:
        target = urljoin(index_url, _href(index, field.name))
        assert target == f"https://example.test/{handbook_url(field)}"
        html = _page(site, handbook_url(field))
        assert urljoin(target, _href(html, "Các lĩnh vực khác")) == index_url
        assert urljoin(target, _href(html, "Tra cứu, lọc các thủ tục của lĩnh vực này")) == \
            f"https://example.test/{field.url}"
        # The field's own list links to its handbook, not to the whole one.
        listing = _page(site, field.url)
        assert urljoin(f"https://example.test/{field.url}", _href(listing, "Sổ tay lĩnh vực này để in")) == target
    first = _page(site, handbook_url(content.tthc.fields.find(LARGE_FIELD)))
    assert 'rel="next"' in first and 'href="trang/2/"' in first
    assert "data-pagefind-body" not in first  # every row's procedure has its own page in the search
