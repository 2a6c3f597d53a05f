"""Procedure pages: one per record, the list, field pages and the handbook."""

from __future__ import annotations

from typing import Any

from .content import Content
from .pagespec import PageSpec
from .qr import qr_svg
from .tthc_models import CHANNELS, LEVELS, ONLINE, Procedure

LIST_URL = "tthc/"


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
            description=describe(p),
            context={
                "procedure": p,
                "online_url": online_url(p, settings.portals),
                "national_url": national_url(p, settings.portals),
                "page_url": site_url + p.url,
                "qr": qr_svg(site_url + p.url),
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
    specs.append(_listing(content, LIST_URL + "index.md", "Thủ tục hành chính", content.procedures,
                          kind="all", in_nav=True,
                          description=f"Danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của "
                                      f"{settings.department['name']}."))
    for field in content.fields:
        specs.append(_listing(content, f"{field.url}index.md", field.name, content.by_field[field.slug],
                              kind="field", field=field, description=field.description))
    specs.append(PageSpec(
        src_uri=f"{LIST_URL}so-tay/index.md",
        title="Sổ tay danh mục thủ tục hành chính",
        template="tthc-handbook.html",
        description="Danh mục mọi thủ tục hành chính đang có hiệu lực, theo lĩnh vực, để in và niêm yết.",
        context={"groups": _groups(content, [p for p in content.procedures if p.in_force])},
    ))
    return specs


def _groups(content: Content, procedures: list[Procedure]) -> list[tuple[Any, list[Procedure]]]:
    by_field: dict[str, list[Procedure]] = {}
    for procedure in procedures:  # already ordered by field, then name
        by_field.setdefault(procedure.field.slug, []).append(procedure)
    return [(field, by_field[field.slug]) for field in content.fields if field.slug in by_field]


def _listing(content: Content, src_uri: str, title: str, procedures: list[Procedure], *, kind: str,
             description: str, in_nav: bool = False, **extra: Any) -> PageSpec:
    in_force = [p for p in procedures if p.in_force]
    retired = [p for p in procedures if not p.in_force]
    return PageSpec(
        src_uri=src_uri,
        title=title,
        template="tthc-list.html",
        description=description,
        in_nav=in_nav,
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
