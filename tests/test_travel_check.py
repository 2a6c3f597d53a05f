"""The travel check (checks/travel.py, part of make verify): passes on a small correct site written by
hand, and names the page and the fault on each deliberately broken variant of it."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from cchc.core.dates import VN_TZ
from checks import travel

SITE_URL = "https://syt-thu.example.gov.vn/"
DEPARTMENT = "Sở Y tế tỉnh Thử"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=VN_TZ)


@pytest.fixture(scope="module", autouse=True)
def _clients():
    """node and the pinned npm packages; missing, the test fails under CI=true and skips elsewhere."""
    missing = [str(p) for p in (travel.NODE_MODULES / "open-graph-scraper", travel.NODE_MODULES / "sitemap")
               if not p.is_dir()]
    if not shutil.which("node"):
        missing.append("node")
    if missing:
        message = f"missing for the travel check: {', '.join(missing)} (run npm ci)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def page(path: str, title: str, description: str, *, image: str = "anh.png", extra_head: str = "",
         body: str = "", jsonld: dict | None = None, og_image: bool = True) -> str:
    url = SITE_URL + path
    data = jsonld or {"@context": "https://schema.org", "@type": "WebPage", "name": title, "url": url}
    image_tags = f"""
  <meta property="og:image" content="{SITE_URL}{image}">
  <meta property="og:image:width" content="1200">
  <meta property="og:image:height" content="630">
  <meta property="og:image:type" content="image/png">
  <meta property="og:image:alt" content="{title}">""" if og_image else ""
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
  <title>{title} - {DEPARTMENT}</title>
  <link rel="canonical" href="{url}">
  <meta property="og:type" content="website">
  <meta property="og:title" content="{title}">
  <meta property="og:description" content="{description}">
  <meta property="og:url" content="{url}">{image_tags}
  <meta name="twitter:card" content="summary_large_image">
  <meta name="twitter:image:alt" content="{title}">
  <script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>{extra_head}
</head><body><main>{body}</main></body></html>
"""


def procedure(code: str, name: str) -> dict:
    return {"@context": "https://schema.org", "@type": "GovernmentService", "identifier": code, "name": name,
            "url": f"{SITE_URL}tthc/{code}/"}


RETIRED_BANNER = '<div class="cchc-status cchc-status--retired" role="note">Thủ tục đã bị bãi bỏ.</div>'

RSS = """<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0"><channel>
  <title>Tin tức – Sở Y tế tỉnh Thử</title>
  <link>{channel_link}</link>
  <description>Tin tức của Sở Y tế tỉnh Thử.</description>
  <atom:link href="https://syt-thu.example.gov.vn/feed.xml" rel="self"/>
  <lastBuildDate>Wed, 22 Apr 2026 10:00:00 +0700</lastBuildDate>
  <item><title>Tin một</title><link>https://syt-thu.example.gov.vn/tin-tuc/2026/tin-mot/</link>
    <description>Tin một.</description>
    <guid isPermaLink="true">https://syt-thu.example.gov.vn/tin-tuc/2026/tin-mot/</guid>
    <pubDate>Wed, 22 Apr 2026 10:00:00 +0700</pubDate></item>
</channel></rss>
"""

ATOM = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">
  <id>https://syt-thu.example.gov.vn/tthc/thay-doi/</id>
  <title>Thay đổi thủ tục hành chính – Sở Y tế tỉnh Thử</title>
  <updated>{feed_updated}</updated>
  <author><name>Sở Y tế tỉnh Thử</name></author>
  <link href="https://syt-thu.example.gov.vn/tthc/thay-doi/" rel="alternate"/>
  <link href="https://syt-thu.example.gov.vn/tthc/thay-doi/feed.xml" rel="self"/>
  <entry>
    <id>https://syt-thu.example.gov.vn/tthc/thay-doi/#qd-1-muc-1</id>
    <title>Bãi bỏ: Thủ tục cũ</title>
    <updated>2026-11-20T00:00:00+07:00</updated>
    <link href="https://syt-thu.example.gov.vn/tthc/1.000002/"/>
    <summary>Bị bãi bỏ theo Quyết định 1/QĐ-UBND; có hiệu lực từ 01/01/2027.</summary>
  </entry>
  <entry>
    <id>{second_id}</id>
    <title>Ban hành mới: Thủ tục mới</title>
    <updated>2026-10-05T00:00:00+07:00</updated>
    <link href="https://syt-thu.example.gov.vn/tthc/1.000001/"/>
    <summary>Ban hành mới theo Quyết định 2/QĐ-UBND.</summary>
  </entry>
</feed>
"""

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}
</urlset>
"""


