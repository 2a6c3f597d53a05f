"""What HTML an editor's Markdown may become (post bodies, Q&A answers).

Markdown lets editors write HTML, and a published page is trusted by every
citizen who opens it. Two layers, each for its own reader:

``check_markdown_html`` reads the source and tells the editor, at file and
line, what is not allowed: scripts, event handlers (also through attr_list's
``{: onclick=…}``), javascript: links (also reference-style, or spelt with
entities and tabs as ``java&#x09;script:``) and embedding tags; an iframe only
from a host on ``extra.embed_hosts`` in mkdocs.yml.

``Sanitiser`` is the guarantee: the HTML that Markdown produced is cleaned
with an allow-list (nh3, the Rust library ammonia) before it reaches a page,
so a form of Markdown the source check does not know cannot bring anything
else. The content security policy (cchc.render.csp) stays behind both.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from importlib.metadata import version
from urllib.parse import urlparse

import nh3

from cchc.core.errors import FileErrors

FORBIDDEN_TAGS = {"script", "object", "embed", "applet", "base", "meta", "link", "style", "form", "frame",
                  "frameset"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}
_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE_CODE = re.compile(r"`+[^`\n]*`+")
_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")
_MD_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)")  # [name]: target "title"
_ATTR_LIST = re.compile(r"\{:?([^{}\n]*)\}")  # { #id .class key=value } after a block or an inline element
_ATTR = re.compile(r"""([A-Za-z_][\w:.-]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'}]+)""")
# A browser drops tabs and newlines anywhere in a URL and spaces around it before it reads the scheme.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20]+")
_BAD_SCHEME = re.compile(r"(javascript|vbscript|data):", re.IGNORECASE)


def bad_scheme(url: str) -> str | None:
    """The dangerous scheme a browser would read in ``url`` (entities decoded), or None."""
    match = _BAD_SCHEME.match(_IGNORED_IN_URL.sub("", html.unescape(url)))
    return match.group(1).lower() if match else None


def _blank_code(markdown: str) -> str:
    """Code is shown, not run: blank fenced blocks and inline code, keeping lines."""
    out, fenced = [], False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            out.append("")
        elif fenced:
            out.append("")
        else:
            out.append(_INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line))
    return "\n".join(out)


def _attribute_problem(name: str, value: str) -> str | None:
    name = name.lower()
    if name.startswith("on"):
        return f"không được dùng thuộc tính {name}= (mã chạy trong trình duyệt)"
    scheme = bad_scheme(value) if name in URL_ATTRIBUTES else None
    if scheme:
        return f"không được dùng đường dẫn “{scheme}:” trong {name}="
    return None


class _Scanner(HTMLParser):
    def __init__(self, allowed_hosts: frozenset[str]):
        super().__init__(convert_charrefs=True)
        self.allowed_hosts = allowed_hosts
        self.problems: list[tuple[int, str]] = []  # (line within the text, message)

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        if tag in FORBIDDEN_TAGS:
            self.problems.append((line, f"không được dùng thẻ <{tag}> trong nội dung"))
        for name, value in attrs:
            problem = _attribute_problem(name, value or "")
            if problem:
                self.problems.append((line, problem))
        if tag == "iframe":
            host = urlparse(dict(attrs).get("src") or "").hostname or ""
            if host not in self.allowed_hosts:
                allowed = ", ".join(sorted(self.allowed_hosts)) or "chưa có trang nào"
                self.problems.append((line, f"khung nhúng (iframe) từ “{host or 'không rõ'}” không được phép; "
                                            f"chỉ nhúng từ: {allowed} (extra.embed_hosts trong mkdocs.yml)"))

    handle_startendtag = handle_starttag


def _markdown_problems(line: str) -> list[str]:
    """Links and attribute lists written in Markdown rather than HTML."""
    problems = []
    for target in _MD_LINK.findall(line) + _MD_REFERENCE.findall(line):
        scheme = bad_scheme(target)
        if scheme:
            problems.append(f"không được dùng liên kết “{scheme}:”")
    for attr_list in _ATTR_LIST.findall(line):
        for name, value in _ATTR.findall(attr_list):
            problem = _attribute_problem(name, value.strip("\"'"))
            if problem:
                problems.append(problem)
    return problems


