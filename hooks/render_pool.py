"""Page templates rendered on the second core, for `mkdocs build` of large sites.

MkDocs renders pages one after another, so on a two-core machine one core idles
while Jinja renders thousands of posts (about 2 ms each). Before MkDocs' page
loop starts (on_env), the later part of the generated pages is handed to a
forked copy of the build. The copy renders them exactly as MkDocs would: same
context (``get_context``), same ``on_page_context`` hook, same templates, then
the page's post-processing. It passes the finished HTML back through a file.
MkDocs meanwhile renders the earlier pages, writes the copy's pages through a
one-line template (PRERENDERED) instead of rendering them again, then renders the
listings itself while Pagefind writes the index.

Only for `mkdocs build` on a system with fork and two cores or more, and only
from MIN_PAGES searchable pages (CCHC_PARALLEL=0 turns it off, =1 forces it, for
tests). Warnings the copy logs are logged again by the build, so `--strict`
still fails on them; an error names the page it happened on.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from mkdocs.commands.build import get_context
from mkdocs.structure.pages import Page

PRERENDERED = "cchc-prerendered.html"  # overrides/: prints the page rendered by the copy
MIN_PAGES = 400  # searchable pages; below this, forking costs more than it saves
SHARE = 0.5  # of the searchable pages, the part the copy renders (the build writes them)

log = logging.getLogger("mkdocs.hooks.render_pool")


def wanted(command: str, pages: int) -> bool:
    setting = os.environ.get("CCHC_PARALLEL", "")
    if setting == "0" or command != "build" or not hasattr(os, "fork"):
        return False
    return setting == "1" or (pages >= MIN_PAGES and (os.cpu_count() or 1) >= 2)


def render_page(page: Page, config, nav, doc_files: Sequence, env) -> str:
    """What MkDocs' _build_page renders for a page, without writing it."""
    config._current_page = page
    page.active = True
    try:
        context = get_context(nav, doc_files, config, page)
        template = env.get_template(page.meta.get("template", "main.html"))
        context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        return template.render(context)
    finally:
        page.active = False
        config._current_page = None


class _Captured(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


class RenderPool:
    """One forked copy rendering a fixed list of pages; results are taken page by page."""

    def __init__(self, pages: Sequence[Page], render: Callable[[Page], Any], close_in_copy: Sequence[int] = ()):
        """Start rendering ``pages`` with ``render(page)`` in a copy of this process.

        ``close_in_copy``: inherited file descriptors the copy must let go of at once
        (a pipe whose reader waits for every writer to close it).
        """
        fd, self._path = tempfile.mkstemp(prefix="cchc-render-", suffix=".pickle")
        os.close(fd)
        self._uris = {page.file.src_uri for page in pages}
        self._results: dict[str, Any] | None = None
        sys.stdout.flush()
        sys.stderr.flush()
        self._pid = os.fork()
        if self._pid == 0:
            self._work(pages, render, close_in_copy)
        for page in pages:
            page.meta["template"] = PRERENDERED

    def _work(self, pages, render, close_in_copy) -> None:
        code = 1
        try:
            for fd in close_in_copy:
                os.close(fd)
            captured = _Captured()
            mkdocs_log = logging.getLogger("mkdocs")
            mkdocs_log.handlers, mkdocs_log.propagate = [captured], False  # printed once, by the build
            result: dict[str, Any] = {"pages": {}}
            for page in pages:
                try:
                    result["pages"][page.file.src_uri] = render(page)
                except Exception:  # noqa: BLE001 - reported by the build, naming the page
                    result["error"] = (page.file.src_uri, traceback.format_exc())
                    break
            result["warnings"] = captured.records
            with open(self._path, "wb") as out:
                pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)  # no atexit handlers, no flushing of the parent's buffers

    def take(self, uri: str) -> Any | None:
        """The copy's result for a page, or None if the copy does not render it."""
        if uri not in self._uris:
            return None
        if self._results is None:
            self._collect()
        return self._results[uri]

    def _collect(self) -> None:
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        try:
            with open(self._path, "rb") as data:
                result = pickle.load(data) if status == 0 else {}
        finally:
            os.unlink(self._path)
        for name, level, message in result.get("warnings", ()):
            logging.getLogger(name).log(level, message)
        if "error" in result:
            uri, trace = result["error"]
            raise RuntimeError(f"Error building page '{uri}': {trace.strip().splitlines()[-1]}\n{trace}")
        if status != 0 or set(result.get("pages", ())) != self._uris:
            raise RuntimeError(f"the rendering copy of the build stopped (status {status})")
        self._results = result["pages"]

    def abort(self) -> None:
        """The build failed elsewhere: stop the copy and remove its file."""
        if self._pid:
            try:
                os.kill(self._pid, 9)
                os.waitpid(self._pid, 0)
            except OSError:
                pass
            self._pid = 0
        if os.path.exists(self._path):
            os.unlink(self._path)
