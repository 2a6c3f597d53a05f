"""`mkdocs serve` around the preview (cchc.site.preview), through the server object on_serve hands over.

Three things MkDocs' own server does not do for this site:

- Its reload script is added to each page as it is served; the page's content security
  policy (a <meta>, cchc.render.csp) allows inline scripts by hash only, so the browser
  refused it and no page reloaded on save. Each HTML response gets that one script's
  hash added to its policy.
- A failed rebuild left the server waiting for a good one: every page, /admin/ included,
  hung until the error was fixed, and the error was only in the terminal. A failed build
  now counts as done (the open pages reload), and every page but /admin/ is answered
  with a page listing the errors, which reloads itself once they are fixed.
- It watches docs/ and mkdocs.yml only; the content, templates, hooks and code are added.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from cchc.core import layout
from cchc.render.csp import allow_script
from cchc.site.preview import ERROR_PAGE, Preview, error_page

log = logging.getLogger("mkdocs.hooks.cchc")

_RELOAD_END = b"</script></body>"  # how MkDocs' LiveReloadServer._inject_js_into_html ends a page


def install(server, preview: Preview, site_dir: Path, site_name: Callable[[], str], watch: Iterable[Path]) -> None:
    for path in watch:
        if path.exists():
            server.watch(str(path))
    build = server.builder

    def builder() -> None:
        try:
            build()
        except Exception as error:  # noqa: BLE001 - every failure becomes the error page, none a hang
            if not preview.errors:
                preview.failed([str(error)], written=True)
            log.error(f"Bản xem thử dừng ở lỗi trên; các trang hiện danh sách lỗi tới khi sửa xong ({error})")
        if preview.errors:
            write_error_page(preview, site_dir, site_name())

    server.builder = builder
    server.set_app(_Pages(server.serve_request, preview, server.mount_path))


def write_error_page(preview: Preview, site_dir: Path, site_name: str) -> None:
    site_dir.mkdir(parents=True, exist_ok=True)
    (site_dir / ERROR_PAGE).write_text(error_page(preview.errors, site_name), encoding="utf-8")


class _Pages:
    """MkDocs' WSGI application, with the error page while there are errors and its reload script allowed."""

    def __init__(self, app, preview: Preview, mount: str):
        self._app, self._preview, self._mount = app, preview, mount

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if self._preview.errors and self._shows_errors(path):
            environ = {**environ, "PATH_INFO": self._mount + ERROR_PAGE}
        answer: dict = {}

        def keep(status, headers, exc_info=None):
            answer.update(status=status, headers=headers, exc_info=exc_info)
            return lambda data: None  # MkDocs returns its body; it never writes through this

        body = self._app(environ, keep)
        headers = answer["headers"]
        if not any(k.lower() == "content-type" and v.startswith("text/html") for k, v in headers):
            start_response(answer["status"], headers, answer["exc_info"])
            return body
        page = b"".join(body)
        if hasattr(body, "close"):
            body.close()
        # The web editor never reloads itself on a rebuild: each of its saves causes one, and a reload
        # would throw away what the editor is typing in the next form.
        page = _without_reload(page) if self._is_editor(path) else _allow_reload(page)
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"] + [("Content-Length", str(len(page)))]
        start_response(answer["status"], headers, answer["exc_info"])
        return [page]

    def _is_editor(self, path: str) -> bool:
        return path.startswith(self._mount + layout.ADMIN)

    def _shows_errors(self, path: str) -> bool:
        # Pages only: styles, scripts and images still load, and so does the web editor, to fix the error with.
        return path.startswith(self._mount) and path.endswith(("/", ".html")) and not self._is_editor(path)


def _reload_script(page: bytes) -> tuple[int, int] | None:
    """Where MkDocs' reload script sits in ``page``: the start of its <script> and of its </script>."""
    end = page.rfind(_RELOAD_END)
    start = page.rfind(b"<script>", 0, end)
    return None if end == -1 or start == -1 else (start, end)


def _allow_reload(page: bytes) -> bytes:
    found = _reload_script(page)
    if not found:
        return page  # a page MkDocs added nothing to (an error answer)
    start, end = found
    script = page[start + len(b"<script>"):end].decode("utf-8")
    return allow_script(page.decode("utf-8"), script).encode("utf-8")


def _without_reload(page: bytes) -> bytes:
    found = _reload_script(page)
    if not found:
        return page
    start, end = found
    return page[:start] + page[end + len(b"</script>"):]


class Collector:
    """Python's collector of cyclic garbage, kept out of the preview's quick builds.

    A preview holds about 400,000 objects (the loaded content, what each page shows), and a full
    collection walks them all: 0.3 to 0.5 s, which Python started in the middle of one build in two.
    During a build that writes a few pages it is off; it runs half a second after the build, once
    the browser has fetched the page the editor saved. A build that starts meanwhile waits for it.
    """

    DELAY = 0.5

    def __init__(self) -> None:
        self._timer: threading.Timer | None = None

    def pause(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        gc.disable()

    def resume(self) -> None:
        """Now (before a build that writes everything, and makes plenty of garbage)."""
        self.pause()
        gc.enable()

    def later(self) -> None:
        def collect() -> None:
            gc.enable()
            gc.collect()

        self._timer = threading.Timer(self.DELAY, collect)
        self._timer.daemon = True
        self._timer.start()


collector = Collector()


def restart(site_dir: Path, preview: Preview) -> None:
    """Start `mkdocs serve` again in this process: Python keeps the old hooks and cchc code loaded.

    The new process builds everything, binds the same address and serves a new site folder;
    open pages keep asking for a reload and get one once it answers.
    """
    log.info("Mã Python (hooks/, cchc/) hoặc schemas/ đã thay đổi: khởi động lại bản xem thử")
    preview.search.stop()
    shutil.rmtree(site_dir, ignore_errors=True)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
