"""The preview's memory between builds, in the core (cchc.core.memo, cchc.site.preview): what is read again,
what counts as changed, and that what it keeps gives the same bytes as making everything again."""

from __future__ import annotations

import base64
import hashlib
import os
import time
from pathlib import Path

from conftest import NOW, ROOT

from cchc.core.dates import parse_datetime
from cchc.core.memo import RACY, FileMemo
from cchc.core.settings import Settings
from cchc.render.csp import add_policy, allow_script
from cchc.site.content import load_content
from cchc.site.plan import plan_files, plan_pages
from cchc.site.preview import Freezer, Versions, error_page, freeze
from cchc.tthc import export


def _load(root: Path, memo: FileMemo | None = None):
    return load_content(Settings.from_project(root), parse_datetime(NOW), preview=True, memo=memo)


def _age(path: Path, seconds: float = 3 * RACY) -> None:
    """As if written a while ago: not "racy" (cchc.core.memo)."""
    when = time.time() - seconds
    os.utime(path, (when, when))


def test_the_snapshot_names_what_changed_appeared_or_went(tmp_path):
    for name in ("a/x.md", "a/y.md", "b/z.yml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("một", encoding="utf-8")
        _age(tmp_path / name)
    memo = FileMemo()
    memo.snapshot(tmp_path)
    assert memo.changes is None  # nothing to compare with yet
    memo.snapshot(tmp_path)
    assert memo.changes == set()
    (tmp_path / "a/x.md").write_text("hai", encoding="utf-8")
    (tmp_path / "a/new.md").write_text("ba", encoding="utf-8")
    (tmp_path / "b/z.yml").unlink()
    memo.snapshot(tmp_path)
    assert memo.changes == {"a/x.md", "a/new.md", "b/z.yml"} and memo.moved == {"a/new.md", "b/z.yml"}
    assert not memo.edits_only("a", (".md",)) and not memo.edits_only("b", (".yml",))


def test_a_file_saved_twice_in_one_clock_tick_is_still_seen(tmp_path):
    path = tmp_path / "tin.md"
    path.write_text("một", encoding="utf-8")
    stat = path.stat()
    memo = FileMemo()
    memo.snapshot(tmp_path)
    memo.snapshot(tmp_path)
    # Same size, same mtime: only the bytes tell (the file was saved within RACY seconds of the snapshot).
    path.write_text("hai", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    memo.snapshot(tmp_path)
    assert memo.changes == {"tin.md"} and memo.edits_only("", (".md",))
    memo.snapshot(tmp_path)
    assert memo.changes == set()  # read again, the same bytes: unchanged


def test_a_symbolic_link_in_content_means_the_snapshot_cannot_tell(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "a")
    memo = FileMemo()
    memo.snapshot(tmp_path)
    memo.snapshot(tmp_path)
    assert memo.changes is None and not memo.untouched(tmp_path / "a" / "x")


def test_a_memo_hands_back_the_same_posts_and_reads_only_what_changed(tmp_path, project):
    first = project.post("2024-03-07-mot", title="Tin thứ nhất")
    project.post("2024-03-08-hai", title="Tin thứ hai")
    for path in (project.path / "content").rglob("*"):
        if path.is_file():
            _age(path)
    memo = FileMemo()
    one = _load(project.path, memo)
    two = _load(project.path, memo)
    assert two.news is one.news and two.tthc is one.tthc  # nothing changed: the whole result again
    first.write_text(first.read_text(encoding="utf-8").replace("Tin thứ nhất", "Tin đã sửa"), encoding="utf-8")
    three = _load(project.path, memo)
    by_slug = {post.slug: post for post in three.news.posts}
    assert by_slug["mot"].title == "Tin đã sửa" and by_slug["hai"] is {p.slug: p for p in one.news.posts}["hai"]
    assert three.news is not one.news and three.tthc is one.tthc


def test_what_the_memo_keeps_plans_the_same_pages_and_files_as_a_load_without_it(tmp_path):
    memo, plans = FileMemo(), {}
    kept = _load(ROOT, memo)
    kept = _load(ROOT, memo)  # the second load: everything from the memo
    fresh = _load(ROOT)
    versions = Versions()
    versions.update(kept.tthc)
    pages = {spec.src_uri: spec for spec in plan_pages(kept, plans, versions.token)}
    again = {spec.src_uri: spec for spec in plan_pages(kept, plans, versions.token)}
    assert [uri for uri in pages if again[uri] is not pages[uri]] == ["tim-kiem/index.md"]  # the rest is kept
    other = Versions()
    other.update(fresh.tthc)
    freezer, other_freezer = Freezer(versions.token), Freezer(other.token)
    assert {uri: freezer(spec) for uri, spec in pages.items()} == {
        spec.src_uri: other_freezer(spec) for spec in plan_pages(fresh)}
    assert plan_files(kept, None, plans, versions.token) == plan_files(fresh)
    assert plan_files(kept, None, plans, versions.token) == plan_files(fresh)  # from what it kept


def test_a_changed_record_gives_a_new_version_to_every_record_linked_to_it(tmp_path):
    content = _load(ROOT)
    versions = Versions()
    versions.update(content.tthc)
    replacing = next(p for p in content.tthc.procedures if p.replaces)
    alone = next(p for p in content.tthc.procedures  # linked to nothing: no decision, no other record
                 if not (p.history or p.replaces or p.replaced_by or p.related))

    def shown(catalogue_content, src_uri: str):
        return freeze(next(s for s in plan_pages(catalogue_content) if s.src_uri == src_uri), versions.token)

    before = {uri: shown(content, uri) for uri in (replacing.src_uri, replacing.replaces[0].src_uri, alone.src_uri)}
    again = _load(ROOT)  # new objects, as after a save of the replacing record: its name changed
    renamed = next(p for p in again.tthc.procedures if p.src_uri == replacing.src_uri)
    renamed.name = "Tên mới"
    versions.update(again.tthc)
    assert shown(again, replacing.src_uri) != before[replacing.src_uri]
    assert shown(again, replacing.replaces[0].src_uri) != before[replacing.replaces[0].src_uri]  # it names it
    assert shown(again, alone.src_uri) == before[alone.src_uri]  # new objects, same page


def test_open_data_written_record_by_record_is_the_same_file(tmp_path):
    content = _load(ROOT)
    settings = content.settings
    whole = export.data_files(content.tthc, settings)
    kept: dict = {}
    parts = (lambda p: p.src_uri, {}, kept)
    assert export.data_files(content.tthc, settings, parts) == whole
    assert export.data_files(content.tthc, settings, (lambda p: p.src_uri, kept, {})) == whole  # all kept


def test_the_error_page_lists_every_message_escaped_with_a_strict_policy():
    page = error_page(['content/news/2024/a.md:4: category: không có chuyên mục “<script>x</script>”'],
                      'Sở "Y tế"')
    assert "<code>content/news/2024/a.md:4: category: không có chuyên mục “&lt;script&gt;x&lt;/script&gt;”</code>" in page
    assert "<script>" not in page and "Sở &quot;Y tế&quot;" in page
    assert "script-src 'self' 'wasm-unsafe-eval'; " in page  # no inline script allowed but by hash


def test_the_reload_script_is_allowed_by_its_hash_and_nothing_else_is():
    page = add_policy('<html><head><meta charset="utf-8"></head><body><p>x</p></body></html>')
    allowed = allow_script(page, "livereload(1, 2);").split("script-src ")[1].split(";")[0].split()
    digest = base64.b64encode(hashlib.sha256(b"livereload(1, 2);").digest()).decode()
    assert allowed == [f"'sha256-{digest}'", "'self'", "'wasm-unsafe-eval'"]
