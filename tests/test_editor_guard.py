"""`make edit`'s backend edits only content/, only for the preview's own page signed in with this run's
token, only while it runs (issue 16; cchc/editor/guard.py).

The real server runs against a throwaway git project (with hooks/, .git/config and .git/hooks/ to aim
at, hidden files and symlinks out of content/); every request is real HTTP. A refused request must
leave every file in the temporary folder as it was.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket

import pytest
from localgit_client import (
    BRANCH,
    OLD_POST,
    POST,
    POST_PATH,
    REPO,
    SECRET,
    Client,
    b64,
    make_project,
    snapshot,
)
from serving import free_port

from cchc.editor import server as editor_server
from cchc.editor.guard import MAX_BODY
from cchc.editor.localgit import EditorBackend


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("guard") / "site-src")
    with EditorBackend(project.path, 0, free_port()) as backend:
        yield Client(backend, project.path)


@pytest.fixture
def unchanged(guarded):
    """Fails the test if anything in the temporary folder (project, .git and around it) changed."""
    top = guarded.root.parent
    before = snapshot(top)
    yield
    assert snapshot(top) == before


def create(path: str, text: str = POST) -> dict:
    return {"operation": "create", "path": path, "content": b64(text)}


def preflight(client: Client, origin: str | None, method: str = "POST", headers: str = "authorization,content-type"):
    return client.call("OPTIONS", f"{REPO}/contents", origin=origin, token=None, headers={
        "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers})


def test_the_preview_page_signed_in_reads_and_writes(guarded):
    for origin in (guarded.origin, f"http://localhost:{guarded.backend.site_port}"):
        status, headers, _ = preflight(guarded, origin)
        assert status == 204 and headers["access-control-allow-origin"] == origin
        assert "Authorization" in headers["access-control-allow-headers"]
        status, headers, user = guarded.call("GET", "/user", origin=origin)
        assert status == 200 and headers["access-control-allow-origin"] == origin and user["login"]
    status, _, _ = preflight(guarded, guarded.origin, "GET", "authorization")
    assert status == 204
    path = "content/news/2026/2026-03-04-tu-trang-xem-thu.md"
    status, _, answer = guarded.save([create(path)])
    assert status == 201, answer
    assert (guarded.root / path).read_text(encoding="utf-8") == POST


OTHER_ORIGINS = ["http://127.0.0.1:{other}", "http://localhost:{other}", "http://127.0.0.1:{editor}", "null",
                 "https://127.0.0.1:{site}", "http://evil.example:{site}", "http://127.0.0.1.evil.example:{site}",
                 "http://[::1]:{site}", None]


@pytest.mark.parametrize("template", OTHER_ORIGINS)
def test_another_origin_can_neither_write_nor_read(guarded, unchanged, template):
    """Even with the token: a page elsewhere on this machine gets no answer it could read."""
    origin = template and template.format(other=free_port(), editor=guarded.port, site=guarded.backend.site_port)
    status, headers, answer = guarded.call("POST", f"{REPO}/contents", {"branch": BRANCH, "message": "x", "files": [
        create("content/news/2026/2026-03-04-tu-trang-khac.md")]}, origin=origin)
    assert status == 403 and "access-control-allow-origin" not in headers
    assert "xem thử" in answer["message"]
    for path in ("/user", f"{REPO}/git/trees/{BRANCH}?recursive=1", f"{REPO}/media/{BRANCH}/{OLD_POST}"):
        status, headers, answer = guarded.call("GET", path, origin=origin)
        assert status == 403 and "access-control-allow-origin" not in headers and b"title" not in json.dumps(
            answer).encode()
    # The browser's preflight is refused too, so it never sends the write at all.
    status, headers, _ = preflight(guarded, origin)
    assert status == 403 and "access-control-allow-origin" not in headers


TOKENS = [None, "sai-ma", "{token}x", "{short}", "", "Basic {token}", "token{token}"]


@pytest.mark.parametrize("template", TOKENS, ids=["none", "wrong", "longer", "prefix", "empty", "basic", "glued"])
def test_without_this_runs_token_nothing_is_answered(guarded, unchanged, template):
    headers = {}
    if template is not None:
        value = template.format(token=guarded.token, short=guarded.token[:-1])
        headers["Authorization"] = value if value.startswith(("Basic", "token")) else f"token {value}"
    for method, path, body in (("GET", "/user", None), ("GET", f"{REPO}/git/trees/{BRANCH}?recursive=1", None),
                               ("POST", f"{REPO}/file-contents", {"files": [OLD_POST]}),
                               ("POST", f"{REPO}/contents", {"branch": BRANCH, "message": "x", "files": [
                                   create("content/news/2026/2026-03-04-khong-ma.md")]})):
        status, response_headers, answer = guarded.call(method, path, body, token=None, headers=headers)
        assert status == 401 and "make edit" in answer["message"], (method, path, answer)
        assert response_headers["access-control-allow-origin"] == guarded.origin  # the editor says "wrong token"


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example:{port}", "evil.example:{port}",
                                  "127.0.0.1:{other}", "localhost", ""])
def test_a_page_on_another_name_is_refused(guarded, unchanged, host):
    """DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 sends its own Host."""
    host = host.format(port=guarded.port, other=free_port())
    status, headers, _ = guarded.call("GET", "/user", headers={"Host": host})
    assert status == 403 and "access-control-allow-origin" not in headers
    status, _, _ = guarded.call("POST", f"{REPO}/contents", {"branch": BRANCH, "message": "x", "files": [
        create("content/news/2026/2026-03-04-doi-ten-mien.md")]}, headers={"Host": host})
    assert status == 403


OUTSIDE = [
    "hooks/x.py", "../outside.txt", ".git/hooks/pre-commit", "{root}/hooks/absolute.py", "/tmp/absolute.py",
    "content/../cchc/x.py", "content/./../hooks/x.py", "content/news/../../hooks/x.py", "content\\..\\hooks\\x.py",
    "content/news/x.md\x00/../../../hooks/x.py", "content/.git/hooks/pre-commit", "content/news/.htaccess",
    "content", "content/code/x.py", "content/news/planted.md", "cchc/x.py", "Content/../hooks/x.py",
    "content/git-config.yml", "content/an-hidden.yml", "content/news/.nhap/ban-nhap.md", "content/news/x\x1b.md",
    "mkdocs.yml", "", 7,
]


@pytest.mark.parametrize("path", OUTSIDE)
@pytest.mark.parametrize("operation", ["create", "update", "delete", "rename-to", "rename-from"])
def test_no_write_outside_content(guarded, unchanged, path, operation):
    path = path.format(root=guarded.root) if isinstance(path, str) else path
    sha = "0" * 40
    change = {
        "create": {"operation": "create", "path": path, "content": b64("print()")},
        "update": {"operation": "update", "path": path, "content": b64("print()"), "sha": sha},
        "delete": {"operation": "delete", "path": path, "sha": sha},
        "rename-to": {"operation": "update", "path": path, "from_path": OLD_POST, "content": b64("x"), "sha": sha},
        "rename-from": {"operation": "update", "path": "content/x.md", "from_path": path, "content": b64("x"),
                        "sha": sha},
    }[operation]
    status, headers, answer = guarded.save([change])
    assert status in (400, 403) or (path == "" and operation == "rename-from" and status == 404), answer
    assert headers["access-control-allow-origin"] == guarded.origin  # so the editor can show why
    assert answer["message"]


@pytest.mark.parametrize("outside", [".git/hooks/pre-commit", "hooks/x.py", "content/code/site.py"])
def test_a_save_with_one_path_outside_writes_nothing(guarded, unchanged, outside):
    status, _, _ = guarded.save([create("content/news/2026/2026-05-06-nua-voi.md"), create(outside, "#!/bin/sh\n")])
    assert status == 403


def test_a_save_through_a_folder_link_is_refused(guarded, unchanged):
    sha = "0" * 40
    for change in ({"operation": "delete", "path": "content/code/site.py", "sha": sha},
                   create("content/code/moi/x.py")):
        status, _, _ = guarded.save([change])
        assert status == 403
    assert (guarded.root / "hooks").is_dir()


@pytest.mark.parametrize("method, path, body", [
    ("POST", f"{REPO}/file-contents", {"files": [".git/config"]}),
    ("POST", f"{REPO}/file-contents", {"files": ["content/../.git/config"]}),
    ("POST", f"{REPO}/file-contents", {"files": ["content/git-config.yml"]}),
    ("POST", f"{REPO}/file-contents", {"files": ["content/an-hidden.yml"]}),
    ("POST", f"{REPO}/file-contents", {"files": ["content/.hidden.yml"]}),
    ("POST", f"{REPO}/file-contents", {"files": ["content/categories.yml", ".git/config"]}),
    ("POST", f"{REPO}/file-contents", {"files": ["mkdocs.yml"]}),
    ("GET", f"{REPO}/media/{BRANCH}/.git/config", None),
    ("GET", f"{REPO}/media/{BRANCH}/content/git-config.yml", None),
    ("GET", f"{REPO}/media/{BRANCH}/content/%2E%2E/.git/config", None),
    ("GET", f"{REPO}/media/{BRANCH}/content/news/.nhap/ban-nhap.md", None),
    ("GET", f"{REPO}/media/{BRANCH}/content/code/../../.git/config", None),
    ("GET", f"{REPO}/commits?sha={BRANCH}&path=.git", None),
    ("GET", f"{REPO}/commits?sha={BRANCH}&path=hooks", None),
    ("GET", f"{REPO}/git/trees/..?recursive=1", None),
], ids=lambda value: str(value)[:60] if value else "")
def test_no_read_outside_content(guarded, unchanged, method, path, body):
    status, _, answer = guarded.call(method, path, body)
    assert status in (403, 404), answer
    assert SECRET not in json.dumps(answer, default=str)


def test_the_listing_holds_only_visible_files_of_content(guarded):
    listing = guarded.listing()
    assert OLD_POST in listing and "content/ban-sao.yml" in listing  # a link inside content/ is a file
    for path in listing:
        parts = path.split("/")
        assert parts[0] == "content" and not any(part.startswith(".") for part in parts), path
    assert not {"content/code", "content/news/planted.md", "content/git-config.yml", "content/an-hidden.yml"} & set(
        listing) and not any(path.startswith("content/code/") for path in listing)
    assert SECRET not in json.dumps(listing)


@pytest.mark.parametrize("method, path, expected", [
    ("PUT", f"{REPO}/contents", 405), ("DELETE", f"{REPO}/contents", 405), ("PATCH", f"{REPO}/contents", 405),
    ("GET", f"{REPO}/contents", 405), ("POST", "/user", 405), ("POST", f"{REPO}/git/trees/{BRANCH}", 405),
    ("GET", f"{REPO}/contents/{OLD_POST}", 404), ("GET", "/repos/other/repo", 404),
    ("GET", "/repos/may-nay/noi-dung/raw/x", 404), ("GET", "/admin/users", 404), ("GET", f"{REPO}/branches/main", 404),
    ("POST", "/api/v2/user", 404),
])
def test_only_the_calls_sveltia_makes(guarded, unchanged, method, path, expected):
    body = {"branch": BRANCH, "message": "x", "files": [create("content/news/2026/2026-07-08-sai-cach.md")]}
    status, _, _ = guarded.call(method, path, body if method != "GET" else None)
    assert status == expected


def test_another_address_is_no_page(guarded, unchanged):
    """Sveltia links to …/user/settings/applications to make a token: the page says where it is."""
    for path in ("/", "/user/settings/applications", "/.git/config"):
        status, headers, text = guarded.call("GET", path, origin=None, token=None, api=False)
        assert status == 404 and "make edit" in text.decode() and SECRET not in text.decode()
        assert "access-control-allow-origin" not in headers


@pytest.mark.parametrize("headers, data, expected", [
    ({"Content-Type": "text/plain"}, json.dumps({"files": [create(POST_PATH)]}).encode(), 415),
    ({}, b"{not json", 400),
    ({}, b"[]", 422),
    ({}, json.dumps({"branch": BRANCH, "files": []}).encode(), 422),
    ({}, json.dumps({"branch": BRANCH, "files": "content/x.md"}).encode(), 422),
    ({}, json.dumps({"branch": "main", "files": [create(POST_PATH)]}).encode(), 404),
    ({}, json.dumps({"branch": BRANCH, "new_branch": "x", "files": [create(POST_PATH)]}).encode(), 422),
    ({}, json.dumps({"branch": BRANCH, "message": "a\x00b", "files": [create(POST_PATH)]}).encode(), 422),
    ({}, json.dumps({"branch": BRANCH, "files": [create(POST_PATH), create(POST_PATH)]}).encode(), 422),
], ids=["text-plain", "not-json", "not-object", "no-files", "files-not-list", "other-branch", "new-branch",
        "nul-message", "twice"])
def test_malformed_saves_are_refused(guarded, unchanged, headers, data, expected):
    status, _, answer = guarded.call("POST", f"{REPO}/contents", headers=headers, data=data)
    assert status == expected, answer


def test_a_get_with_a_body_is_refused(guarded, unchanged):
    status, _, _ = guarded.call("GET", "/user", headers={"Content-Type": "application/json"}, data=b"{}")
    assert status == 400


def test_oversized_body_is_refused_before_it_is_read(guarded, unchanged):
    connection = http.client.HTTPConnection("127.0.0.1", guarded.port, timeout=20)
    try:
        connection.putrequest("POST", f"/api/v1{REPO}/contents")
        for name, value in (("Content-Type", "application/json"), ("Origin", guarded.origin),
                            ("Authorization", f"token {guarded.token}"), ("Content-Length", str(MAX_BODY + 1))):
            connection.putheader(name, value)
        connection.endheaders(b"{}")  # the rest never comes: the answer must not wait for it
        response = connection.getresponse()
        assert response.status == 413 and "MB" in json.loads(response.read())["message"]
    finally:
        connection.close()


def _tcp_listeners() -> dict[str, tuple[str, int]]:
    """Listening TCP sockets of this machine: inode -> (hex address, port)."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                address, port = fields[1].split(":")
                if fields[3] == "0A":  # LISTEN
                    found[fields[9]] = (address, int(port, 16))
    return found


