"""YAML that publishes what the editor typed.

PyYAML implements YAML 1.1: unquoted ``no``/``on``/``yes`` become booleans,
``7:30`` becomes 450 (base 60), ``0912`` an octal number, and an impossible
date such as ``2023-13-09`` crashes the constructor with a traceback. Web
editors such as Decap CMS write YAML 1.2, where all of these are text.

This loader resolves only what YAML 1.2's core schema and our records need:
``true``/``false``, null, and plain decimal integers; every other plain
scalar stays the exact text typed. Dates stay text and are parsed (and
rejected clearly) by :mod:`cchc.dates`. It also records the line of every
key and the raw text of every scalar, so errors can point at a line and a
field typed as text can get back the characters the editor wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path as PathLike
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from cchc.core.errors import ContentError, dotted
from cchc.core.files import read_text
from cchc.core.text import nfc

Path = tuple[Any, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2-like implicit typing (see module doc)."""


# libyaml parses about twenty times faster than PyYAML's pure-Python scanner, which
# matters at a thousand procedure records. Where it is missing (a wheel-less
# platform) the pure-Python loader does the same job.
_FastLoader = type("_FastLoader", (getattr(yaml, "CSafeLoader", _Loader),), {})

for _loader in {_Loader, _FastLoader}:
    _loader.yaml_implicit_resolvers = {}
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
    )
    # No leading zeros: "0912345678" is a phone number, not an (octal) integer.
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
    )

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}

_HINTS = (
    ("'\\t'", "trong YAML phải thụt lề bằng dấu cách, không dùng phím Tab"),
    ("mapping values are not allowed", "giá trị có dấu hai chấm “:” cần đặt trong ngoặc kép"),
    ("could not find expected ':'", "mỗi dòng cần dạng “tên_trường: giá trị”; kiểm tra dấu hai chấm và ngoặc kép"),
    ("did not find expected key", "thụt lề chưa thẳng hàng, hoặc ngoặc kép chưa đóng"),
    ("found unexpected end of stream", "ngoặc kép hoặc ngoặc vuông chưa đóng"),
    ("expected <block end>", "thụt lề chưa thẳng hàng"),
)


@dataclass
class YamlDoc:
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """Line of a field, or of its nearest parent that exists."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


def _syntax_message(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error)
    for needle, hint in _HINTS:
        if needle in problem or needle in str(error):
            return f"lỗi cú pháp YAML: {hint}"
    return f"lỗi cú pháp YAML ({problem})"


def load_yaml(text: str, source: str, first_line: int = 1) -> YamlDoc:
    """Parse one YAML document; raise ContentError on anything unreadable.

    ``first_line`` is the file line where ``text`` starts (front matter
    starts on line 2 of a Markdown file).
    """
    node, loader = _fast_compose(text)
    if loader is not None:
        return _built(node, loader, source, first_line)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else first_line
        raise ContentError(source, line, "", _syntax_message(error)) from None
    except yaml.YAMLError as error:
        raise ContentError(source, first_line, "", _syntax_message(error)) from None
    finally:
        loader.dispose()
    return _built(node, loader, source, first_line)


def read_yaml(path: PathLike, source: str) -> YamlDoc:
    """The YAML file at ``path`` (named ``source`` in messages); raises ContentError if unreadable."""
    return load_yaml(read_text(path, source), source)


def _fast_compose(text: str) -> tuple[yaml.Node | None, yaml.BaseLoader | None]:
    """The node tree from libyaml, or no loader if the text needs the pure-Python one.

    That is any text PyYAML's reader would refuse (control characters) and any syntax
    error: PyYAML's wording and marks are what the hints above and the tests know, and
    errors are rare enough that reading such a file twice costs nothing.
    """
    if _FastLoader is _Loader or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None, None
    loader = _FastLoader(text)
    try:
        return loader.get_single_node(), loader
    except yaml.YAMLError:
        return None, None
    finally:
        loader.dispose()


def _built(node: yaml.Node | None, loader: yaml.BaseLoader, source: str, first_line: int) -> YamlDoc:
    doc = YamlDoc(None)
    if node is not None:
        doc.data = _Builder(loader, doc, source, first_line).build(node, ())
    return doc


class _Builder:
    def __init__(self, loader: yaml.BaseLoader, doc: YamlDoc, source: str, first_line: int):
        self.loader, self.doc, self.source, self.offset = loader, doc, source, first_line
        self.active: set[int] = set()

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + self.offset

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.doc.lines.setdefault(path, self.line(node))
        if id(node) in self.active:
            raise ContentError(self.source, self.line(node), dotted(path), "tham chiếu YAML vòng lặp")
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self.mapping(node, path)
        finally:
            self.active.discard(id(node))
        raise ContentError(self.source, self.line(node), dotted(path), "giá trị YAML không đọc được")

    def mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise ContentError(self.source, self.line(key_node), dotted(path), "tên trường phải là chữ")
            key = nfc(key_node.value)
            if key in result:
                first = self.doc.lines[path + (key,)]
                raise ContentError(
                    self.source, self.line(key_node), dotted(path + (key,)),
                    f"trường bị khai báo hai lần (lần đầu ở dòng {first}); chỉ giữ một",
                )
            self.doc.lines[path + (key,)] = self.line(key_node)
            result[key] = self.build(value_node, path + (key,))
        return result

    def scalar(self, node: ScalarNode, path: Path) -> Any:
        if node.tag not in _ALLOWED_TAGS:
            raise ContentError(
                self.source, self.line(node), dotted(path),
                f"không dùng thẻ YAML “{node.tag}”; hãy viết giá trị bình thường",
            )
        text = self.doc.raw[path] = nfc(node.value)
        try:
            return _CONSTRUCT[node.tag](text)
        except (KeyError, ValueError):  # e.g. "!!int abc", "!!bool maybe"
            raise ContentError(self.source, self.line(node), dotted(path), "giá trị không đọc được") from None


# The four scalar types _ALLOWED_TAGS lets through, built directly: PyYAML's generic
# constructor machinery was a third of the time spent reading a thousand records.
_CONSTRUCT = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:bool": lambda text: yaml.SafeLoader.bool_values[text.lower()],
    "tag:yaml.org,2002:null": lambda text: None,
}
