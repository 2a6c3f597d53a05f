"""Files written after the search index is complete, while Pagefind writes it.

Pagefind can only write its index once it has every searchable page, and it
writes on one core: a few seconds for thousands of pages, the end of every
large build. Creating a file or folder is costly on some file systems (about
0.5 ms of kernel time each on the benchmark machine, a folder as much again), so
pages and share cards are kept in memory until the index is handed over, then
written while Pagefind works: the build reaches that point sooner and spends
Pagefind's time writing. A page costs its encoded bytes until then (about 25 KB).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File
from mkdocs.utils import write_file

from cchc.core.diskcache import place


class LateWrites:
    """Pages and cached files to put into the site later, in the order given."""

    def __init__(self):
        self._pages: list[tuple[bytes, str]] = []
        self._files: list[File] = []
        self.uris: set[str] = set()  # src_uri of each page held back

    def page(self, uri: str, html: str, path: str) -> None:
        """``html`` to be written at ``path``, as MkDocs would write it."""
        self._pages.append((html.encode("utf-8", errors="xmlcharrefreplace"), path))
        self.uris.add(uri)

    def file(self, file: File) -> None:
        """A card or thumbnail from .cache/ (linked after the pages, into folders they made)."""
        self._files.append(file)

    def write(self) -> None:
        pages, self._pages = self._pages, []
        for data, path in pages:
            write_file(data, path)
        files, self._files = self._files, []
        for file in files:
            place(Path(file.abs_src_path), Path(file.abs_dest_path))
