"""Procedure pages: one per record, the list, field pages and the printable handbook."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cchc.core import layout
from cchc.core.dates import format_date
from cchc.core.settings import Portals, Settings
from cchc.page.pagination import paginate
from cchc.page.share import ATOM, HOME, Feed, Share, named_title, site_share, with_card
from cchc.page.spec import PageSpec
from cchc.page.structured_data import area_served, breadcrumbs, organization
from cchc.render.cards import Card
from cchc.render.qr import qr_svg
from cchc.tthc.model import CHANNELS, LEVELS, ONLINE, STATUSES, Catalogue, Change, Channel, Decision, Field, Procedure
from cchc.tthc.parts import LABELS

TTHC_CRUMB = ("Thủ tục hành chính", layout.TTHC)


def online_url(procedure: Procedure, portals: Portals) -> str | None:
    """Where the "Nộp hồ sơ trực tuyến" button goes, or None without an online service."""
    if not procedure.in_force or procedure.online == "khong":
        return None
    if procedure.online_url:  # stated by the record, even when its level is not
        return procedure.online_url
    if not procedure.offers_online:
        return None
    if portals.submit_url and procedure.code:
        return portals.submit_url.replace("{code}", procedure.code)
    return portals.provincial


def national_url(procedure: Procedure, portals: Portals) -> str | None:
    """The procedure on the portal: its own link if the record has one, else the configured pattern."""
    if procedure.portal_url:
        return procedure.portal_url
    if portals.national_procedure_url and procedure.code:
        return portals.national_procedure_url.replace("{code}", procedure.national_code)
    return None


@dataclass(frozen=True)
class Status:
    """What a retired procedure, or one whose retirement is signed, says wherever it travels.

    One wording for the link preview, the card, the JSON-LD, the search result and the feeds, the same
    as the banner of overrides/tthc.html.
    """

    retired: bool  # False: signed, not yet in force (or its effective date is not stated)
    tag: str  # short, before the name in titles and in search results: "Đã bãi bỏ", "Sẽ bãi bỏ từ 01/01/2027"
    band: str  # the card's status band: "Đã bãi bỏ từ 15/10/2024"
    line: str  # one or two sentences, first in every description
    successors: tuple[Procedure, ...]  # what to follow instead (a replacement only)


def decision_text(decision: Decision) -> str:
    """The decision as the banner names it (partials/cchc-changes.html, decision_line)."""
    return f"Quyết định {decision.number} ngày {format_date(decision.signed)} của {decision.issuer}"


def _successor(procedure: Procedure) -> str:
    return f"{procedure.name} ({procedure.code})" if procedure.code else procedure.name


def procedure_status(p: Procedure) -> Status | None:
    """The status that travels with ``p``, or None for a procedure in force with nothing signed against it."""
    change: Change | None = p.retired_by or p.pending
    if change is None:
        return None
    replaced = change.kind == "thay_the"
    # A replaced procedure names what replaces it: the decisions' replaced_by once in force, the
    # signed change's new procedure before.
    successors = tuple(p.replaced_by if p.retired_by else (change.procedure,)) if replaced else ()
    follow = "; ".join(_successor(q) for q in successors)
    decision = decision_text(change.decision)
    day = format_date(change.effective) if change.effective else None
    if p.retired_by:
        since = f"từ ngày {day}" if day else "(chưa rõ ngày hiệu lực)"
        if replaced:
            line = f"Thủ tục này đã được thay thế {since} theo {decision}." + (
                f" Hãy thực hiện theo: {follow}." if follow else "")
        else:
            line = f"Thủ tục này đã bị bãi bỏ {since} theo {decision}; không nộp hồ sơ theo thủ tục này."
        tag = STATUSES[p.status]
        band = f"{tag} từ {day}" if day else tag
        return Status(True, tag, band, line, successors)
    verb = "được thay thế" if replaced else "bị bãi bỏ"
    line = (f"Từ ngày {day} thủ tục này {verb} theo {decision}." if day else
            f"Thủ tục này {verb} (chưa rõ ngày hiệu lực) theo {decision}.")
    if follow:
        line += f" Thủ tục thay thế: {follow}."
    future = "Sẽ được thay thế" if replaced else "Sẽ bãi bỏ"
    tag = f"{future} từ {day}" if day else f"{future}, chưa rõ ngày hiệu lực"
    return Status(False, tag, tag, line, successors)


def status_line(p: Procedure) -> str:
    """The status sentence(s) of ``p`` (see Status.line), or "" for a procedure with none."""
    status = procedure_status(p)
    return status.line if status else ""


def status_tag(p: Procedure) -> str:
    """The short status of ``p`` for titles and search results (see Status.tag), or ""."""
    status = procedure_status(p)
    return status.tag if status else ""


def share_title(p: Procedure) -> str:
    """The name as it travels: "[Đã bãi bỏ] Cấp giấy …" for a retired or retiring procedure."""
    tag = status_tag(p)
    return f"[{tag}] {p.name}" if tag else p.name


def describe(procedure: Procedure) -> str:
    """One line for search results and link previews; a retired or retiring procedure says so first."""
    facts = [f"Mã {procedure.code}" if procedure.code else procedure.code_label]
    if procedure.level:
        facts.append(procedure.level_label.lower())
    if procedure.field.stated:
        facts.append(f"lĩnh vực {procedure.field.name}")
    text = ", ".join(facts) + f". Thời hạn giải quyết{_time_phrase(procedure)}"
    if procedure.offers_online and procedure.in_force:
        text += f", nộp trực tuyến {procedure.online_label.lower()}"
    return " ".join(filter(None, (status_line(procedure), text + ".")))


def _time_phrase(procedure: Procedure) -> str:
    """The times for one line: numbers as a range; times given only in words are pointed at, not cut."""
    summary = procedure.time_summary
    if summary:
        return f" {summary}"
    if any(t.text for t in procedure.times):
        return " ghi theo từng trường hợp (xem chi tiết)"
    return ": không có thông tin"


def plan(catalogue: Catalogue, settings: Settings,
         parts: tuple[Callable[[Procedure], Any], dict, dict] | None = None) -> list[PageSpec]:
    """Every procedure page and list. ``parts``: (key, before, now) of a preview (cchc.site.preview): what a
    procedure's page says when shared, kept under its key (its version) between builds; the most costly
    part of planning a thousand pages again after a save."""
    if not catalogue.procedures and not len(catalogue.fields):
        return []
    specs = [_procedure_page(p, settings, parts) for p in catalogue.procedures]
    for p in catalogue.procedures:
        specs += [PageSpec(src_uri=layout.leaf_source(layout.PROCEDURE_URL.format(slug=alias)), title=p.name,
                           template="tthc-redirect.html", context={"procedure": p})
                  for alias in p.aliases]
    description = f"Danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của {settings.department.name}."
    specs.append(_listing(catalogue, layout.TTHC, "Thủ tục hành chính", catalogue.procedures,
                          kind="all", in_nav=True, description=description, handbook=layout.HANDBOOK,
                          share=site_share(settings, layout.TTHC, "Thủ tục hành chính", description, (TTHC_CRUMB,))))
    specs += [_field_page(catalogue, field, settings) for field in catalogue.fields]
    specs += handbook(catalogue, settings)
    return specs


def _procedure_page(p: Procedure, settings: Settings,
                    parts: tuple[Callable[[Procedure], Any], dict, dict] | None = None) -> PageSpec:
    page_url = settings.site + p.url
    if parts is None:
        description, share = describe(p), _procedure_share(p, settings)
    else:  # values only (no record in them), so keeping them keeps no old catalogue alive
        key, before, now = parts
        name = ("share", key(p))
        kept = before.get(name)
        now[name] = description, share = kept if kept is not None else (describe(p), _procedure_share(p, settings))
    return PageSpec(
        src_uri=p.src_uri,
        title=p.name,
        template="tthc.html",
        searchable=True,
        description=description,
        share=share,
        context={
            "procedure": p,
            "status": procedure_status(p),  # what the search result says of a retired or retiring one
            "parts": LABELS,
            "online_url": online_url(p, settings.portals),
            "national_url": national_url(p, settings.portals),
            "page_url": page_url,
            "qr": qr_svg(page_url, settings.cache_dir / "qr"),
        },
    )


def _procedure_share(p: Procedure, settings: Settings) -> Share:
    crumbs = (HOME, TTHC_CRUMB, (p.field.name, p.field.url), (p.name, p.url))
    status = procedure_status(p)
    code = f"Mã {p.code}" if p.code else p.code_label
    detail = " · ".join(filter(None, (code, p.level and p.level_label, p.time_summary)))
    if status and status.successors:  # the card names what to follow instead
        follow = "; ".join(f"{q.code} – {q.name}" if q.code else q.name for q in status.successors)
        detail = f"Hãy thực hiện theo: {follow}" if status.retired else f"Thủ tục thay thế: {follow}"
    # The band says a retired procedure's status; the online badge only while it can still be used.
    badge = f"Nộp trực tuyến {p.online_label.lower()}" if p.offers_online and p.in_force else ""
    band = (status.band, "retired" if status.retired else "pending") if status else ("", "")
    card = Card(title=p.name, eyebrow=f"Thủ tục hành chính · {p.field.name}", footer=settings.department.name,
                detail=detail, badge=badge, badge_kind=p.online if badge else "", band=band[0], band_kind=band[1])
    return with_card(p.url, card, title=share_title(p), description=describe(p), breadcrumbs=crumbs,
                     structured=(government_service(p, settings), breadcrumbs(crumbs, settings)))


# ISO 8601 durations exist for calendar time only. A number of working days ("ngày làm việc") has no
# ISO form: P10D would say ten calendar days, two weekends shorter, so it is left out and the
# channel's description keeps the source's words.
_ISO_UNITS = {"gio": "PT{}H", "ngay": "P{}D", "thang": "P{}M"}


def _iso_duration(value: int, unit: str) -> str | None:
    """The ISO 8601 duration of a calendar time, or None for a unit that has none (working days)."""
    form = _ISO_UNITS.get(unit)
    return form.format(value) if form else None


def _service_channel(channel: Channel, procedure: Procedure, submit: str | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "@type": "ServiceChannel",
        "name": CHANNELS[channel.channel] + (f" ({channel.case})" if channel.case else ""),
        "description": f"Thời hạn giải quyết: {channel.times_text}. Phí, lệ phí: {channel.fees_text}",
        "availableLanguage": "vi",
    }
    numbered = [t for t in channel.times or () if t.value is not None]
    if len(numbered) == 1 and len(channel.times) == 1:  # one time, one ISO value; several would say less than the text
        duration = _iso_duration(numbered[0].value, numbered[0].unit)
        if duration:
            item["processingTime"] = duration
    if channel.channel == "truc_tuyen" and submit:
        item["serviceUrl"] = submit
    if channel.channel == "truc_tiep" and procedure.receiving_address:
        item["serviceLocation"] = {"@type": "Place", "address": procedure.receiving_address}
    return item


def government_service(procedure: Procedure, settings: Settings) -> dict[str, Any]:
    """The procedure as schema.org's GovernmentService, with a channel for each way to submit."""
    submit = online_url(procedure, settings.portals)
    service: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": procedure.name,
        "description": describe(procedure),  # a retired or retiring procedure's status first, as in the preview
        **({"identifier": procedure.code} if procedure.code else {}),
        **({"serviceType": procedure.field.name} if procedure.field.stated else {}),
        "url": settings.site + procedure.url,
        "provider": {key: value for key, value in organization(settings).items() if key != "@context"},
        "areaServed": area_served(settings),
    }
    # A part the source does not state is left out, never filled in.
    if procedure.subjects:
        service["audience"] = {"@type": "Audience", "audienceType": ", ".join(procedure.subjects)}
    if procedure.channels:
        service["availableChannel"] = [_service_channel(c, procedure, submit) for c in procedure.channels]
    if procedure.legal_basis:
        service["termsOfService"] = [" – ".join(filter(None, (d.number, d.title))) for d in procedure.legal_basis]
    status = procedure_status(procedure)
    if status and status.successors:
        # schema.org has no "replaced by" for a Service; isRelatedTo (Service → Service) links the
        # successor, and the description says how they are related.
        service["isRelatedTo"] = [_related_service(q, settings) for q in status.successors]
    return service


