"""The Word and HTML readers of the importer, on fixtures built here from the facts of the real
records in tests/real_tthc/ (Gia Lai 1.003516.000.00.00.H21, Bà Rịa–Vũng Tàu 1.002600, the national
portal's "Công bố cơ sở kinh doanh có tổ chức kệ thuốc"): each imported record carries the
source's facts, nothing invented, keys absent where the source is silent, and passes the schema."""

from __future__ import annotations

import random
import shutil
import unicodedata
from pathlib import Path

import docx
import pytest

from cchc.core.schema import is_valid
from cchc.tthc.importer import docx as docx_reader
from cchc.tthc.importer.docx import read_docx
from cchc.tthc.importer.html import read_html
from cchc.tthc.importer.labels import (
    normalise,
    parse_channel,
    parse_fee,
    parse_level,
    parse_time,
    record_from_rows,
)
from cchc.tthc.importer.model import UnreadableInput

# -- facts of the real records -------------------------------------------------------------------

H21_NAME = ("Cấp lại giấy phép hoạt động đối với cơ sở khám bệnh, chữa bệnh thuộc thẩm quyền của Sở Y tế do bị mất, "
            "hoặc hư hỏng hoặc bị thu hồi do cấp không đúng thẩm quyền")
H21_TYPE = "TTHC được luật giao cho địa phương quy định hoặc quy định chi tiết (TTHC đặc thù của địa phương)"
H21_STEP3 = [
    "Bước 3: Trong thời hạn 60 ngày đối với bệnh viện, 45 ngày đối với các hình thức tổ chức khám bệnh, chữa bệnh "
    "khác, kể từ ngày nhận đủ hồ sơ, Sở Y tế sẽ xem xét thẩm định hồ sơ và thẩm định tại cơ sở để cấp GPHĐ:",
    "- Trường hợp hồ sơ chưa hợp lệ thì trong thời hạn 10 ngày làm việc, kể từ ngày ghi trên Phiếu tiếp nhận hồ sơ, "
    "Sở Y tế phải có văn bản thông báo cho cơ sở xin cấp giấy phép hoàn chỉnh hồ sơ. Thời gian giải quyết thủ tục "
    "sẽ tính từ ngày nhận đủ hồ sơ bổ sung.",
    "- Trường hợp hồ sơ đã đầy đủ và hợp lệ, Sở Y tế thành lập đoàn thẩm định và tiến hành thẩm định tại cơ sở khám "
    "bệnh, chữa bệnh để cấp giấy phép hoạt động.",
    "- Trường hợp không cấp GPHĐ, Sở Y tế phải có văn bản trả lời và nêu lý do.",
]
H21_STEPS = [
    "Bước 1: Cơ sở khám bệnh, chữa bệnh gửi hồ sơ xin cấp giấy phép hoạt động (GPHĐ) về Sở Y tế;",
    "Bước 2: Sở Y tế tiếp nhận và gửi Phiếu tiếp nhận hồ sơ theo quy định tại mẫu số 09 Phụ lục XI ban hành kèm "
    "theo Nghị định số 109/2016/NĐ-CP cho người đề nghị",
    *H21_STEP3,
    "Bước 4 : Trả GPHĐ cho cơ sở",
]

MP_NAME = "Cấp số tiếp nhận Phiếu công bố sản phẩm mỹ phẩm sản xuất trong nước"
MP_3 = ("+ 03 ngày làm việc kể từ ngày nhận được hồ sơ công bố hợp lệ và phí công bố theo quy định;")
MP_5 = ("+ 05 ngày làm việc kể từ ngày nhận được hồ sơ công bố và phí công bố theo quy định (đối với trường hợp hồ "
        "sơ chưa đáp ứng theo quy định cần sửa đổi, bổ sung).")
MP_HOURS = ("- Thời gian tiếp nhận hồ sơ và trả kết quả: Các ngày làm việc trong tuần từ thứ hai đến thứ sáu (Buổi "
            "sáng từ 7 giờ 30 đến 12 giờ 00, buổi chiều từ 13 giờ 00 đến 16 giờ 30), trừ ngày lễ, Tết. - Thời hạn "
            "giải quyết: " + MP_3)
