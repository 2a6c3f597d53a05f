import pytest

from cchc.page.pagination import paginate


def test_empty_listing_has_one_page():
    pages = paginate("chuyen-muc/x/", [], 10)
    assert len(pages) == 1 and pages[0].items == [] and pages[0].url == "chuyen-muc/x/"


def test_pages_split_and_link():
    pages = paginate("tin-tuc/", list(range(25)), 10)
    assert [len(p.items) for p in pages] == [10, 10, 5]
    assert [p.url for p in pages] == ["tin-tuc/", "tin-tuc/trang/2/", "tin-tuc/trang/3/"]
    assert [p.src_uri for p in pages] == ["tin-tuc/index.md", "tin-tuc/trang/2.md", "tin-tuc/trang/3.md"]
    assert pages[0].previous_url is None and pages[0].next_url == "tin-tuc/trang/2/"
    assert pages[2].next_url is None and pages[2].previous_url == "tin-tuc/trang/2/"
    assert all(p.total == 25 and p.count == 3 for p in pages)


def test_window_is_bounded_for_long_listings():
    pages = paginate("tin-tuc/", list(range(1000)), 2)
    assert pages[249].window() == [1, None, 248, 249, 250, 251, 252, None, 500]
    assert pages[0].window() == [1, 2, 3, None, 500]


def test_per_page_must_be_positive():
    with pytest.raises(ValueError):
        paginate("x/", [1], 0)
