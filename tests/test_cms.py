"""The web editor's configuration is the validator's schemas, field for field."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml
from conftest import ROOT
from jsonschema import Draft7Validator

from cchc.core.schema import load_schema
from cchc.editor.admin import dump_config
from cchc.editor.cms import ENUM_LABELS, cms_config

SCHEMAS = {"tin-tuc": "post", "thu-tuc": "tthc", "quyet-dinh": "decision",
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
    props = node.get("properties", {})
    assert [f["name"] for f in fields if f["name"] != "body"] == list(props), where
    for field in fields:
        if field["name"] == "body":
            continue
        prop = _resolve(schema, props[field["name"]])
        assert field.get("required", True) == (field["name"] in node.get("required", ())), f"{where}.{field['name']}"
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
    news, records, decisions, lists = config["collections"]
    assert news["folder"] == "content/news" and news["path"] == "{{year}}/{{year}}-{{month}}-{{day}}-{{slug}}"
    assert news["format"] == "frontmatter" and news["media_folder"] == ""
    assert records["folder"] == "content/tthc" and records["extension"] == "yml"
    assert decisions["folder"] == "content/tthc/quyet-dinh"
    assert [f["file"] for f in lists["files"]] == ["content/categories.yml", "content/linh-vuc.yml", "content/hoi-dap.yml"]
    assert config["local_backend"]["url"].startswith("http://127.0.0.1:")
    assert config["backend"] == {**config["backend"], "name": "github", "repo": "so-y-te-hoa-an/trang-cchc"}
    assert config["locale"] == "vi"


def test_demo_site_publishes_the_editor(demo_site, config):
    admin = demo_site / "admin"
    assert yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8")) == config
    assert (admin / "config.yml").read_text(encoding="utf-8") == dump_config(config)
    html = (admin / "index.html").read_text(encoding="utf-8")
    assert '<script src="decap-cms.js"></script>' in html and "noindex" in html
    assert not re.search(r"(src|href)=\"https?://", html)
    assert (admin / "decap-cms.js").stat().st_size > 1_000_000
    assert not list(admin.glob("*.map"))
    # Decap is not in git; it comes from the pinned npm package.
    tracked = subprocess.run(["git", "ls-files", "docs", "overrides"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "decap" not in tracked


def test_what_the_editor_writes_loads_as_typed(project):
    """Decap writes YAML 1.2, unquoted, with cleared optional fields left empty."""
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