def _related_service(procedure: Procedure, settings: Settings) -> dict[str, Any]:
    return {"@type": "GovernmentService", "name": procedure.name,
            **({"identifier": procedure.code} if procedure.code else {}), "url": settings.site + procedure.url}


def field_phrase(field: Field) -> str:
    """"lĩnh vực Dược phẩm"; the group without a field is named as it is."""
    return f"lĩnh vực {field.name}" if field.stated else field.name.lower()


def field_feed_title(field: Field) -> str:
    """The Atom feed of a field's changes (cchc/tthc/changelog.py), as its page announces it."""
    return f"Thay đổi thủ tục {field_phrase(field)}"


def _field_page(catalogue: Catalogue, field: Field, settings: Settings) -> PageSpec:
    in_force = sum(1 for p in catalogue.by_field[field.slug] if p.in_force)
    card = Card(title=field.name, eyebrow="Lĩnh vực thủ tục hành chính", footer=settings.department.name,
                detail=f"{in_force} thủ tục đang có hiệu lực")
    crumbs = (HOME, TTHC_CRUMB, (field.name, field.url))
    # The bare name ("Dược phẩm") says neither what nor whose in a Zalo preview.
    share = with_card(field.url, card, title=named_title(f"Thủ tục hành chính {field_phrase(field)}", settings),
                      description=field.description or field.name,
                      breadcrumbs=crumbs, structured=(breadcrumbs(crumbs, settings),),
                      feed=Feed(field_feed_title(field), layout.FIELD_FEED_URL.format(slug=field.slug), ATOM))
    return _listing(catalogue, field.url, field.name, catalogue.by_field[field.slug],
                    kind="field", field=field, description=field.description, share=share,
                    handbook=handbook_url(field))


