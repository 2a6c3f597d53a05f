"""Upgrade of procedure records from format v1 to format v2.

v1 gave each channel exactly one ``time`` (plus a free ``time_note``) and
read a missing ``fees`` or ``conditions`` as "none". v2 allows several
times per channel and reads a missing key as "the source does not state
it", so an upgraded record must say its "none" out loud with ``[]``, or
the pages would turn "Không" into "Không có thông tin".

``upgrade_data`` serves code that compares records across git history,
where old commits hold v1 records; ``upgrade_file`` is what editors run
(``python -m cchc upgrade``). Both apply the same edits; the file version
goes through ruamel.yaml's round trip because the records are edited by
hand and their comments, quoting, key order and flow mappings are the
editors' work, which PyYAML would throw away.

Odd shapes (a channel that is not a mapping, a ``time`` that is not a
mapping, ``time`` next to ``times``) are left as they are: the upgrade
must never be the thing that fails, and ``make check`` names the problem
far better than a traceback would.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedBase, CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

from cchc.core.files import write_atomically

_BOM = "\ufeff"


class NotARecord(ValueError):
    """The file is YAML, but not a mapping, so not a procedure record."""


class UnsafeRewrite(ValueError):
    """ruamel.yaml would have written data other than the upgrade's; the file is left as it was."""


def is_v1(data: dict) -> bool:
    """Whether ``data`` is a v1 record: only v1 had a channel ``time`` (and required it)."""
    return any(isinstance(channel, dict) and "time" in channel for channel in _channels(data))


def upgrade_data(data: dict) -> dict:
    """The v2 form of a record as PyYAML loads it.

    Data that is not v1 is returned as is (the same object); a v1 record
    gives a new dict sharing nothing with ``data``, which is never changed.
    """
    if not is_v1(data):
        return data
    record = copy.deepcopy(data)
    _upgrade(record)
    return record


def upgrade_file(path: Path) -> bool:
    """Upgrade the record file at ``path`` in place; False when there was nothing to upgrade.

    The file is only rewritten when its text changes, so a record that is
    already v2 (or whose only v1 traces are too odd to upgrade, such as a
    ``time`` that is not a mapping) keeps its bytes and reports False.

    Raises OSError or UnicodeDecodeError when the file cannot be read or
    written, ruamel.yaml's YAMLError when it is not YAML, NotARecord and
    UnsafeRewrite (both ValueError).
    """
    path = Path(path)
    original = path.read_bytes()
    text = original.decode("utf-8")
    # ruamel would write a BOM and CRLF line ends back only in part; they are
    # taken off here and put back on the way out, so the file keeps its own.
    bom = text.startswith(_BOM)
    text = text.removeprefix(_BOM)
    crlf = "\r\n" in text
    if crlf:
        text = text.replace("\r\n", "\n")
    yaml = _round_trip_yaml(text)
    record = yaml.load(text)
    if not isinstance(record, dict):
        raise NotARecord(path)
    if not is_v1(record):
        return False
    _upgrade(record)
    out = io.StringIO()
    yaml.dump(record, out)
    result = out.getvalue()
    # The round trip rebuilds the text from ruamel's comment and style
    # bookkeeping, which has its bugs (see the block scalars below). The data
    # written must be exactly upgrade_data's, or nothing is written.
    if _plain(result) != upgrade_data(_plain(text)):
        raise UnsafeRewrite(path)
    if crlf:
        result = result.replace("\n", "\r\n")
    content = ((_BOM if bom else "") + result).encode("utf-8")
    if content == original:
        return False
    write_atomically(path, content)
    return True


