"""Link previews for Zalo and Facebook, structured data and feeds, on the built demo site."""

import re
from html import unescape

import extruct
import feedparser
import pytest
from PIL import Image

pytestmark = pytest.mark.build


def metadata(site, url):
    html = (site / url / "index.html").read_text(encoding="utf-8")
    data = extruct.extract(html, base_url="https://example.invalid/", syntaxes=["opengraph", "json-ld"])
    (og,) = data["opengraph"]
    return html, dict(og["properties"]), data["json-ld"]


def image_file(site, og, site_url):
    assert og["og:image"].startswith(site_url)
    return site / og["og:image"][len(site_url):]


def check_common(site, html, og, site_url, url, og_type):
    assert og["og:type"] == og_type
    assert og["og:url"] == site_url + url
    assert f'<link rel="canonical" href="{site_url + url}">' in html
    assert og["og:locale"] == "vi_VN" and og["og:site_name"] == "Sở Y tế tỉnh Hoà An"
    assert og["og:title"] and og["og:description"] and og["og:image:alt"]
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    for name in ("title", "description", "image", "image:alt"):
        (twitter,) = re.findall(rf'<meta name="twitter:{name}" content="([^"]*)">', html)
        assert unescape(twitter) == og[f"og:{name}"]
    path = image_file(site, og, site_url)
    with Image.open(path) as image:
        assert image.size == (int(og["og:image:width"]), int(og["og:image:height"]))
        assert og["og:image:type"] == f"image/{image.format.lower()}"
    return path


def types(json_ld):
    return {item["@type"] for item in json_ld}


def crumb_urls(json_ld):
    (crumbs,) = [i for i in json_ld if i["@type"] == "BreadcrumbList"]
    return [item["item"] for item in crumbs["itemListElement"]]


def test_post_with_its_own_image(demo_site, demo_content):
    site_url = demo_content.settings.site_url
    post = next(p for p in demo_content.news.posts if p.image)
    html, og, json_ld = metadata(demo_site, post.url)
    check_common(demo_site, html, og, site_url, post.url, "article")
    assert og["og:image"] == site_url + post.image and og["og:image:alt"] == post.image_alt
    assert og["article:published_time"] == post.date.isoformat()
    assert og["article:section"] == post.category.name
    (article,) = [i for i in json_ld if i["@type"] == "NewsArticle"]
    assert article["headline"] == post.title and article["image"] == [site_url + post.image]
    assert article["publisher"]["@type"] == "GovernmentOrganization"
    assert crumb_urls(json_ld) == [site_url, site_url + "tin-tuc/", site_url + post.category.url, site_url + post.url]


def test_post_without_image_gets_a_1200x630_card(demo_site, demo_content):
    site_url = demo_content.settings.site_url
    post = next(p for p in demo_content.news.posts if not p.image)
    html, og, json_ld = metadata(demo_site, post.url)
    path = check_common(demo_site, html, og, site_url, post.url, "article")
    assert path == demo_site / post.url / "anh-chia-se.png"
    assert (og["og:image:width"], og["og:image:height"], og["og:image:type"]) == ("1200", "630", "image/png")
    assert "NewsArticle" in types(json_ld)


def test_category_page(demo_site, demo_content):
    site_url = demo_content.settings.site_url
    category = demo_content.news.categories.ordered[0]
    html, og, json_ld = metadata(demo_site, category.url)
    path = check_common(demo_site, html, og, site_url, category.url, "website")
    assert path == demo_site / category.url / "anh-chia-se.png"
    assert f'type="application/rss+xml" title="Tin {category.name}" href="feed.xml"' in html
    assert crumb_urls(json_ld)[-1] == site_url + category.url


