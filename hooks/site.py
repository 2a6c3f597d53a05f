"""MkDocs hooks: a thin adapter between MkDocs and the content core (cchc).

The core decides what exists and what it contains; these hooks hand its pages
and files to MkDocs, and its context to the templates. Handlers are in the
order MkDocs calls them, each saying why it is there. Beside this file:
frame.py renders the parts of the page frame that many pages share once,
late_writes.py writes pages while Pagefind writes the index,
preview_server.py adds to `mkdocs serve` what the preview needs (cchc.site.preview), and
mkdocs_internals.py holds all that leans on MkDocs beyond its plugin events.

Under `mkdocs serve --dirty` (make serve) a build after the first writes only what the
saved files changed: cchc.site.preview decides which pages and files, these hooks hand
MkDocs every page still (for its nav and links) but mark the others unmodified.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
from importlib.metadata import version
from pathlib import Path
from typing import IO
from urllib.parse import quote

import material
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, pass_context
from jinja2.bccache import Bucket, BytecodeCache
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_date

# The hooks folder, not the project, is on sys.path while MkDocs loads hooks.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import mkdocs_internals as internals  # noqa: E402 - beside this file, imports cchc
import preview_server  # noqa: E402 - beside this file, imports cchc
from frame import Frame  # noqa: E402 - beside this file
from late_writes import LateWrites  # noqa: E402 - beside this file, imports cchc

import cchc  # noqa: E402
from cchc.core import diskcache, gitdates, layout  # noqa: E402
from cchc.core.dates import build_now, format_date, format_datetime  # noqa: E402
from cchc.core.errors import ContentErrors, Report, display_path  # noqa: E402
from cchc.core.html_policy import Sanitiser  # noqa: E402
from cchc.core.settings import Settings  # noqa: E402
from cchc.core.terms import TermIndex, load_terms  # noqa: E402
from cchc.editor.admin import AdminError, write_admin  # noqa: E402
from cchc.editor.cms import cms_config  # noqa: E402
from cchc.news.model import Category, News  # noqa: E402
from cchc.page.spec import PageSpec  # noqa: E402
from cchc.render import drawing, qr  # noqa: E402
from cchc.render.cards import Card, render_all  # noqa: E402
from cchc.render.csp import add_policy  # noqa: E402
from cchc.render.drawing import Drawings, Job  # noqa: E402
from cchc.render.images import ImageProblem, render_thumbnail, thumbnail_job  # noqa: E402
from cchc.render.markdown_cache import RenderCache, Rendered  # noqa: E402
from cchc.render.precompress import precompress  # noqa: E402
from cchc.render.search_index import LiveIndex, SearchIndexError, code_variants, index_document  # noqa: E402
from cchc.render.slim import slim  # noqa: E402
from cchc.results import charts  # noqa: E402
from cchc.results import words as results_words  # noqa: E402
from cchc.results.pages import chart_files  # noqa: E402
from cchc.results.pages import describe as describe_month  # noqa: E402
from cchc.site.content import Content, load_content  # noqa: E402
from cchc.site.plan import docs_share, home_context, plan_cards, plan_files, plan_pages  # noqa: E402
from cchc.site.preview import Delta, Preview  # noqa: E402
from cchc.site.sitemap import LastChanged  # noqa: E402
from cchc.tthc.model import Catalogue, Field  # noqa: E402

MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"
_log = logging.getLogger("mkdocs.hooks.cchc")


class _ContentNames(logging.Filter):
    """MkDocs names a post by its virtual page (tin-tuc/2024/x.md); the editor needs the file she edits."""

    def __init__(self, names: dict[str, str]):
        super().__init__()
        self.names = names

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        renamed = _QUOTED_PAGE.sub(lambda m: f"'{self.names.get(m.group(1), m.group(1))}'", message)
        if renamed != message:
            record.msg, record.args = renamed, ()
        return True


_QUOTED_PAGE = re.compile(r"'([^'\s]+\.md)'")


class _State:
    """Per-build state; reset in on_config because `mkdocs serve` keeps this module loaded."""

    def __init__(self, command: str = "build"):
        self.command = command
        self.fast = True  # the speed-ups of mkdocs_internals may run
        self.preview: Preview | None = None  # under `mkdocs serve`: what it keeps between builds
        self.delta: Delta | None = None  # what this preview build writes; None: everything (make build)
        self.incremental = False  # a preview build that writes only what changed (see cchc.site.preview)
        self.content_errors: list[str] = []  # the content's errors, as `make check` prints them
        self.writing = False  # the build got as far as writing into the site folder
        self.files: Files | None = None
        self.content: Content | None = None
        self.specs: dict[str, PageSpec] = {}
        self.last_changed: LastChanged | None = None  # each page's sitemap lastmod
        self.cards: dict[str, Card] = {}  # share-card URL → what it shows
        self.drawings = Drawings(_log)  # what .cache/ lacks, drawn by a pool while the build goes on (on_config)
        self.card_paths: dict[str, Path] | None = None  # share-card URL → its PNG in .cache/, drawn or not yet
        self.thumbnail_jobs: dict[str, Job] = {}  # thumbnail src_uri → its entry in .cache/ (make build only)
        self.unplaced: dict[Path, File] = {}  # cards and thumbnails to link into the site once drawn
        self.index: LiveIndex | None = None
        self.last_searchable = ""  # src_uri after which Pagefind can write (PageSpec.searchable)
        self.nav: Navigation | None = None
        self.renders: RenderCache | None = None
        self.sanitiser = Sanitiser()
        self.reused: dict[str, Rendered] = {}  # src_uri → conversion taken from the cache
        self.loaded: set[str] = set()  # src_uris whose conversion was found in the cache (then reused, if still there)
        self.converting: dict[str, tuple[str, int]] = {}  # src_uri → (cache entry, warnings before)
        self.warnings = _WarningCount()
        self.names = _ContentNames({})
        self.late = LateWrites()
        self.quiet = internals.WrittenElsewhere(self.late.uris)
        self.dirty_notice = internals.DirtyNotice()
        self.site_name = ""  # as typed in mkdocs.yml; config.site_name holds it escaped for the templates
        self.site_description = ""


class _WarningCount(logging.Handler):
    """Counts MkDocs' warnings, so a conversion that warned is never cached (cchc.render.markdown_cache);
    keeps them too, for the preview's error page."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.messages) < 200:
            self.messages.append(record.getMessage())


