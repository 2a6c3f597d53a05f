"""make bench's output budget sorts every published file into one kind (bench/run.py)."""

import pytest

from bench.run import KINDS, kind_of


@pytest.mark.parametrize("path, kind", [
    ("tin-tuc/2024/hoi-nghi/index.html", "HTML"),
    ("index.html.br", ".gz/.br copies"), ("tthc/tthc.json.gz", ".gz/.br copies"),
    ("pagefind/fragment/vi_1.pf_fragment", "search index"), ("pagefind/pagefind.js", "search index"),
    ("tthc/1.004616/anh-chia-se.png", "cards"), ("anh-chia-se.png", "cards"),
    ("tin-tuc/2023/quay-mot-cua.nho.jpg", "thumbnails"),
    ("tin-tuc/2023/quay-mot-cua.jpg", "attachments"), ("tthc/mau/don.docx", "attachments"),
    ("assets/stylesheets/main.css", "assets"), ("admin/sveltia.js", "assets"),
    ("feed.xml", "data, feeds, charts"), ("tthc/ket-qua/dung-han.svg", "data, feeds, charts"),
    ("tthc/tthc.csv", "data, feeds, charts"),
])
def test_every_file_has_one_kind(path, kind):
    assert kind_of(path) == kind and kind in KINDS
