"""A corpus of broken content. Each case runs a real build and asserts the exit
code, the message (file, line, field, what is wrong) and that no site was written.
Content that is odd but legitimate is published, and its output is checked."""

import unicodedata

import pytest

pytestmark = pytest.mark.build

POST = "content/news/2024/2024-03-07-tin-thu.md"
RECORD = "content/tthc/1.004616.yml"
DECISION = "content/tthc/quyet-dinh/qd-10-ubnd-2024.yml"


@pytest.fixture
def site_src(project):
    """A small valid project: one post, one procedure with a form, one decision."""
    project.post("2024-03-07-tin-thu")
    project.write("content/tthc/mau/don.docx", b"PK\x03\x04 demo docx")
    project.procedure()
    project.procedure("1.000001", code='"1.000001"')
    project.write(DECISION, DECISION_TEXT)
    return project


DECISION_TEXT = """\
number: "10/QĐ-UBND"
issuer: "Uỷ ban nhân dân tỉnh"
signed: 2024-01-10
effective: 2024-01-15
title: "Về việc công bố danh mục thủ tục hành chính"
entries:
  - change: moi_ban_hanh
    procedure: "1.004616"
"""


def edit(project, path, old, new):
    target = project.path / path
    text = target.read_text(encoding="utf-8")
    assert old in text, old
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


def abolish_then_amend(project):
    for number, kind, effective in (("20", "bai_bo", "2024-02-01"), ("30", "sua_doi_bo_sung", "2024-03-01")):
        project.write(f"content/tthc/quyet-dinh/qd-{number}-ubnd-2024.yml", DECISION_TEXT.replace("10/QĐ", f"{number}/QĐ")
                      .replace("moi_ban_hanh", kind).replace("2024-01-15", effective))


def post(**kw):
    return lambda p: p.post("2024-03-07-tin-thu", **kw)


def decision(old, new):
    return lambda p: edit(p, DECISION, old, new)


def record(old, new):
    return lambda p: edit(p, RECORD, old, new)


