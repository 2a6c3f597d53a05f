"""The only door to the editor's local backend while ``make edit`` runs.

decap-server on its own writes anywhere in the working copy (hooks/, cchc/,
.git/hooks/…) and answers CORS for every ``localhost`` origin, so any page
on another local port could plant code that the next build runs. Here it
listens on a Unix socket in a private folder (no TCP port a browser could
reach, even through DNS rebinding) with ``content/`` as its whole world, and
a small proxy on the configured editor port lets through only:

* ``POST /api/v1`` (and its CORS preflight); every other method or path is 404/405;
* from the preview's own origin (``http://127.0.0.1:<site_port>`` or
  ``http://localhost:<site_port>``), addressed to this machine by name
  (the Host header), as ``application/json`` no larger than ``MAX_BODY``;
* the actions Decap's form editor uses, whose every path lies under
  ``content/``: relative, no NUL, control characters or backslashes, no
  segment starting with a dot (``..``, ``.git``) and, symlinks resolved, still
  inside ``content/``.

The proxy re-serialises what it checked, so decap-server never parses bytes
the proxy did not, and decap-server checks the (now content-relative) paths
again against its own root. Both are started and stopped together, by
``run_editor``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cchc.core.layout import CONTENT, NODE_MODULES
from cchc.editor.cms import LOCAL_HOST

DECAP_SERVER = NODE_MODULES / "decap-server" / "dist" / "index.js"
API_PATH = "/api/v1"
# Decap sends a media file base64-encoded inside the JSON (4/3 of its size): this admits a
# scanned decision of about 30 MB, and stays under decap-server's own 50 MB limit.
MAX_BODY = 40 * 1024 * 1024
BACKEND_TIMEOUT = 120  # seconds for one decap-server answer; listing thousands of records takes a few

# decap-server's fs actions that the form editor sends. The editorial-workflow ones
# (unpublished*, publishUnpublishedEntry…) are not implemented in fs mode and stay refused.
ACTIONS = frozenset({"info", "entriesByFolder", "entriesByFiles", "getEntry", "persistEntry", "getMedia",
                     "getMediaFile", "persistMedia", "deleteFile", "deleteFiles", "getDeployPreview"})

# Runs decap-server unchanged, but makes its one `listen(port, host)` call listen on the
# guard's Unix socket instead, so no browser can talk to it except through the guard.
_NODE_LAUNCHER = """
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  return listen.call(this, process.env.CCHC_EDITOR_SOCKET, args.find(a => typeof a === 'function'));
};
require(process.env.CCHC_DECAP_SERVER);
"""


class Refused(Exception):
    """A request the guard will not pass on; the message is shown to the editor by Decap."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class GuardError(RuntimeError):
    """The backend could not start; the message is for the person who ran `make edit`."""


def preview_origins(site_port: int) -> frozenset[str]:
    """The origins the editor page is opened from: the preview, by address or by name."""
    return frozenset({f"http://{LOCAL_HOST}:{site_port}", f"http://localhost:{site_port}"})


