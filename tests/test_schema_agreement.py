"""fastjsonschema gives the verdict on every record; jsonschema only explains rejections.

If the two ever disagreed, a record jsonschema rejects could be published because
fastjsonschema let it through. Every demo file is mutated in every place, in the ways
editors get things wrong, and both must say the same.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from cchc.core import schema
from cchc.core.settings import read_mkdocs_config
from cchc.core.yamlsafe import load_yaml

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"

# Values editors put where something else belongs (and a few that are fine somewhere).
WRONG = [None, "", " ", "x", "2023-13-09", "7:30", 0, -1, 12345, 1.5, True, [], ["x"], {}, {"x": 1}, "a" * 400]


def _documents() -> list[tuple[str, object]]:
    docs = [("tthc", p) for p in sorted((CONTENT / "tthc").glob("*.yml"))[:4]]
    docs += [("decision", p) for p in sorted((CONTENT / "tthc" / "quyet-dinh").glob("*.yml"))[:2]]
    docs += [("post", p) for p in sorted((CONTENT / "news").rglob("*.md"))[:3]]
    docs += [("categories", CONTENT / "categories.yml"), ("fields", CONTENT / "linh-vuc.yml"),
             ("qa", CONTENT / "hoi-dap.yml")]
    out = []
    for name, path in docs:
        text = path.read_text(encoding="utf-8")
        out.append((name, load_yaml(text.split("---", 2)[1] if path.suffix == ".md" else text, path.name).data))
    out.append(("site", read_mkdocs_config(ROOT / "mkdocs.yml", ROOT)["extra"]))
    return out


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, path + (index,))


def _mutations(data):
    for path in _paths(data):
        if not path:
            continue
        *parent_path, last = path
        for wrong in WRONG + ["__delete__", "__extra__"]:
            mutated = copy.deepcopy(data)
            parent = mutated
            for part in parent_path:
                parent = parent[part]
            if wrong == "__delete__":
                del parent[last]
            elif wrong == "__extra__":
                if not isinstance(parent[last], (dict, list)):
                    continue
                if isinstance(parent[last], dict):
                    parent[last]["truong_la"] = "x"
                else:
                    parent[last].append(copy.deepcopy(parent[last][0]) if parent[last] else "x")
            else:
                parent[last] = copy.deepcopy(wrong)
            yield path, mutated


@pytest.mark.parametrize("name,data", _documents(), ids=lambda v: v if isinstance(v, str) else "")
def test_fast_and_full_validators_agree_on_every_mutation(name, data):
    validator = schema._validator(name)
    assert schema.is_valid(data, name) and not list(validator.iter_errors(data))
    checked = rejected = 0
    for path, mutated in _mutations(data):
        full = not any(True for _ in validator.iter_errors(mutated))
        assert schema.is_valid(mutated, name) == full, f"{name} {path}: jsonschema says valid={full}"
        checked += 1
        rejected += not full
    assert checked > 20 and rejected > checked // 4  # the mutations do hit the schema


def test_the_demo_documents_reach_the_nested_lists():
    """The mutations above go as deep as the demo goes: a post's attachments are among them."""
    posts = [data for name, data in _documents() if name == "post"]
    assert any(data.get("attachments") and data["attachments"][0].get("title") for data in posts)
