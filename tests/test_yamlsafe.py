import unicodedata

import pytest

from cchc.core.errors import ContentError
from cchc.core.yamlsafe import load_yaml


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


def test_libyaml_and_pure_python_read_every_demo_file_alike(monkeypatch):
    """The fast path (libyaml) must give the same values, lines and raw text as PyYAML."""
    from pathlib import Path

    import yaml

    from cchc.core import yamlsafe

    assert yaml.__with_libyaml__, "PyYAML was installed without libyaml: builds would be several times slower"
    root = Path(__file__).resolve().parent.parent / "content"
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.yml"))]
    texts += [p.read_text(encoding="utf-8").split("---", 2)[1] for p in sorted(root.rglob("*.md"))]
    texts.append("a: no\nb: on\nc: 7:30\nd: 0912\ne: 2023-13-09\nf: \"x: y\"\ng: |\n  dòng 1\n  dòng 2\n")
    assert len(texts) > 40
    fast = [load_yaml(text, "x") for text in texts]
    monkeypatch.setattr(yamlsafe, "_fast_compose", lambda text: (None, None))
    slow = [load_yaml(text, "x") for text in texts]
    assert [(d.data, d.lines, d.raw) for d in fast] == [(d.data, d.lines, d.raw) for d in slow]


def test_syntax_errors_keep_pyyaml_wording_and_lines():
    with pytest.raises(ContentError) as error:
        load_yaml("title: x\n\tdate: 2026-01-01\n", "x.yml")
    assert error.value.line == 2 and "dấu cách, không dùng phím Tab" in error.value.message
    with pytest.raises(ContentError) as error:
        load_yaml("title: \"chưa đóng\nsummary: y\n", "x.yml")
    assert "ngoặc kép" in error.value.message
