"""Vietnamese folding: what a citizen typing without diacritics means.

"Cấp giấy phép" and "cap giay phep" fold to the same text. "đ" has no
Unicode decomposition, so it is mapped to "d" by hand.
"""

from __future__ import annotations

import unicodedata

_D = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_D))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(bare.casefold().split())
