"""`mkdocs serve --dirty` on a test project, as `make serve` runs it: its address, its log and its site folder.

The site folder is MkDocs' temporary one; TMPDIR points it into the project, so a test can read it.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import run_env

INDEX_UPDATED = "Chỉ mục tìm kiếm của bản xem thử đã cập nhật"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    """The page's text, or None while nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


class Serving:
    def __init__(self, project: Path, port: int | None = None, name: str = "a", dirty: bool = True):
        self.project = project
        self.tmp = project / f".serve-{name}"
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp.mkdir()
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.log_path = project / f"serve-{name}.log"
        self._log = self.log_path.open("w", encoding="utf-8")
        command = [sys.executable, "-m", "mkdocs", "serve", *(["--dirty"] if dirty else []),
                   "--dev-addr", f"127.0.0.1:{self.port}"]
        # SOURCE_DATE_EPOCH: the same build date in every build, whatever the hour.
        self.process = subprocess.Popen(command, cwd=project, stdout=self._log, stderr=subprocess.STDOUT,
                                        env=run_env(TMPDIR=str(self.tmp), SOURCE_DATE_EPOCH="1790000000"))

    # -- What it serves -----------------------------------------------------------------------------------

    def get(self, path: str = "") -> tuple[int, str]:
        """Status and text of a page (0 when nothing answers)."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=120) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, ""

    def wait_for(self, path: str, check, limit: float = 120) -> str:
        """Poll ``path`` until ``check(status, text)`` holds; bounded, so a broken preview fails, not hangs."""
        deadline = time.monotonic() + limit
        status, text = 0, ""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"mkdocs serve stopped:\n{self.log()[-3000:]}")
            status, text = self.get(path)
            if status and check(status, text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"/{path} never passed the check; last {status}: {text[:300]}\n{self.log()[-3000:]}")

    def wait_text(self, path: str, text: str, limit: float = 120) -> str:
        return self.wait_for(path, lambda status, page: status == 200 and text in page, limit)

    def started(self) -> Serving:
        self.wait_for("", lambda status, text: True, limit=300)
        return self

    # -- What it did -----------------------------------------------------------------------------------------

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def builds(self) -> list[str]:
        """What each build that finished wrote ("dựng lại 3 trang, …"), or that it failed."""
        return [done or failed for done, failed in
                re.findall(r"Bản xem thử: (.*)\.$|Bản xem thử (dừng) ở lỗi", self.log(), re.M)]

    def wait_builds(self, count: int, limit: float = 120) -> list[str]:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            builds = self.builds()
            if len(builds) >= count:
                return builds
            time.sleep(0.2)
        raise AssertionError(f"fewer than {count} builds:\n{self.log()[-3000:]}")

    def save(self, path: Path, text: str) -> None:
        """Write ``text`` and wait for the build it causes."""
        before = len(self.builds())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.wait_builds(before + 1)

    def remove(self, path: Path) -> None:
        before = len(self.builds())
        path.unlink()
        self.wait_builds(before + 1)

    def site(self) -> Path:
        (folder,) = self.tmp.glob("mkdocs_*")
        return folder

    def wait_search_index(self, limit: float = 120) -> None:
        """Until the search index written after the last build is in place."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            log = self.log()
            if log.rfind(INDEX_UPDATED) > log.rfind("Bản xem thử: dựng lại"):
                return
            time.sleep(0.2)
        raise AssertionError(f"the search index was not written again:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative path, with its bytes."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def differences(one: dict[str, bytes], two: dict[str, bytes]) -> list[str]:
    return sorted({*one, *two} - {name for name in one.keys() & two.keys() if one[name] == two[name]})
