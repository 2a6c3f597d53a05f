"""Everything the content produces: pages, files and share cards, each domain planning its own.

Pelican's two phases: the content is loaded whole first (cchc.site.content),
then every planner below turns it into pages; the MkDocs hooks only hand
them over. Searchable pages come first (see PageSpec.searchable).
"""

from __future__ import annotations

from typing import Any

from cchc.core import gitdates, layout
from cchc.core.dates import build_now
from cchc.news import feeds
from cchc.news import pages as news_pages
from cchc.page.share import SITE_CARD_URL, Share, site_card, site_share
from cchc.page.spec import PageSpec
from cchc.render.cards import Card
from cchc.site import schedule, search, sitemap
from cchc.site.content import Content
from cchc.tthc import changelog, export
from cchc.tthc import pages as tthc_pages

HOME_CHANGES = 5  # procedure changes listed on the home page


def plan_pages(content: Content) -> list[PageSpec]:
    settings = content.settings
    specs = [*news_pages.plan(content.news, settings), *tthc_pages.plan(content.tthc, settings),
             *changelog.plan(content.tthc, settings), search.plan(content)]
    return sorted(specs, key=lambda spec: not spec.searchable)  # stable


def plan_files(content: Content, dates: gitdates.FileDates | None = None) -> dict[str, bytes]:
    """Generated files that are not pages: src_uri → bytes (open data, feeds).

    ``dates``: the build's one reading of git history (the sitemap's), if it has one.
    """
    settings = content.settings
    now = build_now()  # what travels is never dated after the build
    # A change is dated when its decision reached the site: the commit that added its file.
    if dates is None:
        dates = (gitdates.read(settings.root, (f"{layout.CONTENT}/{layout.DECISIONS_DIR}",))
                 if content.tthc.decisions else gitdates.FileDates())
    return {**export.data_files(content.tthc, settings),
            **changelog.feeds(content.tthc, settings, dates, now),
            **feeds.files(content.news, settings, now),
            schedule.FILE: _schedule(content),
            layout.ROBOTS: sitemap.robots_txt(settings)}


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
    """Pages written in docs/ (home, contact) share the site card; the home page is shared as the
    department itself, never as its nav label ("Trang chủ")."""
    if url == layout.HOME:
        return site_share(content.settings, url, content.settings.department.name, description)
    return site_share(content.settings, url, title, description, ((title, url),))
