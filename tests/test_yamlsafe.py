import unicodedata

import pytest

from cchc.errors import ContentError
from cchc.yamlsafe import load_yaml


def test_yaml_1_1_surprises_stay_as_typed():
    doc = load_yaml("a: no\nb: on\nc: yes\nd: 7:30\ne: 2023-13-09\nf: 0912345678\ng: 1.004616\n", "x.yml")
    assert doc.data == {"a": "no", "b": "on", "c": "yes", "d": "7:30", "e": "2023-13-09",
                        "f": "0912345678", "g": "1.004616"}


def test_core_types_still_resolve():
    doc = load_yaml("a: true\nb: false\nc: 12\nd:\ne: ~\n", "x.yml")
    assert doc.data == {"a": True, "b": False, "c": 12, "d": None, "e": None}


def test_lines_are_recorded_with_offset():
    doc = load_yaml("title: x\ntags:\n  - a\n  - b\n", "x.md", first_line=2)
    assert doc.lines[("title",)] == 2
    assert doc.lines[("tags", 1)] == 5
    assert doc.line_of(("tags", 1, "missing")) == 5
    assert doc.raw[("tags", 0)] == "a"


def test_text_is_composed_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    doc = load_yaml(f"title: {decomposed}\n", "x.yml")
    assert doc.data["title"] == "Đăng ký khai sinh"
    assert unicodedata.is_normalized("NFC", doc.data["title"])


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("a: 1\nb: x: y\n", 2, "dấu hai chấm"),
        ("a:\n\t- b\n", 2, "Tab"),
        ('a: "chưa đóng\nb: 2\n', 3, "ngoặc kép"),
        ("a: 1\na: 2\n", 2, "hai lần"),
        ("a: !!python/object:os.system x\n", 1, "thẻ YAML"),
        ("d: !!timestamp 2023-13-09\n", 1, "thẻ YAML"),
    ],
)
def test_bad_yaml_is_a_content_error_with_a_line(text, line, words):
    with pytest.raises(ContentError) as caught:
        load_yaml(text, "content/x.yml")
    error = caught.value
    assert error.path == "content/x.yml"
    assert error.line == line
    assert words in error.message
