"""Procedure records: content/tthc/<code-or-slug>.yml, one procedure per file."""

from __future__ import annotations

from pathlib import Path

from cchc.core import schema
from cchc.core.dates import DateError, parse_datetime
from cchc.core.errors import ContentError, display_path
from cchc.core.files import read_text, walk
from cchc.news.model import Asset, Field
from cchc.core.terms import TermIndex
from cchc.core.text import make_slug
from cchc.tthc.model import (
    Channel, Document, DossierCase, Duration, Fee, LegalDoc, Procedure, StepGroup, WorkflowStep,
)
from cchc.core.yamlsafe import YamlDoc, load_yaml

# URL segments under /tthc/ that belong to the site, not to a procedure.
RESERVED = {"linh-vuc", "so-tay", "thay-doi", "quyet-dinh", "mau", "trang", "tthc"}
CODE_HINT = "mã dạng 1.004616 hoặc dạng của tỉnh 1.004616.000.00.00.H41"


def published_uri(path: Path, content_dir: Path) -> str:
    """content/tthc/mau/don.docx is published at /tthc/mau/don.docx."""
    return "tthc/" + path.relative_to(content_dir / "tthc").as_posix()


class ProcedureLoader:
    """Loads every record, then checks what only the whole set can tell."""

    def __init__(self, content_dir: Path, root: Path, fields: TermIndex[Field], province_code: str):
        self.content_dir, self.root, self.fields, self.province = content_dir, root, fields, province_code
        self.schema = schema.load_schema("tthc")
        self.errors: list[ContentError] = []
        self._lines: dict[str, YamlDoc] = {}
        self.index: dict[str, Procedure] = {}  # code, national code, URL slug or file name → record

    def load_all(self) -> tuple[list[Procedure], list[Asset]]:
        procedures, assets = [], []
        for path, relative in walk(self.content_dir / "tthc"):
            if path.suffix.lower() in (".yml", ".yaml"):
                if len(relative.parts) == 1:
                    self._load_one(path, procedures)
                continue  # YAML in subfolders (decisions) belongs to cchc/decisions.py
            assets.append(Asset(published_uri(path, self.content_dir), path))
        self._check_set(procedures)
        return procedures, assets

    def _load_one(self, path: Path, out: list[Procedure]) -> None:
        try:
            procedure = self.load(path)
        except ContentError as error:
            self.errors.append(error)
            return
        if procedure is not None:
            out.append(procedure)

    def load(self, path: Path) -> Procedure | None:
        source = display_path(path, self.root)
        doc = load_yaml(read_text(path, source), source)
        if not isinstance(doc.data, dict):
            raise ContentError(source, 1, "", "hồ sơ thủ tục phải là các dòng “tên_trường: giá trị”")
        data = schema.restore_text(doc.data, self.schema, doc)
        errors = schema.validate(data, "tthc", doc, source)
        if errors:
            self.errors.extend(errors)
            return None
        self._lines[source] = doc
        before = len(self.errors)

        def fail(field_path: tuple, message: str) -> None:
            self.errors.append(ContentError(source, doc.line_of(field_path), schema.dotted(field_path), message))

        code = data.get("code")
        if code and len(code) > 8 and code[-3:] != self.province:
            fail(("code",), f"mã “{code}” mang mã tỉnh {code[-3:]}, nhưng đơn vị ở tỉnh có mã "
                            f"{self.province} (extra.department.province_code trong mkdocs.yml)")
        if code:
            slug = code[:8].lower() + ("" if data["level"] == "tinh" else f"-cap-{data['level']}")
        else:
            slug = make_slug(path.stem)
            if slug != path.stem:
                fail(("code",), f"thủ tục chưa có mã lấy tên tệp làm đường dẫn, nên tên tệp phải viết "
                                f"thường không dấu, nối bằng gạch ngang (ví dụ {slug or 'ten-thu-tuc'}.yml)")
            elif slug in RESERVED:
                fail(("code",), f"tên tệp “{slug}” trùng với một mục của trang; hãy đặt tên khác")
        field = self.fields.find(data["field"])
        if field is None:
            fail(("field",), f"không có lĩnh vực “{data['field']}”; dùng một trong: {self.fields.slugs()}")
        status = data.get("status")
        if "replaced_by" in data and status != "thay_the":
            fail(("replaced_by",), "chỉ ghi replaced_by khi status: thay_the")
        if data["online"]["level"] == "khong" and any(c["channel"] == "truc_tuyen" for c in data["channels"]):
            fail(("online", "level"), "có cách thức “truc_tuyen” thì mức dịch vụ công trực tuyến không thể là “khong”")
        if ("steps" in data) == ("steps_by_case" in data):
            fail(("steps",), "ghi đúng một trong hai: steps (các bước) hoặc steps_by_case (các bước theo từng "
                             "trường hợp)" + ("; đang có cả hai" if "steps" in data else "; đang thiếu cả hai"))
        seen_channels: dict[str, int] = {}
        for index, channel in enumerate(data["channels"]):
            if channel["channel"] in seen_channels:
                fail(("channels", index, "channel"), f"cách thức “{channel['channel']}” đã khai ở mục {seen_channels[channel['channel']] + 1}")
            seen_channels.setdefault(channel["channel"], index)
            for f_index, fee in enumerate(channel.get("fees", [])):
                if ("amount" in fee) == ("amount_text" in fee):
                    fail(("channels", index, "fees", f_index),
                         "mỗi khoản phí ghi đúng một trong hai: amount (số đồng) hoặc amount_text (mức thu bằng chữ)")
        legal = []
        for index, item in enumerate(data["legal_basis"]):
            try:
                legal.append(LegalDoc(item["number"].strip(), item["title"].strip(), parse_datetime(item["date"]),
                                      item["issuer"].strip()))
            except DateError as error:
                fail(("legal_basis", index, "date"), str(error))
        dossier = self._dossier(path, data["dossier"], fail)
        if len(self.errors) > before:
            return None

        return Procedure(
            source=source,
            abs_path=path,
            slug=slug,
            code=code,
            level=data["level"],
            name=" ".join(data["name"].split()),
            type=data["type"].strip(),
            field=field,
            stated_status=status,
            steps=_step_groups(data),
            channels=tuple(_channel(c) for c in data["channels"]),
            dossier_sets=data["dossier"]["sets"],
            dossier=dossier,
            dossier_note=data["dossier"].get("note", "").strip(),
            subjects=tuple(s.strip() for s in data["subjects"]),
            agencies={k: v.strip() for k, v in data["agencies"].items() if v.strip()},
            receiving_address=data["receiving_address"].strip(),
            results=tuple(r.strip() for r in data["results"]),
            conditions=tuple(c.strip() for c in data.get("conditions") or ()),
            legal_basis=tuple(legal),
            workflow=tuple(
                WorkflowStep(w["content"].strip(), w["unit"].strip(), Duration(**w["time"]))
                for w in data.get("internal_workflow") or ()
            ),
            online_level=data["online"]["level"],
            online_url=data["online"].get("url"),
            replaced_by_keys=tuple(data.get("replaced_by", ())),
            aliases=tuple(data.get("aliases", ())),
        )

    def _dossier(self, path: Path, data: dict, fail) -> tuple[DossierCase, ...]:
        cases = []
        for c_index, case in enumerate(data["cases"]):
            documents = []
            for d_index, item in enumerate(case["documents"]):
                form = None
                if "form" in item:
                    target = (path.parent / item["form"]).resolve()
                    folder = (self.content_dir / "tthc").resolve()
                    if not target.is_relative_to(folder):
                        fail(("dossier", "cases", c_index, "documents", d_index, "form"),
                             "tệp mẫu phải nằm trong thư mục content/tthc/ (ví dụ mau/don-de-nghi.docx)")
                    elif not target.is_file():
                        fail(("dossier", "cases", c_index, "documents", d_index, "form"),
                             f"không tìm thấy tệp mẫu “{item['form']}” (tìm ở {display_path(target, self.root)})")
                    else:
                        form = "tthc/" + target.relative_to(folder).as_posix()
                documents.append(Document(
                    name=item["name"].strip(), originals=item["originals"], copies=item["copies"], form=form,
                    form_name=item.get("form_name", "").strip(), note=item.get("note", "").strip(),
                ))
            cases.append(DossierCase(case.get("case", "").strip(), tuple(documents)))
        if len(cases) > 1 and any(not case.case for case in cases):
            fail(("dossier", "cases"), "có nhiều trường hợp thì mỗi trường hợp cần ghi case (tên trường hợp)")
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
                self._error(procedure, ("code",), f"trùng {what} với {other.source}; mỗi mã + cấp chỉ một tệp")
            for key in filter(None, (procedure.code, procedure.national_code, procedure.slug,
                                     procedure.abs_path.stem)):
                keys.setdefault(key, procedure)
        for procedure in procedures:
            for alias in procedure.aliases:
                if alias in by_url or alias in RESERVED:
                    self._error(procedure, ("aliases",), f"đường dẫn cũ “{alias}” đang được dùng cho trang khác")
                else:
                    by_url[alias] = procedure
        self.index = keys

    def _error(self, procedure: Procedure, path: tuple, message: str) -> None:
        self.errors.append(self.error_at(procedure, path, message))

    def error_at(self, procedure: Procedure, path: tuple, message: str) -> ContentError:
        """An error pointing into a loaded record, for checks made by later loaders."""
        line = self._lines[procedure.source].line_of(path)
        return ContentError(procedure.source, line, schema.dotted(path), message)


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