def _plain(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def _round_trip_yaml(text: str) -> YAML:
    yaml = YAML()  # round trip
    yaml.preserve_quotes = True
    # Long Vietnamese sentences must stay on one line: re-wrapped strings
    # would bury the real change of an upgrade diff in noise.
    yaml.width = 1_000_000
    yaml.allow_unicode = True
    # ruamel applies one indentation to the whole file: take the file's own,
    # else the project's (the scaffold's and the web editor's).
    _, sequence, offset = load_yaml_guess_indent(text)
    if sequence is None or offset is None:
        sequence, offset = 4, 2
    yaml.indent(mapping=2, sequence=sequence, offset=offset)
    return yaml


def _channels(data: Any) -> list:
    channels = data.get("channels") if isinstance(data, dict) else None
    return channels if isinstance(channels, list) else []


def _empty(value: Any) -> bool:
    # What v1's loader dropped as "not given", so what v1 read as "none".
    return value is None or value == [] or value == {} or (isinstance(value, str) and not value.strip())


def _upgrade(record: dict) -> None:
    for channel in _channels(record):
        if isinstance(channel, dict):
            _upgrade_channel(channel)
    if _empty(record.get("conditions")):
        _put(record, "conditions", _list(record, []), after="results")


def _upgrade_channel(channel: dict) -> None:
    duration = channel.get("time")
    if isinstance(duration, dict) and "times" not in channel and "note" not in duration:
        # The duration object itself moves, so a flow mapping stays a flow
        # mapping, and comments inside a block one go with it.
        times = _list(channel, [duration])
        _rename(channel, "time", "times", times)
        _move_time_line_comment(channel, times, duration)
        if "time_note" in channel:
            note = channel["time_note"]
            eol = _remove(channel, "time_note")
            if not _empty(note):
                if _is_block_scalar(note):
                    # ruamel prints a block scalar inside a flow mapping wrongly (a
                    # folded one with BEL characters where its lines break) and
                    # misplaces comments after one that moved; the same text,
                    # double-quoted, is safe.
                    eol = " ".join(filter(None, [eol, _indicator_comment(note)]))
                    note = DoubleQuotedScalarString(str(note))
                _put(duration, "note", note)
            # The note's line is gone; its comment goes to the line now holding the note.
            _join_eol(times, 0, eol)
    if _empty(channel.get("fees")):
        _put(channel, "fees", _list(channel, []))


def _is_block_scalar(value: Any) -> bool:
    return isinstance(value, (LiteralScalarString, FoldedScalarString))


def _indicator_comment(scalar: Any) -> str:
    """The comment after a block scalar's `|` or `>`, which ruamel keeps on the scalar."""
    comment = getattr(scalar, "comment", None)
    if isinstance(comment, list):
        comment = " ".join(str(part) for part in comment if part)
    return comment.strip() if isinstance(comment, str) else ""


def _list(like: Any, items: list) -> list:
    # ruamel's own sequence type, so comments can be attached to its items.
    return CommentedSeq(items) if isinstance(like, CommentedBase) else items


def _put(mapping: dict, key: str, value: Any, after: str | None = None) -> None:
    """Set ``key``; a new key goes after ``after`` when that exists, else at the end."""
    if key in mapping:
        mapping[key] = value
        return
    keys = list(mapping)
    position = keys.index(after) + 1 if after in mapping else len(keys)
    # Full-line comments below the entry before the new one introduce what came
    # next in the file: they move down to stay in front of it.
    lines = _take_comment_after(mapping, keys[position - 1], keep_eol=True)[1] if position else ""
    _insert(mapping, position, key, value)
    _add_lines_after(mapping, key, lines)


def _insert(mapping: dict, position: int, key: str, value: Any) -> None:
    if isinstance(mapping, CommentedMap):
        mapping.insert(position, key, value)
        return
    items = list(mapping.items())
    items.insert(position, (key, value))
    mapping.clear()
    mapping.update(items)


def _rename(mapping: dict, old: str, new: str, value: Any) -> None:
    """Put ``new: value`` where ``old`` was, with the comments that were above it."""
    position = list(mapping).index(old)
    del mapping[old]
    _insert(mapping, position, new, value)
    if isinstance(mapping, CommentedMap) and old in mapping.ca.items:
        mapping.ca.items[new] = mapping.ca.items.pop(old)


def _remove(mapping: dict, key: str) -> str:
    """Delete ``key``; the full-line comments above and below it stay where they
    were, and its end-of-line comment is returned."""
    position = list(mapping).index(key)
    above = ""
    if isinstance(mapping, CommentedMap):
        above = "".join(_token_lines(token) for token in (mapping.ca.items.get(key) or [None, None])[1] or ())
    eol, below = _take_comment_after(mapping, key)
    del mapping[key]
    if isinstance(mapping, CommentedMap):
        mapping.ca.items.pop(key, None)
        lines = above + below
        if lines and mapping:
            # Above the first key of a sequence item ruamel prints "before"
            # comments as broken YAML, so there they go below the new first key.
            _add_lines_after(mapping, list(mapping)[max(position - 1, 0)], lines)
    return eol


def _move_time_line_comment(channel: dict, times: list, duration: Any) -> None:
    """Keep the comment that ended the `time:` line on the line that now starts with that duration.

    ruamel holds it both on the key and on the mapping itself. For a flow
    mapping it belongs at the end of the new item's line; for a block one
    it stays at the end of the key's line, now `times:`.
    """
    entry = channel.ca.items.get("times") if isinstance(channel, CommentedMap) else None
    if not isinstance(duration, CommentedMap) or entry is None or entry[2] is None:
        return
    if duration.ca.comment:
        duration.ca.comment[0] = None
    if duration.fa.flow_style():
        times.ca.items[0] = [entry[2], None]
        entry[2] = None
    else:
        times.ca.comment = [entry[2], None]


# Comments. ruamel keeps what follows an entry (its end-of-line comment, then
# full-line comments and blank lines up to the next entry) as one token after
# the deepest last entry of a block collection, or on the entry itself for a
# scalar or a flow collection (shared with the flow collection's own); some
# full-line comments sit instead "before" the next key. Below, moved comments
# travel as plain text lines carrying their own indentation. Plain dicts have
# no comments, and these functions leave them alone.


def _last_slot(container: Any, key: Any) -> tuple[list, int, Any] | None:
    """The comment slot (list, index) after ``container[key]``, created if missing, with the
    value that ends there; None without comments."""
    if not isinstance(container, CommentedBase):
        return None
    value = container[key]
    if isinstance(value, CommentedBase) and len(value) and not value.fa.flow_style():
        last = next(reversed(value)) if isinstance(value, CommentedMap) else len(value) - 1
        return _last_slot(value, last)
    if isinstance(container, CommentedMap):
        return container.ca.items.setdefault(key, [None, None, None, None]), 2, value
    return container.ca.items.setdefault(key, [None, None]), 0, value


def _take_comment_after(container: Any, key: Any, keep_eol: bool = False) -> tuple[str, str]:
    """Remove and return the (end-of-line comment, following lines) after ``container[key]``.

    With ``keep_eol`` the end-of-line comment also stays where it is.
    """
    slot = _last_slot(container, key)
    if slot is None or slot[0][slot[1]] is None:
        return "", ""
    items, index, value = slot
    token = items[index]
    if _is_block_scalar(value):
        # A block scalar ends its own last line, so all of this token comes
        # after it, and a token left behind would print as a blank line.
        items[index] = None
        return "", _token_lines(token)
    eol, _, lines = token.value.partition("\n")
    # A token of "\n" alone prints nothing; it stays rather than going, as a
    # flow collection may share it with its parent.
    token.value = (eol if keep_eol else "") + "\n"
    return eol.strip(), lines


def _join_eol(container: Any, key: Any, eol: str) -> None:
    """Add ``eol`` to the comment at the end of the last line of ``container[key]``."""
    slot = _last_slot(container, key) if eol else None
    if slot is None:
        return
    items, index, _ = slot
    token = items[index]
    if token is None:
        items[index] = CommentToken(f" {eol}\n", CommentMark(0))
        return
    first, _, rest = token.value.partition("\n")
    token.value = f"{first}  {eol}\n{rest}" if first.strip() else f" {eol}\n{rest}"


def _add_lines_after(container: Any, key: Any, lines: str) -> None:
    """Put full-line comments (and blank lines) right after ``container[key]``."""
    slot = _last_slot(container, key) if lines else None
    if slot is None:
        return
    items, index, value = slot
    token = items[index]
    if token is not None:
        token.value = (token.value if token.value.endswith("\n") else token.value + "\n") + lines
    elif _is_block_scalar(value):
        # After a block scalar the first line's indentation is kept in the mark, as ruamel does.
        text = lines.lstrip(" ")
        items[index] = CommentToken(text, CommentMark(len(lines) - len(text)))
    else:
        items[index] = CommentToken("\n" + lines, CommentMark(0))


def _token_lines(token: CommentToken) -> str:
    """A token's text as lines with their indentation: the first line's is only in its mark."""
    column = token.start_mark.column if token.start_mark and token.value.startswith("#") else 0
    return " " * column + token.value

