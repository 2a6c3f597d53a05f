"""``make edit``'s local backend: the Gitea API v1, as Sveltia CMS uses it, over this working copy.

Sveltia's Gitea backend signs in with a personal access token and then needs only
the calls below, so the editor at /admin/ works in any browser, with no account,
against the files of this machine (``LOCAL_REPO`` is the name the local editor
config gives the repository; no other name is answered):

=====================================================  ===========================================
``GET  /version``                                      ``{"version": "1.24.6"}`` (Gitea ≥ 1.24 makes
                                                       Sveltia read files with ``/file-contents``)
``GET  /settings/api``                                 page sizes (``default_paging_num`` …)
``GET  /user``                                         the editor, from ``git config user.name``
``GET  /repos/{o}/{r}``                                ``default_branch`` (the current branch),
                                                       ``permissions`` (pull, push)
``GET  /repos/{o}/{r}/branches/{b}``                   ``commit.id``, ``commit.message``
``GET  /repos/{o}/{r}/git/trees/{ref}?recursive=1``    every file of ``content/``, 1,000 a page
                                                       (``page``, ``per_page``, ``truncated``)
``POST /repos/{o}/{r}/file-contents?ref=``             ``{"files": [paths]}`` → contents, base64
``GET  /repos/{o}/{r}/media/{b}/{path}``               one file's bytes (images, PDFs)
``GET  /repos/{o}/{r}/commits?sha=&path=&limit=``      a file's history, from ``git log``
``POST /repos/{o}/{r}/contents``                       create, update (``from_path``: rename),
                                                       delete: one save, one commit
=====================================================  ===========================================

What the editor sees is ``content/`` as it is on disk, so the editor and the
preview (``mkdocs serve``) always agree: paths relative to the project
(``content/news/2026/….md``), hidden files and folders skipped, nothing outside
``content/`` listed or readable. A file's ``sha`` is its git blob id (what
``git hash-object`` prints), cached by size, times and inode. The branch's
``commit.id`` is a fingerprint of that listing, not git's HEAD: Sveltia caches the
file list by that id, so a file edited on disk meanwhile shows up on the next
load. A save sends the blob id each file had when the editor read it; a file
changed on disk since is refused (409; Gitea says 422, Sveltia shows either as a
failed save) rather than overwritten.

A save writes its files atomically (temporary file, then rename) and records one
git commit of exactly those paths on the current branch, with the CMS's message
(``git commit --only --no-verify`` with ``core.hooksPath=/dev/null``: no hook
runs; the user's other staged or unstaged changes stay as they were; a file
that .gitignore names is written but not committed). Without a git identity the
commit is made as ``FALLBACK_LOGIN``. The files on disk are what counts: if the folder is not a git
repository, or git cannot commit (an index lock, a refused signature), the files
are still written, the answer carries a synthetic commit id and the terminal of
``make edit`` says why. Saves run one at a time.

Every request passes cchc/editor/guard.py's rules first: Host, Origin, token, size
and, for every path, inside ``content/``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from mimetypes import guess_type
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from cchc.core.layout import CONTENT
from cchc.editor.admin import LOCAL_REPO
from cchc.editor.guard import (
    LOCAL_HOST,
    MAX_BODY,
    GuardError,
    Refused,
    content_path,
    local_hosts,
    preview_origins,
)

LOCAL_OWNER, LOCAL_NAME = LOCAL_REPO.split("/")  # the repository the editor's local configuration names
API_ROOT = "/api/v1"
GITEA_VERSION = "1.24.6"  # Sveltia refuses Gitea < 1.24 (it reads files with POST /file-contents)
TREE_PAGE = 1000  # files per /git/trees page, Gitea's default_git_trees_per_page
FILES_PER_CALL = 100  # default_paging_num: how many files Sveltia asks /file-contents for at once
MAX_FILES_PER_CALL = 1000  # more paths than this in one read or one save is refused
KEPT_LISTINGS = 4  # listings kept for the pages of /git/trees that follow a /branches call
MAX_BLOB_SIZE = 10 * 1024 * 1024  # /file-contents returns larger files without content, as Gitea does
FALLBACK_LOGIN = "bien-tap-vien"
FALLBACK_BRANCH = "main"  # outside a git repository
GIT_TIMEOUT = 60  # seconds for one git command (a commit may wait for a signing agent)
OPERATIONS = frozenset({"create", "update", "delete"})
SHA = re.compile(r"[0-9a-f]{40}")
UNSHOWN = re.compile(r"[\x00-\x1f\x7f\\]")  # names the guard would refuse: control characters, backslash
NOT_A_PAGE = ("Đây là máy chủ cục bộ của trang biên tập (make edit), không phải một trang web.\n"
              "Mã truy cập để đăng nhập trang biên tập được in ra trong cửa sổ dòng lệnh đang chạy `make edit`;\n"
              "mỗi lần chạy có một mã mới.\n")
CORS_HEADERS = frozenset({"", "authorization", "content-type", "accept"})


def new_token() -> str:
    """A fresh access token for one run of ``make edit`` (128 random bits, easy to copy)."""
    return secrets.token_hex(16)


def blob_sha(data: bytes) -> str:
    """The git blob id of ``data``: what ``git hash-object`` prints for a file holding it."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _plain_name(name: str) -> bool:
    """A file name the editor may see: no control characters or backslash, valid UTF-8."""
    if UNSHOWN.search(name):
        return False
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8, kept by the file system as surrogates
        return False
    return True


