"""MkDocs hooks: a thin adapter between MkDocs and the content core (cchc).

The core decides what exists and what it contains; these hooks hand its pages
and files to MkDocs, and its context to the templates. Handlers are in the
order MkDocs calls them, each saying why it is there. Beside this file:
frame.py renders the parts of the page frame that many pages share once,
late_writes.py writes pages while Pagefind writes the index, and
mkdocs_internals.py holds all that leans on MkDocs beyond its plugin events.
"""

from __future__ import annotations

import logging
import re
import sys
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

import material
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, pass_context
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

# The hooks folder, not the project, is on sys.path while MkDocs loads hooks.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import mkdocs_internals as internals  # noqa: E402 - beside this file, imports cchc
from frame import Frame  # noqa: E402 - beside this file
from late_writes import LateWrites  # noqa: E402 - beside this file, imports cchc

from cchc.core import layout  # noqa: E402
from cchc.core.dates import build_now, format_date, format_datetime  # noqa: E402
from cchc.core.errors import ContentErrors, display_path  # noqa: E402
from cchc.core.html_policy import Sanitiser  # noqa: E402
from cchc.core.settings import Settings  # noqa: E402
from cchc.editor.admin import AdminError, write_admin  # noqa: E402
from cchc.editor.cms import cms_config  # noqa: E402
from cchc.page.spec import PageSpec  # noqa: E402
from cchc.render.cards import Card, render_all  # noqa: E402
from cchc.render.csp import add_policy  # noqa: E402
from cchc.render.images import ImageProblem, render_thumbnail  # noqa: E402
from cchc.render.markdown_cache import RenderCache, Rendered  # noqa: E402
from cchc.render.search_index import LiveIndex, SearchIndexError, code_variants  # noqa: E402
from cchc.site.content import Content, load_content  # noqa: E402
from cchc.site.plan import docs_share, home_context, plan_cards, plan_files, plan_pages  # noqa: E402
from cchc.site.sitemap import LastChanged  # noqa: E402

MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"


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
        self.content: Content | None = None
        self.specs: dict[str, PageSpec] = {}
        self.last_changed: LastChanged | None = None  # each page's sitemap lastmod
        self.cards: dict[str, Card] = {}  # share-card URL → what it shows
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
        self.site_name = ""  # as typed in mkdocs.yml; config.site_name holds it escaped for the templates
        self.site_description = ""


class _WarningCount(logging.Handler):
    """Counts MkDocs' warnings, so a conversion that warned is never cached (cchc.render.markdown_cache)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


state = _State()


def on_startup(command: str, dirty: bool) -> None:
    # `mkdocs serve` previews drafts and scheduled posts; `build` publishes.
    state.command = command


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # Everything is loaded, checked and planned before MkDocs reads a file, so a
    # content error stops the build with every problem listed and nothing written.
    global state
    state = _State(state.command)
    state.fast = internals.usable()
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
    # Material prints site_name and site_description into <title>, the drawer, aria-label and the meta
    # description as they are; escaped once here (as Markup, which `| e` leaves alone) they are safe everywhere.
    state.site_name, state.site_description = str(config.site_name), str(config.site_description or "")
    config.site_name = escape(config.site_name)
    if config.site_description:
        config.site_description = escape(config.site_description)
    specs = plan_pages(state.content)
    state.specs = {spec.src_uri: spec for spec in specs}
    state.last_changed = LastChanged(state.content, display_path(Path(config.docs_dir), root))
    state.cards = plan_cards(state.content, specs)
    state.last_searchable = next((spec.src_uri for spec in reversed(specs) if spec.searchable), "")
    state.sanitiser = Sanitiser(settings.embed_hosts)
    state.renders = RenderCache(settings.cache_dir / "pages", _render_salt(config))
    logging.getLogger("mkdocs").addHandler(state.warnings)
    state.names = _ContentNames({post.src_uri: post.source for post in state.content.news.posts})
    for handler in logging.getLogger("mkdocs").handlers:  # MkDocs' console and --strict counter included
        handler.addFilter(state.names)
    state.quiet.attach()
    return config




def _render_salt(config: MkDocsConfig) -> str:
    """Everything besides a page's own Markdown that shapes its HTML."""
    packages = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Pygments")
    return repr(([version(name) for name in packages], config.markdown_extensions, config.mdx_configs,
                 config.use_directory_urls, config.validation, state.sanitiser.fingerprint))


def on_pre_build(config: MkDocsConfig) -> None:
    # Started before the pages, so Pagefind indexes each one as it is written.
    try:
        state.index = LiveIndex(Path(config.site_dir))
    except SearchIndexError as error:
        raise PluginError(str(error)) from None


