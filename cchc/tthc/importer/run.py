"""`python -m cchc import`: procedures from the portal's Word export, a saved detail page or a decision's
annex sheet, written as v2 records into content/tthc/.

Every input is read before anything is written: one unreadable file stops the run with its reason and no
record changes. A procedure already on the site is merged, never clobbered: only the parts the source
states are set, the editor's other parts (and comments) stay, and an unchanged record is not rewritten,
so importing the same file twice leaves the records byte-identical.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from cchc.core import layout, schema
from cchc.core.errors import Report
from cchc.core.files import write_atomically
from cchc.core.settings import Settings
from cchc.core.terms import load_terms
from cchc.core.text import fold, make_slug
from cchc.core.yamlsafe import read_yaml
from cchc.tthc.importer.model import Imported, UnreadableInput, check_size
from cchc.tthc.model import Field

HEADER = "# yaml-language-server: $schema=../../schemas/tthc.schema.json\n"
DECISION_HEADER = "# yaml-language-server: $schema=../../../schemas/decision.schema.json\n"
# Parts a citizen needs; the report names those the source did not give, for the editor to add.
EXPECTED = {"code": "mã thủ tục", "level": "cấp thực hiện", "field": "lĩnh vực", "steps": "trình tự thực hiện",
            "channels": "cách thức thực hiện", "dossier": "thành phần hồ sơ", "subjects": "đối tượng thực hiện",
            "agencies": "cơ quan thực hiện", "results": "kết quả thực hiện", "legal_basis": "căn cứ pháp lý"}
STEM_LENGTH = 80


@dataclass
class Outcome:
    """What happened to one record, for the report."""

    path: Path
    imported: Imported
    action: str  # "tạo mới", "cập nhật", "không đổi"
    changed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_any(path: Path) -> tuple[list[Imported], dict | None]:
    """The records (and a decision, from a sheet) in ``path``; UnreadableInput for anything else."""
    from cchc.tthc.importer.docx import read_docx
    from cchc.tthc.importer.html import read_html
    from cchc.tthc.importer.sheet import read_sheet

    check_size(path)
    suffix = path.suffix.lower()
    if suffix in (".docx", ".doc"):
        return read_docx(path), None
    if suffix in (".html", ".htm"):
        return read_html(path), None
    if suffix in (".xlsx", ".csv"):
        return read_sheet(path)
    raise UnreadableInput(f"{path}: không nhập được tệp {suffix or 'không đuôi'}; dùng .docx, .doc, .html, .xlsx hoặc .csv")


def _yaml() -> YAML:
    yaml = YAML()
    yaml.width = 10**6  # long official names stay on one line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml


def _existing(tthc: Path) -> dict[str, Path]:
    """Records on the site by the keys the build identifies them with: code, and folded name for code-less ones."""
    found: dict[str, Path] = {}
    for path in sorted(tthc.glob("*.yml")):
        try:
            data = read_yaml(path, str(path)).data
        except Exception:  # noqa: BLE001 - a broken record is `make check`'s to report, not the importer's
            continue
        if isinstance(data, dict) and isinstance(data.get("code") or data.get("name"), str):
            found[_key(data)] = path
    return found


def _key(data: dict) -> str:
    """A record's identity as the build sees it: its URL, national code plus level (1.004616 and
    1.004616.000.00.00.H41 at one level are one procedure); a code-less record by its name."""
    if data.get("code"):
        level = data.get("level")
        return f"code:{data['code'][:8].lower()}:{'tinh' if level in (None, 'tinh') else level}"
    return f"name:{fold(' '.join(data['name'].split()))}"


def _new_path(tthc: Path, data: dict, taken: set[Path]) -> Path:
    if data.get("code"):
        stem = data["code"] + ("" if data.get("level") in (None, "tinh") else f"-cap-{data['level']}")
    else:
        stem = make_slug(data["name"])[:STEM_LENGTH].rstrip("-") or "thu-tuc"
        if stem in layout.TTHC_RESERVED:
            stem += "-thu-tuc"
    path, n = tthc / f"{stem}.yml", 2
    while path in taken or path.exists():
        path, n = tthc / f"{stem}-{n}.yml", n + 1
    return path


def _in_schema_order(data: dict) -> dict:
    """The parts in the order of the schema (the portal's), as an editor expects to read them."""
    order = list(schema.load_schema("tthc")["properties"])
    return {key: data[key] for key in sorted(data, key=lambda k: order.index(k) if k in order else len(order))}


def _dump(data: Any, header: str) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return header + out.getvalue()


def _fields(settings: Settings):
    report = Report()
    terms = load_terms(settings.content_dir / layout.FIELDS_FILE, settings.root, "fields", "fields", Field, report)
    return terms


def _settle_field(data: dict, fields, notes: list[str]) -> None:
    """A field named by the source becomes the site's slug; one the site does not have is left out, and said."""
    if "field" not in data:
        return
    found = fields.find(data["field"]) if fields is not None else None
    if found is None:
        notes.append(f"lĩnh vực “{data['field']}” chưa có trong content/{layout.FIELDS_FILE}: thêm lĩnh vực rồi nhập lại, "
                     "hoặc chọn lĩnh vực trong trang biên tập")
        del data["field"]
    else:
        data["field"] = found.slug


def import_files(paths: list[Path], settings: Settings, dry_run: bool = False) -> tuple[list[Outcome], list[str]]:
    """Read every input, then merge and write; returns the outcomes and the unreadable inputs (then nothing is written)."""
    read: list[tuple[list[Imported], dict | None]] = []
    problems = []
    for path in paths:
        try:
            read.append(read_any(path))
        except UnreadableInput as error:
            problems.append(str(error))
    if problems:
        return [], problems

    tthc = settings.content_dir / layout.TTHC_DIR
    existing = _existing(tthc)
    try:
        fields = _fields(settings)
    except Exception:  # noqa: BLE001 - a broken field list: fields are left out and `make check` says why
        fields = None
    yaml = _yaml()
    outcomes: list[Outcome] = []
    taken: set[Path] = set()
    claimed: dict[str, Imported] = {}  # identity → the record of this run that took it
    for records, decision in read:
        for imported in records:
            data, notes = _in_schema_order(imported.data), []
            _settle_field(data, fields, notes)
            key = _key(data)
            path = existing.get(key)
            if key in claimed:  # two procedures of the inputs that the site would take for one: never merged
                first = claimed[key]
                where = first.source + (f" (dòng {first.sheet_row})" if first.sheet_row else "")
                notes.append(f"cùng mã quốc gia và cấp với thủ tục ở {where}, nên trang coi là một; đã ghi tệp riêng "
                             "để `make check` báo trùng: hãy xem lại nguồn")
                path = None
            claimed[key] = imported
            if path is None:
                path = _new_path(tthc, data, taken)
                taken.add(path)
                text = _dump(data, HEADER)
                outcome = Outcome(path, imported, "tạo mới", changed=list(data), notes=notes)
            else:
                original = path.read_text(encoding="utf-8")
                current = yaml.load(original)
                changed = [key for key, value in data.items() if current.get(key) != value]
                for key in changed:  # only what the source states; the editor's other parts stay
                    current[key] = data[key]
                out = io.StringIO()
                yaml.dump(current, out)
                text = out.getvalue() if changed else original
                outcome = Outcome(path, imported, "cập nhật" if changed else "không đổi", changed, notes)
            if not dry_run and outcome.action != "không đổi":
                write_atomically(path, text.encode("utf-8"))
            outcomes.append(outcome)
        if decision is not None:
            target = settings.content_dir / layout.DECISIONS_DIR / f"{make_slug(decision['number'])}.yml"
            if not dry_run and not target.exists():
                write_atomically(target, _dump(decision, DECISION_HEADER).encode("utf-8"))
    return outcomes, []


def report(outcomes: list[Outcome], root: Path, dry_run: bool) -> str:
    lines = []
    for o in outcomes:
        where = o.path.relative_to(root).as_posix()
        row = f" (dòng {o.imported.sheet_row})" if o.imported.sheet_row else ""
        lines.append(f"{o.action}{' (thử, chưa ghi)' if dry_run and o.action != 'không đổi' else ''}: {where}"
                     f" ← {o.imported.source}{row}")
        if o.changed and o.action == "cập nhật":
            lines.append("  thay đổi: " + ", ".join(o.changed))
        elif o.action == "tạo mới":
            lines.append("  có: " + ", ".join(o.changed))
        missing = [label for key, label in EXPECTED.items() if key not in o.imported.data]
        if missing:
            lines.append("  cần bổ sung: " + ", ".join(missing))
        if o.imported.as_text:
            lines.append("  giữ nguyên dạng chữ (không tách được số): " + ", ".join(o.imported.as_text))
        lines += [f"  lưu ý: {note}" for note in (*o.notes, *o.imported.skipped)]
        if not schema.is_valid(o.imported.data, "tthc"):
            lines.append("  lưu ý: chạy `make check` để xem phần cần sửa")
    counts = {action: sum(1 for o in outcomes if o.action == action) for action in ("tạo mới", "cập nhật", "không đổi")}
    lines.append(f"Tổng: {counts['tạo mới']} tạo mới, {counts['cập nhật']} cập nhật, {counts['không đổi']} không đổi. "
                 "Bước tiếp theo: `make check`, rồi bổ sung trong trang biên tập.")
    return "\n".join(lines)
