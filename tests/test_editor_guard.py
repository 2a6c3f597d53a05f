"""`make edit`'s backend edits only content/, only for the preview's own page, only while it runs (issue 16).

The real decap-server runs behind the real guard against a throwaway project
(with hooks/, .git/config and .git/hooks/ to aim at); every request is real
HTTP. A refused write must leave every file in the temporary folder as it was.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import stat
import time
from pathlib import Path

import pytest
from conftest import Project

from cchc.editor import server as editor_server
from cchc.editor.guard import MAX_BODY, EditorBackend

SECRET = "token-that-must-not-leak"
POST_PATH = "content/news/2026/2026-01-02-tin-moi.md"
POST = '---\ntitle: "Tin mới"\ndate: 2026-01-02 08:00\n---\n\nNội dung.\n'
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Guarded:
    def __init__(self, root: Path, port: int, site_port: int, backend: EditorBackend):
        self.root, self.port, self.site_port, self.backend = root, port, site_port, backend
        self.origin = f"http://127.0.0.1:{site_port}"

    def call(self, body: object = None, *, origin: str | None = "", method: str = "POST", path: str = "/api/v1",
             headers: dict[str, str] | None = None, data: bytes | None = None):
        """(status, headers, answer as JSON or bytes); origin "" means the preview's, None none at all."""
        sent = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        if origin is not None:
            sent["Origin"] = origin or self.origin
        if data is None and body is not None:
            data = json.dumps(body).encode()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, path, data, sent)
            response = connection.getresponse()
            raw = response.read()
            try:
                answer = json.loads(raw)
            except ValueError:
                answer = raw
            return response.status, {k.lower(): v for k, v in response.getheaders()}, answer
        finally:
            connection.close()


def persist(path: str, raw: str = POST, **extra) -> dict:
    params = {"branch": "main", "dataFiles": [{"path": path, "slug": "x", "raw": raw}], "assets": [],
              "options": {"commitMessage": "Sửa", "useWorkflow": False, "status": "draft"}, **extra}
    return {"branch": "main", "action": "persistEntry", "params": params}