def on_files(files: Files, config: MkDocsConfig) -> Files:
    # The core's pages and files join the site as virtual files: content/ is outside docs/.
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
    if state.fast:
        # MkDocs keeps a page already attached to its file; pages in the nav get theirs from it.
        for file in generated:
            if not file.inclusion.is_in_nav():
                internals.GeneratedPage(file, config, state.reused)
    generated += [
        File.generated(config, asset.src_uri, abs_src_path=str(asset.abs_path), inclusion=InclusionLevel.NOT_IN_NAV)
        for asset in content.assets
    ]
    generated += [
        File.generated(config, uri, content=data, inclusion=InclusionLevel.NOT_IN_NAV)
        for uri, data in plan_files(content, state.last_changed.dates).items()
    ]
    generated += _images(config)
    for file in generated:
        if files.get_file_from_path(file.src_uri) is not None:
            raise PluginError(f"{file.src_uri}: hai tệp cùng được xuất bản ở đường dẫn này "
                              "(một trang trong docs/ hoặc một tệp tên *.nho.jpg trong content/); "
                              "đổi tên một trong hai")
        files.append(file)
    return files


def _thumbnails(content: Content, cache: Path) -> dict[str, Path]:
    """Every listing thumbnail; a photo whose header reads but whose data is cut off fails here, by name."""
    made, problems = {}, []
    for thumb in content.news.thumbnails:
        try:
            made[thumb.src_uri] = render_thumbnail(thumb.source, cache)
        except ImageProblem as problem:
            problems.append(f"  {display_path(thumb.source, content.settings.root)}: {problem}")
    if problems:
        raise PluginError(f"Nội dung có {len(problems)} lỗi, chưa thể xuất bản trang:\n" + "\n".join(problems))
    return made


def _images(config: MkDocsConfig) -> list[File]:
    """Share cards and thumbnails, drawn into .cache/ if they are not there yet."""
    content = state.content
    cache = content.settings.cache_dir
    made = render_all(state.cards, cache / "cards")
    made |= _thumbnails(content, cache / "thumbs")
    files = []
    for uri, path in made.items():
        file = (internals.CachedFile if state.fast else File).generated(
            config, uri, abs_src_path=str(path), inclusion=InclusionLevel.NOT_IN_NAV)
        if state.fast:
            file.place = state.late.file  # linked from .cache/, after the pages that make its folder
        files.append(file)
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    # The frame's parts are shared by pages outside the nav; the nav says which those are.
    state.nav = nav
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
    env.filters["url"] = _escaped_url(env.filters["url"])
    env.globals["layout"] = layout  # the site's own URLs (cchc.core.layout)
    env.globals["frame"] = Frame(state.nav, config, shared=state.fast)
    # overrides/partials/nav.html wraps Material's own, which it reaches under this prefix.
    env.loader = ChoiceLoader([env.loader, PrefixLoader({"material": FileSystemLoader(MATERIAL_TEMPLATES)})])
    return env


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
    return _policy(output) if template_name.endswith(".html") else output


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
    # Every page gets its content security policy and goes to Pagefind as it is written.
    output = _policy(output)
    try:
        state.index.add(page.file.dest_uri, output)
    except SearchIndexError as error:
        raise PluginError(str(error)) from None
    if page.file.src_uri == state.last_searchable:
        state.index.close_input()  # Pagefind writes the index while the listings render
        state.late.write()
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
    try:
        state.index.close_input()  # done at the last searchable page, unless the site has none
        state.late.finish()
        index, state.index = state.index, None
        index.finish()
        write_admin(Path(config.site_dir), cms_config(content.settings, content.news.categories, content.tthc.fields),
                    state.site_name)
    except (SearchIndexError, AdminError, OSError) as error:
        raise PluginError(str(error)) from None


def on_build_error(error: Exception) -> None:
    # No Pagefind process, writer thread or log filter outlives a failed build.
    _stop_listening()
    state.late.abandon()
    if state.index is not None:
        state.index.abort()
        state.index = None


def _stop_listening() -> None:
    logging.getLogger("mkdocs").removeHandler(state.warnings)
    for handler in logging.getLogger("mkdocs").handlers:
        handler.removeFilter(state.names)
    state.quiet.detach()


def on_serve(server, config: MkDocsConfig, builder):
    # content/ lives outside docs/, so MkDocs does not watch it by itself.
    # (Changes to cchc/ or schemas/ need a restart: Python keeps them loaded.)
    server.watch(str(state.content.settings.content_dir))
    return server
