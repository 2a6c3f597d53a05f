"""Content security policy for every page, as a <meta> tag.

Static hosts cannot be relied on to send headers, so the policy travels in
the page. Inline scripts (Material's small bootstrap) are allowed by their
SHA-256 hash, computed per page, never by 'unsafe-inline'. The web editor at
/admin/ has a policy of its own (``admin_policy``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from functools import cache

# Opening and closing tags found in two steps, without IGNORECASE: one lazy regex over the
# whole page was most of the time spent here (0.11 → 0.05 ms for a 23 KB page).
_OPEN = re.compile(r"<[sS][cC][rR][iI][pP][tT]([^>]*)>")
_CLOSE = re.compile(r"</[sS][cC][rR][iI][pP][tT]>")
_DATA_TYPE = re.compile(r"""type\s*=\s*["']?application/(ld\+)?json""", re.IGNORECASE)
_CHARSET = re.compile(r"<meta charset=[\"']?utf-8[\"']?>", re.IGNORECASE)


def _scripts(html: str):
    """(attributes, body) of each script element."""
    at = 0
    while (start := _OPEN.search(html, at)) is not None:
        end = _CLOSE.search(html, start.end())
        if end is None:
            return
        yield start.group(1), html[start.end():end.start()]
        at = end.end()


@cache
def _hash(body: str) -> str:
    # The same few inline scripts (Material's) are on every page.
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"


def _inline_hashes(html: str) -> list[str]:
    hashes = set()
    for attrs, body in _scripts(html):
        if "src=" in attrs or _DATA_TYPE.search(attrs) or not body.strip():
            continue  # external files are covered by 'self'; data blocks never run
        hashes.add(_hash(body))
    return sorted(hashes)


def policy(html: str, frame_hosts: frozenset[str] = frozenset(), script_hosts: frozenset[str] = frozenset()) -> str:
    # 'wasm-unsafe-eval': Pagefind's search runs as WebAssembly (only on the search page, but harmless elsewhere).
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *_inline_hashes(html),
                        *(f"https://{h}" for h in sorted(script_hosts))])
    frames = " ".join(f"https://{h}" for h in sorted(frame_hosts)) or "'none'"
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        # Material sets style attributes from its scripts (sidebars, tabs).
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        f"frame-src {frames}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


def add_policy(html: str, frame_hosts: frozenset[str] = frozenset(),
               script_hosts: frozenset[str] = frozenset()) -> str:
    """The page with its policy right after <meta charset>, before any script."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html, frame_hosts, script_hosts)}">'
    match = _CHARSET.search(html)
    if match is None:
        return html
    return html[: match.end()] + "\n    " + meta + html[match.end():]


def admin_policy(connect: Iterable[str]) -> str:
    """The policy of /admin/ (cchc.editor.admin): Decap CMS from 'self', talking only to ``connect``.

    ``connect`` holds the origins Decap calls besides 'self': GitHub's API, the OAuth relay and the
    local backend of `make edit`. Decap compiles its configuration schema with Ajv, which builds
    functions from strings, hence 'unsafe-eval' (no inline script: the page has none); its styles
    are injected at run time (emotion), hence 'unsafe-inline' for styles only. Images: the site's,
    Decap's own data: and blob: previews, and the signed-in editor's GitHub avatar.
    """
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https://avatars.githubusercontent.com",
        "font-src 'self' data:",
        "connect-src " + " ".join(["'self'", *sorted(set(connect))]),
        "worker-src 'self' blob:",
        "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'none'",
    ])
