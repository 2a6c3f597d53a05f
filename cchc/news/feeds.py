"""Feeds, written with feedgen so the XML is right by construction."""

from __future__ import annotations

from datetime import datetime

from feedgen.feed import FeedGenerator

from cchc.site.content import Content
from cchc.news.model import Post
from cchc.core.dates import VN_TZ, format_date

CHANGELOG_FEED = "tthc/thay-doi/feed.xml"
NEWS_FEED = "feed.xml"
NEWS_ITEMS = 30  # newest posts in a news feed
_EPOCH = datetime(2000, 1, 1, tzinfo=VN_TZ)  # "updated" of a feed with no entry yet, fixed for reproducible builds
FEED_ENTRIES = 200  # newest changes; the changelog pages hold the rest


def changelog_atom(content: Content) -> bytes:
    """Atom feed of procedure changes: one entry per change, newest first."""
    site = content.settings.site_url.rstrip("/") + "/"
    department = content.settings.department["name"]
    changes = content.changes[:FEED_ENTRIES]
    feed = FeedGenerator()
    feed.id(site + "tthc/thay-doi/")
    feed.title(f"Thay đổi thủ tục hành chính – {department}")
    feed.subtitle("Thủ tục mới ban hành, sửa đổi, bổ sung, thay thế, bãi bỏ theo quyết định công bố.")
    feed.author({"name": department, "email": content.settings.department["email"]})
    feed.link(href=site + "tthc/thay-doi/", rel="alternate")
    feed.link(href=site + CHANGELOG_FEED, rel="self")
    feed.language("vi")
    # Deterministic: the feed is as new as its newest change, not as the build.
    feed.updated(max((c.effective for c in content.changes), default=_EPOCH))
    for change in reversed(changes):  # feedgen prepends: add oldest first to get newest first
        decision = change.decision
        entry = feed.add_entry()
        entry.id(site + change.url)
        entry.title(f"{change.label}: {change.procedure.name}")
        # One link only: feedgen 1.0.0 drops rel on entry links, so a second
        # (the decision) would read as another "alternate". The id points there.
        entry.link(href=site + change.procedure.url, rel="alternate")
        entry.updated(change.effective)
        entry.published(decision.signed)
        entry.category(term=change.kind, label=change.label)
        text = [f"{change.label} theo Quyết định {decision.number} ngày {format_date(decision.signed)} "
                f"của {decision.issuer}; có hiệu lực từ {format_date(change.effective)}. "
                f"Quyết định: {site + decision.url}"]
        if change.replaces:
            text.append("Thay thế: " + "; ".join(p.name for p in change.replaces) + ".")
        if change.summary:
            text.append(change.summary)
        text += change.parts or []
        entry.summary("\n".join(text))
    return feed.atom_str(pretty=True)


def news_rss(content: Content, posts: list[Post], title: str, page_url: str, feed_url: str) -> bytes:
    """RSS 2.0 of the newest posts of a listing (all news, or one category)."""
    settings = content.settings
    site = settings.site_url.rstrip("/") + "/"
    feed = FeedGenerator()
    feed.title(f"{title} – {settings.department['name']}")
    feed.link(href=site + page_url, rel="alternate")
    feed.link(href=site + feed_url, rel="self")
    feed.description(f"{title} của {settings.department['name']}.")
    feed.language("vi")
    # Deterministic: as new as the newest post, not as the build.
    feed.lastBuildDate(max((p.updated or p.date for p in posts), default=_EPOCH))
    for post in reversed(posts[:NEWS_ITEMS]):  # feedgen prepends: oldest first gives newest first
        entry = feed.add_entry()
        entry.guid(site + post.url, permalink=True)
        entry.title(post.title)
        entry.link(href=site + post.url)
        entry.description(post.summary)
        entry.pubDate(post.date)
        entry.category(term=post.category.name)
        if post.image:
            entry.enclosure(site + post.image, str(post.image_path.stat().st_size),
                            "image/png" if post.image.endswith(".png") else "image/jpeg")
    return feed.rss_str(pretty=True)
