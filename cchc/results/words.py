"""Figures as Vietnamese readers write them: 1.234 hồ sơ, 98,6 %.

Every place that prints a figure (the page, its table, the charts, the card, the
feed, the CSV's words) goes through here, so the chart and its table agree.
"""

from __future__ import annotations

from fractions import Fraction

NBSP = "\u00a0"  # between a number and its % sign: never split across lines
NOT_STATED = "Không có thông tin"
NO_DOSSIER = "không có hồ sơ"


def number(value: int | None) -> str:
    """1234567 → 1.234.567; None (the report does not state it) → "Không có thông tin", never 0."""
    if value is None:
        return NOT_STATED
    return f"{value:,}".replace(",", ".")


def rate_value(rate: Fraction | None) -> float | None:
    """The rate in % to one decimal, as printed: a share that is not all is never rounded up to 100,
    and one that is not none never down to 0 (one late dossier in 2,000 is 99,9 %, not 100 %)."""
    if rate is None:
        return None
    tenths = round(rate * 1000)  # Fraction rounds half to even, exactly
    if tenths == 1000 and rate < 1:
        tenths = 999
    elif tenths == 0 and rate > 0:
        tenths = 1
    return tenths / 10


def percent(rate: Fraction | None, empty: str = NO_DOSSIER) -> str:
    """98,6 %; 99,0 %; 100 %; ``empty`` when there is nothing to divide by."""
    value = rate_value(rate)
    if value is None:
        return empty
    # One decimal in every row, so a column reads evenly; only all and none are whole.
    text = f"{value:.1f}".replace(".", ",") if 0 < value < 100 else f"{value:.0f}"
    return f"{text}{NBSP}%"


def index(value: float | None) -> str:
    """A satisfaction index as the report gives it (96.5 → 96,5 %)."""
    if value is None:
        return NOT_STATED
    text = f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text}{NBSP}%"
