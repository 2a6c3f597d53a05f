"""The search index: Pagefind over the built site, plus what Pagefind cannot do alone.

Pagefind folds Vietnamese tones and vowel marks but not "đ", which has no
Unicode decomposition: a citizen typing "dang ky" would not find "đăng ký".
Each indexed page therefore carries, hidden and at a low weight, its words
containing đ spelt with d, so the accented spelling still ranks first.
Procedure codes are indexed the same way in every form people type them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGEFIND = ROOT / "node_modules" / ".bin" / "pagefind"
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


class _BodyText(HTMLParser):
    """Text Pagefind indexes: inside data-pagefind-body, outside data-pagefind-ignore."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # nesting below the body element, 0 outside it
        self.ignored_at = 0  # depth where an ignored subtree started, 0 if none
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        names = {name for name, _ in attrs}
        if self.depth:
            self.depth += 1
            if IGNORE in names and not self.ignored_at:
                self.ignored_at = self.depth
        elif BODY in names:
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth and tag not in _VOID:
            if self.ignored_at == self.depth:
                self.ignored_at = 0
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.ignored_at:
            self.parts.append(data)


def d_variants(html: str) -> str:
    """Words of the indexed part containing đ, spelt with d instead."""
    parser = _BodyText()
    parser.feed(html)
    words = _WORD.findall(" ".join(parser.parts))
    return " ".join(dict.fromkeys(w.lower().replace("đ", "d") for w in words))  # Pagefind lowercases anyway


def add_d_variants(html: str) -> str:
    """Insert the d-spellings right inside the indexed element, hidden, at low weight."""
    tag = _BODY_TAG.search(html)
    if tag is None:
        return html
    variants = d_variants(html)
    if not variants:
        return html
    at = tag.end()
    span = f'<span hidden data-pagefind-weight="0.4">{variants}</span>'
    return html[:at] + span + html[at:]


def build_index(site_dir: Path) -> None:
    """Run Pagefind (npm, pinned) over a built site; raise with a plain message on failure."""
    if not PAGEFIND.exists() or shutil.which("node") is None:
        raise SearchIndexError("thiếu Pagefind để tạo chỉ mục tìm kiếm; hãy chạy `make build` "
                               "(lệnh này tự cài Pagefind từ npm)")
    result = subprocess.run([str(PAGEFIND), "--site", str(site_dir), "--quiet"], capture_output=True, text=True)
    if result.returncode != 0:
        raise SearchIndexError(f"Pagefind không tạo được chỉ mục: {result.stderr.strip() or result.stdout.strip()}")