def good_site(root: Path) -> Path:
    """A small site with everything that travels done right."""
    files = {
        "index.html": page("", DEPARTMENT, "Tin cải cách hành chính của Sở Y tế tỉnh Thử."),
        "tin-tuc/2026/tin-mot/index.html": page("tin-tuc/2026/tin-mot/", "Tin một", "Tin một."),
        "tthc/1.000001/index.html": page("tthc/1.000001/", "Thủ tục mới", "Mã 1.000001.",
                                         jsonld=procedure("1.000001", "Thủ tục mới")),
        "tthc/1.000002/index.html": page("tthc/1.000002/", "Đã bãi bỏ: Thủ tục cũ",
                                         "Thủ tục đã bị bãi bỏ từ 01/01/2026. Mã 1.000002.",
                                         jsonld=procedure("1.000002", "Thủ tục cũ"), body=RETIRED_BANNER),
        "tthc/thay-doi/index.html": page("tthc/thay-doi/", "Thay đổi thủ tục", "Các thay đổi."),
        # Not meant to travel: left out of the preview checks.
        "404.html": "<!doctype html><html lang='vi'><head><title>Không tìm thấy</title></head></html>",
        "admin/index.html": "<!doctype html><html><head><meta name='robots' content='noindex'></head></html>",
        "feed.xml": RSS.format(channel_link=SITE_URL),
        "tthc/thay-doi/feed.xml": ATOM.format(feed_updated="2026-11-20T00:00:00+07:00",
                                              second_id=f"{SITE_URL}tthc/thay-doi/#qd-2-muc-1"),
        "robots.txt": f"User-agent: *\nDisallow: /admin/\n\nSitemap: {SITE_URL}sitemap.xml\n",
    }
    locations = ["", "tin-tuc/2026/tin-mot/", "tthc/1.000001/", "tthc/1.000002/", "tthc/thay-doi/"]
    files["sitemap.xml"] = SITEMAP.format(urls="\n".join(
        f"  <url><loc>{SITE_URL}{loc}</loc><lastmod>2026-11-20</lastmod></url>" for loc in locations))
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    Image.new("RGB", (1200, 630), "#0b5394").save(root / "anh.png")
    return root


def findings(site: Path) -> list[str]:
    return [str(f) for f in travel.check(site, SITE_URL, now=NOW, department=DEPARTMENT).findings]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def only(found: list[str], *parts: str) -> str:
    """The one finding that contains every part."""
    matching = [f for f in found if all(p in f for p in parts)]
    assert len(matching) == 1, found
    return matching[0]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return good_site(tmp_path / "site")


def test_a_correct_site_passes(site):
    result = travel.check(site, SITE_URL, now=NOW, department=DEPARTMENT)
    assert [str(f) for f in result.findings] == []
    # 404.html and the noindex editor page are not previews; the five pages are, by both clients.
    assert (result.pages, result.feeds, result.sitemap_urls) == (5, 2, 5)


def test_a_page_without_og_image(site):
    (site / "tin-tuc/2026/tin-mot/index.html").write_text(
        page("tin-tuc/2026/tin-mot/", "Tin một", "Tin một.", og_image=False), encoding="utf-8")
    only(findings(site), f"{SITE_URL}tin-tuc/2026/tin-mot/", "không có og:image")


def test_an_og_image_whose_stated_size_is_wrong(site):
    Image.new("RGB", (600, 315), "#0b5394").save(site / "anh.png")
    found = findings(site)
    assert len(found) == 5, found  # every page shares that image
    only(found, f"{SITE_URL}: og:image", "khai 1200×630 nhưng ảnh là 600×315")


def test_a_relative_og_image(site):
    edit(site / "tthc/1.000001/index.html", f'content="{SITE_URL}anh.png"', 'content="/anh.png"')
    only(findings(site), f"{SITE_URL}tthc/1.000001/", "og:image không phải địa chỉ tuyệt đối")


def test_og_url_that_is_not_the_page(site):
    edit(site / "tthc/1.000001/index.html", f'og:url" content="{SITE_URL}tthc/1.000001/"',
         f'og:url" content="{SITE_URL}"')
    only(findings(site), f"{SITE_URL}tthc/1.000001/", "og:url là", f"cần: địa chỉ chính tắc của trang {SITE_URL}tthc/1.000001/")


def test_missing_twitter_image_alt(site):
    edit(site / "tthc/1.000001/index.html", '<meta name="twitter:image:alt" content="Thủ tục mới">', "")
    only(findings(site), f"{SITE_URL}tthc/1.000001/", "không có twitter:image:alt")


def test_a_home_page_titled_trang_chu(site):
    (site / "index.html").write_text(page("", "Trang chủ", "Tin cải cách hành chính."), encoding="utf-8")
    only(findings(site), f"{SITE_URL}: trang chủ xem trước với og:title chung chung 'Trang chủ'")


