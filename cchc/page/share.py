"""What a page says when it is shared: Open Graph data, its card, its breadcrumbs.

Built by the page planners next to each PageSpec; the templates turn it into
meta tags, a visible breadcrumb, JSON-LD and the share bar. Pages that are not
about one record share the site's own card.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from cchc.core import layout
from cchc.core.settings import Settings
from cchc.page.structured_data import breadcrumbs, organization
from cchc.render.cards import SIZE, Card

HOME = ("Trang chủ", layout.HOME)
SITE_CARD_URL = layout.card_url(layout.HOME)

Crumbs = tuple[tuple[str, str], ...]  # (name, site-relative URL), home first, the page last

RSS = "application/rss+xml"
ATOM = "application/atom+xml"


class Feed(NamedTuple):
    """A page's own feed, announced in its <head> so feed readers find it from the page."""

    title: str
    url: str  # site-relative
    type: str = RSS


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
    feed: Feed | None = None  # this page's own feed; a plain (title, url) pair is an RSS feed
    structured: tuple[dict[str, Any], ...] = field(default_factory=tuple)  # JSON-LD objects

    def __post_init__(self) -> None:
        if self.feed is not None and not isinstance(self.feed, Feed):
            # Listings pass a bare (title, url); the templates read .type. Frozen, hence object.__setattr__.
            object.__setattr__(self, "feed", Feed(*self.feed))


def with_card(page_url: str, card: Card, **fields: Any) -> Share:
    """A page shared with a card of its own, drawn beside it."""
    return Share(url=page_url, image=layout.card_url(page_url), card=card, image_alt=card_alt(card), **fields)


def card_alt(card: Card) -> str:
    """The card in words, for og:image:alt and twitter:image:alt: its band first, as it is drawn."""
    return f"{card.band}: {card.title}" if card.band else card.title


def site_card(settings: Settings) -> Card:
    department = settings.department
    return Card(title=department.name, eyebrow="Cải cách hành chính · Thủ tục hành chính",
                footer=department.name, detail=f"Đường dây nóng {department.hotline}")


def named_title(title: str, settings: Settings) -> str:
    """A page's title as it travels: Zalo shows no site name, so a bare "Tin tức" or "Tìm kiếm"
    says whose it is ("Tin tức – Sở Y tế tỉnh …"); a title that names the department is kept."""
    department = settings.department.name
    return title if department.casefold() in title.casefold() else f"{title} – {department}"


def site_share(settings: Settings, url: str, title: str, description: str, crumbs: Crumbs = (),
               image: str = SITE_CARD_URL) -> Share:
    """A page shared with the site card (or another page's card) as its image, its title naming the department."""
    crumbs = (HOME, *crumbs) if crumbs else ()
    structured = (breadcrumbs(crumbs, settings),) if crumbs else (organization(settings),)
    title = named_title(title, settings)
    # The alt text says what the image shows: the site card shows the department, a page's own card its title.
    alt = card_alt(site_card(settings)) if image == SITE_CARD_URL else title
    return Share(url=url, title=title, description=description, image=image, image_alt=alt,
                 breadcrumbs=crumbs, structured=structured)
