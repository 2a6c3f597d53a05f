"""News categories: configuration in content/categories.yml, not code."""

from __future__ import annotations

from pathlib import Path

from . import schema
from .errors import ContentError, display_path
from .files import read_text
from .models import Category
from .yamlsafe import load_yaml


class CategoryIndex:
    """Look categories up by slug or by name, as editors may type either."""

    def __init__(self, categories: list[Category]):
        self.ordered = categories
        self._by_key = {}
        for category in categories:
            self._by_key[category.slug] = category
            self._by_key[category.name.casefold()] = category

    def find(self, key: str) -> Category | None:
        return self._by_key.get(key.strip()) or self._by_key.get(key.strip().casefold())

    def __iter__(self):
        return iter(self.ordered)

    def __len__(self) -> int:
        return len(self.ordered)


def load_categories(path: Path, root: Path) -> tuple[CategoryIndex, list[ContentError]]:
    source = display_path(path, root)
    if not path.is_file():
        return CategoryIndex([]), [ContentError(source, None, "", "thiếu tệp danh sách chuyên mục")]
    try:
        doc = load_yaml(read_text(path, source), source)
    except ContentError as error:
        return CategoryIndex([]), [error]
    data = schema.restore_text(doc.data, schema.load_schema("categories"), doc)
    errors = schema.validate(data, "categories", doc, source)
    if errors:
        return CategoryIndex([]), errors
    categories, seen = [], {}
    for index, item in enumerate(data):
        for key in ("slug", "name"):
            value = item[key] if key == "slug" else item[key].casefold()
            if value in seen:
                errors.append(ContentError(
                    source, doc.line_of((index, key)), f"[{index + 1}].{key}",
                    f"“{item[key]}” trùng với chuyên mục ở dòng {seen[value]}; mỗi chuyên mục một {key} riêng",
                ))
            seen[value] = doc.line_of((index, key))
        categories.append(Category(
            name=item["name"].strip(),
            slug=item["slug"],
            description=item.get("description", "").strip(),
            order=item.get("order", index),
        ))
    # sorted() is stable, so equal orders keep the file's order.
    categories = sorted(categories, key=lambda c: c.order)
    return CategoryIndex(categories), errors
