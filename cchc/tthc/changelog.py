"""The public changelog: /tthc/thay-doi/, per year, one page per decision, and its Atom feeds (all, per field)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from feedgen.feed import FeedGenerator

from cchc.core import layout
from cchc.core.dates import EPOCH, format_date
from cchc.core.gitdates import FileDates
from cchc.core.settings import Settings
from cchc.page.share import HOME, named_title, site_share, with_card
from cchc.page.spec import PageSpec
from cchc.page.structured_data import breadcrumbs
from cchc.render.cards import Card
from cchc.tthc.model import CHANGE_TYPES, Catalogue, Change, Decision, Procedure, count_kinds
from cchc.tthc.pages import TTHC_CRUMB, decision_text, field_feed_title, field_phrase

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
    # Always planned, even empty: its feed always exists, and a department that has just started
    # shows "no decision yet" there rather than a missing page.
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
        share=with_card(layout.CHANGELOG, card, title=named_title(TITLE, settings), description=description,
                        breadcrumbs=crumbs, structured=(breadcrumbs(crumbs, settings),)),
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


def feeds(catalogue: Catalogue, settings: Settings, dates: FileDates, now: datetime,
          parts: tuple[Callable[[Any], Any], dict, dict] | None = None) -> dict[str, bytes]:
    """src_uri → bytes: the Atom feed of every change, and one per field (a pharmacy follows only its own).

    ``parts``: (key, before, now) of a preview (cchc.tthc.export.data_files): a feed whose entries all have
    the same keys (versions) and dates as in the last build is not written again.
    """
    published = publication_times(catalogue.decisions, dates, now)
    department = settings.department.name
    out = {layout.CHANGELOG_FEED: _atom(
        catalogue.changes, published, settings, parts, feed_id=settings.site + layout.CHANGELOG,
        title=f"{TITLE} – {department}", page_url=layout.CHANGELOG, feed_url=layout.CHANGELOG_FEED,
        subtitle="Thủ tục mới ban hành, sửa đổi, bổ sung, thay thế, bãi bỏ theo quyết định công bố.")}
    for field in catalogue.fields:
        changes = [c for c in catalogue.changes
                   if c.procedure.field.slug == field.slug or any(p.field.slug == field.slug for p in c.replaces)]
        url = layout.FIELD_FEED_URL.format(slug=field.slug)
        out[url] = _atom(changes, published, settings, parts, feed_id=settings.site + url,
                         title=f"{field_feed_title(field)} – {department}", page_url=field.url, feed_url=url,
                         subtitle=f"Thủ tục {field_phrase(field)} mới ban hành, sửa đổi, bổ sung, thay thế, "
                                  "bãi bỏ theo quyết định công bố.")
    return out


def publication_times(decisions: list[Decision], dates: FileDates, now: datetime) -> dict[Decision, datetime]:
    """When each decision's changes reached the site: the commit that added its file.

    Never its effective date, which may lie years ahead and would pin the entry on
    top of every reader until then. Without that commit (no git, a shallow clone,
    a file not committed yet) or with one later than the build's clock (a past
    build reproduced with CCHC_NOW), the signing date stands in: the loader
    refuses one in the future, and it is the same on every machine.
    """
    out = {}
    for decision in decisions:
        committed = dates.first(decision.source)
        out[decision] = committed if committed is not None and committed <= now else min(decision.signed, now)
    return out


def _atom(changes: list[Change], published: dict[Decision, datetime], settings: Settings,
          parts: tuple[Callable[[Any], Any], dict, dict] | None, *, feed_id: str, title: str, subtitle: str,
          page_url: str, feed_url: str) -> bytes:
    """Atom of ``changes``, most recently published first; the same entries whichever feed holds them."""
    # Ties (one decision's changes, or decisions published together) keep the changelog's own order.
    newest = sorted(changes, key=lambda c: -published[c.decision].timestamp())[:FEED_ENTRIES]
    if parts is None:
        return _write_atom(newest, published, settings, feed_id, title, subtitle, page_url, feed_url)
    key, before, now = parts
    name = ("atom", feed_id, title, subtitle, page_url, feed_url,
            tuple((key(c), key(c.decision), published[c.decision]) for c in newest))
    text = before.get(name)
    now[name] = text = text if text is not None else _write_atom(newest, published, settings, feed_id, title,
                                                                  subtitle, page_url, feed_url)
    return text


def _write_atom(newest: list[Change], published: dict[Decision, datetime], settings: Settings, feed_id: str,
                title: str, subtitle: str, page_url: str, feed_url: str) -> bytes:
    site = settings.site
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.subtitle(subtitle)
    feed.author({"name": settings.department.name, "email": settings.department.email})
    feed.link(href=site + page_url, rel="alternate")
    feed.link(href=site + feed_url, rel="self")
    feed.language("vi")
    # As new as its newest entry; a feed with none yet keeps a fixed date (Atom requires one), never the build's.
    feed.updated(max((published[c.decision] for c in newest), default=EPOCH))
    for change in reversed(newest):  # feedgen prepends: add oldest first to get newest first
        _entry(feed, change, published[change.decision], site)
    return feed.atom_str(pretty=True)


def _entry(feed: FeedGenerator, change: Change, published: datetime, site: str) -> None:
    entry = feed.add_entry()
    # The change's own anchor on its decision's page: unique, and a decision is a signed text whose
    # entries do not move, so nothing else published later changes it.
    entry.id(site + change.url)
    entry.title(f"{change.label}: {change.procedure.name}")
    # One link only: feedgen 1.0.0 drops rel on entry links, so a second
    # (the decision) would read as another "alternate". The id points there.
    entry.link(href=site + change.procedure.url, rel="alternate")
    # The text below says what and from when; it never changes with the clock, so neither does updated.
    entry.published(published)
    entry.updated(published)
    entry.category(term=change.kind, label=change.label)
    entry.summary("\n".join(entry_text(change, site)))


def entry_text(change: Change, site: str) -> list[str]:
    """What a change did, to which procedure, by which decision, from when: true before and after that date."""
    decision = change.decision
    when = f"có hiệu lực từ {format_date(change.effective)}" if change.effective else "chưa rõ ngày hiệu lực"
    if change.kind == "thay_the":  # the successor first, then what it replaces
        what = f"Thủ tục {_named(change.procedure)} thay thế " + ", ".join(_named(p) for p in change.replaces)
    elif change.kind == "bai_bo":
        what = f"Thủ tục {_named(change.procedure)} bị bãi bỏ"
    else:
        what = change.verb
    text = [f"{what} theo {decision_text(decision)}; {when}. Quyết định: {site + decision.url}"]
    if decision.approves_workflows:
        text.append("Quyết định đồng thời phê duyệt quy trình nội bộ giải quyết thủ tục.")
    if change.summary:
        text.append(change.summary)
    text += change.parts or []
    return text


def _named(procedure: Procedure) -> str:
    return f"“{procedure.name}”" + (f" (mã {procedure.code})" if procedure.code else "")
