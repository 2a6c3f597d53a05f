"""The web editor's configuration is the validator's schemas, field for field, and valid for Sveltia CMS."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml
from conftest import ROOT
from jsonschema import Draft7Validator

from cchc.core.errors import ContentErrors
from cchc.core.layout import NODE_MODULES
from cchc.core.schema import load_schema
from cchc.core.settings import EditorSettings, Settings, read_mkdocs_config
from cchc.editor.admin import LOCAL_CONFIG, dump_config, local_config
from cchc.editor.cms import ENUM_LABELS, backend_config, cms_config

SVELTIA_SCHEMA = NODE_MODULES / "@sveltia" / "cms" / "schema" / "sveltia-cms.json"

SCHEMAS = {"tin-tuc": "post", "thu-tuc": "tthc", "quyet-dinh": "decision", "ket-qua": "results",
           "chuyen-muc": "categories", "linh-vuc": "fields", "hoi-dap": "qa"}


@pytest.fixture(scope="module")
def config(demo_content):
    return cms_config(demo_content.settings, demo_content.news.categories, demo_content.tthc.fields)


def _forms(config):
    for collection in config["collections"]:
        if "files" in collection:
            for file in collection["files"]:
                yield file["name"], file["fields"]
        else:
            yield collection["name"], collection["fields"]


def _resolve(schema, prop):
    if "$ref" in prop:
        target = schema
        for part in prop["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return {**target, **prop}
    return prop


def _compare(schema, node, fields, where):
    """Same fields, same order, same required-ness, all the way down."""
    props = {name: prop for name, prop in node.get("properties", {}).items() if not prop.get("x-cms-hidden")}
    assert [f["name"] for f in fields if f["name"] != "body"] == list(props), where
    for field in fields:
        if field["name"] == "body":
            continue
        prop = _resolve(schema, props[field["name"]])
        # The one exception on purpose: the month names the file in the form (cchc.editor.cms).
        required = field["name"] in node.get("required", ()) or f"{where}.{field['name']}" == "ket-qua.period"
        assert field.get("required", True) == required, f"{where}.{field['name']}"
        assert field["label"] == prop.get("title", field["name"])
        items = _resolve(schema, prop.get("items", {}))
        if "fields" in field:
            _compare(schema, items if field["widget"] == "list" else prop, field["fields"], f"{where}.{field['name']}")


def test_every_schema_field_is_in_the_form(config):
    forms = dict(_forms(config))
    assert set(forms) == set(SCHEMAS)
    for form, schema_name in SCHEMAS.items():
        schema = load_schema(schema_name)
        _compare(schema, schema, forms[form], form)
    assert forms["tin-tuc"][-1]["widget"] == "markdown"  # the post body


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_every_choice_has_a_vietnamese_label():
    for name in set(SCHEMAS.values()):
        for node in _walk(load_schema(name)):
            for value in node.get("enum", []) if isinstance(node.get("enum"), list) else []:
                assert value in ENUM_LABELS, f"{name}: {value}"


def test_choices_come_from_the_content(config, demo_content):
    fields = {f["name"]: f for f in config["collections"][0]["fields"]}
    assert [o["value"] for o in fields["category"]["options"]] == [c.slug for c in demo_content.news.categories]
    record = {f["name"]: f for f in config["collections"][1]["fields"]}
    assert [o["value"] for o in record["field"]["options"]] == [f.slug for f in demo_content.tthc.fields]
    assert record["replaced_by"]["widget"] == "relation" and record["replaced_by"]["multiple"]


def _patterns(config):
    for node in _walk(config):
        if "pattern" in node and isinstance(node["pattern"], list):
            yield node["pattern"][0]


def test_form_patterns_accept_exactly_what_the_validator_accepts(config):
    post = load_schema("post")
    title = next(f for f in config["collections"][0]["fields"] if f["name"] == "title")
    regex = re.compile(title["pattern"][0])
    validator = Draft7Validator(post["properties"]["title"])
    for text in ("Tin", "Tin 5", "x" * 250, "x" * 251, "Dòng một\ndòng hai"):
        assert bool(regex.search(text)) == validator.is_valid(text), text
    code = next(f for f in config["collections"][1]["fields"] if f["name"] == "code")
    assert code["pattern"][0] == load_schema("tthc")["properties"]["code"]["pattern"]


def test_form_patterns_are_valid_javascript(config):
    patterns = sorted(set(_patterns(config)))
    assert len(patterns) > 10
    script = "for (const p of JSON.parse(process.argv[1])) new RegExp(p, 'u');"
    result = subprocess.run(["node", "-e", script, json.dumps(patterns)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_collections_write_where_the_loaders_read(config):
    news, records, decisions, results, lists = config["collections"]
    # The file name from the post's own date field (as typed, Vietnam time), not the moment of saving.
    assert news["folder"] == "content/news"
    assert news["path"] == "{{fields.date | date('YYYY')}}/{{fields.date | date('YYYY-MM-DD')}}-{{slug}}"
    assert news["format"] == "frontmatter" and news["media_folder"] == ""
    assert records["folder"] == "content/tthc" and records["extension"] == "yml"
    assert decisions["folder"] == "content/tthc/quyet-dinh"
    # <yyyy>-<mm>.yml from the month typed in the form (optional in a file, required in the form).
    assert results["folder"] == "content/ket-qua" and results["slug"] == "{{period}}"
    (period,) = [f for f in results["fields"] if f["name"] == "period"]
    assert "required" not in period and period["pattern"][0] == "^[0-9]{4}-[0-9]{2}$"
    (rows,) = [f for f in results["fields"] if f["name"] == "fields"]
    assert rows["fields"][0]["widget"] == "select"  # the fields of content/linh-vuc.yml, by slug
    assert "demo" not in [f["name"] for f in results["fields"]]  # the demo content's mark, never an editor's
    assert [f["file"] for f in lists["files"]] == ["content/categories.yml", "content/linh-vuc.yml", "content/hoi-dap.yml"]
    assert config["backend"] == {**config["backend"], "name": "github", "repo": "so-y-te-hoa-an/trang-cchc",
                                 "branch": "main"}
    assert all("{{" not in message or "“" in message for message in config["backend"]["commit_messages"].values())
    # Sveltia ignores both (admin/khoi-dong.js sets the language and the local backend).
    assert "locale" not in config and "local_backend" not in config
    assert config.local_port == 8081
    assert config["slug"]["maxlength"] == 70 and news["slug"] == "{{slug}}"


def test_dates_are_stored_as_the_loaders_read_them(config):
    fields = {f["name"]: f for f in config["collections"][0]["fields"]}
    assert fields["date"]["widget"] == "datetime" and fields["date"]["format"] == "YYYY-MM-DD HH:mm"
    assert fields["date"]["default"] == "{{now}}"
    dates = [f for f in _walk(config) if f.get("widget") == "datetime" and f.get("type") == "date"]
    assert dates and all(f["format"] == "YYYY-MM-DD" for f in dates)
    # Decap's display options mean storage formats in Sveltia: never beside `format`.
    assert not [f for f in _walk(config) if f.get("widget") == "datetime" and ("date_format" in f or "time_format" in f)]


def test_demo_site_publishes_the_editor(demo_site, config):
    admin = demo_site / "admin"
    assert yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8")) == config
    assert (admin / "config.yml").read_text(encoding="utf-8") == dump_config(config)
    assert json.loads((admin / LOCAL_CONFIG).read_text(encoding="utf-8")) == local_config(config, 8081)
    html = (admin / "index.html").read_text(encoding="utf-8")
    assert '<script type="module" src="khoi-dong.js"></script>' in html and "noindex" in html
    assert not re.search(r"(src|href)=\"https?://", html)
    assert (admin / "khoi-dong.js").read_bytes() == (ROOT / "cchc/editor/khoi-dong.js").read_bytes()
    assert (admin / "sveltia-cms.js").stat().st_size > 1_000_000
    assert list(admin.glob("assets/*.woff2")) and not list(admin.rglob("*.map"))
    # Sveltia is not in git; it comes from the pinned npm package, bundled by make.
    tracked = subprocess.run(["git", "ls-files", "docs", "overrides"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "sveltia" not in tracked


# -- Sveltia's own schema (node_modules/@sveltia/cms/schema), which it also checks at start-up ------

@pytest.fixture(scope="module")
def sveltia_schema():
    return Draft7Validator(json.loads(SVELTIA_SCHEMA.read_text(encoding="utf-8")))


def _errors(validator, config):
    """Sveltia's checks on a configuration as YAML or JSON gives it: unknown keys, wrong types, missing keys."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
            for e in validator.iter_errors(json.loads(json.dumps(config)))]


