"""Everything the content produces: pages, files and share cards, each domain planning its own.

Pelican's two phases: the content is loaded whole first (cchc.site.content),
then every planner below turns it into pages; the MkDocs hooks only hand
them over. Searchable pages come first (see PageSpec.searchable).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from cchc.core import gitdates, layout
from cchc.core.dates import build_now
from cchc.news import feeds
from cchc.news import pages as news_pages
from cchc.page.share import SITE_CARD_URL, Share, site_card, site_share
from cchc.page.spec import PageSpec
from cchc.render.cards import Card
from cchc.results import export as results_export
from cchc.results import pages as results_pages
from cchc.site import schedule, search, sitemap
from cchc.site.content import Content
from cchc.tthc import changelog, export
from cchc.tthc import pages as tthc_pages

HOME_CHANGES = 5  # procedure changes listed on the home page


def plan_pages(content: Content, memo: dict | None = None, record_key: Callable[[Any], Any] | None = None
               ) -> list[PageSpec]:
    """Every page the content makes. ``memo``: kept by a preview between its builds (cchc.site.preview),
    so what did not change is not planned again: an unchanged catalogue or news (the loader hands back the
    same object) keeps its pages, as do posts whose neighbours are unchanged (cchc.news.pages), and with
    ``record_key`` (a procedure's version) a procedure page's costly parts (cchc.tthc.pages)."""
    settings = content.settings
    if memo is not None and memo.get(_SETTINGS) != settings:
        memo.clear()
        memo[_SETTINGS] = settings
    kept = memo.get(_TTHC_PAGES) if memo is not None else None
    if kept is not None and kept[0] is content.tthc:
        tthc = kept[1]
    else:
        parts = None
        if memo is not None and record_key is not None:
            parts = (record_key, memo.get(_PAGE_PARTS, {}), {})
            memo[_PAGE_PARTS] = parts[2]
        tthc = [*tthc_pages.plan(content.tthc, settings, parts), *changelog.plan(content.tthc, settings)]
        if memo is not None:
            memo[_TTHC_PAGES] = (content.tthc, tthc)
    kept = memo.get(_NEWS_PAGES) if memo is not None else None
    if kept is not None and kept[0] is content.news:
        news = kept[1]
    else:
        news = news_pages.plan(content.news, settings, memo)
        if memo is not None:
            memo[_NEWS_PAGES] = (content.news, news)
    tthc = _quoting_results(tthc, content.results.latest, memo)
    specs = [*news, *tthc, *_kept_by_value(memo, _RESULTS_PAGES, content.results,
                                           lambda: results_pages.plan(content.results, settings)), search.plan(content)]
    return sorted(specs, key=lambda spec: not spec.searchable)  # stable


_SETTINGS, _NEWS_PAGES, _TTHC_PAGES, _RESULTS_PAGES = "settings", "news pages", "tthc pages", "results pages"
_RESULTS_FILES, _TTHC_LIST = "results files", "tthc list"
_TTHC_FILES, _RECORD_PARTS, _PAGE_PARTS = "tthc files", "record parts", "page parts"


def _quoting_results(tthc: list[PageSpec], latest: Any, memo: dict | None) -> list[PageSpec]:
    """The procedure list quotes the newest month of results: its spec says so, so that a preview rewrites the
    list when that month changes (and only then: the same spec object while neither changed)."""
    uri = layout.index_source(layout.TTHC)
    out = []
    for spec in tthc:
        if spec.src_uri == uri:
            kept = memo.get(_TTHC_LIST) if memo is not None else None
            if kept is None or kept[0] is not spec or kept[1] != latest:
                kept = (spec, latest, replace(spec, context={**spec.context, "results": latest}))
                if memo is not None:
                    memo[_TTHC_LIST] = kept
            spec = kept[2]
        out.append(spec)
    return out


def _kept_by_value(memo: dict | None, name: str, key: Any, make: Callable[[], Any]) -> Any:
    """``make()``, or what it made last time for an equal ``key``. For the results: a few small files read again
    on every build, so each load is a new but equal object; a save elsewhere then replans none of their pages."""
    if memo is None:
        return make()
    kept = memo.get(name)
    if kept is None or kept[0] != key:
        kept = memo[name] = (key, make())
    return kept[1]


def plan_files(content: Content, dates: gitdates.FileDates | None = None, memo: dict | None = None,
               record_key: Callable[[Any], Any] | None = None) -> dict[str, bytes]:
    """Generated files that are not pages: src_uri → bytes (open data, feeds).

    ``dates``: the build's one reading of git history (the sitemap's), if it has one. ``memo``: as for
    plan_pages; the open data and the changelog's feeds are made again only for another catalogue, and
    then, with ``record_key`` (a procedure's version, cchc.site.preview), the open data only for the
    records whose key is new.
    """
    settings = content.settings
    now = build_now()  # what travels is never dated after the build
    # A change is dated when its decision reached the site: the commit that added its file; so is a month's results.
    if dates is None:
        folders = ((f"{layout.CONTENT}/{layout.DECISIONS_DIR}",) if content.tthc.decisions else ()) + (
            (f"{layout.CONTENT}/{layout.RESULTS_DIR}",) if content.results.months else ())
        dates = gitdates.read(settings.root, folders) if folders else gitdates.FileDates()
    if memo is not None and memo.get(_SETTINGS) != settings:
        memo.clear()
        memo[_SETTINGS] = settings
    kept = memo.get(_TTHC_FILES) if memo is not None else None
    # ``now`` only caps dates in the future, and a decision signed after the build is an error: with the
    # same catalogue and the same git history, the same bytes.
    if kept is not None and kept[0] is content.tthc and kept[1] is dates:
        tthc = kept[2]
    else:
        parts = None
        if memo is not None and record_key is not None:
            parts = (record_key, memo.get(_RECORD_PARTS, {}), {})
            memo[_RECORD_PARTS] = parts[2]
        tthc = {**export.data_files(content.tthc, settings, parts),
                **changelog.feeds(content.tthc, settings, dates, now, parts)}
        if memo is not None:
            memo[_TTHC_FILES] = (content.tthc, dates, tthc)
    return {**tthc,
            **_kept_by_value(memo, _RESULTS_FILES, (content.results, dates), lambda: {  # now: as for the catalogue above
                **results_export.files(content.results, settings, dates, now),
                **results_pages.chart_files(content.results, settings)}),
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
        "results": content.results.latest,
    }


def docs_share(content: Content, url: str, title: str, description: str) -> Share:
    """Pages written in docs/ (home, contact) share the site card; the home page is shared as the
    department itself, never as its nav label ("Trang chủ")."""
    if url == layout.HOME:
        return site_share(content.settings, url, content.settings.department.name, description)
    return site_share(content.settings, url, title, description, ((title, url),))
