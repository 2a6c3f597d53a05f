"""Sharing data of pages that are not about one record: the site's own card."""

from __future__ import annotations

from cchc.render.cards import Card
from cchc.core.settings import Settings
from cchc.page.share import HOME, Share, card_url
from cchc.page.structured_data import breadcrumbs, organization

SITE_CARD_URL = card_url("")


def site_card(settings: Settings) -> Card:
    department = settings.department
    return Card(title=department["name"], eyebrow="Cải cách hành chính · Thủ tục hành chính",
                footer=department["name"], detail=f"Đường dây nóng {department['hotline']}")


def site_share(settings: Settings, url: str, title: str, description: str,
               crumbs: tuple[tuple[str, str], ...] = (), image: str = SITE_CARD_URL) -> Share:
    """A page shared with the site card (or another page's card) as its image."""
    crumbs = (HOME, *crumbs) if crumbs else ()
    structured = (breadcrumbs(crumbs, settings),) if crumbs else (organization(settings),)
    return Share(url=url, title=title, description=description, image=image, image_alt=title,
                 breadcrumbs=crumbs, structured=structured)
