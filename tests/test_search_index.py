from cchc.search_index import add_d_variants, code_variants, d_variants


def test_code_variants():
    assert code_variants("1.004616.000.00.00.H41") == "1.004616.000.00.00.H41 1.004616 004616 1004616"
    assert code_variants("1.004616") == "1.004616 004616 1004616"
    assert code_variants(None) == ""


def test_d_variants_come_from_indexed_text_only():
    html = ('<p>Đường dây nóng</p><div class="x" data-pagefind-body data-pagefind-sort="ngay:1">'
            '<h1>Đăng ký khai sinh</h1><div data-pagefind-ignore><p>Điều dưỡng</p></div>'
            '<img src="a.png"><p>đăng ký lại, địa chỉ</p></div><footer>Đơn vị</footer>')
    assert d_variants(html) == "dăng dịa"
    out = add_d_variants(html)
    assert '<div class="x" data-pagefind-body data-pagefind-sort="ngay:1"><span hidden data-pagefind-weight="0.4">' in out
    assert add_d_variants("<p>không có vùng chỉ mục, đâu</p>") == "<p>không có vùng chỉ mục, đâu</p>"
