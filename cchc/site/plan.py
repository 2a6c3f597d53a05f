"""Everything the content produces: pages, files and share cards, each domain planning its own.

Pelican's two phases: the content is loaded whole first (cchc.site.content),
then every planner below turns it into pages; the MkDocs hooks only hand
them over. Searchable pages come first (see PageSpec.searchable).
"""

from __future__ import annotations

from typing import Any

from cchc.core import layout
from cchc.news import feeds
from cchc.news import pages as news_pages
from cchc.page.share import SITE_CARD_URL, Share, site_card, site_share
from cchc.page.spec import PageSpec
from cchc.render.cards import Card
from cchc.site import schedule, search
from cchc.site.content import Content
from cchc.tthc import changelog, export
from cchc.tthc import pages as tthc_pages

HOME_CHANGES = 5  # procedure changes listed on the home page


def plan_pages(content: Content) -> list[PageSpec]:
    settings = content.settings
    specs = [*news_pages.plan(content.news, settings), *tthc_pages.plan(content.tthc, settings),
             *changelog.plan(content.tthc, settings), search.plan(content)]
    return sorted(specs, key=lambda spec: not spec.searchable)  # stable


def plan_files(content: Content) -> dict[str, bytes]:
    """Generated files that are not pages: src_uri → bytes (open data, feeds)."""
    settings = content.settings
    return {**export.data_files(content.tthc, settings),
            layout.CHANGELOG_FEED: changelog.atom(content.tthc, settings),
            **feeds.files(content.news, settings),
            schedule.FILE: _schedule(content)}


def _schedule(content: Content) -> bytes:
    upcoming = (change.effective for change in content.tthc.changes if change.upcoming)
    return schedule.state_file(schedule.next_change(content.news.scheduled, upcoming))


def plan_cards(content: Content, specs: list[PageSpec]) -> dict[str, Card]:
    """Every share card to draw: URL → card (a listing's pages share one card)."""
    cards = {SITE_CARD_URL: site_card(content.settings)}
    for spec in specs:
        if spec.share is not None and spec.share.card is not None:
            cards[spec.share.image] = spec.share.card
    return cards


def home_context(content: Content) -> dict[str, Any]:
    """What overrides/home.html shows besides docs/index.md."""
    news = content.news
    return {
        "latest": news.posts[: content.settings.home_count],
        "categories": [(c, len(news.by_category[c.slug])) for c in news.categories],
        "years": list(news.by_year),
        "changes": content.tthc.changes[:HOME_CHANGES],
    }


def docs_share(content: Content, url: str, title: str, description: str) -> Share:
    """Pages written in docs/ (home, contact) share the site card."""
    crumbs = () if url == layout.HOME else ((title, url),)
    return site_share(content.settings, url, title, description, crumbs)
