"""Questions and answers (hỏi – đáp) from content/hoi-dap.yml."""

from __future__ import annotations

from pathlib import Path

from cchc.core import schema
from cchc.core.errors import ContentError, display_path
from cchc.core.files import read_text
from cchc.core.html_policy import check_markdown_html
from cchc.news.model import QAItem
from cchc.core.yamlsafe import load_yaml


def load_qa(path: Path, root: Path, embed_hosts: frozenset[str] = frozenset()) -> tuple[list[QAItem], list[ContentError]]:
    if not path.is_file():
        return [], []
    source = display_path(path, root)
    try:
        doc = load_yaml(read_text(path, source), source)
    except ContentError as error:
        return [], [error]
    data = schema.restore_text(doc.data or {"questions": []}, schema.load_schema("qa"), doc)
    errors = schema.validate(data, "qa", doc, source)
    if errors:
        return [], errors
    for index, item in enumerate(data["questions"]):
        path = ("questions", index, "answer")
        line = doc.line_of(path)
        if "\n" in doc.raw.get(path, ""):
            line += 1  # a block scalar (answer: |) starts on the next line
        errors += check_markdown_html(item["answer"], source, line, schema.dotted(path), embed_hosts)
    if errors:
        return [], errors
    items = [QAItem(i["question"].strip(), i["answer"].strip(), i.get("topic", "").strip()) for i in data["questions"]]
    return items, []