state = _State()
_serve = {"command": "build", "dirty": False}  # as MkDocs started: on_startup runs once, on_config every build
_preview: Preview | None = None  # kept between the builds of one `mkdocs serve`, as this module is
_theme_listing = internals.ThemeListing()


def on_startup(command: str, dirty: bool) -> None:
    # `mkdocs serve` previews drafts and scheduled posts; `build` publishes.
    state.command = _serve["command"] = command
    _serve["dirty"] = dirty


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # Everything is loaded, checked and planned before MkDocs reads a file, so a
    # content error stops the build with every problem listed and nothing written.
    global state
    state = _State(_serve["command"])
    state.fast = internals.usable()
    preview = state.command == "serve"
    if not config.site_url and not preview:
        raise PluginError("mkdocs.yml: site_url: cần địa chỉ trang, ví dụ https://syt.example.gov.vn/ "
                          "(dùng cho liên kết chia sẻ và sơ đồ trang)")
    root = Path(config.config_file_path).resolve().parent
    memo = None
    if preview:
        state.preview = _session(root, config)
        # Only --dirty keeps the site folder between builds; without it MkDocs empties it every time.
        how = state.preview.begin(_serve["dirty"] and state.fast)
        if how == "restart":
            preview_server.restart(Path(config.site_dir), state.preview)
        state.incremental = how == "incremental"
        memo = state.preview.memo
        if state.incremental:
            preview_server.collector.pause()
        else:
            preview_server.collector.resume()
        if state.fast:
            _theme_listing.use(config, again=not state.incremental)
    try:
        settings = Settings.from_extra(config.extra, root, config.site_url)
    except ContentErrors as errors:
        state.content_errors = [str(error) for error in errors.errors]
        raise PluginError(errors.report()) from None
    # What this build takes from .cache/ is recorded from here on, so that its end can remove the rest; the
    # shared lock, held by this process until it ends, keeps any other build from pruning meanwhile.
    diskcache.usage.paths.clear()
    if _cache_lock.get(settings.cache_dir) is None:
        _cache_lock[settings.cache_dir] = diskcache.hold(settings.cache_dir)
    try:
        state.content = load_content(settings, build_now(), preview=preview, memo=memo)
    except ContentErrors as errors:
        state.content_errors = [str(error) for error in errors.errors]
        if not (preview and state.preview.first):
            raise PluginError(errors.report()) from None
        # The first build of a preview: serve must start, to show the errors (and /admin/ to fix them).
        # Printed, not logged: under strict, an error logged through MkDocs fails the build.
        print(errors.report(), file=sys.stderr, flush=True)
        state.content = _nothing(settings)
    # Material prints site_name and site_description into <title>, the drawer, aria-label and the meta
    # description as they are; escaped once here (as Markup, which `| e` leaves alone) they are safe everywhere.
    state.site_name, state.site_description = str(config.site_name), str(config.site_description or "")
    config.site_name = escape(config.site_name)
    if config.site_description:
        config.site_description = escape(config.site_description)
    if preview:
        state.preview.loaded(state.content.tthc)
    _draw_ahead(state.content)
    try:
        _plan(config, root, preview)
    except BaseException:
        _stop_drawing()  # a pool left running would keep the process alive until it had drawn everything
        raise
    logging.getLogger("mkdocs").addHandler(state.warnings)
    state.names = _ContentNames({post.src_uri: post.source for post in state.content.news.posts})
    for handler in logging.getLogger("mkdocs").handlers:  # MkDocs' console and --strict counter included
        handler.addFilter(state.names)
    state.quiet.attach()
    if preview and _serve["dirty"]:
        state.dirty_notice.attach()
    return config