# Rows of one page of a field's handbook: every page stays ≤ 30 KB gzip (issue 22) and prints alone. The
# page around the table costs 4 KB gzip and a row of the demo's records 70 bytes; 100 rows of long, random
# names with a case on their times (tests/test_handbook.py) make a 15 KB page, so rows would have to be
# twice as wordy as those to pass. A fixed count, not a byte budget: page 2 always starts at
# number 101, which a counter's printed copy can say.
HANDBOOK_PER_PAGE = 100
HANDBOOK_TITLE = "Sổ tay danh mục thủ tục hành chính"
HANDBOOK_CRUMB = ("Sổ tay", layout.HANDBOOK)


def handbook_url(field: Field) -> str:
    """The printable handbook of ``field``: /tthc/so-tay/<slug>/, the slug of its /tthc/linh-vuc/<slug>/."""
    return layout.HANDBOOK_FIELD_URL.format(slug=field.slug)


def handbook(catalogue: Catalogue, settings: Settings) -> list[PageSpec]:
    """The printable handbook: an index at /tthc/so-tay/ (what it is, how to print, every field with the count
    of its procedures in force), and each field's procedures in force at /tthc/so-tay/<field>/, paginated
    past HANDBOOK_PER_PAGE.

    One page for the whole catalogue passed 30 KB gzip at about 1,200 procedures; a field is also what a
    one-stop counter prints and posts. Every field with a page of its own (/tthc/linh-vuc/<slug>/) has one
    here too, even with nothing in force, so a printed link keeps working when a field empties.
    """
    in_force = {f.slug: [p for p in catalogue.by_field[f.slug] if p.in_force] for f in catalogue.fields}
    text = "Danh mục mọi thủ tục hành chính đang có hiệu lực, theo lĩnh vực, để in và niêm yết."
    specs = [PageSpec(
        src_uri=layout.index_source(layout.HANDBOOK),
        title=HANDBOOK_TITLE,
        template="tthc-handbook.html",
        description=text,
        share=site_share(settings, layout.HANDBOOK, HANDBOOK_TITLE, text, (TTHC_CRUMB, HANDBOOK_CRUMB)),
        context={"kind": "index", "fields": [(f, len(in_force[f.slug]), handbook_url(f)) for f in catalogue.fields],
                 "count": sum(len(items) for items in in_force.values()), "per_page": HANDBOOK_PER_PAGE},
    )]
    for field in catalogue.fields:
        specs += _handbook_field(field, in_force[field.slug], settings)
    return specs


