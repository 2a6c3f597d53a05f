"""The live preview (`mkdocs serve`): what it keeps between builds, so that a save rewrites only what it touches.

A full build of 5,000 posts and 1,000 procedures takes half a minute; an editor
who saves one post wants to see it in a second or two. The preview therefore
keeps, between the builds of one `mkdocs serve --dirty`:

- the loaded files (cchc.core.memo): only files whose stamp changed are read again,
  and an unchanged file gives back the very same post;
- the planned pages (cchc.site.plan): pages whose inputs are the same objects are
  not planned again;
- what each page on disk shows (``freeze`` of its PageSpec). A page is written again
  when what it shows differs: the post itself, its neighbours and related posts, every
  listing page, category, year archive, field page or changelog page whose items or
  counts changed (pagination shifts included), feeds and open data whose bytes
  differ, share cards whose text differs. Pages no longer planned, and every other
  output that is gone (a deleted post's card, a deleted attachment), are removed.

Procedures, decisions and their changes link to each other (history, replacements,
related records), so a page showing one of them may show what another's file says.
Such records stand in a page's description as a version number (``Versions``), and
a changed file makes a new version of everything its records are linked to, and of
what those are linked to, so every page that could show it is written again.

Anything else that shapes pages (templates in overrides/, docs/, mkdocs.yml) makes
a full build; Python code (hooks/, cchc/) and schemas/ restart the preview, since a
running Python keeps them loaded. The home page and the pages written in docs/ are
rendered at every build: they are few, and MkDocs reads their front matter only then.

What the preview does not do at once: the search index (Pagefind, one core for
several seconds at this size) is rewritten in the background after a build that
changed a searchable page, and the preview's search finds the old text until it is
done (a few seconds; the terminal says when). Everything else a full build writes,
the preview writes before the page reloads.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path, PurePath
from typing import Any

from cchc.core import gitdates
from cchc.core.memo import FileMemo, stamp, unchanged
from cchc.core.terms import Term, TermIndex
from cchc.news.model import Post
from cchc.page.share import Share
from cchc.page.spec import PageSpec
from cchc.render.cards import Card
from cchc.render.csp import add_policy
from cchc.render.search_index import LiveIndex, SearchIndexError, line
from cchc.tthc.model import Catalogue, Change, Decision, Procedure

log = logging.getLogger("mkdocs.hooks.cchc.preview")

# -- What a page shows, in a form that compares across builds -----------------------------------------------

_PLAIN = frozenset({str, int, float, bool, type(None), bytes, datetime, date})
_VALUES = (Post, Term, Card)  # value objects holding nothing that links elsewhere: compared by their ==
_KEYS: dict[type, Callable[[Any], tuple]] = {  # records that link to each other: compared by Versions
    Procedure: lambda p: ("procedure", p.src_uri),
    Decision: lambda d: ("decision", d.src_uri),
    Change: lambda c: ("change", c.decision.src_uri, c.index),
}


class _Same:
    """Anything else: the same object (a module's constant) or not."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)


def freeze(value: Any, token: Callable[[Any], Any]) -> Any:
    """``value`` (a PageSpec, or anything in one) as nested tuples that compare equal across builds exactly
    when the page shows the same. ``token`` stands for a linked record (see Versions.token)."""
    return Freezer(token)(value)


class Freezer:
    """``freeze`` for many specs at once: a dict, list or dataclass met again (the same object, as the labels
    every procedure page shares) is frozen once."""

    def __init__(self, token: Callable[[Any], Any]):
        self._token = token
        self._seen: dict[int, tuple[Any, Any]] = {}  # id → (the object, kept alive so the id stays its own; frozen)

    def __call__(self, value: Any) -> Any:
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind in _KEYS:
            return self._token(value)
        seen = self._seen.get(id(value))
        if seen is not None:
            return seen[1]
        frozen = self._freeze(value, kind)
        if kind is dict or kind is list or is_dataclass(kind):
            self._seen[id(value)] = (value, frozen)
        return frozen

    def _freeze(self, value: Any, kind: type) -> Any:
        if kind is dict:
            return (dict, tuple([(key, self(item)) for key, item in value.items()]))
        if kind is list or kind is tuple:
            return tuple([self(item) for item in value])
        if isinstance(value, _VALUES):
            return value
        if isinstance(value, (str, int, float, PurePath)):  # Markup, enums, paths
            return value
        if kind is Share:
            # Its JSON-LD is printed by Jinja's tojson (json.dumps, sort_keys): its JSON text says all the
            # page shows of it, and the C encoder writes it ten times faster than this walks it.
            return (kind, tuple([_structured(value.structured, self) if name == "structured" else self(getattr(value, name))
                                 for name in _field_names(kind)]))
        if is_dataclass(value):
            return (kind, tuple([self(getattr(value, name)) for name in _field_names(kind)]))
        if isinstance(value, tuple):  # a NamedTuple (Feed)
            return (kind, tuple([self(item) for item in value]))
        if isinstance(value, TermIndex):
            return (TermIndex, tuple(value))
        if isinstance(value, (set, frozenset)):
            return (frozenset, frozenset(self(item) for item in value))
        return _Same(value)


def _structured(items: tuple, freezer: Freezer) -> Any:
    try:
        return ("json", json.dumps(list(items), sort_keys=True))
    except (TypeError, ValueError):  # not JSON (the page would fail to render anyway): compared object by object
        return freezer(items)


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


class Versions:
    """A version number for every procedure, decision and change, new whenever a page showing it may change.

    Each record's own state (its fields, a linked record standing as its key) is compared with the
    last catalogue's: a changed file, and anything else a load derives (a decision in force since the
    last build, git history, the fields list), changes it. A record's page may show what linked
    records say (a replacement's name, the decision's number in its history), so a changed record gives
    a new version to every record linked to it, transitively, in the catalogue before and after the
    change: a removed link counts too.
    """

    def __init__(self) -> None:
        self.catalogue: Catalogue | None = None
        self._version: dict[tuple, int] = {}
        self._state: dict[tuple, tuple] = {}
        self._links: dict[tuple, set[tuple]] = {}
        self._next = 0

    def update(self, catalogue: Catalogue) -> None:
        if catalogue is self.catalogue:
            return
        records: dict[tuple, Any] = {}
        for procedure in catalogue.procedures:
            records[_KEYS[Procedure](procedure)] = procedure
        for decision in catalogue.decisions:
            records[_KEYS[Decision](decision)] = decision
            for change in decision.changes:
                records[_KEYS[Change](change)] = change
        states = {key: _state(record) for key, record in records.items()}
        links: dict[tuple, set[tuple]] = {key: set() for key in records}
        for key, record in records.items():
            for other in _linked(record):
                other_key = _KEYS[type(other)](other)
                links[key].add(other_key)
                links.setdefault(other_key, set()).add(key)
        start = {key for key, state in states.items() if self._state.get(key) != state}
        start |= self._state.keys() - states.keys()  # gone: what linked to it changes
        dirty, queue = set(start), list(start)
        while queue:  # everything linked, before or after, to what changed
            key = queue.pop()
            for other in links.get(key, ()) | self._links.get(key, set()):
                if other not in dirty:
                    dirty.add(other)
                    queue.append(other)
        version = {}
        for key in records:
            if key in dirty:
                self._next += 1
                version[key] = self._next
            else:
                version[key] = self._version[key]
        self.catalogue, self._version, self._state, self._links = catalogue, version, states, links

    def token(self, record: Any) -> Any:
        key = _KEYS[type(record)](record)
        number = self._version.get(key)
        return _Same(record) if number is None else ("record", key, number)


def _state(record: Any) -> tuple:
    """A record's own fields, comparable across loads: a linked record by its key, values as they are."""
    return tuple(_own(getattr(record, name)) for name in _field_names(type(record)))


def _own(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind in _KEYS:
        return _KEYS[kind](value)
    if kind is list or kind is tuple:
        return tuple(_own(item) for item in value)
    if kind is dict:
        return tuple((key, _own(item)) for key, item in value.items())
    if is_dataclass(value) and value.__dataclass_params__.frozen:  # a value: a Field, a Channel, a Fee…
        return value
    if isinstance(value, (str, int, float, PurePath)):
        return value
    return _Same(value)


def _linked(record: Any) -> Iterable[Any]:
    """The records ``record`` refers to: its attributes, lists of them, and pairs in those lists (related)."""
    for value in vars(record).values():
        if type(value) in _KEYS:
            yield value
        elif isinstance(value, (list, tuple)):
            for item in value:
                if type(item) in _KEYS:
                    yield item
                elif isinstance(item, tuple):
                    yield from (inner for inner in item if type(inner) in _KEYS)


# -- What the build is asked to write --------------------------------------------------------------------------


@dataclass
class Delta:
    """What one preview build writes, by src_uri (pages) or site-relative path (everything else)."""

    full: bool
    pages: set[str] = field(default_factory=set)
    cards: set[str] = field(default_factory=set)
    thumbnails: set[str] = field(default_factory=set)
    assets: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)  # generated files (feeds, open data)
    gone: set[str] = field(default_factory=set)  # site-relative paths to remove

    def summary(self) -> str:
        if self.full:
            return "dựng lại toàn bộ"
        parts = [f"{len(self.pages)} trang"]
        parts += [f"{len(items)} {name}" for items, name in ((self.files, "tệp dữ liệu"), (self.cards, "ảnh chia sẻ"),
                                                             (self.assets, "tệp đính kèm"), (self.gone, "tệp xoá"))
                  if items]
        return "dựng lại " + ", ".join(parts)


@dataclass
class _Written:
    """What the site folder holds, as of the last build that finished."""

    pages: dict[str, tuple[PageSpec, Any]] = field(default_factory=dict)  # src_uri → (spec, what it shows)
    dests: dict[str, str] = field(default_factory=dict)  # src_uri of a page → its file in the site
    cards: dict[str, Card] = field(default_factory=dict)
    thumbnails: dict[str, Any] = field(default_factory=dict)  # uri → (Thumbnail, Stamp of its image)
    assets: dict[str, Any] = field(default_factory=dict)  # uri → (path, Stamp)
    files: dict[str, bytes] = field(default_factory=dict)
    sitemap: Any = None
    admin: Any = None


class Preview:
    """One `mkdocs serve`: the memo of loaded files and planned pages, and what its site folder holds.

    ``full``: folders and files whose change makes every page be written again (templates, docs/,
    mkdocs.yml); ``restart``: those the running Python keeps loaded (hooks, cchc, schemas), whose change
    restarts the preview. See ``begin``.
    """

    def __init__(self, root: Path, full: Iterable[Path], restart: Iterable[Path]):
        self.root = root
        self.memo = FileMemo()
        self.plans: dict = {}  # cchc.site.plan's memo
        self.versions = Versions()
        self.errors: list[str] = []  # what the last build failed on; the preview shows them instead of pages
        self._full, self._restart = tuple(full), tuple(restart)
        self._restart_stamp = _tree_stamp(self._restart)
        self._full_stamp: Any = None
        self._written: _Written | None = None  # None: the site folder is not known (first build, or a failure)
        self._pending: _Written | None = None
        self._dates: tuple[Any, gitdates.FileDates] | None = None
        self._finished = False
        self.search = SearchDocuments()
        self.dest_names: dict[str, str] = {}  # src_uri of a page → its file in the site (its adapter's to fill)

    # -- A build ------------------------------------------------------------------------------------------------

    @property
    def first(self) -> bool:
        """No build of this preview has finished yet."""
        return not self._finished

    def begin(self, incremental: bool = True) -> str:
        """How this build goes: "restart" (Python or schemas changed), "full" or "incremental".

        ``incremental``: whether the site folder is kept between builds (`mkdocs serve --dirty`).
        """
        self.search.stop()
        if _tree_stamp(self._restart) != self._restart_stamp:
            return "restart"
        full_stamp = _tree_stamp(self._full)
        if full_stamp != self._full_stamp or self._written is None or not incremental:
            # The loaded files and planned pages stay good (templates do not shape them; a changed
            # setting is seen by the memo's context and the plans' settings): only every page is written.
            self._full_stamp = full_stamp
            self._written = None
            return "full"
        return "incremental"

    def last_changed(self, content: Any, make: Callable[[], Any]) -> Any:
        """``make()`` (cchc.site.sitemap.LastChanged), or the last one while the content and git are unchanged."""
        kept = self.plans.get("last changed")
        if kept is None or kept[0] is not content.news or kept[1] is not content.tthc or kept[2] is not self._dates:
            kept = self.plans["last changed"] = (content.news, content.tthc, self._dates, make())
        return kept[3]

    def dates(self, read: Callable[[], gitdates.FileDates]) -> gitdates.FileDates:
        """Commit dates (``read()``), asked again only after a commit: the same object while git is unchanged."""
        state = gitdates.git_state(self.root)
        if self._dates is None or self._dates[0] != state:
            self._dates = (state, read())
        return self._dates[1]

    def loaded(self, catalogue: Catalogue) -> None:
        """The content is loaded: records that changed, and those linked to them, get new versions."""
        self.versions.update(catalogue)

    def update(self, specs: Iterable[PageSpec], dests: dict[str, str], cards: dict[str, Card],
               thumbnails: Iterable[Any], assets: Iterable[Any], files: dict[str, bytes]) -> Delta:
        """Compare this build's pages and files with the site folder's; what differs is to be written."""
        before = self._written
        now = _Written(dests=dests, cards=cards, files=files, sitemap=before.sitemap if before else None,
                       admin=before.admin if before else None)
        delta = Delta(full=before is None)
        old = before.pages if before else {}
        freezer = Freezer(self.versions.token)
        for spec in specs:
            kept = old.get(spec.src_uri)
            if kept is not None and (kept[0] is spec or _equal(kept[0], spec)):
                now.pages[spec.src_uri] = kept
                continue
            shown = freezer(spec)
            now.pages[spec.src_uri] = (spec, shown)
            if kept is None or kept[1] != shown:
                delta.pages.add(spec.src_uri)
        # A thumbnail or an attachment is copied again when its source file changed, whatever its mtime says.
        for thumb in thumbnails:
            kept = before.thumbnails.get(thumb.src_uri) if before else None
            if kept is not None and kept[0] == thumb and unchanged(thumb.source, kept[1]):
                now.thumbnails[thumb.src_uri] = kept
            else:
                now.thumbnails[thumb.src_uri] = (thumb, stamp(thumb.source))
                delta.thumbnails.add(thumb.src_uri)
        for asset in assets:
            kept = before.assets.get(asset.src_uri) if before else None
            if kept is not None and kept[0] == asset.abs_path and unchanged(asset.abs_path, kept[1]):
                now.assets[asset.src_uri] = kept
            else:
                now.assets[asset.src_uri] = (asset.abs_path, stamp(asset.abs_path))
                delta.assets.add(asset.src_uri)
        if before is None:
            delta.pages = set(now.pages)
            delta.cards, delta.files = set(cards), set(files)
        else:
            delta.cards = {url for url, card in cards.items() if before.cards.get(url) != card}
            delta.files = {uri for uri, data in files.items() if before.files.get(uri) != data}
            old_out = {*before.dests.values(), *before.cards, *before.thumbnails, *before.assets, *before.files}
            new_out = {*dests.values(), *cards, *now.thumbnails, *now.assets, *files}
            delta.gone = old_out - new_out
        self.search.forget({before.dests[uri] for uri in old if uri not in now.pages} if before else set())
        self._pending = now
        return delta

    def sitemap_changed(self, signature: Any) -> bool:
        """Whether the sitemap's pages or dates changed (MkDocs renders it from every page: 0.3 s at 7,000)."""
        return self._changed("sitemap", signature)

    def admin_changed(self, key: Any) -> bool:
        return self._changed("admin", key)

    def _changed(self, output: str, key: Any) -> bool:
        """Whether ``output`` must be written again: its key differs from the one last written (kept if so)."""
        if self._pending is None or self._written is None or getattr(self._written, output) != key:
            if self._pending is not None:
                setattr(self._pending, output, key)
            return True
        return False

    def finished(self, site_dir: Path, order: Callable[[], list[str]], delta: Delta) -> None:
        """The build is written: remove what is gone, refresh the search index if it must, remember.

        ``order``: every page's file in the order the build wrote them (asked only if the index is refreshed).
        """
        for relative in sorted(delta.gone, reverse=True):
            _remove(site_dir, relative)
        self._written, self._pending = self._pending, None
        self._finished = True
        self.errors = []
        (site_dir / ERROR_PAGE).unlink(missing_ok=True)
        if not delta.full:
            self.search.refresh(site_dir, order)

    def failed(self, messages: list[str], written: bool) -> None:
        """The build stopped; ``written``: it may have written some pages, so the next build is a full one."""
        self.errors = messages
        self._pending = None
        if written:
            self._written = None


def _equal(old: PageSpec, new: PageSpec) -> bool:
    """Equal specs make equal pages: a listing re-planned with the same posts compares in a few µs.

    PageSpec's == compares what it holds by value, posts included; procedures and decisions compare by
    identity (a catalogue read again is new objects), so for those this says "not equal", and
    ``freeze`` with Versions decides.
    """
    try:
        return old == new
    except Exception:  # noqa: BLE001 - anything that cannot compare is compared by freeze
        return False


def _remove(site_dir: Path, relative: str) -> None:
    """A file the last build wrote and this one does not, then its folders while they are empty."""
    path = site_dir / relative
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != site_dir and folder.is_relative_to(site_dir):
        try:
            folder.rmdir()
        except OSError:  # not empty
            break
        folder = folder.parent


def _tree_stamp(paths: Iterable[Path]) -> tuple:
    """Every file under ``paths`` with its stat: a cheap fingerprint of code and templates (a few hundred files)."""
    out = []
    for top in paths:
        if top.is_file():
            out.append((str(top), os.stat(top).st_mtime_ns, os.stat(top).st_size))
            continue
        for folder, dirs, names in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
            for name in sorted(names):
                if name.endswith((".pyc", "~")) or name.startswith("."):
                    continue
                path = os.path.join(folder, name)
                try:
                    result = os.stat(path)
                except OSError:
                    continue
                out.append((path, result.st_mtime_ns, result.st_size))
    return tuple(out)


# -- The search index, refreshed beside the preview ------------------------------------------------------------


class SearchDocuments:
    """What Pagefind indexes of each page (cchc.render.search_index.index_document), kept between builds.

    After a build that changed a searchable page, Pagefind indexes them all again, at low priority on a
    thread of its own, into a folder beside the index, which then takes the index's place: the page the
    editor saved reloads at once, and the preview's search finds its new text a few seconds later. It
    starts DELAY seconds after the build, so that saves in quick succession do not each pay for it; a
    build that starts meanwhile stops it, and it starts again after that build.
    """

    DELAY = 2.0

    def __init__(self) -> None:
        self.documents: dict[str, bytes] = {}  # file in the site → its document, as Pagefind's feed reads it
        self._changed = False
        self._thread: threading.Thread | None = None
        self._index: LiveIndex | None = None
        self._stopped = threading.Event()

    def put(self, dest: str, document: str | None) -> None:
        if document is None:
            if self.documents.pop(dest, None) is not None:
                self._changed = True
            return
        encoded = line(dest, document)
        if self.documents.get(dest) != encoded:
            self.documents[dest] = encoded
            self._changed = True

    def forget(self, dests: set[str]) -> None:
        for dest in dests:
            self.put(dest, None)

    def indexed(self) -> None:
        """A full build wrote the index itself."""
        self._changed = False

    def refresh(self, site_dir: Path, order: Callable[[], list[str]]) -> None:
        """Index every page again, in ``order()`` (a full build's order, so the index comes out the same)."""
        if not self._changed:
            return
        self._changed = False
        feed = b"".join(self.documents[dest] for dest in order() if dest in self.documents)
        self._stopped.clear()
        self._thread = threading.Thread(target=self._write, args=(site_dir, feed), name="cchc-search", daemon=True)
        self._thread.start()

    def _write(self, site_dir: Path, feed: bytes) -> None:
        if self._stopped.wait(self.DELAY):
            return
        staging = site_dir / ".pagefind-xem-thu"
        shutil.rmtree(staging, ignore_errors=True)
        index = None
        try:
            index = self._index = LiveIndex(staging, background=True)
            index.feed(feed)  # one write: the pipe's system calls leave Python's lock to the builds
            index.finish()
            index = None
            if self._stopped.is_set():
                raise SearchIndexError("dừng")
            old = site_dir / ".pagefind-cu"
            shutil.rmtree(old, ignore_errors=True)
            current = site_dir / "pagefind"
            if current.exists():
                current.rename(old)
            (staging / "pagefind").rename(current)
            shutil.rmtree(old, ignore_errors=True)
            log.info("Chỉ mục tìm kiếm của bản xem thử đã cập nhật.")
        except (SearchIndexError, OSError) as error:
            if not self._stopped.is_set():
                # INFO, not a warning: under strict, a warning while a build runs would fail that build.
                log.info(f"Chưa cập nhật được chỉ mục tìm kiếm của bản xem thử (thử lại sau lần lưu tới): {error}")
                self._changed = True
        finally:
            self._index = None
            if index is not None:  # stopped, or failed, before it finished
                with contextlib.suppress(OSError, ValueError):
                    index.abort()
            shutil.rmtree(staging, ignore_errors=True)

    def stop(self) -> None:
        """A build starts: an index being written would miss its pages, so it is dropped and written after."""
        thread = self._thread
        if thread is None or not thread.is_alive():
            return
        self._stopped.set()
        index = self._index
        if index is not None:
            index.kill()  # the thread then finds Pagefind gone, and cleans up
        thread.join()
        self._changed = True

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()


# -- The page shown while the content has errors ---------------------------------------------------------------

ERROR_PAGE = "_xem-thu-loi.html"  # in the site folder; served instead of every page while there are errors


def error_page(messages: list[str], site_name: str) -> str:
    """A Vietnamese page listing ``messages`` as `make check` prints them, every one escaped."""
    items = "\n".join(f"      <li><code>{html.escape(message)}</code></li>" for message in messages)
    page = f"""<!doctype html>
<html lang="vi">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <link rel="icon" href="data:,">
    <title>Nội dung có lỗi – bản xem thử – {html.escape(site_name)}</title>
    <style>
      body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem;
             line-height: 1.5; color: #1b1b1b; }}
      h1 {{ color: #a4000f; font-size: 1.6rem; }}
      ul {{ padding-left: 1.2rem; }}
      li {{ margin: .4rem 0; }}
      code {{ white-space: pre-wrap; word-break: break-word; background: #fff3f3; padding: .1rem .3rem; }}
      .note {{ color: #444; }}
    </style>
  </head>
  <body>
    <main>
      <h1>Nội dung có lỗi, bản xem thử chưa cập nhật được</h1>
      <p>Sửa {"các lỗi" if len(messages) > 1 else "lỗi"} dưới đây rồi lưu tệp: trang này tự tải lại khi nội dung
        đã đúng. <code>make check</code> in cùng những dòng này; <code>make build</code> không xuất bản gì cho
        tới khi sửa xong.</p>
      <ul>
{items}
      </ul>
      <p class="note">Trang biên tập vẫn mở được tại <a href="/admin/">/admin/</a>.</p>
    </main>
  </body>
</html>
"""
    return add_policy(page)