@dataclass(frozen=True)
class Blob:
    """One file of ``content/`` as the editor sees it."""

    path: str  # relative to the project: content/…
    sha: str  # git blob id of its bytes
    size: int


@dataclass(frozen=True)
class Change:
    """One file operation of a save, its paths checked (relative to the project)."""

    operation: str  # create | update | delete
    path: str
    from_path: str | None  # update: the file it replaces, when renamed
    sha: str | None  # update, delete: the blob id the editor read
    data: bytes

    @property
    def source(self) -> str:
        return self.from_path or self.path


class Worktree:
    """``content/`` of one working copy: listing, reading, saving, git history. No HTTP here."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.content_dir = self.root / CONTENT
        self.lock = threading.Lock()  # one save at a time
        self._hashes: dict[str, tuple[tuple[int, ...], str]] = {}  # path -> (stat key, blob id)
        self._listings: dict[str, list[Blob]] = {}  # the last few listings, by their id
        self._listings_lock = threading.Lock()
        umask = os.umask(0o022)
        os.umask(umask)
        self._file_mode = 0o666 & ~umask

    # -- reading ----------------------------------------------------------------
    def locate(self, path: Any, *, file: bool = True) -> Path:
        """The file (or folder) on disk for a project-relative path, or Refused (guard's rules)."""
        inside = content_path(path, self.content_dir, file=file)
        return self.content_dir if inside == "." else self.content_dir / inside

    def files(self) -> list[Blob]:
        """Every regular file below ``content/``, hidden ones and links out of it skipped, by path."""
        real_content = os.path.realpath(self.content_dir)
        found: list[Blob] = []
        folders = [(real_content, CONTENT)]
        while folders:
            folder, shown = folders.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                name = entry.name
                if name.startswith(".") or not _plain_name(name):
                    continue
                path = f"{shown}/{name}"
                try:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append((entry.path, path))
                        continue
                    if entry.is_symlink():  # a linked file counts only if it stays in content/, not hidden
                        if not self._inside(os.path.realpath(entry.path), real_content):
                            continue
                        info = os.stat(entry.path)
                    else:
                        info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISREG(info.st_mode):
                    sha = self._sha(path, entry.path, info)
                    if sha:
                        found.append(Blob(path, sha, info.st_size))
        found.sort(key=lambda blob: blob.path)
        return found

    @staticmethod
    def _inside(real: str, real_content: str) -> bool:
        relative = os.path.relpath(real, real_content)
        return not relative.startswith("..") and not any(part.startswith(".") for part in relative.split(os.sep))

    def _sha(self, path: str, full: str, info: os.stat_result) -> str | None:
        key = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        cached = self._hashes.get(path)
        if cached and cached[0] == key:
            return cached[1]
        try:
            data, info = self._read_regular(full)
        except OSError:
            return None
        if data is None:
            return None
        sha = blob_sha(data)
        self._hashes[path] = ((info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino), sha)
        return sha

    @staticmethod
    def _read_regular(full: str | Path) -> tuple[bytes | None, os.stat_result]:
        """A regular file's bytes (None for a folder, device, FIFO…), read without blocking on one."""
        fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return None, info
            return handle.read(), info

    def read(self, path: str) -> bytes | None:
        """The bytes of a file the editor asked for by path; None if it is not a file."""
        return self.read_file(self.locate(path))

    def read_file(self, full: Path) -> bytes | None:
        try:
            return self._read_regular(full)[0]
        except OSError:
            return None

    def listing(self, tree_id: str | None = None) -> tuple[str, list[Blob]]:
        """(id, files) of content/ now; or, given an id it recently answered, that same listing.

        An id names one listing, as a git tree id names one tree, so the pages Sveltia asks for
        by the id /branches gave come from one walk of the disk, and agree with each other.
        """
        with self._listings_lock:
            if tree_id in self._listings:
                return tree_id, self._listings[tree_id]
        files = self.files()
        tree_id = self.tree_id(files)
        with self._listings_lock:
            self._listings[tree_id] = files
            while len(self._listings) > KEPT_LISTINGS:
                del self._listings[next(iter(self._listings))]
        return tree_id, files

    @staticmethod
    def tree_id(files: list[Blob]) -> str:
        """A fingerprint of the listing: changes whenever a file of content/ is added, changed or removed."""
        digest = hashlib.sha1(b"cchc-worktree\n")
        for blob in files:
            digest.update(f"{blob.sha} {blob.path}\n".encode())
        return digest.hexdigest()

    # -- git ----------------------------------------------------------------------
    def git(self, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess | None:
        """Runs git in the project; None if git cannot run at all."""
        env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "GIT_TERMINAL_PROMPT": "0"}
        try:
            return subprocess.run(["git", *args], cwd=self.root, env=env, input=stdin, capture_output=True,
                                  timeout=GIT_TIMEOUT, check=False,
                                  **({} if stdin is not None else {"stdin": subprocess.DEVNULL}))
        except (OSError, subprocess.TimeoutExpired):
            return None

    def _git_out(self, *args: str) -> str | None:
        done = self.git(*args)
        if done is None or done.returncode != 0:
            return None
        return done.stdout.decode("utf-8", "replace")

    def is_repository(self) -> bool:
        return (self._git_out("rev-parse", "--is-inside-work-tree") or "").strip() == "true"

    def branch(self) -> str:
        """The current branch (``HEAD`` when detached, ``FALLBACK_BRANCH`` outside a git repository)."""
        name = self._git_out("symbolic-ref", "--quiet", "--short", "HEAD")
        if name and name.strip():
            return name.strip()
        return "HEAD" if self.is_repository() else FALLBACK_BRANCH

    def head(self) -> tuple[str | None, str]:
        """(id, message) of the last commit; (None, "") before the first or outside git."""
        out = self._git_out("log", "-1", "--format=%H%x00%B")
        if not out or "\0" not in out:
            return None, ""
        sha, message = out.split("\0", 1)
        return sha.strip(), message.rstrip("\n")

    def identity(self) -> tuple[str | None, str | None]:
        """git's own user.name and user.email (None where git has none)."""
        name = (self._git_out("config", "--get", "user.name") or "").strip() or os.environ.get("GIT_AUTHOR_NAME")
        email = (self._git_out("config", "--get", "user.email") or "").strip() or os.environ.get("GIT_AUTHOR_EMAIL")
        return name or None, email or None

    def history(self, path: str, limit: int, skip: int) -> list[dict[str, Any]]:
        """Commits that touched ``path`` (already checked), newest first, in Gitea's shape."""
        fields = "%H%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%P%x1f%B"
        out = self._git_out("log", "-z", f"--format={fields}", f"--max-count={limit}", f"--skip={skip}",
                            "HEAD", "--", path)
        commits = []
        for record in (out or "").split("\0"):
            parts = record.split("\x1f")
            if len(parts) != 9:
                continue
            sha, a_name, a_email, a_date, c_name, c_email, c_date, parents, message = parts
            commits.append({
                "url": "", "html_url": "", "sha": sha.strip(), "created": c_date,
                "commit": {"url": "", "message": message.rstrip("\n"),
                           "author": {"name": a_name, "email": a_email, "date": a_date},
                           "committer": {"name": c_name, "email": c_email, "date": c_date},
                           "tree": {"url": "", "sha": ""}, "verification": None},
                "author": None, "committer": None,
                "parents": [{"url": "", "sha": parent} for parent in parents.split()],
                "files": None, "stats": None,
            })
        return commits

    # -- saving -------------------------------------------------------------------
    def save(self, changes: list[Change], message: str) -> tuple[str, list[Blob | None]]:
        """Writes one save to disk, then commits it: (commit id, the saved file of each change)."""
        with self.lock:
            targets = self._check(changes)
            saved = self._write(changes, targets)
            written = [c.path for c in changes if c.operation != "delete"]
            removed = [c.source for c in changes if c.operation == "delete" or c.source != c.path]
            commit = self._commit(written, removed, message)
        return commit, saved

    def _check(self, changes: list[Change]) -> dict[str, Path]:
        """Every change checked against the disk before anything is written: {path: file on disk}."""
        targets = {}
        for change in changes:
            for path in {change.path, change.source}:
                targets[path] = self.locate(path)  # again, under the lock
            target, source = targets[change.path], targets[change.source]
            if change.operation in ("update", "delete"):
                try:
                    current, _ = self._read_regular(source)
                except OSError:
                    current = None
                if current is None:
                    raise Refused(404, f"Không còn tệp {change.source} trên máy (có thể đã bị xoá hay đổi tên); "
                                       "tải lại trang biên tập.")
                if not change.sha:
                    raise Refused(422, f"Thiếu mã phiên bản (sha) của tệp {change.source}.")
                if blob_sha(current) != change.sha:
                    raise Refused(409, f"Tệp {change.source} đã được sửa trên máy sau khi trang biên tập đọc nó; "
                                       "tải lại trang biên tập rồi sửa lại, để không ghi đè thay đổi đó.")
            if change.operation != "delete" and (change.operation == "create" or change.source != change.path):
                if os.path.lexists(target):
                    raise Refused(422, f"Đã có tệp {change.path}; chọn tên khác.")
                for parent in target.relative_to(self.content_dir).parents:
                    folder = self.content_dir / parent
                    if os.path.lexists(folder) and not folder.is_dir():
                        raise Refused(422, f"{CONTENT}/{parent} là một tệp, không phải thư mục: không lưu được "
                                           f"{change.path}.")
        return targets

    def _write(self, changes: list[Change], targets: dict[str, Path]) -> list[Blob | None]:
        """Writes every new file to a temporary one beside it, then renames them all, then deletes."""
        staged: list[tuple[str, Path]] = []
        try:
            for change in changes:
                if change.operation == "delete":
                    continue
                target = targets[change.path]
                mode = self._file_mode
                if change.operation == "update":
                    mode = stat.S_IMODE(os.stat(targets[change.source]).st_mode)
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".cchc-editor-", suffix=".tmp")
                staged.append((temporary, target))
                with os.fdopen(fd, "wb") as handle:
                    os.fchmod(handle.fileno(), mode)
                    handle.write(change.data)
                    handle.flush()
                    os.fsync(handle.fileno())
        except OSError as error:
            for temporary, _ in staged:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            raise Refused(500, f"Không ghi được tệp: {error}") from error
        for temporary, target in staged:
            os.replace(temporary, target)
        saved: list[Blob | None] = []
        for change in changes:
            if change.operation == "delete" or change.source != change.path:
                source = targets[change.source]
                with contextlib.suppress(OSError):
                    source.unlink()
                self._prune(source.parent)
                self._hashes.pop(change.source, None)
            if change.operation == "delete":
                saved.append(None)
                continue
            blob = Blob(change.path, blob_sha(change.data), len(change.data))
            with contextlib.suppress(OSError):
                info = os.stat(targets[change.path])
                self._hashes[change.path] = ((info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino), blob.sha)
            saved.append(blob)
        return saved

    def _prune(self, folder: Path) -> None:
        """Removes the folders a deletion or rename left empty, up to content/ (kept)."""
        while folder != self.content_dir and folder.is_relative_to(self.content_dir):
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent

    def _commit(self, written: list[str], removed: list[str], message: str) -> str:
        """Commits exactly these paths on the current branch; a synthetic id if git cannot."""
        synthetic = hashlib.sha1(f"cchc-local\n{time.time_ns()}\n{written}\n{removed}".encode()).hexdigest()
        if not self.is_repository():
            return synthetic
        # A deletion can be committed only if git knew the file; an ignored new file is left out.
        known = self._paths("ls-files", "-z", "--cached", "--", *removed) if removed else set()
        ignored = self._paths("check-ignore", "-z", "--", *written) if written else set()
        paths = [path for path in written if path not in ignored] + [path for path in removed if path in known]
        if ignored:
            _say(f"không commit {', '.join(sorted(ignored))}: tệp nằm trong .gitignore (đã ghi trên máy).")
        head, _ = self.head()
        if not paths:
            return head or synthetic
        added = self.git("add", "--all", "--", *paths)
        if head and added and added.returncode == 0:
            unchanged = self.git("diff", "--cached", "--quiet", head, "--", *paths)
            if unchanged and unchanged.returncode == 0:
                return head  # saved as it was: nothing to commit
        options = ["-c", "core.hooksPath=/dev/null"]
        name, email = self.identity()
        if not name:
            options += ["-c", f"user.name={FALLBACK_LOGIN}"]
        if not email:
            options += ["-c", f"user.email={FALLBACK_LOGIN}@{LOCAL_HOST}"]
        done = self.git(*options, "commit", "--only", "--no-verify", "--quiet", "--cleanup=strip", "-F", "-",
                        "--", *paths, stdin=message.encode("utf-8"))
        if done is None or done.returncode != 0:
            why = done.stderr.decode("utf-8", "replace").strip() if done else "git không chạy được"
            _say(f"đã ghi tệp nhưng không commit được ({why}); commit bằng tay nếu cần.")
            return synthetic
        return self.head()[0] or synthetic

    def _paths(self, *args: str) -> set[str]:
        done = self.git(*args)
        if done is None:
            return set()
        return {path for path in done.stdout.decode("utf-8", "replace").split("\0") if path}


