"""News posts: content/news/<yyyy>/<yyyy-mm-dd>-<slug>.md with YAML front matter."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from PIL import Image

from cchc.core import schema
from cchc.core.terms import TermIndex
from cchc.core.dates import DateError, parse_datetime
from cchc.core.errors import ContentError, display_path
from cchc.core.files import read_text, walk
from cchc.core.html_policy import check_markdown_html
from cchc.news.model import Asset, Post
from cchc.core.text import make_slug
from cchc.core.yamlsafe import YamlDoc, load_yaml

FILE_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<rest>.+)\.md$")
_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_EXIF_ORIENTATION = 0x0112
NAME_HINT = "tên tệp phải có dạng yyyy-mm-dd-ten-bai.md, ví dụ 2024-03-07-hoi-nghi-cchc.md"


def published_uri(path: Path, content_dir: Path) -> str | None:
    """Where a content file is published: news/ → tin-tuc/, media/ → media/."""
    relative = path.relative_to(content_dir).as_posix()
    if relative.startswith("news/"):
        return "tin-tuc/" + relative[len("news/"):]
    if relative.startswith("media/"):
        return relative
    return None


def split_front_matter(text: str, source: str) -> tuple[str, str, int]:
    """Return (front matter, body, first body line)."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]) or lines[0].startswith("."):
        raise ContentError(
            source, 1, "",
            "tin bài phải bắt đầu bằng phần đầu (front matter): dòng “---”, các trường title, date, "
            "category, summary, rồi dòng “---”",
        )
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    raise ContentError(source, 1, "", "phần đầu (front matter) chưa được đóng bằng dòng “---”")


