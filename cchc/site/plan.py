"""Everything the content produces: pages (news, procedures, changelog) and files."""

from __future__ import annotations

from cchc.tthc.changelog import plan_changelog_pages
from cchc.site.content import Content
from cchc.render.cards import Card
from cchc.news.feeds import CHANGELOG_FEED, NEWS_FEED, changelog_atom, news_rss
from cchc.tthc.export import data_files
from cchc.news.pages import category_feed_url, home_context, plan_news_pages
from cchc.page.spec import PageSpec
from cchc.site.search import plan_search_page
from cchc.page.share import Share
from cchc.page.site_share import SITE_CARD_URL, site_card, site_share
from cchc.tthc.pages import plan_procedure_pages

__all__ = ["PageSpec", "docs_share", "home_context", "plan_cards", "plan_files", "plan_pages"]


def plan_files(content: Content) -> dict[str, bytes]:
    """Generated non-page files: src_uri → bytes (open data, feeds)."""
    files = {**data_files(content), CHANGELOG_FEED: changelog_atom(content),
             NEWS_FEED: news_rss(content, content.posts, "Tin tức", "tin-tuc/", NEWS_FEED)}
    for category in content.categories:
        url = category_feed_url(category)
        files[url] = news_rss(content, content.by_category[category.slug], f"Tin {category.name}", category.url, url)
    return files


def plan_cards(content: Content, specs: list[PageSpec]) -> dict[str, Card]:
    """Every share card to draw: URL → card (a listing's pages share one card)."""
    cards = {SITE_CARD_URL: site_card(content.settings)}
    for spec in specs:
        if spec.share is not None and spec.share.card is not None:
            cards[spec.share.image] = spec.share.card
    return cards


def docs_share(content: Content, url: str, title: str, description: str) -> Share:
    """Pages written in docs/ (home, contact) share the site card."""
    crumbs = () if url == "" else ((title, url),)
    return site_share(content.settings, url, title, description, crumbs)


def plan_pages(content: Content) -> list[PageSpec]:
    specs = (plan_news_pages(content) + plan_procedure_pages(content) + plan_changelog_pages(content)
             + [plan_search_page(content)])
    # Searchable pages first (stable): see PageSpec.searchable.
    return sorted(specs, key=lambda spec: not spec.searchable)
