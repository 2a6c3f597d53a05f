"""MkDocs hooks: a thin adapter between MkDocs and the content core (cchc).

The core decides what exists and what it contains; these hooks only hand
its pages and files to MkDocs and its context to the templates. Handlers
are listed in the order MkDocs calls them.
"""

from __future__ import annotations

import logging
import posixpath
import sys
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

import material
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from render_pool import (  # beside this file (hooks/)
    LISTING_SHARE,
    PRERENDERED,
    SEARCHABLE_SHARE,
    RenderPool,
    later,
    render_page,
    template_costs,
    wanted,
)

# The hooks folder, not the project, is on sys.path while MkDocs loads hooks.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from frame import Frame  # noqa: E402 - beside this file
from late_writes import LateWrites  # noqa: E402 - beside this file, imports cchc

MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"

from cchc.core import layout  # noqa: E402
from cchc.core.dates import build_now, format_date, format_datetime  # noqa: E402
from cchc.core.errors import ContentErrors  # noqa: E402
from cchc.core.settings import Settings  # noqa: E402
from cchc.editor.admin import AdminError, write_admin  # noqa: E402
from cchc.editor.cms import cms_config  # noqa: E402
from cchc.page.spec import PageSpec  # noqa: E402
from cchc.render.cards import Card, render_all  # noqa: E402
from cchc.render.csp import add_policy  # noqa: E402
from cchc.render.images import render_thumbnail  # noqa: E402
from cchc.render.markdown_cache import RenderCache, Rendered  # noqa: E402
from cchc.render.search_index import LiveIndex, SearchIndexError, code_variants, index_document  # noqa: E402
from cchc.site.content import Content, load_content  # noqa: E402
from cchc.site.plan import docs_share, home_context, plan_cards, plan_files, plan_pages  # noqa: E402


class _State:
    """Per-build state; reset in on_config because `mkdocs serve` keeps this module loaded."""

    def __init__(self, command: str = "build"):
        self.command = command
        self.content: Content | None = None
        self.specs: dict[str, PageSpec] = {}
        self.cards: dict[str, Card] = {}  # share-card URL → what it shows
        self.index: LiveIndex | None = None
        self.last_searchable = ""  # src_uri after which Pagefind can write (cchc.pagespec.searchable)
        self.renders: RenderCache | None = None
        self.reused: dict[str, Rendered] = {}  # src_uri → conversion taken from the cache
        self.converting: dict[str, tuple[str, int]] = {}  # src_uri → (cache entry, warnings before)
        self.warnings = _WarningCount()
        self.nav = None
        self.pool: RenderPool | None = None  # pages rendered on the second core (hooks/render_pool.py)
        self.prerendered: dict[str, str | None] = {}  # src_uri → search document of a page the copy wrote
        self.late = LateWrites()  # pages and cards written once the index is complete (hooks/late_writes.py)


class _WarningCount(logging.Handler):
    """Counts MkDocs' warnings, so a conversion that warned is never cached (cchc.render_cache)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


state = _State()


def on_startup(command: str, dirty: bool) -> None:
    state.command = command


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global state
    state = _State(state.command)
    preview = state.command == "serve"
    if not config.site_url and not preview:
        raise PluginError("mkdocs.yml: site_url: cần địa chỉ trang, ví dụ https://syt.example.gov.vn/ "
                          "(dùng cho liên kết chia sẻ và sơ đồ trang)")
    root = Path(config.config_file_path).resolve().parent
    try:
        settings = Settings.from_extra(config.extra, root, config.site_url)
        state.content = load_content(settings, build_now(), preview=preview)
    except ContentErrors as errors:
        raise PluginError(errors.report()) from None
    specs = plan_pages(state.content)
    state.specs = {spec.src_uri: spec for spec in specs}
    state.cards = plan_cards(state.content, specs)
    state.last_searchable = next((spec.src_uri for spec in reversed(specs) if spec.searchable), "")
    state.renders = RenderCache(settings.cache_dir / "pages", _render_salt(config))
    logging.getLogger("mkdocs").addHandler(state.warnings)
    _BUILD_LOG.addFilter(_written_later)
    return config


def _render_salt(config: MkDocsConfig) -> str:
    """Everything besides a page's own Markdown that shapes its HTML."""
    packages = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Pygments")
    return repr(([version(name) for name in packages], config.markdown_extensions, config.mdx_configs,
                 config.use_directory_urls, config.validation))


