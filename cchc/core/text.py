"""Text normalisation, slugs and folding.

Keyboards (notably on macOS and some Windows IMEs) produce decomposed
Vietnamese; everything is composed to NFC on load so that search, slugs,
sorting and comparisons see one spelling of each word.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from slugify import slugify


def nfc(value: Any) -> Any:
    """Compose every string inside a YAML-like value to NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(item) for item in value]
    if isinstance(value, dict):
        return {nfc(key): nfc(item) for key, item in value.items()}
    return value


def make_slug(text: str) -> str:
    # "đ" has no decomposition, so python-slugify's unidecode step is what
    # turns it into "d"; NFC first so decomposed input gives the same slug.
    return slugify(unicodedata.normalize("NFC", text))


_D = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """What a citizen typing without diacritics means: "Cấp giấy phép" and "cap giay phep" fold alike.

    "đ" has no Unicode decomposition, so it is mapped to "d" by hand.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(bare.casefold().split())


# Bidirectional controls reorder what is displayed: a title can read one way on the page
# and another in search, feeds and shared links. Vietnamese never needs them.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters by category that draw nothing (Hangul fillers), a known way to fake an empty name.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")


def title_problem(text: str) -> str | None:
    """Why ``text`` cannot be a title, for the editor (Vietnamese), or None if it can.

    A title must show at least one letter or digit: one made only of spaces and
    zero-width characters (U+200B, U+200C, U+200D, U+2060, U+FEFF) passes a length check
    and becomes an invisible link in every list. Bidirectional controls are refused,
    not stripped, so the page says exactly what the file says.
    """
    bidi = next((char for char in text if char in BIDI_CONTROLS), None)
    if bidi is not None:
        return (f"có ký tự điều khiển chiều chữ U+{ord(bidi):04X} (làm chữ hiển thị đảo chiều, thường do sao chép "
                "từ trang web); xoá ký tự này")
    if not any(unicodedata.category(char)[0] in "LN" and char not in _BLANK_LETTERS for char in text):
        return "không có chữ hay số nào nhìn thấy được (chỉ có dấu cách hoặc ký tự vô hình); hãy viết lại"
    return None


_SIZE_UNITS = ("byte", "KB", "MB", "GB")


def format_size(size: int) -> str:
    """A file's size as Vietnamese readers write it: “350 KB”, “1,2 MB” (decimal comma, no-break space).

    Counted in 1024s as Windows Explorer counts them, so the size on the page is the one the
    reader sees once the file is downloaded.
    """
    value, unit = float(size), 0
    while unit < len(_SIZE_UNITS) - 1 and value >= 999.5:
        value, unit = value / 1024, unit + 1
    if unit == 0:
        return f"{size}\u00a0byte"
    text = f"{value:.1f}" if value < 9.95 else f"{value:.0f}"
    return f"{text.removesuffix('.0').replace('.', ',')}\u00a0{_SIZE_UNITS[unit]}"
