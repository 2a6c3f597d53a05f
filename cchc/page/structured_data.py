"""JSON-LD (schema.org) for search engines and link previews.

Plain dictionaries; the templates serialise them with Jinja's ``tojson``,
which escapes "<", ">" and "&", so editors' text cannot end the script.
"""

from __future__ import annotations

from typing import Any

from cchc.news.model import Post
from cchc.core.settings import Settings
from cchc.tthc.model import CHANNELS, Procedure


def organization(settings: Settings) -> dict[str, Any]:
    department = settings.department
    site = settings.site_url.rstrip("/") + "/"
    return {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "name": department["name"],
        "url": site,
        "logo": site + "assets/logo.svg",
        "telephone": department["hotline"],
        "email": department["email"],
        "address": {"@type": "PostalAddress", "streetAddress": department["address"],
                    "addressRegion": department["province"], "addressCountry": "VN"},
        "areaServed": {"@type": "AdministrativeArea", "name": f"Tỉnh {department['province']}"},
        **({"parentOrganization": {"@type": "GovernmentOrganization", "name": department["governing_body"]}}
           if department.get("governing_body") else {}),
    }


def breadcrumbs(items: tuple[tuple[str, str], ...], settings: Settings) -> dict[str, Any]:
    site = settings.site_url.rstrip("/") + "/"
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index + 1, "name": name, "item": site + url}
            for index, (name, url) in enumerate(items)
        ],
    }


def news_article(post: Post, settings: Settings, image: str) -> dict[str, Any]:
    site = settings.site_url.rstrip("/") + "/"
    publisher = organization(settings)
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": post.title,
        "description": post.summary,
        "datePublished": post.date.isoformat(),
        "dateModified": (post.updated or post.date).isoformat(),
        "image": [site + image],
        "articleSection": post.category.name,
        "keywords": post.tags,
        "inLanguage": "vi",
        "mainEntityOfPage": site + post.url,
        "author": {"@type": "Organization", "name": post.author or publisher["name"]},
        "publisher": {key: publisher[key] for key in ("@type", "name", "url", "logo")},
    }


def _iso_duration(value: int, unit: str) -> str:
    # schema.org wants ISO 8601; "ngày làm việc" has no ISO form, so the
    # channel's description keeps the exact wording.
    return {"gio": f"PT{value}H", "thang": f"P{value}M"}.get(unit, f"P{value}D")


def government_service(procedure: Procedure, settings: Settings, online_url: str | None) -> dict[str, Any]:
    site = settings.site_url.rstrip("/") + "/"
    channels = []
    for channel in procedure.channels:
        item: dict[str, Any] = {
            "@type": "ServiceChannel",
            "name": CHANNELS[channel.channel],
            "description": f"Thời hạn giải quyết: {channel.time}",
            "processingTime": _iso_duration(channel.time.value, channel.time.unit),
            "availableLanguage": "vi",
        }
        if channel.channel == "truc_tuyen" and online_url:
            item["serviceUrl"] = online_url
        if channel.channel == "truc_tiep":
            item["serviceLocation"] = {"@type": "Place", "address": procedure.receiving_address}
        channels.append(item)
    return {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": procedure.name,
        **({"identifier": procedure.code} if procedure.code else {}),
        "serviceType": procedure.field.name,
        "url": site + procedure.url,
        "provider": {key: value for key, value in organization(settings).items() if key != "@context"},
        "areaServed": {"@type": "AdministrativeArea", "name": f"Tỉnh {settings.department['province']}"},
        "audience": {"@type": "Audience", "audienceType": ", ".join(procedure.subjects)},
        "availableChannel": channels,
        "termsOfService": [f"{doc.number} – {doc.title}" for doc in procedure.legal_basis],
    }