MP_ONLINE = "- Nộp trực tuyến qua https://dichvucong.baria-vungtau.gov.vn - Thời hạn giải quyết: " + MP_3
MP_POST = "- Thời hạn giải quyết: " + MP_3
# Hình thức nộp · Thời hạn giải quyết · Phí, lệ phí · Mô tả, as the portal shows them (six rows).
MP_ROWS = [
    ["Trực tiếp", "03 Ngày làm việc", "Phí : 500000 Đồng", MP_HOURS],
    ["Trực tiếp", "05 Ngày làm việc", "Không có thông tin", MP_5],
    ["Trực tuyến", "03 Ngày làm việc", "Phí : 500000 Đồng", MP_ONLINE],
    ["Trực tuyến", "05 Ngày làm việc", "Không có thông tin", MP_5],
    ["Dịch vụ bưu chính", "03 Ngày làm việc", "Phí : 500000 Đồng", MP_POST],
    ["Dịch vụ bưu chính", "05 Ngày làm việc", "Không có thông tin", MP_5],
]

KT_NAME = "Công bố cơ sở kinh doanh có tổ chức kệ thuốc"
KT_TIME_NOTE = "Trong thời hạn 05 (năm) ngày làm việc, kể từ ngày ghi trên Phiếu tiếp nhận hồ sơ"
KT_DOCS = [
    ("Bản công bố cơ sở kinh doanh có tổ chức kệ thuốc theo Mẫu số 07", "phụ lục 1.docx", 1, 0),
    ("Bản sao Quyết định thành lập hoặc Giấy chứng nhận đầu tư hoặc Giấy chứng nhận đăng ký doanh nghiệp có ký, "
     "đóng dấu xác nhận của cơ sở đó;", "", 0, 1),
    ("Bản sao có chứng thực văn bằng, chứng chỉ sơ cấp dược trở lên của người chịu trách chuyên môn;", "", 0, 1),
    ("Danh mục thuốc dự kiến bán tại kệ thuốc. Danh mục này phải nằm trong Danh mục thuốc được bán tại kệ thuốc theo "
     "quy định tại Phụ lục II kèm theo Thông tư này;", "PhulucII_TT07_2018.doc", 1, 0),
    ("Bản chụp tủ, quầy, kệ bảo quản thuốc;", "", 1, 0),
    ("Quy trình kiểm tra, giám sát: chất lượng thuốc; xuất, nhập thuốc của cơ sở.", "", 1, 0),
]


def _doc(name: str, form: str, originals: int, copies: int) -> dict:
    document: dict = {"name": name}
    if form:
        document["form_name"] = form
    document.update(originals=originals, copies=copies)
    return document


KT_EXPECTED = {
    "name": KT_NAME,
    "channels": [
        {
            "channel": channel,
            "times": [{"value": 5, "unit": "ngay_lam_viec"}],
            "fees": [{"kind": "phi"}, {"kind": "le_phi"}, {"kind": "muc_gia"}],
            "description": KT_TIME_NOTE,
        }
        for channel in ("truc_tiep", "truc_tuyen", "buu_chinh")
    ],
    "dossier": {"cases": [{"case": "Bao gồm", "documents": [_doc(*row) for row in KT_DOCS]}]},
    "agencies": {"executing": "Sở Y tế"},
}


# -- building the portal's Word export ----------------------------------------------------------


def _write_docx(path: Path, rows: list[tuple[str, object]]) -> Path:
    """A .docx laid out like the portal's export: a title, then one 2-column table label | value.
    A value is a string (lines become paragraphs), or a nested table: header row first, a row of
    one string being a heading merged across the table."""
    document = docx.Document()
    document.add_paragraph("CHI TIẾT THỦ TỤC HÀNH CHÍNH")
    table = document.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        if isinstance(value, str):
            lines = value.split("\n")
            cells[1].text = lines[0]
            for line in lines[1:]:
                cells[1].add_paragraph(line)
            continue
        header, *body = value
        nested = cells[1].add_table(rows=0, cols=len(header))
        for row in [header, *body]:
            row_cells = nested.add_row().cells
            if len(row) == 1:
                merged = row_cells[0].merge(row_cells[-1])
                merged.text = row[0]
                continue
            for cell, text in zip(row_cells, row, strict=True):
                lines = text.split("\n")
                cell.text = lines[0]
                for line in lines[1:]:
                    cell.add_paragraph(line)
    document.save(path)
    return path


