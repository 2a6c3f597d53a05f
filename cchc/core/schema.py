"""JSON Schema validation with errors an editor can read.

The schemas in ``schemas/`` are shared by this validator, by editors' text
editors (the yaml-language-server modeline at the top of YAML files) and
later by the web editor's form, so the three cannot disagree. Draft-07 is
used because it is what the YAML language server understands best.

Two validators, one verdict: fastjsonschema (the schema compiled to Python,
tens of times faster) answers "valid?" for every record; only a record it
rejects goes through jsonschema, whose errors carry the paths and keywords
the messages below are written from. jsonschema has the last word, and a
test checks the two agree on every kind of mistake.
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError

from cchc.core.errors import FileErrors
from cchc.core.layout import SCHEMA_DIR
from cchc.core.yamlsafe import YamlDoc, read_yaml

_TYPE_NAMES = {
    "string": "văn bản",
    "integer": "số nguyên",
    "number": "số",
    "boolean": "true hoặc false",
    "array": "danh sách (mỗi mục một dòng bắt đầu bằng “- ”)",
    "object": "nhóm trường (tên_trường: giá trị)",
    "null": "để trống",
}


@cache
def load_schema(name: str) -> dict[str, Any]:
    with open(SCHEMA_DIR / f"{name}.schema.json", encoding="utf-8") as handle:
        return json.load(handle)


@cache
def _validator(name: str) -> Draft7Validator:
    schema = load_schema(name)
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


@cache
def _fast_validator(name: str):
    # use_default=False: never write schema defaults into the editor's data. A copy, because
    # compiling rewrites the schema's $refs in place, and the web editor's form reads it too.
    return fastjsonschema.compile(copy.deepcopy(load_schema(name)), use_default=False, use_formats=False)


def is_valid(data: Any, name: str) -> bool:
    """The fast verdict alone (see module doc)."""
    try:
        _fast_validator(name)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def _describe(value: Any) -> str:
    if value is None:
        return "đang để trống"
    if isinstance(value, bool):
        return f"đang là {str(value).lower()}"
    if isinstance(value, (dict, list)):
        return "đang là " + ("nhóm trường" if isinstance(value, dict) else "danh sách")
    return f"đang là “{value}”"


def _label(schema: dict[str, Any], key: str) -> str:
    title = schema.get("properties", {}).get(key, {}).get("title")
    return f"“{key}” ({title})" if title else f"“{key}”"


def _typed_as_text(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "string"


def restore_text(value: Any, schema: dict[str, Any], doc: YamlDoc, path: tuple = ()) -> Any:
    """Give back the typed characters where the schema expects text.

    ``title: 2024`` or ``hotline: 1900`` load as integers; a field the schema
    types as text gets the exact characters instead. Optional fields left
    empty are dropped: the web editor writes ``image: ""`` once a field has
    been touched and cleared, which means "not given". A list the schema marks
    ``x-none`` keeps ``[]``: there it is the source's explicit "Không".
    """
    if isinstance(value, dict):
        props, required = schema.get("properties", {}), set(schema.get("required", ()))
        return {k: restore_text(v, props.get(k, {}), doc, path + (k,)) for k, v in value.items()
                if k in required or not _empty(v) or (v == [] and props.get(k, {}).get("x-none"))}
    if isinstance(value, list):
        items = schema.get("items", {})
        return [restore_text(v, items, doc, path + (i,)) for i, v in enumerate(value)]
    if _typed_as_text(schema) and isinstance(value, (int, bool)) and path in doc.raw:
        return doc.raw[path]
    return value


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {} or (isinstance(value, str) and not value.strip())


def _message(error: ValidationError) -> tuple[tuple, str]:
    """Return (extra path below the error's path, Vietnamese message)."""
    kind, schema, instance, expected = error.validator, error.schema, error.instance, error.validator_value
    if kind == "required":
        # jsonschema reports each missing key as its own error, naming it in the message.
        key = next((k for k in expected if k not in instance and error.message.startswith(repr(k))), "")
        return (key,), f"thiếu trường bắt buộc {_label(schema, key)}"
    if kind == "additionalProperties":
        known = list(schema.get("properties", {}))
        extra = sorted(set(instance) - set(known))
        key = extra[0] if extra else ""
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"; có phải ý bạn là “{close[0]}”?" if close else f"; các trường dùng được: {', '.join(known)}"
        return (key,), f"trường “{key}” không có trong mẫu{hint}"
    if kind == "dependencies":
        for key, needed in expected.items():
            if key in instance:
                lacking = [n for n in needed if n not in instance]
                if lacking:
                    return (lacking[0],), f"khi có {_label(schema, key)} thì phải có cả {_label(schema, lacking[0])}"
    if kind in ("minLength", "type", "minItems") and _empty(instance):
        return (), "tệp đang trống" if not error.absolute_path else "chưa điền (trường bắt buộc)"
    if kind == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        wanted = " hoặc ".join(_TYPE_NAMES.get(k, k) for k in kinds)
        quote = "; hãy đặt giá trị trong ngoặc kép" if "string" in kinds else ""
        return (), f"phải là {wanted}, {_describe(instance)}{quote}"
    if kind == "enum":
        return (), f"phải là một trong: {', '.join(map(str, expected))}; {_describe(instance)}"
    if kind == "minLength":
        return (), rule_text(kind, schema)
    if kind == "maxLength":
        return (), f"{rule_text(kind, schema)} (hiện có {len(instance)})"
    if kind == "minItems":
        return (), f"cần ít nhất {expected} mục"
    if kind == "uniqueItems":
        return (), "có mục bị lặp lại"
    if kind in ("minimum", "maximum"):
        word = "nhỏ nhất" if kind == "minimum" else "lớn nhất"
        return (), f"giá trị {word} là {expected}, {_describe(instance)}"
    if kind == "pattern" and schema.get("x-url"):
        return (), url_problem(instance)
    if kind == "pattern":
        return (), f"{rule_text(kind, schema)}; {_describe(instance)}"
    return (), error.message


def rule_text(kind: str, schema: dict[str, Any]) -> str:
    """What a text rule asks for, in the words `make check` uses and the web form shows before saving."""
    if kind == "minLength":
        return f"quá ngắn: cần ít nhất {schema['minLength']} ký tự"
    if kind == "maxLength":
        return f"quá dài: tối đa {schema['maxLength']} ký tự"
    if kind == "pattern":
        return f"không đúng định dạng ({schema.get('description') or 'định dạng ' + schema['pattern']})"
    raise ValueError(kind)


def url_problem(text: str) -> str:
    """Why ``text`` is not a web address an editor meant, in words that point at the fix."""
    text = str(text)
    if any(c.isspace() for c in text.strip()):
        at = next(i for i, c in enumerate(text.strip()) if c.isspace())
        return (f"đường dẫn có dấu cách (sau “{text.strip()[:at][-30:]}”); đường dẫn không chứa dấu cách, "
                f"hãy xoá dấu cách; đang là “{text}”")
    if not text.startswith(("https://", "http://")):
        return f"đường dẫn phải bắt đầu bằng https:// ; đang là “{text}”"
    return f"đường dẫn thiếu tên miền (ví dụ https://dichvucong.gov.vn/...); đang là “{text}”"


def validate(data: Any, name: str, errors: FileErrors, base: tuple = ()) -> bool:
    """Record every schema error in ``data`` (at ``base`` in its file); True if there was none."""
    if is_valid(data, name):
        return True
    for error in _validator(name).iter_errors(data):
        extra, message = _message(error)
        errors.at(base + tuple(error.absolute_path) + tuple(p for p in extra if p != ""), message)
    return False


def invalid_keys(data: Any, name: str) -> set[str]:
    """The top-level keys of ``data`` that the schema rejects: the checks of those keys are skipped (the
    schema's message already stands there), and every other check still runs in the same round."""
    if not isinstance(data, dict) or is_valid(data, name):
        return set()
    return {str(error.absolute_path[0]) for error in _validator(name).iter_errors(data) if error.absolute_path}


def invalid_items(data: Any, name: str, key: str) -> set[int]:
    """The items of the list ``data[key]`` that the schema rejects, so the checks of the others still run."""
    if not isinstance(data, dict) or is_valid(data, name):
        return set()
    return {error.absolute_path[1] for error in _validator(name).iter_errors(data)
            if len(error.absolute_path) > 1 and error.absolute_path[0] == key}


def read_record(path: Path, name: str, what: str, errors: FileErrors) -> dict[str, Any] | None:
    """The YAML file at ``path`` as a record of schema ``name``, text kept as typed; None when its errors are recorded.

    ``what`` names the record for the editor: "hồ sơ thủ tục", "quyết định".
    """
    data, valid = read_data(path, name, what, errors)
    return data if valid else None


def read_data(path: Path, name: str, what: str, errors: FileErrors,
              reject: Callable[[dict[str, Any]], str | None] | None = None) -> tuple[dict[str, Any] | None, bool]:
    """Like read_record, but a record with schema errors comes back too (with False), so the checks
    that do not depend on the broken part can still run and an editor sees every error in one round.

    ``reject`` may name, before validation, a reason the whole file is of the wrong kind (an older
    format): one message then replaces the many the schema would give.
    """
    doc = errors.doc = errors.attempt(read_yaml, path, errors.source)
    if doc is None:
        return None, False
    if not isinstance(doc.data, dict):
        errors.at("", f"{what} phải là các dòng “tên_trường: giá trị”", line=1)
        return None, False
    if reject and (reason := reject(doc.data)):
        errors.at("", reason, line=1)
        return None, False
    data = restore_text(doc.data, load_schema(name), doc)
    return data, validate(data, name, errors)
