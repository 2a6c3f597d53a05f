"""Feeds as readers and validators take them: channel links, dates never in the future, unique
ids, and one Atom feed of changes per field (cchc/news/feeds.py, cchc/tthc/changelog.py)."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from textwrap import dedent

import feedparser
import pytest

from cchc.core import layout
from cchc.core.dates import EPOCH, parse_datetime
from cchc.site.plan import plan_files
from cchc.tthc.changelog import FEED_ENTRIES
from tests.conftest import NOW

T_NOW = parse_datetime(NOW)
NAME = 'name: "Cấp giấy phép hành nghề khám bệnh, chữa bệnh đối với bác sỹ"'


def parse(data: bytes) -> feedparser.FeedParserDict:
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.bozo_exception
    return feed


def instant(parsed) -> datetime:
    """feedparser's *_parsed values are UTC struct_time."""
    return datetime(*parsed[:6], tzinfo=UTC)


def self_links(feed) -> list[str]:
    return [link.href for link in feed.feed.links if link.rel == "self"]


# -- RSS of the news ------------------------------------------------------------

@pytest.mark.build
def test_rss_channel_links_the_page_and_self_links_the_feed(demo_site, demo_content):
    site = demo_content.settings.site_url
    listings = [(layout.NEWS, layout.NEWS_FEED, demo_content.news.posts)]
    listings += [(c.url, layout.feed_url(c.url), demo_content.news.by_category[c.slug])
                 for c in demo_content.news.categories]
    for page_url, feed_url, posts in listings:
        feed = parse((demo_site / feed_url).read_bytes())
        assert feed.version == "rss20"
        assert feed.feed.link == site + page_url, feed_url  # the page a reader opens, not the feed again
        assert self_links(feed) == [site + feed_url]
        guids = [entry.id for entry in feed.entries]
        assert len(guids) == len(set(guids)) == len(posts[:30])
        assert instant(feed.feed.updated_parsed) <= T_NOW
        assert all(instant(entry.published_parsed) <= T_NOW for entry in feed.entries)


def test_rss_never_dated_after_the_build(project, monkeypatch):
    monkeypatch.setenv("CCHC_NOW", NOW)
    project.post("2026-11-01-da-dang")
    project.post("2026-10-01-se-cap-nhat", extra="updated: 2026-12-15 08:00\n")  # an update not due yet
    project.post("2026-11-30-hen-gio")  # scheduled after NOW: not published
    files = plan_files(project.content())
    feed = parse(files[layout.NEWS_FEED])
    assert [e.link.rsplit("/", 2)[-2] for e in feed.entries] == ["da-dang", "se-cap-nhat"]
    assert instant(feed.feed.updated_parsed) == parse_datetime("2026-11-01 08:00")


# -- Atom of procedure changes ---------------------------------------------------

def changes_in(field, changes):
    return [c for c in changes if c.procedure.field.slug == field.slug
            or any(p.field.slug == field.slug for p in c.replaces)]


@pytest.mark.build
def test_changelog_feeds_are_never_dated_in_the_future(demo_site, demo_content):
    site = demo_content.settings.site_url
    feeds = {layout.CHANGELOG_FEED: layout.CHANGELOG}
    feeds.update({layout.feed_url(f.url): f.url for f in demo_content.tthc.fields})
    for feed_url, page_url in feeds.items():
        feed = parse((demo_site / feed_url).read_bytes())
        assert feed.version == "atom10"
        assert feed.feed.link == site + page_url and self_links(feed) == [site + feed_url]
        assert instant(feed.feed.updated_parsed) <= T_NOW, feed_url
        ids = [entry.id for entry in feed.entries]
        assert len(ids) == len(set(ids)), feed_url
        for entry in feed.entries:
            assert instant(entry.updated_parsed) <= T_NOW, entry.id
            assert instant(entry.published_parsed) <= instant(entry.updated_parsed)
        if feed.entries:
            assert instant(feed.feed.updated_parsed) == max(instant(e.updated_parsed) for e in feed.entries)
    # The demo's pending abolition (in force from 01/01/2027) says when, without dating itself then.
    pending = [c for c in demo_content.tthc.changes if c.upcoming]
    assert pending
    entries = {e.id: e for e in parse((demo_site / layout.CHANGELOG_FEED).read_bytes()).entries}
    for change in pending:
        assert f"có hiệu lực từ {change.effective:%d/%m/%Y}" in entries[site + change.url].summary