CHANNEL_HEADER = ["Hình thức nộp", "Thời hạn giải quyết", "Phí, lệ phí", "Mô tả"]
DOSSIER_HEADER = ["Tên giấy tờ", "Mẫu đơn, tờ khai", "Số lượng"]
LEGAL_HEADER = ["Số ký hiệu", "Trích yếu", "Ngày ban hành", "Cơ quan ban hành"]


def _valid(data: dict) -> None:
    assert is_valid(data, "tthc"), data


def test_word_export_gia_lai_label_value_table(tmp_path):
    """Gia Lai's record: code, decision, level, type, field, the four steps (Bước 3 with its three
    "- Trường hợp…" lines kept in it); the labels the source leaves empty stay absent."""
    path = _write_docx(tmp_path / "ChiTietTTHC_1.003516.000.00.00.H21.docx", [
        ("Mã thủ tục", "1.003516.000.00.00.H21"),
        ("Số quyết định", "457/QĐ-UBND"),
        ("Tên thủ tục", H21_NAME),
        ("Cấp thực hiện", "Cấp Tỉnh"),
        ("Loại thủ tục", H21_TYPE),
        ("Lĩnh vực", "Khám bệnh, chữa bệnh"),
        ("Trình tự thực hiện", "\n".join(H21_STEPS)),
        ("Cách thức thực hiện", [CHANNEL_HEADER]),
        ("Thành phần hồ sơ", [DOSSIER_HEADER]),
        ("Đối tượng thực hiện", ""),
        ("Cơ quan thực hiện", "Không có thông tin"),
        ("Địa chỉ tiếp nhận HS", ""),
        ("Kết quả thực hiện", "Đang cập nhật"),
        ("Căn cứ pháp lý", [LEGAL_HEADER]),
        ("Yêu cầu, điều kiện thực hiện", ""),
    ])
    [record] = read_docx(path)
    assert record.data == {
        "code": "1.003516.000.00.00.H21",
        "decision": "457/QĐ-UBND",
        "level": "tinh",
        "name": H21_NAME,
        "type": H21_TYPE,
        "field": "Khám bệnh, chữa bệnh",
        "steps": [H21_STEPS[0], H21_STEPS[1], "\n".join(H21_STEP3), H21_STEPS[-1]],
    }
    assert list(record.data) == ["code", "decision", "level", "name", "type", "field", "steps"]
    assert record.as_text == []
    assert record.skipped == []
    assert record.source == str(path)
    _valid(record.data)


def test_word_export_two_rows_per_channel(tmp_path):
    """1.002600: each channel has two rows (03 and 05 ngày làm việc), in the source's order; the fee
    is on the 03 row only, the 05 row says "Không có thông tin" and so has no fees key."""
    path = _write_docx(tmp_path / "ChiTietTTHC_1.002600.docx", [
        ("Mã thủ tục", "1.002600"),
        ("Tên thủ tục", MP_NAME),
        ("Cách thức thực hiện", [CHANNEL_HEADER, *MP_ROWS]),
    ])
    [record] = read_docx(path)
    expected_channels = []
    for channel, time, fee, description in MP_ROWS:
        item = {"channel": {"Trực tiếp": "truc_tiep", "Trực tuyến": "truc_tuyen"}.get(channel, "buu_chinh"),
                "times": [{"value": int(time[:2]), "unit": "ngay_lam_viec"}]}
        if fee.startswith("Phí"):
            item["fees"] = [{"kind": "phi", "amount": 500000}]
        item["description"] = description
        expected_channels.append(item)
    assert record.data == {"code": "1.002600", "name": MP_NAME, "channels": expected_channels}
    assert [c["times"][0]["value"] for c in record.data["channels"]] == [3, 5, 3, 5, 3, 5]
    assert record.as_text == []
    _valid(record.data)