def _say(message: str) -> None:
    print(f"Trang biên tập: {message}", file=sys.stderr, flush=True)


def parse_changes(body: Any, worktree: Worktree) -> tuple[list[Change], str]:
    """The files and message of a save (``POST /contents``), every path checked; nothing read yet."""
    if not isinstance(body, dict) or not isinstance(body.get("files"), list) or not body["files"]:
        raise Refused(422, "Yêu cầu lưu không có tệp nào.")
    if len(body["files"]) > MAX_FILES_PER_CALL:
        raise Refused(422, f"Quá nhiều tệp trong một lần lưu (tối đa {MAX_FILES_PER_CALL}).")
    message = body.get("message") or "Sửa nội dung qua trang biên tập"
    if not isinstance(message, str) or "\0" in message:
        raise Refused(422, "Lời nhắn commit không hợp lệ.")
    changes, touched = [], set()
    for item in body["files"]:
        if not isinstance(item, dict) or item.get("operation") not in OPERATIONS:
            raise Refused(422, "Thao tác không được phép (chỉ create, update, delete).")
        operation = item["operation"]
        path = item.get("path")
        worktree.locate(path)
        from_path = item.get("from_path") or None
        if from_path is not None:
            if operation != "update":
                raise Refused(422, "Chỉ thao tác update mới đổi tên tệp (from_path).")
            worktree.locate(from_path)
        path, from_path = _normal(path), from_path and _normal(from_path)
        from_path = None if from_path == path else from_path
        sha = item.get("sha") or None
        if sha is not None and (not isinstance(sha, str) or not SHA.fullmatch(sha)):
            raise Refused(422, f"Mã phiên bản (sha) của {path} không hợp lệ.")
        data = b""
        if operation != "delete":
            try:
                data = base64.b64decode(_text(item.get("content", "")), validate=True)
            except (binascii.Error, ValueError):
                raise Refused(422, f"Nội dung của {path} không phải base64 hợp lệ.") from None
        for name in {path, from_path or path}:
            if name in touched:
                raise Refused(422, f"Tệp {name} xuất hiện hai lần trong một lần lưu.")
            touched.add(name)
        changes.append(Change(operation, path, from_path, sha, data))
    return changes, message


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("not a string")
    return value


