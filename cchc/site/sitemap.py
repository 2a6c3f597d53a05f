"""What crawlers are told: robots.txt, and when each page last changed (the sitemap's lastmod).

A page's lastmod is the last time what it shows changed: the newest commit of the
content files it is made from (core/gitdates.py, one ``git log`` per build), or the
later moment it came to show something new without a commit (a scheduled post going
live, a decision's effective date reached). A listing changes with what it lists,
and when a file it could list is deleted. Where that cannot be known (no git, a
shallow clone, a file not committed yet, a page made from no content file) the answer
is None and the page keeps the build's own date, as before (SOURCE_DATE_EPOCH), so
rebuilds stay byte-identical. Search engines trust a lastmod only while it is
accurate: one date shared by every page, as before, teaches them to ignore it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from cchc.core import gitdates, layout
from cchc.core.dates import VN_TZ
from cchc.core.settings import Settings
from cchc.core.text import nfc
from cchc.site.content import Content
from cchc.tthc.model import Change, Decision, Procedure


def robots_txt(settings: Settings) -> bytes:
    """Everything may be crawled but the web editor; the sitemap is named in full, as robots.txt wants."""
    path = urlsplit(settings.site).path or "/"
    lines = ["User-agent: *", f"Disallow: {path}{layout.ADMIN}", "Allow: /", ""]
    if settings.site_url:  # `mkdocs serve` may run without one; a relative Sitemap line is invalid
        lines.append(f"Sitemap: {settings.site}{layout.SITEMAP}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=VN_TZ)


def _latest(dates: Iterable[datetime | None]) -> datetime | None:
    """The newest of ``dates``; None if any is unknown (an uncommitted file is newer than all) or there is none."""
    known = []
    for value in dates:
        if value is None:
            return None
        known.append(_aware(value))
    return max(known, default=None)


def _shown_since(changes: Iterable[Change]) -> list[datetime]:
    # A change in force shows on its pages from its effective date, whenever it was committed.
    return [c.effective for c in changes if c.effective is not None and not c.upcoming]


# A listing's pages: <base>index.md, then <base>trang/<n>.md (cchc.page.pagination).
_LISTING_PAGE = re.compile(rf"^(?P<base>.*?)(?:index|{re.escape(layout.PAGED)}\d+)\.md$")


class LastChanged:
    """When each page of ``content`` last changed, by its src_uri."""

    def __init__(self, content: Content, docs_dir: str, dates: gitdates.FileDates | None = None):
        root = content.settings.root
        self._docs_dir = docs_dir
        self.dates = dates if dates is not None else gitdates.read(root, (layout.CONTENT, docs_dir))
        self._pages: dict[str, datetime | None] = {}
        self._listings: dict[str, datetime | None] = {}
        news, tthc = content.news, content.tthc
        for post in news.posts:
            # Its file, and the files it lists (a new version of a plan changes the size the page shows).
            files = [post.source, *(a.source for a in post.attachments)]
            self._pages[post.src_uri] = _latest([*(self._file(f) for f in files), post.date])
        for procedure in tthc.procedures:
            self._pages[procedure.src_uri] = self._procedure(procedure)
        for decision in tthc.decisions:
            self._pages[decision.src_uri] = self._decision(decision)

        content_dir = PurePosixPath(layout.CONTENT)
        news_gone = self._deleted(root, f"{content_dir / layout.NEWS_DIR}/", ".md")
        tthc_gone = self._deleted(root, f"{content_dir / layout.TTHC_DIR}/", ".yml")
        categories = self._file(str(content_dir / layout.CATEGORIES_FILE))
        fields = self._file(str(content_dir / layout.FIELDS_FILE))

        def posts(items) -> list[datetime | None]:
            return [self._pages[p.src_uri] for p in items] + news_gone

        def procedures(items: Iterable[Procedure]) -> list[datetime | None]:
            return [self._pages[p.src_uri] for p in items] + tthc_gone + [fields]

        def decisions(items: Iterable[Decision]) -> list[datetime | None]:
            named = {id(p): p for d in items for c in d.changes for p in (c.procedure, *c.replaces)}
            return ([self._pages[d.src_uri] for d in items] + [self._file(p.source) for p in named.values()]
                    + tthc_gone)

        listings: dict[str, list[datetime | None]] = {
            layout.HOME: [self._file(f"{docs_dir}/index.md"), categories, *posts(news.posts),
                          *decisions(tthc.decisions)],
            layout.NEWS: posts(news.posts),
            layout.QA: [self._file(str(content_dir / layout.QA_FILE))],
            layout.TTHC: procedures(tthc.procedures),
            layout.HANDBOOK: procedures(tthc.in_force),
            layout.CHANGELOG: decisions(tthc.decisions),
        }
        for category in news.categories:
            listings[category.url] = [categories, *posts(news.by_category[category.slug])]
        for year, items in news.by_year.items():
            listings[layout.YEAR_URL.format(year=year)] = posts(items)
        for field in tthc.fields:
            listings[field.url] = procedures(tthc.by_field[field.slug])
            listings[layout.HANDBOOK_FIELD_URL.format(slug=field.slug)] = procedures(
                p for p in tthc.by_field[field.slug] if p.in_force)
        for year in {d.signed.year for d in tthc.decisions}:
            listings[layout.CHANGELOG_YEAR_URL.format(year=year)] = decisions(
                [d for d in tthc.decisions if d.signed.year == year])
        self._listings = {base: _latest(dates) for base, dates in listings.items()}

    def _file(self, path: str) -> datetime | None:
        return self.dates.last(nfc(path))

    def _procedure(self, p: Procedure) -> datetime | None:
        # Its record, and every decision that announced, amended, replaced or abolished it.
        files = [p.source, *dict.fromkeys(c.decision.source for c in p.history)]
        return _latest([*(self._file(f) for f in files), *_shown_since(p.history)])

    def _decision(self, d: Decision) -> datetime | None:
        return _latest([self._file(d.source), *_shown_since(d.changes)])

    def _deleted(self, root: Path, folder: str, suffix: str) -> list[datetime | None]:
        """The newest deletion of a file of ``folder``: the listings that showed it changed then."""
        gone = [when for path, when in self.dates.changed.items()
                if path.startswith(folder) and path.endswith(suffix) and not (root / path).exists()]
        return [max(gone)] if gone else []

    def of(self, src_uri: str) -> datetime | None:
        if src_uri in self._pages:
            return self._pages[src_uri]
        listing = _LISTING_PAGE.match(src_uri)
        if listing and listing["base"] in self._listings:
            return self._listings[listing["base"]]
        return self._file(f"{self._docs_dir}/{src_uri}")  # a page written in docs/, if it is one

    def w3c(self, src_uri: str) -> str | None:
        """The sitemap's lastmod (W3C datetime, Vietnam time), or None to keep the build's date."""
        when = self.of(src_uri)
        return None if when is None else when.astimezone(VN_TZ).isoformat(timespec="seconds")