def check_markdown_html(markdown: str, first_line: int, field: str, allowed_hosts: frozenset[str],
                        errors: FileErrors) -> None:
    """Record unsafe raw HTML or link schemes, each at its file line."""
    text = _blank_code(markdown)
    scanner = _Scanner(allowed_hosts)
    scanner.feed(text)
    scanner.close()
    problems = list(scanner.problems)
    for offset, line in enumerate(text.split("\n")):
        problems += [(offset + 1, message) for message in _markdown_problems(line)]
    for line, message in sorted(set(problems)):
        errors.at(field, message, line=first_line + line - 1)


# What the site's Markdown produces (Python-Markdown and the extensions in mkdocs.yml: tables, footnotes,
# admonitions, details, tabbed, def_list, abbr, attr_list, tilde/caret/mark) and the few tags an editor may
# reasonably type. Anything else is dropped, keeping its text; script and style lose their text too.
TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span", "blockquote", "pre", "code", "kbd", "samp",
    "var", "a", "img", "figure", "figcaption", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
    "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "sub", "sup", "small", "abbr", "cite", "q", "dfn",
    "time", "details", "summary", "iframe",
    "input", "label",  # pymdownx.tabbed: a radio button and its label per tab
})
ATTRIBUTES = {
    # id: headings (toc), footnotes, attr_list's {#…}; filtered below. class: admonitions, tabs, footnotes.
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "iframe": {"src", "width", "height", "allow", "allowfullscreen", "loading", "referrerpolicy", "frameborder"},
    "th": {"style", "colspan", "rowspan", "scope"},  # style: a table column's alignment (text-align only)
    "td": {"style", "colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "time": {"datetime"},
    "details": {"open"},
    "div": {"data-tabs"},
    "input": {"name", "checked"},
    "label": {"for"},
}
FORCED_ATTRIBUTES = {"input": {"type": "radio"}}  # whatever type was written: never a text field
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})  # and relative URLs
STYLE_PROPERTIES = frozenset({"text-align"})
# Material's own elements have ids that start with "__" (__drawer, __search, __toc, __config, which holds
# its configuration as JSON): content must not shadow them. Tabs are the one "__" id Markdown makes.
_TAB_ID = re.compile(r"__tabbed_\d+(_\d+)?")  # a tab's id and label's for; the set's name
_POLICY_VERSION = 1  # change when Sanitiser._attribute changes what it keeps (the lists above are in the key as they are)


class Sanitiser:
    """Cleans converted Markdown to the allow-list above; iframes only from ``embed_hosts``."""

    def __init__(self, embed_hosts: frozenset[str] = frozenset()):
        self.embed_hosts = frozenset(embed_hosts)
        self._cleaner = nh3.Cleaner(
            tags=set(TAGS), attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
            set_tag_attribute_values={tag: dict(forced) for tag, forced in FORCED_ATTRIBUTES.items()},
            clean_content_tags={"script", "style"}, url_schemes=set(URL_SCHEMES),
            filter_style_properties=set(STYLE_PROPERTIES), attribute_filter=self._attribute,
            link_rel=None,  # no rel added to the editors' links: the page stays as Markdown made it
            strip_comments=True,
        )

    @property
    def fingerprint(self) -> str:
        """Everything that shapes the output, for the render cache's key (cchc.render.markdown_cache)."""
        return repr((_POLICY_VERSION, version("nh3"), sorted(TAGS), sorted((k, sorted(v)) for k, v in ATTRIBUTES.items()),
                     sorted(FORCED_ATTRIBUTES.items()), sorted(URL_SCHEMES), sorted(STYLE_PROPERTIES), sorted(self.embed_hosts)))

    def clean(self, html_text: str) -> str:
        return self._cleaner.clean(html_text)

    def _attribute(self, tag: str, name: str, value: str) -> str | None:
        if name in ("id", "for", "name") and value.startswith("__") and not _TAB_ID.fullmatch(value):
            return None
        if tag == "iframe" and name == "src":
            url = urlparse(value)
            return value if url.scheme == "https" and url.hostname in self.embed_hosts else None
        return value
