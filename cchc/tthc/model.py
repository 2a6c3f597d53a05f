"""The procedure (TTHC) model: plain data in the order the national portal uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cchc.core import layout
from cchc.core.terms import Term, TermIndex
from cchc.core.text import fold

LEVELS = {"tinh": "Cấp tỉnh", "xa": "Cấp xã", "huyen": "Cấp huyện"}
CHANNELS = {"truc_tiep": "Trực tiếp", "truc_tuyen": "Trực tuyến", "buu_chinh": "Dịch vụ bưu chính"}
ONLINE = {"toan_trinh": "Toàn trình", "mot_phan": "Một phần", "khong": "Không"}
# Levels named the pre-2022 way; each behaves as the level it became, and is shown as the source says it.
OLD_ONLINE = {"muc_do_2": "Mức độ 2", "muc_do_3": "Mức độ 3", "muc_do_4": "Mức độ 4"}
OLD_ONLINE_AS = {"muc_do_2": "khong", "muc_do_3": "mot_phan", "muc_do_4": "toan_trinh"}
STATUSES = {"hieu_luc": "Đang có hiệu lực", "bai_bo": "Đã bãi bỏ", "thay_the": "Đã được thay thế"}
UNITS = {"ngay_lam_viec": "ngày làm việc", "ngay": "ngày", "gio": "giờ", "thang": "tháng"}
FEE_KINDS = {"phi": "Phí", "le_phi": "Lệ phí", "muc_gia": "Mức giá"}
FEE_KIND_UNSTATED = "Phí, lệ phí"  # the portal's own column heading, for a fee whose kind the source does not give
CHANGE_TYPES = {
    "moi_ban_hanh": "Mới ban hành",
    "sua_doi_bo_sung": "Sửa đổi, bổ sung",
    "thay_the": "Thay thế",
    "bai_bo": "Bãi bỏ",
    "chuan_hoa": "Chuẩn hóa",
    "uy_quyen": "Ủy quyền",
}
# How a procedure's history and the feeds say what a change did to it.
CHANGE_VERBS = {
    "moi_ban_hanh": "Mới ban hành",
    "sua_doi_bo_sung": "Được sửa đổi, bổ sung",
    "thay_the": "Thay thế thủ tục cũ",
    "bai_bo": "Bị bãi bỏ",
    "chuan_hoa": "Được công bố chuẩn hóa",
    "uy_quyen": "Được ủy quyền giải quyết",
}
# What a page says where the source is silent (the national portal's own words), and for an explicit none.
NOT_STATED = "Không có thông tin"
NONE = "Không"
UNSTATED_FIELD_SLUG = "chua-xac-dinh"


def count_kinds(changes: list[Change]) -> dict[str, int]:
    """How many changes of each kind, every kind listed."""
    out = {kind: 0 for kind in CHANGE_TYPES}
    for change in changes:
        out[change.kind] += 1
    return out


@dataclass(frozen=True)
class Field(Term):
    """A procedure field (lĩnh vực), from content/linh-vuc.yml."""

    @property
    def url(self) -> str:
        return layout.FIELD_URL.format(slug=self.slug)

    @property
    def stated(self) -> bool:
        """False for the group of procedures whose source names no field."""
        return self.slug != UNSTATED_FIELD_SLUG


UNSTATED_FIELD = Field(slug=UNSTATED_FIELD_SLUG, name="Chưa xác định lĩnh vực", order=10**6)


def format_money(amount: int) -> str:
    """1000000 → "1.000.000 đồng", the Vietnamese way (dot thousands)."""
    return f"{amount:,}".replace(",", ".") + " đồng"


@dataclass(frozen=True)
class Duration:
    """A time as the source gives it: a number with its unit, or only words."""

    value: int | None
    unit: str | None  # key of UNITS; "ngay" and "ngay_lam_viec" are never merged
    text: str = ""  # the source's words when it gives no number
    case: str = ""
    note: str = ""

    def __str__(self) -> str:
        return f"{self.value} {UNITS[self.unit]}" if self.value is not None else self.text

    @property
    def approx_days(self) -> float | None:
        """For ordering only (which is fastest); never shown."""
        if self.value is None:
            return None
        return self.value * {"ngay_lam_viec": 7 / 5, "ngay": 1, "gio": 1 / 24, "thang": 30}[self.unit]


def time_summary(times: list[Duration]) -> str | None:
    """The numbered times as a range per unit ("3–5 ngày làm việc; 180 ngày"), shortest first; None without any."""
    by_unit: dict[str, list[Duration]] = {}
    for time in sorted((t for t in times if t.value is not None), key=lambda t: t.approx_days):
        by_unit.setdefault(time.unit, []).append(time)
    ranges = []
    for unit, group in by_unit.items():
        low, high = group[0].value, group[-1].value
        ranges.append(f"{low}–{high} {UNITS[unit]}" if low != high else f"{low} {UNITS[unit]}")
    return "; ".join(ranges) or None


@dataclass(frozen=True)
class Fee:
    kind: str | None  # None: the source gives no kind
    amount: int | None
    amount_text: str
    unit: str  # written after the amount, as the source does: "/lần/cơ sở"
    case: str
    description: str

    @property
    def kind_label(self) -> str:
        return FEE_KINDS[self.kind] if self.kind else FEE_KIND_UNSTATED

    @property
    def money(self) -> str:
        if self.amount == 0:
            return "Miễn phí"
        if self.amount is not None:
            return format_money(self.amount) + self.unit
        if self.amount_text:
            return self.amount_text + (f" {self.unit}" if self.unit else "")
        return NOT_STATED

    @property
    def label(self) -> str:
        return f"{self.kind_label}: {self.money}"

    @property
    def full(self) -> str:
        """The fee with its case and description, as one line (CSV, feeds)."""
        text = self.label + (f" ({self.case})" if self.case else "")
        return text + (f" – {self.description}" if self.description else "")


@dataclass(frozen=True)
class Channel:
    """One row of the portal's "Cách thức thực hiện" table; a channel may have several rows."""

    channel: str
    case: str
    times: tuple[Duration, ...] | None  # None: not stated
    fees: tuple[Fee, ...] | None  # None: not stated; (): explicitly none
    description: str

    @property
    def label(self) -> str:
        return CHANNELS[self.channel]

    @property
    def times_text(self) -> str:
        if not self.times:
            return NOT_STATED
        return "; ".join(str(t) + (f" ({t.case})" if t.case else "") for t in self.times)

    @property
    def fees_text(self) -> str:
        if self.fees is None:
            return NOT_STATED
        return "; ".join(f.full for f in self.fees) or NONE


