"""Load all content at once, validate it, and index it for page planning."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from cchc.core.terms import TermIndex, load_terms
from cchc.core.errors import ContentErrors
from cchc.news.model import Asset, Category, Field, Post, QAItem
from cchc.tthc.load import ProcedureLoader
from cchc.tthc.decisions import DecisionLoader
from cchc.tthc.history import describe_amendments
from cchc.tthc.model import Change, Decision, Procedure
from cchc.news.load import PostLoader, published_uri
from cchc.core.files import walk
from cchc.render.images import Thumbnail
from cchc.news.links import resolve_links
from cchc.news.qa import load_qa
from cchc.core.settings import Settings


@dataclass
class Content:
    settings: Settings
    categories: TermIndex[Category]
    posts: list[Post]  # what gets published, newest first
    assets: list[Asset]
    qa: list[QAItem]
    hidden: int = 0  # drafts and scheduled posts held back
    fields: TermIndex[Field] = field(default_factory=lambda: TermIndex([]))
    procedures: list[Procedure] = field(default_factory=list)  # all, by field then name
    decisions: list[Decision] = field(default_factory=list)  # newest first
    by_field: dict[str, list[Procedure]] = field(default_factory=dict)
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
        self.procedures.sort(key=lambda p: p.sort_key)
        by_field = defaultdict(list)
        for procedure in self.procedures:
            by_field[procedure.field.slug].append(procedure)
        self.by_field = {f.slug: by_field.get(f.slug, []) for f in self.fields}

    @property
    def in_force(self) -> list[Procedure]:
        return [p for p in self.procedures if p.in_force]

    @property
    def changes(self) -> list[Change]:
        """Every change, newest decision first, in each decision's own order."""
        return [change for decision in self.decisions for change in decision.changes]


def load_content(settings: Settings, now: datetime, preview: bool = False) -> Content:
    """Load everything; raise ContentErrors listing every problem found.

    ``preview`` (``mkdocs serve``) also publishes drafts and scheduled posts,
    which templates mark as such.
    """
    content_dir, root = settings.content_dir, settings.root
    categories, errors = load_terms(content_dir / "categories.yml", root, "categories", "categories", Category)
    if errors:  # every post would then fail on its category: report the cause only
        raise ContentErrors(errors)
    loader = PostLoader(content_dir, root, categories, now, settings.embed_hosts)
    posts, assets = loader.load_all()
    errors += loader.errors
    qa, qa_errors = load_qa(content_dir / "hoi-dap.yml", root, settings.embed_hosts)
    errors += qa_errors
    fields, procedures, decisions = TermIndex([]), [], []
    if (content_dir / "tthc").is_dir() or (content_dir / "linh-vuc.yml").is_file():
        fields, field_errors = load_terms(content_dir / "linh-vuc.yml", root, "fields", "fields", Field)
        if field_errors:  # every record would then fail on its field: report the cause only
            raise ContentErrors(errors + field_errors)
        tthc = ProcedureLoader(content_dir, root, fields, settings.department["province_code"])
        procedures, tthc_assets = tthc.load_all()
        errors += tthc.errors
        assets += tthc_assets
        decision_loader = DecisionLoader(content_dir, root, tthc, now)
        if tthc.errors:  # decisions point at records: cross-check them only against a sound set
            decision_loader.check_forms()
        else:
            decisions = decision_loader.load_all(procedures)
        errors += decision_loader.errors
        if not errors:
            describe_amendments(procedures, root, {f.slug: f.name for f in fields})

    assets += [Asset(published_uri(path, content_dir), path) for path, _ in walk(content_dir / "media")]
    visible = [p for p in posts if preview or not (p.draft or p.scheduled)]
    visible.sort(key=lambda p: p.sort_key)
    # A published post may only link to published posts; a draft may link
    # to anything that exists, since it is not built.
    where = [(post.abs_path.resolve(), post) for post in posts]  # resolve() asks the disk: once a post
    shown = {id(post) for post in visible}
    published = {path: post for path, post in where if id(post) in shown}
    loaded = dict(where)
    for path, post in where:
        targets = published if path in published else loaded
        post.body, link_errors = resolve_links(post, targets)
        errors += link_errors
    if errors:
        raise ContentErrors(errors)
    return Content(settings, categories, visible, assets, qa, hidden=len(posts) - len(visible),
                   fields=fields, procedures=procedures, decisions=decisions)