def _normal(path: str) -> str:
    """``content//news/a.md`` as ``content/news/a.md`` (guard's rules already passed)."""
    return "/".join(part for part in path.split("/") if part)


class Handler(BaseHTTPRequestHandler):
    server: LocalGitServer
    server_version = "cchc-editor"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 120  # an idle or stalled connection frees its thread

    def version_string(self) -> str:
        return self.server_version  # no Python version for a port scanner to read

    def log_message(self, format: str, *args: Any) -> None:
        pass  # mkdocs serve already talks; refusals and saves are reported below

    # -- answers ----------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str = "application/json; charset=utf-8",
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if self._origin:  # only the preview's origin ever gets CORS, so no other page can read an answer
            self.send_header("Access-Control-Allow-Origin", self._origin)
        self.send_header("Vary", "Origin")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if body:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, value: Any, status: int = 200, extra: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(value, ensure_ascii=False).encode("utf-8"), extra=extra)

    def _refuse(self, refused: Refused) -> None:
        _say(f"từ chối {self.command} {self.path[:100]} (Origin: {self.headers.get('Origin')}): {refused.message}")
        self.close_connection = True  # a body left unread must not be taken for the next request
        self._json({"message": refused.message, "url": ""}, refused.status)

    # -- the door -----------------------------------------------------------------
    def _handle(self) -> None:
        self._origin: str | None = None
        try:
            self._check_host()
            route = self._route()
            if route == self._not_a_page:
                return route()
            self._check_origin()
            if self.command == "OPTIONS":
                return self._preflight()
            self._check_token()
            route()
        except Refused as refused:
            self._refuse(refused)
        except Exception as error:  # reported, and the editor is told, rather than a dropped connection
            traceback.print_exc()
            self._refuse(Refused(500, f"Lỗi của máy chủ cục bộ: {error}"))

    do_GET = do_POST = do_OPTIONS = do_HEAD = do_PUT = do_DELETE = do_PATCH = _handle

    def _check_host(self) -> None:
        # A page on another name that resolves to 127.0.0.1 (DNS rebinding) arrives with its own Host.
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or hosts[0] not in self.server.hosts:
            raise Refused(403, "Chỉ nhận yêu cầu gửi tới 127.0.0.1 hoặc localhost.")

    def _check_origin(self) -> None:
        origins = self.headers.get_all("Origin") or []
        if len(origins) != 1 or origins[0] not in self.server.origins:
            raise Refused(403, "Chỉ trang biên tập mở từ trang xem thử của `make edit` mới đọc, sửa được nội dung.")
        self._origin = origins[0]

    def _check_token(self) -> None:
        given = self.headers.get_all("Authorization") or []
        scheme, _, token = given[0].strip().partition(" ") if len(given) == 1 else ("", "", "")
        valid = scheme.lower() in ("token", "bearer") and hmac.compare_digest(
            token.strip().encode("utf-8", "surrogateescape"), self.server.token.encode())
        if not valid:
            raise Refused(401, "Chưa đăng nhập hoặc mã truy cập không đúng: dùng mã mà `make edit` in ra lần chạy này.")

    def _preflight(self) -> None:
        method = self.headers.get("Access-Control-Request-Method")
        requested = {h.strip().lower() for h in self.headers.get("Access-Control-Request-Headers", "").split(",")}
        if method not in ("GET", "POST") or not requested <= CORS_HEADERS:
            raise Refused(403, "Chỉ nhận GET, POST với các tiêu đề Authorization, Content-Type, Accept.")
        self._send(204, b"", extra={"Access-Control-Allow-Methods": "GET, POST",
                                    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept",
                                    "Access-Control-Max-Age": "600"})

    def _route(self):
        """The method answering this request, or Refused (404, 405); nothing is done yet."""
        target, _, query = self.path.partition("?")
        if not target.startswith(API_ROOT + "/"):
            return self._not_a_page
        try:
            parts = [unquote(part, errors="strict") for part in target[len(API_ROOT) + 1:].split("/")]
            self._query = {key: values[-1] for key, values in parse_qs(query, errors="strict").items()}
        except UnicodeDecodeError:
            raise Refused(400, "Địa chỉ không hợp lệ.") from None
        method = "GET" if self.command == "HEAD" else self.command
        routes = {("version",): ("GET", lambda: self._json({"version": GITEA_VERSION})),
                  ("settings", "api"): ("GET", self._settings),
                  ("user",): ("GET", self._user)}
        found = routes.get(tuple(parts))
        if not found and len(parts) >= 3 and parts[0] == "repos":
            found = self._repo_route(parts[1], parts[2], parts[3:])
        if not found:
            raise Refused(404, "Không có địa chỉ này.")
        allowed, answer = found
        if self.command != "OPTIONS" and method != allowed:
            raise Refused(405, f"Địa chỉ này chỉ nhận {allowed}.")
        if self.command == "GET" and (self.headers.get("Content-Length", "0") != "0"
                                      or self.headers.get("Transfer-Encoding")):
            raise Refused(400, "Yêu cầu GET không được có dữ liệu kèm theo.")
        return answer

    def _repo_route(self, owner: str, name: str, rest: list[str]):
        if f"{owner}/{name}".lower() != LOCAL_REPO:
            raise Refused(404, f"Không có kho {owner}/{name}: máy chủ cục bộ chỉ phục vụ kho {LOCAL_REPO}.")
        if not rest:
            return "GET", self._repository
        head, tail = rest[0], "/".join(rest[1:])
        if head == "branches" and tail:
            return "GET", lambda: self._branch(tail)
        if rest[:2] == ["git", "trees"] and len(rest) > 2:
            return "GET", lambda: self._tree("/".join(rest[2:]))
        if head == "media" and tail:
            return "GET", lambda: self._media(tail)
        if rest == ["commits"]:
            return "GET", self._commits
        if rest == ["file-contents"]:
            return "POST", self._file_contents
        if rest == ["contents"]:
            return "POST", self._change_files
        return None

    def _not_a_page(self) -> None:
        """Any other address, opened in a tab (Sveltia's “create a token” link goes to /user/settings/…)."""
        self._send(404, NOT_A_PAGE.encode(), "text/plain; charset=utf-8",
                   extra={"Content-Security-Policy": "default-src 'none'; sandbox"})

    def _read_json(self) -> Any:
        message = Message()
        message["Content-Type"] = self.headers.get("Content-Type", "")
        # application/json forces a browser to ask first (preflight), which only the preview passes.
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
            raise Refused(413, f"Dữ liệu quá lớn (tối đa {MAX_BODY // (1024 * 1024)} MB một lần lưu, "
                               "tức tệp khoảng 30 MB).")
        try:
            return json.loads(self.rfile.read(length).decode("utf-8"))
        except (ValueError, RecursionError):
            raise Refused(400, "Dữ liệu không phải JSON hợp lệ.") from None

    # -- the answers Sveltia reads ----------------------------------------------------
    def _settings(self) -> None:
        self._json({"max_response_items": MAX_FILES_PER_CALL, "default_paging_num": FILES_PER_CALL,
                    "default_git_trees_per_page": TREE_PAGE, "default_max_blob_size": MAX_BLOB_SIZE})

    def _user(self) -> None:
        self._json(self.server.user())

    def _repository(self) -> None:
        server = self.server
        self._json({
            "id": 1, "owner": {**server.owner(), "login": LOCAL_OWNER, "username": LOCAL_OWNER},
            "name": LOCAL_NAME, "full_name": LOCAL_REPO,
            "description": "Nội dung của trang, trên máy này (make edit)",
            "empty": False, "private": True, "fork": False, "template": False, "mirror": False, "archived": False,
            "html_url": server.html_url, "clone_url": "", "ssh_url": "",
            "default_branch": server.worktree.branch(),
            "permissions": {"admin": False, "push": True, "pull": True},
            "has_pull_requests": False, "has_issues": False, "has_wiki": False,
        })

    def _check_branch(self, branch: str) -> None:
        current = self.server.worktree.branch()
        if branch != current:
            raise Refused(404, f"Không có nhánh “{branch}”: thư mục dự án đang ở nhánh “{current}”.")

    def _branch(self, branch: str) -> None:
        self._check_branch(branch)
        worktree = self.server.worktree
        _, message = worktree.head()
        tree_id, _ = worktree.listing()
        self._json({"name": branch, "protected": False, "user_can_push": True, "user_can_merge": True,
                    "commit": {"id": tree_id, "message": message, "url": "", "timestamp": _now(),
                               "author": None, "committer": None, "verification": None}})

    def _check_ref(self, ref: str) -> None:
        if not SHA.fullmatch(ref):  # the id /branches gave; an older one still gets today's files
            self._check_branch(ref)

    def _tree(self, ref: str) -> None:
        self._check_ref(ref)
        page = _number(self._query.get("page"), 1, 1, 1_000_000)
        per_page = _number(self._query.get("per_page"), TREE_PAGE, 1, TREE_PAGE)
        tree_id, files = self.server.worktree.listing(ref if SHA.fullmatch(ref) else None)
        chosen = files[(page - 1) * per_page:page * per_page]
        self._json({"sha": tree_id, "url": "",
                    "tree": [{"path": b.path, "mode": "100644", "type": "blob", "size": b.size, "sha": b.sha,
                              "url": ""} for b in chosen],
                    "truncated": page * per_page < len(files), "page": page, "total_count": len(files)},
                   extra={"X-Total-Count": str(len(files))})

    def _file_contents(self) -> None:
        ref = self._query.get("ref")
        if ref:
            self._check_ref(ref)
        body = self._read_json()
        paths = body.get("files") if isinstance(body, dict) else None
        if not isinstance(paths, list) or len(paths) > MAX_FILES_PER_CALL:
            raise Refused(422, f"Cần danh sách “files” (tối đa {MAX_FILES_PER_CALL} đường dẫn).")
        worktree = self.server.worktree
        located = [worktree.locate(path) for path in paths]  # one path outside content/ refuses them all
        answers: list[dict[str, Any] | None] = []
        for path, full in zip(paths, located, strict=True):
            data = worktree.read_file(full)
            if data is None:
                answers.append(None)
                continue
            path = _normal(path)
            large = len(data) > MAX_BLOB_SIZE
            answers.append({"name": path.rsplit("/", 1)[-1], "path": path, "sha": blob_sha(data), "type": "file",
                            "size": len(data), "encoding": None if large else "base64",
                            "content": None if large else base64.b64encode(data).decode("ascii"),
                            "last_commit_sha": None, "url": "", "html_url": "", "git_url": "", "download_url": ""})
        self._json(answers)

    def _media(self, rest: str) -> None:
        branch = self.server.worktree.branch()
        if not rest.startswith(branch + "/"):
            raise Refused(404, f"Không có nhánh này: thư mục dự án đang ở nhánh “{branch}”.")
        path = rest[len(branch) + 1:]
        data = self.server.worktree.read(path)
        if data is None:
            raise Refused(404, f"Không có tệp {_normal(path)}.")
        kind = guess_type(path)[0] or "application/octet-stream"
        # Read by the editor with fetch(); opened directly it runs nothing and is only downloaded.
        self._send(200, data, content_type=kind, extra={"Content-Security-Policy": "default-src 'none'; sandbox",
                                                         "Content-Disposition": "attachment"})

    def _commits(self) -> None:
        sha = self._query.get("sha")
        if sha:
            self._check_ref(sha)
        path = self._query.get("path") or CONTENT
        self.server.worktree.locate(path, file=False)
        limit = _number(self._query.get("limit"), 30, 1, 100)
        page = _number(self._query.get("page"), 1, 1, 1_000_000)
        self._json(self.server.worktree.history(_normal(path), limit, (page - 1) * limit))

    def _change_files(self) -> None:
        worktree = self.server.worktree
        body = self._read_json()
        if isinstance(body, dict):
            branch = body.get("branch") or worktree.branch()
            if not isinstance(branch, str):
                raise Refused(422, "Tên nhánh không hợp lệ.")
            self._check_branch(branch)
            if body.get("new_branch") not in (None, "", branch):
                raise Refused(422, "Trang biên tập cục bộ không tạo nhánh mới.")
        changes, message = parse_changes(body, worktree)
        commit, saved = worktree.save(changes, message)
        name, email = self.server.author()
        now = _now()
        person = {"name": name, "email": email, "date": now}
        _say(f"đã lưu {', '.join(c.path for c in changes)} (commit {commit[:10]}).")
        self._json({
            "commit": {"sha": commit, "url": "", "html_url": "", "created": now, "message": message,
                       "author": person, "committer": person, "parents": [], "tree": {"url": "", "sha": ""}},
            "files": [None if blob is None else
                      {"name": blob.path.rsplit("/", 1)[-1], "path": blob.path, "sha": blob.sha, "type": "file",
                       "size": blob.size, "encoding": None, "content": None, "url": "", "html_url": "",
                       "git_url": "", "download_url": ""} for blob in saved],
            "verification": None,
        }, 201)