def content_path(value: Any, content_dir: Path, *, file: bool) -> str:
    """A path the editor sent (relative to the project) as one relative to ``content/``.

    Refused unless it names ``content/`` itself (folders only) or something below it,
    once symlinks are followed. Odd spellings are refused rather than normalised: Decap
    only ever sends plain ``content/…`` paths.
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
    # content/ pointing at hooks/ or /etc shows up here as a path outside content/.
    if not Path(os.path.realpath(content_dir.joinpath(*inside))).is_relative_to(real_content):
        raise Refused(403, f"Đường dẫn trỏ ra ngoài thư mục {CONTENT}/ (liên kết tượng trưng): {shown}")
    return "/".join(inside) or "."


def _items(params: dict[str, Any], key: str) -> list[Any]:
    items = params.get(key)
    if not isinstance(items, list):
        raise Refused(400, f"Yêu cầu không đúng dạng: thiếu danh sách “{key}”.")
    return items


def _holder(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Refused(400, "Yêu cầu không đúng dạng.")
    return value


def _path_fields(action: str, params: dict[str, Any]) -> list[tuple[Any, Any, bool]]:
    """(container, key, is_file) of every path decap-server would read, write, move or delete."""
    if action == "entriesByFolder":
        return [(params, "folder", False)]
    if action == "getMedia":
        return [(params, "mediaFolder", False)]
    if action in ("getEntry", "getMediaFile", "deleteFile"):
        return [(params, "path", True)]
    if action == "entriesByFiles":
        return [(_holder(item), "path", True) for item in _items(params, "files")]
    if action == "deleteFiles":
        paths = _items(params, "paths")
        return [(paths, index, True) for index in range(len(paths))]
    if action == "persistMedia":
        return [(_holder(params.get("asset")), "path", True)]
    if action == "persistEntry":
        # decap-server writes `entry` or each of `dataFiles`, renames them to `newPath`, and writes `assets`.
        files = [_holder(params["entry"])] if "entry" in params else []
        files += [_holder(item) for item in _items(params, "dataFiles")] if "dataFiles" in params else []
        if not files:
            raise Refused(400, "Yêu cầu lưu bài không có tệp nào.")
        fields = [(data, "path", True) for data in files] + [(data, "newPath", True) for data in files if "newPath" in data]
        return fields + [(_holder(asset), "path", True) for asset in _items(params, "assets")]
    return []  # info, getDeployPreview: no path


def confine(body: Any, content_dir: Path) -> dict[str, Any]:
    """The request for decap-server (rooted at content/), or Refused: every path checked and rebased."""
    if not isinstance(body, dict) or not isinstance(body.get("action"), str):
        raise Refused(400, "Yêu cầu không đúng dạng.")
    action = body["action"]
    if action not in ACTIONS:
        raise Refused(403, f"Thao tác không được phép: {action[:80]}")
    if action == "info":
        return {"action": "info"}
    params = body.get("params")
    if not isinstance(params, dict):
        raise Refused(400, "Yêu cầu không đúng dạng: thiếu “params”.")
    params = json.loads(json.dumps(params))  # a private copy to rewrite
    for holder, key, is_file in _path_fields(action, params):
        value = holder[key] if isinstance(holder, list) else holder.get(key)
        holder[key] = content_path(value, content_dir, file=is_file)
    if action == "persistEntry" and isinstance(params.get("options"), dict):
        # Unless told otherwise, decap-server moves a renamed entry's whole folder with it: a post
        # whose date moves to another year would take every post of its old year along.
        params["options"]["hasSubfolders"] = False
    return {"action": action, "params": params}


def _in_project(path: Any) -> Any:
    """A path decap-server answers with (relative to content/) as the editor knows it."""
    return f"{CONTENT}/{path}" if isinstance(path, str) else path


def unconfine(action: str, answer: Any, project_name: str) -> Any:
    """decap-server's answer with paths relative to the project again, as Decap's config names them."""
    entries = answer if isinstance(answer, list) else [answer]
    if action in ("entriesByFolder", "entriesByFiles", "getEntry"):
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("file"), dict):
                entry["file"]["path"] = _in_project(entry["file"].get("path"))
    elif action in ("getMedia", "getMediaFile", "persistMedia"):
        for media in entries:
            if isinstance(media, dict):
                media["path"] = _in_project(media.get("path"))
    elif action == "info" and isinstance(answer, dict):
        answer["repo"] = project_name
    return answer


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


class GuardHandler(BaseHTTPRequestHandler):
    server: _GuardServer
    server_version = "cchc-editor"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return self.server_version  # no Python version for a port scanner to read

    def log_message(self, format: str, *args: Any) -> None:
        pass  # mkdocs serve already talks; refusals are reported in _refuse

    # -- answers ----------------------------------------------------------------
    def _send(self, status: int, body: bytes, origin: str | None, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if origin:  # only the preview's origin ever gets CORS, so no other page can read an answer
            self.send_header("Access-Control-Allow-Origin", origin)
        self.send_header("Vary", "Origin")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if body:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _refuse(self, refused: Refused, origin: str | None = None) -> None:
        print(f"Trang biên tập: từ chối {self.command} {self.path[:100]} (Origin: {self.headers.get('Origin')}): "
              f"{refused.message}", file=sys.stderr, flush=True)
        self.close_connection = True  # a body left unread must not be taken for the next request
        self._send(refused.status, json.dumps({"error": refused.message}, ensure_ascii=False).encode(), origin)

    def _check_target(self) -> None:
        if self.path != API_PATH:
            raise Refused(404, "Không có địa chỉ này.")
        # A page on another name that resolves to 127.0.0.1 (DNS rebinding) arrives with its own Host.
        if self.headers.get("Host") not in self.server.hosts:
            raise Refused(403, "Chỉ nhận yêu cầu gửi tới 127.0.0.1 hoặc localhost.")

    def _origin(self) -> str:
        origin = self.headers.get("Origin")
        if origin not in self.server.origins:
            raise Refused(403, "Chỉ trang biên tập mở từ trang xem thử của `make edit` mới được sửa nội dung.")
        return origin

    # -- methods ----------------------------------------------------------------
    def do_OPTIONS(self) -> None:
        try:
            self._check_target()
            origin = self._origin()
            requested = {h.strip().lower() for h in self.headers.get("Access-Control-Request-Headers", "").split(",")}
            if self.headers.get("Access-Control-Request-Method") != "POST" or not requested <= {"", "content-type"}:
                raise Refused(403, "Chỉ nhận POST kiểu application/json.")
        except Refused as refused:
            return self._refuse(refused)
        self._send(204, b"", origin, {"Access-Control-Allow-Methods": "POST",
                                      "Access-Control-Allow-Headers": "Content-Type",
                                      "Access-Control-Max-Age": "600"})

    def do_POST(self) -> None:
        origin = None
        try:
            self._check_target()
            origin = self._origin()
            body = self._read_json()
            action = body.get("action") if isinstance(body, dict) else None
            request = confine(body, self.server.content_dir)
        except Refused as refused:
            return self._refuse(refused, origin)
        try:
            status, answer = self.server.forward(request)
        except OSError as error:
            return self._refuse(Refused(502, f"decap-server không trả lời ({error}); chạy lại `make edit`."), origin)
        if status == 200:
            with contextlib.suppress(ValueError):  # not JSON: passed on as it is, Decap reports it
                answer = json.dumps(unconfine(action, json.loads(answer), self.server.project_name),
                                    ensure_ascii=False).encode()
        self._send(status, answer, origin)

    def _read_json(self) -> Any:
        message = Message()
        message["Content-Type"] = self.headers.get("Content-Type", "")
        # application/json forces a browser to ask first (preflight) even if an origin check failed.
        if message.get_content_type() != "application/json":
            raise Refused(415, "Chỉ nhận dữ liệu application/json.")
        if self.headers.get("Transfer-Encoding"):
            raise Refused(411, "Cần Content-Length, không nhận Transfer-Encoding.")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise Refused(411, "Thiếu Content-Length.") from None
        if length <= 0:
            raise Refused(400, "Yêu cầu không có dữ liệu.")
        if length > MAX_BODY:
            raise Refused(413, f"Dữ liệu quá lớn (tối đa {MAX_BODY // (1024 * 1024)} MB một lần lưu).")
        try:
            return json.loads(self.rfile.read(length).decode("utf-8"))
        except (ValueError, RecursionError):
            raise Refused(400, "Dữ liệu không phải JSON hợp lệ.") from None

    def _not_allowed(self) -> None:
        try:
            self._check_target()
        except Refused as refused:
            return self._refuse(refused)
        self._refuse(Refused(405, "Chỉ nhận POST."))

    do_GET = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_TRACE = do_CONNECT = _not_allowed


class _GuardServer(ThreadingHTTPServer):
    daemon_threads = True  # (address reuse stays on: on Linux it never lets a second server share a listening port)

    def __init__(self, port: int, root: Path, site_port: int, socket_path: str):
        super().__init__((LOCAL_HOST, port), GuardHandler)
        port = self.server_address[1]
        self.hosts = frozenset({f"{LOCAL_HOST}:{port}", f"localhost:{port}"})
        self.origins = preview_origins(site_port)
        self.content_dir = root / CONTENT
        self.project_name = root.name
        self.socket_path = socket_path

    def forward(self, request: dict[str, Any]) -> tuple[int, bytes]:
        connection = _UnixConnection(self.socket_path, BACKEND_TIMEOUT)
        try:
            connection.request("POST", API_PATH, json.dumps(request, ensure_ascii=False).encode(),
                               {"Content-Type": "application/json; charset=utf-8"})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


class EditorBackend:
    """decap-server rooted at content/ behind the guard on 127.0.0.1:``port``; start() then stop()."""

    def __init__(self, root: Path, port: int, site_port: int):
        self.root = root.resolve()
        self.port = port
        self.site_port = site_port
        self.process: subprocess.Popen | None = None
        self.server: _GuardServer | None = None
        self._thread: threading.Thread | None = None
        self._folder: str | None = None
        self.socket_path = ""  # decap-server's Unix socket, once started

    def __enter__(self) -> EditorBackend:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, timeout: float = 20) -> None:
        content = self.root / CONTENT
        if not DECAP_SERVER.is_file():
            raise GuardError(f"Thiếu decap-server ({DECAP_SERVER}); chạy `make edit` để cài gói npm đã ghim.")
        if not content.is_dir():
            raise GuardError(f"Không thấy thư mục {content}.")
        self._folder = tempfile.mkdtemp(prefix="cchc-editor-")  # mode 0700: only this user connects
        self.socket_path = os.path.join(self._folder, "decap.sock")
        env = {**os.environ, "MODE": "fs", "GIT_REPO_DIRECTORY": str(content), "LOG_LEVEL": "warn",
               "CCHC_EDITOR_SOCKET": self.socket_path, "CCHC_DECAP_SERVER": str(DECAP_SERVER)}
        try:
            # Bound first: a busy port stops `make edit` before anything else runs.
            try:
                self.server = _GuardServer(self.port, self.root, self.site_port, self.socket_path)
            except OSError as error:
                raise GuardError(f"Không mở được trang biên tập trên cổng {self.port}: {error}") from error
            self.port = self.server.server_address[1]
            try:
                # cwd: an empty folder, so decap-server's dotenv finds no .env to change its settings.
                self.process = subprocess.Popen(["node", "-e", _NODE_LAUNCHER], cwd=self._folder, env=env)
            except OSError as error:
                raise GuardError(f"Không chạy được decap-server bằng node: {error}") from error
            self._wait_for_backend(timeout)
        except GuardError:
            self.stop()
            raise
        self._thread = threading.Thread(target=self.server.serve_forever, name="editor-guard", daemon=True)
        self._thread.start()

    def _wait_for_backend(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise GuardError(f"decap-server dừng ngay khi khởi động (mã {self.process.returncode}).")
            try:
                if self.server.forward({"action": "info"})[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise GuardError(f"decap-server không khởi động trong {timeout:.0f} giây.")

    def stop(self) -> None:
        if self.server:
            if self._thread:  # shutdown() waits for serve_forever, so only once it runs
                self.server.shutdown()
                self._thread.join()
                self._thread = None
            self.server.server_close()
            self.server = None
        if self.process:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
