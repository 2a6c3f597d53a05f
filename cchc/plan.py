"""Everything the content produces: pages (news, procedures, changelog) and files."""

from __future__ import annotations

from .changelog_pages import plan_changelog_pages
from .content import Content
from .feeds import CHANGELOG_FEED, changelog_atom
from .opendata import data_files
from .news_pages import home_context, plan_news_pages
from .pagespec import PageSpec
from .tthc_pages import plan_procedure_pages

__all__ = ["PageSpec", "home_context", "plan_files", "plan_pages"]


def plan_files(content: Content) -> dict[str, bytes]:
    """Generated non-page files: src_uri → bytes (open data, feeds)."""
    return {**data_files(content), CHANGELOG_FEED: changelog_atom(content)}


def plan_pages(content: Content) -> list[PageSpec]:
    return plan_news_pages(content) + plan_procedure_pages(content) + plan_changelog_pages(content)
