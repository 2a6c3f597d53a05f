"""A department with more procedures than a phone should get on one page (issue 22: ≤ 30 KB gzip a page):
/tthc/ lists the fields with their counts, each field's own page lists and filters its procedures."""

from __future__ import annotations

import gzip
import re

import pytest
from conftest import Project

from cchc.core import layout
from cchc.tthc.pages import LIST_LIMIT

FIELDS = ("kham-benh-chua-benh", "duoc-pham", "y-te-du-phong")
NAME = "Cấp giấy phép hành nghề khám bệnh, chữa bệnh đối với bác sỹ"


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Project:
    project = Project(tmp_path_factory.mktemp("tthc-large") / "site-src", with_demo_content=False)
    project.write("content/tthc/mau/don.docx", b"PK\x03\x04 demo docx")
    for index in range(LIST_LIMIT + 1):
        code = f"1.{700000 + index}"
        project.procedure(code, code=f'"{code}"', field=FIELDS[index % len(FIELDS)],
                          replace={NAME: f"{NAME} theo hồ sơ loại {index} của cơ sở khám bệnh, chữa bệnh tư nhân"})
    result = project.build()
    assert result.returncode == 0, result.stderr
    return project


def _page(project: Project, url: str) -> str:
    return (project.path / "site" / url / "index.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_past_the_limit_the_list_names_each_field_with_its_count(large):
    html = _page(large, layout.TTHC)
    assert len(gzip.compress(html.encode(), 6)) <= 30 * 1024
    catalogue = large.content().tthc
    in_force = {f.slug: sum(1 for p in catalogue.by_field[f.slug] if p.in_force) for f in catalogue.fields}
    assert sum(in_force.values()) == LIST_LIMIT + 1
    assert f"{LIST_LIMIT + 1} thủ tục đang có hiệu lực, trong {len([n for n in in_force.values() if n])} lĩnh vực" in html
    for field in catalogue.fields:
        if in_force[field.slug]:
            assert re.search(rf'<a href="linh-vuc/{field.slug}/">[^<]+</a> <span class="cchc-meta">'
                             rf'{in_force[field.slug]} thủ tục</span>', html), field.slug
    # No procedure one by one, and no filter that would have nothing to filter.
    assert "1.700000" not in html and "data-cchc-filter" not in html
    assert f'href="../{layout.SEARCH}"' in html


@pytest.mark.build
def test_each_field_page_still_lists_and_filters_all_its_procedures(large):
    for index, slug in enumerate(FIELDS):
        html = _page(large, f"{layout.FIELDS}{slug}/")
        codes = set(re.findall(r"<code>(1\.7\d{5})</code>", html))
        assert codes == {f"1.{700000 + i}" for i in range(index, LIST_LIMIT + 1, len(FIELDS))}
        assert "data-cchc-filter" in html