class PostLoader:
    """Loads and validates every post; collects all errors instead of stopping."""

    def __init__(self, content_dir: Path, root: Path, categories: TermIndex, now: datetime,
                 embed_hosts: frozenset[str] = frozenset()):
        self.content_dir, self.root, self.categories, self.now = content_dir, root, categories, now
        self.embed_hosts = embed_hosts
        self.post_schema = schema.load_schema("post")
        self.errors: list[ContentError] = []

    def load_all(self) -> tuple[list[Post], list[Asset]]:
        posts, assets = [], []
        for path, _ in walk(self.content_dir / "news"):
            if path.suffix.lower() != ".md":
                assets.append(Asset(published_uri(path, self.content_dir), path))
                continue
            try:
                posts.append(self.load(path))
            except ContentError as error:
                self.errors.append(error)
            except _Invalid:
                pass
        self._check_unique(posts)
        return posts, assets

    def _fail(self, errors: list[ContentError]) -> None:
        self.errors.extend(errors)
        raise _Invalid

    def load(self, path: Path) -> Post:
        source = display_path(path, self.root)
        relative = path.relative_to(self.content_dir / "news")
        year_dir = relative.parts[0] if len(relative.parts) == 2 else None
        if not year_dir or not re.fullmatch(r"\d{4}", year_dir):
            raise ContentError(
                source, None, "tên tệp",
                "tin bài phải nằm ngay trong thư mục năm, ví dụ content/news/2024/2024-03-07-ten-bai.md",
            )
        name = FILE_NAME.match(path.name)
        if not name:
            raise ContentError(source, None, "tên tệp", NAME_HINT)
        slug = make_slug(name["rest"])
        if not slug:
            raise ContentError(source, None, "tên tệp", NAME_HINT)

        front, body, body_line = split_front_matter(read_text(path, source), source)
        doc = load_yaml(front, source, first_line=2)
        if not isinstance(doc.data, dict):
            raise ContentError(source, 2, "", "phần đầu phải là các dòng “tên_trường: giá trị”")
        data = schema.restore_text(doc.data, self.post_schema, doc)
        errors = schema.validate(data, "post", doc, source)
        if errors:
            self._fail(errors)

        date = self._date(data, "date", doc, source)
        updated = self._date(data, "updated", doc, source) if "updated" in data else None
        if updated and updated < date:
            self._fail([ContentError(source, doc.line_of(("updated",)), "updated",
                                     "ngày cập nhật không thể trước ngày đăng")])
        if str(date.year) != year_dir:
            self._fail([ContentError(
                source, doc.line_of(("date",)), "date",
                f"năm của ngày đăng ({date.year}) khác thư mục năm ({year_dir}); "
                f"sửa ngày hoặc chuyển tệp sang content/news/{date.year}/",
            )])
        category = self.categories.find(data["category"])
        if category is None:
            self._fail([ContentError(
                source, doc.line_of(("category",)), "category",
                f"không có chuyên mục “{data['category']}”; dùng một trong: {self.categories.slugs()}",
            )])
        if not body.strip():
            self._fail([ContentError(source, body_line - 1, "nội dung", "tin bài chưa có nội dung sau phần đầu")])
        unsafe = check_markdown_html(body, source, body_line, "nội dung", self.embed_hosts)
        if unsafe:
            self._fail(unsafe)

        image_uri, image_path, image_size = self._image(path, data, doc, source)
        return Post(
            source=source,
            abs_path=path,
            year=date.year,
            slug=slug,
            title=data["title"].strip(),
            date=date,
            updated=updated,
            category=category,
            summary=" ".join(data["summary"].split()),
            body=body,
            body_line=body_line,
            image=image_uri,
            image_size=image_size,
            image_path=image_path,
            image_alt=data.get("image_alt", "").strip(),
            tags=_tags(data.get("tags", [])),
            author=data.get("author", "").strip(),
            draft=data.get("draft", False),
            scheduled=date > self.now,
        )

    def _date(self, data: dict, key: str, doc: YamlDoc, source: str) -> datetime:
        try:
            return parse_datetime(data[key])
        except DateError as error:
            self._fail([ContentError(source, doc.line_of((key,)), key, str(error))])

    def _image(self, path: Path, data: dict, doc: YamlDoc, source: str) -> tuple[str | None, Path | None, tuple | None]:
        if "image" not in data:
            return None, None, None
        target = (path.parent / data["image"]).resolve()
        line = doc.line_of(("image",))
        uri = None
        if target.is_relative_to(self.content_dir.resolve()):
            uri = published_uri(target, self.content_dir.resolve())
        if uri is None:
            self._fail([ContentError(source, line, "image",
                                     "ảnh phải nằm cạnh tin bài hoặc trong thư mục content/media/")])
        if not target.is_file():
            self._fail([ContentError(source, line, "image",
                                     f"không tìm thấy tệp ảnh “{data['image']}” (tìm ở {display_path(target, self.root)})")])
        try:
            with Image.open(target) as picture:  # reads the header only
                size = picture.size
                # Phone photos are often stored sideways with an EXIF turn.
                if picture.getexif().get(_EXIF_ORIENTATION) in (5, 6, 7, 8):
                    size = size[::-1]
        except (OSError, Image.DecompressionBombError):
            self._fail([ContentError(source, line, "image",
                                     f"tệp “{data['image']}” không phải ảnh JPEG, PNG hay WebP đọc được")])
        return uri, target, size

    def _check_unique(self, posts: list[Post]) -> None:
        seen: dict[tuple[int, str], Post] = {}
        for post in posts:
            other = seen.setdefault((post.year, post.slug), post)
            if other is not post:
                self.errors.append(ContentError(
                    post.source, None, "tên tệp",
                    f"trùng đường dẫn /{post.url} với {other.source}; đổi phần tên sau ngày của một trong hai tệp",
                ))


class _Invalid(Exception):
    """A post whose errors are already recorded."""


def _tags(value: list[str] | str) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    seen: dict[str, None] = {}
    for item in items:
        if item.strip():
            seen.setdefault(" ".join(item.split()), None)
    return list(seen)