def _plan(config: MkDocsConfig, root: Path, preview: bool) -> None:
    settings = state.content.settings
    specs = (plan_pages(state.content, state.preview.plans, state.preview.versions.token) if preview
             else plan_pages(state.content))
    state.specs = {spec.src_uri: spec for spec in specs}
    docs_dir = display_path(Path(config.docs_dir), root)
    if preview:
        dates = state.preview.dates(lambda: gitdates.read(root, (layout.CONTENT, docs_dir)))
        state.last_changed = state.preview.last_changed(state.content, lambda: LastChanged(state.content, docs_dir,
                                                                                             dates))
    else:
        state.last_changed = LastChanged(state.content, docs_dir)
    state.cards = plan_cards(state.content, specs)
    if not state.incremental:  # naming every card is a second at 6,000: a preview after a save names its few
        state.card_paths = render_all(state.cards, settings.cache_dir / "cards", state.drawings)
    state.last_searchable = next((spec.src_uri for spec in reversed(specs) if spec.searchable), "")
    state.sanitiser = Sanitiser(settings.embed_hosts)
    state.renders = RenderCache(settings.cache_dir / "pages", _render_salt(config))


def _draw_ahead(content: Content) -> None:
    """Hand what .cache/ lacks to the build's pool before planning: charts (the results pages' planning takes
    them), thumbnails (placed in on_files), QR codes (printed when a procedure page is rendered); the cards
    follow once planned. Most are drawn while the build plans and renders (cchc.render.drawing)."""
    drawing.use(state.drawings)
    if state.incremental:
        return  # a preview after a save: what it draws is found as its pages are planned, a few at a time
    cache = content.settings.cache_dir
    if content.results.months:  # planned once without drawing, to learn which charts (~30 ms at 120 charts)
        state.drawings.want(charts.missing(lambda: chart_files(content.results, content.settings)))
    if state.preview is None:  # a preview reads its photos only for the thumbnails it places (on_files)
        state.thumbnail_jobs = {thumb.src_uri: thumbnail_job(thumb.source, cache / "thumbs")
                                for thumb in content.news.thumbnails}
        state.drawings.want(job for job in state.thumbnail_jobs.values() if not job.path.is_file())
    # The URL each procedure page prints (cchc.tthc.pages); one it does not print is drawn for nothing.
    state.drawings.want(qr.missing([content.settings.site + p.url for p in content.tthc.procedures], cache / "qr"))
    state.drawings.submit()


