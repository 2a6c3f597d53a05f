"""Parts of the page frame that come out the same on many pages, rendered once for all of them.

Material renders its navigation, tabs and configuration script into every page, and
our header and footer surround each: at 7,000 pages that was a fifth of the build. On
a page outside the nav (every post, procedure, decision and listing) no nav item is
active, and these parts differ from page to page only in how their links are written
relative to the page. So pages whose links come out alike share one rendering.

A relative link depends on the page's depth and on how many leading folders the page
shares with the link's target (that is all ``posixpath.relpath`` looks at), so that is
the key, for every target these parts may link to: the nav's pages, the logo, and the
site's fixed URLs (cchc.core.layout.URL_ROOTS). Only targets in the page's first folder
can share any, so the key holds that folder and the count for each of them. A part
kept here must link nowhere else: tests/test_speedups.py builds the demo with and
without sharing and compares the bytes. Pages in the nav, where an item is active,
render as usual.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation, Section

from cchc.core import layout


class Frame:
    def __init__(self, nav: Navigation, config: MkDocsConfig, shared: bool = True):
        """``shared=False`` renders every part on every page (CCHC_PLAIN=1, to compare the bytes)."""
        homepage = config.extra.get("homepage") or (nav.homepage.url if nav.homepage else layout.HOME)
        targets = {homepage, config.theme.get("logo") or layout.LOGO, *layout.URL_ROOTS, *_urls(nav.items)}
        self._by_first: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for url in sorted(targets):
            if "://" not in url:
                folders = _folders(url)
                if folders:
                    self._by_first[folders[0]].append(folders)
        self._in_nav = {id(page) for page in nav.pages}
        self._shared = shared
        # With the table of contents inside the navigation, the nav holds the page's own headings.
        self._nav_shared = "toc.integrate" not in (config.theme.get("features") or [])
        self._parts: dict[tuple, str] = {}
        self._page_key: tuple[int, tuple | None] = (0, None)

    def once(self, name: str, page, render: Callable[[], str]) -> str:
        """``render()``, or what it gave for a page whose links come out alike."""
        key = self._key(page)
        if key is None or (name == "nav" and not self._nav_shared):
            return render()
        html = self._parts.get((name, key))
        if html is None:
            html = self._parts[(name, key)] = render()
        return html

    def _key(self, page) -> tuple | None:
        if not self._shared or page is None or id(page) in self._in_nav or not page.url.endswith("/"):
            return None
        if self._page_key[0] != id(page):  # the parts of one page ask in turn
            folders = _folders(page.url)
            key = None
            if folders:
                near = self._by_first.get(folders[0])  # targets that may share folders with the page
                shared = tuple(_common(folders, target) for target in near) if near else ()
                key = (len(folders), folders[0] if near else "", shared)
            self._page_key = (id(page), key)
        return self._page_key[1]


def _folders(url: str) -> tuple[str, ...]:
    return tuple(part for part in url.split("/") if part)


def _common(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):  # the shorter path decides
        if x != y:
            break
        count += 1
    return count


def _urls(items: Iterable) -> list[str]:
    """Every URL the nav and the tabs link to, sections' pages included."""
    urls = []
    for item in items:
        if isinstance(item, Section):
            urls += _urls(item.children)
        elif getattr(item, "url", None) is not None:
            urls.append(item.url)
    return urls
