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
from html import unescape
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


# One token of HTML after the indexed element opens: a script/style element or a comment
# (skipped whole), or a tag (quoted attribute values may contain ">").
_TOKEN = re.compile(
    r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->"
    r"|<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.S | re.I,
)


def _indexed_text(html: str, start: int) -> str:
    """Text Pagefind indexes: from the body element opening at ``start`` to its end,
    minus data-pagefind-ignore subtrees.

    A regex walk, not html.parser: this runs on every page of every build, and the
    parser was a sixth of the build time on a 750-page site.
    """
    parts: list[str] = []
    depth, ignored_at, at = 1, 0, start
    for token in _TOKEN.finditer(html, start):
        if not ignored_at:
            parts.append(html[at:token.start()])
        at = token.end()
        closing, tag, attrs = token.group(2), token.group(3), token.group(4)
        if tag is None or tag.lower() in _VOID or attrs.endswith("/"):
            continue
        if closing:
            if ignored_at == depth:
                ignored_at = 0
            depth -= 1
            if depth == 0:
                break
        else:
            depth += 1
            if not ignored_at and IGNORE in attrs:
                ignored_at = depth
    return unescape(" ".join(parts))


def d_variants(html: str) -> str:
    """Words of the indexed part containing đ, spelt with d instead."""
    tag = _BODY_TAG.search(html)
    return _variants(_indexed_text(html, tag.end())) if tag else ""


def _variants(text: str) -> str:
    words = _WORD.findall(text)
    return " ".join(dict.fromkeys(w.lower().replace("đ", "d") for w in words))  # Pagefind lowercases anyway


def add_d_variants(html: str) -> str:
    """Insert the d-spellings right inside the indexed element, hidden, at low weight."""
    tag = _BODY_TAG.search(html)
    if tag is None:
        return html
    variants = _variants(_indexed_text(html, tag.end()))
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