def _session(root: Path, config: MkDocsConfig) -> Preview:
    global _preview
    if _preview is None:
        # Templates, docs/ and mkdocs.yml shape every page: a change rebuilds all. Python code and
        # schemas stay loaded in this process: a change restarts it (preview_server.restart).
        theme = [Path(folder) for folder in [config.theme.custom_dir] if folder]
        _preview = Preview(root, full=[*theme, Path(config.docs_dir), Path(config.config_file_path)],
                           restart=[Path(__file__).parent, Path(cchc.__file__).parent, layout.SCHEMA_DIR])
    return _preview


def _nothing(settings: Settings) -> Content:
    """A site with no posts and no procedures, but the categories and fields if they load (for /admin/)."""
    def terms(name: str, schema: str, make) -> TermIndex:
        return load_terms(settings.content_dir / name, settings.root, schema, schema, make, Report())
    return Content(settings, News(terms(layout.CATEGORIES_FILE, "categories", Category), []),
                   Catalogue(terms(layout.FIELDS_FILE, "fields", Field)))


def _render_salt(config: MkDocsConfig) -> str:
    """Everything besides a page's own Markdown that shapes its HTML."""
    packages = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Pygments")
    return repr(([version(name) for name in packages], config.markdown_extensions, config.mdx_configs,
                 config.use_directory_urls, config.validation, state.sanitiser.fingerprint))


def on_pre_build(config: MkDocsConfig) -> None:
    state.writing = True
    if state.incremental:
        # Few pages, written as they come; the search index is refreshed after the build (cchc.site.preview).
        state.late.write()
        return
    if state.preview is not None and _serve["dirty"]:
        # A full build of a preview: MkDocs keeps the folder under --dirty, and a page or file
        # that is no longer made must not stay behind.
        _empty(Path(config.site_dir))
    # Started before the pages, so Pagefind indexes each one as it is written.
    try:
        state.index = LiveIndex(Path(config.site_dir))
    except SearchIndexError as error:
        raise PluginError(str(error)) from None


def _empty(folder: Path) -> None:
    for entry in folder.iterdir() if folder.is_dir() else ():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def on_files(files: Files, config: MkDocsConfig) -> Files:
    # The core's pages and files join the site as virtual files: content/ is outside docs/.
    # A preview build compares them with what its site folder holds and marks what is unchanged.
    content = state.content
    state.files = files
    kind = internals.PreviewFile if state.fast else File
    pages = [
        kind.generated(
            config, spec.src_uri,
            # A leading blank line stops MkDocs reading the body's first lines
            # as front matter or MultiMarkdown meta ("Hotline: ...").
            content="\n" + spec.markdown,
            inclusion=InclusionLevel.INCLUDED if spec.in_nav else InclusionLevel.NOT_IN_NAV,
        )
        for spec in state.specs.values()
    ]
    data = (plan_files(content, state.last_changed.dates, state.preview.plans, state.preview.versions.token)
            if state.preview else plan_files(content, state.last_changed.dates))
    delta = None
    if state.preview is not None:
        names = state.preview.dest_names  # where each page is written: the same for a src_uri in every build
        dests = {file.src_uri: names.get(file.src_uri) or names.setdefault(file.src_uri, file.dest_uri)
                 for file in pages}
        delta = state.delta = state.preview.update(state.specs.values(), dests, state.cards,
                                                   content.news.thumbnails, content.assets, data)
    if state.incremental:
        for file in pages:
            file.modified = file.src_uri in delta.pages
    if state.fast:
        # MkDocs keeps a page already attached to its file; pages in the nav get theirs from it.
        build_date = get_build_date()
        for file in pages:
            if not file.inclusion.is_in_nav():
                if file.modified is False:
                    internals.ResidentPage(file, config, state.reused, build_date)
                else:
                    internals.GeneratedPage(file, config, state.reused)
    generated = pages
    for asset in content.assets:
        file = kind.generated(config, asset.src_uri, abs_src_path=str(asset.abs_path),
                              inclusion=InclusionLevel.NOT_IN_NAV)
        if state.incremental:
            file.modified = asset.src_uri in delta.assets
        generated.append(file)
    for uri, data_file in data.items():
        file = kind.generated(config, uri, content=data_file, inclusion=InclusionLevel.NOT_IN_NAV)
        if state.incremental:
            file.modified = uri in delta.files
        generated.append(file)
    generated += _images(config, delta if state.incremental else None)
    taken = files.src_uris  # read directly: get_file_from_path normalises its argument, 30 µs a call
    for file in generated:
        if file.src_uri in taken:
            raise PluginError(f"{file.src_uri}: hai tệp cùng được xuất bản ở đường dẫn này "
                              "(một trang trong docs/ hoặc một tệp tên *.nho.jpg trong content/); "
                              "đổi tên một trong hai")
        files.append(file)
    return files


