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

Every content file and every front matter is read here, so this is also where
hostile or broken input is stopped with a message instead of a traceback or an
exhausted machine: characters no editor means to type (NUL, Word's Shift+Enter
U+000B…), nesting deeper than any record needs, aliases that expand
exponentially ("billion laughs"), and texts too large to be a record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path as PathLike
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from cchc.core.errors import ContentError, dotted
from cchc.core.files import MAX_BYTES, read_text
from cchc.core.text import nfc

Path = tuple[Any, ...]

# The deepest record (a procedure's channels → times → entries) nests five levels; fifty
# is generous, keeps the recursive builder far from Python's recursion limit, and stops
# "[[[[…" files long before libyaml's own limit of 1000 or PyYAML's RecursionError.
MAX_DEPTH = 50
# Content has no use for aliases (*name) beyond saving a few repeated lines; each one
# can double what is built, so a dozen lines can stand for a billion values.
MAX_ALIASES = 100
# Values that aliases may add beyond those written out, checked before anything is built.
MAX_EXPANSION = 10_000
_EXPANSION_SHOWN = f"{MAX_EXPANSION:,}".replace(",", ".")  # Vietnamese groups thousands with dots

# Characters no editor means to type, refused in every content file: C0 controls other
# than tab and newlines (NUL; U+000B from Word's Shift+Enter; U+000C page breaks), DEL
# and the C1 block (mojibake from Windows-1252; YAML also counts U+0085 as a line break,
# which would misnumber every later line), the line and paragraph separators U+2028/2029
# (the same line problem), lone surrogates (only reachable through "\ud800" escapes, and
# UTF-8 cannot write them) and the noncharacters U+FFFE/U+FFFF. XML 1.0 allows none of
# them, so one in a title crashed the feed writer.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")

_CHARACTER_HINTS = {
    "\x00": "ký tự NUL U+0000 (tệp có thể bị hỏng hoặc không phải tệp văn bản)",
    "\x0b": "ký tự điều khiển U+000B (thường do Shift+Enter trong Word)",
    "\x0c": "ký tự ngắt trang U+000C (thường do sao chép từ Word)",
    "\u2028": "ký tự xuống dòng đặc biệt U+2028 (thường do sao chép từ Word hoặc trang web)",
    "\u2029": "ký tự ngắt đoạn đặc biệt U+2029 (thường do sao chép từ Word hoặc trang web)",
}


def describe_character(char: str) -> str:
    """What a refused character is and where it usually comes from, for the editor."""
    if char in _CHARACTER_HINTS:
        return _CHARACTER_HINTS[char]
    code = f"U+{ord(char):04X}"
    if "\x80" <= char <= "\x9f":
        return f"ký tự điều khiển {code} (thường do sao chép từ văn bản mã Windows-1252)"
    if "\ud800" <= char <= "\udfff" or char in "\ufffe\uffff":
        return f"ký tự không hợp lệ {code}"
    return f"ký tự điều khiển {code}"


def refuse_control_characters(text: str, source: str, first_line: int = 1, field: str = "") -> None:
    """Raise ContentError at the first character of ``text`` that CONTROL refuses, with its line and column.

    ``first_line`` is the file line where ``text`` starts; ``field`` names the part of
    the file (a Markdown body is "nội dung").
    """
    found = CONTROL.search(text)
    if found is None:
        return
    start = found.start()
    line = text.count("\n", 0, start) + first_line
    column = start - text.rfind("\n", 0, start)
    raise ContentError(source, line, field, f"{describe_character(found.group())} ở cột {column}; xoá ký tự này")


