"""Search in the real Chromium: Vietnamese with or without diacritics, codes, filters, weight."""

import time
import unicodedata
from urllib.parse import quote, urlparse

import pytest

pytestmark = pytest.mark.browser


def results(page, query: str, **filters) -> list[str]:
    """URLs of the results for a query typed into the search page."""
    params = "&".join([f"q={quote(query)}"] + [f"{k}={quote(v)}" for k, v in filters.items()])
    page.goto(page.server + "tim-kiem/?" + params)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # bounded: a broken search fails, it does not hang
        status = page.inner_text("[data-cchc-search-status]")
        if status and not status.startswith("Đang"):
            break
        time.sleep(0.05)
    links = page.eval_on_selector_all(".cchc-result__title a", "links => links.map(a => a.getAttribute('href'))")
    return [urlparse(link).path for link in links]


@pytest.fixture
def page(browser, server):
    page = browser.new_page()
    page.server = server
    yield page
    page.close()


def top3(page, query, **filters):
    return results(page, query, **filters)[:3]


def test_accented_title_unaccented_and_d_for_dj(page, demo_content):
    post = next(p for p in demo_content.news.posts if "đ" in p.title.lower())
    target = "/" + post.url
    title = post.title
    bare = unicodedata.normalize("NFD", title.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in bare if unicodedata.category(ch) != "Mn")
    assert target in top3(page, title)
    assert target in top3(page, bare.lower())
    assert target in top3(page, bare.upper())
    assert target in top3(page, unicodedata.normalize("NFD", title))  # decomposed input


def test_dang_ky_finds_what_dang_ky_accented_finds(page):
    accented = results(page, "đăng ký khai sinh")
    plain = results(page, "dang ky khai sinh")
    assert accented and sorted(accented) == sorted(plain)
    assert accented[0] == plain[0]


def test_exact_accents_rank_first(page):
    # "dương" (praise) and "dưỡng" (nursing) fold alike; typed with accents, nursing comes first.
    first = results(page, "điều dưỡng")[0]
    assert first.startswith("/tthc/")


@pytest.mark.parametrize("form", ["full", "national", "six", "local"])
def test_codes_find_the_procedure_first(page, demo_content, form):
    local = next(p for p in demo_content.tthc.procedures if p.code and len(p.code) > 8)
    plain = next(p for p in demo_content.tthc.procedures if p.code and len(p.code) == 8)
    query, expected = {
        "full": (plain.code, plain),
        "national": (local.national_code, local),
        "six": (local.national_code[2:], local),
        "local": (local.code, local),
    }[form]
    assert results(page, query)[0] == "/" + expected.url


def count(page) -> int:
    return int(page.inner_text("[data-cchc-search-status]").split()[0])


def test_filter_narrows_to_procedures(page):
    everything = results(page, "khai sinh")
    total = count(page)
    procedures = results(page, "khai sinh", loai="Thủ tục")
    assert not all(url.startswith("/tthc/") for url in everything)  # news and decisions too
    assert procedures and all(url.startswith("/tthc/") and "quyet-dinh" not in url for url in procedures)
    assert 0 < count(page) < total


def test_results_show_type_title_detail_and_highlighted_snippet(page, demo_content):
    results(page, "chứng chỉ hành nghề dược")
    first = page.locator(".cchc-result").first
    assert first.locator(".cchc-result__type").inner_text().upper() == "THỦ TỤC"
    assert "Mã 1.00" in first.locator(".cchc-meta").inner_text()
    assert first.locator(".cchc-result__excerpt mark").count() >= 1
    assert "tim-kiem/?q=" in page.url  # shareable


def test_sorting_news_by_date(page, demo_content):
    urls = results(page, "cải cách", loai="Tin tức", **{"sap-xep": "moi-nhat"})
    dates = {"/" + p.url: p.date for p in demo_content.news.posts}
    found = [dates[u] for u in urls if u in dates]
    assert len(found) >= 3 and found == sorted(found, reverse=True)


def test_other_pages_fetch_no_search_file(browser, server, demo_content):
    page = browser.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    for url in ("", demo_content.news.posts[0].url, demo_content.tthc.procedures[0].url, "tthc/"):
        page.goto(server + url, wait_until="networkidle")
    assert not [u for u in fetched if "pagefind" in u or "search_index" in u]
    page.fill("#cchc-searchbox-q", "giay phep")
    page.press("#cchc-searchbox-q", "Enter")
    page.wait_for_url("**/tim-kiem/?q=giay+phep")
    page.wait_for_selector(".cchc-result")
    assert [u for u in fetched if "pagefind" in u]  # loaded once someone searches
    page.close()


def test_no_lunr_index_is_built(demo_site):
    assert not (demo_site / "search" / "search_index.json").exists()
    assert (demo_site / "pagefind" / "pagefind.js").is_file()


def test_the_results_page_is_found_with_or_without_accents(page):
    # Its title and lead are indexed; its tables of figures are not (a search for "734" is not about it).
    assert "/tthc/ket-qua/" in top3(page, "kết quả giải quyết hồ sơ")
    assert "/tthc/ket-qua/" in top3(page, "ket qua giai quyet thu tuc hanh chinh")
