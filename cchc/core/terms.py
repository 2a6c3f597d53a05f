"""Named lists kept as configuration: news categories and procedure fields.

A department renames or adds one by editing content/categories.yml or
content/linh-vuc.yml; slugs are part of published URLs and must stay.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Generic, Iterator, TypeVar

from cchc.core import schema
from cchc.core.errors import ContentError, display_path
from cchc.core.files import read_text
from cchc.news.model import Category
from cchc.core.yamlsafe import load_yaml

T = TypeVar("T", bound=Category)


class TermIndex(Generic[T]):
    """Terms in display order, looked up by slug or by name (editors type either)."""

    def __init__(self, terms: list[T]):
        self.ordered = terms
        self._by_key: dict[str, T] = {}
        for term in terms:
            self._by_key[term.slug] = term
            self._by_key[term.name.casefold()] = term

    def find(self, key: str) -> T | None:
        key = key.strip()
        return self._by_key.get(key) or self._by_key.get(key.casefold())

    def slugs(self) -> str:
        return ", ".join(term.slug for term in self.ordered)

    def __iter__(self) -> Iterator[T]:
        return iter(self.ordered)

    def __len__(self) -> int:
        return len(self.ordered)


def load_terms(path: Path, root: Path, schema_name: str, key: str,
               make: Callable[..., T]) -> tuple[TermIndex[T], list[ContentError]]:
    """Terms listed under ``key`` (the web editor edits files whose top level is a mapping)."""
    source = display_path(path, root)
    if not path.is_file():
        return TermIndex([]), [ContentError(source, None, "", "thiếu tệp danh sách này")]
    try:
        doc = load_yaml(read_text(path, source), source)
    except ContentError as error:
        return TermIndex([]), [error]
    data = schema.restore_text(doc.data, schema.load_schema(schema_name), doc)
    errors = schema.validate(data, schema_name, doc, source)
    if errors:
        return TermIndex([]), errors
    terms, seen = [], {}
    for index, item in enumerate(data[key]):
        for name in ("slug", "name"):
            value = item[name] if name == "slug" else item[name].casefold()
            line = doc.line_of((key, index, name))
            if value in seen:
                errors.append(ContentError(
                    source, line, schema.dotted((key, index, name)),
                    f"“{item[name]}” trùng với mục ở dòng {seen[value]}; mỗi mục một {name} riêng",
                ))
            seen[value] = line
        terms.append(make(
            name=item["name"].strip(),
            slug=item["slug"],
            description=item.get("description", "").strip(),
            order=item.get("order", index),
        ))
    # sorted() is stable, so equal orders keep the file's order.
    return TermIndex(sorted(terms, key=lambda t: t.order)), errors