def test_the_backend_listens_on_127_0_0_1_only_and_only_while_it_runs(tmp_path):
    project = make_project(tmp_path / "site-src", repository=False)
    backend = EditorBackend(project.path, 0, free_port())
    backend.start()
    try:
        assert {address for address, port in _tcp_listeners().values() if port == backend.port} == {"0100007F"}
        port = backend.port
    finally:
        backend.stop()
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=5):
        pass


def test_each_run_has_its_own_token(tmp_path):
    project = make_project(tmp_path / "site-src", repository=False)
    tokens = set()
    for _ in range(2):
        with EditorBackend(project.path, 0, free_port()) as backend:
            tokens.add(backend.token)
    assert len(tokens) == 2 and all(len(token) >= 32 for token in tokens)


def test_make_edit_prints_the_token_and_runs_the_backend_only_while_the_preview_runs(tmp_path, monkeypatch, capsys):
    project = make_project(tmp_path / "site-src", repository=False)
    editor_port, site_port = free_port(), free_port()
    seen = []

    def preview(command, cwd):  # stands in for `mkdocs serve`, and edits while it "runs"
        assert command[-1] == f"127.0.0.1:{site_port}"
        printed = capsys.readouterr().out
        token = printed.split("Đăng nhập bằng mã truy cập: ", 1)[1].split()[0]
        link = printed.split("#/signin/", 1)[1].split()[0]
        assert json.loads(base64.b64decode(link)) == {"token": token}  # Sveltia's sign-in link
        backend = EditorBackend(project.path, editor_port, site_port, token)  # a client's view of the port
        client = Client(backend, project.path)
        body = {"branch": "main", "message": "Thêm", "files": [create(POST_PATH)]}
        seen.append(client.call("POST", f"{REPO}/contents", body)[0])
        seen.append(client.call("GET", "/user", token="sai-ma")[0])
        seen.append(client.call("GET", "/user", origin=f"http://127.0.0.1:{editor_port + 1}")[0])
        return 0

    monkeypatch.setattr(editor_server.subprocess, "call", preview)
    assert editor_server.run_editor(project.path, editor_port, site_port) == 0
    assert seen == [201, 401, 403] and (project.path / POST_PATH).read_text(encoding="utf-8") == POST
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", editor_port), timeout=5):
        pass


def test_make_edit_stops_when_the_editor_port_is_taken(tmp_path, monkeypatch, capsys):
    project = make_project(tmp_path / "site-src", repository=False)
    monkeypatch.setattr(editor_server.subprocess, "call", lambda *a, **k: pytest.fail("preview started"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert editor_server.run_editor(project.path, taken.getsockname()[1], free_port()) == 1
    assert "Không mở được trang biên tập trên cổng" in capsys.readouterr().err


def test_hidden_and_linked_files_keep_their_secrets(guarded):
    assert os.path.islink(guarded.root / "content/git-config.yml")
    status, _, answer = guarded.call("POST", f"{REPO}/file-contents", {"files": ["content/ban-sao.yml"]})
    assert status == 200 and base64.b64decode(answer[0]["content"]) == (guarded.root / "content/categories.yml"
                                                                         ).read_bytes()
