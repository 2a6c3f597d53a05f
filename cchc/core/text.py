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
