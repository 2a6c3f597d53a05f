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
STATUSES = {"hieu_luc": "Đang có hiệu lực", "bai_bo": "Đã bãi bỏ", "thay_the": "Đã được thay thế"}
UNITS = {"ngay_lam_viec": "ngày làm việc", "ngay": "ngày", "gio": "giờ", "thang": "tháng"}
FEE_KINDS = {"phi": "Phí", "le_phi": "Lệ phí"}
CHANGE_TYPES = {
    "moi_ban_hanh": "Mới ban hành",
    "sua_doi_bo_sung": "Sửa đổi, bổ sung",
    "thay_the": "Thay thế",
    "bai_bo": "Bãi bỏ",
}


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


def format_money(amount: int) -> str:
    """1000000 → "1.000.000 đồng", the Vietnamese way (dot thousands)."""
    return f"{amount:,}".replace(",", ".") + " đồng"


@dataclass(frozen=True)
class Duration:
    value: int
    unit: str  # key of UNITS; "ngay" and "ngay_lam_viec" are never merged

    def __str__(self) -> str:
        return f"{self.value} {UNITS[self.unit]}"

    @property
    def approx_days(self) -> float:
        """For ordering only (which channel is fastest); never shown."""
        return self.value * {"ngay_lam_viec": 7 / 5, "ngay": 1, "gio": 1 / 24, "thang": 30}[self.unit]


@dataclass(frozen=True)
class Fee:
    kind: str
    amount: int | None
    amount_text: str
    description: str

    @property
    def label(self) -> str:
        money = format_money(self.amount) if self.amount is not None else self.amount_text
        if self.amount == 0:
            money = "Miễn phí"
        return f"{FEE_KINDS[self.kind]}: {money}"


@dataclass(frozen=True)
class Channel:
    channel: str
    time: Duration
    time_note: str
    fees: tuple[Fee, ...]
    description: str

    @property
    def label(self) -> str:
        return CHANNELS[self.channel]


@dataclass(frozen=True)
class Document:
    name: str
    originals: int
    copies: int
    form: str | None  # site-relative URL of the template file
    form_name: str
    note: str

    @property
    def counts(self) -> str:
        return f"Bản chính: {self.originals} – Bản sao: {self.copies}"


@dataclass(frozen=True)
class DossierCase:
    case: str
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class StepGroup:
    case: str  # "" when the steps do not depend on a case
    steps: tuple[str, ...]


@dataclass(frozen=True)
class LegalDoc:
    number: str
    title: str
    date: datetime
    issuer: str


@dataclass(frozen=True)
class WorkflowStep:
    content: str
    unit: str
    time: Duration


@dataclass(eq=False)  # identity: records link to each other through their history
class Procedure(layout.HasPage):
    source: str  # path relative to the project, for messages
    abs_path: Path
    slug: str  # URL segment: code (lower case) + level suffix, or the file name
    code: str | None
    level: str
    name: str
    type: str
    field: Field
    steps: tuple[StepGroup, ...]
    channels: tuple[Channel, ...]
    dossier_sets: int
    dossier: tuple[DossierCase, ...]
    dossier_note: str
    subjects: tuple[str, ...]
    agencies: dict[str, str]
    receiving_address: str
    results: tuple[str, ...]
    conditions: tuple[str, ...]
    legal_basis: tuple[LegalDoc, ...]
    workflow: tuple[WorkflowStep, ...]
    online_level: str
    online_url: str | None
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
    def in_force(self) -> bool:
        return self.status == "hieu_luc"

    @property
    def level_label(self) -> str:
        return LEVELS[self.level]

    @property
    def online_label(self) -> str:
        return ONLINE[self.online_level]

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
    effective: datetime
    title: str
    attachment: str | None  # site-relative URL of the PDF
    changes: list[Change] = field(default_factory=list)

    @property
    def url(self) -> str:
        return layout.DECISION_URL.format(slug=self.slug)

    @property
    def sort_key(self) -> tuple:
        # Newest first; the number breaks ties so the order never depends on file order.
        return (-self.effective.timestamp(), -self.signed.timestamp(), self.number)


@dataclass(eq=False)
class Change:
    """One entry of a decision: what happened to which procedure, from when."""

    decision: Decision
    index: int  # position in the decision, for anchors and stable order
    kind: str  # key of CHANGE_TYPES
    procedure: Procedure  # the subject; for a replacement, the new procedure
    replaces: list[Procedure]
    effective: datetime
    summary: str
    basis: str
    parts: list[str] | None = None  # what changed, part by part, from git history
    upcoming: bool = False  # signed, not yet in force at build time

    @property
    def label(self) -> str:
        return CHANGE_TYPES[self.kind]

    @property
    def anchor(self) -> str:
        return f"muc-{self.index + 1}"

    @property
    def url(self) -> str:
        return f"{self.decision.url}#{self.anchor}"

    @property
    def year(self) -> int:
        return self.effective.year

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