def _thumbnails(content: Content, cache: Path, only: set[str] | None) -> dict[str, Path]:
    """Every listing thumbnail (``only`` these); a photo whose header reads but whose data is cut off fails here."""
    made, problems = {}, []
    for thumb in content.news.thumbnails:
        if only is not None and thumb.src_uri not in only:
            continue
        job = state.thumbnail_jobs.get(thumb.src_uri)
        try:
            if job is not None and state.drawings.waiting(job.path):
                path = state.drawings.wait(job.path)  # drawn by the pool; raises what drawing it raised
            elif job is not None and job.path.is_file():
                path = job.path  # named in on_config: the photo is not read twice
                diskcache.usage.mark(path)
            else:
                path = render_thumbnail(thumb.source, cache)
            # A photo saved again while the pool drew it has another name: made here.
            made[thumb.src_uri] = path if path.is_file() else render_thumbnail(thumb.source, cache)
        except ImageProblem as problem:
            problems.append(f"  {display_path(thumb.source, content.settings.root)}: {problem}")
    if problems:
        raise PluginError(f"Nội dung có {len(problems)} lỗi, chưa thể xuất bản trang:\n" + "\n".join(problems))
    return made


def _images(config: MkDocsConfig, delta: Delta | None) -> list[File]:
    """Share cards and thumbnails, drawn into .cache/ if they are not there yet.

    ``delta``: a preview build's, which places only the cards whose text changed and the thumbnails whose
    photo did (computing every card's name is a second at 6,000 cards), whatever their files' mtimes say.
    Cards still being drawn by the pool are waited for here only in the plain path; the fast one links them
    once drawn (_place_drawn), the pages rendering meanwhile.
    """
    content = state.content
    cache = content.settings.cache_dir
    if delta is None and state.card_paths is not None:
        made = dict(state.card_paths)  # named, and the missing ones handed to the pool, in on_config
    else:
        made = render_all({url: card for url, card in state.cards.items() if delta is None or url in delta.cards},
                          cache / "cards", state.drawings)
    made |= _thumbnails(content, cache / "thumbs", None if delta is None else delta.thumbnails)
    if not state.fast:
        for path in made.values():
            if state.drawings.waiting(path):
                state.drawings.wait(path)  # MkDocs copies the files next
    files = []
    for uri, path in made.items():
        file = (internals.CachedFile if state.fast else File).generated(
            config, uri, abs_src_path=str(path), inclusion=InclusionLevel.NOT_IN_NAV)
        if state.fast:
            # Linked from .cache/ after the pages that make its folder; once drawn, if the pool draws it.
            file.place = _place_drawn if state.drawings.waiting(path) else state.late.file
            file.modified = True if delta is not None else None
        files.append(file)
    return files


