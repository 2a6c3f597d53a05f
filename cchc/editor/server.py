"""``make edit``: the live preview and the web editor's local backend, both on 127.0.0.1 only.

The editor at /admin/ (Sveltia CMS) signs in to a small Gitea-compatible API
over this working copy's ``content/`` (cchc/editor/localgit.py), with a token
made for this run and printed here, so a department can try the editor in any
browser without an account; each save is written to disk and committed, and
``mkdocs serve`` rebuilds the preview. The API answers only the preview's own
page, only inside ``content/`` and only while this command runs
(cchc/editor/guard.py).
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

from cchc.core.settings import EditorSettings
from cchc.editor.guard import LOCAL_HOST, GuardError
from cchc.editor.localgit import EditorBackend


def sign_in_link(site_port: int, token: str) -> str:
    """The editor's address that signs in with ``token`` by itself (Sveltia's #/signin/ link)."""
    data = base64.b64encode(json.dumps({"token": token}).encode()).decode("ascii")
    return f"http://{LOCAL_HOST}:{site_port}/admin/#/signin/{data}"


def run_editor(root: Path, editor_port: int = EditorSettings.local_port, site_port: int = 8000) -> int:
    backend = EditorBackend(root, editor_port, site_port)
    try:
        backend.start()
    except GuardError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Trang biên tập: http://{LOCAL_HOST}:{site_port}/admin/\n"
          f"  Đăng nhập bằng mã truy cập: {backend.token}\n"
          "  (bấm “Đăng nhập bằng mã truy cập”, dán mã trên; mỗi lần chạy `make edit` có một mã mới)\n"
          f"  Hoặc mở thẳng địa chỉ đã kèm mã: {sign_in_link(site_port, backend.token)}\n"
          f"Xem thử trang:  http://{LOCAL_HOST}:{site_port}/\n"
          "Trang biên tập chỉ đọc, ghi được trong content/, và chỉ khi mở từ địa chỉ xem thử trên;\n"
          "mỗi lần lưu ghi tệp vào máy và tạo một commit trên nhánh hiện tại (xem bằng `git log`).\nDừng: Ctrl+C",
          flush=True)
    try:
        return subprocess.call([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"{LOCAL_HOST}:{site_port}"],
                               cwd=root)
    except KeyboardInterrupt:
        return 0
    finally:
        backend.stop()