def action(name: str, **params) -> dict:
    return {"branch": "main", "action": name, "params": {"branch": "main", **params}}


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file and link below ``folder``: size, modification time and link target."""
    found = {}
    for parent, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(parent, name)
            info = path.lstat()
            found[str(path)] = (info.st_size, info.st_mtime_ns, os.readlink(path) if path.is_symlink() else "")
    return found


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    top = tmp_path_factory.mktemp("guard")
    project = Project(top / "site-src", with_demo_content=False)
    root = project.path
    project.post("2024-05-06-tin-cu")
    project.write(".git/config", f"[remote \"origin\"]\n\turl = https://{SECRET}@example.org/repo\n")
    project.write(".git/hooks/pre-commit.sample", "#!/bin/sh\n")
    project.write("cchc/__init__.py", "")
    (root / "content/media").mkdir()
    # Links an editor's folder could hold, aimed at code and secrets outside content/.
    (root / "content/code").symlink_to(root / "hooks", target_is_directory=True)
    (root / "content/news/planted.md").symlink_to(root / "hooks/planted.py")  # dangling
    (root / "content/git-config.yml").symlink_to(root / ".git/config")
    site_port = _free_port()
    with EditorBackend(root, 0, site_port) as backend:
        yield Guarded(root, backend.port, site_port, backend)


@pytest.fixture
def unchanged(guarded):
    """Fails the test if anything in the temporary folder (project and around it) changed."""
    top = guarded.root.parent
    before = snapshot(top)
    yield
    assert snapshot(top) == before


def test_the_preview_page_reads_and_writes_content(guarded):
    for origin in (guarded.origin, f"http://localhost:{guarded.site_port}"):
        status, headers, answer = guarded.call(method="OPTIONS", origin=origin, headers={
            "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
        assert status == 204 and headers["access-control-allow-origin"] == origin
        assert headers["access-control-allow-methods"] == "POST"

        status, headers, answer = guarded.call({"action": "info"}, origin=origin)
        assert status == 200 and headers["access-control-allow-origin"] == origin
        assert answer == {"repo": "site-src", "publish_modes": ["simple"], "type": "local_fs"}

    # A post with an image beside it, as Decap sends it: written where the loaders expect.
    body = persist(POST_PATH)
    body["params"]["assets"] = [{"path": "content/news/2026/anh.png", "content": base64.b64encode(PNG).decode(),
                                 "encoding": "base64"}]
    status, headers, answer = guarded.call(body)
    assert status == 200, answer
    assert (guarded.root / POST_PATH).read_text(encoding="utf-8") == POST
    assert (guarded.root / "content/news/2026/anh.png").read_bytes() == PNG

    # Paths come back relative to the project, as Decap's config names them.
    status, _, entries = guarded.call(action("entriesByFolder", folder="content/news", extension="md", depth=2))
    assert status == 200
    assert {e["file"]["path"] for e in entries} >= {POST_PATH, "content/news/2024/2024-05-06-tin-cu.md"}
    status, _, entry = guarded.call(action("getEntry", path=POST_PATH))
    assert status == 200 and entry["data"] == POST and entry["file"]["path"] == POST_PATH
    status, _, entries = guarded.call(action("entriesByFiles", files=[{"path": "content/categories.yml"}]))
    assert status == 200 and entries[0]["file"]["path"] == "content/categories.yml" and entries[0]["data"]
    status, _, entries = guarded.call(action("entriesByFolder", folder="content", extension="yml", depth=1))
    assert status == 200 and "content/categories.yml" in {e["file"]["path"] for e in entries}

    media = {"path": "content/media/so-do.png", "content": base64.b64encode(PNG).decode(), "encoding": "base64"}
    status, _, answer = guarded.call(action("persistMedia", asset=media, options={"commitMessage": "Tải lên"}))
    assert status == 200 and answer["path"] == "content/media/so-do.png"
    status, _, files = guarded.call(action("getMedia", mediaFolder="content/media"))
    assert status == 200 and [f["path"] for f in files] == ["content/media/so-do.png"]
    status, _, answer = guarded.call(action("getMediaFile", path="content/media/so-do.png"))
    assert status == 200 and base64.b64decode(answer["content"]) == PNG
    status, _, _ = guarded.call(action("deleteFile", path="content/media/so-do.png", options={"commitMessage": "Xoá"}))
    assert status == 200 and not (guarded.root / "content/media/so-do.png").exists()


OTHER_ORIGINS = ["http://127.0.0.1:{other}", "http://localhost:{other}", "http://127.0.0.1:{editor}", "null",
                 "https://127.0.0.1:{site}", "http://evil.example:{site}", "http://127.0.0.1.evil.example:{site}", None]


@pytest.mark.parametrize("template", OTHER_ORIGINS)
def test_another_origin_can_neither_write_nor_read(guarded, unchanged, template):
    origin = template and template.format(other=_free_port(), editor=guarded.port, site=guarded.site_port)
    path = "content/news/2026/2026-03-04-tu-trang-khac.md"
    status, headers, answer = guarded.call(persist(path), origin=origin)
    assert status == 403 and "access-control-allow-origin" not in headers
    assert "xem thử" in answer["error"]
    status, headers, _ = guarded.call(action("getEntry", path="content/categories.yml"), origin=origin)
    assert status == 403 and "access-control-allow-origin" not in headers
    # The browser's preflight is refused too, so it never sends the write at all.
    status, headers, _ = guarded.call(method="OPTIONS", origin=origin, headers={
        "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert status == 403 and "access-control-allow-origin" not in headers


OUTSIDE = [
    "hooks/x.py", "../outside.txt", ".git/hooks/pre-commit", "{root}/hooks/absolute.py", "/tmp/absolute.py",
    "content/../cchc/x.py", "content/./../hooks/x.py", "content/news/../../hooks/x.py", "content\\..\\hooks\\x.py",
    "content/news/x.md\x00/../../../hooks/x.py", "content/.git/hooks/pre-commit", "content/news/.htaccess",
    "content", "content/code/x.py", "content/news/planted.md", "cchc/x.py", "Content/../hooks/x.py",
]


@pytest.mark.parametrize("path", OUTSIDE)
def test_no_write_outside_content(guarded, unchanged, path):
    path = path.format(root=guarded.root)
    status, headers, answer = guarded.call(persist(path))
    assert status == 403, answer
    assert headers["access-control-allow-origin"] == guarded.origin  # so Decap can show the editor why
    assert answer["error"]


@pytest.mark.parametrize("body", [
    # One file outside spoils the whole save: nothing of it is written.
    dict(assets=[{"path": "hooks/x.py", "content": "cHJpbnQoKQ==", "encoding": "base64"}]),
    dict(entry={"path": ".git/hooks/pre-commit", "slug": "x", "raw": "#!/bin/sh\n"}),
], ids=["asset", "entry"])
def test_a_save_with_one_path_outside_writes_nothing(guarded, unchanged, body):
    status, _, _ = guarded.call(persist("content/news/2026/2026-05-06-nua-voi.md", **body))
    assert status == 403


@pytest.mark.parametrize("body", [
    persist("content/news/2026/a.md", dataFiles=[{"path": POST_PATH, "slug": "x", "raw": POST, "newPath": "hooks/site.py"}]),
    action("persistMedia", asset={"path": ".git/hooks/pre-commit", "content": "IyEvYmluL3No", "encoding": "base64"},
           options={"commitMessage": "x"}),
    action("deleteFile", path="hooks/site.py", options={"commitMessage": "x"}),
    action("deleteFiles", paths=["content/categories.yml", "hooks/site.py"], options={"commitMessage": "x"}),
    action("deleteFile", path="content/code/site.py", options={"commitMessage": "x"}),
], ids=["rename-out", "media", "delete", "delete-many", "delete-through-link"])
def test_no_move_upload_or_delete_outside_content(guarded, unchanged, body):
    status, _, _ = guarded.call(body)
    assert status == 403
    assert (guarded.root / "hooks/site.py").is_file() and (guarded.root / "content/categories.yml").is_file()


@pytest.mark.parametrize("body", [
    action("getEntry", path=".git/config"),
    action("getMediaFile", path=".git/config"),
    action("getEntry", path="content/../.git/config"),
    action("getEntry", path="content/git-config.yml"),
    action("entriesByFiles", files=[{"path": "content/categories.yml"}, {"path": ".git/config"}]),
    action("entriesByFolder", folder=".git", extension="", depth=3),
    action("entriesByFolder", folder="content/..", extension="", depth=3),
    action("entriesByFolder", folder=".", extension="config", depth=3),
    action("getMedia", mediaFolder=".git"),
    action("getMedia", mediaFolder="content/code"),
], ids=lambda body: f"{body['action']}:{json.dumps(body['params'], sort_keys=True)[:60]}")
def test_no_read_outside_content(guarded, body):
    status, _, answer = guarded.call(body)
    assert status == 403 and SECRET not in json.dumps(answer)


def test_a_post_moved_to_another_year_moves_alone(guarded):
    """decap-server would move the whole old folder with it: every other post of that year."""
    old, other = "content/news/2025/2025-12-30-doi-nam.md", guarded.root / "content/news/2025/2025-12-31-o-lai.md"
    (guarded.root / old).parent.mkdir(parents=True, exist_ok=True)
    (guarded.root / old).write_text(POST, encoding="utf-8")
    other.write_text(POST, encoding="utf-8")
    new = "content/news/2026/2026-01-05-doi-nam.md"
    status, _, _ = guarded.call(persist(old, dataFiles=[{"path": old, "newPath": new, "slug": "doi-nam", "raw": POST}]))
    assert status == 200
    deadline = time.monotonic() + 10
    while not (guarded.root / new).exists() and time.monotonic() < deadline:  # decap-server moves after answering
        time.sleep(0.05)
    assert (guarded.root / new).read_text(encoding="utf-8") == POST and not (guarded.root / old).exists()
    time.sleep(0.2)
    assert other.is_file() and not (guarded.root / "content/news/2026" / other.name).exists()


def test_decap_server_itself_is_rooted_at_content(guarded, unchanged):
    """Behind the guard's check, decap-server refuses on its own a path that climbs out of content/."""
    status, answer = guarded.backend.server.forward(persist("../hooks/x.py"))
    assert status == 422 and b"must resolve" in answer


