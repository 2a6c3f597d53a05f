"""The content model: plain data, no I/O, no MkDocs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cchc.core.dates import format_date
from cchc.render.images import thumbnail_size, thumbnail_uri


@dataclass(frozen=True)
class Category:
    name: str
    slug: str
    description: str = ""
    order: int = 0

    @property
    def url(self) -> str:
        return f"chuyen-muc/{self.slug}/"


@dataclass(frozen=True)
class Field(Category):
    """A procedure field (lĩnh vực)."""

    @property
    def url(self) -> str:
        return f"tthc/linh-vuc/{self.slug}/"


@dataclass
class Post:
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
    tags: list[str] = field(default_factory=list)
    author: str = ""
    draft: bool = False
    scheduled: bool = False  # dated in the future; shown only in preview

    @property
    def url(self) -> str:
        return f"tin-tuc/{self.year}/{self.slug}/"

    @property
    def src_uri(self) -> str:
        # Mirrors content/news/<yyyy>/: relative links from the post body to
        # files beside it resolve exactly as they do in the content tree.
        return f"tin-tuc/{self.year}/{self.slug}.md"

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


@dataclass(frozen=True)
class Asset:
    """A file from the content tree published at a stable URL."""

    src_uri: str
    abs_path: Path