def test_word_export_dossier_with_case_heading(tmp_path):
    """The kệ thuốc dossier in a Word export: "Bao gồm" merged across the nested table is the case,
    "Bản chính: 1 - Bản sao: 0" the counts, the form cell the form's name."""
    dossier = [DOSSIER_HEADER, ["Bao gồm"]] + [
        [name, form, f"Bản chính: {originals} - Bản sao: {copies}"] for name, form, originals, copies in KT_DOCS
    ]
    fees = "Phí : Không có thông tin\nLệ phí : Không có thông tin\nMức giá : Không có thông tin"
    channels = [CHANNEL_HEADER] + [[c, "5 Ngày làm việc", fees, KT_TIME_NOTE]
                                   for c in ("Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính")]
    path = _write_docx(tmp_path / "ke-thuoc.docx", [
        ("Tên thủ tục", KT_NAME),
        ("Trình tự thực hiện", ""),
        ("Cách thức thực hiện", channels),
        ("Thành phần hồ sơ", dossier),
        ("Cơ quan thực hiện", "Sở Y tế"),
        ("Yêu cầu, điều kiện thực hiện", ""),
    ])
    [record] = read_docx(path)
    assert record.data == KT_EXPECTED
    assert record.as_text == []
    _valid(record.data)


# -- the national portal's detail page, saved as HTML --------------------------------------------

KT_HTML_DOCS = "\n".join(
    f"""        <tr><td>{name}</td><td>{f'<a href="/upload/{form}">{form}</a>' if form else ''}</td>
            <td>Bản chính: {originals} - Bản sao: {copies}</td></tr>"""
    for name, form, originals, copies in KT_DOCS
)
KT_HTML_CHANNELS = "\n".join(
    f"""        <tr><td>{channel}</td><td>5 Ngày làm việc</td>
            <td>Phí : Không có thông tin<br>Lệ phí : Không có thông tin<br/>Mức giá : Không có thông tin</td>
            <td><p>{KT_TIME_NOTE}</p></td></tr>"""
    for channel in ("Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính")
)
# Modelled on dichvucong.gov.vn's "Chi tiết thủ tục hành chính": sections with a title and a
# content block, a search box and a menu around them.
KT_HTML = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Chi tiết thủ tục hành chính</title>
<script>var label = "Tên thủ tục: không phải";</script></head>
<body>
<nav><ul><li><a href="/">Trang chủ</a></li><li>Lĩnh vực</li></ul></nav>
<form class="search"><label>Lĩnh vực</label><select><option>Dược phẩm</option><option>Mỹ phẩm</option></select></form>
<div class="main">
  <h1 class="main-title">Chi tiết thủ tục hành chính</h1>
  <table class="tbl-info">
    <tr><th>Tên thủ tục</th><td>{KT_NAME}</td></tr>
  </table>
  <div class="item"><div class="title">Trình tự thực hiện:</div><div class="content"></div></div>
  <div class="item"><div class="title">Cách thức thực hiện:</div>
    <div class="content"><table class="table">
      <thead><tr><th>Hình thức nộp</th><th>Thời hạn giải quyết</th><th>Phí, lệ phí</th><th>Mô tả</th></tr></thead>
      <tbody>
{KT_HTML_CHANNELS}
      </tbody></table></div></div>
  <div class="item"><div class="title">Thành phần hồ sơ:</div>
    <div class="content"><p><strong>Bao gồm</strong></p><table class="table">
      <tr><th>Tên giấy tờ</th><th>Mẫu đơn, tờ khai</th><th>Số lượng</th></tr>
{KT_HTML_DOCS}
    </table></div></div>
  <dl class="info"><dt>Cơ quan thực hiện:</dt><dd>Sở Y tế</dd>
    <dt>Yêu cầu, điều kiện thực hiện:</dt><dd></dd></dl>
