"""News posts: content/news/<yyyy>/<yyyy-mm-dd>-<slug>.md with YAML front matter; the Q&A file."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from cchc.core import layout, schema
from cchc.core.dates import DateError, parse_datetime
from cchc.core.errors import ContentError, FileErrors, Report, display_path, dotted
from cchc.core.files import ALLOWED, Asset, read_text, walk
from cchc.core.html_policy import check_markdown_html
from cchc.core.memo import FileMemo
from cchc.core.settings import Settings
from cchc.core.terms import TermIndex, load_terms
from cchc.core.text import make_slug, title_problem
from cchc.core.yamlsafe import load_yaml, read_yaml, refuse_control_characters
from cchc.news.links import attachment_path, attachment_target, resolve_links
from cchc.news.model import Attachment, Category, News, Post, QAItem
from cchc.render.images import ImageProblem, image_size

FILE_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<rest>.+)\.md$")
_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_PUBLISHED = "posts as published"  # FileMemo.kept: path → (post as loaded, post with its links resolved)
NAME_HINT = "tên tệp phải có dạng yyyy-mm-dd-ten-bai.md, ví dụ 2024-03-07-hoi-nghi-cchc.md"


def load_news(settings: Settings, now: datetime, preview: bool, report: Report,
              memo: FileMemo | None = None) -> tuple[News, list[Asset]]:
    """Categories, posts and Q&A; errors go to ``report``.

    ``preview`` (``mkdocs serve``) also publishes drafts and scheduled posts,
    which templates mark as such. ``memo`` (cchc.core.memo) keeps the posts of
    unchanged files between the builds of one preview, as the same objects.
    """
    content_dir, root = settings.content_dir, settings.root
    inputs = (preview, settings)
    kept = memo.kept.get(_NEWS) if memo is not None and memo.changes is not None else None
    # Only records and decisions of content/tthc/ changed (no post links to one), and no post's time came.
    if (kept is not None and kept[0] == inputs and all(_catalogue_only(path) for path in memo.changes)
            and not any((post.date > now) != post.scheduled for post in kept[1])):
        report.errors.extend(kept[2])
        memo.keep("post")
        return kept[3]
    errors = len(report.errors)
    categories = load_terms(content_dir / layout.CATEGORIES_FILE, root, "categories", "categories", Category, report)
    report.raise_if_any()  # every post would fail on its category: report the cause only
    loader = PostLoader(content_dir, root, categories, now, settings.embed_hosts, report, memo)
    posts, assets = loader.load_all()
    _check_links_of_unloaded(loader, posts, report)
    qa = load_qa(content_dir / layout.QA_FILE, root, settings.embed_hosts, report)
    shown = [p for p in posts if preview or not (p.draft or p.scheduled)]
    bodies = _resolve_links(loader, posts, shown, report)
    visible = sorted((loader.publish(post, bodies[id(post)]) for post in shown), key=lambda p: p.sort_key)
    loader.done()
    # When the published site next changes by itself (cchc.site.schedule): a scheduled post's time.
    scheduled = tuple(sorted(p.date for p in posts if p.scheduled and not p.draft and not preview))
    result = News(categories, visible, qa, hidden=len(posts) - len(visible), scheduled=scheduled), assets
    if memo is not None:
        memo.kept[_NEWS] = (inputs, posts, report.errors[errors:], result)
    return result


_LISTING = "news files"  # FileMemo.kept: (content/news/, what walk() gave)
_NEWS = "news"  # FileMemo.kept: (inputs, the posts as loaded, their errors, what load_news returned)


def _catalogue_only(path: str) -> bool:
    """A file under content/ (path relative to it) that no post reads: a record, a decision, the fields."""
    return path == layout.FIELDS_FILE or (path.startswith(f"{layout.TTHC_DIR}/")
                                          and path.lower().endswith((".yml", ".yaml")))


def _resolve_links(loader: PostLoader, posts: list[Post], visible: list[Post], report: Report) -> dict[int, str]:
    """id(post) → its body with links resolved; the posts themselves are left as loaded."""
    # A published post may only link to published posts; a draft may link
    # to anything that exists, since it is not built.
    where = [(loader.real_path(post), post) for post in posts]
    shown = {id(post) for post in visible}
    published = {path: post for path, post in where if id(post) in shown}
    loaded = dict(where)
    return {id(post): resolve_links(post, published if path in published else loaded, report.file(post.source))
            for path, post in where}


@dataclass
class UnloadedPost(layout.HasPage):
    """A post with errors: not published, but its links are checked in the same round as the rest."""

    source: str
    abs_path: Path
    year: int
    slug: str
    body: str
    body_line: int

    @property
    def url(self) -> str:
        return layout.POST_URL.format(year=self.year, slug=self.slug)


def _check_links_of_unloaded(loader: PostLoader, posts: list[Post], report: Report) -> None:
    # Its own date or draft flag may be the broken part, so any loaded post counts as a target.
    if not loader.unloaded:
        return
    loaded = {loader.real_path(post): post for post in posts}
    for post in loader.unloaded:
        resolve_links(post, loaded, report.file(post.source))


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
    """Loads and validates every post; records every error and goes on."""

    def __init__(self, content_dir: Path, root: Path, categories: TermIndex[Category], now: datetime,
                 embed_hosts: frozenset[str], report: Report, memo: FileMemo | None = None):
        self.content_dir, self.root, self.categories, self.now = content_dir, root, categories, now
        self.embed_hosts, self.report = embed_hosts, report
        self.post_schema = schema.load_schema("post")
        self.unloaded: list[UnloadedPost] = []  # posts with errors, whose links are still checked
        self.memo = memo
        self._context = (tuple(categories), embed_hosts)  # what loading a post reads besides its files
        self._reads: list[Path] = []  # files the post being loaded read besides its own (its image)
        self._real: dict[int, Path] = {}  # id(post) → its resolved path, kept by the memo
        self._published = memo.kept.get(_PUBLISHED, {}) if memo is not None else {}
        self._published_now: dict[Path, tuple[Post, Post]] = {}

    def load_all(self) -> tuple[list[Post], list[Asset]]:
        posts, assets = [], []
        for path, relative in self._listing():
            if path.suffix.lower() != ".md":
                assets.append(Asset(layout.published_uri(PurePosixPath(layout.NEWS_DIR, relative)), path))
                continue
            post = self._load(path) if self.memo is not None else self.report.attempt(self.load, path)
            if post is not None:
                posts.append(post)
        self._check_unique(posts)
        return posts, assets

    def _listing(self) -> list[tuple[Path, Path]]:
        """walk() of content/news/; in a preview, its last result again while only posts already there changed."""
        folder = self.content_dir / layout.NEWS_DIR
        if self.memo is None:
            return list(walk(folder))
        kept = self.memo.kept.get(_LISTING)
        if kept is None or kept[0] != folder or not self.memo.edits_only(layout.NEWS_DIR, (".md",)):
            kept = self.memo.kept[_LISTING] = (folder, list(walk(folder)))
        return kept[1]

    def _load(self, path: Path) -> Post | None:
        """``load`` through the memo: a file unchanged since the last build gives its post again, and its errors."""
        kept = self.memo.get("post", path, self._context)
        if kept is None:
            errors, unloaded, self._reads = len(self.report.errors), len(self.unloaded), []
            post = self.report.attempt(self.load, path)
            # resolve() asks the disk at every folder: kept, it is asked once a file, not once a build.
            kept = [post, self.report.errors[errors:], self.unloaded[unloaded:],
                    post.abs_path.resolve() if post is not None else None]
            self.memo.put("post", path, self._context, self._reads, kept)
        else:
            self.report.errors.extend(kept[1])
            self.unloaded.extend(kept[2])
        post = kept[0]
        if post is not None and post.scheduled != (post.date > self.now):  # its time came during the preview
            post = kept[0] = replace(post, scheduled=not post.scheduled)
        if post is not None:
            self._real[id(post)] = kept[3]
        return post

    def real_path(self, post: Post) -> Path:
        return self._real.get(id(post)) or post.abs_path.resolve()

    def publish(self, post: Post, body: str) -> Post:
        """The post as pages show it, with ``body`` (its links resolved); the loaded post is left as it is."""
        if body == post.body:
            return post
        if self.memo is None:
            post.body = body  # loaded for this build alone
            return post
        before = self._published.get(post.abs_path)
        if before is not None and before[0] is post and before[1].body == body:
            out = before[1]  # the same object as the last build, so pages made from it compare by identity
        else:
            out = replace(post, body=body)
        self._published_now[post.abs_path] = (post, out)
        return out

    def done(self) -> None:
        if self.memo is not None:
            self.memo.kept[_PUBLISHED] = self._published_now

    def load(self, path: Path) -> Post | None:
        """The post in ``path``, or None when its errors are recorded; raises ContentError if it cannot be read."""
        source = display_path(path, self.root)
        errors = self.report.file(source)
        relative = path.relative_to(self.content_dir / layout.NEWS_DIR)
        year_dir = relative.parts[0] if len(relative.parts) == 2 else None
        if not year_dir or not re.fullmatch(r"\d{4}", year_dir):
            errors.at("tên tệp", "tin bài phải nằm ngay trong thư mục năm, ví dụ content/news/2024/2024-03-07-ten-bai.md")
            return None
        name = FILE_NAME.match(path.name)
        slug = make_slug(name["rest"]) if name else ""
        if not slug:
            errors.at("tên tệp", NAME_HINT)
            return None

        front, body, body_line = split_front_matter(read_text(path, source), source)
        doc = errors.doc = load_yaml(front, source, first_line=2)
        if not isinstance(doc.data, dict):
            raise ContentError(source, 2, "", "phần đầu phải là các dòng “tên_trường: giá trị”")
        data = schema.restore_text(doc.data, self.post_schema, doc)
        schema.validate(data, "post", errors)
        # A key the schema rejected has its message; every other key is still checked, so an editor
        # fixes all of a post's mistakes in one round, not one per run.
        broken = schema.invalid_keys(data, "post")

        def usable(key: str) -> bool:
            return key in data and key not in broken

        if usable("title"):
            _check_title(data["title"], ("title",), errors)
        date = _date(data, "date", errors) if usable("date") else None
        updated = _date(data, "updated", errors) if usable("updated") else None
        if date and updated and updated < date:
            errors.at(("updated",), "ngày cập nhật không thể trước ngày đăng")
        if date and str(date.year) != year_dir:
            errors.at(("date",), f"năm của ngày đăng ({date.year}) khác thư mục năm ({year_dir}); "
                                 f"sửa ngày hoặc chuyển tệp sang content/news/{date.year}/")
        category = self.categories.find(data["category"]) if usable("category") else None
        if category is None and usable("category"):
            errors.at(("category",), f"không có chuyên mục “{data['category']}”; dùng một trong: "
                                     f"{self.categories.slugs()}")
        if not body.strip():
            errors.at("nội dung", "tin bài chưa có nội dung sau phần đầu", line=body_line - 1)
        else:
            # The front matter was checked as YAML; the body reaches the page, the search index and the feed too.
            errors.attempt(refuse_control_characters, body, source, body_line, "nội dung")
            check_markdown_html(body, body_line, "nội dung", self.embed_hosts, errors)
        image = self._image(path, data, errors) if usable("image") else (None, None, None)
        attachments = self._attachments(path, data, errors)
        if errors:
            self.unloaded.append(UnloadedPost(source, path, int(year_dir), slug, body, body_line))
            return None
        image_uri, image_path, image_size = image
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
            attachments=attachments,
            tags=_tags(data.get("tags", [])),
            author=data.get("author", "").strip(),
            draft=data.get("draft", False),
            scheduled=date > self.now,
        )

    def _image(self, path: Path, data: dict, errors: FileErrors) -> tuple[str | None, Path | None, tuple | None]:
        if "image" not in data:
            return None, None, None
        target = (path.parent / data["image"]).resolve()
        self._reads.append(target)
        content_dir = self.content_dir.resolve()
        uri = None
        if target.is_relative_to(content_dir):
            uri = layout.published_uri(PurePosixPath(target.relative_to(content_dir).as_posix()))
        if uri is None:
            errors.at(("image",), "ảnh phải nằm cạnh tin bài hoặc trong thư mục content/media/")
            return None, None, None
        if not target.is_file():
            errors.at(("image",), f"không tìm thấy tệp ảnh “{data['image']}” (tìm ở {display_path(target, self.root)})")
            return None, None, None
        try:
            size = image_size(target, data["image"])
        except ImageProblem as problem:
            errors.at(("image",), str(problem))
            return None, None, None
        return uri, target, size

    def _attachments(self, path: Path, data: dict, errors: FileErrors) -> list[Attachment]:
        """The files of ``attachments``, each checked as a link in the body is (cchc.news.links); an entry the
        schema refused keeps its message, and the others are still checked in the same round."""
        items = data.get("attachments")
        if not isinstance(items, list):
            return []
        broken = schema.invalid_items(data, "post", "attachments")
        post_dir = path.parent.relative_to(self.content_dir).as_posix()
        out, seen = [], {}
        for index, item in enumerate(items):
            if index in broken:
                continue
            at = ("attachments", index)
            named = attachment_path(post_dir, item["file"])
            if named is not None and named.parts[0] != "..":
                self._reads.append(self.content_dir / named)  # a preview reads the post again when it changes or appears
            relative, problem = attachment_target(self.content_dir, post_dir, item["file"])
            if problem:
                errors.at(at + ("file",), problem)
                continue
            if relative in seen:
                errors.at(at + ("file",), f"tệp “{item['file']}” đã có ở mục {seen[relative] + 1}; mỗi tệp ghi một lần")
                continue
            seen[relative] = index
            title = " ".join(item.get("title", "").split())
            if title:
                _check_title(title, at + ("title",), errors)
            file = self.content_dir / relative
            out.append(Attachment(
                title=title or relative.stem, url=quote(layout.published_uri(relative)),
                kind=ALLOWED[relative.suffix.lower()].label, size=file.stat().st_size,
                suffix=relative.suffix.lower(), source=display_path(file, self.root),
            ))
        return out

    def _check_unique(self, posts: list[Post]) -> None:
        seen: dict[tuple[int, str], Post] = {}
        for post in posts:
            other = seen.setdefault((post.year, post.slug), post)
            if other is not post:
                self.report.file(post.source).at(
                    "tên tệp", f"trùng đường dẫn /{post.url} với {other.source}; đổi phần tên sau ngày của một trong hai tệp")


def _check_title(text: str, at: tuple, errors: FileErrors) -> None:
    problem = title_problem(text)
    if problem:
        errors.at(at, problem)


def _date(data: dict, key: str, errors: FileErrors) -> datetime | None:
    try:
        return parse_datetime(data[key])
    except DateError as error:
        errors.at((key,), str(error))
        return None


def _tags(value: list[str] | str) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    seen: dict[str, None] = {}
    for item in items:
        if item.strip():
            seen.setdefault(" ".join(item.split()), None)
    return list(seen)


def load_qa(path: Path, root: Path, embed_hosts: frozenset[str], report: Report) -> list[QAItem]:
    """Questions and answers (hỏi – đáp) from content/hoi-dap.yml, which may be absent."""
    if not path.is_file():
        return []
    source = display_path(path, root)
    doc = report.attempt(read_yaml, path, source)
    if doc is None:
        return []
    errors = report.file(source, doc)
    data = schema.restore_text(doc.data or {"questions": []}, schema.load_schema("qa"), doc)
    if not schema.validate(data, "qa", errors):
        return []
    for index, item in enumerate(data["questions"]):
        _check_title(item["question"], ("questions", index, "question"), errors)
        at = ("questions", index, "answer")
        line = doc.line_of(at)
        if "\n" in doc.raw.get(at, ""):
            line += 1  # a block scalar (answer: |) starts on the next line
        check_markdown_html(item["answer"], line, dotted(at), embed_hosts, errors)
    if errors:
        return []
    return [QAItem(i["question"].strip(), i["answer"].strip(), i.get("topic", "").strip()) for i in data["questions"]]
