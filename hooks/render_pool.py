"""Pages rendered and written on the second core, for `mkdocs build` of large sites.

MkDocs renders pages one after another, so on a two-core machine one core idles
while Jinja renders thousands of posts (about 1 ms each). Before MkDocs' page
loop starts (on_env), part of the generated pages is handed to a forked copy of
the build. The copy renders them exactly as MkDocs would: same context
(``get_context``), same ``on_page_context`` hook, same templates, then the
page's post-processing. What the build needs of a page (its search document)
comes back through a file per batch; the copy writes the pages themselves at the
end (``finish``), while Pagefind writes the index (hooks/late_writes.py).

The copy works through its batches in order and signals each finished one on a
pipe, so MkDocs waits only when it reaches a page of a batch not finished yet.
Its batches are the later searchable pages (the build renders the earlier ones,
then hands the whole index to Pagefind) and the later listings. MkDocs steps
through the copy's pages too, through a template that prints nothing.

Only for `mkdocs build` on a system with fork and two cores or more, and only
from MIN_PAGES searchable pages (CCHC_PARALLEL=0 turns it off, =1 forces it, for
tests). Warnings the copy logs are logged again by the build, so `--strict`
still fails on them; an error names the page it happened on.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from mkdocs.commands.build import get_context
from mkdocs.structure.pages import Page

PRERENDERED = "cchc-prerendered.html"  # overrides/: the page is already written; renders nothing
MIN_PAGES = 400  # searchable pages; below this, forking costs more than it saves
# Parts of the pages the copy takes, by rendering time. The build also feeds Pagefind
# and steps through every page the copy wrote, but the copy writes its pages after
# the listings (measured at 2,000 and 6,000 pages; ±15 % noise).
SEARCHABLE_SHARE = 0.5
LISTING_SHARE = 0.6


def wanted(command: str, pages: int) -> bool:
    setting = os.environ.get("CCHC_PARALLEL", "")
    if setting == "0" or command != "build" or not hasattr(os, "fork"):
        return False
    return setting == "1" or (pages >= MIN_PAGES and (os.cpu_count() or 1) >= 2)


def later(pages: Sequence[Page], share: float, cost: Callable[[Page], float] = lambda page: 1.0) -> list[Page]:
    """The last pages, ``share`` of the whole ``cost``: the build reaches them last, so it waits least.

    Cost matters: procedures and decisions come after the posts and take longer
    (at 5000+1000, with post-processing: post 1.8 ms, procedure 2.2 ms, the
    printable handbook 33 ms).
    """
    costs = [cost(page) for page in pages]
    left, start = sum(costs) * share, len(pages)
    while start > 0 and left >= costs[start - 1] / 2:
        start -= 1
        left -= costs[start]
    return list(pages[start:])


def template_costs(pages: Sequence[Page], render: Callable[[Page], Any]) -> dict[str, float]:
    """Seconds to render a page of each template, timed on the first page using it.

    Timed on the second render (the first compiles the template); ≈ 0.1 s in all.
    A template that fails is left out: the page loop reports it, naming the page.
    """
    costs: dict[str, float] = {}
    tried: set[str] = set()
    for page in pages:
        name = page.meta.get("template", "main.html")
        if name in tried:
            continue
        tried.add(name)
        try:
            render(page)
            start = time.perf_counter()
            render(page)
        except Exception:  # noqa: BLE001 - see above
            continue
        costs[name] = time.perf_counter() - start
    return costs


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
    """One forked copy working through batches of pages; results are taken page by page."""

    def __init__(self, batches: Sequence[Sequence[Page]], render: Callable[[Page], Any],
                 finish: Callable[[], None] = lambda: None, close_in_copy: Sequence[int] = ()):
        """Start ``render(page)`` on every page of ``batches``, then ``finish()``, in a copy of this process.

        ``close_in_copy``: inherited file descriptors the copy must let go of at once
        (a pipe whose reader waits for every writer to close it).
        """
        self._dir = tempfile.mkdtemp(prefix="cchc-render-")
        self._batch_of = {page.file.src_uri: number for number, batch in enumerate(batches) for page in batch}
        self._steps = len(batches) + 1  # the batches, then finish()
        self._loaded = 0
        self._results: dict[str, Any] = {}
        ready, self._signal = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self._pid = os.fork()
        if self._pid == 0:
            os.close(ready)
            self._work(batches, render, finish, close_in_copy)
        os.close(self._signal)
        self._ready = ready
        for batch in batches:
            for page in batch:
                page.meta["template"] = PRERENDERED

    def _work(self, batches, render, finish, close_in_copy) -> None:
        code = 1
        try:
            for fd in close_in_copy:
                os.close(fd)
            captured = _Captured()
            mkdocs_log = logging.getLogger("mkdocs")
            mkdocs_log.handlers, mkdocs_log.propagate = [captured], False  # printed once, by the build
            for number, batch in enumerate([*batches, None]):
                result: dict[str, Any] = {"pages": {}}
                try:
                    if batch is None:
                        finish()
                    for page in batch or ():
                        current = page
                        result["pages"][page.file.src_uri] = render(page)
                except Exception:  # noqa: BLE001 - reported by the build, naming the page
                    what = "Error writing the pages" if batch is None else f"Error building page '{current.file.src_uri}'"
                    result["error"] = (what, traceback.format_exc())
                result["warnings"], captured.records = captured.records, []
                with open(os.path.join(self._dir, f"{number}.pickle"), "wb") as out:
                    pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
                os.write(self._signal, b".")
                if "error" in result:
                    break
            code = 0
        finally:
            os._exit(code)  # no atexit handlers, no flushing of the parent's buffers

    def renders(self, uri: str) -> bool:
        return uri in self._batch_of

    def take(self, uri: str) -> Any | None:
        """The copy's result for a page, or None if the copy does not render it."""
        number = self._batch_of.get(uri)
        if number is None:
            return None
        while self._loaded <= number:
            self._load_next()
        return self._results.pop(uri)

    def finish(self) -> None:
        """Wait until the copy has done everything, finish() included; raise what went wrong."""
        while self._loaded < self._steps:
            self._load_next()

    def _load_next(self) -> None:
        number = self._loaded
        if not os.read(self._ready, 1):  # the copy ended without finishing this step
            status = self._reap()
            raise RuntimeError(f"the rendering copy of the build stopped (status {status})")
        path = os.path.join(self._dir, f"{number}.pickle")
        with open(path, "rb") as data:
            result = pickle.load(data)
        os.unlink(path)
        self._loaded += 1
        for name, level, message in result["warnings"]:
            logging.getLogger(name).log(level, message)
        if "error" in result:
            what, trace = result["error"]
            raise RuntimeError(f"{what}: {trace.strip().splitlines()[-1]}\n{trace}")
        self._results.update(result["pages"])
        if self._loaded == self._steps:
            self._reap()  # the copy is exiting
            self.close()

    def _reap(self) -> int:
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        return status

    def close(self) -> None:
        """Stop the copy if it still runs (the build failed elsewhere); leave no process or file behind."""
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, 9)
            self._reap()
        if self._ready >= 0:
            os.close(self._ready)
            self._ready = -1
        shutil.rmtree(self._dir, ignore_errors=True)
