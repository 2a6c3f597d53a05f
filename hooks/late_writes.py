"""Pages and share cards written by a thread of their own, from the moment the search index is complete.

Pagefind can only write its index once it has every searchable page, and it
writes on one core: a few seconds for thousands of pages, the end of every
large build. Creating a file or folder is costly on most file systems (about
0.5 ms of kernel time each on the benchmark machine, a folder as much again),
so pages and cards are kept in memory until the index is handed over; then a
writer thread writes them, and every later page, while the build renders the
listings and Pagefind writes: file system calls leave Python's lock, so the
writing runs beside both. A page costs its encoded bytes while it waits (about 21 KB):
past HELD bytes (some 6,000 pages) the writer starts anyway, so that ten years of a
large department (14,000 pages) stay within the build's memory budget of 1 GB.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from mkdocs.structure.files import File
from mkdocs.utils import write_file

from cchc.core.diskcache import place

HELD = 128 * 1024 * 1024  # bytes of pages kept waiting at most


class LateWrites:
    """Pages and cached files to put into the site, in the order given."""

    def __init__(self, held: int = HELD):
        self._waiting: list[tuple] = []  # (function, *arguments) held until write()
        self._held, self._limit = 0, held  # bytes of the pages waiting; past the limit, write()
        self._writer: ThreadPoolExecutor | None = None
        self._written: list[Future] = []
        self.uris: set[str] = set()  # src_uri of each page written here

    def page(self, uri: str, html: str, path: str) -> None:
        """``html`` to be written at ``path``, as MkDocs would write it."""
        self.uris.add(uri)
        data = html.encode("utf-8", errors="xmlcharrefreplace")
        if self._writer is None:
            self._held += len(data)
            if self._held > self._limit:
                self.write()
        self._do(write_file, data, path)

    def file(self, file: File) -> None:
        """A card or thumbnail from .cache/ (linked after the pages given before it, into their folders)."""
        self._do(place, Path(file.abs_src_path), Path(file.abs_dest_path))

    def write(self) -> None:
        """Start writing what waits, and from now on each page as it comes."""
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cchc-write")
            waiting, self._waiting = self._waiting, []
            for job in waiting:
                self._do(*job)

    def finish(self) -> None:
        """Wait until everything is written; raise what went wrong."""
        self.write()
        self._writer.shutdown(wait=True)
        for done in self._written:
            done.result()

    def abandon(self) -> None:
        """The build failed: write nothing more."""
        if self._writer is not None:
            self._writer.shutdown(wait=True, cancel_futures=True)
        self._waiting = []

    def _do(self, function, *arguments) -> None:
        if self._writer is None:
            self._waiting.append((function, *arguments))
        else:
            self._written.append(self._writer.submit(function, *arguments))
