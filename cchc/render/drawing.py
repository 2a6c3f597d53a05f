"""The build's missing drawings (share cards, thumbnails, QR codes, charts), made on every core while it goes on.

A first build at thousands of posts draws thousands of cards at ~10 ms of CPU each, which used to be most
of its time, the build waiting meanwhile. Here each kind hands over what is not in .cache/ yet as soon
as the build knows it (hooks/site.py, on_config); a pool of processes draws it while the build plans
and renders pages, and the build waits for one drawing only where it uses it: a QR code when its page
is rendered, a card when it is linked into the site (after the pages), a chart when its page is planned.

A worker writes the cache entry with ``cached`` exactly as the build itself would (the same function and
arguments, so the same bytes); the build marks every entry as used (``diskcache.usage``, kept per process)
when it hands it over, so pruning keeps it. Fewer than MINIMUM drawings (a preview after a save) start no
pool: the callers then draw them in the build's own process, as they did before, and so does a warm build,
which has nothing to draw.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cchc.core import diskcache

MINIMUM = 8  # fewer missing drawings are made in the build's own process: starting workers costs more
PROGRESS_EVERY = 5.0  # seconds between two progress lines, at most
# Drawings a worker takes at once: enough to make the hand-over cheap beside the drawing, few enough that
# the build waiting for one of them does not wait long.
CHUNK = {"chart": 2, "thumbnail": 2, "qr": 16, "card": 16}
# How each kind is named in the progress lines (in the order they are listed).
NAMES = {"card": "ảnh chia sẻ", "thumbnail": "ảnh thu nhỏ", "qr": "mã QR", "chart": "biểu đồ"}


@dataclass(frozen=True)
class Job:
    """One missing cache entry: ``make(*args)`` writes it (through diskcache.cached) at ``path``."""

    kind: str  # a key of NAMES
    path: Path
    make: Callable[..., Any]  # module-level, so that a worker can be handed it
    args: tuple


class Drawings:
    """The missing drawings of one build, and the pool that draws them.

    ``want`` collects jobs; ``submit`` hands what was collected to the pool, starting it once at least
    ``minimum`` drawings are wanted in all. ``waiting``/``wait`` give the build one drawing; ``poll`` tells
    which are finished (and logs the progress now and then); ``finish`` waits for all, ``close`` stops the pool.
    ``clock`` is injected for tests; ``log`` is the build's logger (INFO, so `mkdocs build -q` shows nothing).
    """

    def __init__(self, log: logging.Logger, *, workers: int | None = None, minimum: int = MINIMUM,
                 clock: Callable[[], float] = time.monotonic, every: float = PROGRESS_EVERY):
        self.log = log
        self.workers = workers or os.cpu_count() or 1
        self.minimum = minimum
        self.clock = clock
        self.every = every
        self.pool: ProcessPoolExecutor | None = None
        self._wanted: list[Job] = []
        self._jobs: dict[Path, tuple[Job, Future, int]] = {}  # path → (job, its chunk's future, place in it)
        self._finished: queue.SimpleQueue = queue.SimpleQueue()  # chunks done, put by the pool's thread
        self._unreported: list[Path] = []  # finished and not yet returned by poll
        self.total: dict[str, int] = {}  # kind → drawings handed to the pool
        self.done: dict[str, int] = {}
        self._started = 0.0
        self._last_line = 0.0

    # -- handing over -----------------------------------------------------------------------------------

    def want(self, jobs: Iterable[Job]) -> None:
        """Missing drawings, to be drawn by the pool from the next ``submit`` (if it starts at all)."""
        for job in jobs:
            if job.path not in self._jobs:
                self._wanted.append(job)

    def submit(self) -> bool:
        """Hand what is wanted to the pool; False if it has not started (too few drawings so far)."""
        if self.pool is None:
            if len({job.path for job in self._wanted}) < self.minimum:
                return False
            self.pool = ProcessPoolExecutor(self.workers, mp_context=_context())
            self._started = self._last_line = self.clock()
        wanted, self._wanted = self._wanted, []
        by_kind: dict[str, list[Job]] = {}
        for job in {job.path: job for job in wanted if job.path not in self._jobs}.values():
            by_kind.setdefault(job.kind, []).append(job)
            diskcache.usage.mark(job.path)  # a worker's `cached` records it in the worker, not here
        for kind, jobs in by_kind.items():
            self.total[kind] = self.total.get(kind, 0) + len(jobs)
            self.done.setdefault(kind, 0)
            size = CHUNK.get(kind, 8)
            for start in range(0, len(jobs), size):
                chunk = jobs[start:start + size]
                future = self.pool.submit(_draw_chunk, [(job.make, job.args) for job in chunk])
                for index, job in enumerate(chunk):
                    self._jobs[job.path] = (job, future, index)
                future.add_done_callback(lambda f, chunk=chunk: self._finished.put(chunk))
        return True

    # -- taking drawings --------------------------------------------------------------------------------

    def waiting(self, path: Path) -> bool:
        """True if the pool draws ``path`` (finished or not): take it with ``wait``."""
        return path in self._jobs and self._jobs[path][1] is not None

    def ready(self, path: Path) -> bool:
        """True if the pool has finished ``path`` (``wait`` returns at once)."""
        return self._jobs[path][1].done()

    def wait(self, path: Path) -> Path:
        """``path`` once drawn; raises what drawing it raised. If the pool broke (a worker killed), or the
        build stopped it, the drawing is made here."""
        job, future, index = self._jobs[path]
        if not future.done():
            self._wait_for([future])
        try:
            error = future.result()[index]
        except (BrokenProcessPool, CancelledError):
            job.make(*job.args)
            return path
        if error is not None:
            raise error
        return path

    def poll(self) -> list[Path]:
        """The drawings finished since the last call (each once, errors included); logs the progress if due."""
        self._collect()
        done, self._unreported = self._unreported, []
        now = self.clock()
        if self.pool is not None and now - self._last_line >= self.every and self._remaining():
            self._last_line = now
            self.log.info("Vẽ " + ", ".join(f"{NAMES[kind]} {_number(self.done[kind])}/{_number(total)}"
                                            for kind, total in self._kinds()))
        return done

    def finish(self) -> list[Path]:
        """Wait until every drawing is finished, logging the progress; returns those ``poll`` did not return yet."""
        self._wait_for({future for _, future, _ in self._jobs.values() if future is not None})
        return self.poll()

    def close(self) -> None:
        """Stop the pool (drawings not started are dropped). Says what was drawn, if the pool ran to the end."""
        if self.pool is None:
            return
        pool, self.pool = self.pool, None
        pool.shutdown(wait=True, cancel_futures=True)
        self._collect()
        if not self._remaining():
            kinds = ", ".join(f"{_number(total)} {NAMES[kind]}" for kind, total in self._kinds())
            seconds = f"{self.clock() - self._started:.1f}".replace(".", ",")
            self.log.info(f"Vẽ xong {kinds} trong {seconds} giây ({self.workers} tiến trình).")

    # -- inside -----------------------------------------------------------------------------------------

    def _wait_for(self, futures: Iterable[Future]) -> None:
        pending = set(futures)
        while pending:
            # Wakes up for the progress line; each wait is short beside a line's interval.
            _, pending = wait(pending, timeout=min(self.every, 1.0))
            self.poll()

    def _collect(self) -> None:
        while True:
            try:
                chunk = self._finished.get_nowait()
            except queue.Empty:
                return
            for job in chunk:
                self.done[job.kind] += 1
                self._unreported.append(job.path)

    def _remaining(self) -> bool:
        return any(self.done[kind] < total for kind, total in self.total.items())

    def _kinds(self) -> list[tuple[str, int]]:
        return [(kind, self.total[kind]) for kind in NAMES if self.total.get(kind)]


def _draw_chunk(jobs: list[tuple[Callable[..., Any], tuple]]) -> list[BaseException | None]:
    """In a worker: each drawing, its error kept in its place, so that one broken photo spoils only itself."""
    errors: list[BaseException | None] = []
    for make, args in jobs:
        try:
            make(*args)
            errors.append(None)
        except Exception as error:  # noqa: BLE001 - handed back, raised by the build where it takes the drawing
            errors.append(error)
    return errors


def _context():
    # Fork starts workers at once with every module already imported; it is safe only while the build's
    # process runs no other thread (a lock held by one would stay locked in the child forever). `mkdocs
    # serve` runs its server and watcher threads: there a fork server starts the workers instead.
    method = "fork" if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods() \
        else "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _number(value: int) -> str:
    """1.234: thousands as Vietnamese writes them."""
    return f"{value:,}".replace(",", ".")


# -- the build's drawings, for the modules that take one ---------------------------------------------------

_current: Drawings | None = None


def use(drawings: Drawings | None) -> None:
    """The drawings of the running build (None after it): QR codes and charts look here (``take``)."""
    global _current
    _current = drawings


def take(path: Path) -> Callable[[], Path] | None:
    """If the build's pool draws ``path``: a function that waits for it and returns it; else None (then draw it
    as ever)."""
    drawings = _current
    if drawings is None or not drawings.waiting(path):
        return None
    return lambda: drawings.wait(path)


class Later:
    """Text a template prints (``{{ cchc.qr }}``: str()) read from a drawing only then, so that planning a
    thousand pages does not wait for their QR codes. ``read`` gives the text; it runs once."""

    __slots__ = ("_read", "_text")

    def __init__(self, read: Callable[[], str]):
        self._read: Callable[[], str] | None = read
        self._text = ""

    def __str__(self) -> str:
        if self._read is not None:
            self._text, self._read = self._read(), None
        return self._text

    __html__ = __str__  # Markup(…) and an autoescaping template take it as the markup it is

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other) if isinstance(other, (str, Later)) else NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __contains__(self, part: str) -> bool:
        return part in str(self)