def _handbook_field(field: Field, procedures: list[Procedure], settings: Settings) -> list[PageSpec]:
    base = handbook_url(field)
    title = f"Sổ tay thủ tục hành chính {field_phrase(field)}"
    text = f"Danh mục {len(procedures)} thủ tục hành chính {field_phrase(field)} đang có hiệu lực, để in và niêm yết."
    crumbs = (TTHC_CRUMB, HANDBOOK_CRUMB, (field.name, base))
    specs = []
    for pager in paginate(base, procedures, HANDBOOK_PER_PAGE):
        page_title = title if pager.number == 1 else f"{title} – trang {pager.number}"
        specs.append(PageSpec(
            src_uri=pager.src_uri,
            title=page_title,
            template="tthc-handbook.html",
            description=text,
            share=site_share(settings, pager.url, page_title, text, crumbs),
            # first: the STT of the page's first row, so numbers run on across the pages of a field
            context={"kind": "field", "field": field, "heading": title, "pager": pager,
                     "first": (pager.number - 1) * HANDBOOK_PER_PAGE + 1, "list_url": field.url},
        ))
    return specs


def _groups(catalogue: Catalogue, procedures: list[Procedure]) -> list[tuple[Field, list[Procedure]]]:
    by_field: dict[str, list[Procedure]] = {}
    for procedure in procedures:  # already ordered by field, then name
        by_field.setdefault(procedure.field.slug, []).append(procedure)
    return [(field, by_field[field.slug]) for field in catalogue.fields if field.slug in by_field]


