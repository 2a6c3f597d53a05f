"""What a page says when it is shared: Open Graph data, its card, its breadcrumbs.

Built by the page planners next to each PageSpec; the templates turn it into
meta tags, a visible breadcrumb, JSON-LD and the share bar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cchc.render.cards import SIZE, Card

CARD_NAME = "anh-chia-se.png"
HOME = ("Trang chủ", "")


@dataclass(frozen=True)
class Share:
    url: str  # site-relative URL of the page
    title: str
    description: str
    og_type: str = "website"  # "article" for news posts
    image: str = ""  # site-relative URL of the preview image
    image_size: tuple[int, int] = SIZE
    image_type: str = "image/png"
    image_alt: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    section: str = ""
    card: Card | None = None  # set when the image is a generated card at ``image``
    breadcrumbs: tuple[tuple[str, str], ...] = ()  # (name, site-relative URL), home first, this page last
    feed: tuple[str, str] | None = None  # (title, site-relative URL) of this page's own RSS feed
    structured: tuple[dict[str, Any], ...] = field(default_factory=tuple)  # JSON-LD objects


def card_url(page_url: str) -> str:
    """A card lives beside its page, so its URL is as stable as the page's."""
    return f"{page_url}{CARD_NAME}"


def with_card(page_url: str, card: Card, **fields: Any) -> Share:
    return Share(url=page_url, image=card_url(page_url), card=card, image_alt=card.title, **fields)
