"""The changelog of the demo site, built for real: pages, banners, diffs, feed."""

import feedparser
import pytest

pytestmark = pytest.mark.build


def page(site, url):
    return (site / url.split("#")[0] / "index.html").read_text(encoding="utf-8")


def test_demo_decisions_cover_the_brief(demo_content):
    decisions = demo_content.tthc.decisions
    assert len(decisions) >= 6 and len({d.signed.year for d in decisions}) >= 2
    assert {c.kind for c in demo_content.tthc.changes} == {"moi_ban_hanh", "sua_doi_bo_sung", "thay_the", "bai_bo",
                                                          "chuan_hoa", "uy_quyen"}
    assert any(d.effective is None and d.approves_workflows for d in decisions)
    assert any(len(c.replaces) > 1 for c in demo_content.tthc.changes)  # several old procedures merged into one
    assert sum(1 for c in demo_content.tthc.changes if c.parts) >= 2  # amendments with history in git


def test_every_change_is_on_the_changelog_its_decision_page_and_the_feed(demo_site, demo_content):
    changelog = page(demo_site, "tthc/thay-doi/")
    feed = feedparser.parse((demo_site / "tthc/thay-doi/feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    feed_ids = {entry.id for entry in feed.entries}
    site = demo_content.settings.site_url
    for change in demo_content.tthc.changes:
        decision_page = page(demo_site, change.decision.url)
        assert f'id="{change.anchor}"' in decision_page
        assert f'href="../../{change.procedure.slug}/"' in decision_page
        year_page = page(demo_site, f"tthc/thay-doi/{change.decision.signed.year}/")
        for listing in (changelog, year_page):
            assert f'{change.decision.slug}/#{change.anchor}"' in listing
        assert site + change.url in feed_ids
    assert len(feed.entries) == len(demo_content.tthc.changes)


def test_counts_per_type(demo_site, demo_content):
    changelog = page(demo_site, "tthc/thay-doi/")
    for kind, label in (("moi_ban_hanh", "Mới ban hành"), ("bai_bo", "Bãi bỏ")):
        count = sum(1 for c in demo_content.tthc.changes if c.kind == kind)
        assert f'cchc-badge--{kind}">{label}</span> {count}</li>' in changelog


def test_feed_entries_say_what_changed(demo_site, demo_content):
    feed = feedparser.parse((demo_site / "tthc/thay-doi/feed.xml").read_bytes())
    assert feed.feed.title.startswith("Thay đổi thủ tục hành chính")
    newest = demo_content.tthc.changes[0]
    entry = feed.entries[0]
    assert entry.title == f"{newest.label}: {newest.procedure.name}"
    assert newest.decision.number in entry.summary
    assert entry.link == demo_content.settings.site_url + newest.procedure.url
    assert [t.term for t in entry.tags] == [newest.kind]


def test_retired_procedures_keep_pages_with_banner_and_successors(demo_site, demo_content):
    retired = [p for p in demo_content.tthc.procedures if p.retired_by]
    assert {p.status for p in retired} == {"bai_bo", "thay_the"}
    for p in retired:
        html = page(demo_site, p.url)
        assert "cchc-status--retired" in html
        assert p.retired_by.decision.number in html and p.retired_by.effective.strftime("%d/%m/%Y") in html
        for successor in p.replaced_by:
            assert f'href="../{successor.slug}/"' in html
            assert f'href="../{p.slug}/"' in page(demo_site, successor.url)


def test_pending_abolition_is_announced_but_not_yet_applied(demo_site, demo_content):
    pending = [p for p in demo_content.tthc.procedures if p.pending]
    assert pending
    for p in pending:
        html = page(demo_site, p.url)
        assert p.in_force and "cchc-status--pending" in html and "chưa có hiệu lực" in html


def test_amendment_lists_the_parts_that_changed(demo_site, demo_content):
    procedure = next(p for p in demo_content.tthc.procedures if p.code == "1.004616")
    (amendment,) = [c for c in procedure.history if c.kind == "sua_doi_bo_sung"]
    assert amendment.parts == [
        "Thời hạn giải quyết (Trực tiếp): 20 ngày → 15 ngày làm việc",
        "Thời hạn giải quyết (Trực tuyến): 20 ngày → 10 ngày làm việc",
        "Phí, lệ phí (Trực tuyến): 500.000 đồng → 250.000 đồng",
        "Thời hạn giải quyết (Dịch vụ bưu chính): 20 ngày → 15 ngày làm việc",
        "Thành phần hồ sơ: bổ sung “Phiếu lý lịch tư pháp”",
    ]
    html = page(demo_site, procedure.url)
    history = html[html.index('id="lich-su-thay-doi"'):]
    for part in amendment.parts:
        assert part in history.replace("&#34;", '"')


def test_home_page_shows_latest_changes(demo_site, demo_content):
    home = page(demo_site, "")
    for change in demo_content.tthc.changes[:5]:
        assert change.procedure.name in home


def test_changelog_links_its_feed(demo_site):
    assert '<link rel="alternate " type="application/atom+xml"' in page(demo_site, "tthc/thay-doi/")
