"""Where everything lives: the content folders editors write and the URLs citizens share.

One table, as Pelican keeps its ``*_URL``/``*_SAVE_AS`` settings: every other
module and template derives its paths and links from the names below, so a
folder or URL shape is written once. ../shared/DESIGN.md fixes these; a URL
never changes once published, because people paste it into Zalo.

Content paths are relative to the project's ``content/`` folder. URLs are
relative to the site root and end in "/" for pages (``use_directory_urls``).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path, PurePosixPath

# This checkout: what the code ships beside it (schemas, npm packages).
CODE_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = CODE_ROOT / "schemas"
NODE_MODULES = CODE_ROOT / "node_modules"

# -- The project --------------------------------------------------------------
CONTENT = "content"
CACHE = ".cache"  # build products kept between builds (core/diskcache.py)
CONFIG_FILE = "mkdocs.yml"

# -- content/ -------------------------------------------------------------------
NEWS_DIR = "news"  # <yyyy>/<yyyy-mm-dd>-<slug>.md, attachments beside the post
TTHC_DIR = "tthc"  # <code-or-slug>.yml, one procedure each; attachments in subfolders
DECISIONS_DIR = f"{TTHC_DIR}/quyet-dinh"  # <slug>.yml, one decision each, its PDF beside
FORMS_DIR = f"{TTHC_DIR}/mau"  # form templates of procedure documents
MEDIA_DIR = "media"  # files the web editor uploads
CATEGORIES_FILE = "categories.yml"
FIELDS_FILE = "linh-vuc.yml"
QA_FILE = "hoi-dap.yml"
RESULTS_DIR = "ket-qua"  # <yyyy>-<mm>.yml, the figures of one monthly report each

# -- The site's URLs ----------------------------------------------------------
HOME = ""
NEWS = "tin-tuc/"  # the news index; posts at <yyyy>/<slug>/, year archives at <yyyy>/
CATEGORIES = "chuyen-muc/"
QA = "hoi-dap/"
CONTACT = "lien-he/"
SEARCH = "tim-kiem/"
GUIDE = "huong-dan/"
ADMIN = "admin/"
MEDIA = "media/"
SEARCH_INDEX = "pagefind/"
TTHC = "tthc/"  # the procedure list; a procedure at <code>/ or <slug>/
FIELDS = f"{TTHC}linh-vuc/"
HANDBOOK = f"{TTHC}so-tay/"
CHANGELOG = f"{TTHC}thay-doi/"
DECISIONS = f"{TTHC}quyet-dinh/"
FORMS = f"{TTHC}mau/"
RESULTS = f"{TTHC}ket-qua/"  # results of handling procedures; each year at <yyyy>/
RESULTS_CSV = f"{RESULTS}ket-qua.csv"
RESULTS_JSON = f"{RESULTS}ket-qua.json"
OPEN_DATA_JSON = f"{TTHC}tthc.json"
OPEN_DATA_CSV = f"{TTHC}tthc.csv"
OPEN_DATA_CSV_DETAIL = f"{TTHC}tthc-chi-tiet.csv"  # one row per value of the multi-value columns
ROBOTS = "robots.txt"
SITEMAP = "sitemap.xml"  # written by MkDocs from overrides/sitemap.xml

PAGED = "trang/"  # later pages of a listing: <listing>trang/2/
FEED = "feed.xml"  # a listing's feed, beside it: /feed.xml, /chuyen-muc/<slug>/feed.xml, …
NEWS_FEED = FEED
CHANGELOG_FEED = f"{CHANGELOG}{FEED}"
CARD = "anh-chia-se.png"  # a page's share image, beside it
LOGO = "assets/logo.svg"

# Every fixed URL above, so names the site uses can be told from names editors may choose.
URL_ROOTS = (HOME, NEWS, CATEGORIES, QA, CONTACT, SEARCH, GUIDE, ADMIN, MEDIA, SEARCH_INDEX, TTHC, FIELDS,
             HANDBOOK, CHANGELOG, DECISIONS, FORMS, RESULTS, OPEN_DATA_JSON, OPEN_DATA_CSV,
             OPEN_DATA_CSV_DETAIL, RESULTS_CSV, RESULTS_JSON, NEWS_FEED, CHANGELOG_FEED, LOGO, ROBOTS, SITEMAP)

# Content folders whose files are published as they are, and where.
PUBLISHED = {NEWS_DIR: NEWS, MEDIA_DIR: MEDIA, TTHC_DIR: TTHC}


# Pages of one item, as str.format patterns (Pelican's *_URL settings): POST_URL.format(year=2024, slug="a").
POST_URL = NEWS + "{year}/{slug}/"
YEAR_URL = NEWS + "{year}/"
CATEGORY_URL = CATEGORIES + "{slug}/"
PROCEDURE_URL = TTHC + "{slug}/"
FIELD_URL = FIELDS + "{slug}/"
HANDBOOK_FIELD_URL = HANDBOOK + "{slug}/"  # the printable handbook of one field, same slug as its FIELD_URL
DECISION_URL = DECISIONS + "{slug}/"
CHANGELOG_YEAR_URL = CHANGELOG + "{year}/"
FIELD_FEED_URL = FIELD_URL + FEED  # Atom of the changes to procedures of one field
RESULTS_YEAR_URL = RESULTS + "{year}/"
RESULTS_FEED = RESULTS + FEED  # Atom: one entry a month published


def paged_url(base: str, number: int) -> str:
    """Page ``number`` of the listing at ``base``."""
    return base if number == 1 else f"{base}{PAGED}{number}/"


def feed_url(page_url: str) -> str:
    return f"{page_url}{FEED}"


def card_url(page_url: str) -> str:
    """A card lives beside its page, so its URL is as stable as the page's."""
    return f"{page_url}{CARD}"


def index_source(url: str) -> str:
    """The virtual Markdown file of a section page: ``tthc/`` → ``tthc/index.md``."""
    return f"{url}index.md"


class HasPage:
    """A record with a page of its own at ``url``, whose virtual Markdown file is ``src_uri``."""

    url: str

    @cached_property
    def src_uri(self) -> str:
        # Kept: a record's URL never changes (a changed post is a new object), and listings, the sitemap
        # and a preview's comparisons ask for it tens of thousands of times a build.
        return leaf_source(self.url)


def leaf_source(url: str) -> str:
    """The virtual Markdown file of a single page: ``tin-tuc/2024/a/`` → ``tin-tuc/2024/a.md``.

    Posts mirror content/news/<yyyy>/, so a relative link from a post's body to
    a file beside it resolves as it does in the content tree.
    """
    return f"{url[:-1]}.md"


def published_uri(relative: PurePosixPath) -> str | None:
    """Where a content file (path relative to content/) is published, or None if it is not."""
    top = relative.parts[0] if relative.parts else ""
    root = PUBLISHED.get(top)
    return None if root is None else root + PurePosixPath(*relative.parts[1:]).as_posix()


def _reserved(root: str) -> frozenset[str]:
    """Names taken under ``root`` by the site itself: its own sections, listing pages, open data."""
    below = (url[len(root):] for url in URL_ROOTS if url.startswith(root) and url != root)
    return frozenset({PAGED.strip("/"), *(rest.split("/")[0].split(".")[0] for rest in below)})


# A procedure without a code takes its file name as URL segment under /tthc/; these are not free.
TTHC_RESERVED = _reserved(TTHC)