def _number(value: str | None, default: int, low: int, high: int) -> int:
    if value is None or value == "":
        return default
    try:
        return min(max(int(value), low), high)
    except ValueError:
        raise Refused(400, f"Số không hợp lệ: {value[:20]}") from None


class LocalGitServer(ThreadingHTTPServer):
    daemon_threads = True  # (address reuse stays on: on Linux it never lets a second server share a listening port)

    def __init__(self, root: Path, port: int, site_port: int, token: str):
        super().__init__((LOCAL_HOST, port), Handler)
        self.port = self.server_address[1]
        self.hosts = local_hosts(self.port)
        self.origins = preview_origins(site_port)
        self.token = token
        self.worktree = Worktree(root)
        self.html_url = f"http://{LOCAL_HOST}:{self.port}/{LOCAL_REPO}"

    def author(self) -> tuple[str, str]:
        name, email = self.worktree.identity()
        return name or FALLBACK_LOGIN, email or f"{FALLBACK_LOGIN}@{LOCAL_HOST}"

    def owner(self) -> dict[str, Any]:
        name, email = self.author()
        return {"id": 1, "login": name, "username": name, "login_name": "", "full_name": name, "email": email,
                "avatar_url": "", "html_url": "", "language": "vi-VN", "is_admin": False, "active": True}

    def user(self) -> dict[str, Any]:
        return self.owner()


