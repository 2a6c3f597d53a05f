"""Pages rendered on the second core (hooks/render_pool.py) are the pages MkDocs would render."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from conftest import ROOT, Project

sys.path.insert(0, str(ROOT / "hooks"))
from render_pool import PRERENDERED, RenderPool, later, template_costs, wanted  # noqa: E402


@pytest.fixture
def demo_project(tmp_path) -> Project:
    return Project(tmp_path / "site-src", with_demo_content=True)


def test_site_built_on_two_cores_is_byte_identical_to_the_one_built_on_one(demo_project):
    serial = demo_project.build(site="serial", CCHC_PARALLEL="0")
    assert serial.returncode == 0, serial.stderr
    parallel = demo_project.build(site="parallel", CCHC_PARALLEL="1")
    assert parallel.returncode == 0, parallel.stderr
    one, two = demo_project.path / "serial", demo_project.path / "parallel"
    files = sorted(p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file())
    assert len(files) > 200 and any(f.startswith("pagefind/fragment/") for f in files)
    assert files == sorted(p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file())
    # Pages, cards, feeds, open data and the search index, byte for byte.
    assert subprocess.run(["diff", "-r", str(one), str(two)], capture_output=True).returncode == 0
    assert not any(PRERENDERED in p.read_text(encoding="utf-8") for p in two.rglob("*.html"))
    # Pages written late (hooks/late_writes.py) or by the copy are not reported as skipped.
    for result in (serial, parallel):
        assert "Page skipped" not in result.stderr and "Documentation built" in result.stderr


def test_an_error_on_a_page_rendered_by_the_copy_names_that_page(demo_project, tmp_path):
    # Decisions are the last searchable pages, so the copy renders them.
    template = demo_project.path / "overrides/tthc-decision.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{% block content %}", "{% block content %}{{ cchc.khong_co.truong_nay }}", 1), encoding="utf-8")
    temp = tmp_path / "tmp"
    temp.mkdir()
    result = demo_project.build(CCHC_PARALLEL="1", TMPDIR=str(temp))
    assert result.returncode != 0
    assert "Error building page 'tthc/quyet-dinh/" in result.stderr and "khong_co" in result.stderr
    assert not list(temp.glob("cchc-render-*"))  # the copy's results file is removed


def _page(uri: str) -> SimpleNamespace:
    return SimpleNamespace(file=SimpleNamespace(src_uri=uri), meta={"template": "post.html"})


def test_warnings_logged_by_the_copy_are_logged_by_the_build(caplog):
    def render(page):
        logging.getLogger("mkdocs.structure.pages").warning("liên kết hỏng trong %s", page.file.src_uri)
        return f"<p>{page.file.src_uri}</p>"

    pages = [_page("a.md"), _page("b.md")]
    with caplog.at_level(logging.WARNING):
        pool = RenderPool([pages], render)
        assert [page.meta["template"] for page in pages] == [PRERENDERED] * 2
        assert pool.take("khac.md") is None and pool.renders("a.md") and not pool.renders("khac.md")
        assert pool.take("b.md") == "<p>b.md</p>" and pool.take("a.md") == "<p>a.md</p>"
        pool.finish()
    assert [r.getMessage() for r in caplog.records] == ["liên kết hỏng trong a.md", "liên kết hỏng trong b.md"]


def test_a_batch_is_taken_as_soon_as_it_is_done_not_when_the_copy_is(tmp_path):
    gate = tmp_path / "gate"

    def render(page):
        if page.file.src_uri == "listing.md":  # waits until the build took the first batch
            for _ in range(400):
                if gate.exists():
                    return "after"
                time.sleep(0.025)
            return "before"
        return page.file.src_uri

    pool = RenderPool([[_page("post.md")], [_page("listing.md")]], render)
    assert pool.take("post.md") == "post.md"
    gate.touch()
    assert pool.take("listing.md") == "after"
    pool.finish()


def test_finish_runs_in_the_copy_after_every_batch_and_the_build_waits_for_it(tmp_path):
    done = tmp_path / "done"
    pool = RenderPool([[_page("a.md")], []], lambda page: "a", finish=lambda: done.write_text("ok"))
    assert pool.take("a.md") == "a"
    pool.finish()
    assert done.read_text() == "ok"


def test_an_error_in_finish_fails_the_build(tmp_path):
    def finish():
        raise OSError("đĩa đầy")

    pool = RenderPool([[_page("a.md")]], lambda page: "a", finish=finish)
    assert pool.take("a.md") == "a"
    with pytest.raises(RuntimeError, match="Error writing the pages: OSError: đĩa đầy"):
        pool.finish()
    pool.close()


def test_an_error_in_a_later_batch_names_its_page():
    def render(page):
        if page.file.src_uri == "listing.md":
            raise KeyError("truong_nay")
        return "ok"

    pool = RenderPool([[_page("post.md")], [_page("listing.md")]], render)
    assert pool.take("post.md") == "ok"
    with pytest.raises(RuntimeError, match="Error building page 'listing.md': KeyError: 'truong_nay'"):
        pool.take("listing.md")
    pool.close()


def test_a_copy_that_dies_fails_the_build_instead_of_dropping_pages():
    pool = RenderPool([[_page("a.md")]], lambda page: os._exit(3))
    with pytest.raises(RuntimeError, match="stopped"):
        pool.take("a.md")
    pool.close()


def test_closing_stops_a_copy_still_at_work_and_removes_its_folder():
    pool = RenderPool([[_page("a.md")]], lambda page: time.sleep(60))
    folder = pool._dir
    pool.close()
    assert not os.path.exists(folder)


def test_only_large_builds_fork(monkeypatch):
    monkeypatch.delenv("CCHC_PARALLEL", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert not wanted("build", 10) and not wanted("serve", 10_000) and wanted("build", 10_000)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert not wanted("build", 10_000)
    monkeypatch.setenv("CCHC_PARALLEL", "0")
    assert not wanted("build", 10_000)
    monkeypatch.setenv("CCHC_PARALLEL", "1")
    assert wanted("build", 1) and not wanted("serve", 1)


def test_the_copy_takes_the_last_pages_worth_its_share_of_the_rendering_time():
    pages = [_page(f"tin-{n}.md") for n in range(6)] + [_page(f"tthc-{n}.md") for n in range(2)]
    for page in pages[6:]:
        page.meta["template"] = "tthc.html"
    cost = {"post.html": 1.0, "tthc.html": 3.0}
    weighed = later(pages, 0.5, lambda page: cost[page.meta["template"]])
    assert [p.file.src_uri for p in weighed] == ["tthc-0.md", "tthc-1.md"]  # 6 of 12
    assert len(later(pages, 0.5)) == 4 and later(pages, 0.0) == [] and later([], 0.5) == []


def test_template_costs_times_one_page_of_each_template():
    pages = [_page("a.md"), _page("b.md"), _page("c.md")]
    pages[2].meta["template"] = "tthc.html"
    rendered = []

    def render(page):
        rendered.append(page.file.src_uri)
        time.sleep(0.02 if page.meta["template"] == "tthc.html" else 0.001)

    costs = template_costs(pages, render)
    assert set(costs) == {"post.html", "tthc.html"} and costs["tthc.html"] > costs["post.html"] * 5
    assert "b.md" not in rendered
    pages[1].meta["template"] = "hong.html"  # a template that fails is left to the page loop

    def failing(page):
        if page.meta["template"] == "hong.html":
            raise KeyError("khong_co")

    assert set(template_costs(pages, failing)) == {"post.html", "tthc.html"}