def test_the_configuration_is_valid_for_sveltia(config, sveltia_schema):
    assert _errors(sveltia_schema, config) == []
    assert _errors(sveltia_schema, local_config(config, 8081)) == []
    assert _errors(sveltia_schema, {**config, "locale": "vi"})  # the schema does reject what Sveltia does not know


def _editor(**values):
    return EditorSettings(**{"repo": "so-y-te/noi-dung", **values})


@pytest.mark.parametrize(("settings", "expected"), [
    # No relay, no OAuth application: an access token, and no OAuth button that would lead nowhere.
    (_editor(), {"name": "github", "auth_methods": ["token"]}),
    (_editor(base_url="https://dang-nhap.example.vn", auth_endpoint="auth"),
     {"name": "github", "base_url": "https://dang-nhap.example.vn", "auth_endpoint": "auth"}),
    (_editor(backend="gitlab", app_id="abc123"), {"name": "gitlab", "auth_type": "pkce", "app_id": "abc123"}),
    (_editor(backend="gitlab", app_id="abc123", api_root="https://git.syt.example.vn/api/v4"),
     {"name": "gitlab", "auth_type": "pkce", "app_id": "abc123", "api_root": "https://git.syt.example.vn/api/v4",
      "base_url": "https://git.syt.example.vn"}),
    (_editor(backend="gitea", app_id="abc123", api_root="https://git.syt.example.vn/gitea/api/v1"),
     {"name": "gitea", "app_id": "abc123", "api_root": "https://git.syt.example.vn/gitea/api/v1",
      "base_url": "https://git.syt.example.vn/gitea"}),
    (_editor(backend="gitea", api_root="https://codeberg.org/api/v1"),
     {"name": "gitea", "api_root": "https://codeberg.org/api/v1", "base_url": "https://codeberg.org",
      "auth_methods": ["token"]}),
    # The guide's self-hosted examples: the server and its API, with or without the sign-in button.
    (_editor(backend="gitlab", base_url="https://git.tinh.gov.vn/"),
     {"name": "gitlab", "base_url": "https://git.tinh.gov.vn", "api_root": "https://git.tinh.gov.vn/api/v4",
      "auth_methods": ["token"]}),
    (_editor(backend="gitea", base_url="https://git.tinh.gov.vn", api_root="https://git.tinh.gov.vn/api/v1",
             app_id="3f9c"),
     {"name": "gitea", "base_url": "https://git.tinh.gov.vn", "api_root": "https://git.tinh.gov.vn/api/v1",
      "app_id": "3f9c"}),
])
def test_each_backend_signs_in_without_a_server_of_ours(settings, expected, config, sveltia_schema):
    backend = backend_config(settings)
    assert {k: v for k, v in backend.items() if k not in ("repo", "branch", "commit_messages")} == expected
    assert backend["commit_messages"]["create"].startswith("Thêm ")
    assert _errors(sveltia_schema, {**config, "backend": backend}) == []