def test_a_retired_procedure_whose_og_title_lacks_the_status(site):
    edit(site / "tthc/1.000002/index.html", 'og:title" content="Đã bãi bỏ: Thủ tục cũ"',
         'og:title" content="Thủ tục cũ"')
    finding = only(findings(site), f"{SITE_URL}tthc/1.000002/")
    assert "og:title không nói: 'Thủ tục cũ'" in finding
    assert "nêu trạng thái (“bãi bỏ” hoặc “thay thế”)" in finding


def test_a_pending_procedure_whose_description_lacks_the_status(site):
    edit(site / "tthc/1.000002/index.html", "cchc-status--retired", "cchc-status--pending")
    edit(site / "tthc/1.000002/index.html", "Thủ tục đã bị bãi bỏ từ 01/01/2026. Mã 1.000002.", "Mã 1.000002.")
    only(findings(site), f"{SITE_URL}tthc/1.000002/", "og:description không nói")


def test_invalid_json_ld(site):
    edit(site / "tthc/1.000001/index.html", '"@type": "GovernmentService",', '"@type": "GovernmentService",,')
    assert any("tthc/1.000001/" in f and "không phải JSON hợp lệ" in f for f in findings(site))


def test_json_ld_without_type(site):
    edit(site / "tin-tuc/2026/tin-mot/index.html", '"@type": "WebPage", ', "")
    only(findings(site), f"{SITE_URL}tin-tuc/2026/tin-mot/", "thiếu @type")


def test_an_rss_channel_link_pointing_at_the_feed(site):
    (site / "feed.xml").write_text(RSS.format(channel_link=f"{SITE_URL}feed.xml"), encoding="utf-8")
    only(findings(site), f"{SITE_URL}feed.xml: liên kết của kênh trỏ vào chính feed",
         "cần: liên kết tới trang HTML tương ứng")


def test_a_wrong_self_link(site):
    edit(site / "feed.xml", f'<atom:link href="{SITE_URL}feed.xml"', f'<atom:link href="{SITE_URL}tin-tuc/"')
    only(findings(site), f"{SITE_URL}feed.xml: liên kết self là {SITE_URL}tin-tuc/")


def test_a_future_atom_updated(site):
    (site / "tthc/thay-doi/feed.xml").write_text(ATOM.format(
        feed_updated="2027-01-01T00:00:00+07:00", second_id=f"{SITE_URL}tthc/thay-doi/#qd-2-muc-1"),
        encoding="utf-8")
    only(findings(site), f"{SITE_URL}tthc/thay-doi/feed.xml", "ngày updated của kênh 2027-01-01T00:00:00+07:00 ở tương lai")


def test_a_duplicate_entry_id(site):
    (site / "tthc/thay-doi/feed.xml").write_text(ATOM.format(
        feed_updated="2026-11-20T00:00:00+07:00", second_id=f"{SITE_URL}tthc/thay-doi/#qd-1-muc-1"),
        encoding="utf-8")
    only(findings(site), f"{SITE_URL}tthc/thay-doi/feed.xml",
         f"id/guid {SITE_URL}tthc/thay-doi/#qd-1-muc-1 lặp lại ở 2 mục")


def test_an_entry_linking_to_a_missing_page(site):
    edit(site / "tthc/thay-doi/feed.xml", f"{SITE_URL}tthc/1.000001/", f"{SITE_URL}tthc/1.999999/")
    only(findings(site), f"{SITE_URL}tthc/thay-doi/feed.xml", f"liên kết {SITE_URL}tthc/1.999999/ không dẫn tới tệp nào")


def test_a_malformed_feed(site):
    edit(site / "feed.xml", "</channel></rss>", "</channel>")
    only(findings(site), f"{SITE_URL}feed.xml: feedparser báo lỗi định dạng")


def test_an_invalid_sitemap(site):
    edit(site / "sitemap.xml", "<lastmod>2026-11-20</lastmod>", "<lastmod>20/11/2026</lastmod>")
    found = findings(site)
    assert found and all("[sitemap]" in f and "sai lược đồ sitemaps.org" in f and "lastmod" in f for f in found), found


def test_a_sitemap_loc_that_is_not_in_the_site(site):
    edit(site / "sitemap.xml", f"<loc>{SITE_URL}tthc/1.000001/</loc>", f"<loc>{SITE_URL}tthc/1.999999/</loc>")
    only(findings(site), f"{SITE_URL}sitemap.xml: <loc> {SITE_URL}tthc/1.999999/ không dẫn tới trang nào")


def test_no_robots_txt(site):
    (site / "robots.txt").unlink()
    only(findings(site), f"{SITE_URL}robots.txt: không có robots.txt", f"Sitemap: {SITE_URL}sitemap.xml")


def test_robots_txt_without_the_sitemap_or_blocking_previews(site):
    (site / "robots.txt").write_text("User-agent: facebookexternalhit\nDisallow: /\n", encoding="utf-8")
    found = findings(site)
    only(found, "robots.txt: không nêu sitemap")
    only(found, "robots.txt: chặn Facebook đọc trang chủ")
