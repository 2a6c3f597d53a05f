"""Decap CMS configuration generated from the validator's JSON Schemas.

Every form field comes from a schema property: its title is the label, its
description the help text, ``required`` decides what may stay empty, and
length, pattern, enum and item-count rules become the form's own checks. So
the web form and ``python -m cchc check`` cannot disagree about what a field
is; two annotations in the schemas carry what JSON Schema cannot say:

``x-cms-widget``   the input to use (datetime, date, text, markdown, image, file)
``x-cms-options``  choices from the content: categories, fields or procedures
"""

from __future__ import annotations

from typing import Any

from cchc.core import layout
from cchc.core.schema import load_schema
from cchc.core.settings import Settings
from cchc.core.terms import TermIndex
from cchc.tthc.model import CHANGE_TYPES, CHANNELS, FEE_KINDS, LEVELS, OLD_ONLINE, ONLINE, STATUSES, UNITS

# Labels for every enum value in the schemas (a test keeps this complete).
ENUM_LABELS: dict[str, str] = {
    **LEVELS, **CHANNELS, **ONLINE, **OLD_ONLINE, **STATUSES, **UNITS, **FEE_KINDS,
    **CHANGE_TYPES,
}

DATE_FORMATS = {
    "datetime": {"format": "YYYY-MM-DD HH:mm", "date_format": "DD/MM/YYYY", "time_format": "HH:mm"},
    "date": {"format": "YYYY-MM-DD", "date_format": "DD/MM/YYYY", "time_format": False},
}

# Where the local backend (decap-server, started by `make edit`) listens; its port is extra.editor.local_port.
LOCAL_HOST = "127.0.0.1"

FORMS = layout.FORMS_DIR.removeprefix(f"{layout.TTHC_DIR}/")
NEWS_SLUG_LENGTH = 70  # characters of the title kept in a new post's file name (and URL)


