"""``make edit``: the live preview and the web editor's local backend, both on 127.0.0.1 only.

decap-server (npm, pinned) reads and writes ``content/`` for the editor at
/admin/, so a department can try the editor without a GitHub account;
``mkdocs serve`` rebuilds the preview on every save. decap-server is reached
only through the guard (cchc/editor/guard.py): from the preview's own page,
inside ``content/``, and only while this command runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cchc.core.settings import EditorSettings
from cchc.editor.cms import LOCAL_HOST
from cchc.editor.guard import EditorBackend, GuardError


def run_editor(root: Path, editor_port: int = EditorSettings.local_port, site_port: int = 8000) -> int:
    backend = EditorBackend(root, editor_port, site_port)
    try:
        backend.start()
    except GuardError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Trang biên tập: http://{LOCAL_HOST}:{site_port}/admin/  (bấm “Đăng nhập”, không cần tài khoản)\n"
          f"Xem thử trang:  http://{LOCAL_HOST}:{site_port}/\n"
          "Trang biên tập chỉ ghi được vào content/, và chỉ khi mở từ địa chỉ xem thử trên.\nDừng: Ctrl+C",
          flush=True)
    try:
        return subprocess.call([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"{LOCAL_HOST}:{site_port}"],
                               cwd=root)
    except KeyboardInterrupt:
        return 0
    finally:
        backend.stop()
