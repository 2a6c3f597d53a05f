"""Relative links in post bodies, checked and mapped like the content tree.

Editors link to files beside a post (``ke-hoach.pdf``), to the media folder
(``../../media/mau-don.docx``) or to another post's file
(``../2023/2023-05-01-ten-bai.md``), exactly as a Markdown preview in their
text editor resolves them. A target that does not exist is a content error;
a link to another post's file is rewritten to that post's page.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from cchc.core.errors import FileErrors
from cchc.news.model import Post

# Inline links and images: [text](target "title") / ![alt](<target>)
_LINK = re.compile(r"(!?\[[^\]\n]*\]\(\s*)(<[^>\n]+>|[^)\s]+)")
_FENCE = re.compile(r"^\s*(```|~~~)")
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#|/)", re.IGNORECASE)


def resolve_links(post: Post, posts_by_path: dict[Path, Post], errors: FileErrors) -> str:
    """Return the body with post links rewritten; record an error for each missing target.

    ``posts_by_path`` holds the posts published in this build: a link to a
    draft or to a post scheduled later would be a dead link today.
    """
    out_lines = []
    in_fence = False
    for offset, line in enumerate(post.body.split("\n")):
        if _FENCE.match(line):
            in_fence = not in_fence
        if in_fence or "](" not in line:
            out_lines.append(line)
            continue

        def replace(match: re.Match, line_no: int = post.body_line + offset) -> str:
            raw = match.group(2)
            target = raw[1:-1] if raw.startswith("<") else raw
            if _EXTERNAL.match(target):
                return match.group(0)
            file_part = unquote(target.split("#", 1)[0].split("?", 1)[0])
            anchor = target[len(target.split("#", 1)[0]):]
            resolved = (post.abs_path.parent / file_part).resolve()
            other = posts_by_path.get(resolved)
            if other is not None:
                relative = posixpath.relpath(other.src_uri, posixpath.dirname(post.src_uri))
                return match.group(1) + relative + anchor
            if resolved.suffix.lower() == ".md" and resolved.is_file():
                errors.at("liên kết", f"“{file_part}” không phải một tin bài đã đăng (bản nháp, hẹn đăng sau, "
                                      "hoặc nằm ngoài content/news/)", line=line_no)
            elif not resolved.is_file():
                errors.at("liên kết", f"không tìm thấy tệp “{file_part}” mà nội dung liên kết tới; "
                                      "đặt tệp cạnh tin bài (hoặc trong content/media/) hoặc sửa đường dẫn", line=line_no)
            return match.group(0)

        out_lines.append(_LINK.sub(replace, line))
    return "\n".join(out_lines)