def test_procedure_page(demo_site, demo_content):
    site_url = demo_content.settings.site_url
    procedure = next(p for p in demo_content.tthc.procedures if p.online_level == "toan_trinh" and p.code)
    html, og, json_ld = metadata(demo_site, procedure.url)
    check_common(demo_site, html, og, site_url, procedure.url, "website")
    (service,) = [i for i in json_ld if i["@type"] == "GovernmentService"]
    assert service["identifier"] == procedure.code and service["provider"]["@type"] == "GovernmentOrganization"
    assert service["areaServed"]["name"] == "Tỉnh Hoà An"
    channels = {c["name"]: c for c in service["availableChannel"]}
    assert channels["Trực tuyến"]["serviceUrl"].startswith("https://")
    assert {t.unit for t in procedure.times} >= {"ngay_lam_viec"}
    for channel in procedure.channels:
        (time,) = channel.times
        # ISO 8601 has calendar days only: "n ngày làm việc" gets no processingTime, only its words.
        expected = {"gio": f"PT{time.value}H", "ngay": f"P{time.value}D", "thang": f"P{time.value}M"}.get(time.unit)
        assert channels[channel.label].get("processingTime") == expected
        assert str(time) in channels[channel.label]["description"]


def test_home_page(demo_site, demo_content):
    site_url = demo_content.settings.site_url
    html, og, json_ld = metadata(demo_site, "")
    check_common(demo_site, html, og, site_url, "", "website")
    assert og["og:title"] == demo_content.settings.department.name  # never the nav label "Trang chủ"
    (organization,) = [i for i in json_ld if i["@type"] == "GovernmentOrganization"]
    assert organization["telephone"] == "1900 0000" and organization["url"] == site_url


def test_every_card_is_1200x630_and_every_page_has_og_tags(demo_site, demo_content):
    cards = list(demo_site.rglob("anh-chia-se.png"))
    # one per post without image, category, procedure, field, the changelog, the results, and the site
    expected = (sum(1 for p in demo_content.news.posts if not p.image) + len(demo_content.news.categories)
                + len(demo_content.tthc.procedures) + len(demo_content.tthc.fields) + 3)
    assert len(cards) == expected
    for card in cards:
        with Image.open(card) as image:
            assert image.size == (1200, 630)
    for page in demo_site.rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html or page.parent.name == "admin":
            continue  # a former URL that forwards; the web editor, which is not shared
        assert re.search(r'<meta property="og:image" content="https://[^"]+">', html), page


def test_news_feeds_parse_and_are_linked(demo_site, demo_content):
    site_url = demo_content.settings.site_url
    feed = feedparser.parse((demo_site / "feed.xml").read_bytes())
    assert not feed.bozo and feed.version == "rss20"
    assert [e.link for e in feed.entries] == [site_url + p.url for p in demo_content.news.posts[:30]]
    for category in demo_content.news.categories:
        parsed = feedparser.parse((demo_site / category.url / "feed.xml").read_bytes())
        assert not parsed.bozo
        assert len(parsed.entries) == len(demo_content.news.by_category[category.slug][:30])
    assert 'type="application/rss+xml" title="Tin tức – Sở Y tế tỉnh Hoà An" href="feed.xml"' in (
        demo_site / "index.html").read_text(encoding="utf-8")


def test_share_bar_on_posts_categories_and_procedures(demo_site, demo_content):
    site_url = demo_content.settings.site_url
    for url in (demo_content.news.posts[0].url, demo_content.news.categories.ordered[0].url, demo_content.tthc.procedures[0].url):
        html = (demo_site / url / "index.html").read_text(encoding="utf-8")
        assert f'data-url="{site_url + url}"' in html
        assert "facebook.com/sharer/sharer.php?u=" + site_url.replace(":", "%3A").replace("/", "%2F") in html
        assert "zalo" not in html.lower()  # no Zalo unless configured


def test_zalo_only_when_configured(project):
    config = project.path / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        '  # zalo_oa_id: "1234567890"', '  zalo_oa_id: "1234567890"'), encoding="utf-8")
    project.post("2024-03-07-tin-thu")
    result = project.build()
    assert result.returncode == 0, result.stderr
    html = (project.path / "site/tin-tuc/2024/tin-thu/index.html").read_text(encoding="utf-8")
    assert 'data-oaid="1234567890"' in html
    assert "script-src 'self'" in html and "https://sp.zalo.me" in html and "frame-src https://*.zalo.me" in html
    assert "sp.zalo.me/plugins" not in html  # the SDK is loaded by site.js on tap, not by the page