def _place_drawn(file: File) -> None:
    """Link a card or thumbnail the pool draws into the site: now if it is drawn, else when it is (_placed)."""
    path = Path(file.abs_src_path)
    if state.drawings.ready(path):
        state.drawings.wait(path)  # raises what drawing it raised
        state.late.file(file)
    else:
        state.unplaced[path] = file


def _placed(wait: bool = False) -> None:
    """Link into the site what the pool has drawn since the last call (``wait``: everything, waiting for it)."""
    finished = state.drawings.finish() if wait else state.drawings.poll()
    for path in [*finished, *(state.unplaced if wait else ())]:
        file = state.unplaced.pop(path, None)
        if file is not None:
            state.drawings.wait(path)
            state.late.file(file)


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    # The frame's parts are shared by pages outside the nav; the nav says which those are.
    state.nav = nav
    if state.preview is not None:
        # A preview build reads only the pages it writes; the sitemap lists them all, with their dates
        # (set here for the others), and is written again only if one of those changed.
        build_date, dates, docs = get_build_date(), [], []
        for file in files.documentation_pages():
            date = state.last_changed.w3c(file.src_uri)
            dates.append((file.src_uri, date))
            if not isinstance(file, internals.PreviewFile):
                docs.append(file)
            elif state.incremental and file.page is not None and not file.is_modified():
                file.page.update_date = date or build_date
        sitemap = state.preview.sitemap_changed((build_date, tuple(dates)))
        if state.incremental:
            if not sitemap:
                internals.skip_sitemap(config)
            # Pages of docs/: the home page lists the latest content, so it is rendered at every build;
            # the others when the sitemap is, which needs what their front matter says (robots: noindex).
            for file in docs:
                if sitemap or file.src_uri == layout.index_source(layout.HOME):
                    internals.always_modified(file)
    return nav


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    # Title, template and description come from the core, never through MkDocs' own
    # YAML 1.1 front matter reader; escaped because Material prints them into HTML as they are.
    # Also the sitemap's lastmod (rendered before any page): when the page's content last changed,
    # else MkDocs' build date.
    page.update_date = state.last_changed.w3c(page.file.src_uri) or page.update_date
    spec = state.specs.get(page.file.src_uri)
    if spec is not None:
        page.meta.update(title=escape(spec.title), template=spec.template)
        if spec.description:
            page.meta["description"] = escape(spec.description)
        if spec.reusable_render and state.fast:
            entry = state.renders.key(page.file.src_uri, markdown)
            rendered = state.renders.load(entry)
            if rendered is not None:
                state.reused[page.file.src_uri] = rendered  # GeneratedPage.render puts it back
                state.loaded.add(page.file.src_uri)
            else:
                state.converting[page.file.src_uri] = (entry, state.warnings.count)
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    # Editors' Markdown (posts, Q&A) is published only through the sanitiser's allow-list
    # (cchc.core.html_policy); docs/ is the developers' and stays as written. A post taken
    # from the render cache was stored sanitised: it was loaded and GeneratedPage.render used it.
    src_uri = page.file.src_uri
    from_cache = src_uri in state.loaded and src_uri not in state.reused
    state.loaded.discard(src_uri)
    if src_uri in state.specs and html and not from_cache:
        html = state.sanitiser.clean(html)
    # A post converted without a warning is kept for the next build.
    converting = state.converting.pop(src_uri, None)
    if converting is not None and state.warnings.count == converting[1]:
        state.renders.store(converting[0], internals.conversion(page, html))
    return html


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    # What the templates in overrides/ call besides Material's own.
    env.filters["vn_date"] = format_date
    env.filters["vn_datetime"] = format_datetime
    # Jinja's urlencode keeps "/" as is; a URL inside a query string wants everything encoded.
    env.filters["url_param"] = lambda value: quote(str(value), safe="")
    env.filters["code_variants"] = code_variants
    env.filters["so"] = results_words.number  # figures of /tthc/ket-qua/, as its charts print them
    env.filters["ty_le"] = results_words.percent
    env.filters["results_text"] = describe_month
    env.filters["url"] = _escaped_url(env.filters["url"])
    env.globals["layout"] = layout  # the site's own URLs (cchc.core.layout)
    # JSON in pages (JSON-LD, Material's __config) as UTF-8 text: "Sở" is 4 bytes, not the 12 of
    # "S\u1edf", about 1 KB a page. tojson still escapes <, >, & and ' for the script element.
    env.policies["json.dumps_kwargs"] = {**env.policies.get("json.dumps_kwargs", {}), "ensure_ascii": False}
    env.globals["frame"] = Frame(state.nav, config, shared=state.fast)
    # overrides/partials/nav.html wraps Material's own, which it reaches under this prefix.
    env.loader = ChoiceLoader([env.loader, PrefixLoader({"material": FileSystemLoader(MATERIAL_TEMPLATES)})])
    if state.preview is not None:
        # MkDocs makes a new environment for every build, which compiled every template again
        # (0.3 s of each preview build); Jinja checks a kept template against its source.
        env.bytecode_cache = _COMPILED
    return env


