"""All content at once: each domain loads its part, every error is collected, and any stops the build."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from cchc.core import layout
from cchc.core.errors import ContentErrors, Report
from cchc.core.files import Asset, check_published, record_suffixes, walk
from cchc.core.memo import FileMemo
from cchc.core.settings import Settings
from cchc.news.load import load_news
from cchc.news.model import News
from cchc.results.load import load_results
from cchc.results.model import Results
from cchc.tthc.load import load_catalogue
from cchc.tthc.model import Catalogue


@dataclass
class Content:
    settings: Settings
    news: News
    tthc: Catalogue = field(default_factory=Catalogue)
    assets: list[Asset] = field(default_factory=list)  # files published as they are
    results: Results = field(default_factory=Results)


def load_content(settings: Settings, now: datetime, preview: bool = False, memo: FileMemo | None = None) -> Content:
    """Load everything; raise ContentErrors listing every problem found.

    ``preview`` (``mkdocs serve``) also publishes drafts and scheduled posts. ``memo`` (kept by a
    preview between its builds, cchc.core.memo) spares reading again the files that did not change.
    """
    if memo is not None:
        memo.begin()
        memo.snapshot(settings.content_dir)
    report = Report()
    # Kept apart: a loader stops at a cause every file of its own would fail on (a broken categories file),
    # and these files are no such cause, but they are still listed when it stops.
    files = Report()
    for top in layout.PUBLISHED:
        files.errors += _kept(memo, f"published {top}", top, lambda top=top: _published_problems(settings, top))
    try:
        news, news_assets = load_news(settings, now, preview, report, memo)
        catalogue, tthc_assets = load_catalogue(settings, now, report, memo)
        # A few dozen small files a year: read again on every build, a preview's included.
        results = load_results(settings.content_dir, settings.root, catalogue.fields, now, report)
    except ContentErrors as stopped:
        raise ContentErrors([*stopped.errors, *files.errors]) from None
    finally:
        if memo is not None:
            memo.end()
    media = settings.content_dir / layout.MEDIA_DIR
    assets = [*news_assets, *tthc_assets, *_kept(memo, "media", layout.MEDIA_DIR, lambda: [
        Asset(layout.published_uri(PurePosixPath(layout.MEDIA_DIR, relative)), path)
        for path, relative in walk(media, settings.content_dir)])]
    report.errors += files.errors
    report.raise_if_any()
    return Content(settings, news, catalogue, assets, results)


def _published_problems(settings: Settings, top: str) -> list:
    report = Report()
    check_published(settings.content_dir, settings.root, report, (top,))
    return report.errors


def _kept(memo: FileMemo | None, name: str, folder: str, make):
    """``make()`` (what content/<folder>/ publishes, or refuses), or its last result while nothing changed there
    but the text of records already there (a preview's memo): records are read by loaders, never published."""
    if memo is None:
        return make()
    kept = memo.kept.get(name)
    if kept is None or not memo.edits_only(folder, record_suffixes(folder)):
        kept = memo.kept[name] = make()
    return kept