def test_settings_that_cannot_sign_in_are_refused(tmp_path):
    extra = read_mkdocs_config(ROOT / "mkdocs.yml", ROOT)["extra"]
    for editor, field in [({"backend": "github", "app_id": "abc"}, "extra.editor.app_id"),
                          ({"backend": "bitbucket"}, "extra.editor.backend"),
                          ({"api_root": "https://x.vn;script-src *"}, "extra.editor.api_root")]:
        with pytest.raises(ContentErrors) as caught:
            Settings.from_extra({**extra, "editor": editor}, tmp_path, "https://x.example.vn/")
        assert [error.field for error in caught.value.errors] == [field], editor


def test_what_the_editor_writes_loads_as_typed(project):
    """Sveltia writes YAML 1.2, unquoted, with cleared optional fields left empty."""
    project.write("content/news/2026/2026-11-20-tong-dai.md", """\
        ---
        title: "Tổng đài: trực từ 7:30"
        date: 2026-11-20 08:30
        category: chuyen-doi-so
        summary: Tổng đài hỗ trợ thủ tục hành chính trực cả sáng thứ Bảy.
        image: ""
        image_alt: ""
        tags:
          - no
          - on
          - 7:30
        author: ""
        draft: false
        ---
        Nội dung.
        """)
    (post,) = project.content().news.posts
    assert post.tags == ["no", "on", "7:30"] and post.image is None and post.date.hour == 8


def test_editor_guide_is_published_for_staff_only(demo_site):
    guide = (demo_site / "huong-dan/index.html").read_text(encoding="utf-8")
    assert "<h1" in guide and "Hướng dẫn biên tập" in guide and "make edit" in guide
    assert '<meta name="robots" content="noindex, nofollow">' in guide
    assert "data-pagefind-body" not in guide  # Pagefind indexes only pages that mark their body
    post = next((demo_site / "tin-tuc").glob("*/*/index.html")).read_text(encoding="utf-8")
    assert "data-pagefind-body" in post
    assert "huong-dan" not in (demo_site / "sitemap.xml").read_text(encoding="utf-8")
    for page in (demo_site / "index.html", demo_site / "tin-tuc/index.html", demo_site / "tthc/index.html"):
        assert "huong-dan/" not in page.read_text(encoding="utf-8"), page  # not in the nav
    assert (ROOT / "docs/huong-dan/index.md").is_file()  # the same text lives in the repository


def test_file_pickers_offer_only_what_the_site_publishes(config):
    post = next(c for c in config["collections"] if c["name"] == "tin-tuc")
    fields = {f["name"]: f for f in post["fields"]}
    attachment = next(f for f in fields["attachments"]["fields"] if f["name"] == "file")
    documents = attachment["accept"].split(",")
    assert {".pdf", ".docx", ".xlsx"} <= set(documents) and ".svg" not in documents and ".html" not in documents
    images = fields["image"]["accept"].split(",")
    assert ".png" in images and ".pdf" not in images and ".svg" not in images
    # Uploaded names lose their spaces and accents, as make check asks of every published file.
    assert config["media_libraries"]["default"]["config"]["slugify_filename"] is True
