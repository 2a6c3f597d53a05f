"""Post bodies converted to HTML in an earlier build, reused while nothing they depend on changed.

After the theme, Markdown conversion is the largest cost of a post page (about 1.5 ms for
3 KB with the site's extensions), and a department with thousands of posts changes a
handful between builds. A post's HTML depends only on its own Markdown and path: links
to other posts name their files, and the core checks those exist; MkDocs checks anchors
after every build from what is stored here. So an entry is keyed by the Markdown text, the
page path and a salt naming every package version and setting that shapes the output,
the sanitiser's allow-list included (cchc.core.html_policy.Sanitiser.fingerprint).

What is stored is the HTML as published: already sanitised, so a post taken from here is
not cleaned again. Entries written before the sanitiser existed hold unsanitised HTML;
the version below keeps them from ever being read.

Only conversions that logged no warning are stored: a strict build that failed on a bad
link fails again next time instead of reusing a quiet copy.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cchc.core.diskcache import cached, key, usage

_VERSION = "render-v2"  # change when what is stored changes (v2: sanitised HTML)


@dataclass
class Rendered:
    """What MkDocs keeps of one conversion."""

    content: str
    toc: Any  # MkDocs' TableOfContents, pickled as is
    anchors: set[str]  # ids present in the page
    links_to_anchors: dict[str, dict[str, str]] | None  # target src_uri → {anchor: original link}


class RenderCache:
    def __init__(self, folder: Path, salt: str):
        self.folder = folder
        self.salt = key(_VERSION, salt)

    def key(self, src_uri: str, markdown: str) -> str:
        return key(self.salt, src_uri, markdown)

    def load(self, entry: str) -> Rendered | None:
        path = self.folder / f"{entry}.pickle"
        usage.mark(path)
        try:
            value = pickle.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - a damaged entry is a miss, converted again and replaced
            path.unlink(missing_ok=True)
            return None
        return value if isinstance(value, Rendered) else None

    def store(self, entry: str, rendered: Rendered) -> None:
        cached(self.folder / f"{entry}.pickle", lambda: pickle.dumps(rendered, protocol=pickle.HIGHEST_PROTOCOL))
