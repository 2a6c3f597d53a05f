"""The public changelog: /tthc/thay-doi/, per year, and one page per decision."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from cchc.render.cards import Card
from cchc.site.content import Content
from cchc.page.spec import PageSpec
from cchc.page.share import HOME, card_url, with_card
from cchc.page.site_share import site_share
from cchc.page.structured_data import breadcrumbs
from cchc.tthc.pages import TTHC_CRUMB
from cchc.tthc.model import CHANGE_TYPES, Change, Decision

BASE = "tthc/thay-doi/"
# The main page lists the newest decisions up to this many changes; every
# change stays on its year page, so a long history never makes a huge page.
MAIN_PAGE_CHANGES = 300


def counts(changes: list[Change]) -> dict[str, int]:
    out = {kind: 0 for kind in CHANGE_TYPES}
    for change in changes:
        out[change.kind] += 1
    return out


def _context(content: Content, decisions: list[Decision], **extra: Any) -> dict[str, Any]:
    changes = [c for d in decisions for c in d.changes]
    used_fields = {c.procedure.field.slug for c in changes}
    return {
        "decisions": decisions,
        "counts": counts(changes),
        "total": len(changes),
        "types": CHANGE_TYPES,
        "fields": [f for f in content.fields if f.slug in used_fields],
        "years": sorted({d.signed.year for d in content.decisions}, reverse=True),
        **extra,
    }


def plan_changelog_pages(content: Content) -> list[PageSpec]:
    if not content.decisions and not content.procedures:
        return []
    shown, total = [], 0
    for decision in content.decisions:  # newest first
        if shown and total + len(decision.changes) > MAIN_PAGE_CHANGES:
            break
        shown.append(decision)
        total += len(decision.changes)
    settings = content.settings
    department = settings.department["name"]
    title = "Thay đổi thủ tục hành chính"
    description = (f"Thủ tục hành chính của {department} mới ban hành, sửa đổi, bổ sung, thay thế, bãi bỏ "
                   "theo từng quyết định công bố.")
    latest = f"Cập nhật theo quyết định {content.decisions[0].number}" if content.decisions else ""
    card = Card(title=title, eyebrow="Nhật ký thay đổi", footer=department, detail=latest)
    crumbs = (HOME, TTHC_CRUMB, ("Thay đổi", BASE))
    specs = [PageSpec(
        src_uri=f"{BASE}index.md",
        title=title,
        template="tthc-changelog.html",
        description=description,
        share=with_card(BASE, card, title=title, description=description, breadcrumbs=crumbs,
                        structured=(breadcrumbs(crumbs, settings),)),
        context=_context(content, shown, kind="all", truncated=len(shown) < len(content.decisions)),
    )]
    by_year: dict[int, list[Decision]] = defaultdict(list)
    for decision in content.decisions:
        by_year[decision.signed.year].append(decision)  # a decision belongs to the year it was signed
    for year, decisions in sorted(by_year.items(), reverse=True):
        year_title = f"Thay đổi thủ tục hành chính năm {year}"
        year_text = f"Các quyết định công bố thủ tục hành chính ký trong năm {year}."
        specs.append(PageSpec(
            src_uri=f"{BASE}{year}/index.md",
            title=year_title,
            template="tthc-changelog.html",
            description=year_text,
            share=site_share(settings, f"{BASE}{year}/", year_title, year_text,
                             (*crumbs[1:], (str(year), f"{BASE}{year}/")), image=card_url(BASE)),
            context=_context(content, decisions, kind="year", year=year, truncated=False),
        ))
    for decision in content.decisions:
        decision_title = f"Quyết định {decision.number}"
        specs.append(PageSpec(
            src_uri=decision.src_uri,
            title=decision_title,
            template="tthc-decision.html",
            searchable=True,
            description=decision.title,
            share=site_share(settings, decision.url, decision_title, decision.title,
                             (*crumbs[1:], (decision_title, decision.url)), image=card_url(BASE)),
            context={"decision": decision, "counts": counts(decision.changes), "types": CHANGE_TYPES},
        ))
    return specs