# Procedures /tthc/ lists one by one, at most. A row of a long real name is about 90 bytes gzip: more than
# this would pass the 30 KB gzip a page may weigh on a phone (issue 22), so past it /tthc/ lists the fields
# with their counts, each linking its own list (with the filters), and the search finds a procedure by name.
LIST_LIMIT = 250


def _listing(catalogue: Catalogue, url: str, title: str, procedures: list[Procedure], *, kind: str,
             description: str, share: Share, in_nav: bool = False, **extra: Any) -> PageSpec:
    in_force = [p for p in procedures if p.in_force]
    retired = [p for p in procedures if not p.in_force]
    fields_only = kind == "all" and (len(in_force) > LIST_LIMIT or len(retired) > LIST_LIMIT)
    return PageSpec(
        src_uri=layout.index_source(url),
        title=title,
        template="tthc-list.html",
        description=description,
        in_nav=in_nav,
        share=share,
        context={
            "kind": kind,
            "heading": title,
            "description": description,
            "groups": _groups(catalogue, in_force),
            "retired": retired,
            "count": len(in_force),
            "fields_only": fields_only,
            "fields": [(f, sum(1 for p in catalogue.by_field[f.slug] if p.in_force)) for f in catalogue.fields],
            "levels": {key: label for key, label in LEVELS.items() if any(p.level == key for p in in_force)},
            "online_levels": ONLINE,
            "channels": CHANNELS,
            **extra,
        },
    )