@dataclass(frozen=True)
class Document:
    name: str
    originals: int | None
    copies: int | None
    count_text: str
    form: str | None  # site-relative URL of the template file
    form_name: str
    note: str

    @property
    def counts(self) -> str:
        shown = [f"{label}: {n}" for label, n in (("Bản chính", self.originals), ("Bản sao", self.copies))
                 if n is not None]
        return self.count_text or " – ".join(shown) or NOT_STATED


@dataclass(frozen=True)
class DossierCase:
    case: str
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class Dossier:
    sets: int | None
    sets_text: str
    cases: tuple[DossierCase, ...]
    note: str

    @property
    def sets_label(self) -> str:
        return self.sets_text or (str(self.sets) if self.sets is not None else NOT_STATED)


@dataclass(frozen=True)
class StepGroup:
    case: str  # "" when the steps do not depend on a case
    steps: tuple[str, ...]


@dataclass(frozen=True)
class LegalDoc:
    number: str
    title: str
    date: datetime | None
    issuer: str

    @property
    def line(self) -> str:
        """One line for the CSV: what the source gives, nothing more."""
        text = " – ".join(filter(None, (self.number, self.title)))
        if self.date:
            text += f" ngày {self.date:%d/%m/%Y}"
        return text + (f" của {self.issuer}" if self.issuer else "")


@dataclass(frozen=True)
class WorkflowStep:
    step: str  # the source's own label ("B1 và B3"), or "" to number by position
    content: str
    unit: str
    time: Duration | None