class _CompiledTemplates(BytecodeCache):
    """Compiled templates, kept in memory between the builds of one `mkdocs serve`."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # dropped by Jinja if the template's source changed

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def _escaped_url(mkdocs_url):
    """MkDocs' `url` filter, its result escaped for HTML.

    MkDocs returns a file's path as it is, and templates (ours and Material's) print it into
    href, src and og:image: a file named `a"><script src=e.js>.pdf` would write a tag. Escaped
    (`&` → `&amp;` is what an attribute wants anyway) as Markup, so a `| e` after it changes nothing.
    """
    @pass_context
    def url(context, value) -> Markup:
        return escape(mkdocs_url(context, value))
    return url


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    # The theme's own pages (404.html) get the same content security policy.
    return _policy(slim(output)) if template_name.endswith(".html") else output


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    # What each template gets as `cchc` and `cchc_share` (see the header of each template).
    spec = state.specs.get(page.file.src_uri)
    if spec is not None:
        context["cchc"] = spec.context
        context["cchc_share"] = spec.share
        return context
    if page.is_homepage:
        context["cchc"] = home_context(state.content)
    description = page.meta.get("description") or state.site_description
    context["cchc_share"] = docs_share(state.content, page.url, page.title or state.site_name, description)
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    # Every page gets its content security policy and goes to Pagefind as it is written
    # (a preview also keeps what Pagefind got, to index again after a build that writes a few pages);
    # without the templates' indentation first (cchc.render.slim).
    output = _policy(slim(output))
    document = index_document(output)
    if state.preview is not None:
        state.preview.search.put(page.file.dest_uri, document)
    try:
        if state.index is not None:
            state.index.add_document(page.file.dest_uri, document)
    except SearchIndexError as error:
        raise PluginError(str(error)) from None
    if page.file.src_uri == state.last_searchable and state.index is not None:
        state.index.close_input()  # Pagefind writes the index while the listings render
        state.late.write()
    if state.drawings.pool is not None:
        _placed()  # and a progress line now and then
    if state.preview is None:
        # MkDocs keeps every Page to the end of the build, its Markdown and HTML body included: 250 MB
        # at 14,000 pages, which nothing reads once the page is written (a preview reuses them).
        page.markdown = page.content = None
    if not state.fast:
        return output
    state.late.page(page.file.src_uri, output, page.file.abs_dest_path)
    return ""  # MkDocs writes nothing, and WrittenElsewhere keeps it from saying so


def _policy(output: str) -> str:
    settings = state.content.settings
    return add_policy(output, settings.frame_hosts, settings.script_hosts)


def on_post_build(config: MkDocsConfig) -> None:
    # The search index and /admin/ need every page written first.
    _stop_listening()
    content = state.content
    site_dir = Path(config.site_dir)
    try:
        if state.index is not None:
            state.index.close_input()  # done at the last searchable page, unless the site has none
        if state.drawings.pool is not None:
            _placed(wait=True)
        _stop_drawing()
        state.late.finish()
        index, state.index = state.index, None
        if index is not None:
            index.finish()
            if state.preview is not None:
                state.preview.search.indexed()
        admin = cms_config(content.settings, content.news.categories, content.tthc.fields)
        if state.preview is None or state.preview.admin_changed((admin, state.site_name)):
            write_admin(site_dir, admin, state.site_name)
        if state.preview is None:
            # Last, once Pagefind and /admin/ are written: .gz and .br beside every text file, for servers
            # that send them as they are (cchc.render.precompress). Never in the preview, which must stay fast.
            _precompress(site_dir, content.settings.cache_dir)
            _prune(content.settings.cache_dir)
    except (SearchIndexError, AdminError, OSError) as error:
        raise PluginError(str(error)) from None
    if state.preview is not None:
        names = state.preview.dest_names
        state.preview.finished(site_dir, lambda: [names.get(file.src_uri) or file.dest_uri
                                                  for file in state.files.documentation_pages()], state.delta)
        if state.content_errors:  # the first build, made without the content: its pages show the errors
            state.preview.failed(state.content_errors, written=False)
            preview_server.write_error_page(state.preview, site_dir, state.site_name)
        else:
            _log.info(f"Bản xem thử: {state.delta.summary()}.")


def _prune(cache: Path) -> None:
    # A whole build only: a preview's builds use a part of what the site needs. Never while another build
    # or a preview holds the cache (cchc.core.diskcache.prune).
    done = diskcache.prune(cache, diskcache.usage, _cache_lock.get(cache))
    if done.skipped:
        _log.info("Chưa dọn .cache/: một bản dựng hoặc bản xem thử khác đang dùng.")
    elif done.removed:
        _log.info(f"Dọn .cache/: xoá {done.removed} tệp bản dựng này không dùng ({done.freed / 1e6:.1f} MB).")


_cache_lock: dict[Path, IO[str]] = {}  # .cache/ folder → its shared lock, held by this process until it ends


def _precompress(site_dir: Path, cache: Path) -> None:
    # 0: make bench measures the build without it; GitHub Pages compresses by itself (publish.yml).
    if os.environ.get("CCHC_PRECOMPRESS") == "0":
        return
    done = precompress(site_dir, cache / "precompressed")
    raw, gz, br = done.raw, done.written[".gz"], done.written[".br"]
    if raw:
        _log.info(f"Nén sẵn {done.copies['.br']} tệp (.br {br / raw:.0%}, .gz {gz / raw:.0%} cỡ gốc; "
                  f"nén mới {done.made} bản, còn lại lấy từ .cache/).")


def on_build_error(error: Exception) -> None:
    # No Pagefind process, drawing pool, writer thread or log filter outlives a failed build.
    _stop_listening()
    _stop_drawing()
    state.late.abandon()
    if state.index is not None:
        state.index.abort()
        state.index = None
    if state.preview is not None:
        # Shown instead of every page until a build succeeds (preview_server); after a failure that
        # may have written some pages, the next build writes them all.
        state.preview.failed(state.content_errors or [*state.warnings.messages, str(error)], written=state.writing)


def _stop_drawing() -> None:
    state.drawings.close()  # drawings not started yet are dropped: the next build draws them
    drawing.use(None)


def _stop_listening() -> None:
    if state.incremental:
        preview_server.collector.later()
    logging.getLogger("mkdocs").removeHandler(state.warnings)
    for handler in logging.getLogger("mkdocs").handlers:
        handler.removeFilter(state.names)
    state.dirty_notice.detach()
    state.quiet.detach()


def on_serve(server, config: MkDocsConfig, builder):
    # MkDocs watches docs/ and mkdocs.yml; content/ lives outside docs/, and templates, hooks, code and
    # schemas change the site too (the preview rebuilds all, or restarts, for them: cchc.site.preview).
    # Its reload script, and an error page instead of a hang, come from preview_server.
    root = Path(config.config_file_path).resolve().parent
    watch = [root / layout.CONTENT, *[Path(d) for d in [config.theme.custom_dir] if d], Path(__file__).parent,
             Path(cchc.__file__).parent, layout.SCHEMA_DIR]
    preview_server.install(server, _session(root, config), Path(config.site_dir), lambda: state.site_name, watch)
    return server
