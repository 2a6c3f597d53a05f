"""Sveltia CMS configuration generated from the validator's JSON Schemas.

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
from urllib.parse import urlsplit

from cchc.core import layout
from cchc.core.files import ALLOWED
from cchc.core.schema import load_schema, rule_text
from cchc.core.settings import EditorSettings, Settings
from cchc.core.terms import TermIndex
from cchc.tthc.model import CHANGE_TYPES, CHANNELS, FEE_KINDS, LEVELS, OLD_ONLINE, ONLINE, STATUSES, UNITS

# Labels for every enum value in the schemas (a test keeps this complete).
ENUM_LABELS: dict[str, str] = {
    **LEVELS, **CHANNELS, **ONLINE, **OLD_ONLINE, **STATUSES, **UNITS, **FEE_KINDS,
    **CHANGE_TYPES,
}

# Stored as the loaders read them, Vietnam wall time without a zone (cchc.core.dates). The inputs
# are the browser's own (<input type="datetime-local">, "date"), which show the date in the order
# of the browser's language (DD/MM/YYYY in Vietnamese); the lists show it with date('DD/MM/YYYY').
DATE_FORMATS = {
    "datetime": {"format": "YYYY-MM-DD HH:mm"},
    "date": {"format": "YYYY-MM-DD", "type": "date"},
}

FORMS = layout.FORMS_DIR.removeprefix(f"{layout.TTHC_DIR}/")
SLUG_LENGTH = 70  # characters of the title kept in a new post's or record's file name (and URL)
NEWS_PATH = "{{fields.date | date('YYYY')}}/{{fields.date | date('YYYY-MM-DD')}}-{{slug}}"


class CmsConfig(dict):
    """The configuration (config.yml), and the port of `make edit`'s local backend, which is not in it."""

    def __init__(self, config: dict[str, Any], local_port: int):
        super().__init__(config)
        self.local_port = local_port