class SchemaForm:
    """Turns one schema into Decap field definitions."""

    def __init__(self, schema_name: str, choices: dict[str, list[dict[str, str]]]):
        self.schema = load_schema(schema_name)
        self.choices = choices

    def fields(self, node: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        node = node or self.schema
        required = set(node.get("required", ()))
        return [self.field(name, prop, name in required) for name, prop in node.get("properties", {}).items()]

    def _resolve(self, prop: dict[str, Any]) -> dict[str, Any]:
        if "$ref" not in prop:
            return prop
        target: Any = self.schema
        for part in prop["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return {**target, **{k: v for k, v in prop.items() if k != "$ref"}}

    def field(self, name: str, prop: dict[str, Any], required: bool) -> dict[str, Any]:
        prop = self._resolve(prop)
        out: dict[str, Any] = {"name": name, "label": prop.get("title", name)}
        # A choice list shows labels, so a description spelling out the stored values is noise there.
        if prop.get("description") and "enum" not in prop and "x-cms-options" not in prop:
            out["hint"] = prop["description"]
        if not required:
            out["required"] = False
        out.update(self.widget(prop))
        return out

    def widget(self, prop: dict[str, Any]) -> dict[str, Any]:
        kinds = prop.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        options = prop.get("x-cms-options")
        if options:
            return self._choice(options, multiple="array" in kinds, prop=prop)
        if "enum" in prop:
            return {"widget": "select", "options": [{"label": ENUM_LABELS[v], "value": v} for v in prop["enum"]]}
        if "array" in kinds:
            return self._list(prop, free_text="string" in kinds)
        if "object" in kinds:
            return {"widget": "object", "collapsed": False, "fields": self.fields(prop)}
        if "integer" in kinds or "number" in kinds:
            out = {"widget": "number", "value_type": "int" if "integer" in kinds else "float"}
            out.update({key: prop[rule] for rule, key in (("minimum", "min"), ("maximum", "max")) if rule in prop})
            return out
        if "boolean" in kinds:
            return {"widget": "boolean", "default": False}
        widget = prop.get("x-cms-widget", "string")
        out = {"widget": "datetime" if widget in DATE_FORMATS else widget, **DATE_FORMATS.get(widget, {})}
        if widget in ("image", "file"):
            out["choose_url"] = False
        pattern = _pattern(prop)
        if pattern:
            out["pattern"] = pattern
        return out

    def _list(self, prop: dict[str, Any], free_text: bool) -> dict[str, Any]:
        items = self._resolve(prop.get("items", {}))
        out: dict[str, Any] = {"widget": "list"}
        if items.get("title"):  # "Thêm bước" rather than "Thêm trình tự thực hiện"
            out["label_singular"] = items["title"][0].lower() + items["title"][1:]
        if "minItems" in prop:
            out["min"] = prop["minItems"]
        if items.get("type") == "object":
            out.update(collapsed=False, fields=self.fields(items))
            first_text = next((k for k, v in items.get("properties", {}).items() if v.get("type") == "string"), None)
            if first_text:
                out["summary"] = f"{{{{fields.{first_text}}}}}"
        elif not free_text:
            # One input per item: a comma inside a step or a document name must stay in it.
            out["field"] = {"name": "item", "label": items.get("title", prop.get("title", "Mục")), **self.widget(items)}
        return out

    def _choice(self, source: str, multiple: bool, prop: dict[str, Any]) -> dict[str, Any]:
        if source == "procedures":
            # Live from the records, so a procedure created in the same session can be chosen.
            out = {"widget": "relation", "collection": "thu-tuc", "value_field": "code",
                   "search_fields": ["code", "name"], "display_fields": ["code", "name"]}
        else:
            out = {"widget": "select", "options": self.choices[source]}
        if multiple:
            out["multiple"] = True
            if "minItems" in prop:
                out["min"] = prop["minItems"]
        return out


def _pattern(prop: dict[str, Any]) -> list[str] | None:
    """Decap's [regex, message] pair for a text field's pattern or length rules."""
    if "pattern" in prop:
        hint = prop.get("description") or "xem hướng dẫn của trường"
        return [prop["pattern"], f"Không đúng định dạng: {hint}"]
    low, high = prop.get("minLength"), prop.get("maxLength")
    if low is None and high is None:
        return None
    regex = rf"^[\s\S]{{{low or 0},{high or ''}}}$"
    if high is None:
        return [regex, f"Cần ít nhất {low} ký tự"]
    return [regex, f"Cần từ {low or 0} đến {high} ký tự"]


def term_options(terms: TermIndex) -> list[dict[str, str]]:
    return [{"label": term.name, "value": term.slug} for term in terms]


def cms_config(settings: Settings, categories: TermIndex, fields: TermIndex) -> dict[str, Any]:
    """The whole Decap configuration (written as /admin/config.yml)."""
    choices = {"categories": term_options(categories), "fields": term_options(fields)}
    editor = settings.editor
    backend: dict[str, Any] = {
        "name": "github",
        "repo": editor.repo,
        "branch": editor.branch,
        "commit_messages": {
            "create": "Thêm {{collection}} “{{slug}}”",
            "update": "Sửa {{collection}} “{{slug}}”",
            "delete": "Xoá {{collection}} “{{slug}}”",
            "uploadMedia": "Tải lên “{{path}}”",
            "deleteMedia": "Xoá tệp “{{path}}”",
        },
    }
    for key in ("base_url", "auth_endpoint"):
        if getattr(editor, key):
            backend[key] = getattr(editor, key)
    no_preview = {"preview": False}  # the site's look is checked with `make edit`'s live preview instead
    post = SchemaForm("post", choices)
    return {
        "backend": backend,
        # Used only when the editor itself is opened from this machine (make edit).
        "local_backend": {"url": f"http://{LOCAL_HOST}:{editor.local_port}/api/v1", "allowed_hosts": [LOCAL_HOST]},
        "locale": "vi",
        "site_url": settings.site_url,
        "display_url": settings.site_url,
        "logo_url": "../" + layout.LOGO,
        "media_folder": f"{layout.CONTENT}/{layout.MEDIA_DIR}",
        "public_folder": "/" + layout.MEDIA.rstrip("/"),
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [
            {
                "name": "tin-tuc", "label": "Tin tức", "label_singular": "tin bài",
                "description": "Tin bài cải cách hành chính. Ngày đăng trong tương lai: tin tự đăng vào ngày đó.",
                "folder": f"{layout.CONTENT}/{layout.NEWS_DIR}", "extension": "md", "format": "frontmatter", "create": True,
                # content/news/<yyyy>/<yyyy-mm-dd>-<slug>.md, the layout the loader expects.
                "path": "{{year}}/{{year}}-{{month}}-{{day}}-{{slug}}",
                "slug": f"{{{{slug | truncate({NEWS_SLUG_LENGTH}, '')}}}}",
                "media_folder": "", "public_folder": "",  # images sit beside the post
                "identifier_field": "title",
                "summary": "{{date | date('DD/MM/YYYY')}} – {{title}}",
                "sortable_fields": ["date", "title"],
                "view_groups": [{"label": "Năm", "field": "date", "pattern": r"\d{4}"}],
                "editor": no_preview,
                "fields": _with_default(post.fields(), "date", "{{now}}") + [{"name": "body", "label": "Nội dung", "widget": "markdown",
                                            "hint": "Viết nội dung tin; ảnh chèn vào bài cần có mô tả."}],
            },
            {
                "name": "thu-tuc", "label": "Thủ tục hành chính", "label_singular": "thủ tục",
                "description": "Mỗi thủ tục một hồ sơ, theo thứ tự các phần trên Cổng Dịch vụ công quốc gia.",
                "folder": f"{layout.CONTENT}/{layout.TTHC_DIR}", "extension": "yml", "format": "yml", "create": True,
                "slug": f"{{{{slug | truncate({NEWS_SLUG_LENGTH}, '')}}}}",
                "identifier_field": "name", "summary": "{{code}} {{name}}",
                "sortable_fields": ["code", "name"],
                # Form templates in content/tthc/mau/, relative to the records.
                "media_folder": FORMS, "public_folder": FORMS,
                "editor": no_preview,
                "fields": SchemaForm("tthc", choices).fields(),
            },
            {
                "name": "quyet-dinh", "label": "Quyết định công bố", "label_singular": "quyết định",
                "description": "Quyết định công bố thủ tục mới, sửa đổi, thay thế, bãi bỏ; tạo nhật ký thay đổi.",
                "folder": f"{layout.CONTENT}/{layout.DECISIONS_DIR}", "extension": "yml", "format": "yml", "create": True,
                "slug": "{{number}}", "identifier_field": "number", "summary": "{{number}} – {{title}}",
                "sortable_fields": ["signed", "number"],
                "media_folder": "", "public_folder": "",  # the PDF sits beside the decision
                "editor": no_preview,
                "fields": SchemaForm("decision", choices).fields(),
            },
            {
                "name": "cau-hinh", "label": "Danh mục và hỏi – đáp", "editor": no_preview,
                "files": [
                    _list_file("chuyen-muc", "Chuyên mục tin tức", f"{layout.CONTENT}/{layout.CATEGORIES_FILE}", "categories", choices),
                    _list_file("linh-vuc", "Lĩnh vực thủ tục", f"{layout.CONTENT}/{layout.FIELDS_FILE}", "fields", choices),
                    _list_file("hoi-dap", "Hỏi – đáp", f"{layout.CONTENT}/{layout.QA_FILE}", "qa", choices),
                ],
            },
        ],
    }


def _with_default(fields: list[dict[str, Any]], name: str, value: Any) -> list[dict[str, Any]]:
    return [{**f, "default": value} if f["name"] == name else f for f in fields]


def _list_file(name: str, label: str, file: str, schema_name: str, choices: dict) -> dict[str, Any]:
    return {"name": name, "label": label, "file": file, "fields": SchemaForm(schema_name, choices).fields()}

