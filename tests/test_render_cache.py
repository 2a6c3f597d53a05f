"""Post bodies converted once and reused (cchc.render_cache): same pages, never stale, never quieter."""

from __future__ import annotations

from pathlib import Path

from cchc.render.markdown_cache import RenderCache, Rendered

BODY_A = "## Mục một\n\nXem [mục hai của tin B](2024-03-08-tin-b.md#muc-hai).\n"
BODY_B = "## Mục hai\n\nNội dung tin B.\n"


def _pages(site: Path) -> dict[str, bytes]:
    # Pagefind's own files are compared elsewhere; every page and feed is compared here.
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and "pagefind" not in p.parts and p.suffix in {".html", ".xml", ".json"}}


def test_second_build_reuses_conversions_and_gives_the_same_site(project):
    project.post("2024-03-07-tin-a", title="Tin A", body=BODY_A)
    project.post("2024-03-08-tin-b", title="Tin B", body=BODY_B)
    first = project.build()
    assert first.returncode == 0, first.stderr
    entries = sorted((project.path / ".cache/pages").glob("*.pickle"))
    assert len(entries) == 2  # one per post, nothing for generated listings
    before = _pages(project.path / "site")
    stamps = [p.stat().st_mtime_ns for p in entries]
    second = project.build(site="site2")
    assert second.returncode == 0, second.stderr
    assert [p.stat().st_mtime_ns for p in entries] == stamps  # read, not written again
    assert _pages(project.path / "site2") == before
    page = (project.path / "site2/tin-tuc/2024/tin-a/index.html").read_text(encoding="utf-8")
    assert 'href="../tin-b/#muc-hai"' in page and 'id="muc-mot"' in page
    assert 'href="#muc-mot"' in page  # the table of contents came back too


def test_an_edited_post_is_converted_again(project):
    post = project.post("2024-03-07-tin-a", title="Tin A", body="## Tiêu đề cũ\n\nNội dung.\n")
    assert project.build().returncode == 0
    post.write_text(post.read_text(encoding="utf-8").replace("Tiêu đề cũ", "Tiêu đề mới"), encoding="utf-8")
    result = project.build(site="site2")
    assert result.returncode == 0, result.stderr
    page = (project.path / "site2/tin-tuc/2024/tin-a/index.html").read_text(encoding="utf-8")
    assert "Tiêu đề mới" in page and "Tiêu đề cũ" not in page and 'href="#tieu-e-moi"' in page  # (toc drops đ from ids)


def test_anchor_checks_still_run_on_a_reused_post(project):
    project.post("2024-03-07-tin-a", title="Tin A", body=BODY_A)
    tin_b = project.post("2024-03-08-tin-b", title="Tin B", body=BODY_B)
    assert project.build().returncode == 0
    # Tin A is unchanged and reused; the heading it links to is gone.
    tin_b.write_text(tin_b.read_text(encoding="utf-8").replace("## Mục hai", "## Mục khác"), encoding="utf-8")
    result = project.build(site="site2")
    assert result.returncode != 0
    assert "muc-hai" in result.stderr and "tin-a" in result.stderr


def test_a_conversion_that_warned_is_not_kept(project):
    project.post("2024-03-07-tin-a", title="Tin A", body="Xem [danh mục](/tthc/).\n")
    for site in ("site", "site2"):  # fails the same way every time, not only the first
        result = project.build(site=site)
        assert result.returncode != 0 and "/tthc/" in result.stderr
    assert not list((project.path / ".cache/pages").glob("*.pickle"))


def test_damaged_entry_is_a_miss(tmp_path):
    cache = RenderCache(tmp_path, "salt")
    entry = cache.key("tin-tuc/a.md", "# A")
    cache.store(entry, Rendered("<h1>A</h1>", [], {"a"}, None))
    assert cache.load(entry).content == "<h1>A</h1>"
    (tmp_path / f"{entry}.pickle").write_bytes(b"not a pickle")
    assert cache.load(entry) is None and not (tmp_path / f"{entry}.pickle").exists()
    assert RenderCache(tmp_path, "other salt").key("tin-tuc/a.md", "# A") != entry


def test_the_second_build_really_takes_the_stored_html(project):
    """Proof the stored conversion is what gets published (MkDocs does not convert again)."""
    import pickle

    project.post("2024-03-07-tin-a", title="Tin A", body="## Mục một\n\nNội dung gốc.\n")
    assert project.build().returncode == 0
    (entry,) = (project.path / ".cache/pages").glob("*.pickle")
    rendered = pickle.loads(entry.read_bytes())
    rendered.content = rendered.content.replace("Nội dung gốc.", "Nội dung lấy từ bộ đệm.")
    entry.write_bytes(pickle.dumps(rendered))
    assert project.build(site="site2").returncode == 0
    page = (project.path / "site2/tin-tuc/2024/tin-a/index.html").read_text(encoding="utf-8")
    assert "Nội dung lấy từ bộ đệm." in page and "Nội dung gốc." not in page
