"""The procedure list's filters and the printed sheet, in the real Chromium."""

import re

import pytest

from cchc.core.text import fold

pytestmark = pytest.mark.browser


def visible_links(page):
    return page.eval_on_selector_all(
        ".cchc-procs:not(.cchc-procs--retired) > li:not([hidden])",
        "rows => rows.filter(r => r.offsetParent !== null).map(r => r.querySelector('a').textContent.trim())",
    )


@pytest.fixture
def listing(browser, server):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(server + "tthc/")
    yield page
    page.close()


def test_without_filters_every_procedure_in_force_is_visible(listing, demo_content):
    assert sorted(visible_links(listing)) == sorted(p.name for p in demo_content.tthc.in_force)


def test_filter_by_field(listing, demo_content):
    field = max(demo_content.tthc.fields, key=lambda f: sum(p.in_force for p in demo_content.tthc.by_field[f.slug]))
    listing.select_option("#loc-linh-vuc", field.slug)
    expected = sorted(p.name for p in demo_content.tthc.by_field[field.slug] if p.in_force)
    assert len(expected) >= 2
    assert sorted(visible_links(listing)) == expected
    assert f"Hiển thị {len(expected)} trên {len(demo_content.tthc.in_force)} mục" in listing.inner_text("[data-cchc-count]")
    assert f"linh-vuc={field.slug}" in listing.url  # the filtered list can be shared


@pytest.mark.parametrize("query", ["cap giay phep", "CẤP GIẤY PHÉP", "Cấp giấy phép"])
def test_filter_by_name_without_diacritics(listing, demo_content, query):
    listing.fill("#loc-q", query)
    expected = sorted(p.name for p in demo_content.tthc.in_force if all(t in fold(p.name) for t in fold(query).split()))
    assert expected and len(expected) < len(demo_content.tthc.in_force)
    assert sorted(visible_links(listing)) == expected


def test_filter_by_code_and_combined_filters(listing, demo_content):
    target = next(p for p in demo_content.tthc.in_force if p.code)
    listing.fill("#loc-q", target.code[2:8])  # the six digits alone
    assert target.name in visible_links(listing)
    listing.select_option("#loc-dvc", "khong" if target.online_level != "khong" else "toan_trinh")
    assert visible_links(listing) == []
    assert listing.is_visible("[data-cchc-empty]")


def test_filters_come_back_from_a_shared_url(browser, server, demo_content):
    page = browser.new_page()
    # not "q": Material opens its own search box for ?q=
    page.goto(server + "tthc/?tu-khoa=giay+phep&cap=tinh")
    assert not page.is_visible(".md-search__output")
    assert page.input_value("#loc-q") == "giay phep"
    expected = sorted(p.name for p in demo_content.tthc.in_force if "giay phep" in fold(p.name) and p.level == "tinh")
    assert sorted(visible_links(page)) == expected
    page.close()


def test_unaccented_filter_on_a_field_page(browser, server, demo_content):
    field = next(f for f in demo_content.tthc.fields if sum(p.in_force for p in demo_content.tthc.by_field[f.slug]) >= 2)
    page = browser.new_page()
    page.goto(server + field.url)
    first = next(p for p in demo_content.tthc.by_field[field.slug] if p.in_force)
    word = fold(first.name).split()[-1]
    page.fill("#loc-q", word)
    expected = sorted(p.name for p in demo_content.tthc.by_field[field.slug] if p.in_force and word in fold(p.name))
    assert sorted(visible_links(page)) == expected
    page.close()


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


def test_printed_procedure_is_a4_with_its_qr_code(browser, server, demo_content):
    counts = {}
    for p in demo_content.tthc.procedures:
        page = browser.new_page()  # fresh: media emulation must not leak into the PDF
        page.goto(server + p.url)
        sizes = pdf_pages(page.pdf(prefer_css_page_size=True))
        assert sizes and all(abs(w - 595.3) < 2 and abs(h - 841.9) < 2 for w, h in sizes), sizes  # A4 in points
        counts[p.slug] = len(sizes)
        page.emulate_media(media="print")
        qr = page.locator(".cchc-qr svg")
        assert qr.is_visible(), p.source
        box = qr.bounding_box()
        assert box["width"] > 80 and box["x"] + box["width"] <= page.viewport_size["width"]
        assert box["y"] < 300  # top of the first sheet, beside the title
        assert not page.locator(".md-header").is_visible() and not page.locator(".cchc-footer").is_visible()
        page.close()
    print("A4 pages per procedure:", counts)
    assert max(counts.values()) <= 3, counts


def test_each_field_of_the_handbook_prints_alone(browser, server, demo_content):
    """A field's handbook page prints as A4 sheets holding its table and the footer, not the site around it."""
    field = max(demo_content.tthc.fields, key=lambda f: sum(p.in_force for p in demo_content.tthc.by_field[f.slug]))
    page = browser.new_page()
    page.goto(server + f"tthc/so-tay/{field.slug}/")
    assert page.is_visible("button.cchc-print")
    sizes = pdf_pages(page.pdf(prefer_css_page_size=True))
    assert sizes and all(abs(w - 595.3) < 2 and abs(h - 841.9) < 2 for w, h in sizes), sizes
    page.emulate_media(media="print")
    rows = sum(p.in_force for p in demo_content.tthc.by_field[field.slug])
    assert page.locator("table.cchc-handbook tbody tr").count() == rows
    assert page.locator("table.cchc-handbook").is_visible() and page.locator(".cchc-print-footer").is_visible()
    for hidden in (".md-header", ".cchc-footer", ".cchc-breadcrumb", "button.cchc-print", "text=Các lĩnh vực khác"):
        assert not page.locator(hidden).first.is_visible(), hidden
    page.goto(server + "tthc/so-tay/")  # the index prints as the binder's table of contents
    assert page.locator("table.cchc-handbook-index").is_visible() and not page.locator("#cach-in").is_visible()
    page.close()


def test_print_button_appears_with_javascript(browser, server, demo_content):
    page = browser.new_page()
    page.goto(server + demo_content.tthc.procedures[0].url)
    assert page.is_visible("button.cchc-print")
    page.close()


def visible_changes(page):
    return page.eval_on_selector_all(
        ".cchc-decision .cchc-change", "rows => rows.filter(r => r.offsetParent !== null).length")


def test_changelog_filters_by_type_and_field(browser, server, demo_content):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(server + "tthc/thay-doi/")
    assert visible_changes(page) == len(demo_content.tthc.changes)
    page.select_option("#loc-loai", "bai_bo")
    assert visible_changes(page) == sum(1 for c in demo_content.tthc.changes if c.kind == "bai_bo")
    field = demo_content.tthc.changes[0].procedure.field
    page.select_option("#loc-linh-vuc", field.slug)
    expected = sum(1 for c in demo_content.tthc.changes if c.kind == "bai_bo" and c.procedure.field is field)
    assert visible_changes(page) == expected
    visible_decisions = page.eval_on_selector_all(".cchc-decision", "s => s.filter(x => !x.hidden).length")
    assert visible_decisions == len({c.decision.number for c in demo_content.tthc.changes
                                     if c.kind == "bai_bo" and c.procedure.field is field})
    assert "loai=bai_bo" in page.url
    page.close()
