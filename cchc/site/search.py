"""The search results page, /tim-kiem/ (?q=… makes a result shareable)."""

from __future__ import annotations

from cchc.core import layout
from cchc.page.share import site_share
from cchc.page.spec import PageSpec
from cchc.site.content import Content
from cchc.tthc.model import LEVELS

TYPES = ("Tin tức", "Thủ tục", "Quyết định", "Hỏi – đáp", "Trang")
DESCRIPTION = "Tìm tin tức, thủ tục hành chính, quyết định công bố; gõ có dấu hay không dấu, hoặc mã thủ tục."


def plan(content: Content) -> PageSpec:
    tthc = content.tthc
    return PageSpec(
        src_uri=layout.index_source(layout.SEARCH),
        title="Tìm kiếm",
        template="tim-kiem.html",
        description=DESCRIPTION,
        share=site_share(content.settings, layout.SEARCH, "Tìm kiếm", DESCRIPTION, (("Tìm kiếm", layout.SEARCH),)),
        context={
            "types": TYPES,
            "categories": [c.name for c in content.news.categories],
            "fields": [f.name for f in tthc.fields if tthc.by_field.get(f.slug)],
            "levels": [LEVELS[key] for key in LEVELS if any(p.level == key for p in tthc.procedures)],
        },
    )
