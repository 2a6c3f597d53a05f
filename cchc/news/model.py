"""The news model: categories, posts, questions and answers. Plain data, no I/O, no MkDocs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cchc.core import layout
from cchc.core.dates import format_date
from cchc.core.terms import Term, TermIndex
from cchc.core.text import format_size
from cchc.render.images import Thumbnail, thumbnail_size, thumbnail_uri


@dataclass(frozen=True)
class Category(Term):
    """A news category (chuyên mục), from content/categories.yml."""

    @property
    def url(self) -> str:
        return layout.CATEGORY_URL.format(slug=self.slug)


# Opened by the browser itself (its PDF viewer, an image): a plain link. Anything else (an office
# document, a ZIP, a CSV) is a file to save, and the link says so with ``download``.
OPENS_IN_BROWSER = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"})


@dataclass(frozen=True)
class Attachment:
    """A file listed under a post (its ``attachments`` field), published at a stable URL beside it or in media/."""

    title: str  # the link's text
    url: str  # percent-encoded, relative to the site root (cchc.core.layout.published_uri)
    kind: str  # as readers know it: PDF, Word, Excel, ảnh JPEG… (cchc.core.files.ALLOWED)
    size: int  # bytes
    suffix: str  # lower case, with its dot
    source: str  # the content file, relative to the project: when it changed (sitemap)

    @property
    def details(self) -> str:
        """“PDF, 1,2 MB”: what the reader gets before tapping."""
        return f"{self.kind}, {format_size(self.size)}"

    @property
    def download(self) -> bool:
        return self.suffix not in OPENS_IN_BROWSER


@dataclass
class Post(layout.HasPage):
    source: str  # path relative to the project, for messages
    abs_path: Path
    year: int
    slug: str
    title: str
    date: datetime
    category: Category
    summary: str
    body: str
    body_line: int  # file line where the Markdown body starts
    updated: datetime | None = None
    image: str | None = None  # URL path relative to the site root
    image_alt: str = ""
    image_size: tuple[int, int] | None = None  # width, height: no layout shift on phones
    image_path: Path | None = None
    attachments: list[Attachment] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    author: str = ""
    draft: bool = False
    scheduled: bool = False  # dated in the future; shown only in preview

    @property
    def url(self) -> str:
        return layout.POST_URL.format(year=self.year, slug=self.slug)

    @property
    def thumbnail(self) -> str | None:
        return thumbnail_uri(self.image) if self.image else None

    @property
    def thumbnail_size(self) -> tuple[int, int] | None:
        return thumbnail_size(self.image_size) if self.image_size else None

    @property
    def date_vn(self) -> str:
        return format_date(self.date)

    @property
    def sort_key(self) -> tuple:
        # Newest first; the URL breaks ties so equal dates order stably.
        return (-self.date.timestamp(), self.url)


@dataclass(frozen=True)
class QAItem:
    question: str
    answer: str
    topic: str = ""


@dataclass
class News:
    """Everything news: what is published, and the lists pages are made from."""

    categories: TermIndex[Category]
    posts: list[Post]  # what gets published, newest first
    qa: list[QAItem] = field(default_factory=list)
    hidden: int = 0  # drafts and scheduled posts held back
    scheduled: tuple[datetime, ...] = ()  # publication times of the scheduled posts held back, soonest first
    by_category: dict[str, list[Post]] = field(init=False)
    by_year: dict[int, list[Post]] = field(init=False)
    thumbnails: list[Thumbnail] = field(init=False)

    def __post_init__(self) -> None:
        by_category, by_year = defaultdict(list), defaultdict(list)
        for post in self.posts:  # already newest first, so groups are too
            by_category[post.category.slug].append(post)
            by_year[post.year].append(post)
        self.by_category = {c.slug: by_category.get(c.slug, []) for c in self.categories}
        self.by_year = dict(sorted(by_year.items(), reverse=True))
        # One thumbnail per image, however many posts share it.
        thumbs = {p.thumbnail: Thumbnail(p.thumbnail, p.image_path, p.thumbnail_size)
                  for p in self.posts if p.image}
        self.thumbnails = [thumbs[uri] for uri in sorted(thumbs)]