@pytest.mark.build
def test_every_field_has_a_feed_of_its_changes_and_links_it(demo_site, demo_content):
    site = demo_content.settings.site_url
    changes = demo_content.tthc.changes
    empty = 0
    for field in demo_content.tthc.fields:
        feed = parse((demo_site / layout.feed_url(field.url)).read_bytes())
        expected = changes_in(field, changes)[:FEED_ENTRIES]
        ids = [e.id for e in feed.entries]
        assert sorted(ids) == sorted(site + c.url for c in expected), field.slug
        published = [instant(e.published_parsed) for e in feed.entries]
        assert published == sorted(published, reverse=True)  # most recently published first
        assert field.name in feed.feed.title
        if not expected:
            empty += 1
            assert instant(feed.feed.updated_parsed) == EPOCH  # stable, never the build's clock
        html = (demo_site / field.url / "index.html").read_text(encoding="utf-8")
        assert ('<link rel="alternate " type="application/atom+xml" '
                f'title="Thay đổi thủ tục lĩnh vực {field.name}" href="feed.xml">') in html
        assert '<a href="feed.xml">Theo dõi thay đổi (Atom)</a>' in html
    assert empty and empty < len(demo_content.tthc.fields)  # both kinds are in the demo
    # A replacement shows in the field of the procedure it replaces, too.
    crossing = [c for c in changes if any(p.field.slug != c.procedure.field.slug for p in c.replaces)]
    for change in crossing:
        for old in change.replaces:
            feed = parse((demo_site / layout.feed_url(old.field.url)).read_bytes())
            assert site + change.url in {e.id for e in feed.entries}


def _decision(project, name: str, number: str, signed: str, effective: str | None, entries: str):
    when = f"effective: {effective}\n" if effective else ""
    project.write(f"content/tthc/quyet-dinh/{name}.yml",
                  f'number: "{number}"\nissuer: "Uỷ ban nhân dân tỉnh"\nsigned: {signed}\n{when}'
                  f'title: "Về việc công bố danh mục thủ tục hành chính"\nentries:\n{dedent(entries)}')


@pytest.fixture
def changes_project(project):
    """A pending abolition, a replacement across two fields, a change without an effective date."""
    project.write("content/tthc/mau/don.docx", b"PK\x03\x04 demo docx")
    project.procedure("1.004616", replace={NAME: 'name: "Cấp giấy phép hoạt động phòng khám"'})
    project.procedure("1.000001", code='"1.000001"', replace={NAME: 'name: "Cấp chứng chỉ hành nghề dược (mới)"'})
    project.procedure("1.000002", code='"1.000002"', field="duoc-pham",
                      replace={NAME: 'name: "Cấp chứng chỉ hành nghề dược (cũ)"'})
    _decision(project, "qd-10-ubnd-2025", "10/QĐ-UBND", "2025-03-01", "2025-03-15", """\
        - change: thay_the
          procedure: "1.000001"
          replaces: ["1.000002"]
        """)
    _decision(project, "qd-20-ubnd-2026", "20/QĐ-UBND", "2026-01-02", None, """\
        - change: sua_doi_bo_sung
          procedure: "1.000001"
        """)
    _decision(project, "qd-30-ubnd-2026", "30/QĐ-UBND", "2026-11-20", "2027-01-01", """\
        - change: bai_bo
          procedure: "1.004616"
        """)
    return project


