"""Everything the build relies on in MkDocs beyond its plugin events, for the one version it was written for.

Two speed-ups reuse how MkDocs 1.6.1 builds a page: a post converted in an
earlier build is put back as the attributes a conversion leaves on its Page
(MkDocs' anchor validation reads them), and pages and cards are written by
hooks/late_writes.py, MkDocs writing nothing for a page whose output is empty
(it logs "Page skipped" instead, which is silenced for those pages). Another
MkDocs may do either differently and go wrong silently, so with any other
version neither is used: the site is built as plain MkDocs builds it, and the
build says so once. CCHC_PLAIN=1 does the same, and also turns off the shared
frame parts (hooks/frame.py): tests/test_speedups.py compares both builds.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from functools import cached_property
from importlib.metadata import version

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from cchc.render.markdown_cache import Rendered

TESTED = "1.6.1"
_SKIPPED = "Page skipped: '"  # mkdocs.commands.build._build_page, for an empty page
_DIRTY = "A 'dirty' build is being performed"  # mkdocs.commands.build.build, with --dirty
_BUILD_LOG = logging.getLogger("mkdocs.commands.build")
_log = logging.getLogger("mkdocs.hooks.cchc")
_said: set[str] = set()


def usable() -> bool:
    """Whether the speed-ups may run; says once per process why not."""
    if os.environ.get("CCHC_PLAIN") == "1":
        reason = "CCHC_PLAIN=1"
    elif version("mkdocs") != TESTED:
        reason = f"MkDocs {version('mkdocs')}, chưa thử (đã thử với {TESTED})"
    else:
        return True
    if reason not in _said:
        _said.add(reason)
        _log.info(f"Dựng trang như MkDocs thường, không dùng bản chuyển đổi giữ lại và ghi trang sau: {reason}")
    return False


class GeneratedPage(Page):
    """A page from content/ that skips MkDocs' Markdown set-up when there is nothing to convert.

    MkDocs builds a new Markdown instance with every extension for each page (≈ 0.5 ms);
    listings and procedure pages have no Markdown, and posts converted in an earlier build
    come back from cchc.render.markdown_cache with everything MkDocs keeps of a conversion.
    Made in on_files: MkDocs keeps a page already attached to its file.
    """

    def __init__(self, file: File, config: MkDocsConfig, reused: dict[str, Rendered]):
        super().__init__(None, file, config)
        self._reused = reused  # src_uri → conversion taken from the cache (on_page_markdown)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        rendered = self._reused.pop(self.file.src_uri, None)
        if rendered is not None:
            self.content, self.toc, self.present_anchor_ids = rendered.content, rendered.toc, rendered.anchors
            if rendered.links_to_anchors is not None:
                self.links_to_anchors = {files.get_file_from_path(target): links
                                         for target, links in rendered.links_to_anchors.items()}
        elif not self.markdown.strip():
            self.content, self.toc, self.present_anchor_ids, self.links_to_anchors = "", get_toc([]), set(), {}
        else:
            super().render(config, files)


class ResidentPage(GeneratedPage):
    """A page a preview build leaves as it is in the site folder (its PreviewFile is not modified).

    MkDocs wants a Page for every page file, though under --dirty it reads and renders only the
    modified ones; Page.__init__ computes the canonical URL with urljoin, which for 7,000 pages was
    half a second of every preview build. This sets what Page.__init__ sets, and computes the URLs
    only if asked (by the sitemap, when it changes).
    """

    def __init__(self, file: File, config: MkDocsConfig, reused: dict[str, Rendered], build_date: str):
        file.page = self
        self.file = file
        self.children = self.previous_page = self.next_page = None
        self.active = False
        self.update_date = build_date
        self._site_url = config.get("site_url", None)
        self._set_edit_url(config.get("repo_url", None), config.get("edit_uri"), config.get("edit_uri_template"))
        self.markdown = None
        self._title_from_render = None
        self.content = None
        self.toc = []  # type: ignore[assignment]
        self.meta = {}
        self._reused = reused

    @cached_property
    def canonical_url(self) -> str | None:  # type: ignore[override]
        self._set_canonical_url(self._site_url)  # as Page does, into the instance, which this property then leaves
        return self.__dict__["canonical_url"]

    @cached_property
    def abs_url(self) -> str | None:  # type: ignore[override]
        return self.canonical_url and self.__dict__["abs_url"]


def conversion(page: Page, html: str) -> Rendered:
    """What MkDocs keeps of a page's conversion, to be stored (cchc.render.markdown_cache)."""
    links = page.links_to_anchors
    return Rendered(html, page.toc, set(page.present_anchor_ids or ()),
                    None if links is None else {target.src_uri: dict(anchors) for target, anchors in links.items()})