</div>
</body></html>
"""


def test_html_detail_page_of_the_national_portal(tmp_path):
    path = tmp_path / "chi-tiet.html"
    path.write_text(KT_HTML, encoding="utf-8")
    [record] = read_html(path)
    assert record.data == KT_EXPECTED
    assert "steps" not in record.data and "conditions" not in record.data  # empty on the page: not stated
    assert record.as_text == []
    assert record.skipped == []
    _valid(record.data)


def test_html_label_colon_value_blocks_and_rowspan(tmp_path):
    """A provincial layout: "Nhãn: nội dung" paragraphs, and a channel cell spanning its two time rows."""
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head><body>
<p><b>Mã thủ tục:</b> 1.002600</p>
<p>Tên thủ tục: {MP_NAME}</p>
<div><span>Cách thức thực hiện</span>
<table><tr><td>Hình thức nộp</td><td>Thời hạn giải quyết</td><td>Phí, lệ phí</td><td>Mô tả</td></tr>
<tr><td rowspan="2">Trực tiếp</td><td>03 Ngày làm việc</td><td>Phí : 500000 Đồng</td><td>{MP_HOURS}</td></tr>
<tr><td>05 Ngày làm việc</td><td></td><td>{MP_5}</td></tr></table></div>
</body></html>"""
    path = tmp_path / "trang.htm"
    path.write_bytes(page.encode("utf-8"))
    [record] = read_html(path)
    assert record.data == {
        "code": "1.002600",
        "name": MP_NAME,
        "channels": [
            {"channel": "truc_tiep", "times": [{"value": 3, "unit": "ngay_lam_viec"}],
             "fees": [{"kind": "phi", "amount": 500000}], "description": MP_HOURS},
            {"channel": "truc_tiep", "times": [{"value": 5, "unit": "ngay_lam_viec"}], "description": MP_5},
        ],
    }
    _valid(record.data)


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text: str) -> bytes:
    """Windows-1258 as old Vietnamese editors wrote it: precomposed vowel (ê, ơ…) + combining tone mark."""
    out = b""
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(mark for mark in decomposed if mark in _TONES)
        base = unicodedata.normalize("NFC", "".join(mark for mark in decomposed if mark not in _TONES))
        out += (base + tones).encode("cp1258")
    return out


def test_html_in_windows_1258(tmp_path):
    """An old page in Windows-1258 (not UTF-8) is still read."""
    page = f"<html><body><table><tr><td>Tên thủ tục</td><td>{KT_NAME}</td></tr></table></body></html>"
    path = tmp_path / "cu.html"
    path.write_bytes(_cp1258(page))
    [record] = read_html(path)
    assert record.data == {"name": KT_NAME}


# -- values kept as text, and the shared mapper ----------------------------------------------------


def test_times_and_fees_that_are_prose_are_kept_as_text_with_their_paths():
    """"Two durations in one cell" and a fee by case stay as the source wrote them, each reported."""
    two_times = ("- 30 ngày làm việc, kể từ ngày nhận được hồ sơ đầy đủ và hợp lệ.\n"
                 "- 180 ngày đối với trường hợp cần xác minh")
    record = record_from_rows([
        ("Tên thủ tục:", KT_NAME),
        ("Cách thức thực hiện", [CHANNEL_HEADER,
                                 ["Trực tiếp", "60 Ngày", "Lệ phí : 4.500.000 Đồng (Phí thẩm định)", ""],
                                 ["Trực tuyến", two_times,
                                  "Phí : 500000 Đồng\n- Đối với các cơ sở tại các địa bàn còn lại: 1.000.000 đồng/cơ sở", ""],
                                 ["Dịch vụ bưu chính", "", "Phí : Đồng (không)", ""]]),
    ], "nguon.docx")
    assert record.data["channels"] == [
        {"channel": "truc_tiep", "times": [{"value": 60, "unit": "ngay"}],
         "fees": [{"kind": "le_phi", "amount": 4500000, "description": "Phí thẩm định"}]},
        {"channel": "truc_tuyen",
         "times": [{"text": "- 30 ngày làm việc, kể từ ngày nhận được hồ sơ đầy đủ và hợp lệ."},
                   {"text": "- 180 ngày đối với trường hợp cần xác minh"}],
         "fees": [{"kind": "phi", "amount": 500000},
                  {"amount_text": "- Đối với các cơ sở tại các địa bàn còn lại: 1.000.000 đồng/cơ sở"}]},
        {"channel": "buu_chinh", "fees": []},  # "Phí : Đồng (không)": explicitly none; no time stated
    ]
    assert record.as_text == ["channels[1].times[0]", "channels[1].times[1]", "channels[1].fees[1]"]
    _valid(record.data)


