"""Procedure records (content/tthc/<code-or-slug>.yml, one procedure per file), then the whole catalogue."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path, PurePosixPath

from cchc.core import layout, schema
from cchc.core.dates import DateError, parse_datetime
from cchc.core.errors import ContentErrors, FileErrors, Report, display_path
from cchc.core.files import Asset, walk
from cchc.core.settings import Settings
from cchc.core.terms import TermIndex, load_terms
from cchc.core.text import make_slug
from cchc.tthc.decisions import DecisionLoader
from cchc.tthc.history import describe_amendments
from cchc.tthc.model import (
    Catalogue,
    Channel,
    Document,
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

CODE_HINT = "mã dạng 1.004616 hoặc dạng của tỉnh 1.004616.000.00.00.H41"


def load_catalogue(settings: Settings, now: datetime, report: Report) -> tuple[Catalogue, list[Asset]]:
    """Fields, procedures and decisions; errors go to ``report``. A site without procedures has none."""
    content_dir, root = settings.content_dir, settings.root
    if not ((content_dir / layout.TTHC_DIR).is_dir() or (content_dir / layout.FIELDS_FILE).is_file()):
        return Catalogue(), []
    field_errors = Report()
    fields = load_terms(content_dir / layout.FIELDS_FILE, root, "fields", "fields", Field, field_errors)
    if field_errors:  # every record would fail on its field: report the cause only
        raise ContentErrors([*report.errors, *field_errors.errors])
    records = ProcedureLoader(content_dir, root, fields, settings.department.province_code, report)
    procedures, assets = records.load_all()
    decisions = DecisionLoader(content_dir, root, records, now, report)
    if records.sound:
        catalogue = Catalogue(fields, procedures, decisions.load_all(procedures))
    else:  # decisions point at records: cross-check them only against a sound set
        decisions.check_forms()
        catalogue = Catalogue(fields, procedures)
    if not report:
        describe_amendments(catalogue.procedures, root, {f.slug: f.name for f in fields})
    return catalogue, assets


class ProcedureLoader:
    """Loads every record, then checks what only the whole set can tell."""

    def __init__(self, content_dir: Path, root: Path, fields: TermIndex[Field], province_code: str, report: Report):
        self.content_dir, self.root, self.fields, self.province = content_dir, root, fields, province_code
        self.report = report
        self._files: dict[str, FileErrors] = {}  # source → its errors, for checks made later
        self.index: dict[str, Procedure] = {}  # code, national code, URL slug or file name → record

    def load_all(self) -> tuple[list[Procedure], list[Asset]]:
        procedures, assets = [], []
        for path, relative in walk(self.content_dir / layout.TTHC_DIR):
            if path.suffix.lower() in (".yml", ".yaml"):
                if len(relative.parts) == 1:
                    procedure = self.load(path)
                    if procedure is not None:
                        procedures.append(procedure)
                continue  # YAML in subfolders (decisions) belongs to cchc/tthc/decisions.py
            assets.append(Asset(layout.published_uri(PurePosixPath(layout.TTHC_DIR, relative)), path))
        self._check_set(procedures)
        return procedures, assets

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
        data = schema.read_record(path, "tthc", "hồ sơ thủ tục", errors)
        if data is None:
            return None

        code = data.get("code")
        if code and len(code) > 8 and code[-3:] != self.province:
            errors.at(("code",), f"mã “{code}” mang mã tỉnh {code[-3:]}, nhưng đơn vị ở tỉnh có mã "
                                 f"{self.province} (extra.department.province_code trong mkdocs.yml)")
        if code:
            slug = code[:8].lower() + ("" if data["level"] == "tinh" else f"-cap-{data['level']}")
        else:
            slug = make_slug(path.stem)
            if slug != path.stem:
                errors.at(("code",), f"thủ tục chưa có mã lấy tên tệp làm đường dẫn, nên tên tệp phải viết "
                                     f"thường không dấu, nối bằng gạch ngang (ví dụ {slug or 'ten-thu-tuc'}.yml)")
            elif slug in layout.TTHC_RESERVED:
                errors.at(("code",), f"tên tệp “{slug}” trùng với một mục của trang; hãy đặt tên khác")
        field = self.fields.find(data["field"])
        if field is None:
            errors.at(("field",), f"không có lĩnh vực “{data['field']}”; dùng một trong: {self.fields.slugs()}")
        status = data.get("status")
        if "replaced_by" in data and status != "thay_the":
            errors.at(("replaced_by",), "chỉ ghi replaced_by khi status: thay_the")
        if data["online"]["level"] == "khong" and any(c["channel"] == "truc_tuyen" for c in data["channels"]):
            errors.at(("online", "level"),
                      "có cách thức “truc_tuyen” thì mức dịch vụ công trực tuyến không thể là “khong”")
        if ("steps" in data) == ("steps_by_case" in data):
            errors.at(("steps",), "ghi đúng một trong hai: steps (các bước) hoặc steps_by_case (các bước theo "
                                  "từng trường hợp)" + ("; đang có cả hai" if "steps" in data else "; đang thiếu cả hai"))
        _check_channels(data["channels"], errors)
        legal = _legal_basis(data["legal_basis"], errors)
        dossier = self._dossier(path, data["dossier"], errors)
        if errors:
            return None

        return Procedure(
            source=source,
            abs_path=path,
            slug=slug,
            code=code,
            level=data["level"],
            field=field,
            stated_status=status,
            steps=_step_groups(data),
            channels=tuple(_channel(c) for c in data["channels"]),
            dossier_sets=data["dossier"]["sets"],
            dossier=dossier,
            dossier_note=data["dossier"].get("note", "").strip(),
            agencies={k: v.strip() for k, v in data["agencies"].items() if v.strip()},
            legal_basis=legal,
            workflow=tuple(
                WorkflowStep(w["content"].strip(), w["unit"].strip(), Duration(**w["time"]))
                for w in data.get("internal_workflow") or ()
            ),
            online_level=data["online"]["level"],
            online_url=data["online"].get("url"),
            replaced_by_keys=tuple(data.get("replaced_by", ())),
            aliases=tuple(data.get("aliases", ())),
            **{part.key: part.read(data) for part in SIMPLE},
        )

    def _dossier(self, path: Path, data: dict, errors: FileErrors) -> tuple[DossierCase, ...]:
        cases = []
        folder = (self.content_dir / layout.TTHC_DIR).resolve()
        for c_index, case in enumerate(data["cases"]):
            documents = []
            for d_index, item in enumerate(case["documents"]):
                form = None
                if "form" in item:
                    at = ("dossier", "cases", c_index, "documents", d_index, "form")
                    target = (path.parent / item["form"]).resolve()
                    if not target.is_relative_to(folder):
                        errors.at(at, "tệp mẫu phải nằm trong thư mục content/tthc/ (ví dụ mau/don-de-nghi.docx)")
                    elif not target.is_file():
                        errors.at(at, f"không tìm thấy tệp mẫu “{item['form']}” (tìm ở {display_path(target, self.root)})")
                    else:
                        form = layout.published_uri(PurePosixPath(layout.TTHC_DIR, target.relative_to(folder).as_posix()))
                documents.append(Document(
                    name=item["name"].strip(), originals=item["originals"], copies=item["copies"], form=form,
                    form_name=item.get("form_name", "").strip(), note=item.get("note", "").strip(),
                ))
            cases.append(DossierCase(case.get("case", "").strip(), tuple(documents)))
        if len(cases) > 1 and any(not case.case for case in cases):
            errors.at(("dossier", "cases"), "có nhiều trường hợp thì mỗi trường hợp cần ghi case (tên trường hợp)")
        return tuple(cases)

    def _check_set(self, procedures: list[Procedure]) -> None:
        """Errors about the set: identity, URLs, replacements."""
        by_url: dict[str, Procedure] = {}
        keys: dict[str, Procedure] = {}
        for procedure in procedures:
            other = by_url.setdefault(procedure.slug, procedure)
            if other is not procedure:
                what = (f"mã {procedure.code} ở {procedure.level_label.lower()}" if procedure.code
                        else f"đường dẫn /{procedure.url}")
                self.at(procedure, ("code",), f"trùng {what} với {other.source}; mỗi mã + cấp chỉ một tệp")
            for key in filter(None, (procedure.code, procedure.national_code, procedure.slug,
                                     procedure.abs_path.stem)):
                keys.setdefault(key, procedure)
        for procedure in procedures:
            for alias in procedure.aliases:
                if alias in by_url or alias in layout.TTHC_RESERVED:
                    self.at(procedure, ("aliases",), f"đường dẫn cũ “{alias}” đang được dùng cho trang khác")
                else:
                    by_url[alias] = procedure
        self.index = keys


def _check_channels(channels: list[dict], errors: FileErrors) -> None:
    seen: dict[str, int] = {}
    for index, channel in enumerate(channels):
        if channel["channel"] in seen:
            errors.at(("channels", index, "channel"),
                      f"cách thức “{channel['channel']}” đã khai ở mục {seen[channel['channel']] + 1}")
        seen.setdefault(channel["channel"], index)
        for f_index, fee in enumerate(channel.get("fees", [])):
            if ("amount" in fee) == ("amount_text" in fee):
                errors.at(("channels", index, "fees", f_index), "mỗi khoản phí ghi đúng một trong hai: amount "
                                                               "(số đồng) hoặc amount_text (mức thu bằng chữ)")


def _legal_basis(items: list[dict], errors: FileErrors) -> tuple[LegalDoc, ...]:
    legal = []
    for index, item in enumerate(items):
        try:
            legal.append(LegalDoc(item["number"].strip(), item["title"].strip(), parse_datetime(item["date"]),
                                  item["issuer"].strip()))
        except DateError as error:
            errors.at(("legal_basis", index, "date"), str(error))
    return tuple(legal)


def _step_groups(data: dict) -> tuple[StepGroup, ...]:
    if "steps" in data:
        return (StepGroup("", tuple(s.strip() for s in data["steps"])),)
    return tuple(StepGroup(g["case"].strip(), tuple(s.strip() for s in g["steps"])) for g in data["steps_by_case"])


def _channel(data: dict) -> Channel:
    return Channel(
        channel=data["channel"],
        time=Duration(**data["time"]),
        time_note=data.get("time_note", "").strip(),
        fees=tuple(
            Fee(f["kind"], f.get("amount"), f.get("amount_text", "").strip(), f.get("description", "").strip())
            for f in data.get("fees") or ()
        ),
        description=data.get("description", "").strip(),
    )
