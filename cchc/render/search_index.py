"""The search index: Pagefind over the built site, plus what Pagefind cannot do alone.

Pagefind folds Vietnamese tones and vowel marks but not "đ", which has no
Unicode decomposition: a citizen typing "dang ky" would not find "đăng ký".
Each indexed page therefore carries, hidden and at a low weight, its words
containing đ spelt with d, so the accented spelling still ranks first.
Procedure codes are indexed the same way in every form people type them.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import tempfile
from functools import cache
from html import unescape
from pathlib import Path

from cchc.core.layout import NODE_MODULES

PAGEFIND_API = NODE_MODULES / "pagefind" / "lib" / "index.js"
FEED = Path(__file__).resolve().parent / "pagefind_feed.mjs"
BODY = "data-pagefind-body"
IGNORE = "data-pagefind-ignore"
_WORD = re.compile(r"\w*[đĐ]\w*")
_BODY_TAG = re.compile(rf"<[a-z]+\s[^>]*\b{BODY}\b[^>]*>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class SearchIndexError(RuntimeError):
    pass


def code_variants(code: str | None) -> str:
    """1.004616.000.00.00.H41 → also 1.004616, 004616 and 1004616."""
    if not code:
        return ""
    national = code[:8]
    return " ".join(dict.fromkeys([code, national, national[2:], national.replace(".", "")]))


# Skipped whole while walking a page: script and style elements, comments.
_SKIPPED = r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->"
# A tag's attributes (quoted values may contain ">").
_ATTRS = r"((?:[^>\"']|\"[^\"]*\"|'[^']*')*)"
# One token of HTML after the indexed element opens: something skipped, or a tag.
_TOKEN = re.compile(rf"{_SKIPPED}|<(/?)([a-zA-Z][a-zA-Z0-9-]*){_ATTRS}>", re.S | re.I)
_HTML_TAG = re.compile(r"<html\b[^>]*>", re.I)
_TITLE = re.compile(r"<title>.*?</title>", re.S | re.I)
_PAGEFIND_ATTR = "data-pagefind-"


def index_document(html: str) -> str | None:
    """What Pagefind needs of a built page, or None if the page is not indexed.

    That is the language, the title and the ``data-pagefind-body`` element, with
    every ``data-pagefind-ignore`` subtree cut out unless it carries Pagefind
    filters or metadata (those count even when ignored), plus the page's words
    with "đ" spelt "d" in a hidden low-weight span: Pagefind folds tones and vowel
    marks but not đ, which has no Unicode decomposition, so "dang ky" would not
    find "đăng ký". A post's full text is ignored on purpose, so the document
    Pagefind parses is a tenth of the page, and the published page carries no
    extra words. A test checks the index is byte-identical to one built from
    the whole pages.
    """
    body = _body_tag(html)
    if body is None:
        return None
    kept: list[str] = [body.group(0)]  # markup Pagefind reads
    text: list[str] = []  # text it indexes
    depth, at = 1, body.end()
    while (token := _TOKEN.search(html, at)) is not None:
        segment = html[at:token.start()]
        kept.append(segment)
        text.append(segment)
        at = token.end()
        closing, tag, attrs = token.group(2), token.group(3), token.group(4)
        if tag is None:
            continue  # script, style, comment: nothing Pagefind indexes
        if tag.lower() in _VOID or attrs.endswith("/"):
            kept.append(token.group(0))
        elif closing:
            kept.append(token.group(0))
            depth -= 1
            if depth == 0:
                break
        elif IGNORE in attrs:
            # Skipped in one step: a post's whole text sits in such a subtree.
            end = _element_end(html, tag, at)
            if _PAGEFIND_ATTR in attrs.replace(IGNORE, "") or _PAGEFIND_ATTR in html[at:end]:
                kept.append(html[token.start():end])
            at = end
        else:
            depth += 1
            kept.append(token.group(0))
    variants = _variants(unescape(" ".join(text)))
    if variants:
        kept.insert(1, f'<span hidden data-pagefind-weight="0.4">{variants}</span>')
    root = _HTML_TAG.search(html)
    title = _TITLE.search(html)
    return (f'<!DOCTYPE html>{root.group(0) if root else "<html>"}<head><meta charset="utf-8">'
            f'{title.group(0) if title else ""}</head><body>{"".join(kept)}</body></html>')


def _body_tag(html: str) -> re.Match | None:
    """The opening tag of the indexed element: found by its attribute first, as a regex
    trying every tag from the top of the page was most of the time spent here."""
    at = html.find(BODY)
    while at != -1:
        match = _BODY_TAG.match(html, html.rfind("<", 0, at))
        if match is not None and match.end() > at:
            return match
        at = html.find(BODY, at + len(BODY))
    return None


@cache
def _same_tag(tag: str) -> re.Pattern:
    """Opening and closing tags named ``tag``; comments, scripts and styles are skipped whole."""
    return re.compile(rf"{_SKIPPED}|<(/?){tag}\b{_ATTRS}>", re.S | re.I)


def _element_end(html: str, tag: str, start: int) -> int:
    """Where the ``tag`` element whose opening tag ends at ``start`` closes (its end offset)."""
    depth = 1
    for match in _same_tag(tag).finditer(html, start):
        if match.group(3) is None or match.group(3).endswith("/"):
            continue
        depth += -1 if match.group(2) else 1
        if depth == 0:
            return match.end()
    return len(html)


def _variants(text: str) -> str:
    words = _WORD.findall(text)
    return " ".join(dict.fromkeys(w.lower().replace("đ", "d") for w in words))  # Pagefind lowercases anyway


def line(path: str, document: str) -> bytes:
    """One page as pagefind_feed.mjs reads it."""
    return (json.dumps({"path": path, "html": document}, ensure_ascii=False) + "\n").encode("utf-8")


class LiveIndex:
    """Pagefind, fed each page as MkDocs writes it, so indexing runs on the second core.

    Run after the build, Pagefind re-read thousands of pages from disk while the
    build waited (6 s of a 46 s build at 7,000 pages). Fed each page's
    index_document as it is rendered, it has parsed them by the time the last
    page is written. Pages without ``data-pagefind-body`` are not sent: with the
    CLI, Pagefind skipped them too.
    """

    def __init__(self, site_dir: Path, background: bool = False):
        """``background``: at low priority (a preview's index, written while the editor works)."""
        if not PAGEFIND_API.exists() or shutil.which("node") is None:
            raise SearchIndexError("thiếu Pagefind để tạo chỉ mục tìm kiếm; hãy chạy `make build` "
                                   "(lệnh này tự cài Pagefind từ npm)")
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish() or abort()
        nice = ["nice", "-n", "10"] if background and shutil.which("nice") else []
        self._process = subprocess.Popen(
            [*nice, "node", str(FEED), str(site_dir / "pagefind")],
            stdin=subprocess.PIPE, stdout=self._log, stderr=self._log,
        )
        self._broken = False
        self._closed = False

    def add(self, path: str, html: str) -> None:
        """One built page; ``path`` relative to the site folder (``tin-tuc/x/index.html``).

        Written straight to the pipe: Pagefind reads a few KB document far faster than
        MkDocs renders a page, so the write does not wait; a feeding thread cost more
        in GIL hand-overs than it saved.
        """
        self.add_document(path, index_document(html))

    def add_document(self, path: str, document: str | None) -> None:
        """A page already cut down by index_document (None: nothing to index)."""
        if document is None or self._broken:
            return
        if self._closed:
            raise SearchIndexError(f"{path}: trang có vùng tìm kiếm (data-pagefind-body) được dựng sau khi chỉ "
                                   "mục đã đóng; trang này cần được đánh dấu searchable trong cchc")
        self.feed(line(path, document))

    def feed(self, lines: bytes) -> None:
        """Documents already written as ``line`` gives them (a preview keeps them so, to index again)."""
        if self._broken:
            return
        try:
            self._process.stdin.write(lines)
        except (BrokenPipeError, OSError):
            self._broken = True  # Pagefind stopped; finish() reports why

    @property
    def closed(self) -> bool:
        """True once close_input was called: the index has every searchable page."""
        return self._closed

    def close_input(self) -> None:
        """No more searchable pages: Pagefind starts writing while the rest of the site builds."""
        if not self._closed:
            self._closed = True
            with contextlib.suppress(BrokenPipeError, OSError):
                self._process.stdin.close()

    def finish(self) -> None:
        """Write the index; raise SearchIndexError with Pagefind's reasons if it failed."""
        self.close_input()
        code = self._process.wait()
        self._log.seek(0)
        output = self._log.read().decode("utf-8", "replace").strip()
        self._log.close()
        if code != 0:
            raise SearchIndexError(f"Pagefind không tạo được chỉ mục: {output or f'mã thoát {code}'}")

    def kill(self) -> None:
        """Stop Pagefind from another thread; the one feeding it then sees finish() fail, and cleans up."""
        with contextlib.suppress(OSError):
            self._process.kill()

    def abort(self) -> None:
        """The build failed: stop Pagefind without writing anything."""
        self._process.kill()
        self._process.wait()
        self._log.close()
