"""JSON-LD (schema.org) for search engines and link previews: the parts every page kind shares.

Plain dictionaries; the templates serialise them with Jinja's ``tojson``,
which escapes "<", ">" and "&", so editors' text cannot end the script.
A post's NewsArticle and a procedure's GovernmentService are made beside
their pages (cchc/news/pages.py, cchc/tthc/pages.py) from these.
"""

from __future__ import annotations

from typing import Any

from cchc.core import layout
from cchc.core.settings import Settings


def organization(settings: Settings) -> dict[str, Any]:
    department = settings.department
    site = settings.site
    return {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "name": department.name,
        "url": site,
        "logo": site + layout.LOGO,
        "telephone": department.hotline,
        "email": department.email,
        "address": {"@type": "PostalAddress", "streetAddress": department.address,
                    "addressRegion": department.province, "addressCountry": "VN"},
        "areaServed": area_served(settings),
        **({"parentOrganization": {"@type": "GovernmentOrganization", "name": department.governing_body}}
           if department.governing_body else {}),
    }


def area_served(settings: Settings) -> dict[str, Any]:
    return {"@type": "AdministrativeArea", "name": f"Tỉnh {settings.department.province}"}


def breadcrumbs(items: tuple[tuple[str, str], ...], settings: Settings) -> dict[str, Any]:
    site = settings.site
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index + 1, "name": name, "item": site + url}
            for index, (name, url) in enumerate(items)
        ],
    }
