"""The rules of the only door to the working copy while ``make edit`` runs.

The editor's local backend (cchc/editor/localgit.py) answers on a TCP port of
this machine, and any page open in a browser here can send it requests. It
holds to these rules, so that no other page can plant code that the next build
runs, nor read anything beside the content:

* it listens on 127.0.0.1 only, and answers only requests addressed to this
  machine by name (the Host header ``127.0.0.1:<port>`` or ``localhost:<port>``),
  so a page on another name that resolves here (DNS rebinding) is refused;
* it answers only the preview's own page (the Origin ``http://127.0.0.1:<site_port>``
  or ``http://localhost:<site_port>``), and gives CORS to that origin alone;
* every call but the browser's preflight carries the token printed by this run
  of ``make edit`` (compared in constant time), so even a page of the preview's
  origin cannot act unless the editor signed in with it;
* writes are ``application/json`` no larger than ``MAX_BODY``;
* every path it reads, lists, writes, moves or deletes lies under ``content/``:
  relative, no NUL, control characters or backslashes, no segment starting with
  a dot (``..``, ``.git``) and, symlinks resolved, still inside ``content/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cchc.core.layout import CONTENT

LOCAL_HOST = "127.0.0.1"  # where `make edit` serves the preview and the editor's backend

# Sveltia sends a file base64-encoded inside the JSON (4/3 of its size): this admits a scanned
# decision of 30 MB (40 MB once encoded) with room for the JSON around it.
MAX_BODY = 48 * 1024 * 1024


class Refused(Exception):
    """A request the backend will not serve; the message is shown to the editor by the CMS."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class GuardError(RuntimeError):
    """The backend could not start; the message is for the person who ran `make edit`."""


def preview_origins(site_port: int) -> frozenset[str]:
    """The origins the editor page is opened from: the preview, by address or by name."""
    return frozenset({f"http://{LOCAL_HOST}:{site_port}", f"http://localhost:{site_port}"})


def local_hosts(port: int) -> frozenset[str]:
    """The Host headers a request to the backend on ``port`` of this machine carries."""
    return frozenset({f"{LOCAL_HOST}:{port}", f"localhost:{port}"})


def content_path(value: Any, content_dir: Path, *, file: bool) -> str:
    """A path the editor sent (relative to the project) as one relative to ``content/``.

    Refused unless it names ``content/`` itself (folders only) or something below it,
    once symlinks are followed. Odd spellings are refused rather than normalised: the
    CMS only ever sends plain ``content/…`` paths.
    """
    if not isinstance(value, str) or not value:
        raise Refused(400, "Yêu cầu thiếu đường dẫn tệp.")
    shown = value.encode("unicode_escape").decode("ascii")
    if any(ord(char) < 0x20 or char in "\\\x7f" for char in value):
        raise Refused(403, f"Đường dẫn có ký tự không hợp lệ: {shown}")
    parts = [part for part in value.split("/") if part]  # "content//news/" is content/news
    if value.startswith("/") or not parts or parts[0] != CONTENT:
        raise Refused(403, f"Trang biên tập chỉ được đọc, ghi trong thư mục {CONTENT}/: {shown}")
    if any(part.startswith(".") for part in parts):  # "..", ".", ".git", hidden files
        raise Refused(403, f"Đường dẫn không được chứa “..” hay tên bắt đầu bằng dấu chấm: {shown}")
    inside = parts[1:]
    if file and not inside:
        raise Refused(403, f"Đường dẫn phải là một tệp trong {CONTENT}/: {shown}")
    real_content = Path(os.path.realpath(content_dir))
    # realpath follows every symlink that exists, dangling ones included, so a link in
    # content/ pointing at hooks/ or /etc shows up here as a path outside content/
    # (and one pointing at a hidden file of content/ as a hidden file).
    real = Path(os.path.realpath(content_dir.joinpath(*inside)))
    if not real.is_relative_to(real_content) or any(p.startswith(".") for p in real.relative_to(real_content).parts):
        raise Refused(403, f"Đường dẫn trỏ ra ngoài thư mục {CONTENT}/ (liên kết tượng trưng): {shown}")
    return "/".join(inside) or "."


def __getattr__(name: str) -> Any:
    # `from cchc.editor.guard import EditorBackend` still works: the backend now lives in localgit.
    if name == "EditorBackend":
        from cchc.editor.localgit import EditorBackend

        return EditorBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