class PreviewFile(File):
    """A file whose ``modified`` the preview decides (cchc.site.preview), not its mtime.

    `mkdocs serve --dirty` builds and copies only what ``is_modified()``; MkDocs says a generated
    page always is, and a copied file is when its source is newer than the copy. The preview knows
    better: a page whose content is unchanged is not, an attachment replaced by an older file is.
    ``None`` leaves it to MkDocs (plain builds).
    """

    modified: bool | None = None

    def is_modified(self) -> bool:
        return super().is_modified() if self.modified is None else self.modified


class CachedFile(PreviewFile):
    """A card or thumbnail from .cache/, handed to ``place`` (hooks/late_writes.py) instead of copied."""

    place: Callable[[File], None]

    def copy_file(self, dirty: bool = False) -> None:
        if not (dirty and not self.is_modified()):
            self.place(self)


def always_modified(file: File) -> None:
    """A page of docs/ that a dirty build must render anyway (the home page shows the latest content)."""
    file.is_modified = lambda: True  # type: ignore[method-assign] - an instance attribute, read by MkDocs' build


class DirtyNotice(logging.Filter):
    """Drops MkDocs' warning that a --dirty build may leave stale links: the preview rewrites every page that
    could show a change (cchc.site.preview), and under ``strict: true`` the warning alone fails every build."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(_DIRTY)

    def attach(self) -> None:
        _BUILD_LOG.addFilter(self)

    def detach(self) -> None:
        _BUILD_LOG.removeFilter(self)


class ThemeListing:
    """The theme's files MkDocs copies, listed once for all the builds of a preview.

    At every build MkDocs lists every file of every theme folder and matches each name against a
    dozen patterns (Files.add_files_from_theme): 14,000 names with Material's icons, 0.15 s of each
    preview build. A preview's theme files do not change (a change under overrides/ makes a full
    build, which lists them again); the listing is kept per set of patterns.
    """

    def __init__(self) -> None:
        self._listed: dict[frozenset, list[str]] = {}

    def use(self, config: MkDocsConfig, again: bool) -> None:
        if again:
            self._listed.clear()
        get_env, listed = config.theme.get_env, self._listed

        def env():
            environment = get_env()
            list_templates = environment.list_templates

            def listing(extensions=None, filter_func=None):
                key = frozenset(config.theme.static_templates)  # the patterns add_files_from_theme matches
                if extensions is not None or filter_func is None:
                    return list_templates(extensions, filter_func)
                if key not in listed:
                    listed[key] = list_templates(extensions, filter_func)
                return listed[key]

            environment.list_templates = listing
            return environment

        config.theme.get_env = env  # this build's theme object only


def skip_sitemap(config: MkDocsConfig) -> None:
    """MkDocs renders sitemap.xml from every page at every build; unchanged, the one in the site folder stays."""
    config.theme.static_templates.discard("sitemap.xml")


class WrittenElsewhere(logging.Filter):
    """Drops MkDocs' note that a page came out empty, for the pages written by hooks/late_writes.py."""

    def __init__(self, uris: set[str]):
        super().__init__()
        self._uris = uris

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith(_SKIPPED) and message[len(_SKIPPED):].partition("'. ")[0] in self._uris)

    def attach(self) -> None:
        _BUILD_LOG.addFilter(self)

    def detach(self) -> None:
        _BUILD_LOG.removeFilter(self)
