"""Named lists kept as configuration: news categories and procedure fields.

A department renames or adds one by editing content/categories.yml or
content/linh-vuc.yml; slugs are part of published URLs and must stay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from cchc.core import schema
from cchc.core.errors import ContentError, Report, display_path
from cchc.core.yamlsafe import read_yaml


@dataclass(frozen=True)
class Term:
    """One entry of such a list; each kind knows its own URL."""

    name: str
    slug: str
    description: str = ""
    order: int = 0


T = TypeVar("T", bound=Term)


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


def load_terms(path: Path, root: Path, schema_name: str, key: str, make: Callable[..., T],
               report: Report) -> TermIndex[T]:
    """Terms listed under ``key`` (the web editor edits files whose top level is a mapping)."""
    source = display_path(path, root)
    if not path.is_file():
        report.add(ContentError(source, None, "", "thiếu tệp danh sách này"))
        return TermIndex([])
    doc = report.attempt(read_yaml, path, source)
    if doc is None:
        return TermIndex([])
    errors = report.file(source, doc)
    data = schema.restore_text(doc.data, schema.load_schema(schema_name), doc)
    if not schema.validate(data, schema_name, errors):
        return TermIndex([])
    terms, seen = [], {}
    for index, item in enumerate(data[key]):
        for name in ("slug", "name"):
            value = item[name] if name == "slug" else item[name].casefold()
            if value in seen:
                errors.at((key, index, name), f"“{item[name]}” trùng với mục ở dòng {seen[value]}; "
                                              f"mỗi mục một {name} riêng")
            seen[value] = doc.line_of((key, index, name))
        terms.append(make(
            name=item["name"].strip(),
            slug=item["slug"],
            description=item.get("description", "").strip(),
            order=item.get("order", index),
        ))
    # sorted() is stable, so equal orders keep the file's order.
    return TermIndex(sorted(terms, key=lambda t: t.order))
