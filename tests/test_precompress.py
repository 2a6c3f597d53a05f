""".gz and .br copies beside the site's text files (cchc.render.precompress): exact, reproducible, only where
they help, reused from .cache/, written by `mkdocs build` and never by the preview."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import brotli
from serving import Serving

from cchc.render.precompress import MIN_BYTES, precompress

PAGE = ("<!doctype html><html lang=vi><title>Thủ tục</title>"
        + "<p>Cấp giấy phép hành nghề khám bệnh, chữa bệnh đối với bác sỹ.</p>\n" * 200).encode()


def _site(folder: Path) -> Path:
    files = {
        "index.html": PAGE,
        "tthc/tthc.json": b'{"thu_tuc": [' + b'{"ma": "1.004616", "ten": "C\\u1ea5p gi\\u1ea5y ph\\u00e9p"},' * 100 + b"{}]}",
        "tiny.css": b"a{color:red}",  # under MIN_BYTES: no copy
        "noise.js": os.urandom(8000),  # does not shrink: no copy
        "anh.png": b"\x89PNG\r\n\x1a\n" + PAGE,  # an image, whatever its bytes
        "pagefind/fragment/vi_1020d4e.pf_fragment": gzip.compress(PAGE),  # gzip inside, read by Pagefind
        "mau/don.docx": b"PK\x03\x04" + PAGE,
        "gone.html.br": b"left by an earlier build into the same folder",
    }
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def _copies(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.suffix in {".gz", ".br"}}


def test_copies_hold_the_exact_file_and_are_written_only_where_they_help(tmp_path):
    site = _site(tmp_path / "site")
    done = precompress(site, cache=None)
    assert sorted(_copies(site)) == ["index.html.br", "index.html.gz", "tthc/tthc.json.br", "tthc/tthc.json.gz"]
    for name in ("index.html", "tthc/tthc.json"):
        data = (site / name).read_bytes()
        assert brotli.decompress((site / f"{name}.br").read_bytes()) == data
        assert gzip.decompress((site / f"{name}.gz").read_bytes()) == data
        assert len((site / f"{name}.br").read_bytes()) < len(data) / 4
    # gzip header: no file name (flags 0), mtime 0: the same bytes in every build, on every machine.
    header = (site / "index.html.gz").read_bytes()[:10]
    assert header[:4] == b"\x1f\x8b\x08\x00" and header[4:8] == b"\0\0\0\0"
    assert not (site / "gone.html.br").exists() and done.removed == 1
    assert done.copies == {".gz": 2, ".br": 2} and done.raw == len(PAGE) + (site / "tthc/tthc.json").stat().st_size
    assert len(b"a{color:red}") < MIN_BYTES


def test_a_rebuild_takes_unchanged_copies_from_the_cache_byte_for_byte(tmp_path):
    cache = tmp_path / "cache"
    first = _site(tmp_path / "one")
    made = precompress(first, cache).made
    assert made >= 4
    second = _site(tmp_path / "two")
    again = precompress(second, cache)
    assert again.made == 2  # only noise.js, which no copy helps and so is never cached
    assert _copies(first) == _copies(second) == _copies(precompress_into(tmp_path / "three"))
    # Linked from the cache, not copied: one metadata write per copy.
    assert (second / "index.html.br").stat().st_ino == (first / "index.html.br").stat().st_ino
    # A changed page gets a new copy, and the cached one is untouched.
    (second / "index.html").write_bytes(PAGE.replace(b"<title>", b"<title>M\xe1\xbb\x9bi: "))
    precompress(second, cache)
    assert brotli.decompress((second / "index.html.br").read_bytes()) == (second / "index.html").read_bytes()
    assert brotli.decompress((first / "index.html.br").read_bytes()) == PAGE


def precompress_into(folder: Path) -> Path:
    """A site compressed without any cache."""
    precompress(_site(folder), cache=None)
    return folder


def test_the_built_site_has_copies_of_its_pages_and_none_of_its_images_or_search_index(demo_site):
    pages = sorted(demo_site.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        data = page.read_bytes()
        if len(data) >= 2000:
            assert brotli.decompress(page.with_name(page.name + ".br").read_bytes()) == data, page
            assert gzip.decompress(page.with_name(page.name + ".gz").read_bytes()) == data, page
    for pattern in ("*.png", "*.jpg", "*.pdf", "*.docx", "*.woff2", "*.pf_fragment", "*.pf_index", "*.pf_meta"):
        found = list(demo_site.rglob(pattern))
        assert not [p for p in found if p.with_name(p.name + ".br").exists() or p.with_name(p.name + ".gz").exists()]
    for name in ("feed.xml", "tthc/tthc.json", "tthc/tthc.csv", "sitemap.xml", "pagefind/pagefind.js"):
        assert brotli.decompress((demo_site / f"{name}.br").read_bytes()) == (demo_site / name).read_bytes(), name


def test_the_preview_writes_no_copies(project):
    project.post("2024-03-07-tin-a", title="Tin A")
    serving = Serving(project.path).started()
    try:
        serving.wait_text("tin-tuc/2024/tin-a/", "Tin A")
        site = serving.site()
        assert (site / "index.html").is_file()
        assert not list(site.rglob("*.br")) and not list(site.rglob("*.html.gz"))
    finally:
        serving.stop()
