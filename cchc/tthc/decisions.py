"""Decisions (Quyết định công bố) and what they make of each procedure.

A procedure's status, successors and history are derived here from the
decisions; a record may restate its status, but then it must agree.
"""

from __future__ import annotations

import posixpath
import unicodedata
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Protocol

from cchc.core import layout, schema
from cchc.core.dates import DateError, parse_datetime
from cchc.core.errors import FileErrors, Report, display_path
from cchc.core.files import attachment_problem, walk
from cchc.core.text import make_slug, title_problem
from cchc.tthc.model import LEVELS, STATUSES, Change, Decision, Procedure

# No decision of the Vietnamese state predates its founding; an earlier year is a typo.
FIRST_DECISION = date(1945, 9, 2)


class Records(Protocol):
    """What decisions need of the loaded procedures (cchc.tthc.load.ProcedureLoader)."""

    broken: set[str]  # the keys of records with errors of their own

    def find(self, key: str, level: str | None = None) -> list[Procedure]: ...

    def at(self, procedure: Procedure, field: tuple, message: str) -> None: ...


class DecisionLoader:
    def __init__(self, content_dir: Path, root: Path, records: Records, now: datetime, report: Report):
        self.content_dir, self.root, self.records, self.now = content_dir, root, records, now
        self.report = report
        self._files: dict[str, FileErrors] = {}  # source → its errors, for checks made later

    def _paths(self) -> list[Path]:
        paths = []
        for path, relative in walk(self.content_dir / layout.DECISIONS_DIR):
            if path.suffix.lower() not in (".yml", ".yaml"):
                continue  # the decisions' PDFs are published as attachments
            if len(relative.parts) > 1:
                self.report.file(display_path(path, self.root)).at(
                    "tên tệp", f"quyết định phải nằm ngay trong content/{layout.DECISIONS_DIR}/")
                continue
            paths.append(path)
        return paths

    def load_all(self, procedures: list[Procedure]) -> list[Decision]:
        decisions = []
        for path in self._paths():
            decision = self.load(path)
            if decision is not None:
                decisions.append(decision)
        self._check_numbers(decisions)
        decisions.sort(key=lambda d: d.sort_key)
        self._derive(procedures, decisions)
        return decisions

    def load(self, path: Path) -> Decision | None:
        source = display_path(path, self.root)
        errors = self._files[source] = self.report.file(source)
        data, _ = schema.read_data(path, "decision", "quyết định", errors)
        if data is None:
            return None
        # A key the schema rejected has its message; the others are still checked in the same round.
        broken = schema.invalid_keys(data, "decision")

        def usable(key: str) -> bool:
            return key in data and key not in broken

        slug = make_slug(path.stem)
        if slug != path.stem:
            errors.at(("number",), f"tên tệp quyết định là đường dẫn, nên phải viết thường không dấu, "
                                   f"nối bằng gạch ngang (ví dụ {slug or 'qd-1234-ubnd-2024'}.yml)")
        problem = title_problem(data["title"]) if usable("title") else None
        if problem:
            errors.at(("title",), problem)
        signed = _date(("signed",), data["signed"], errors) if usable("signed") else None
        if signed and signed > self.now:
            errors.at(("signed",), f"ngày ký {signed:%d/%m/%Y} chưa tới (sau ngày dựng trang {self.now:%d/%m/%Y}); "
                                   "kiểm tra lại năm")
        elif signed and signed.date() < FIRST_DECISION:
            errors.at(("signed",), f"ngày ký {signed:%d/%m/%Y} trước ngày 02/09/1945; kiểm tra lại năm")
        effective = _date(("effective",), data["effective"], errors) if usable("effective") else None
        if signed and effective and effective.date() < signed.date():
            errors.at(("effective",), "ngày có hiệu lực không thể trước ngày ký")
        attachment = None
        if usable("attachment"):
            # The same rules as the files the build publishes, so check and build agree.
            relative = PurePosixPath(posixpath.normpath(posixpath.join(layout.DECISIONS_DIR, data["attachment"])))
            problem = attachment_problem(self.content_dir, relative)
            if problem:
                errors.at(("attachment",), f"tệp “{data['attachment']}”: {problem}")
            else:
                attachment = layout.published_uri(relative)
        if errors:  # the schema's own errors are among them
            return None
        decision = Decision(errors.source, path, slug, " ".join(data["number"].split()), data["issuer"].strip(),
                            signed, effective, " ".join(data["title"].split()), attachment,
                            approves_workflows=bool(data.get("approves_workflows")))
        self._entries(decision, data["entries"], errors)
        return decision

    def _entries(self, decision: Decision, entries: list[dict], errors: FileErrors) -> None:
        listed: dict[int, int] = {}  # id of a procedure → the entry that names it
        for index, entry in enumerate(entries):
            at = ("entries", index)
            subject = self._find(entry["procedure"], at + ("procedure",), errors, entry.get("level"))
            if subject is not None and listed.setdefault(id(subject), index) != index:
                errors.at(at + ("procedure",), f"thủ tục “{entry['procedure']}” đã có ở mục {listed[id(subject)] + 1} "
                                               "của quyết định này; mỗi thủ tục một mục")
                continue
            replaces = []
            if entry["change"] == "thay_the":
                if "replaces" not in entry:
                    errors.at(at + ("replaces",), "thay thế cần ghi replaces: mã các thủ tục cũ bị thay thế")
                for j, key in enumerate(entry.get("replaces", ())):
                    old = self._find(key, at + ("replaces", j), errors)
                    if old is not None and old is subject:
                        errors.at(at + ("replaces", j), "thủ tục không thể tự thay thế chính nó")
                    elif old is not None:
                        replaces.append(old)
            elif "replaces" in entry:
                errors.at(at + ("replaces",), "chỉ ghi replaces khi change: thay_the")
            effective = decision.effective
            if "effective" in entry:
                effective = _date(at + ("effective",), entry["effective"], errors) or effective
                if effective and effective.date() < decision.signed.date():
                    errors.at(at + ("effective",), "ngày có hiệu lực không thể trước ngày ký quyết định")
            if subject is not None:
                decision.changes.append(Change(
                    decision=decision, index=index, kind=entry["change"], procedure=subject,
                    replaces=replaces, effective=effective, summary=" ".join(entry.get("summary", "").split()),
                    basis=entry.get("basis", "").strip(), upcoming=effective is not None and effective > self.now,
                ))

    def _find(self, key: str, field: tuple, errors: FileErrors, level: str | None = None) -> Procedure | None:
        found = self.records.find(key, level)
        if len(found) > 1:  # never the first in file order: that hands one record's history to another
            files = "; ".join(f"{p.source} ({p.level_label.lower()})" for p in found)
            errors.at(field, f"“{key}” có thể là {len(found)} thủ tục: {files}; ghi thêm level (cấp) cho mục này, "
                             "hoặc ghi đường dẫn của thủ tục (ví dụ 1.004616-cap-xa)")
            return None
        if not found and key.strip() not in self.records.broken:  # a broken record says what is wrong itself
            what = f" ở {LEVELS[level].lower()}" if level in LEVELS else ""
            errors.at(field, f"không có thủ tục “{key}”{what} (ghi mã thủ tục, hoặc tên tệp nếu thủ tục chưa có mã)")
        return found[0] if found else None

    def _check_numbers(self, decisions: list[Decision]) -> None:
        seen: dict[str, Decision] = {}
        for decision in decisions:
            key = unicodedata.normalize("NFC", decision.number).upper()
            other = seen.setdefault(key, decision)
            if other is not decision:
                self._at(decision, ("number",), f"số quyết định {decision.number} đã dùng ở {other.source}; "
                                                "mỗi quyết định một tệp")

    def _derive(self, procedures: list[Procedure], decisions: list[Decision]) -> None:
        """Status, successors and history of every procedure, then the checks they allow."""
        changes = sorted((c for d in decisions for c in d.changes), key=lambda c: (c.dated, c.decision.number, c.index))
        final: dict[int, str] = {}  # what the decisions make of a procedure, whatever the dates
        ended: dict[int, Change] = {}
        for change in changes:
            subject = change.procedure
            if id(subject) in ended:
                gone = ended[id(subject)]
                self._at(change.decision, ("entries", change.index, "procedure"),
                            f"thủ tục {subject.code or subject.slug} đã bị {gone.label.lower()} "
                            f"{_since(gone)} ({gone.decision.number}); không thể "
                            f"{change.label.lower()} sau đó")
                continue
            subject.history.append(change)
            if change.kind == "bai_bo":
                final[id(subject)] = "bai_bo"
                ended[id(subject)] = change
                self._retire(subject, change)
            for old in change.replaces:
                if id(old) in ended:
                    gone = ended[id(old)]
                    self._at(change.decision, ("entries", change.index, "replaces"),
                                f"thủ tục {old.code or old.slug} đã bị {gone.label.lower()} "
                                f"{_since(gone)} ({gone.decision.number})")
                    continue
                old.history.append(change)
                final[id(old)] = "thay_the"
                ended[id(old)] = change
                old.replaced_by.append(subject)
                subject.replaces.append(old)
                self._retire(old, change)
        for procedure in procedures:
            self._agree(procedure, final.get(id(procedure), "hieu_luc"))

    def _retire(self, procedure: Procedure, change: Change) -> None:
        # Without a stated effective date it is announced, not known to be in force: the page says so.
        if change.effective is not None and change.effective <= self.now:
            procedure.status = "bai_bo" if change.kind == "bai_bo" else "thay_the"
            procedure.retired_by = change
        else:
            procedure.pending = change

    def _agree(self, procedure: Procedure, derived: str) -> None:
        stated = procedure.stated_status
        if stated is not None and stated != derived:
            if stated == "bai_bo":
                message = "ghi status: bai_bo nhưng không có quyết định nào bãi bỏ thủ tục này"
            elif stated == "thay_the":
                message = "ghi status: thay_the nhưng không có quyết định nào thay thế thủ tục này"
            else:
                message = (f"ghi status: {stated} nhưng theo các quyết định thủ tục này "
                           f"“{STATUSES[derived].lower()}”; bỏ dòng status (tình trạng lấy từ quyết định) hoặc sửa cho khớp")
            self.records.at(procedure, ("status",), message)
            return  # a wrong status explains a wrong replaced_by too
        if procedure.replaced_by_keys:
            stated_keys = {id(p) for k in procedure.replaced_by_keys for p in self.records.find(k)}
            if stated_keys != {id(p) for p in procedure.replaced_by}:
                names = ", ".join(p.code or p.slug for p in procedure.replaced_by) or "không có"
                self.records.at(
                    procedure, ("replaced_by",),
                    f"khác với các quyết định (thủ tục thay thế theo quyết định: {names}); bỏ dòng này hoặc sửa cho khớp",
                )

    def _at(self, decision: Decision, field: tuple, message: str) -> None:
        self._files[decision.source].at(field, message)


def _since(change: Change) -> str:
    return f"từ {change.effective:%d/%m/%Y}" if change.effective else f"theo quyết định ký {change.decision.signed:%d/%m/%Y}"


def _date(field: tuple, text: str, errors: FileErrors) -> datetime | None:
    try:
        return parse_datetime(text)
    except DateError as error:
        errors.at(field, str(error))
        return None
