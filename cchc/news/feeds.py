"""RSS 2.0 feeds of the news, written with feedgen so the XML is right by construction."""

from __future__ import annotations

from feedgen.feed import FeedGenerator

from cchc.core import layout
from cchc.core.dates import EPOCH
from cchc.core.settings import Settings
from cchc.news.model import News, Post

NEWS_ITEMS = 30  # newest posts in a news feed


def files(news: News, settings: Settings) -> dict[str, bytes]:
    """src_uri → bytes: the feed of all news and one per category."""
    out = {layout.NEWS_FEED: rss(news.posts, "Tin tức", layout.NEWS, layout.NEWS_FEED, settings)}
    for category in news.categories:
        url = layout.feed_url(category.url)
        out[url] = rss(news.by_category[category.slug], f"Tin {category.name}", category.url, url, settings)
    return out


def rss(posts: list[Post], title: str, page_url: str, feed_url: str, settings: Settings) -> bytes:
    """RSS 2.0 of the newest posts of a listing (all news, or one category)."""
    site = settings.site
    department = settings.department.name
    feed = FeedGenerator()
    feed.title(f"{title} – {department}")
    feed.link(href=site + page_url, rel="alternate")
    feed.link(href=site + feed_url, rel="self")
    feed.description(f"{title} của {department}.")
    feed.language("vi")
    # Deterministic: as new as the newest post, not as the build.
    feed.lastBuildDate(max((p.updated or p.date for p in posts), default=EPOCH))
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
