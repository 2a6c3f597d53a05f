"""make bench names the largest page by its gzip size and counts the pages over 30 KB gzip (bench/run.py)."""

import gzip
import random

from bench.run import PAGE_BUDGET, page_sizes


def test_largest_page_is_the_largest_compressed_not_the_longest(tmp_path):
    # Long but repetitive: the longest file, yet small once compressed, as a table of similar rows is.
    (tmp_path / "tthc" / "so-tay").mkdir(parents=True)
    (tmp_path / "tthc" / "so-tay" / "index.html").write_text("<tr><td>Cấp giấy phép</td></tr>" * 5000,
                                                             encoding="utf-8")
    # Shorter, but random bytes (as hex) do not compress: the one over the budget.
    noise = random.Random(22).randbytes(40 * 1024).hex()
    (tmp_path / "tin-tuc" / "2024" / "a").mkdir(parents=True)
    (tmp_path / "tin-tuc" / "2024" / "a" / "index.html").write_text(noise, encoding="utf-8")
    (tmp_path / "404.html").write_text("<p>Không tìm thấy</p>", encoding="utf-8")
    (tmp_path / "feed.xml").write_text(noise * 3, encoding="utf-8")  # not a page

    sizes = page_sizes(tmp_path)
    raw, gz, path = sizes.largest
    assert path == "tin-tuc/2024/a/index.html" and raw == len(noise)
    assert gz == len(gzip.compress(noise.encode(), 6)) > PAGE_BUDGET
    assert [s[2] for s in sizes.sizes] == ["404.html", "tin-tuc/2024/a/index.html", "tthc/so-tay/index.html"]
    assert sizes.over() == ["tin-tuc/2024/a/index.html"]
    assert sizes.over(budget=10**9) == []


def test_an_empty_site_has_no_largest_page(tmp_path):
    sizes = page_sizes(tmp_path)
    assert sizes.largest == (0, 0, "") and sizes.median == (0, 0) and sizes.over() == []
