"""The public changelog: /tthc/thay-doi/, per year, and one page per decision."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .content import Content
from .pagespec import PageSpec
from .tthc_models import CHANGE_TYPES, Change, Decision

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
    department = content.settings.department["name"]
    specs = [PageSpec(
        src_uri=f"{BASE}index.md",
        title="Thay đổi thủ tục hành chính",
        template="tthc-changelog.html",
        description=f"Thủ tục hành chính của {department} mới ban hành, sửa đổi, bổ sung, thay thế, bãi bỏ "
                    "theo từng quyết định công bố.",
        context=_context(content, shown, kind="all", truncated=len(shown) < len(content.decisions)),
    )]
    by_year: dict[int, list[Decision]] = defaultdict(list)
    for decision in content.decisions:
        by_year[decision.signed.year].append(decision)  # a decision belongs to the year it was signed
    for year, decisions in sorted(by_year.items(), reverse=True):
        specs.append(PageSpec(
            src_uri=f"{BASE}{year}/index.md",
            title=f"Thay đổi thủ tục hành chính năm {year}",
            template="tthc-changelog.html",
            description=f"Các quyết định công bố thủ tục hành chính ký trong năm {year}.",
            context=_context(content, decisions, kind="year", year=year, truncated=False),
        ))
    for decision in content.decisions:
        specs.append(PageSpec(
            src_uri=decision.src_uri,
            title=f"Quyết định {decision.number}",
            template="tthc-decision.html",
            description=decision.title,
            context={"decision": decision, "counts": counts(decision.changes), "types": CHANGE_TYPES},
        ))
    return specs
