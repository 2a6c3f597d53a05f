"""``make edit``: the live preview and the web editor's local backend, both on 127.0.0.1 only.

decap-server (npm, pinned) reads and writes the files of this working copy
for the editor at /admin/, so a department can try the editor without a
GitHub account; ``mkdocs serve`` rebuilds the preview on every save.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cchc.core.layout import NODE_MODULES
from cchc.core.settings import EditorSettings
from cchc.editor.cms import LOCAL_HOST

DECAP_SERVER = NODE_MODULES / "decap-server" / "dist" / "index.js"


def server_command(root: Path, port: int) -> tuple[list[str], dict[str, str]]:
    """decap-server bound to 127.0.0.1 (it listens on every interface unless told)."""
    env = {
        **os.environ,
        "BIND_HOST": LOCAL_HOST,
        "PORT": str(port),
        "GIT_REPO_DIRECTORY": str(root),
        "MODE": "fs",  # write files only; the editor reviews and commits them (see the guide)
    }
    return ["node", str(DECAP_SERVER)], env


def run_editor(root: Path, editor_port: int = EditorSettings.local_port, site_port: int = 8000) -> int:
    if not DECAP_SERVER.is_file():
        print(f"Thiếu decap-server ({DECAP_SERVER}); chạy `make edit` để cài gói npm đã ghim.", file=sys.stderr)
        return 1
    command, env = server_command(root, editor_port)
    backend = subprocess.Popen(command, cwd=root, env=env)
    print(f"Trang biên tập: http://{LOCAL_HOST}:{site_port}/admin/  (bấm “Đăng nhập”, không cần tài khoản)\n"
          f"Xem thử trang:  http://{LOCAL_HOST}:{site_port}/\nDừng: Ctrl+C", flush=True)
    try:
        return subprocess.call([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"{LOCAL_HOST}:{site_port}"],
                               cwd=root)
    except KeyboardInterrupt:
        return 0
    finally:
        backend.terminate()
        backend.wait(timeout=10)
