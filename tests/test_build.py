"""Real MkDocs builds of the demo site and of small projects."""

import gzip
import re
from pathlib import Path

import pytest
from conftest import ROOT

from checks.sitecheck import broken_links, parse

pytestmark = pytest.mark.build


def html(site: Path, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text(encoding="utf-8")


def test_demo_content_is_rich_enough(demo_content):
    assert len(demo_content.news.posts) >= 15
    assert len({p.year for p in demo_content.news.posts}) >= 3
    assert all(demo_content.news.by_category[c.slug] for c in demo_content.news.categories)
    assert sum(1 for p in demo_content.news.posts if p.image) >= 3
    assert demo_content.news.hidden == 2  # one draft, one scheduled


def test_every_url_exists(demo_site, demo_content):
    c = demo_content
    per_page = c.settings.per_page
    urls = ["", "tin-tuc/", "lien-he/", "hoi-dap/", "tthc/", "tthc/so-tay/", "huong-dan/", "admin/"]
    urls += [p.url for p in c.tthc.procedures] + [f.url for f in c.tthc.fields]
    urls += [f"tthc/so-tay/{f.slug}/" for f in c.tthc.fields]
    urls += [f"tthc/{alias}/" for p in c.tthc.procedures for alias in p.aliases]
    urls += ["tthc/thay-doi/", "tim-kiem/"] + [d.url for d in c.tthc.decisions]
    urls += [f"tthc/thay-doi/{year}/" for year in {d.signed.year for d in c.tthc.decisions}]
    urls += ["tthc/ket-qua/"] + [f"tthc/ket-qua/{year}/" for year in c.results.years]
    urls += [p.url for p in c.news.posts]
    urls += [f"tin-tuc/trang/{n}/" for n in range(2, -(-len(c.news.posts) // per_page) + 1)]
    urls += [f"tin-tuc/{year}/" for year in c.news.by_year]
    for category in c.news.categories:
        urls.append(category.url)
        urls += [f"{category.url}trang/{n}/" for n in range(2, -(-len(c.news.by_category[category.slug]) // per_page) + 1)]
    assert len(c.news.posts) > per_page  # the index really is paginated
    missing = [u for u in urls if not (demo_site / u / "index.html").is_file()]
    assert missing == []
    # ...and nothing else was published: no stray page from a draft or a typo.
    built = {p.parent.relative_to(demo_site).as_posix() + "/" for p in demo_site.rglob("index.html")}
    assert built == {u or "./" for u in urls}


def test_drafts_and_scheduled_posts_are_not_published(demo_site):
    for slug in ("trien-khai-benh-an-dien-tu-tai-cac-benh-vien", "hoi-nghi-tong-ket-cong-tac-cchc-nam-2026"):
        assert not (demo_site / "tin-tuc/2026" / slug).exists()
        assert not [p for p in demo_site.rglob("*.html") if slug in p.read_text(encoding="utf-8")]


def test_no_post_in_the_nav(demo_site, demo_content):
    post = demo_content.news.posts[5]
    nav = parse(demo_site / post.url / "index.html").nav_links
    assert nav, "the primary navigation should exist"
    assert not [link for link in nav if re.search(r"tin-tuc/\d{4}/", link)]
    assert not [link for link in nav if "chuyen-muc/" in link]
    sitemap_nav = parse(demo_site / "index.html").nav_links
    assert len(set(sitemap_nav)) <= 6


def test_all_internal_links_and_anchors_resolve(demo_site):
    assert broken_links(demo_site) == []


def test_post_page(demo_site, demo_content):
    c = demo_content
    post = next(p for p in c.news.posts if p.image)
    page = html(demo_site, post.url)
    assert f"<h1>{post.title}</h1>" in page
    assert post.date.strftime("%d/%m/%Y") in page
    assert f'href="../../../{post.category.url}"' in page
    assert 'width="1200" height="675"' in page and f'alt="{post.image_alt}"' in page
    index = c.news.posts.index(post)
    assert c.news.posts[index + 1].url.split("/")[-2] in page  # older neighbour
    assert c.news.posts[index - 1].url.split("/")[-2] in page  # newer neighbour
    assert '<meta name="description" content="' + post.summary in page


def test_post_pages_stay_small(demo_site, demo_content):
    sizes = {p.url: len(gzip.compress((demo_site / p.url / "index.html").read_bytes())) for p in demo_content.news.posts}
    assert max(sizes.values()) < 30_000, sizes


def test_news_index_pages(demo_site, demo_content):
    first, second = html(demo_site, "tin-tuc/"), html(demo_site, "tin-tuc/trang/2/")
    per_page = demo_content.settings.per_page
    assert first.count('class="cchc-card"') == per_page
    assert second.count('class="cchc-card"') == len(demo_content.news.posts) - per_page
    assert 'href="trang/2/"' in first and 'rel="next"' in first
    assert 'href="../../"' in second and 'rel="prev"' in second
    newest = demo_content.news.posts[0]
    assert first.index(newest.title) < first.index(demo_content.news.posts[1].title)


def test_category_page_lists_only_its_posts(demo_site, demo_content):
    category = next(c for c in demo_content.news.categories if len(demo_content.news.by_category[c.slug]) >= 2)
    page = html(demo_site, category.url)
    assert category.description in page
    for post in demo_content.news.posts:
        assert (post.title in page) == (post.category is category), post.title


def test_year_archive(demo_site, demo_content):
    for year, posts in demo_content.news.by_year.items():
        page = html(demo_site, f"tin-tuc/{year}/")
        assert page.count("<time") == len(posts)


def test_home_contact_and_qa(demo_site, demo_content):
    home = html(demo_site, "")
    assert "1900 0000" in home and 'href="tthc/"' in home
    assert demo_content.news.posts[0].title in home
    assert "Trang minh hoạ" in home  # demo data is marked as such
    contact = html(demo_site, "lien-he/")
    assert 'href="tel:19000000"' in contact and "Phản ánh, kiến nghị" in contact
    assert "dichvucong.hoaan.example.gov.vn/khao-sat/" in contact
    qa = html(demo_site, "hoi-dap/")
    for item in demo_content.news.qa:
        assert item.question in qa


def test_no_third_party_assets(demo_site):
    for path in demo_site.rglob("*.html"):
        page = parse(path)
        external = [u for u in page.scripts + page.stylesheets if re.match(r"^(https?:)?//", u)]
        assert external == [], path
        assert "fonts.googleapis" not in path.read_text(encoding="utf-8")


def test_vietnamese_ui_strings(demo_site):
    page = html(demo_site, "tin-tuc/")
    assert '<html lang="vi"' in page
    assert "Lên đầu trang" in page and "Trở lại mục lục" not in page


def test_editor_text_is_escaped(project):
    project.post("2024-03-07-tin-thu", title="Tin <script>alert(1)</script> thử",
                 summary="Tóm tắt có <b>thẻ</b> & ký tự đặc biệt cần được thoát.")
    result = project.build()
    assert result.returncode == 0, result.stderr
    page = (project.path / "site/tin-tuc/2024/tin-thu/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "Tin &lt;script&gt;alert(1)&lt;/script&gt; thử" in page
    assert "&lt;b&gt;thẻ&lt;/b&gt; &amp; ký tự" in page


def test_links_between_posts_and_to_attachments(project):
    project.write("content/news/2024/ke-hoach.pdf", b"%PDF-1.4 demo")
    project.post("2024-03-07-tin-thu", body="Tải [kế hoạch](ke-hoach.pdf).\n")
    project.post("2025-01-02-tin-sau", body="Xem lại [tin trước](../2024/2024-03-07-tin-thu.md).\n")
    result = project.build()
    assert result.returncode == 0, result.stderr
    site = project.path / "site"
    assert (site / "tin-tuc/2024/ke-hoach.pdf").read_bytes() == b"%PDF-1.4 demo"
    assert 'href="../ke-hoach.pdf"' in html(site, "tin-tuc/2024/tin-thu/")
    assert 'href="../../2024/tin-thu/"' in html(site, "tin-tuc/2025/tin-sau/")


def test_content_error_fails_the_build_and_writes_no_site(project):
    project.post("2024-03-07-tin-thu", date="2024-02-30")
    result = project.build(site="out")
    assert result.returncode != 0
    assert "content/news/2024/2024-03-07-tin-thu.md:3: date: ngày “2024-02-30” không tồn tại" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project.path / "out").exists()


def test_missing_site_url_fails_the_build(project):
    config = project.path / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^site_url:.*\n", "", config.read_text(encoding="utf-8")), encoding="utf-8")
    project.post("2024-03-07-tin-thu")
    result = project.build()
    assert result.returncode != 0 and "site_url" in result.stderr


def test_check_command_prints_every_error(project):
    project.post("2024-03-07-tin-thu", category="khong-co")
    project.post("2024-03-08-tin-hai", extra="draft: no\n")
    result = project.check()
    assert result.returncode == 1
    assert "content/news/2024/2024-03-07-tin-thu.md:4: category:" in result.stderr
    assert "content/news/2024/2024-03-08-tin-hai.md:6: draft:" in result.stderr
    project.post("2024-03-07-tin-thu")
    project.post("2024-03-08-tin-hai")
    result = project.check()
    assert result.returncode == 0 and "2 tin bài đăng được" in result.stdout


def test_make_build_keeps_no_partial_site(project):
    """With --strict a warning aborts after MkDocs has written pages; make must not keep them."""
    import shutil
    import subprocess

    from conftest import run_env
    shutil.copy(ROOT / "Makefile", project.path / "Makefile")
    project.post("2024-03-07-tin-thu")
    project.write("docs/loi.md", "# Lỗi\n\n[hỏng](khong-co.md)\n")
    make = ["make", "build", "STAMP=", "NODE_STAMP=", f"BIN={ROOT / '.venv' / 'bin'}", f"PYTHONPATH={ROOT}"]
    result = subprocess.run(make, cwd=project.path, env=run_env(), capture_output=True, text=True)
    assert result.returncode != 0 and "khong-co.md" in result.stderr + result.stdout
    assert not (project.path / "site").exists() and not (project.path / ".site-tmp").exists()
    (project.path / "docs/loi.md").unlink()
    result = subprocess.run(make, cwd=project.path, env=run_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (project.path / "site/tin-tuc/2024/tin-thu/index.html").is_file()


def test_listings_use_thumbnails_of_the_declared_size(demo_site, demo_content):
    from urllib.parse import urljoin

    from PIL import Image

    post = next(p for p in demo_content.news.posts if p.image)
    listing = "tin-tuc/" if demo_content.news.posts.index(post) < demo_content.settings.per_page else "tin-tuc/trang/2/"
    name = re.escape(post.thumbnail.rsplit("/", 1)[1])
    match = re.search(rf'src="([^"]*{name})"[^>]*width="(\d+)" height="(\d+)"', html(demo_site, listing))
    assert match
    thumb = demo_site / urljoin("/" + listing, match.group(1)).lstrip("/")
    with Image.open(thumb) as picture:
        assert picture.size == (int(match.group(2)), int(match.group(3)))
        assert picture.width == 480
    assert thumb.stat().st_size < (demo_site / post.image).stat().st_size / 2
