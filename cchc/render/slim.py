"""Pages without the indentation of their templates.

Material's templates and ours are indented for people: a page of 24 KB carries
about 3 KB of spaces and blank lines, which every deploy uploads and every
server stores, once per page (issue 22: 20 MB at 7,000 pages). A browser
treats a run of white space between words as one space, so a run that holds a
line break next to a tag is kept as that one line break: the page renders and
reads the same, and its source stays one tag a line.

Left as they are: elements whose white space shows (pre, code, kbd and
textarea: Material sets ``white-space: pre-wrap`` on code and kbd), scripts
and styles, and attribute values (a value's own "<" and ">" are always
escaped, so the runs next to a tag are never inside one). No markup is removed
or rewritten, so what tests, Pagefind and the link checker read is the same page.
"""

from __future__ import annotations

import re

_KEPT = ("pre", "code", "kbd", "textarea", "script", "style")
_VERBATIM = re.compile(rf"<({'|'.join(_KEPT + tuple(name.upper() for name in _KEPT))})\b")  # quicker than re.I
_CLOSING = {name: re.compile(rf"</{name}\s*>", re.I) for name in _KEPT}
# A line break with the white space around it, after a tag's end or before a tag's start. Two passes,
# each beginning with a plain character, are five times quicker than one pattern with a look-behind.
_AFTER_TAG = re.compile(r">[ \t\r\n\f]*\n[ \t\r\n\f]*")
_BEFORE_TAG = re.compile(r"\n[ \t\r\n\f]*<")  # spaces ending the line before stay: rare, and 4× slower to find


def slim(html: str) -> str:
    """``html`` with each run of white space that breaks a line next to a tag reduced to one line break."""
    out, start = [], 0
    for verbatim in _VERBATIM.finditer(html):
        if verbatim.start() < start:
            continue  # inside the element kept before (a code inside a pre)
        closing = _CLOSING[verbatim.group(1).lower()].search(html, verbatim.end())
        end = closing.end() if closing else len(html)
        # Each side with the "<" or ">" that borders it, so the white space next to it is seen as such.
        out.append(_collapse(html[max(start - 1, 0):verbatim.start() + 1])[1 if start else 0:-1])
        out.append(html[verbatim.start():end])
        start = end
    out.append(_collapse(html[max(start - 1, 0):])[1 if start else 0:])
    return "".join(out)


def _collapse(part: str) -> str:
    return _BEFORE_TAG.sub("\n<", _AFTER_TAG.sub(">\n", part))
