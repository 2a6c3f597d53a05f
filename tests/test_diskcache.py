from cchc.render.qr import qr_svg


def test_qr_is_an_inline_svg_drawn_once_per_url(tmp_path):
    svg = qr_svg("https://syt.example.gov.vn/tthc/1.004616/", tmp_path)
    assert svg.startswith("<svg") and 'class="cchc-qr__code"' in svg and "viewBox" in svg
    (cached,) = tmp_path.iterdir()
    stamp = cached.stat().st_mtime_ns
    assert qr_svg("https://syt.example.gov.vn/tthc/1.004616/", tmp_path) == svg
    assert cached.stat().st_mtime_ns == stamp
    other = qr_svg("https://syt.example.gov.vn/tthc/1.004617/", tmp_path)
    assert other != svg and len(list(tmp_path.iterdir())) == 2


def test_cached_files_are_linked_into_the_site_and_never_written_through(tmp_path):
    from cchc.core.diskcache import place

    cache, site = tmp_path / "cache", tmp_path / "site"
    cache.mkdir()
    (cache / "a.png").write_bytes(b"card a")
    (cache / "b.png").write_bytes(b"card b")
    place(cache / "a.png", site / "tin-tuc/x/anh-chia-se.png")
    target = site / "tin-tuc/x/anh-chia-se.png"
    assert target.read_bytes() == b"card a" and target.stat().st_ino == (cache / "a.png").stat().st_ino
    place(cache / "b.png", target)  # the page's card changed: the old link is replaced, not written into
    assert target.read_bytes() == b"card b" and (cache / "a.png").read_bytes() == b"card a"
