"""The speed machinery of hooks/ changes nothing in the site: shared frame parts, late writes, reused posts."""

from __future__ import annotations

import itertools
import logging
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ROOT, Project
from mkdocs.utils import normalize_url

from cchc.core import layout

sys.path.insert(0, str(ROOT / "hooks"))
import mkdocs_internals  # noqa: E402
from frame import Frame  # noqa: E402
from late_writes import LateWrites  # noqa: E402


@pytest.fixture
def demo_project(tmp_path) -> Project:
    return Project(tmp_path / "site-src", with_demo_content=True)


def test_the_site_is_byte_identical_to_the_one_plain_mkdocs_builds(demo_project):
    fast = demo_project.build(site="fast")
    assert fast.returncode == 0, fast.stderr
    plain = demo_project.build(site="plain", CCHC_PLAIN="1")
    assert plain.returncode == 0, plain.stderr
    one, two = demo_project.path / "fast", demo_project.path / "plain"
    files = sorted(p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file())
    assert len(files) > 200 and any(f.startswith("pagefind/fragment/") for f in files)
    assert files == sorted(p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file())
    # Pages, cards, feeds, open data and the search index, byte for byte.
    assert subprocess.run(["diff", "-r", str(one), str(two)], capture_output=True).returncode == 0
    # Pages written late are not reported as skipped; the plain build says why it is plain.
    assert "Page skipped" not in fast.stderr and "Documentation built" in fast.stderr
    assert "CCHC_PLAIN=1" in plain.stderr and "CCHC_PLAIN=1" not in fast.stderr


def test_another_mkdocs_version_builds_plainly_and_says_so_once(monkeypatch, caplog):
    monkeypatch.delenv("CCHC_PLAIN", raising=False)
    assert mkdocs_internals.usable()
    monkeypatch.setattr(mkdocs_internals, "version", lambda name: "1.7.0")
    with caplog.at_level(logging.INFO, logger="mkdocs.hooks.cchc"):
        assert not mkdocs_internals.usable() and not mkdocs_internals.usable()
    (record,) = caplog.records
    assert "MkDocs 1.7.0" in record.getMessage() and mkdocs_internals.TESTED in record.getMessage()


def test_an_error_on_a_page_names_the_page_and_leaves_no_pagefind_behind(demo_project):
    template = demo_project.path / "overrides/tthc-decision.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{% block content %}", "{% block content %}{{ cchc.khong_co.truong_nay() }}", 1), encoding="utf-8")
    result = demo_project.build()
    assert result.returncode != 0
    assert "Error building page 'tthc/quyet-dinh/" in result.stderr and "khong_co" in result.stderr
    leftover = subprocess.run(["pgrep", "-f", str(demo_project.path / "site" / "pagefind")], capture_output=True)
    assert leftover.returncode == 1  # no process still writing an index for the failed build


# -- Late writes -----------------------------------------------------------------------------------


def _file(source: Path, dest: Path) -> SimpleNamespace:
    return SimpleNamespace(abs_src_path=str(source), abs_dest_path=str(dest))


def test_late_writes_hold_everything_until_write_then_keep_order(tmp_path):
    card = tmp_path / "card.png"
    card.write_bytes(b"png")
    late = LateWrites()
    late.page("a.md", "<p>á</p>", str(tmp_path / "site/a/index.html"))
    late.file(_file(card, tmp_path / "site/a/anh-chia-se.png"))  # into the folder the page makes
    assert not (tmp_path / "site").exists()
    late.write()
    late.page("b.md", "<p>b</p>", str(tmp_path / "site/b/index.html"))  # after write(): written as it comes
    late.finish()
    assert (tmp_path / "site/a/index.html").read_bytes() == "<p>á</p>".encode()
    assert (tmp_path / "site/a/anh-chia-se.png").read_bytes() == b"png"
    assert (tmp_path / "site/b/index.html").read_text() == "<p>b</p>"
    assert late.uris == {"a.md", "b.md"}