@pytest.mark.parametrize("method, path, expected", [
    ("GET", "/api/v1", 405), ("HEAD", "/api/v1", 405), ("PUT", "/api/v1", 405), ("DELETE", "/api/v1", 405),
    ("PATCH", "/api/v1", 405), ("GET", "/", 404), ("GET", "/.git/config", 404), ("POST", "/", 404),
    ("POST", "/api/v1/", 404), ("POST", "/api/v1?action=info", 404), ("POST", "/api/v2", 404),
    ("OPTIONS", "/admin/", 404),
])
def test_only_post_to_the_api(guarded, unchanged, method, path, expected):
    status, _, _ = guarded.call(persist(POST_PATH.replace("tin-moi", "sai-cach")), method=method, path=path)
    assert status == expected


@pytest.mark.parametrize("name", ["unpublishedEntries", "publishUnpublishedEntry", "deleteUnpublishedEntry",
                                  "addNote", "exec", ""])
def test_unknown_actions_are_refused(guarded, name):
    status, _, answer = guarded.call(action(name, collection="tin-tuc", slug="x"))
    assert status == 403 and "không được phép" in answer["error"]


@pytest.mark.parametrize("headers, data, expected", [
    ({"Content-Type": "text/plain"}, json.dumps(persist(POST_PATH)).encode(), 415),  # a form needs no preflight
    ({}, b"{not json", 400),
    ({}, b"[]", 400),
    ({}, json.dumps({"action": "persistEntry", "params": []}).encode(), 400),
    ({"Host": "evil.example"}, json.dumps({"action": "info"}).encode(), 403),  # DNS rebinding
    ({"Host": "127.0.0.1.evil.example"}, json.dumps({"action": "info"}).encode(), 403),
], ids=["text-plain", "not-json", "not-object", "bad-params", "rebinding", "rebinding-prefix"])
def test_malformed_requests_are_refused(guarded, unchanged, headers, data, expected):
    status, _, _ = guarded.call(headers=headers, data=data)
    assert status == expected