def on_pre_build(config: MkDocsConfig) -> None:
    # Started before the pages so Pagefind indexes each one as it is written (cchc.search_index).
    try:
        state.index = LiveIndex(Path(config.site_dir))
    except SearchIndexError as error:
        raise PluginError(str(error)) from None


def on_files(files: Files, config: MkDocsConfig) -> Files:
    content = state.content
    generated = [
        File.generated(
            config, spec.src_uri,
            # A leading blank line stops MkDocs reading the body's first lines
            # as front matter or MultiMarkdown meta ("Hotline: ...").
            content="\n" + spec.markdown,
            inclusion=InclusionLevel.INCLUDED if spec.in_nav else InclusionLevel.NOT_IN_NAV,
        )
        for spec in state.specs.values()
    ]
    generated += [
        File.generated(config, asset.src_uri, abs_src_path=str(asset.abs_path),
                       inclusion=InclusionLevel.NOT_IN_NAV)
        for asset in content.assets
    ]
    generated += [
        File.generated(config, uri, content=data, inclusion=InclusionLevel.NOT_IN_NAV)
        for uri, data in plan_files(content).items()
    ]
    cache = content.settings.cache_dir
    made = render_all(state.cards, cache / "cards")
    made |= {thumb.src_uri: render_thumbnail(thumb.source, cache / "thumbs") for thumb in content.news.thumbnails}
    generated += [
        _CachedFile.generated(config, uri, abs_src_path=str(path), inclusion=InclusionLevel.NOT_IN_NAV)
        for uri, path in made.items()
    ]
    for file in generated:
        if files.get_file_from_path(file.src_uri) is not None:
            raise PluginError(f"{file.src_uri}: hai tệp cùng được xuất bản ở đường dẫn này "
                              "(một trang trong docs/ hoặc một tệp tên *.nho.jpg trong content/); "
                              "đổi tên một trong hai")
        files.append(file)
    return files


def on_nav(nav, config: MkDocsConfig, files: Files):
    state.nav = nav  # for the pages rendered ahead in on_env
    # MkDocs gave every page outside the nav a plain Page while building the nav; nothing
    # refers to those yet, so they are replaced by _GeneratedPage (Material's blog plugin
    # subclasses Page alike). Section pages in the nav keep theirs.
    for uri in state.specs:
        file = files.get_file_from_path(uri)
        if file is not None and not file.inclusion.is_in_nav():
            _GeneratedPage(None, file, config)
    return nav


class _GeneratedPage(Page):
    """A page from content/ that skips MkDocs' Markdown set-up when there is nothing to convert.

    MkDocs builds a new Markdown instance with every extension for each page (≈ 0.5 ms);
    listings and procedure pages have no Markdown, and posts converted in an earlier build
    come back from cchc.render_cache with everything MkDocs keeps of a conversion.
    """

    def render(self, config: MkDocsConfig, files: Files) -> None:
        rendered = state.reused.pop(self.file.src_uri, None)
        if rendered is not None:
            self.content, self.toc, self.present_anchor_ids = rendered.content, rendered.toc, rendered.anchors
            if rendered.links_to_anchors is not None:
                self.links_to_anchors = {files.get_file_from_path(target): links
                                         for target, links in rendered.links_to_anchors.items()}
        elif not self.markdown.strip():
            self.content, self.toc, self.present_anchor_ids, self.links_to_anchors = "", get_toc([]), set(), {}
        else:
            super().render(config, files)


