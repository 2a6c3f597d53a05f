"""Procedure records (content/tthc/<code-or-slug>.yml, one procedure per file), then the whole catalogue."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from cchc.core import layout, schema
from cchc.core.dates import DateError, parse_datetime
from cchc.core.errors import ContentError, ContentErrors, FileErrors, Report, display_path
from cchc.core.files import Asset, walk
from cchc.core.gitdates import git_state
from cchc.core.memo import FileMemo
from cchc.core.settings import Settings
from cchc.core.terms import TermIndex, load_terms
from cchc.core.text import make_slug, nfc, title_problem
from cchc.tthc.decisions import DecisionLoader
from cchc.tthc.history import GitHistory, describe_amendments
from cchc.tthc.model import (
    LEVELS,
    UNSTATED_FIELD,
    UNSTATED_FIELD_SLUG,
    Catalogue,
    Channel,
    Document,
    Dossier,
    DossierCase,
    Duration,
    Fee,
    Field,
    LegalDoc,
    Procedure,
    StepGroup,
    WorkflowStep,
)
from cchc.tthc.parts import SIMPLE
from cchc.tthc.upgrade import is_v1

CODE_HINT = "mã dạng 1.004616 hoặc dạng của tỉnh 1.004616.000.00.00.H41"
CODE_LIKE = re.compile(r"[0-9]\.[0-9]{6}")
PROVINCE_PART = re.compile(r"\.(H[0-9]{2})(?:\.[0-9]{2})?$")


def load_catalogue(settings: Settings, now: datetime, report: Report,
                   memo: FileMemo | None = None) -> tuple[Catalogue, list[Asset]]:
    """Fields, procedures and decisions; errors go to ``report``. A site without procedures has none.

    ``memo`` (a preview's, cchc.core.memo): the whole catalogue of the last build again while no
    file of it changed, and otherwise each unchanged record without reading it again.
    """
    content_dir, root = settings.content_dir, settings.root
    if not ((content_dir / layout.TTHC_DIR).is_dir() or (content_dir / layout.FIELDS_FILE).is_file()):
        return Catalogue(), []
    field_errors = Report()
    fields = load_terms(content_dir / layout.FIELDS_FILE, root, "fields", "fields", Field, field_errors)
    if field_errors:  # every record would fail on its field: report the cause only
        raise ContentErrors([*report.errors, *field_errors.errors])
    if fields.find(UNSTATED_FIELD_SLUG):
        raise ContentErrors([*report.errors, ContentError(
            display_path(content_dir / layout.FIELDS_FILE, root), None, "fields",
            f"“{UNSTATED_FIELD_SLUG}” là tên dành cho thủ tục chưa xác định lĩnh vực; hãy đặt slug khác")])
    if memo is not None:
        changed, git = _changed(content_dir, memo), git_state(root)
        kept = memo.kept.get(_CATALOGUE)
        if (kept is not None and not changed and kept.settings == settings and kept.fields == tuple(fields)
                and kept.git == git and not (kept.until is not None and now >= kept.until)):
            report.errors.extend(kept.errors)
            memo.keep("procedure")
            return kept.catalogue, kept.assets
    errors = len(report.errors)
    records = ProcedureLoader(content_dir, root, fields, settings.department.province_code, report, memo)
    procedures, assets = records.load_all()
    if any(p.field is UNSTATED_FIELD for p in procedures):
        fields = TermIndex([*fields, UNSTATED_FIELD])
    # Decisions are checked against every record that loaded; a reference to a record that has
    # errors of its own is not an error of the decision (records.broken).
    decisions = DecisionLoader(content_dir, root, records, now, report)
    catalogue = Catalogue(fields, procedures, decisions.load_all(procedures))
    records.resolve_related(procedures)
    if not report:
        history = None
        if memo is not None:  # git is asked once a commit, not once a save
            asked = memo.kept.get(_HISTORY)
            if asked is None or asked[0] != git:
                asked = memo.kept[_HISTORY] = (git, GitHistory.read(root))
            history = asked[1]
        describe_amendments(catalogue.procedures, root, {f.slug: f.name for f in fields}, history)
    if memo is not None:
        # Kept until the next change takes effect: then statuses, and the pages that say them, change.
        until = min((c.effective for c in catalogue.changes if c.effective and c.effective > now), default=None)
        memo.kept[_CATALOGUE] = _Kept(settings, tuple(f for f in fields if f is not UNSTATED_FIELD), git, until,
                                      report.errors[errors:], catalogue, assets)
    return catalogue, assets


_CATALOGUE = "catalogue"  # FileMemo.kept: the last load, as a _Kept
_HISTORY = "git history"  # FileMemo.kept: (git state, GitHistory) for amendments


@dataclass
class _Kept:
    settings: Settings  # the province's code, the portals' addresses…
    fields: tuple[Field, ...]  # as listed in content/linh-vuc.yml
    git: tuple
    until: datetime | None  # when the next change takes effect
    errors: list[ContentError]
    catalogue: Catalogue
    assets: list[Asset]


def _changed(content_dir: Path, memo: FileMemo) -> bool:
    """Whether a file under content/tthc/ is new, gone or changed since the last load."""
    if memo.changes is not None:  # the snapshot of content/ says
        return any(path.startswith(f"{layout.TTHC_DIR}/") for path in memo.changes)
    # Every file is asked, even after one is found changed: each one's stamp is brought up to date.
    paths = [path for path, _ in walk(content_dir / layout.TTHC_DIR)]
    changed = [memo.changed(path) for path in paths]
    listed, memo.kept[_LISTED] = memo.kept.get(_LISTED), paths
    return any(changed) or listed != paths


_LISTED = "tthc files"  # FileMemo.kept: the files under content/tthc/ at the last load


class ProcedureLoader:
    """Loads every record, then checks what only the whole set can tell.

    A record with schema errors still has the rest of its checks run (each one
    guarded, as its part may be the broken one), so an editor sees every error
    of a file in one round; its identity (code, level, file name) still takes
    part in the checks across records.
    """

    def __init__(self, content_dir: Path, root: Path, fields: TermIndex[Field], province_code: str, report: Report,
                 memo: FileMemo | None = None):
        self.content_dir, self.root, self.fields, self.province = content_dir, root, fields, province_code
        self.report = report
        self.memo = memo
        self._context = (tuple(fields), province_code)  # what loading a record reads besides its file
        self._forms: list[tuple[str, bool]] | None = None  # form files a record named, and whether each is there
        self._files: dict[str, FileErrors] = {}  # source → its errors, for checks made later
        self.index: dict[str, list[Procedure]] = {}  # code, national code, URL slug or file name → records
        self.broken: set[str] = set()  # the same keys, of records that did not load
        self._identities: list[tuple[str, str, str, str | None, list[str]]] = []  # slug, source, label, code, keys
        self._assets: dict[str, Path] = {}  # NFC path under content/tthc/ → the file on disk

    def load_all(self) -> tuple[list[Procedure], list[Asset]]:
        procedures, assets = [], []
        records = []
        decisions = PurePosixPath(layout.DECISIONS_DIR).relative_to(layout.TTHC_DIR).parts[0]
        for path, relative in walk(self.content_dir / layout.TTHC_DIR):
            if path.suffix.lower() in (".yml", ".yaml"):
                if len(relative.parts) == 1:
                    records.append(path)
                elif relative.parts[0] != decisions:  # a record put in a subfolder would vanish unseen
                    self.report.file(display_path(path, self.root)).at(
                        "tên tệp", f"hồ sơ thủ tục phải nằm ngay trong content/{layout.TTHC_DIR}/ (quyết định: "
                                   f"content/{layout.DECISIONS_DIR}/); chuyển tệp ra khỏi thư mục con")
                continue  # decisions belong to cchc/tthc/decisions.py
            # Published under the composed (NFC) name, which is how records spell it, whatever the OS wrote.
            name = nfc(relative.as_posix())
            self._assets[name] = path
            assets.append(Asset(layout.published_uri(PurePosixPath(layout.TTHC_DIR, name)), path))
        for path in records:
            procedure = self.load(path) if self.memo is None else self._load(path)
            if procedure is not None:
                procedures.append(procedure)
        self._check_set(procedures)
        return procedures, assets

    def _load(self, path: Path) -> Procedure | None:
        """``load`` through the memo: a file unchanged since the last build is not read again.

        What loading it did besides returning the record (its errors, its identity for the checks across
        records) is done again; the record comes as a copy, since decisions fill in its history.
        """
        kept = self.memo.get("procedure", path, self._context)
        if kept is not None and all((name in self._assets) == there for name, there in kept[3]):
            source = display_path(path, self.root)
            errors = self._files[source] = self.report.file(source)
            for error in kept[1]:
                errors.add(error)
            for identity in kept[2]:
                self._identities.append(identity)
                self.broken.update(identity[4])
        else:
            identities, self._forms = len(self._identities), []
            procedure = self.load(path)
            source = display_path(path, self.root)
            kept = (procedure, list(self._files[source].errors) if source in self._files else [],
                    self._identities[identities:], self._forms)
            self._forms = None
            self.memo.put("procedure", path, self._context, (), kept)
        return _fresh(kept[0]) if kept[0] is not None else None

    @property
    def sound(self) -> bool:
        """No record had an error."""
        return not any(self._files.values())

    def at(self, procedure: Procedure, field: tuple, message: str) -> None:
        """An error in a loaded record, for checks made by later loaders (decisions)."""
        self._files[procedure.source].at(field, message)

    def load(self, path: Path) -> Procedure | None:
        """The record in ``path``, or None when its errors are recorded."""
        source = display_path(path, self.root)
        errors = self._files[source] = self.report.file(source)
        data, valid = schema.read_data(path, "tthc", "hồ sơ thủ tục", errors, reject=_old_format)
        if data is None:
            return None
        code = data.get("code") if _well_formed_code(data.get("code")) else None  # a malformed one is reported
        level = data.get("level") if data.get("level") in LEVELS else None
        slug = _slug(code, level, path, errors if "code" not in data else None)
        field = UNSTATED_FIELD
        checks: list[Callable[[], Any]] = [
            lambda: self._check_code(data, code, errors, path.stem),
            lambda: _check_status(data, errors),
            lambda: _check_steps(data, errors),
            lambda: _check_channels(data, errors),
            lambda: _check_workflow(data, errors),
            lambda: _check_title(data["name"], ("name",), errors),
        ]
        for check in checks:
            _guarded(check)
        if "field" in data:
            field = _guarded(lambda: self._field(data["field"], errors)) or UNSTATED_FIELD
        legal = _guarded(lambda: _legal_basis(data["legal_basis"], errors)) if "legal_basis" in data else None
        dossier = _guarded(lambda: self._dossier(path, data["dossier"], errors)) if "dossier" in data else None
        if errors or not valid:
            keys = [k for k in (code, code and code[:8], slug, path.stem) if k]
            self.broken.update(keys)
            self._identities.append((slug, source, _identity_label(code, level, slug), code, keys))
            return None

        online = data.get("online") or {}
        agencies = data.get("agencies") or {}
        return Procedure(
            source=source,
            abs_path=path,
            slug=slug,
            code=code,
            level=level,
            field=field,
            stated_status=data.get("status"),
            steps=_step_groups(data),
            channels=tuple(_channel(c) for c in data.get("channels") or ()),
            dossier=dossier,
            agencies={k: agencies[k].strip() for k in ("competent", "executing", "delegated", "coordinating")
                      if agencies.get(k, "").strip()},
            legal_basis=legal,
            workflow=tuple(
                WorkflowStep(w.get("step", "").strip(), w["content"].strip(), w.get("unit", "").strip(),
                             _duration(w["time"]) if "time" in w else None)
                for w in data.get("internal_workflow") or ()
            ),
            online_level=online.get("level"),
            online_url=online.get("url"),
            new=bool(data.get("new")),
            announced_in=" ".join(data["decision"].split()) if "decision" in data else None,
            portal_url=data.get("portal_url"),
            related_keys=tuple(" ".join(k.split()) for k in data.get("related", ())),
            replaced_by_keys=tuple(data.get("replaced_by", ())),
            aliases=tuple(data.get("aliases", ())),
            **{part.key: part.read(data) for part in SIMPLE},
        )

    def _check_code(self, data: dict, code: str | None, errors: FileErrors, stem: str) -> None:
        # The file name is a key decisions use; one that names another code would hand that code's
        # history to this record. A name made from the title (the web editor's) names no code.
        if code and CODE_LIKE.match(stem) and not stem.lower().startswith(code[:8].lower()):
            errors.at(("code",), f"tên tệp “{stem}” không khớp mã “{code}”; đặt tên tệp theo mã, ví dụ {code}.yml")
        province = PROVINCE_PART.search(code or "")
        if province and province.group(1) != self.province:
            errors.at(("code",), f"mã “{code}” mang mã tỉnh {province.group(1)}, nhưng đơn vị ở tỉnh có mã "
                                 f"{self.province} (extra.department.province_code trong mkdocs.yml)")
        if code and data.get("new"):
            errors.at(("new",), "new: true chỉ dành cho thủ tục mới chưa có mã; thủ tục này đã có mã, hãy bỏ dòng new")

    def _field(self, name: Any, errors: FileErrors) -> Field | None:
        field = self.fields.find(name)
        if field is None:
            errors.at(("field",), f"không có lĩnh vực “{name}”; dùng một trong: {self.fields.slugs()}")
        return field

    def _form(self, path: Path, form: str, at: tuple, errors: FileErrors) -> str | None:
        """The published, percent-encoded URL of a template file, compared by its NFC name."""
        folder = (self.content_dir / layout.TTHC_DIR).resolve()
        target = Path(nfc(str((path.parent / nfc(form)).resolve())))
        if not target.is_relative_to(Path(nfc(str(folder)))):
            errors.at(at, "tệp mẫu phải nằm trong thư mục content/tthc/ (ví dụ mau/don-de-nghi.docx)")
            return None
        name = target.relative_to(Path(nfc(str(folder)))).as_posix()
        if self._forms is not None:
            self._forms.append((name, name in self._assets))
        if name not in self._assets:
            errors.at(at, f"không tìm thấy tệp mẫu “{form}” (tìm ở content/{layout.TTHC_DIR}/{name})")
            return None
        return quote(layout.published_uri(PurePosixPath(layout.TTHC_DIR, name)))

    def _dossier(self, path: Path, data: dict, errors: FileErrors) -> Dossier:
        cases = []
        for c_index, case in enumerate(data.get("cases") or ()):
            documents = []
            for d_index, item in enumerate(case["documents"]):
                form = None
                if "form" in item:
                    form = self._form(path, item["form"], ("dossier", "cases", c_index, "documents", d_index, "form"),
                                      errors)
                documents.append(Document(
                    name=item["name"].strip(), originals=item.get("originals"), copies=item.get("copies"),
                    count_text=item.get("count_text", "").strip(), form=form,
                    form_name=item.get("form_name", "").strip(), note=item.get("note", "").strip(),
                ))
            cases.append(DossierCase(case.get("case", "").strip(), tuple(documents)))
        if len(cases) > 1 and any(not case.case for case in cases):
            errors.at(("dossier", "cases"), "có nhiều trường hợp thì mỗi trường hợp cần ghi case (tên trường hợp)")
        if "sets" in data and "sets_text" in data:
            errors.at(("dossier", "sets_text"), "ghi một trong hai: sets (số bộ) hoặc sets_text (số bộ bằng chữ)")
        return Dossier(data.get("sets"), data.get("sets_text", "").strip(), tuple(cases), data.get("note", "").strip())

    def _check_set(self, procedures: list[Procedure]) -> None:
        """Errors about the set: identity, URLs, replacements. Records with errors of their own take part."""
        by_url: dict[str, tuple[str, str]] = {}  # slug → (source, label)
        keys: dict[str, list[Procedure]] = {}
        identities = [(p.slug, p.source, _identity_label(p.code, p.level, p.slug), p.code,
                       [k for k in (p.code, p.national_code, p.slug, p.abs_path.stem) if k]) for p in procedures]
        for slug, source, label, _code, _keys in sorted([*identities, *self._identities], key=lambda i: i[1]):
            other = by_url.setdefault(slug, (source, label))
            if other[0] != source:
                self._files[source].at(("code",), f"trùng {label} với {other[0]}; mỗi mã + cấp chỉ một tệp")
        for procedure in procedures:
            for key in dict.fromkeys(filter(None, (procedure.code, procedure.national_code, procedure.slug,
                                                   procedure.abs_path.stem))):
                keys.setdefault(key, []).append(procedure)
        for procedure in procedures:
            for alias in procedure.aliases:
                if alias in by_url or alias in layout.TTHC_RESERVED:
                    self.at(procedure, ("aliases",), f"đường dẫn cũ “{alias}” đang được dùng cho trang khác")
                else:
                    by_url[alias] = (procedure.source, alias)
        self.index = keys

    def find(self, key: str, level: str | None = None) -> list[Procedure]:
        """Every record ``key`` (code, national code, URL slug or file name) may mean, narrowed to ``level``.

        A URL slug is unique, so a key that is one record's slug and no other record's code means
        that record alone ("1.004616-cap-xa").
        """
        found = [p for p in self.index.get(key.strip(), ()) if level is None or p.level == level]
        by_slug = [p for p in found if p.slug == key.strip()]
        if len(by_slug) == 1 and all(key.strip() not in (p.code, p.national_code) for p in found if p not in by_slug):
            return by_slug
        return found

    def resolve_related(self, procedures: list[Procedure]) -> None:
        """Related procedures that are on the site become links; the others stay as the source names them."""
        for procedure in procedures:
            procedure.related = [(key, next(iter(found)) if len(found := self.find(key)) == 1 else None)
                                 for key in procedure.related_keys]


def _fresh(procedure: Procedure) -> Procedure:
    """A copy of a record as loaded, before decisions and related records fill in what they derive."""
    return replace(procedure, related=[], history=[], replaced_by=[], replaces=[], status="hieu_luc",
                   retired_by=None, pending=None)


def _well_formed_code(code: Any) -> bool:
    return isinstance(code, str) and re.search(schema.load_schema("tthc")["properties"]["code"]["pattern"], code) is not None


def _old_format(data: dict) -> str | None:
    if is_v1(data):
        return ("tệp ghi theo mẫu cũ (v1: “time” trong channels); chạy “python -m cchc upgrade <tệp>” để chuyển "
                "sang mẫu v2 (giữ nguyên nội dung và ghi chú)")
    return None


def _guarded(check: Callable[[], Any]) -> Any:
    """Run a check on data that may have failed the schema: a part of the wrong shape was reported there."""
    try:
        return check()
    except (KeyError, TypeError, AttributeError, ValueError, IndexError):
        return None


def _slug(code: str | None, level: str | None, path: Path, errors: FileErrors | None) -> str:
    """The URL segment; ``errors`` is None when the record has a code, only a malformed one (reported)."""
    if code:
        return code[:8].lower() + ("" if level in (None, "tinh") else f"-cap-{level}")
    slug = make_slug(path.stem)
    if errors is None:
        return slug
    if slug != path.stem:
        errors.at(("code",), f"thủ tục chưa có mã lấy tên tệp làm đường dẫn, nên tên tệp phải viết "
                             f"thường không dấu, nối bằng gạch ngang (ví dụ {slug or 'ten-thu-tuc'}.yml)")
    elif slug in layout.TTHC_RESERVED:
        errors.at(("code",), f"tên tệp “{slug}” trùng với một mục của trang; hãy đặt tên khác")
    return slug


def _identity_label(code: str | None, level: str | None, slug: str) -> str:
    if not code:
        return f"đường dẫn /{layout.PROCEDURE_URL.format(slug=slug)}"
    return f"mã {code}" + (f" ở {LEVELS[level].lower()}" if level else "")


def _check_title(text: str, field: tuple, errors: FileErrors) -> None:
    problem = title_problem(text) if text else None  # an empty name is the schema's to report
    if problem:
        errors.at(field, problem)


def _check_status(data: dict, errors: FileErrors) -> None:
    if "replaced_by" in data and data.get("status") != "thay_the":
        errors.at(("replaced_by",), "chỉ ghi replaced_by khi status: thay_the")


def _check_steps(data: dict, errors: FileErrors) -> None:
    if "steps" in data and "steps_by_case" in data:
        errors.at(("steps",), "ghi một trong hai: steps (các bước) hoặc steps_by_case (các bước theo từng trường "
                              "hợp); đang có cả hai")


def _check_duration(value: dict, at: tuple, errors: FileErrors) -> None:
    if "value" in value and "text" in value:
        errors.at(at + ("text",), "ghi một trong hai: value + unit (con số) hoặc text (thời hạn bằng chữ)")
    elif not {"value", "unit", "text"} & set(value):  # a lone value or unit: the schema names its pair
        errors.at(at, "thời hạn cần value + unit (ví dụ {value: 5, unit: ngay_lam_viec}) hoặc text (thời hạn "
                      "bằng chữ như nguồn ghi); nguồn không ghi thời hạn thì bỏ hẳn mục này")


def _check_channels(data: dict, errors: FileErrors) -> None:
    online = (data.get("online") or {}).get("level")
    for index, channel in enumerate(data.get("channels") or ()):
        at = ("channels", index)
        if online == "khong" and channel.get("channel") == "truc_tuyen":
            errors.at(("online", "level"),
                      "có cách thức “truc_tuyen” thì mức dịch vụ công trực tuyến không thể là “khong”")
            online = None  # said once
        for t_index, time in enumerate(channel.get("times") or ()):
            _check_duration(time, at + ("times", t_index), errors)
        for f_index, fee in enumerate(channel.get("fees") or ()):
            if "amount" in fee and "amount_text" in fee:
                errors.at(at + ("fees", f_index, "amount_text"),
                          "mỗi khoản phí ghi một trong hai: amount (số đồng) hoặc amount_text (mức thu bằng chữ)")


def _check_workflow(data: dict, errors: FileErrors) -> None:
    for index, step in enumerate(data.get("internal_workflow") or ()):
        if "time" in step:
            _check_duration(step["time"], ("internal_workflow", index, "time"), errors)


def _legal_basis(items: list[dict], errors: FileErrors) -> tuple[LegalDoc, ...]:
    legal = []
    for index, item in enumerate(items):
        if not (item.get("number") or item.get("title")):
            errors.at(("legal_basis", index), "mỗi văn bản cần ít nhất number (số ký hiệu) hoặc title (trích yếu)")
            continue
        date = None
        if "date" in item:
            try:
                date = parse_datetime(item["date"])
            except DateError as error:
                errors.at(("legal_basis", index, "date"), str(error))
        legal.append(LegalDoc(item.get("number", "").strip(), item.get("title", "").strip(), date,
                              item.get("issuer", "").strip()))
    return tuple(legal)


def _step_groups(data: dict) -> tuple[StepGroup, ...] | None:
    # Each step keeps its own lines (sub-items); only the ends are trimmed.
    if "steps" in data:
        return (StepGroup("", tuple(s.strip() for s in data["steps"])),)
    if "steps_by_case" in data:
        return tuple(StepGroup(g["case"].strip(), tuple(s.strip() for s in g["steps"]))
                     for g in data["steps_by_case"])
    return None


def _duration(data: dict) -> Duration:
    return Duration(data.get("value"), data.get("unit"), " ".join(data.get("text", "").split()),
                    data.get("case", "").strip(), data.get("note", "").strip())


def _channel(data: dict) -> Channel:
    fees = data.get("fees")
    return Channel(
        channel=data["channel"],
        case=data.get("case", "").strip(),
        times=tuple(_duration(t) for t in data["times"]) if "times" in data else None,
        fees=None if fees is None else tuple(
            Fee(f.get("kind"), f.get("amount"), f.get("amount_text", "").strip(), f.get("unit", "").strip(),
                f.get("case", "").strip(), f.get("description", "").strip())
            for f in fees
        ),
        description=data.get("description", "").strip(),
    )
