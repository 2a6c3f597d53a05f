"""What raw HTML an editor may put in Markdown (post bodies, Q&A answers).

Markdown lets editors write HTML, and a published page is trusted by every
citizen who opens it. Scripts, event handlers, javascript: links and
embedding tags are content errors; an iframe is allowed only from a host on
the configured allow-list (``extra.embed_hosts`` in mkdocs.yml).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlparse

from cchc.core.errors import FileErrors

FORBIDDEN_TAGS = {"script", "object", "embed", "applet", "base", "meta", "link", "style", "form", "frame",
                  "frameset"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}
_SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE_CODE = re.compile(r"`+[^`\n]*`+")
_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")


def _blank_code(markdown: str) -> str:
    """Code is shown, not run: blank fenced blocks and inline code, keeping lines."""
    out, fenced = [], False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            out.append("")
        elif fenced:
            out.append("")
        else:
            out.append(_INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line))
    return "\n".join(out)


class _Scanner(HTMLParser):
    def __init__(self, allowed_hosts: set[str]):
        super().__init__(convert_charrefs=True)
        self.allowed_hosts = allowed_hosts
        self.problems: list[tuple[int, str]] = []  # (line within the text, message)

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        if tag in FORBIDDEN_TAGS:
            self.problems.append((line, f"không được dùng thẻ <{tag}> trong nội dung"))
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append((line, f"không được dùng thuộc tính {name}= (mã chạy trong trình duyệt)"))
            elif name in URL_ATTRIBUTES and value and _SCHEME.match(value):
                self.problems.append((line, f"không được dùng đường dẫn “{value.split(':')[0]}:” trong {name}="))
        if tag == "iframe":
            host = urlparse(dict(attrs).get("src") or "").hostname or ""
            if host not in self.allowed_hosts:
                allowed = ", ".join(sorted(self.allowed_hosts)) or "chưa có trang nào"
                self.problems.append((line, f"khung nhúng (iframe) từ “{host or 'không rõ'}” không được phép; "
                                            f"chỉ nhúng từ: {allowed} (extra.embed_hosts trong mkdocs.yml)"))

    handle_startendtag = handle_starttag


def check_markdown_html(markdown: str, first_line: int, field: str, allowed_hosts: frozenset[str],
                        errors: FileErrors) -> None:
    """Record unsafe raw HTML or link schemes, each at its file line."""
    text = _blank_code(markdown)
    scanner = _Scanner(allowed_hosts)
    scanner.feed(text)
    scanner.close()
    problems = list(scanner.problems)
    for offset, line in enumerate(text.split("\n")):
        for target in _MD_LINK.findall(line):
            if _SCHEME.match(target):
                problems.append((offset + 1, f"không được dùng liên kết “{target.split(':')[0]}:”"))
    for line, message in sorted(problems):
        errors.at(field, message, line=first_line + line - 1)
