"""Load all content at once, validate it, and index it for page planning."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from .categories import CategoryIndex, load_categories
from .errors import ContentErrors
from .models import Asset, Post, QAItem
from .news import PostLoader, published_uri
from .files import is_hidden
from .images import Thumbnail
from .links import resolve_links
from .qa import load_qa
from .settings import Settings


@dataclass
class Content:
    settings: Settings
    categories: CategoryIndex
    posts: list[Post]  # what gets published, newest first
    assets: list[Asset]
    qa: list[QAItem]
    hidden: int = 0  # drafts and scheduled posts held back
    by_category: dict[str, list[Post]] = field(default_factory=dict)
    by_year: dict[int, list[Post]] = field(default_factory=dict)
    thumbnails: list[Thumbnail] = field(default_factory=list)

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


def load_content(settings: Settings, now: datetime, preview: bool = False) -> Content:
    """Load everything; raise ContentErrors listing every problem found.

    ``preview`` (``mkdocs serve``) also publishes drafts and scheduled posts,
    which templates mark as such.
    """
    content_dir, root = settings.content_dir, settings.root
    categories, errors = load_categories(content_dir / "categories.yml", root)
    if errors:  # every post would then fail on its category: report the cause only
        raise ContentErrors(errors)
    loader = PostLoader(content_dir, root, categories, now)
    posts, assets = loader.load_all()
    errors += loader.errors
    qa, qa_errors = load_qa(content_dir / "hoi-dap.yml", root)
    errors += qa_errors

    media = content_dir / "media"
    if media.is_dir():
        assets += [
            Asset(published_uri(path, content_dir), path)
            for path in sorted(media.rglob("*"))
            if path.is_file() and not any(is_hidden(p) for p in path.relative_to(media).parts)
        ]
    visible = [p for p in posts if preview or not (p.draft or p.scheduled)]
    visible.sort(key=lambda p: p.sort_key)
    # A published post may only link to published posts; a draft may link
    # to anything that exists, since it is not built.
    published = {p.abs_path.resolve(): p for p in visible}
    loaded = {p.abs_path.resolve(): p for p in posts}
    for post in posts:
        targets = published if post.abs_path.resolve() in published else loaded
        post.body, link_errors = resolve_links(post, targets)
        errors += link_errors
    if errors:
        raise ContentErrors(errors)
    return Content(settings, categories, visible, assets, qa, hidden=len(posts) - len(visible))
