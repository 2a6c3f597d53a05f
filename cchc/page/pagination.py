"""Paginated listings at /<base>/, /<base>/trang/2/, … (URLs fixed by DESIGN.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from cchc.core import layout

T = TypeVar("T")


@dataclass(frozen=True)
class Pager(Generic[T]):
    base: str  # site-relative URL of page 1, ending in "/"
    number: int  # 1-based
    count: int
    items: Sequence[T]
    total: int  # items over all pages

    def url_of(self, number: int) -> str:
        return layout.paged_url(self.base, number)

    @property
    def url(self) -> str:
        return self.url_of(self.number)

    @property
    def src_uri(self) -> str:
        # "trang/2.md" is served at "trang/2/" with use_directory_urls.
        return layout.index_source(self.base) if self.number == 1 else layout.leaf_source(self.url)

    @property
    def previous_url(self) -> str | None:
        return self.url_of(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url_of(self.number + 1) if self.number < self.count else None

    def window(self, radius: int = 2) -> list[int | None]:
        """Page numbers to link, None standing for a gap: 1 … 4 5 [6] 7 8 … 20.

        Bounded in size, so a listing with 500 pages does not link all 500 from
        every page.
        """
        shown = {1, self.count, *range(self.number - radius, self.number + radius + 1)}
        numbers = sorted(n for n in shown if 1 <= n <= self.count)
        out: list[int | None] = []
        for n in numbers:
            if out and n - out[-1] > 1:
                out.append(None)
            out.append(n)
        return out


def paginate(base: str, items: Sequence[T], per_page: int) -> list[Pager[T]]:
    """Split ``items``; an empty listing still has its first page."""
    if per_page < 1:
        raise ValueError("per_page must be positive")
    count = max(1, -(-len(items) // per_page))
    return [
        Pager(base, n + 1, count, items[n * per_page:(n + 1) * per_page], len(items))
        for n in range(count)
    ]
