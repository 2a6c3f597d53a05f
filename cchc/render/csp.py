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


def scripts(html: str):
    """(attributes, body) of each script element."""
    at = 0
    while (start := _OPEN.search(html, at)) is not None:
        end = _CLOSE.search(html, start.end())
        if end is None:
            return
        yield start.group(1), html[start.end():end.start()]
        at = end.end()


@cache
def script_hash(body: str) -> str:
    # The same few inline scripts (Material's) are on every page.
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"


def inline_hashes(html: str) -> list[str]:
    hashes = set()
    for attrs, body in scripts(html):
        if "src=" in attrs or _DATA_TYPE.search(attrs) or not body.strip():
            continue  # external files are covered by 'self'; data blocks never run
        hashes.add(script_hash(body))
    return sorted(hashes)


def policy(html: str, frame_hosts: frozenset[str] = frozenset(), script_hosts: frozenset[str] = frozenset()) -> str:
    # 'wasm-unsafe-eval': Pagefind's search runs as WebAssembly (only on the search page, but harmless elsewhere).
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *inline_hashes(html),
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
    return html[: match.end()] + "\n" + meta + html[match.end():]


_SCRIPT_SRC = re.compile(r'(<meta http-equiv="Content-Security-Policy" content="[^"]*?\bscript-src )')


def allow_script(html: str, script: str) -> str:
    """The page, its policy allowing one more inline script (``script``: the element's text) by its hash.

    For the live preview only: `mkdocs serve` adds its reload script to each page as it serves it, with
    numbers of that request in it, so no build can know its hash. Allowing that one script keeps every
    other rule of the published page in the preview (not 'unsafe-inline', which would hide a page whose
    own inline script the published policy blocks).
    """
    token = script_hash.__wrapped__(script)  # not cached: every request's script differs
    return _SCRIPT_SRC.sub(lambda match: match.group(1) + token + " ", html, count=1)


def admin_policy(connect: Iterable[str], images: Iterable[str] = ()) -> str:
    """The policy of /admin/ (cchc.editor.admin): Sveltia CMS from 'self', talking only to ``connect``.

    ``connect`` holds the origins the editor calls besides 'self' (config.yml, its own files): the
    backend's API (GitHub, GitLab or Gitea), the PKCE token host, and the local backend of
    `make edit`. ``images``: where the signed-in editor's avatar comes from.
    Scripts: only files of the site, no 'unsafe-eval' (Sveltia builds no function from text) and no
    inline script (the page has none); 'wasm-unsafe-eval' because it decodes HEIC photos and
    encodes WebP with WebAssembly, compiled from files of the site. Styles: Svelte injects each
    component's <style> and sets style attributes, hence 'unsafe-inline' for styles only.
    Images: data: and blob: are its own icons, the app icon it draws from the logo, and previews of
    files read from the repository. Frames: blob: only, the preview of a PDF from the repository.
    Workers: the HEIC decoder, a file of the site.
    """
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src " + " ".join(["'self'", "data:", "blob:", *sorted(set(images))]),
        "font-src 'self'",
        "connect-src " + " ".join(["'self'", "data:", *sorted(set(connect))]),
        "worker-src 'self'",
        "frame-src blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'none'",
    ])
