"""The department's answers written into mkdocs.yml, everything else in the file kept as it was.

ruamel's round trip keeps comments, order and quoting, so the file still reads as the project
wrote it; the department name stays typed once (site_name is the anchor that extra.department.name
refers to). Every demo value the answers replace goes: a setting the department left blank is
removed, never left holding the demo's number or address.
"""

from __future__ import annotations

import io
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import PlainScalarString

from cchc.init.questions import QUESTIONS

ANCHOR = "department_name"


def _yaml() -> YAML:
    yaml = YAML()  # round trip
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long address onto two lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def is_demo(path: Path) -> bool:
    """True while the project is still the demo (``extra.demo: true``); init clears it."""
    config = _yaml().load(path.read_text(encoding="utf-8")) or {}
    return bool((config.get("extra") or {}).get("demo"))


def rewrite(path: Path, answers: dict[str, str]) -> None:
    """mkdocs.yml with the answers (by flag) in place of the demo's identity."""
    yaml = _yaml()
    config = yaml.load(path.read_text(encoding="utf-8"))
    extra = config.setdefault("extra", CommentedMap())
    name = answers["ten"]
    anchored = PlainScalarString(name, anchor=ANCHOR)
    anchored.yaml_set_anchor(ANCHOR, always_dump=True)
    config["site_name"] = anchored
    config["site_url"] = answers["dia-chi-trang"]
    config["site_description"] = f"Tin cải cách hành chính và thủ tục hành chính của {name}."
    config["copyright"] = name
    extra.pop("demo", None)
    for question in QUESTIONS:
        if question.key == ("site_url",):
            continue
        group, key = question.key
        block = extra.setdefault(group, CommentedMap())
        value = anchored if question.key == ("department", "name") else answers.get(question.flag, "")
        if value:
            block[key] = value
        elif key in block:
            _drop(block, key)
    out = io.StringIO()
    yaml.dump(config, out)
    _write(path, out.getvalue())


def _drop(block: CommentedMap, key: str) -> None:
    """Remove ``key``, passing the comment lines written under it (about the next settings) to the key before."""
    keys = list(block.keys())
    slot = block.ca.items.pop(key, None)
    del block[key]
    token = slot[2] if slot else None
    if token is None or "\n" not in token.value:
        return
    lines = token.value.split("\n", 1)[1]  # without the removed line's own end-of-line comment
    position = keys.index(key)
    if not lines.strip() or position == 0:
        return
    before = block.ca.items.setdefault(keys[position - 1], [None, None, None, None])
    if before[2] is None:
        token.value = "\n" + lines
        before[2] = token
    else:
        before[2].value += lines


def _write(path: Path, text: str) -> None:
    # Written whole or not at all: a full disk must not leave half a mkdocs.yml.
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