def test_dossier_headings_counts_legal_basis_and_lists():
    record = record_from_rows([
        ("TÊN THỦ TỤC", KT_NAME),
        ("Thành phần hồ sơ", [DOSSIER_HEADER,
                              ["I- Hồ sơ hành chính và thông tin sản phẩm."],
                              ["Bản chụp tủ, quầy, kệ bảo quản thuốc;", "", ""],
                              ["Bản công bố cơ sở kinh doanh có tổ chức kệ thuốc theo Mẫu số 07", "",
                               "01 bản chính hoặc bản sao có chứng thực"]]),
        ("Số lượng hồ sơ", "01 bộ"),
        ("Căn cứ pháp lý", [LEGAL_HEADER, ["11/2008/QH12", "Hoạt động chữ thập đỏ", "", ""]]),
        ("Yêu cầu, điều kiện thực hiện", "Không"),
        ("Đối tượng thực hiện", "Tổ chức\nDoanh nghiệp"),
        ("Cơ quan có thẩm quyền", "Sở Y Tế BRVT]"),
        ("Cơ quan thực hiện", "Sở Y tế"),
        ("Cấp thực hiện", "Cấp Bộ"),
        ("Ghi chú lạ", "x"),
    ], "nguon.docx")
    assert record.data == {
        "name": KT_NAME,
        "dossier": {
            "cases": [{"case": "I- Hồ sơ hành chính và thông tin sản phẩm.", "documents": [
                {"name": "Bản chụp tủ, quầy, kệ bảo quản thuốc;"},  # no counts stated: none invented
                {"name": "Bản công bố cơ sở kinh doanh có tổ chức kệ thuốc theo Mẫu số 07",
                 "count_text": "01 bản chính hoặc bản sao có chứng thực"},
            ]}],
            "sets": 1,
        },
        "subjects": ["Tổ chức", "Doanh nghiệp"],
        "agencies": {"competent": "Sở Y Tế BRVT]", "executing": "Sở Y tế"},  # the typo kept verbatim
        "conditions": [],
        "legal_basis": [{"number": "11/2008/QH12", "title": "Hoạt động chữ thập đỏ"}],
    }
    assert record.as_text == ["dossier.cases[0].documents[1]"]
    assert len(record.skipped) == 2 and "Cấp Bộ" in record.skipped[0] and "Ghi chú lạ" in record.skipped[1]
    _valid(record.data)


def test_legal_basis_as_plain_lines_is_not_split():
    record = record_from_rows([("Tên thủ tục", KT_NAME),
                               ("Căn cứ pháp lý", "Luật 11/2008/QH12-Hoạt động chữ thập đỏ")], "x.html")
    assert record.data["legal_basis"] == [{"title": "Luật 11/2008/QH12-Hoạt động chữ thập đỏ"}]


@pytest.mark.parametrize(("text", "expected"), [
    ("03 Ngày làm việc", {"value": 3, "unit": "ngay_lam_viec"}),
    ("10 Ngày", {"value": 10, "unit": "ngay"}),
    ("0 ngày", {"value": 0, "unit": "ngay"}),
    ("3 tháng", {"value": 3, "unit": "thang"}),
    ("24 giờ", {"value": 24, "unit": "gio"}),
    ("30 ngày kể từ ngày ghi trên Phiếu tiếp nhận hồ sơ", {"text": "30 ngày kể từ ngày ghi trên Phiếu tiếp nhận hồ sơ"}),
    ("Không có thông tin", {}),
    ("", {}),
])
def test_parse_time(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Phí : 500000 Đồng", {"kind": "phi", "amount": 500000}),
    ("Lệ phí : 4.500.000 Đồng (Phí thẩm định)", {"kind": "le_phi", "amount": 4500000, "description": "Phí thẩm định"}),
    ("Mức giá : Không có thông tin", {"kind": "muc_gia"}),
    ("430.000 Đồng", {"amount": 430000}),
    ("700.000 đồng /lần/cơ sở", {"amount": 700000, "unit": "/lần/cơ sở"}),
    ("360000 đồng", {"amount": 360000}),
    ("Phí : Đồng (không)", None),
    ("Không", None),
    ("Theo biểu phí tại Thông tư 59/2023/TT-BTC", {"amount_text": "Theo biểu phí tại Thông tư 59/2023/TT-BTC"}),
    ("Không có thông tin", {}),
])
def test_parse_fee(text, expected):
    assert parse_fee(text) == expected