CASES = {
    # -- news posts --
    "yaml-syntax": (post(extra="author: Phòng: Nghiệp vụ\n"), f"{POST}:6: lỗi cú pháp YAML"),
    "wrong-type": (post(extra="tags: {a: 1}\n"), f"{POST}:6: tags: phải là danh sách"),
    "missing-summary": (lambda p: edit(p, POST, 'summary: "Tóm tắt tin thử nghiệm dùng trong kiểm thử tự động."\n', ""),
                        f"{POST}:2: summary: thiếu trường bắt buộc"),
    "unknown-category": (post(category="tin-vui"), f"{POST}:4: category: không có chuyên mục “tin-vui”"),
    "duplicate-slug": (lambda p: p.post("2024-09-01-tin-thu"), "tên tệp: trùng đường dẫn /tin-tuc/2024/tin-thu/"),
    "impossible-date": (post(date="2023-13-09"), f"{POST}:3: date: ngày “2023-13-09” không tồn tại"),
    "updated-before-date": (post(extra="updated: 2024-03-01\n"), f"{POST}:6: updated: ngày cập nhật không thể trước ngày đăng"),
    "year-folder": (post(date="2025-03-07"), f"{POST}:3: date: năm của ngày đăng (2025) khác thư mục năm (2024)"),
    "empty-file": (lambda p: p.write(POST, b""), f"{POST}: tệp rỗng"),
    "non-utf8": (lambda p: p.write(POST, b"---\ntitle: Tin b\xe0i\n---\n"), f"{POST}:2: tệp không ở mã UTF-8"),
    "tabs": (post(extra="tags:\n\t- một cửa\n"), f"{POST}:7: lỗi cú pháp YAML: trong YAML phải thụt lề bằng dấu cách"),
    "five-megabytes": (post(body="x" * 5_000_000), f"{POST}: tệp quá lớn (5.0 MB; tối đa 1 MB)"),
    "script-in-markdown": (post(body="Đoạn đầu.\n\n<script>alert(1)</script>\n"),
                           f"{POST}:10: nội dung: không được dùng thẻ <script>"),
    "onerror-in-markdown": (post(body='<img src="x.png" onerror="alert(1)">\n'),
                            f"{POST}:8: nội dung: không được dùng thuộc tính onerror="),
    "iframe-not-allowed": (post(body='<iframe src="https://video.example.com/v/1"></iframe>\n'),
                           f"{POST}:8: nội dung: khung nhúng (iframe) từ “video.example.com” không được phép"),
    "javascript-link": (post(body="[bấm vào đây](javascript:alert(1))\n"), f"{POST}:8: nội dung: không được dùng liên kết “javascript:”"),
    "draft-yes": (post(extra="draft: yes\n"), f"{POST}:6: draft: phải là true hoặc false, đang là “yes”"),
    "missing-image": (post(extra='image: khong-co.jpg\nimage_alt: "Ảnh hội nghị"\n'),
                      f"{POST}:6: image: không tìm thấy tệp ảnh “khong-co.jpg”"),
    "missing-attachment": (post(body="Tải [kế hoạch](ke-hoach.pdf).\n"), f"{POST}:8: liên kết: không tìm thấy tệp “ke-hoach.pdf”"),
    # -- configuration --
    "duplicate-category": (lambda p: p.write("content/categories.yml", "categories:\n- {name: Tin A, slug: tin-a}\n- {name: Tin B, slug: tin-a}\n"),
                           "content/categories.yml:3: categories[2].slug: “tin-a” trùng với mục ở dòng 2"),
    "empty-categories": (lambda p: p.write("content/categories.yml", "# chưa có gì\n"),
                         "content/categories.yml: tệp đang trống"),
    "bad-field-slug": (lambda p: p.write("content/linh-vuc.yml", "fields:\n- {name: Dược phẩm, slug: Dược Phẩm}\n"),
                       "content/linh-vuc.yml:2: fields[1].slug: không đúng định dạng"),
    "qa-missing-answer": (lambda p: p.write("content/hoi-dap.yml", 'questions:\n- question: "Nộp hồ sơ ở đâu?"\n'),
                          "content/hoi-dap.yml:2: questions[1].answer: thiếu trường bắt buộc"),
    "qa-script": (lambda p: p.write("content/hoi-dap.yml", 'questions:\n- question: "Nộp ở đâu?"\n  answer: |\n    Tại đây.\n    <script>x()</script>\n'),
                  "content/hoi-dap.yml:5: questions[1].answer: không được dùng thẻ <script>"),
    # -- procedures --
    "record-yaml-syntax": (record('name: "Cấp giấy phép', 'name: Cấp: giấy phép'), f"{RECORD}:4: lỗi cú pháp YAML"),
    "record-wrong-type": (record("  sets: 1", '  sets: "một"'), f"{RECORD}:24: dossier.sets: phải là số nguyên, đang là “một”"),
    "record-missing-name": (record('name: "Cấp giấy phép hành nghề khám bệnh, chữa bệnh đối với bác sỹ"\n', ""),
                            f"{RECORD}:2: name: thiếu trường bắt buộc"),
    "record-unknown-field": (record("field: kham-benh-chua-benh", "field: kham-chua-benh"), f"{RECORD}:6: field: không có lĩnh vực “kham-chua-benh”"),
    "duplicate-code-level": (lambda p: p.procedure("1.004616-ban-hai"), "code: trùng mã 1.004616 ở cấp tỉnh"),
    "form-escapes-repo": (record("form: mau/don.docx", "form: ../../../../../../etc/secret.docx"),
                          f"{RECORD}:28: dossier.cases[1].documents[1].form: tệp mẫu phải nằm trong thư mục content/tthc/"),
    "malformed-code": (record('code: "1.004616"', 'code: "1-004616"'), f"{RECORD}:2: code: không đúng định dạng"),
    "other-province": (record('code: "1.004616"', 'code: "1.004616.000.00.00.H41"'), f"{RECORD}:2: code: mã “1.004616.000.00.00.H41” mang mã tỉnh H41"),
    "abolished-without-decision": (lambda p: p.procedure("1.000001", code='"1.000001"', extra="status: bai_bo\n"),
                                   "content/tthc/1.000001.yml:48: status: ghi status: bai_bo nhưng không có quyết định nào bãi bỏ"),
    # -- decisions --
    "dangling-decision-entry": (decision('procedure: "1.004616"', 'procedure: "1.999999"'),
                                f"{DECISION}:8: entries[1].procedure: không có thủ tục “1.999999”"),
    "dangling-replacement": (decision('  - change: moi_ban_hanh\n    procedure: "1.004616"',
                                      '  - change: thay_the\n    procedure: "1.004616"\n    replaces: ["1.888888"]'),
                             f"{DECISION}:9: entries[1].replaces[1]: không có thủ tục “1.888888”"),
    "effective-before-signing": (decision("effective: 2024-01-15", "effective: 2024-01-05"),
                                 f"{DECISION}:4: effective: ngày có hiệu lực không thể trước ngày ký"),
    "impossible-decision-date": (decision("signed: 2024-01-10", "signed: 2024-02-30"), f"{DECISION}:3: signed: ngày “2024-02-30” không tồn tại"),
    "decision-number-twice": (lambda p: p.write("content/tthc/quyet-dinh/qd-10-ubnd-2024-sao.yml", DECISION_TEXT),
                              "number: số quyết định 10/QĐ-UBND đã dùng ở"),
    "amended-after-abolition": (lambda p: abolish_then_amend(p),
        "content/tthc/quyet-dinh/qd-30-ubnd-2024.yml:8: entries[1].procedure: thủ tục 1.004616 đã bị bãi bỏ từ 01/02/2024"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_broken_content_fails_with_its_message_and_writes_nothing(site_src, case):
    setup, expected = CASES[case]
    setup(site_src)
    result = site_src.build(site="out")
    assert result.returncode != 0
    assert expected in result.stderr, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert not (site_src.path / "out").exists()


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 30


def built(project, url):
    return (project.path / "site" / url / "index.html").read_text(encoding="utf-8")


def test_bom_and_decomposed_unicode_are_published_as_composed_text(site_src):
    decomposed = unicodedata.normalize("NFD", "Hội nghị triển khai cải cách hành chính")
    path = site_src.post("2024-03-07-tin-thu", title=decomposed, body=unicodedata.normalize("NFD", "Đoạn văn tiếng Việt.\n"))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = site_src.build()
    assert result.returncode == 0, result.stderr
    html = built(site_src, "tin-tuc/2024/tin-thu")
    assert "<h1>Hội nghị triển khai cải cách hành chính</h1>" in html
    assert "Đoạn văn tiếng Việt." in html and unicodedata.normalize("NFD", "Hội nghị") not in html


PAYLOAD = '<script>alert(1)</script><img src=x onerror=alert(2)>'


def test_html_in_every_text_field_is_escaped(site_src):
    from PIL import Image

    Image.new("RGB", (640, 360), "teal").save(site_src.path / "content/news/2024/anh.png")
    site_src.post("2024-03-07-tin-thu", title=f"Tiêu đề {PAYLOAD}", summary=f"Tóm tắt đủ dài {PAYLOAD}",
                  extra=f"author: '{PAYLOAD}'\ntags: ['{PAYLOAD}']\nimage: anh.png\nimage_alt: 'Ảnh {PAYLOAD}'\n")
    site_src.write("content/hoi-dap.yml", f"questions:\n- question: 'Hỏi {PAYLOAD}'\n  topic: 'Nhóm {PAYLOAD}'\n  answer: Trả lời.\n")
    edit(site_src, RECORD, 'name: "Cấp giấy phép hành nghề khám bệnh, chữa bệnh đối với bác sỹ"', f"name: 'Thủ tục {PAYLOAD}'")
    edit(site_src, RECORD, 'receiving_address: "Trung tâm Phục vụ hành chính công tỉnh"', f"receiving_address: 'Địa chỉ {PAYLOAD}'")
    edit(site_src, RECORD, 'results: ["Giấy phép hành nghề khám bệnh, chữa bệnh"]', f"results: ['Kết quả {PAYLOAD}']")
    edit(site_src, RECORD, '  executing: "Phòng Nghiệp vụ Y"', f"  executing: 'Phòng {PAYLOAD}'")
    edit(site_src, DECISION, 'title: "Về việc công bố danh mục thủ tục hành chính"', f"title: 'Về việc {PAYLOAD}'")
    edit(site_src, DECISION, '    procedure: "1.004616"', f"    procedure: \"1.004616\"\n    summary: 'Tóm tắt {PAYLOAD}'")
    result = site_src.build()
    assert result.returncode == 0, result.stderr
    for url in ("tin-tuc/2024/tin-thu", "tin-tuc", "", "hoi-dap", "tthc/1.004616", "tthc", "tthc/thay-doi",
                "tthc/quyet-dinh/qd-10-ubnd-2024", "tthc/so-tay",
                "tthc/so-tay/kham-benh-chua-benh"):
        html = built(site_src, url)
        assert "<script>alert(1)" not in html and "<img src=x onerror" not in html, url  # as tags, never
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in built(site_src, "tthc/1.004616")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in built(site_src, "tin-tuc/2024/tin-thu")
    feed = (site_src.path / "site/tthc/thay-doi/feed.xml").read_text(encoding="utf-8")
    assert "<script>" not in feed
