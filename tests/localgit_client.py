"""A client of `make edit`'s local Gitea API that sends what Sveltia CMS sends, and a project to aim it at.

Shared by test_localgit.py (what the editor reads and saves) and test_editor_guard.py (what it
refuses). Every call is real HTTP to the real server on 127.0.0.1.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from conftest import Project

from cchc.editor.localgit import LOCAL_REPO, EditorBackend

REPO = f"/repos/{LOCAL_REPO}"
BRANCH = "nhanh-thu"  # not main: the default branch is the working copy's own
POST_PATH = "content/news/2026/2026-01-02-tin-moi.md"
POST = '---\ntitle: "Tin mới"\ndate: 2026-01-02 08:00\n---\n\nNội dung.\n'
OLD_POST = "content/news/2024/2024-05-06-tin-cu.md"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
SECRET = "token-that-must-not-leak"
EDITOR = ("Biên Tập Thử", "bien-tap@so-y-te.example")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def make_project(folder: Path, *, repository: bool = True) -> Project:
    """A throwaway project with a post, an image, hidden files and links aimed out of content/, committed."""
    project = Project(folder, with_demo_content=False)
    root = project.path
    project.post(OLD_POST.rsplit("/", 1)[1][:-3])
    project.write("content/news/2024/anh.png", PNG)
    project.write("content/.hidden.yml", f"secret: {SECRET}\n")
    project.write("content/news/.nhap/ban-nhap.md", f"{SECRET}\n")
    project.write("cchc/__init__.py", "")
    (root / "content/media").mkdir()
    if repository:
        git(root, "init", "--quiet", f"--initial-branch={BRANCH}")
        git(root, "config", "user.name", EDITOR[0])
        git(root, "config", "user.email", EDITOR[1])
        git(root, "config", "remote.origin.url", f"https://{SECRET}@example.org/repo")
        git(root, "add", "--all")
        git(root, "commit", "--quiet", "--no-verify", "-m", "Bản đầu")
    # Links an editor's folder could hold: out to code and secrets, and one harmless inside.
    (root / "content/code").symlink_to(root / "hooks", target_is_directory=True)
    (root / "content/news/planted.md").symlink_to(root / "hooks/planted.py")  # dangling
    (root / "content/git-config.yml").symlink_to(root / ".git/config")
    (root / "content/an-hidden.yml").symlink_to(root / "content/.hidden.yml")
    (root / "content/ban-sao.yml").symlink_to(root / "content/categories.yml")
    return project


class Client:
    """Talks to one running backend as the editor page at the preview's origin does."""

    def __init__(self, backend: EditorBackend, root: Path):
        self.backend, self.root, self.port = backend, root, backend.port
        self.origin = f"http://127.0.0.1:{backend.site_port}"
        self.token = backend.token

    def call(self, method: str, path: str, body: Any = None, *, origin: str | None = "", token: str | None = "",
             headers: dict[str, str] | None = None, data: bytes | None = None,
             api: bool = True) -> tuple[int, dict[str, str], Any]:
        """(status, headers, answer as JSON or bytes) of ``path`` under /api/v1 (or as it is, api=False).

        ``origin`` and ``token``: "" sends the right ones, None none at all.
        """
        sent: dict[str, str] = {"Accept": "application/json"}
        if origin is not None:
            sent["Origin"] = origin or self.origin
        if token is not None:
            sent["Authorization"] = f"token {token or self.token}"
        if data is None and body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, f"/api/v1{path}" if api else path, data, sent)
            response = connection.getresponse()
            raw = response.read()
            try:
                answer = json.loads(raw)
            except ValueError:
                answer = raw
            return response.status, {k.lower(): v for k, v in response.getheaders()}, answer
        finally:
            connection.close()

    def get(self, path: str, **options: Any) -> Any:
        status, _, answer = self.call("GET", path, **options)
        assert status == 200, (status, answer)
        return answer

    def listing(self) -> dict[str, dict[str, Any]]:
        """Every file the editor sees, fetched page by page as Sveltia's fetchFileList does."""
        ref = self.get(f"{REPO}/branches/{BRANCH}")["commit"]["id"]
        found, page = [], 1
        while True:
            answer = self.get(f"{REPO}/git/trees/{ref}?recursive=1&page={page}")
            found += answer["tree"]
            if not answer["truncated"]:
                return {entry["path"]: entry for entry in found if entry["type"] == "blob"}
            page += 1

    def save(self, files: list[dict[str, Any]], message: str = "Sửa tin bài “tin-moi”", **extra: Any):
        body = {"branch": BRANCH, "author": {"name": "x", "email": "x@x"}, "committer": {"name": "x", "email": "x@x"},
                "dates": {"author": "2026-01-02T00:00:00Z", "committer": "2026-01-02T00:00:00Z"},
                "message": message, "files": files, **extra}
        return self.call("POST", f"{REPO}/contents", body)


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file and link below ``folder``: size, modification time and link target."""
    found = {}
    for parent, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(parent, name)
            info = path.lstat()
            found[str(path)] = (info.st_size, info.st_mtime_ns, os.readlink(path) if path.is_symlink() else "")
    return found