def test_oversized_body_is_refused_before_it_is_read(guarded):
    connection = http.client.HTTPConnection("127.0.0.1", guarded.port, timeout=20)
    try:
        connection.putrequest("POST", "/api/v1")
        for name, value in (("Content-Type", "application/json"), ("Origin", guarded.origin),
                            ("Content-Length", str(MAX_BODY + 1))):
            connection.putheader(name, value)
        connection.endheaders(b"{}")  # the rest never comes: the answer must not wait for it
        response = connection.getresponse()
        assert response.status == 413 and "MB" in json.loads(response.read())["error"]
    finally:
        connection.close()


def _socket_inodes(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[len("socket:["):-1])
    return found


def _tcp_listeners() -> dict[str, tuple[str, int]]:
    """Listening TCP sockets of this machine: inode -> (hex address, port)."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port = fields[1].split(":")
            if fields[3] == "0A":  # LISTEN
                found[fields[9]] = (address, int(port, 16))
    return found


def test_backend_is_reachable_only_through_the_guard_and_only_while_it_runs(tmp_path):
    project = Project(tmp_path / "site-src", with_demo_content=False)
    backend = EditorBackend(project.path, 0, _free_port())
    backend.start()
    try:
        process, unix_socket = backend.process, Path(backend.socket_path)
        # decap-server has no TCP port at all: its Unix socket is in a folder only this user can open.
        assert _socket_inodes(process.pid) and not _socket_inodes(process.pid) & set(_tcp_listeners())
        assert unix_socket.is_socket() and stat.S_IMODE(unix_socket.parent.stat().st_mode) == 0o700
        # The guard itself listens on 127.0.0.1 only.
        assert {address for address, port in _tcp_listeners().values() if port == backend.port} == {"0100007F"}
        port = backend.port
    finally:
        backend.stop()
    assert process.returncode is not None and not unix_socket.parent.exists()
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=5):
        pass


def test_make_edit_runs_the_guard_only_while_the_preview_runs(tmp_path, monkeypatch):
    project = Project(tmp_path / "site-src", with_demo_content=False)
    editor_port, site_port = _free_port(), _free_port()
    seen = []

    def preview(command, cwd):  # stands in for `mkdocs serve`, and edits while it "runs"
        assert command[-1] == f"127.0.0.1:{site_port}"
        client = Guarded(project.path, editor_port, site_port, None)
        seen.append(client.call(persist(POST_PATH))[0])
        seen.append(client.call(persist(POST_PATH), origin=f"http://127.0.0.1:{editor_port + 1}")[0])
        return 0

    monkeypatch.setattr(editor_server.subprocess, "call", preview)
    assert editor_server.run_editor(project.path, editor_port, site_port) == 0
    assert seen == [200, 403] and (project.path / POST_PATH).read_text(encoding="utf-8") == POST
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", editor_port), timeout=5):
        pass


def test_make_edit_stops_when_the_editor_port_is_taken(tmp_path, monkeypatch, capsys):
    project = Project(tmp_path / "site-src", with_demo_content=False)
    monkeypatch.setattr(editor_server.subprocess, "call", lambda *a, **k: pytest.fail("preview started"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert editor_server.run_editor(project.path, taken.getsockname()[1], _free_port()) == 1
    assert "Không mở được trang biên tập trên cổng" in capsys.readouterr().err
