"""Page planning in the core: ordering, neighbours, listings, preview."""

from cchc.site.plan import home_context, plan_pages


def make_posts(project):
    project.post("2024-03-07-ba", date="2024-03-07 08:00", category="chuyen-doi-so")
    project.post("2024-03-07-hai", date="2024-03-07 09:00", category="chuyen-doi-so")
    project.post("2023-01-02-mot", category="cai-cach-the-che")
    project.post("2025-06-01-nhap", extra="draft: true\n")
    project.post("2026-12-31-hen", date="2026-12-31 07:00")  # after NOW


def test_posts_are_newest_first_and_held_back_when_not_ready(project):
    make_posts(project)
    content = project.content()
    assert [p.slug for p in content.news.posts] == ["hai", "ba", "mot"]
    assert content.news.hidden == 2
    assert list(content.news.by_year) == [2024, 2023]


def test_preview_shows_drafts_and_scheduled_posts(project):
    make_posts(project)
    content = project.content(preview=True)
    flags = {p.slug: (p.draft, p.scheduled) for p in content.news.posts}
    assert flags["nhap"] == (True, False) and flags["hen"] == (False, True)
    assert content.news.hidden == 0


def test_post_pages_link_neighbours_and_related(project):
    make_posts(project)
    specs = {s.src_uri: s for s in plan_pages(project.content())}
    middle = specs["tin-tuc/2024/ba.md"].context
    assert middle["newer"].slug == "hai" and middle["older"].slug == "mot"
    assert [p.slug for p in middle["related"]] == ["hai"]
    newest = specs["tin-tuc/2024/hai.md"].context
    assert newest["newer"] is None and specs["tin-tuc/2023/mot.md"].context["older"] is None


def test_listings_exist_for_every_category_and_year(project):
    make_posts(project)
    content = project.content()
    specs = {s.src_uri: s for s in plan_pages(content)}
    for category in content.news.categories:
        assert f"chuyen-muc/{category.slug}/index.md" in specs
    assert {"tin-tuc/index.md", "tin-tuc/2024/index.md", "tin-tuc/2023/index.md", "hoi-dap/index.md"} <= set(specs)
    assert "tin-tuc/2025/index.md" not in specs  # only a draft that year
    in_nav = sorted(s.src_uri for s in specs.values() if s.in_nav)
    assert in_nav == ["hoi-dap/index.md", "tin-tuc/index.md", "tthc/index.md"]


def test_pagination_follows_settings(project):
    for day in range(1, 24):
        project.post(f"2024-01-{day:02d}-tin-{day}")
    content = project.content()
    specs = {s.src_uri for s in plan_pages(content)}
    assert {"tin-tuc/trang/2.md", "tin-tuc/trang/3.md", "chuyen-muc/chuyen-doi-so/trang/3.md"} <= specs
    assert "tin-tuc/trang/4.md" not in specs
    home = home_context(content)
    assert len(home["latest"]) == content.settings.home_count


def test_qa_is_escaped_and_grouped(project):
    project.write("content/hoi-dap.yml", """
        questions:
          - question: "Lệ phí <b>bao nhiêu</b>?"
            topic: "Phí, lệ phí"
            answer: "Xem **biểu phí**."
          - question: "Nộp ở đâu?"
            topic: "Nộp hồ sơ"
            answer: "Tại Bộ phận Một cửa."
        """)
    spec = next(s for s in plan_pages(project.content()) if s.src_uri == "hoi-dap/index.md")
    assert "## Phí, lệ phí" in spec.markdown and "## Nộp hồ sơ" in spec.markdown
    assert "### Lệ phí \\<b\\>bao nhiêu\\</b\\>?" in spec.markdown
    assert "Xem **biểu phí**." in spec.markdown
