"""The public changelog: /tthc/thay-doi/, per year, one page per decision, and its Atom feed."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from feedgen.feed import FeedGenerator

from cchc.core import layout
from cchc.core.dates import EPOCH, format_date
from cchc.core.settings import Settings
from cchc.page.share import HOME, site_share, with_card
from cchc.page.spec import PageSpec
from cchc.page.structured_data import breadcrumbs
from cchc.render.cards import Card
from cchc.tthc.model import CHANGE_TYPES, Catalogue, Decision, count_kinds
from cchc.tthc.pages import TTHC_CRUMB

# The main page lists the newest decisions up to this many changes; every
# change stays on its year page, so a long history never makes a huge page.
MAIN_PAGE_CHANGES = 300
FEED_ENTRIES = 200  # newest changes; the changelog pages hold the rest


def _context(catalogue: Catalogue, decisions: list[Decision], **extra: Any) -> dict[str, Any]:
    changes = [c for d in decisions for c in d.changes]
    used_fields = {c.procedure.field.slug for c in changes}
    return {
        "decisions": decisions,
        "counts": count_kinds(changes),
        "total": len(changes),
        "types": CHANGE_TYPES,
        "fields": [f for f in catalogue.fields if f.slug in used_fields],
        "years": sorted({d.signed.year for d in catalogue.decisions}, reverse=True),
        **extra,
    }


TITLE = "Thay đổi thủ tục hành chính"
CRUMB = ("Thay đổi", layout.CHANGELOG)


def plan(catalogue: Catalogue, settings: Settings) -> list[PageSpec]:
    if not catalogue.decisions and not catalogue.procedures:
        return []
    by_year: dict[int, list[Decision]] = defaultdict(list)
    for decision in catalogue.decisions:
        by_year[decision.signed.year].append(decision)  # a decision belongs to the year it was signed
    return [_main_page(catalogue, settings),
            *(_year_page(catalogue, year, decisions, settings) for year, decisions in sorted(by_year.items(), reverse=True)),
            *(_decision_page(decision, settings) for decision in catalogue.decisions)]


def _main_page(catalogue: Catalogue, settings: Settings) -> PageSpec:
    shown, total = [], 0
    for decision in catalogue.decisions:  # newest first
        if shown and total + len(decision.changes) > MAIN_PAGE_CHANGES:
            break
        shown.append(decision)
        total += len(decision.changes)
    department = settings.department.name
    description = (f"Thủ tục hành chính của {department} mới ban hành, sửa đổi, bổ sung, thay thế, bãi bỏ "
                   "theo từng quyết định công bố.")
    latest = f"Cập nhật theo quyết định {catalogue.decisions[0].number}" if catalogue.decisions else ""
    card = Card(title=TITLE, eyebrow="Nhật ký thay đổi", footer=department, detail=latest)
    crumbs = (HOME, TTHC_CRUMB, CRUMB)
    return PageSpec(
        src_uri=layout.index_source(layout.CHANGELOG),
        title=TITLE,
        template="tthc-changelog.html",
        description=description,
        share=with_card(layout.CHANGELOG, card, title=TITLE, description=description, breadcrumbs=crumbs,
                        structured=(breadcrumbs(crumbs, settings),)),
        context=_context(catalogue, shown, kind="all", truncated=len(shown) < len(catalogue.decisions)),
    )


def _year_page(catalogue: Catalogue, year: int, decisions: list[Decision], settings: Settings) -> PageSpec:
    url = layout.CHANGELOG_YEAR_URL.format(year=year)
    title = f"{TITLE} năm {year}"
    text = f"Các quyết định công bố thủ tục hành chính ký trong năm {year}."
    return PageSpec(
        src_uri=layout.index_source(url),
        title=title,
        template="tthc-changelog.html",
        description=text,
        share=site_share(settings, url, title, text, (TTHC_CRUMB, CRUMB, (str(year), url)),
                         image=layout.card_url(layout.CHANGELOG)),
        context=_context(catalogue, decisions, kind="year", year=year, truncated=False),
    )


def _decision_page(decision: Decision, settings: Settings) -> PageSpec:
    title = f"Quyết định {decision.number}"
    return PageSpec(
        src_uri=decision.src_uri,
        title=title,
        template="tthc-decision.html",
        searchable=True,
        description=decision.title,
        share=site_share(settings, decision.url, title, decision.title, (TTHC_CRUMB, CRUMB, (title, decision.url)),
                         image=layout.card_url(layout.CHANGELOG)),
        context={"decision": decision, "counts": count_kinds(decision.changes), "types": CHANGE_TYPES},
    )


def atom(catalogue: Catalogue, settings: Settings) -> bytes:
    """Atom feed of procedure changes: one entry per change, newest first."""
    site = settings.site
    department = settings.department.name
    changes = catalogue.changes[:FEED_ENTRIES]
    feed = FeedGenerator()
    feed.id(site + layout.CHANGELOG)
    feed.title(f"{TITLE} – {department}")
    feed.subtitle("Thủ tục mới ban hành, sửa đổi, bổ sung, thay thế, bãi bỏ theo quyết định công bố.")
    feed.author({"name": department, "email": settings.department.email})
    feed.link(href=site + layout.CHANGELOG, rel="alternate")
    feed.link(href=site + layout.CHANGELOG_FEED, rel="self")
    feed.language("vi")
    # Deterministic: the feed is as new as its newest change, not as the build.
    feed.updated(max((c.dated for c in catalogue.changes), default=EPOCH))
    for change in reversed(changes):  # feedgen prepends: add oldest first to get newest first
        decision = change.decision
        entry = feed.add_entry()
        entry.id(site + change.url)
        entry.title(f"{change.label}: {change.procedure.name}")
        # One link only: feedgen 1.0.0 drops rel on entry links, so a second
        # (the decision) would read as another "alternate". The id points there.
        entry.link(href=site + change.procedure.url, rel="alternate")
        entry.updated(change.dated)
        entry.published(decision.signed)
        entry.category(term=change.kind, label=change.label)
        when = f"có hiệu lực từ {format_date(change.effective)}" if change.effective else "chưa rõ ngày hiệu lực"
        text = [f"{change.verb} theo Quyết định {decision.number} ngày {format_date(decision.signed)} "
                f"của {decision.issuer}; {when}. Quyết định: {site + decision.url}"]
        if decision.approves_workflows:
            text.append("Quyết định đồng thời phê duyệt quy trình nội bộ giải quyết thủ tục.")
        if change.replaces:
            text.append("Thay thế: " + "; ".join(p.name for p in change.replaces) + ".")
        if change.summary:
            text.append(change.summary)
        text += change.parts or []
        entry.summary("\n".join(text))
    return feed.atom_str(pretty=True)
