"""The search results page, /tim-kiem/ (?q=… makes a result shareable)."""

from __future__ import annotations

from cchc.site.content import Content
from cchc.page.spec import PageSpec
from cchc.page.site_share import site_share
from cchc.tthc.model import LEVELS

URL = "tim-kiem/"
TYPES = ("Tin tức", "Thủ tục", "Quyết định", "Hỏi – đáp", "Trang")


def plan_search_page(content: Content) -> PageSpec:
    description = "Tìm tin tức, thủ tục hành chính, quyết định công bố; gõ có dấu hay không dấu, hoặc mã thủ tục."
    return PageSpec(
        src_uri=f"{URL}index.md",
        title="Tìm kiếm",
        template="tim-kiem.html",
        description=description,
        share=site_share(content.settings, URL, "Tìm kiếm", description, (("Tìm kiếm", URL),)),
        context={
            "types": TYPES,
            "categories": [c.name for c in content.categories],
            "fields": [f.name for f in content.fields if content.by_field.get(f.slug)],
            "levels": [LEVELS[key] for key in LEVELS if any(p.level == key for p in content.procedures)],
        },
    )
