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
from importlib.metadata import version

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from cchc.render.markdown_cache import Rendered

TESTED = "1.6.1"
_SKIPPED = "Page skipped: '"  # mkdocs.commands.build._build_page, for an empty page
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


def conversion(page: Page, html: str) -> Rendered:
    """What MkDocs keeps of a page's conversion, to be stored (cchc.render.markdown_cache)."""
    links = page.links_to_anchors
    return Rendered(html, page.toc, set(page.present_anchor_ids or ()),
                    None if links is None else {target.src_uri: dict(anchors) for target, anchors in links.items()})


class CachedFile(File):
    """A card or thumbnail from .cache/, handed to ``place`` (hooks/late_writes.py) instead of copied."""

    place: Callable[[File], None]

    def copy_file(self, dirty: bool = False) -> None:
        if not (dirty and not self.is_modified()):
            self.place(self)


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