def test_past_the_bytes_it_may_hold_the_writer_starts_in_order(tmp_path):
    """Ten years of pages are not all kept in memory until Pagefind is done (issue 22: peak RSS ≤ 1 GB)."""
    late = LateWrites(held=10)
    late.page("a.md", "<p>a</p>", str(tmp_path / "site/a/index.html"))  # 8 bytes: kept
    assert not (tmp_path / "site").exists()
    late.page("b.md", "<p>bb</p>", str(tmp_path / "site/b/index.html"))  # 17 in all: both go
    deadline = time.monotonic() + 30
    while not (tmp_path / "site/b/index.html").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (tmp_path / "site/a/index.html").exists()  # written before finish() was called
    late.page("c.md", "<p>c</p>", str(tmp_path / "site/c/index.html"))
    late.finish()
    assert sorted(p.parent.name for p in (tmp_path / "site").rglob("index.html")) == ["a", "b", "c"]


def test_a_failed_write_fails_the_build(tmp_path):
    blocker = tmp_path / "site"
    blocker.write_text("a file where a folder should be")
    late = LateWrites()
    late.page("a.md", "<p>a</p>", str(blocker / "a/index.html"))
    with pytest.raises(OSError):
        late.finish()


def test_abandoned_writes_write_nothing(tmp_path):
    late = LateWrites()
    late.page("a.md", "<p>a</p>", str(tmp_path / "site/a/index.html"))
    late.abandon()
    late.finish()
    assert not (tmp_path / "site").exists()


# -- Shared frame parts ----------------------------------------------------------------------------


def _nav(urls: list[str]) -> SimpleNamespace:
    pages = [SimpleNamespace(url=url) for url in urls]
    return SimpleNamespace(items=pages, pages=pages, homepage=pages[0])


def _config() -> SimpleNamespace:
    return SimpleNamespace(extra={}, theme={"logo": layout.LOGO, "features": ["navigation.tabs"]})


def test_pages_share_a_part_exactly_when_every_link_in_it_comes_out_alike(demo_site):
    nav = _nav([layout.HOME, layout.NEWS, layout.TTHC, layout.QA, layout.CONTACT])
    frame = Frame(nav, _config())
    targets = [layout.HOME, layout.LOGO, *layout.URL_ROOTS, *(p.url for p in nav.pages)]
    urls = sorted({p.parent.relative_to(demo_site).as_posix() + "/" for p in demo_site.rglob("index.html")} - {"./"})
    pages = [SimpleNamespace(url=url) for url in urls]
    keys = {page.url: frame._key(page) for page in pages}
    assert len(set(keys.values())) < len(pages) / 3  # most pages share

    def links(page):
        return [normalize_url(target, page) for target in targets]

    for a, b in itertools.combinations(pages, 2):
        if keys[a.url] == keys[b.url]:
            assert links(a) == links(b), (a.url, b.url)
    # The search page and the editors' guide are one folder deep, each its own: they must not share.
    assert keys["tim-kiem/"] != keys["huong-dan/"]


def test_a_part_is_rendered_once_for_pages_that_share_it_and_always_for_pages_in_the_nav():
    nav = _nav([layout.HOME, layout.NEWS, layout.TTHC])
    frame = Frame(nav, _config())
    calls = []

    def render():
        calls.append(1)
        return "<nav>"

    for url in ("tin-tuc/2024/a/", "tin-tuc/2024/b/", "tin-tuc/2025/c/"):
        assert frame.once("nav", SimpleNamespace(url=url), render) == "<nav>"
    assert len(calls) == 1
    frame.once("nav", nav.pages[1], render)
    frame.once("nav", nav.pages[1], render)
    assert len(calls) == 3
    plain = Frame(nav, _config(), shared=False)
    for url in ("tin-tuc/2024/a/", "tin-tuc/2024/b/"):
        plain.once("nav", SimpleNamespace(url=url), render)
    assert len(calls) == 5
