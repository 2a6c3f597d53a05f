"""The parts of a procedure record, each named once.

A row names a part by its key in the record (``agencies.executing`` for a part
inside another). Its label is the title the schema (schemas/tthc.schema.json)
gives it: the web form, VS Code's hover and ``make check`` show that title, and
the procedure page uses it as its heading, so none of them can drift apart. A
row adds what the schema cannot say: how an amendment names the part, where
that differs from the label. The CSV columns are listed below the rows.

Rows are in the order of the open data JSON, which is the national portal's
with the facts first; amendment lines follow it too.

A part that is plain text or a list of lines is a *simple* part: it is read,
exported and compared from its row alone, so a new one takes the schema, an
attribute of the model, a row here and a line in the page template.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from cchc.core.schema import load_schema

TEXT = "text"  # one value, trimmed
LINE = "line"  # one value, runs of spaces and line breaks folded into one space
LINES = "lines"  # a list of values, each trimmed


@cache
def _title(key: str) -> str:
    schema = load_schema("tthc")
    node: dict[str, Any] = schema
    for name in key.split("."):
        node = node.get("items", node)["properties"][name]
    return node["title"]


@dataclass(frozen=True)
class Part:
    key: str  # the record's key; dotted for a part inside another
    kind: str = ""  # TEXT, LINE or LINES for a simple part; "" when code handles it by key
    wording: str = ""  # how an amendment line names it, if not by its label
    compared: bool = True  # False: a change of it is not an amendment (the code names another record)

    @property
    def label(self) -> str:
        return _title(self.key)

    @property
    def in_amendments(self) -> str:
        return self.wording or self.label

    @property
    def simple(self) -> bool:
        return bool(self.kind)

    def read(self, data: dict[str, Any]) -> Any:
        """A simple part's value from the record's data; None when the record does not state it."""
        value = data.get(self.key)
        if value is None:
            return None
        if self.kind == LINES:
            return tuple(item.strip() for item in value)
        if self.kind == LINE:
            return " ".join(value.split())
        return value.strip()


PARTS = (
    Part("code", compared=False),
    Part("new", compared=False),  # follows from the code and the decisions
    Part("decision", wording="Số quyết định công bố trên hồ sơ"),
    Part("portal_url", compared=False),  # a link, not a fact of the procedure
    Part("level"),
    Part("name", LINE),
    Part("type", TEXT),
    Part("field"),
    Part("status", compared=False),  # follows from the decisions
    Part("online"),
    Part("steps"),
    Part("channels"),
    Part("channels.times"),
    Part("channels.fees"),
    Part("dossier", wording="Thành phần hồ sơ"),
    Part("dossier.sets"),
    Part("subjects", LINES),
    Part("agencies"),
    Part("agencies.competent"),
    Part("agencies.executing"),
    Part("agencies.delegated"),
    Part("agencies.coordinating"),
    Part("receiving_address", TEXT),
    Part("receiving_hours", TEXT),
    Part("results", LINES),
    Part("conditions", LINES),
    Part("legal_basis"),
    Part("internal_workflow"),
    Part("related"),
)
BY_KEY = {part.key: part for part in PARTS}
TOP_LEVEL = tuple(part for part in PARTS if "." not in part.key)
SIMPLE = tuple(part for part in PARTS if part.simple)

# tthc.csv, one row a procedure: (part, column heading); the heading is the part's label unless given.
CSV_COLUMNS = (
    ("code", ""), ("name", ""), ("level", ""), ("type", ""), ("field", ""), ("status", ""), ("online", ""),
    ("channels.times", ""), ("channels.fees", ""), ("agencies.executing", ""),
    ("subjects", ""), ("results", ""), ("conditions", ""), ("legal_basis", ""),
)
# Of those, the columns that may hold several values: in tthc.csv one a line, in tthc-chi-tiet.csv one a row.
CSV_MULTI = ("channels.times", "channels.fees", "subjects", "results", "conditions", "legal_basis")

# Labels by key, for templates: cchc.parts["agencies.executing"].
LABELS = {part.key: part.label for part in PARTS}