class EditorBackend:
    """The local Gitea API over ``root``'s content/ on 127.0.0.1:``port``; start() then stop().

    ``port`` 0 picks a free one (read ``port`` after start()); ``token`` defaults to a fresh one.
    """

    def __init__(self, root: Path, port: int, site_port: int, token: str | None = None):
        self.root = root.resolve()
        self.port = port
        self.site_port = site_port
        self.token = token or new_token()
        self.server: LocalGitServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def api_root(self) -> str:
        return f"http://{LOCAL_HOST}:{self.port}{API_ROOT}"

    def __enter__(self) -> EditorBackend:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        if not (self.root / CONTENT).is_dir():
            raise GuardError(f"Không thấy thư mục {self.root / CONTENT}.")
        try:
            self.server = LocalGitServer(self.root, self.port, self.site_port, self.token)
        except OSError as error:
            raise GuardError(f"Không mở được trang biên tập trên cổng {self.port}: {error}") from error
        self.port = self.server.port
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.1,), name="editor-backend",
                                        daemon=True)
        self._thread.start()
        # Hash every file once now, so the editor's first listing is already fast.
        threading.Thread(target=self.server.worktree.files, name="editor-warmup", daemon=True).start()

    def stop(self) -> None:
        if self.server:
            if self._thread:  # shutdown() waits for serve_forever, so only once it runs
                self.server.shutdown()
                self._thread.join()
                self._thread = None
            self.server.server_close()
            self.server = None
