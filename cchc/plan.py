"""Every page of the site, in one list: news first, then procedures."""

from __future__ import annotations

from .content import Content
from .news_pages import home_context, plan_news_pages
from .pagespec import PageSpec
from .tthc_pages import plan_procedure_pages

__all__ = ["PageSpec", "home_context", "plan_pages"]


def plan_pages(content: Content) -> list[PageSpec]:
    return plan_news_pages(content) + plan_procedure_pages(content)