class _CachedFile(File):
    """A card or thumbnail from .cache/, linked into the site rather than copied (cchc.diskcache.place)."""

    placed_by_copy = False  # beside a page the rendering copy writes (on_env)

    def copy_file(self, dirty: bool = False) -> None:
        if not self.placed_by_copy and not (dirty and not self.is_modified()):
            state.late.file(self)


def on_env(env, config: MkDocsConfig, files: Files):
    env.filters["vn_date"] = format_date
    env.filters["vn_datetime"] = format_datetime
    # Jinja's urlencode keeps "/" as is; a URL inside a query string wants everything encoded.
    env.filters["url_param"] = lambda value: quote(str(value), safe="")
    env.filters["code_variants"] = code_variants
    env.globals["layout"] = layout  # templates link to the site's own URLs through cchc.core.layout
    # overrides/partials/nav.html wraps Material's own, which it reaches under this prefix.
    env.loader = ChoiceLoader([env.loader, PrefixLoader({"material": FileSystemLoader(MATERIAL_TEMPLATES)})])
    env.globals["frame"] = Frame(state.nav, config)
    # Last thing before MkDocs' page loop: everything the pages need now exists.
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    # Searchable pages come first (cchc.plan), so the index is complete, and Pagefind
    # writes it, while the listings after them render. The copy takes the later part
    # of each (hooks/render_pool.py).
    pages = [file.page for file in doc_files]
    last = max((n for n, page in enumerate(pages) if _searchable(page)), default=-1)
    searchable = [page for page in pages[:last + 1] if _searchable(page)]
    if wanted(state.command, len(searchable)):
        state.pool = _start_pool(searchable, pages[last + 1:], doc_files, files, config, env)
    return env


def _start_pool(searchable: list[Page], listings: list[Page], doc_files, files: Files,
                config: MkDocsConfig, env) -> RenderPool:
    """Fork the copy that renders and writes the later part of both kinds of page."""
    def render_only(page: Page) -> str:
        return _policy(render_page(page, config, state.nav, doc_files, env))

    # Post-processing included: its time grows with the page (procedures are long).
    costs = template_costs([*searchable, *listings], lambda page: index_document(render_only(page)))

    def cost(page: Page) -> float:
        return costs.get(page.meta.get("template", "main.html"), 0.001)

    batches = [later(searchable, SEARCHABLE_SHARE, cost), later(listings, LISTING_SHARE, cost)]
    folders = {posixpath.dirname(page.file.dest_uri) for batch in batches for page in batch}
    late = LateWrites()  # the copy's: its pages, and the cards and thumbnails beside them
    for file in files:
        if isinstance(file, _CachedFile) and posixpath.dirname(file.dest_uri) in folders:
            file.placed_by_copy = True
            late.file(file)

    def render(page: Page) -> str | None:
        html = render_only(page)
        late.page(page.file.src_uri, html, page.file.abs_dest_path)
        return index_document(html)

    return RenderPool(batches, render, finish=late.finish, close_in_copy=[state.index.fileno()])