class _TooDeep(Exception):
    """Raised by the pure-Python composer at a collection nested deeper than MAX_DEPTH."""

    def __init__(self, mark: yaml.Mark, top: Path):
        super().__init__()
        self.mark, self.top = mark, top


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2-like implicit typing (see module doc) and a nesting limit.

    PyYAML composes recursively: without the limit a file of ten thousand "[" ends in
    RecursionError after a second of work.
    """

    _depth = 0
    _top: Path = ()

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self._depth += 1
        try:
            # A child of the root: remember its field for the message. ``index`` is the key
            # node for a mapping value, the position for a sequence item, None for a key.
            if self._depth == 2 and index is not None:
                self._top = (nfc(index.value),) if isinstance(index, ScalarNode) else (index,)
            if self._depth > MAX_DEPTH and self.check_event(yaml.CollectionStartEvent):
                raise _TooDeep(self.peek_event().start_mark, self._top)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# libyaml parses about twenty times faster than PyYAML's pure-Python scanner, which
# matters at a thousand procedure records. Where it is missing (a wheel-less
# platform) the pure-Python loader does the same job.
_CLoader = getattr(yaml, "CSafeLoader", None)
_FastLoader = type("_FastLoader", (_CLoader,), {}) if _CLoader else None

for _loader in (_Loader, _FastLoader):
    if _loader is None:
        continue
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


def _too_deep(source: str, line: int, top: Path) -> ContentError:
    return ContentError(source, line, dotted(top), f"dữ liệu lồng nhau quá sâu (quá {MAX_DEPTH} cấp); "
                                                   "kiểm tra thụt lề và các dấu ngoặc [ ] { }")


def _syntax_message(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error)
    for needle, hint in _HINTS:
        if needle in problem or needle in str(error):
            return f"lỗi cú pháp YAML: {hint}"
    return f"lỗi cú pháp YAML ({problem})"


def load_yaml(text: str, source: str, first_line: int = 1) -> YamlDoc:
    """Parse one YAML document; raise ContentError on anything unreadable or hostile.

    ``first_line`` is the file line where ``text`` starts (front matter
    starts on line 2 of a Markdown file).
    """
    if len(text) > MAX_BYTES:  # files are capped when read; this is for texts from elsewhere (git history)
        raise ContentError(source, None, "", f"phần YAML quá lớn ({len(text) / 1_000_000:.1f} MB; "
                                             f"tối đa {MAX_BYTES // 1_000_000} MB)")
    try:
        refuse_control_characters(text, source, first_line)
    except ContentError as error:
        raise ContentError(source, error.line, _field_on_line(text, error.line, first_line), error.message) from None
    # Only an alias (*name) of an anchor (&name) can expand or loop, and both are written
    # literally: text without both characters skips the check, a walk over every node.
    anchored = "&" in text and "*" in text
    node, loader = _fast_compose(text)
    if loader is not None:
        return _built(node, loader, source, first_line, anchored)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except _TooDeep as error:
        raise _too_deep(source, error.mark.line + first_line, error.top) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else first_line
        raise ContentError(source, line, "", _syntax_message(error)) from None
    except yaml.YAMLError as error:
        raise ContentError(source, first_line, "", _syntax_message(error)) from None
    finally:
        loader.dispose()
    return _built(node, loader, source, first_line, anchored)


def read_yaml(path: PathLike, source: str) -> YamlDoc:
    """The YAML file at ``path`` (named ``source`` in messages); raises ContentError if unreadable."""
    return load_yaml(read_text(path, source), source)


def _field_on_line(text: str, line: int | None, first_line: int) -> str:
    """The field written on ``line`` (or the nearest one above it), found with the refused characters blanked."""
    try:
        doc = load_yaml(CONTROL.sub(" ", text), "", first_line)
    except ContentError:
        return ""
    above = [(at, path) for path, at in doc.lines.items() if line is not None and at <= line]
    if not above:
        return ""
    return dotted(max(above, key=lambda item: (item[0], len(item[1])))[1])


def _fast_compose(text: str) -> tuple[yaml.Node | None, yaml.BaseLoader | None]:
    """The node tree from libyaml, or no loader if the text needs the pure-Python one.

    That is any syntax error, including nesting deeper than libyaml's limit of 1000:
    PyYAML's wording and marks are what the hints above and the tests know, and errors
    are rare enough that reading such a file twice costs nothing.
    """
    if _FastLoader is None:
        return None, None
    loader = _FastLoader(text)
    try:
        return loader.get_single_node(), loader
    except yaml.YAMLError:
        return None, None
    finally:
        loader.dispose()


def _built(node: yaml.Node | None, loader: yaml.BaseLoader, source: str, first_line: int,
           anchored: bool) -> YamlDoc:
    doc = YamlDoc(None)
    if node is not None:
        if anchored:
            _check_aliases(node, source, first_line)
        doc.data = _Builder(loader, doc, source, first_line).build(node, ())
    return doc


def _children(node: yaml.Node, path: Path) -> list[tuple[yaml.Node, yaml.Node, Path]]:
    """(child, node whose line says where it is written, its path): a mapping value is where its key is."""
    if isinstance(node, SequenceNode):
        return [(item, node, path + (index,)) for index, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        return [pair for key, value in node.value
                for pair in ((key, key, path), (value, key, path + (nfc(key.value) if isinstance(key, ScalarNode) else "?",)))]
    return []


def _check_aliases(root: yaml.Node, source: str, first_line: int) -> None:
    """Refuse cycles, too many aliases and exponential expansion before anything is built.

    The composer shares one node for an anchor and all its aliases, so the node graph
    stays as small as the text; only building it copies. A depth-first walk over that
    graph, in the builder's order, counts a second arrival at a finished node as one
    alias, and adds up how many values each node would expand to.
    """
    expanded: dict[int, int] = {}  # id(node) → values it builds, once its walk is finished
    walking: set[int] = set()  # the nodes on the current path: arriving at one again is a cycle
    aliases = 0
    stack: list[tuple[yaml.Node, yaml.Node, Path, bool]] = [(root, root, (), False)]
    while stack:
        node, where, path, finished = stack.pop()
        key = id(node)
        line = where.start_mark.line + first_line
        if finished:
            walking.discard(key)
            size = expanded[key] = 1 + sum(expanded[id(child)] for child, _, _ in _children(node, ()))
            # len(expanded) counts every distinct node so far, so this never refuses early;
            # at the root it is exactly the number of values the aliases add.
            if size - len(expanded) > MAX_EXPANSION:
                raise ContentError(source, line, dotted(path), "bí danh YAML (*tên) mở rộng thành quá nhiều giá trị "
                                                               f"(hơn {_EXPANSION_SHOWN}); hãy viết thẳng giá trị")
            continue
        if key in walking:
            raise ContentError(source, line, dotted(path), "tham chiếu YAML vòng lặp (bí danh *tên nằm trong chính "
                                                           "giá trị nó trỏ tới)")
        if key in expanded:
            aliases += 1
            if aliases > MAX_ALIASES:
                raise ContentError(source, line, dotted(path), f"dùng quá nhiều bí danh YAML (*tên), hơn {MAX_ALIASES}; "
                                                               "hãy viết thẳng giá trị")
            continue
        if len(path) >= MAX_DEPTH and not isinstance(node, ScalarNode):  # as the builder would, before the paths grow
            raise _too_deep(source, node.start_mark.line + first_line, path[:1])
        walking.add(key)
        stack.append((node, where, path, True))
        stack.extend((child, at, child_path, False) for child, at, child_path in reversed(_children(node, path)))


class _Builder:
    def __init__(self, loader: yaml.BaseLoader, doc: YamlDoc, source: str, first_line: int):
        self.loader, self.doc, self.source, self.offset = loader, doc, source, first_line

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + self.offset

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.doc.lines.setdefault(path, self.line(node))
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if len(path) >= MAX_DEPTH:  # libyaml composes up to 1000 levels; PyYAML stops at the same node
            raise _too_deep(self.source, self.line(node), path[:1])
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self.mapping(node, path)
        raise ContentError(self.source, self.line(node), dotted(path), "giá trị YAML không đọc được")

    def mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise ContentError(self.source, self.line(key_node), dotted(path), "tên trường phải là chữ")
            key = self.text(key_node, path)
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
        text = self.doc.raw[path] = self.text(node, path)
        try:
            return _CONSTRUCT[node.tag](text)
        except (KeyError, ValueError):  # e.g. "!!int abc", "!!bool maybe"
            raise ContentError(self.source, self.line(node), dotted(path), "giá trị không đọc được") from None


    def text(self, node: ScalarNode, path: Path) -> str:
        """The scalar's text, composed; refused if an escape ("\\v", "\\0") put a control character in it."""
        text = nfc(node.value)
        # Raw ones were refused before parsing; only a double-quoted escape can make one.
        if node.style == '"' and (found := CONTROL.search(text)):
            raise ContentError(self.source, self.line(node), dotted(path),
                               f"{describe_character(found.group())}, viết bằng mã thoát trong ngoặc kép; xoá mã này")
        return text


# The four scalar types _ALLOWED_TAGS lets through, built directly: PyYAML's generic
# constructor machinery was a third of the time spent reading a thousand records.
_CONSTRUCT = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:bool": lambda text: yaml.SafeLoader.bool_values[text.lower()],
    "tag:yaml.org,2002:null": lambda text: None,
}