@pytest.mark.build
def test_pending_abolition_replacement_and_unknown_date_in_feeds(changes_project):
    result = changes_project.build()
    assert result.returncode == 0, result.stderr
    site_dir = changes_project.path / "site"
    feed = parse((site_dir / layout.CHANGELOG_FEED).read_bytes())
    entries = {e.id.rsplit("/", 2)[-2]: e for e in feed.entries}
    assert list(entries) == ["qd-30-ubnd-2026", "qd-20-ubnd-2026", "qd-10-ubnd-2025"]

    abolition = entries["qd-30-ubnd-2026"]
    # No git here: published when signed, never on 01/01/2027 when it takes effect.
    assert instant(abolition.updated_parsed) == instant(abolition.published_parsed) == parse_datetime("2026-11-20")
    assert instant(feed.feed.updated_parsed) == parse_datetime("2026-11-20") <= T_NOW
    assert "Cấp giấy phép hoạt động phòng khám" in abolition.summary
    assert "bị bãi bỏ" in abolition.summary and "có hiệu lực từ 01/01/2027" in abolition.summary

    assert "chưa rõ ngày hiệu lực" in entries["qd-20-ubnd-2026"].summary
    replacement = entries["qd-10-ubnd-2025"].summary
    assert ("Thủ tục “Cấp chứng chỉ hành nghề dược (mới)” (mã 1.000001) thay thế "
            "“Cấp chứng chỉ hành nghề dược (cũ)” (mã 1.000002)") in replacement

    # Per field: the replacement in both fields, the others only where their procedure is.
    by_field = {slug: parse((site_dir / layout.FIELDS / slug / layout.FEED).read_bytes())
                for slug in ("kham-benh-chua-benh", "duoc-pham", "my-pham")}
    assert len(by_field["kham-benh-chua-benh"].entries) == 3
    assert [e.id for e in by_field["duoc-pham"].entries] == [entries["qd-10-ubnd-2025"].id]
    assert by_field["duoc-pham"].entries[0].summary == replacement  # one entry builder for every feed
    assert by_field["my-pham"].entries == [] and instant(by_field["my-pham"].feed.updated_parsed) == EPOCH


def _git(project, *args: str, date: str | None = None) -> None:
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_SYSTEM": "/dev/null", "PATH": "/usr/bin:/bin"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", "-c", "user.name=Biên tập", "-c", "user.email=bt@example.gov.vn", *args],
                   cwd=project.path, env=env, check=True, capture_output=True)


def test_changes_are_dated_when_their_decision_was_committed(changes_project, monkeypatch):
    monkeypatch.setenv("CCHC_NOW", NOW)
    _git(changes_project, "init", "-q")
    _git(changes_project, "add", "content/linh-vuc.yml", "content/tthc/1.000001.yml", "content/tthc/1.000002.yml",
         "content/tthc/quyet-dinh/qd-10-ubnd-2025.yml")
    _git(changes_project, "commit", "-q", "-m", "QĐ 10", date="2025-03-03T16:45:10+07:00")
    # Committed after the build's clock (a past build reproduced): the signing date stands in.
    _git(changes_project, "add", "content/tthc/quyet-dinh/qd-20-ubnd-2026.yml")
    _git(changes_project, "commit", "-q", "-m", "QĐ 20", date="2026-11-25T09:00:00+07:00")
    # qd-30 is not committed at all: its signing date too.
    files = plan_files(changes_project.content())
    committed = parse_datetime("2025-03-03 16:45:10")
    assert _dates(files[layout.CHANGELOG_FEED]) == {
        "qd-30-ubnd-2026": (parse_datetime("2026-11-20"),) * 2,
        "qd-20-ubnd-2026": (parse_datetime("2026-01-02"),) * 2,
        "qd-10-ubnd-2025": (committed,) * 2,
    }
    assert _dates(files[layout.feed_url(layout.FIELD_URL.format(slug="duoc-pham"))]) == {
        "qd-10-ubnd-2025": (committed,) * 2}


def _dates(data: bytes) -> dict[str, tuple[datetime, datetime]]:
    """Decision slug → (published, updated) of its entry."""
    return {e.id.rsplit("/", 2)[-2]: (instant(e.published_parsed), instant(e.updated_parsed))
            for e in parse(data).entries}


def test_entry_ids_do_not_move_when_other_content_changes(changes_project, monkeypatch):
    monkeypatch.setenv("CCHC_NOW", NOW)
    before = parse(plan_files(changes_project.content())[layout.CHANGELOG_FEED])
    changes_project.procedure("1.000003", code='"1.000003"', field="my-pham")
    _decision(changes_project, "qd-5-ubnd-2026", "5/QĐ-UBND", "2026-05-01", "2026-05-15", """\
        - change: moi_ban_hanh
          procedure: "1.000003"
        """)
    after = parse(plan_files(changes_project.content())[layout.CHANGELOG_FEED])
    old = {e.title: e.id for e in before.entries}
    assert {e.title: e.id for e in after.entries if e.title in old} == old
    assert len(after.entries) == len({e.id for e in after.entries}) == len(before.entries) + 1
