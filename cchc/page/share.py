"""What a page says when it is shared: Open Graph data, its card, its breadcrumbs.

Built by the page planners next to each PageSpec; the templates turn it into
meta tags, a visible breadcrumb, JSON-LD and the share bar. Pages that are not
about one record share the site's own card.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cchc.core import layout
from cchc.core.settings import Settings
from cchc.page.structured_data import breadcrumbs, organization
from cchc.render.cards import SIZE, Card

HOME = ("Trang chủ", layout.HOME)
SITE_CARD_URL = layout.card_url(layout.HOME)

Crumbs = tuple[tuple[str, str], ...]  # (name, site-relative URL), home first, the page last


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
    breadcrumbs: Crumbs = ()
    feed: tuple[str, str] | None = None  # (title, site-relative URL) of this page's own RSS feed
    structured: tuple[dict[str, Any], ...] = field(default_factory=tuple)  # JSON-LD objects


def with_card(page_url: str, card: Card, **fields: Any) -> Share:
    """A page shared with a card of its own, drawn beside it."""
    return Share(url=page_url, image=layout.card_url(page_url), card=card, image_alt=card.title, **fields)


def site_card(settings: Settings) -> Card:
    department = settings.department
    return Card(title=department.name, eyebrow="Cải cách hành chính · Thủ tục hành chính",
                footer=department.name, detail=f"Đường dây nóng {department.hotline}")


def site_share(settings: Settings, url: str, title: str, description: str, crumbs: Crumbs = (),
               image: str = SITE_CARD_URL) -> Share:
    """A page shared with the site card (or another page's card) as its image."""
    crumbs = (HOME, *crumbs) if crumbs else ()
    structured = (breadcrumbs(crumbs, settings),) if crumbs else (organization(settings),)
    return Share(url=url, title=title, description=description, image=image, image_alt=title,
                 breadcrumbs=crumbs, structured=structured)