class SchemaForm:
    """Turns one schema into Sveltia field definitions."""

    def __init__(self, schema_name: str, choices: dict[str, list[dict[str, str]]]):
        self.schema = load_schema(schema_name)
        self.choices = choices

    def fields(self, node: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        node = node or self.schema
        required = set(node.get("required", ()))
        # x-cms-hidden: a key the files may carry that no editor sets (the demo content's own mark).
        return [self.field(name, prop, name in required) for name, prop in node.get("properties", {}).items()
                if not prop.get("x-cms-hidden")]

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
            # The picker offers only what the site publishes (cchc.core.files), so a .svg or .exe
            # is never uploaded only to be refused by `make check`.
            out["accept"] = ",".join(ext for ext in ALLOWED if widget == "file" or ALLOWED[ext].label.startswith("ảnh"))
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
    """The [regex, message] pair of a text field's pattern or length rules, in `make check`'s words."""
    if "pattern" in prop:
        return [prop["pattern"], _sentence(rule_text("pattern", prop))]
    low, high = prop.get("minLength"), prop.get("maxLength")
    if low is None and high is None:
        return None
    regex = rf"^[\s\S]{{{low or 0},{high or ''}}}$"
    if high is None or low is None:
        return [regex, _sentence(rule_text("minLength" if high is None else "maxLength", prop))]
    # One message for both bounds (a regex cannot tell which failed): "cần ít nhất 5 ký tự, tối đa 250 ký tự".
    return [regex, _sentence(", ".join(rule_text(kind, prop).split(": ", 1)[1] for kind in ("minLength", "maxLength")))]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def term_options(terms: TermIndex) -> list[dict[str, str]]:
    return [{"label": term.name, "value": term.slug} for term in terms]


COMMIT_MESSAGES = {
    "create": "Thêm {{collection}} “{{slug}}”",
    "update": "Sửa {{collection}} “{{slug}}”",
    "delete": "Xoá {{collection}} “{{slug}}”",
    "uploadMedia": "Tải lên “{{path}}”",
    "deleteMedia": "Xoá tệp “{{path}}”",
}


API_PATHS = {"gitlab": "/api/v4", "gitea": "/api/v1"}  # a self-hosted server's API, below its address


def _server(api_root: str) -> str:
    """A self-hosted GitLab's or Gitea's address from its API's: https://git.x.vn/api/v1 → https://git.x.vn."""
    parts = urlsplit(api_root)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/').rpartition('/api/')[0]}"


def backend_config(editor: EditorSettings) -> dict[str, Any]:
    """Sveltia's backend block: the repository, and the sign-in methods the settings make possible.

    An access token always works. GitLab and Gitea/Forgejo: ``base_url`` is the server (with its API
    at ``api_root``, each found from the other when one is missing); with ``app_id`` the sign-in
    button uses PKCE at that server. GitHub: ``base_url`` is an OAuth relay, the only way to a
    sign-in button there. Without a way to sign in with a button, the button is hidden: it would go
    to Netlify's or gitlab.com's sign-in with no application behind it.
    """
    backend: dict[str, Any] = {"name": editor.backend, "repo": editor.repo, "branch": editor.branch}
    server, api_root = editor.base_url.rstrip("/"), editor.api_root
    if editor.backend in API_PATHS:
        server = server or (_server(api_root) if api_root else "")
        api_root = api_root or (server + API_PATHS[editor.backend] if server else "")
    if api_root:
        backend["api_root"] = api_root
    if server:
        backend["base_url"] = server
    if editor.backend == "github" and server or editor.backend in API_PATHS and editor.app_id:
        if editor.backend == "gitlab":
            backend["auth_type"] = "pkce"
        if editor.app_id:
            backend["app_id"] = editor.app_id
        if editor.auth_endpoint:
            backend["auth_endpoint"] = editor.auth_endpoint
    else:
        backend["auth_methods"] = ["token"]
    backend["commit_messages"] = dict(COMMIT_MESSAGES)
    return backend


def cms_config(settings: Settings, categories: TermIndex, fields: TermIndex) -> CmsConfig:
    """The whole Sveltia configuration (written as /admin/config.yml).

    No ``locale``: Sveltia ignores it (its interface follows the browser's language or the editor's
    choice); admin/khoi-dong.js makes Vietnamese the default. Nor ``local_backend``: `make edit`
    is a Gitea-compatible server that khoi-dong.js points the editor at (cchc.editor.admin).
    """
    choices = {"categories": term_options(categories), "fields": term_options(fields)}
    no_preview = {"preview": False}  # the site's look is checked with `make edit`'s live preview instead
    post = SchemaForm("post", choices)
    return CmsConfig({
        "backend": backend_config(settings.editor),
        "app_title": f"Biên tập nội dung – {settings.department.name}",
        "site_url": settings.site_url,
        "display_url": settings.site_url,
        "logo_url": "../" + layout.LOGO,
        "media_folder": f"{layout.CONTENT}/{layout.MEDIA_DIR}",
        "public_folder": "/" + layout.MEDIA.rstrip("/"),
        # ASCII file names and URLs; cut at SLUG_LENGTH characters (Sveltia's truncate() wants a
        # non-empty ellipsis, so this is the option that does it).
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-", "maxlength": SLUG_LENGTH},
        # “Kế hoạch số 12.pdf” is uploaded as ke-hoach-so-12.pdf: a name with spaces breaks its link
        # when pasted into Zalo, and `make check` refuses it.
        "media_libraries": {"default": {"config": {"slugify_filename": True}}},
        "collections": [
            {
                "name": "tin-tuc", "label": "Tin tức", "label_singular": "tin bài",
                "description": "Tin bài cải cách hành chính. Ngày đăng trong tương lai: tin tự đăng vào ngày đó.",
                "folder": f"{layout.CONTENT}/{layout.NEWS_DIR}", "extension": "md", "format": "frontmatter", "create": True,
                # content/news/<yyyy>/<yyyy-mm-dd>-<slug>.md, the layout the loader expects, from the
                # post's own date (Vietnam time as typed), not the moment of saving (UTC in Sveltia).
                "path": NEWS_PATH,
                "slug": "{{slug}}",
                "media_folder": "", "public_folder": "",  # images sit beside the post
                "identifier_field": "title",
                "summary": "{{date | date('DD/MM/YYYY')}} – {{title}}",
                # Newest first (Sveltia would sort by the summary's text, day first).
                "sortable_fields": {"fields": ["date", "title"], "default": {"field": "date", "direction": "descending"}},
                "view_groups": [{"label": "Năm", "field": "date", "pattern": r"\d{4}"}],
                "editor": no_preview,
                "fields": _with_default(post.fields(), "date", "{{now}}") + [{"name": "body", "label": "Nội dung", "widget": "markdown",
                                            "hint": "Viết nội dung tin; ảnh chèn vào bài cần có mô tả."}],
            },
            {
                "name": "thu-tuc", "label": "Thủ tục hành chính", "label_singular": "thủ tục",
                "description": "Mỗi thủ tục một hồ sơ, theo thứ tự các phần trên Cổng Dịch vụ công quốc gia.",
                "folder": f"{layout.CONTENT}/{layout.TTHC_DIR}", "extension": "yml", "format": "yml", "create": True,
                "slug": "{{slug}}",
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
                "sortable_fields": {"fields": ["signed", "number"], "default": {"field": "signed", "direction": "descending"}},
                "media_folder": "", "public_folder": "",  # the PDF sits beside the decision
                "editor": no_preview,
                "fields": SchemaForm("decision", choices).fields(),
            },
            {
                "name": "ket-qua", "label": "Kết quả giải quyết", "label_singular": "tháng",
                "description": "Số liệu báo cáo tháng về tiếp nhận, giải quyết hồ sơ; trang /tthc/ket-qua/ vẽ biểu đồ "
                               "từ đây. Có thể nhập thẳng từ bảng tính bằng make import-ket-qua.",
                "folder": f"{layout.CONTENT}/{layout.RESULTS_DIR}", "extension": "yml", "format": "yml", "create": True,
                # The loader reads the month from the file name: <yyyy>-<mm>.yml, from the month typed in the form.
                "slug": "{{period}}", "identifier_field": "period", "summary": "Tháng {{period}}",
                "sortable_fields": {"fields": ["period"], "default": {"field": "period", "direction": "descending"}},
                "editor": no_preview,
                "fields": _required(SchemaForm("results", choices).fields(), "period"),
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
    }, local_port=settings.editor.local_port)


def _required(fields: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """``name`` required in the form though optional in the file (a file imported or typed by hand may omit it)."""
    return [{k: v for k, v in f.items() if k != "required"} if f["name"] == name else f for f in fields]


def _with_default(fields: list[dict[str, Any]], name: str, value: Any) -> list[dict[str, Any]]:
    return [{**f, "default": value} if f["name"] == name else f for f in fields]


def _list_file(name: str, label: str, file: str, schema_name: str, choices: dict) -> dict[str, Any]:
    return {"name": name, "label": label, "file": file, "fields": SchemaForm(schema_name, choices).fields()}

