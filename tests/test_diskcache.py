from cchc.qr import qr_svg


def test_qr_is_an_inline_svg_drawn_once_per_url(tmp_path):
    svg = qr_svg("https://syt.example.gov.vn/tthc/1.004616/", tmp_path)
    assert svg.startswith("<svg") and 'class="cchc-qr__code"' in svg and "viewBox" in svg
    (cached,) = tmp_path.iterdir()
    stamp = cached.stat().st_mtime_ns
    assert qr_svg("https://syt.example.gov.vn/tthc/1.004616/", tmp_path) == svg
    assert cached.stat().st_mtime_ns == stamp
    other = qr_svg("https://syt.example.gov.vn/tthc/1.004617/", tmp_path)
    assert other != svg and len(list(tmp_path.iterdir())) == 2
