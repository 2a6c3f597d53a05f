"""Relative links in post bodies, checked and mapped like the content tree.

Editors link to files beside a post (``ke-hoach.pdf``), to the media folder
(``../../media/mau-don.docx``) or to another post's file
(``../2023/2023-05-01-ten-bai.md``), exactly as a Markdown preview in their
text editor resolves them. A target that does not exist is a content error;
a link to another post's file is rewritten to that post's page.

A link to any other file must name one the build publishes, by the very rules
that decide it (cchc.core.files.attachment_problem): a file outside the
published folders, a record, a symbolic link out of content/ or a refused type
is an error here, at the post's line, and never a warning from MkDocs about its
virtual page. A link whose path leaves the post's folder by another name than
the site's (``../../news/2023/a.pdf``: news/ is /tin-tuc/ on the site) is
rewritten to the file's published address, so the page links where the
editor's preview did.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

from cchc.core import layout
from cchc.core.errors import FileErrors
from cchc.core.files import attachment_problem, content_root
from cchc.core.text import make_slug
from cchc.news.model import Post

# Inline links and images: [text](target "title") / ![alt](<target>)
_LINK = re.compile(r"(!?\[[^\]\n]*\]\(\s*)(<[^>\n]+>|[^)\s]+)")
_FENCE = re.compile(r"^\s*(```|~~~)")
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)
_SITE_ABSOLUTE = re.compile(r"^/(?!/)")  # /tthc/: from the domain's root, not the site's
# What follows a bare target up to ")" when the name had spaces: not a "title", '…' or (…) after the space.
_SPACED = re.compile(r"""((?:[ \t]+[^"'(\s)][^\s)]*)+)[ \t]*(?:["'(][^)\n]*)?\)""")


def resolve_links(post: Post, posts_by_path: dict[Path, Post], errors: FileErrors) -> str:
    """Return the body with post links rewritten; record an error for each missing target.

    ``posts_by_path`` holds the posts published in this build: a link to a
    draft or to a post scheduled later would be a dead link today.
    """
    if "](" not in post.body:
        return post.body  # no inline link at all: nothing to check (most posts), and a preview keeps the same text
    content = content_root(post.abs_path)
    post_dir = post.abs_path.parent.relative_to(content).as_posix()  # news/<yyyy>, as the loader requires
    page_dir = posixpath.dirname(post.src_uri)
    out_lines = []
    in_fence = False
    for offset, line in enumerate(post.body.split("\n")):
        if _FENCE.match(line):
            in_fence = not in_fence
        if in_fence or "](" not in line:
            out_lines.append(line)
            continue

        def replace(match: re.Match, line_no: int = post.body_line + offset, line: str = line) -> str:
            raw = match.group(2)
            target = raw[1:-1] if raw.startswith("<") else raw
            spaced = _SPACED.match(line, match.end()) if not raw.startswith("<") else None
            if spaced:  # Markdown ends a bare link at the first space: the editor meant the whole name
                whole = target + spaced.group(1)
                errors.at("liên kết", f"đường dẫn “{whole}” có dấu cách nên không thành liên kết; viết trong ngoặc "
                                      f"nhọn: ({'<'}{whole}>), hoặc đổi tên tệp cho không còn dấu cách", line=line_no)
                return match.group(0)
            if _SITE_ABSOLUTE.match(target):  # MkDocs warns, and --strict fails the build naming the virtual page
                errors.at("liên kết", f"liên kết “{target}” bắt đầu bằng “/” sẽ hỏng khi trang đặt ở thư mục con của "
                                      "tên miền; hãy liên kết tương đối tới tệp (ví dụ ../../media/ke-hoach.pdf) "
                                      "hoặc ghi đầy đủ địa chỉ https://…", line=line_no)
                return match.group(0)
            if _EXTERNAL.match(target):
                return match.group(0)
            file_part = unquote(target.split("#", 1)[0].split("?", 1)[0])
            anchor = target[len(target.split("#", 1)[0]):]
            resolved = (post.abs_path.parent / file_part).resolve()
            other = posts_by_path.get(resolved)
            if other is not None:
                relative = posixpath.relpath(other.src_uri, posixpath.dirname(post.src_uri))
                return match.group(1) + relative + anchor
            # Lexically, as MkDocs resolves the link against the post's page: a symbolic link on the way is
            # judged by attachment_problem as walk() judges it, not followed here.
            relative = PurePosixPath(posixpath.normpath(posixpath.join(post_dir, file_part)))
            if resolved.suffix.lower() == ".md" and resolved.is_file():
                errors.at("liên kết", f"“{file_part}” không phải một tin bài đã đăng (bản nháp, hẹn đăng sau, "
                                      "hoặc nằm ngoài content/news/)", line=line_no)
            elif relative.parts[0] != ".." and not (content / relative).is_file():  # outside: say so, found or not
                hint = missing_file_hint(content, post_dir, file_part, lambda path: f"<{path}>" if " " in path else path)
                errors.at("liên kết", f"không tìm thấy tệp “{file_part}” mà nội dung liên kết tới; {hint}", line=line_no)
            elif problem := attachment_problem(content, relative):
                errors.at("liên kết", f"tệp “{file_part}” không được đăng lên trang nên liên kết sẽ hỏng: {problem}",
                          line=line_no)
            else:
                uri = layout.published_uri(relative)
                if posixpath.normpath(posixpath.join(page_dir, file_part)) != uri:
                    return match.group(1) + quote(posixpath.relpath(uri, page_dir)) + anchor
            return match.group(0)

        out_lines.append(_LINK.sub(replace, line))
    return "\n".join(out_lines)


def missing_file_hint(content: Path, post_dir: str, file_part: str,
                      spell: Callable[[str], str] = lambda path: path) -> str:
    """What to do about a file a post names that is not where the path says: the path to write if a file of
    that name lies beside the post or in the media folder (``spell`` writes it as the place needs it), else
    where to put it. ``post_dir``: the post's folder relative to content/ (news/<yyyy>)."""
    return _found_at(content, post_dir, file_part, spell) or "đặt tệp cạnh tin bài (hoặc trong content/media/) hoặc sửa đường dẫn"


def _found_at(content: Path, post_dir: str, file_part: str, spell: Callable[[str], str]) -> str | None:
    name = PurePosixPath(file_part).name
    for place in (PurePosixPath(post_dir, name), PurePosixPath(layout.MEDIA_DIR, name)):
        if (content / place).is_file():  # the file is there; only the path from this post is wrong
            return f"tệp có trong content/{place}: từ tin bài này, viết “{spell(posixpath.relpath(place, post_dir))}”"
    return None


def _spaceless(path: str) -> str:
    """``path`` with each name that has a space written as a slug: “Kế hoạch số 5.pdf” → “ke-hoach-so-5.pdf”."""
    def fix(name: str) -> str:
        if not any(char.isspace() for char in name):
            return name
        stem, dot, suffix = name.rpartition(".")
        return f"{make_slug(stem)}.{suffix.lower()}" if dot and stem else make_slug(name)
    return "/".join(fix(name) for name in path.split("/"))


def attachment_path(post_dir: str, file: str) -> PurePosixPath | None:
    """The path relative to content/ that an ``attachments`` entry names, normalised (it may start with "..");
    None for one from the site's root."""
    media = "/" + layout.MEDIA
    if file.startswith(media):  # what the web editor writes for a file of its media folder
        return PurePosixPath(posixpath.normpath(layout.MEDIA_DIR + "/" + file[len(media):]))
    if file.startswith("/"):
        return None
    return PurePosixPath(posixpath.normpath(posixpath.join(post_dir, file)))


def attachment_target(content: Path, post_dir: str, file: str) -> tuple[PurePosixPath | None, str]:
    """The file a post's ``attachments`` entry names, relative to content/, or None and why not.

    By the rules of links in the body (the same hints, the same cchc.core.files.attachment_problem),
    with two differences a field allows: a path is a file name, never a URL (no ``%20``, no ``#``), and
    ``/media/…`` (what the web editor writes for a file of its media folder) is content/media/. A name
    with a space is refused: the download address would be cut at the space wherever it is pasted.
    """
    if any(char.isspace() for char in file):
        better = _spaceless(file)
        renamed = attachment_path(post_dir, better)
        fix = (f"tệp “{better}” đã có, hãy viết “{better}”" if renamed and (content / renamed).is_file() else
               f"hãy đổi tên tệp cho không còn dấu cách, ví dụ “{better}”, rồi sửa đường dẫn ở đây cho khớp")
        return None, (f"đường dẫn “{file}” có dấu cách: địa chỉ tải tệp sẽ bị cắt ở dấu cách khi dán vào Zalo, "
                      f"tin nhắn; {fix}")
    relative = attachment_path(post_dir, file)
    if relative is None:
        found = _found_at(content, post_dir, file, lambda path: path)
        return None, (f"đường dẫn “{file}” bắt đầu bằng “/”; hãy viết đường dẫn tương đối tới tệp: tên tệp nếu tệp "
                      f"đặt cạnh tin bài, ../../media/<tên tệp> nếu tệp ở content/media/" + (f"; {found}" if found else ""))
    if relative.parts[0] != ".." and not (content / relative).is_file():  # outside: say so, found or not
        return None, f"không tìm thấy tệp “{file}”; {missing_file_hint(content, post_dir, file)}"
    problem = attachment_problem(content, relative)
    if problem:
        return None, f"tệp “{file}” không được đăng lên trang nên không tải về được: {problem}"
    return relative, ""
