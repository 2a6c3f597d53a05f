"""RSS 2.0 feeds of the news, written with feedgen so the XML is right by construction."""

from __future__ import annotations

from datetime import datetime

from feedgen.feed import FeedGenerator

from cchc.core import layout
from cchc.core.dates import EPOCH
from cchc.core.settings import Settings
from cchc.news.model import News, Post
from cchc.page.share import RSS

NEWS_ITEMS = 30  # newest posts in a news feed
# Spelled out, not mimetypes: that reads the machine's own tables, so two builds could differ.
IMAGE_TYPES = {".png": "image/png", ".webp": "image/webp", ".gif": "image/gif", ".avif": "image/avif",
               ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def files(news: News, settings: Settings, now: datetime) -> dict[str, bytes]:
    """src_uri → bytes: the feed of all news and one per category.

    Scheduled posts are not in ``news`` (cchc/news/load.py keeps them back until their time).
    """
    out = {layout.NEWS_FEED: rss(news.posts, "Tin tức", layout.NEWS, layout.NEWS_FEED, settings, now)}
    for category in news.categories:
        url = layout.feed_url(category.url)
        out[url] = rss(news.by_category[category.slug], f"Tin {category.name}", category.url, url, settings, now)
    return out


def last_change(post: Post, now: datetime) -> datetime:
    """When the post last changed as readers can see it: an ``updated`` still to come has not happened."""
    return post.updated if post.updated and post.updated <= now else post.date


def rss(posts: list[Post], title: str, page_url: str, feed_url: str, settings: Settings, now: datetime) -> bytes:
    """RSS 2.0 of the newest posts of a listing (all news, or one category)."""
    site = settings.site
    department = settings.department.name
    feed = FeedGenerator()
    feed.title(f"{title} – {department}")
    # feedgen writes the last link added as the channel's <link>, which must be the page readers
    # open; the self link still goes out, as atom:link rel="self".
    feed.link(href=site + feed_url, rel="self", type=RSS)
    feed.link(href=site + page_url, rel="alternate")
    feed.description(f"{title} của {department}.")
    feed.language("vi")
    # Deterministic: as new as the newest post, not as the build.
    feed.lastBuildDate(max((last_change(p, now) for p in posts), default=EPOCH))
    for post in reversed(posts[:NEWS_ITEMS]):  # feedgen prepends: oldest first gives newest first
        entry = feed.add_entry()
        entry.guid(site + post.url, permalink=True)  # one post, one URL (the loader refuses duplicates)
        entry.title(post.title)
        entry.link(href=site + post.url)
        entry.description(post.summary)
        entry.pubDate(post.date)
        entry.category(term=post.category.name)
        if post.image:
            entry.enclosure(site + post.image, str(post.image_path.stat().st_size),
                            IMAGE_TYPES.get(post.image_path.suffix.lower(), "application/octet-stream"))
    return feed.rss_str(pretty=True)
