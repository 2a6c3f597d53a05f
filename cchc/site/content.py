"""All content at once: each domain loads its part, every error is collected, and any stops the build."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from cchc.core import layout
from cchc.core.errors import ContentErrors, Report
from cchc.core.files import Asset, check_published, walk
from cchc.core.settings import Settings
from cchc.news.load import load_news
from cchc.news.model import News
from cchc.tthc.load import load_catalogue
from cchc.tthc.model import Catalogue


@dataclass
class Content:
    settings: Settings
    news: News
    tthc: Catalogue = field(default_factory=Catalogue)
    assets: list[Asset] = field(default_factory=list)  # files published as they are


def load_content(settings: Settings, now: datetime, preview: bool = False) -> Content:
    """Load everything; raise ContentErrors listing every problem found.

    ``preview`` (``mkdocs serve``) also publishes drafts and scheduled posts.
    """
    report = Report()
    # Kept apart: a loader stops at a cause every file of its own would fail on (a broken categories file),
    # and these files are no such cause, but they are still listed when it stops.
    files = Report()
    check_published(settings.content_dir, settings.root, files)
    try:
        news, assets = load_news(settings, now, preview, report)
        catalogue, tthc_assets = load_catalogue(settings, now, report)
    except ContentErrors as stopped:
        raise ContentErrors([*stopped.errors, *files.errors]) from None
    media = settings.content_dir / layout.MEDIA_DIR
    assets += tthc_assets
    assets += [Asset(layout.published_uri(PurePosixPath(layout.MEDIA_DIR, relative)), path)
               for path, relative in walk(media, settings.content_dir)]
    report.errors += files.errors
    report.raise_if_any()
    return Content(settings, news, catalogue, assets)
