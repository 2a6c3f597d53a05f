"""Results of handling procedures: the figures of the standard monthly report, per field and in total.

A month's figures balance: what was carried over plus what came in is what was
settled, what is still in progress and what was returned or withdrawn. Rates are
kept as exact fractions; only their wording rounds (cchc.results.words).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from fractions import Fraction
from functools import reduce
from pathlib import Path

from cchc.core import layout
from cchc.tthc.model import Field

# The report's columns in its order, and which ones a report may leave out. A stated subtotal
# (received, settled, pending) is only checked: the page always shows the sum of its parts.
COLUMNS = ("carried_over", "received_online", "received_direct", "received", "settled_early", "settled_on_time",
           "settled_late", "settled", "pending_on_time", "pending_overdue", "pending", "returned")
OPTIONAL = frozenset({"received", "settled_early", "settled", "pending", "returned"})
SUBTOTALS = {"received": ("carried_over", "received_online", "received_direct"),
             "settled": ("settled_early", "settled_on_time", "settled_late"),
             "pending": ("pending_on_time", "pending_overdue")}


@dataclass(frozen=True)
class Counts:
    """One row of the report. None: the report does not state it (never shown as 0)."""

    carried_over: int
    received_online: int
    received_direct: int
    settled_on_time: int  # early ones included when settled_early is not stated
    settled_late: int
    pending_on_time: int
    pending_overdue: int
    settled_early: int | None = None
    returned: int | None = None

    def __add__(self, other: Counts) -> Counts:
        def plus(a: int | None, b: int | None) -> int | None:
            return None if a is None or b is None else a + b
        out = {f.name: plus(getattr(self, f.name), getattr(other, f.name)) for f in fields(self)}
        if out["settled_early"] is None:  # one side does not split early from on time: neither does the sum
            out["settled_on_time"] = self.settled_in_time + other.settled_in_time
        return Counts(**out)

    @property
    def received_new(self) -> int:
        return self.received_online + self.received_direct

    @property
    def received(self) -> int:
        """Tổng số hồ sơ nhận giải quyết: carried over and new."""
        return self.carried_over + self.received_new

    @property
    def settled_in_time(self) -> int:
        """Settled early or on time."""
        return (self.settled_early or 0) + self.settled_on_time

    @property
    def settled(self) -> int:
        return self.settled_in_time + self.settled_late

    @property
    def pending(self) -> int:
        return self.pending_on_time + self.pending_overdue

    @property
    def on_time_rate(self) -> Fraction | None:
        """Of the dossiers settled, those settled early or on time; None when none was settled."""
        return Fraction(self.settled_in_time, self.settled) if self.settled else None

    @property
    def online_rate(self) -> Fraction | None:
        """Of the dossiers newly received, those received online; None when none came in."""
        return Fraction(self.received_online, self.received_new) if self.received_new else None


@dataclass(frozen=True)
class Satisfaction:
    responses: int | None = None
    satisfied: int | None = None
    index: float | None = None  # as the report publishes it, in %

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.satisfied, self.responses) if self.responses else None


@dataclass(frozen=True)
class FieldCounts:
    field: Field
    counts: Counts


@dataclass
class Month:
    """The figures of one month, from content/ket-qua/<yyyy>-<mm>.yml."""

    year: int
    month: int
    source: str  # the file, as errors name it
    path: Path
    total: Counts
    by_field: list[FieldCounts] = field(default_factory=list)  # empty when the report gives only the total
    satisfaction: Satisfaction | None = None
    demo: bool = False
    reference: str = ""  # the report it comes from, as the editor wrote it

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.month:02d}/{self.year}"

    @property
    def anchor(self) -> str:
        return f"thang-{self.month:02d}"

    @property
    def url(self) -> str:
        """Where the month is told: its row on its year's page."""
        return f"{layout.RESULTS_YEAR_URL.format(year=self.year)}#{self.anchor}"


@dataclass
class Results:
    months: list[Month] = field(default_factory=list)  # newest first

    @property
    def latest(self) -> Month | None:
        return self.months[0] if self.months else None

    @property
    def years(self) -> list[int]:
        return sorted({m.year for m in self.months}, reverse=True)

    def of_year(self, year: int) -> list[Month]:
        return [m for m in self.months if m.year == year]

    def recent(self, count: int) -> list[Month]:
        """The newest ``count`` months that have figures, oldest first (as a chart reads)."""
        return list(reversed(self.months[:count]))


def add_up(counts: Iterable[Counts]) -> Counts | None:
    """Several rows added column by column (Counts.__add__); None for none."""
    rows = iter(counts)
    first = next(rows, None)
    return None if first is None else reduce(operator.add, rows, first)


def total(months: list[Month]) -> Counts | None:
    """The counts of several months added up (a stock such as carried_over is summed too: only flows are read)."""
    return add_up(month.total for month in months)


def by_field(months: list[Month]) -> list[tuple[Field, Counts]]:
    """Each field's counts over ``months``, in the order of content/linh-vuc.yml; only fields the months state."""
    sums: dict[str, tuple[Field, Counts]] = {}
    for month in months:
        for row in month.by_field:
            kept = sums.get(row.field.slug)
            sums[row.field.slug] = (row.field, row.counts if kept is None else kept[1] + row.counts)
    return sorted(sums.values(), key=lambda pair: (pair[0].order, pair[0].name))