@dataclass(eq=False)  # identity: records link to each other through their history
class Procedure(layout.HasPage):
    source: str  # path relative to the project, for messages
    abs_path: Path
    slug: str  # URL segment: code (lower case) + level suffix, or the file name
    code: str | None
    level: str | None  # None, and every part below that may be None: the source does not state it
    name: str
    type: str | None
    field: Field  # a Field with slug UNSTATED_FIELD_SLUG when the source gives none
    steps: tuple[StepGroup, ...] | None
    channels: tuple[Channel, ...]  # (): not stated
    dossier: Dossier | None
    subjects: tuple[str, ...] | None
    agencies: dict[str, str]  # {}: not stated
    receiving_address: str | None
    receiving_hours: str | None
    results: tuple[str, ...] | None
    conditions: tuple[str, ...] | None  # (): explicitly none
    legal_basis: tuple[LegalDoc, ...] | None
    workflow: tuple[WorkflowStep, ...]
    online_level: str | None
    online_url: str | None
    new: bool = False  # stated as a new procedure whose code is not issued yet
    announced_in: str | None = None  # the decision number the source prints on the record
    portal_url: str | None = None
    related_keys: tuple[str, ...] = ()
    related: list[tuple[str, Procedure | None]] = field(default_factory=list)  # as typed, and the record if on the site
    stated_status: str | None = None  # what the record says; must agree with the decisions
    replaced_by_keys: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    # Derived from the decisions (cchc/decisions.py), never typed twice:
    status: str = "hieu_luc"
    history: list[Change] = field(default_factory=list)  # oldest first
    replaced_by: list[Procedure] = field(default_factory=list)
    replaces: list[Procedure] = field(default_factory=list)
    retired_by: Change | None = None  # the abolition or replacement in force
    pending: Change | None = None  # an abolition or replacement signed, not yet in force

    @property
    def url(self) -> str:
        return layout.PROCEDURE_URL.format(slug=self.slug)

    @property
    def national_code(self) -> str | None:
        return self.code[:8] if self.code else None

    @property
    def code_label(self) -> str:
        """The code, or why there is none: a new procedure's is pending; an existing one's was not printed.

        New means stated so: by the record (``new: true``) or by a decision that issues it.
        """
        if self.code:
            return self.code
        issued = any(c.kind == "moi_ban_hanh" and c.procedure is self for c in self.history)
        return "Thủ tục mới, đang cập nhật mã" if self.new or issued else "Chưa có mã"

    @property
    def in_force(self) -> bool:
        return self.status == "hieu_luc"

    @property
    def level_label(self) -> str:
        return LEVELS[self.level] if self.level else NOT_STATED

    @property
    def online(self) -> str | None:
        """The online level as it works today (an old "mức độ" maps to the level it became)."""
        return OLD_ONLINE_AS.get(self.online_level, self.online_level)

    @property
    def offers_online(self) -> bool:
        return self.online in ("toan_trinh", "mot_phan")

    @property
    def online_label(self) -> str:
        if self.online_level in OLD_ONLINE:
            return f"{OLD_ONLINE[self.online_level]} (nay là {ONLINE[self.online].lower()})"
        return ONLINE[self.online_level] if self.online_level else NOT_STATED

    @property
    def times(self) -> list[Duration]:
        return [t for c in self.channels for t in c.times or ()]

    @property
    def time_summary(self) -> str | None:
        return time_summary(self.times)

    @property
    def fees_summary(self) -> str:
        """Every distinct fee of every row, for a one-line list; silence and "none" kept apart."""
        rows = [c.fees for c in self.channels]
        if not rows or all(fees is None for fees in rows):
            return NOT_STATED
        labels = dict.fromkeys(f.label + (f" ({f.case})" if f.case else "") for fees in rows for f in fees or ())
        return "; ".join(labels) or NONE

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def sort_key(self) -> tuple:
        # Within a field: by name as Vietnamese readers scan a list, code breaking ties.
        return (self.field.order, fold(self.name), self.name, self.code or "", self.level)


@dataclass(eq=False)
class Decision(layout.HasPage):
    """A Quyết định công bố: one file in content/tthc/quyet-dinh/."""

    source: str
    abs_path: Path
    slug: str
    number: str
    issuer: str
    signed: datetime
    effective: datetime | None  # None: the decision does not give it
    title: str
    attachment: str | None  # site-relative URL of the PDF
    approves_workflows: bool = False
    changes: list[Change] = field(default_factory=list)

    @property
    def url(self) -> str:
        return layout.DECISION_URL.format(slug=self.slug)

    @property
    def sort_key(self) -> tuple:
        # Newest signed first (a decision may not give its effective date); the number breaks
        # ties so the order never depends on file order.
        effective = self.effective or self.signed
        return (-self.signed.timestamp(), -effective.timestamp(), self.number)


@dataclass(eq=False)
class Change:
    """One entry of a decision: what happened to which procedure, from when."""

    decision: Decision
    index: int  # position in the decision, for anchors and stable order
    kind: str  # key of CHANGE_TYPES
    procedure: Procedure  # the subject; for a replacement, the new procedure
    replaces: list[Procedure]
    effective: datetime | None  # None: not stated by the decision
    summary: str
    basis: str
    parts: list[str] | None = None  # what changed, part by part, from git history
    upcoming: bool = False  # signed, not yet in force at build time

    @property
    def label(self) -> str:
        return CHANGE_TYPES[self.kind]

    @property
    def verb(self) -> str:
        return CHANGE_VERBS[self.kind]

    @property
    def dated(self) -> datetime:
        """The date to order by: when it takes effect, or when it was signed if that is not stated."""
        return self.effective or self.decision.signed

    @property
    def anchor(self) -> str:
        return f"muc-{self.index + 1}"

    @property
    def url(self) -> str:
        return f"{self.decision.url}#{self.anchor}"

    @property
    def year(self) -> int:
        return self.dated.year

    @property
    def sort_key(self) -> tuple:
        return (*self.decision.sort_key, self.index)


@dataclass
class Catalogue:
    """Every procedure of the department, its fields and the decisions that announced them."""

    fields: TermIndex[Field] = field(default_factory=lambda: TermIndex([]))
    procedures: list[Procedure] = field(default_factory=list)  # by field, then name
    decisions: list[Decision] = field(default_factory=list)  # newest first
    by_field: dict[str, list[Procedure]] = field(init=False)

    def __post_init__(self) -> None:
        self.procedures.sort(key=lambda p: p.sort_key)
        by_field: dict[str, list[Procedure]] = {f.slug: [] for f in self.fields}
        for procedure in self.procedures:
            by_field[procedure.field.slug].append(procedure)
        self.by_field = by_field

    @property
    def in_force(self) -> list[Procedure]:
        return [p for p in self.procedures if p.in_force]

    @property
    def changes(self) -> list[Change]:
        """Every change, newest decision first, in each decision's own order."""
        return [change for decision in self.decisions for change in decision.changes]