def test_labels_level_and_channel():
    assert normalise("Thời hạn giải quyết:") == normalise("THỜI HẠN GIẢI QUYẾT") == "thoi han giai quyet"
    assert [parse_level(t) for t in ("Cấp Tỉnh", "Cấp Xã", "cấp huyện", "Cấp Bộ")] == ["tinh", "xa", "huyen", None]
    assert [parse_channel(t) for t in ("Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính", "Fax")] == [
        "truc_tiep", "truc_tuyen", "buu_chinh", None]


# -- unreadable input ------------------------------------------------------------------------------


def _refused(reader, path: Path, *words: str) -> str:
    with pytest.raises(UnreadableInput) as caught:
        reader(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    for word in words:
        assert word in message
    return message


def test_malformed_docx_random_bytes(tmp_path):
    path = tmp_path / "ChiTietTTHC_hong.docx"
    path.write_bytes(random.Random(17).randbytes(4096))
    _refused(read_docx, path, "không phải tệp Word")


def test_zip_that_is_not_a_word_document(tmp_path):
    path = tmp_path / "nen.docx"
    shutil.make_archive(str(tmp_path / "nen"), "zip", root_dir=tmp_path, base_dir=".")
    (tmp_path / "nen.zip").rename(path)
    _refused(read_docx, path, "bị hỏng")


def test_word_file_without_the_label_value_table(tmp_path):
    path = tmp_path / "thu.docx"
    document = docx.Document()
    document.add_paragraph("Kính gửi Sở Y tế")
    document.save(path)
    _refused(read_docx, path, "không thấy bảng")


def test_binary_renamed_html(tmp_path):
    word = _write_docx(tmp_path / "a.docx", [("Tên thủ tục", KT_NAME)])
    path = tmp_path / "chi-tiet.html"
    path.write_bytes(word.read_bytes())  # a Word file (zip) renamed .html
    _refused(read_html, path, "không phải trang HTML", "nhị phân")
    png = tmp_path / "anh.html"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(3).randbytes(2048))
    _refused(read_html, png, "không phải trang HTML")


def test_text_file_renamed_html(tmp_path):
    path = tmp_path / "ghi-chu.html"
    path.write_text("Tên thủ tục: chỉ là ghi chú, không có thẻ nào", encoding="utf-8")
    _refused(read_html, path, "không có thẻ HTML")


@pytest.mark.parametrize("reader", [read_docx, read_html])
def test_file_over_20_mb_is_refused_before_parsing(tmp_path, reader, monkeypatch):
    path = tmp_path / ("lon.docx" if reader is read_docx else "lon.html")
    with open(path, "wb") as handle:
        handle.truncate(25 * 1024 * 1024)  # sparse: fast to make, 25 MB to os.path.getsize

    def no_read(*args, **kwargs):
        raise AssertionError("the file must not be opened")

    monkeypatch.setattr("builtins.open", no_read)
    _refused(reader, path, "quá lớn", "25.0 MB", "20 MB")


def test_missing_file(tmp_path):
    _refused(read_html, tmp_path / "khong-co.html", "không mở được")


def test_legacy_doc_needs_libreoffice(tmp_path, monkeypatch):
    path = tmp_path / "ChiTietTTHC_1.002600.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    monkeypatch.setattr(docx_reader.shutil, "which", lambda name: None)
    _refused(read_docx, path, "LibreOffice", ".docx")


def test_html_saved_as_doc_is_read_as_the_page_it_is(tmp_path):
    """Portals' "Word" exports are sometimes HTML named .doc: read, not refused."""
    path = tmp_path / "ChiTietTTHC.doc"
    path.write_text(KT_HTML, encoding="utf-8")
    [record] = read_docx(path)
    assert record.data == KT_EXPECTED


def test_legal_basis_dates_are_written_in_the_one_unambiguous_form():
    # 01/12/2020 is 1 December in the portal; a form that guesses month-first would make it 12 January.
    record = record_from_rows([("Tên thủ tục", KT_NAME), ("Căn cứ pháp lý", [LEGAL_HEADER,
                               ["15/2020/TT-BYT", "Quy định A", "01/12/2020", "Bộ Y tế"],
                               ["16/2020/TT-BYT", "Quy định B", "năm 2020", "Bộ Y tế"]])], "x.html")
    dates = [item.get("date") for item in record.data["legal_basis"]]
    assert dates == ["2020-12-01", "năm 2020"]  # what is not a date stays for make check to report
