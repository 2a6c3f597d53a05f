"""Procedure pages: one per record, the list, field pages and the handbook."""

from __future__ import annotations

from typing import Any

from cchc.render.cards import Card
from cchc.site.content import Content
from cchc.page.spec import PageSpec
from cchc.page.share import HOME, Share, with_card
from cchc.page.site_share import site_share
from cchc.page.structured_data import breadcrumbs, government_service
from cchc.render.qr import qr_svg
from cchc.tthc.model import CHANNELS, LEVELS, ONLINE, Procedure

LIST_URL = "tthc/"
TTHC_CRUMB = ("Thủ tục hành chính", LIST_URL)


def online_url(procedure: Procedure, portals: dict[str, str]) -> str | None:
    """Where the "Nộp hồ sơ trực tuyến" button goes, or None without an online service."""
    if procedure.online_level == "khong" or not procedure.in_force:
        return None
    if procedure.online_url:
        return procedure.online_url
    template = portals.get("submit_url")
    if template and procedure.code:
        return template.replace("{code}", procedure.code)
    return portals["provincial"]


def national_url(procedure: Procedure, portals: dict[str, str]) -> str | None:
    template = portals.get("national_procedure_url")
    if template and procedure.code:
        return template.replace("{code}", procedure.national_code)
    return None


def describe(procedure: Procedure) -> str:
    """One line for search results and link previews."""
    fastest = min(procedure.channels, key=lambda c: c.time.approx_days)
    code = f"Mã {procedure.code}" if procedure.code else "Thủ tục mới, đang cập nhật mã"
    text = f"{code}, {procedure.level_label.lower()}, lĩnh vực {procedure.field.name}. Thời hạn từ {fastest.time}"
    if procedure.online_level != "khong":
        text += f", nộp trực tuyến {procedure.online_label.lower()}"
    return text + "."


def plan_procedure_pages(content: Content) -> list[PageSpec]:
    if not content.procedures and not len(content.fields):
        return []
    settings = content.settings
    site_url = settings.site_url.rstrip("/") + "/"
    specs = [
        PageSpec(
            src_uri=p.src_uri,
            title=p.name,
            template="tthc.html",
            searchable=True,
            description=describe(p),
            share=_procedure_share(p, settings),
            context={
                "procedure": p,
                "online_url": online_url(p, settings.portals),
                "national_url": national_url(p, settings.portals),
                "page_url": site_url + p.url,
                "qr": qr_svg(site_url + p.url, settings.cache_dir / "qr"),
            },
        )
        for p in content.procedures
    ]
    for p in content.procedures:
        specs += [
            PageSpec(src_uri=f"tthc/{alias}.md", title=p.name, template="tthc-redirect.html",
                     context={"procedure": p})
            for alias in p.aliases
        ]
    description = f"Danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của {settings.department['name']}."
    specs.append(_listing(content, LIST_URL + "index.md", "Thủ tục hành chính", content.procedures,
                          kind="all", in_nav=True, description=description,
                          share=site_share(settings, LIST_URL, "Thủ tục hành chính", description, (TTHC_CRUMB,))))
    for field in content.fields:
        in_force = sum(1 for p in content.by_field[field.slug] if p.in_force)
        card = Card(title=field.name, eyebrow="Lĩnh vực thủ tục hành chính", footer=settings.department["name"],
                    detail=f"{in_force} thủ tục đang có hiệu lực")
        crumbs = (HOME, TTHC_CRUMB, (field.name, field.url))
        share = with_card(field.url, card, title=field.name, description=field.description or field.name,
                          breadcrumbs=crumbs, structured=(breadcrumbs(crumbs, settings),))
        specs.append(_listing(content, f"{field.url}index.md", field.name, content.by_field[field.slug],
                              kind="field", field=field, description=field.description, share=share))
    handbook = "Sổ tay danh mục thủ tục hành chính"
    handbook_text = "Danh mục mọi thủ tục hành chính đang có hiệu lực, theo lĩnh vực, để in và niêm yết."
    specs.append(PageSpec(
        src_uri=f"{LIST_URL}so-tay/index.md",
        title=handbook,
        template="tthc-handbook.html",
        description=handbook_text,
        share=site_share(settings, f"{LIST_URL}so-tay/", handbook, handbook_text,
                         (TTHC_CRUMB, ("Sổ tay", f"{LIST_URL}so-tay/"))),
        context={"groups": _groups(content, [p for p in content.procedures if p.in_force])},
    ))
    return specs


def _procedure_share(p: Procedure, settings) -> Share:
    crumbs = (HOME, TTHC_CRUMB, (p.field.name, p.field.url), (p.name, p.url))
    code = f"Mã {p.code}" if p.code else "Đang cập nhật mã"
    badge = f"Nộp trực tuyến {p.online_label.lower()}" if p.online_level != "khong" and p.in_force else ""
    if not p.in_force:
        badge = p.status_label
    card = Card(title=p.name, eyebrow=f"Thủ tục hành chính · {p.field.name}", footer=settings.department["name"],
                detail=f"{code} · {p.level_label}", badge=badge, badge_kind=p.online_level if p.in_force else "")
    return with_card(p.url, card, title=p.name, description=describe(p), breadcrumbs=crumbs,
                     structured=(government_service(p, settings, online_url(p, settings.portals)),
                                 breadcrumbs(crumbs, settings)))


def _groups(content: Content, procedures: list[Procedure]) -> list[tuple[Any, list[Procedure]]]:
    by_field: dict[str, list[Procedure]] = {}
    for procedure in procedures:  # already ordered by field, then name
        by_field.setdefault(procedure.field.slug, []).append(procedure)
    return [(field, by_field[field.slug]) for field in content.fields if field.slug in by_field]


def _listing(content: Content, src_uri: str, title: str, procedures: list[Procedure], *, kind: str,
             description: str, share: Share, in_nav: bool = False, **extra: Any) -> PageSpec:
    in_force = [p for p in procedures if p.in_force]
    retired = [p for p in procedures if not p.in_force]
    return PageSpec(
        src_uri=src_uri,
        title=title,
        template="tthc-list.html",
        description=description,
        in_nav=in_nav,
        share=share,
        context={
            "kind": kind,
            "heading": title,
            "description": description,
            "groups": _groups(content, in_force),
            "retired": retired,
            "count": len(in_force),
            "fields": [(f, sum(1 for p in content.by_field[f.slug] if p.in_force)) for f in content.fields],
            "levels": {key: label for key, label in LEVELS.items() if any(p.level == key for p in in_force)},
            "online_levels": ONLINE,
            "channels": CHANNELS,
            **extra,
        },
    )
