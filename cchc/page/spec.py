"""A page the content produces: where it lives and what its template gets.

The hooks turn each PageSpec into a virtual MkDocs file; templates in
overrides/ render ``template`` with ``context`` as ``cchc``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cchc.page.share import Share


@dataclass
class PageSpec:
    src_uri: str
    title: str
    template: str
    markdown: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    in_nav: bool = False  # only section entry pages may be in the nav
    share: Share | None = None
    # Its template marks content for Pagefind (data-pagefind-body). Such pages are
    # built first, so the index can be written while the listings are still rendering.
    searchable: bool = False
    # Its Markdown depends on nothing but its own text and path, so the converted
    # HTML can be reused between builds (cchc.render_cache). True for posts.
    reusable_render: bool = False