def _searchable(page: Page) -> bool:
    spec = state.specs.get(page.file.src_uri)
    return spec is not None and spec.searchable


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    # 404.html and sitemap.xml are theme templates, built before the pages.
    return _policy(output) if template_name.endswith(".html") else output


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    spec = state.specs.get(page.file.src_uri)
    if spec is not None:
        # Set here, not in the file, so editors' text never passes through
        # MkDocs' own YAML 1.1 front matter reader. Escaped because Material
        # prints page titles and descriptions into HTML as they are.
        page.meta.update(title=escape(spec.title), template=spec.template)
        if spec.description:
            page.meta["description"] = escape(spec.description)
        if spec.reusable_render:
            entry = state.renders.key(page.file.src_uri, markdown)
            rendered = state.renders.load(entry)
            if rendered is not None:
                state.reused[page.file.src_uri] = rendered  # _GeneratedPage.render puts it back
            else:
                state.converting[page.file.src_uri] = (entry, state.warnings.count)
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    uri = page.file.src_uri
    if uri in state.converting:
        entry, warnings_before = state.converting.pop(uri)
        if state.warnings.count == warnings_before:
            links = page.links_to_anchors
            state.renders.store(entry, Rendered(
                html, page.toc, set(page.present_anchor_ids or ()),
                None if links is None else {target.src_uri: dict(anchors) for target, anchors in links.items()}))
    return html


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav) -> dict:
    if state.pool is not None and page.meta.get("template") == PRERENDERED:
        try:
            state.prerendered[page.file.src_uri] = state.pool.take(page.file.src_uri)
        except RuntimeError as error:
            raise PluginError(str(error)) from None
        return context
    spec = state.specs.get(page.file.src_uri)
    if spec is not None:
        context["cchc"] = spec.context
        context["cchc_share"] = spec.share
        return context
    if page.is_homepage:
        context["cchc"] = home_context(state.content)
    description = page.meta.get("description") or config.site_description or ""
    context["cchc_share"] = docs_share(state.content, page.url, page.title or config.site_name, description)
    return context


def _policy(output: str) -> str:
    settings = state.content.settings
    return add_policy(output, settings.frame_hosts, settings.script_hosts)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    uri = page.file.src_uri
    try:
        if uri in state.prerendered:  # rendered and written by the copy
            state.index.add_document(page.file.dest_uri, state.prerendered.pop(uri))
            output = ""
        else:
            output = _policy(output)
            state.index.add(page.file.dest_uri, output)
            state.late.page(uri, output, page.file.abs_dest_path)
            output = ""
    except SearchIndexError as error:
        raise PluginError(str(error)) from None
    if uri == state.last_searchable:
        state.index.close_input()
        state.late.write()  # while Pagefind writes the index
    return output  # empty: MkDocs writes nothing (and _written_later keeps it from saying so)


def _written_later(record: logging.LogRecord) -> bool:
    """Drops MkDocs' note that a page came out empty, for pages written by LateWrites."""
    message = record.getMessage()
    if not message.startswith(_SKIPPED):
        return True
    uri = message[len(_SKIPPED):].partition("'. ")[0]
    return not (uri in state.late.uris or (state.pool is not None and state.pool.renders(uri)))


_SKIPPED = "Page skipped: '"  # mkdocs.commands.build._build_page, on an empty page
_BUILD_LOG = logging.getLogger("mkdocs.commands.build")


def on_post_build(config: MkDocsConfig) -> None:
    logging.getLogger("mkdocs").removeHandler(state.warnings)
    _BUILD_LOG.removeFilter(_written_later)
    content = state.content
    try:
        state.index.close_input()  # both normally done at the last searchable page;
        state.late.finish()  # a site without one gets here first
        if state.pool is not None:
            state.pool.finish()  # the copy has written its pages and cards
        index, state.index = state.index, None
        index.finish()
        write_admin(Path(config.site_dir), cms_config(content.settings, content.news.categories, content.tthc.fields),
                    config.site_name)
    except (SearchIndexError, AdminError, RuntimeError) as error:
        raise PluginError(str(error)) from None


def on_build_error(error: Exception) -> None:
    logging.getLogger("mkdocs").removeHandler(state.warnings)
    _BUILD_LOG.removeFilter(_written_later)
    state.late.abandon()
    if state.pool is not None:
        state.pool.close()  # no process or file left behind
    if state.index is not None:
        state.index.abort()
        state.index = None


def on_serve(server, config: MkDocsConfig, builder):
    # content/ lives outside docs/, so MkDocs does not watch it by itself.
    # (Changes to cchc/ or schemas/ need a restart: Python keeps them loaded.)
    server.watch(str(state.content.settings.content_dir))
    return server
