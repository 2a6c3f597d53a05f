"""cchc.tthc.importer.sheet: a decision's annex (.xlsx, .csv) becomes v2 records and a decision.

The annex is built here with openpyxl, shaped like the real ones (REAL-TTHC.md, "Decisions"): a title
block naming the decision, a header with line breaks and colons, a row of column numbers, headings for
level (A/B), kind of change (I/II/III, merged across the row) and field ("1 | Lĩnh vực …"), codes of every
shape, times and fees the annex gives for no channel, a legal basis merged over two rows and one carried
on to a row of its own. Every record and every decision entry is spelled out.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from cchc.core.schema import is_valid
from cchc.tthc.importer import sheet as sheet_module
from cchc.tthc.importer.model import UnreadableInput
from cchc.tthc.importer.sheet import read_sheet, read_sheet_details

DECISION = "2926/QĐ-UBND"
ISSUER = "Chủ tịch Ủy ban nhân dân tỉnh Lai Châu"
TITLE = ("Về việc công bố danh mục thủ tục hành chính mới ban hành, được sửa đổi, bổ sung, bị bãi bỏ và được "
         "chuẩn hóa trong lĩnh vực Y tế thuộc phạm vi chức năng quản lý của Sở Y tế tỉnh Lai Châu")
TINH = "Trung tâm Phục vụ hành chính công tỉnh"
XA = "Bộ phận Một cửa Ủy ban nhân dân cấp xã"
LUAT_DUOC = {"number": "105/2016/QH13", "title": "Luật Dược số 105/2016/QH13"}
ND54 = {"number": "54/2017/NĐ-CP", "title": "Nghị định số 54/2017/NĐ-CP ngày 08/5/2017 của Chính phủ"}
LUAT_KCB = {"number": "15/2023/QH15", "title": "Luật Khám bệnh, chữa bệnh số 15/2023/QH15"}
ND96 = {"number": "96/2023/NĐ-CP", "title": "Nghị định số 96/2023/NĐ-CP"}

HEADER = ["STT", "Mã\nTTHC", "Tên thủ tục hành chính", "Thời hạn giải quyết", "Địa điểm thực hiện",
          "Phí, lệ phí", "Căn cứ pháp lý:", "Ghi chú"]


def annex(time: str | None = None, fee: str | None = None) -> list[str]:
    """What the reader says about the annex's time and fee, which no record can hold without a channel."""
    said = []
    if time:
        said.append(f"Thời hạn giải quyết “{time}”: bảng không ghi hình thức nộp nên chưa ghi vào hồ sơ; "
                    "hãy ghi vào từng dòng Cách thức thực hiện")
    if fee:
        said.append(f"Phí, lệ phí “{fee}”: bảng không ghi hình thức nộp nên chưa ghi vào hồ sơ; "
                    "hãy ghi vào từng dòng Cách thức thực hiện")
    return said


def bad_code(code: str, number_cell: bool = False) -> str:
    message = (f"mã “{code}” không đúng dạng mã thủ tục (1.004616, 1.004616.000.00.00.H41, 1.013868.H41), "
               "chưa ghi vào hồ sơ")
    if number_cell:
        message += "; ô mã có thể đang là ô số (Excel bỏ số 0 ở cuối): định dạng cột mã là Văn bản rồi gõ lại"
    return message


# Sheet rows from row 1; None is an empty cell. Comments say what each row tests.
ROWS: list[list] = [
    ["ỦY BAN NHÂN DÂN TỈNH LAI CHÂU"],                                                    # 1
    ["PHỤ LỤC"],                                                                           # 2
    ["DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH, ĐƯỢC SỬA ĐỔI, BỔ SUNG, BÃI BỎ, CHUẨN HÓA"],  # 3
    [f"(Kèm theo Quyết định số {DECISION} ngày 19/11/2025 của {ISSUER})"],                  # 4
    [],                                                                                    # 5
    HEADER,                                                                                # 6
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"],                              # 7 column numbers
    ["A", None, "THỦ TỤC HÀNH CHÍNH CẤP TỈNH"],                                            # 8
    ["I. DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH"],                                       # 9 merged A:H
    ["1", None, "Lĩnh vực Dược phẩm"],                                                     # 10
    [1, "1.013868.H99", "Cấp giấy chứng nhận đủ điều kiện kinh doanh dược cho cơ sở bán lẻ thuốc",
     "03 ngày làm việc", TINH, "500.000 đồng",
     "Luật Dược số 105/2016/QH13;\nNghị định số 54/2017/NĐ-CP ngày 08/5/2017 của Chính phủ"],   # 11
    [2, None, "Công bố cơ sở kinh doanh có tổ chức kệ thuốc", "30 ngày", TINH, "Không",
     "- Thông tư số 02/2018/TT-BYT\n- Quyết định của UBND tỉnh về phân cấp", "Thủ tục mới, đang cập nhật mã"],  # 12
    ["2", None, "Lĩnh vực Khám bệnh, chữa bệnh (03 thủ tục)"],                             # 13
    [3, "1.003516.000.00.00.H99", "Cấp giấy phép hoạt động đối với bệnh viện thuộc Sở Y tế",
     "Trong thời hạn 60 ngày kể từ ngày nhận đủ hồ sơ hợp lệ", "Sở Y tế", "10.500.000 đồng",
     "Luật Khám bệnh, chữa bệnh số 15/2023/QH15"],                                         # 14 legal merged G14:G15
    [4, "1.001987.000.00.00.H99.01", "Cấp lại giấy phép hoạt động đối với bệnh viện thuộc Sở Y tế",
     "45 ngày", "Sở Y tế", "Không có thông tin", None],                                    # 15
    [None, None, None, None, None, None, "Nghị định số 96/2023/NĐ-CP"],                    # 16 more of row 15
    [5, "", "Cho phép áp dụng thí điểm kỹ thuật mới trong khám bệnh, chữa bệnh", "", "", "", ""],  # 17 nothing but a name
    ["II. DANH MỤC THỦ TỤC HÀNH CHÍNH ĐƯỢC SỬA ĐỔI, BỔ SUNG"],                              # 18 merged
    [6, "1.004616", "Cấp chứng chỉ hành nghề dược theo hình thức xét hồ sơ", "20 ngày làm việc", TINH,
     "Phí : 500000 Đồng", "Luật Dược số 105/2016/QH13"],                                   # 19 (no field heading since II)
    [7, None, "Cấp sửa đổi, bổ sung giấy chứng nhận lương y cấp tỉnh"],                    # 20 a name, not a heading
    [8, "1.0046XX", "Điều chỉnh giấy phép hoạt động khám bệnh, chữa bệnh", "10 ngày", TINH,
     "Theo biểu phí tại Thông tư 59/2023/TT-BTC",
     "Nghị định số 54/2017/NĐ-CP và Nghị định số 155/2018/NĐ-CP"],                         # 21 bad code, two numbers
    [9, 1.00461, "Cấp giấy xác nhận nội dung quảng cáo thực phẩm", "10 ngày làm việc", TINH, "1.100.000 đồng"],  # 22 number cell
    [10, "1.002600.000.00.00.H99", "Cấp số tiếp nhận Phiếu công bố sản phẩm mỹ phẩm sản xuất trong nước",
     "03 ngày làm việc", TINH, "500.000 đồng", "Thông tư số 06/2011/TT-BYT"],              # 23
    ["III. DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ"],                                         # 24 merged
    [11, "1.002600", "Cấp số tiếp nhận Phiếu công bố sản phẩm mỹ phẩm nhập khẩu", None, None, None,
     "Thông tư số 06/2011/TT-BYT"],                                                        # 25
    [12, "1.001987.000.00.00.H99", "Cho phép cơ sở khám bệnh, chữa bệnh thực hiện kỹ thuật mới, phương pháp mới"],  # 26
    [13, "1.003516", "Cấp giấy phép hoạt động đối với phòng khám đa khoa thuộc Sở Y tế"],  # 27
    ["B", None, "THỦ TỤC HÀNH CHÍNH CẤP XÃ"],                                               # 28
    ["I. DANH MỤC THỦ TỤC HÀNH CHÍNH ĐƯỢC CHUẨN HÓA"],                                      # 29 merged
    ["1", None, "Lĩnh vực Y tế dự phòng"],                                                 # 30
    [1, "1.004616", "Cấp chứng chỉ hành nghề dược theo hình thức xét hồ sơ", "20 ngày làm việc", XA,
     "Phí : 500000 Đồng"],                                                                 # 31 same code as row 19
    [2, "1.003516.000.00.00.H99", "Xác nhận đủ điều kiện tiêm chủng cho cơ sở tiêm chủng", "0 ngày", XA, "Không"],  # 32
    [3, "1.013868.H99", "Công nhận xã đạt tiêu chí quốc gia về y tế", "Trong thời hạn 05 ngày làm việc, kể từ "
     "ngày nhận được hồ sơ hợp lệ", XA, ""],                                               # 33
    [4, "1.005122", "Cấp giấy chứng sinh cho trường hợp trẻ được sinh ra ngoài cơ sở khám bệnh, chữa bệnh",
     "03 ngày làm việc", XA, "", "Thông tư số 17/2012/TT-BYT"],                            # 34
    [5, "1.012345", "Xác nhận hồ sơ đề nghị hỗ trợ chi phí khám bệnh cho người nghèo", "05 ngày làm việc", XA,
     "Không"],                                                                             # 35
    [6, "1.012346", "Xác nhận danh sách người cao tuổi được khám sức khỏe định kỳ", "07 ngày", XA, "Không"],  # 36
    [7, "1.012347", "Đăng ký hoạt động của tổ y tế thôn, bản trên địa bàn xã", "10 ngày làm việc", XA, "Không"],  # 37
    [8, "1.012348", "Thông báo hoạt động của điểm sơ cứu, cấp cứu ban đầu tại xã", "05 ngày", XA, "Không"],  # 38
    ["Tổng cộng: 29 thủ tục"],                                                              # 39
]
MERGED = ["A1:H1", "A9:H9", "A18:H18", "A24:H24", "A29:H29", "G14:G15"]


def build_xlsx(path: Path, rows=ROWS, merged=MERGED) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Phụ lục"
    for index, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=index, column=column, value=value)
    for cells in merged:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def rec(name, code=None, level="tinh", field=None, place=None, legal=None, decision=True):
    data = {}
    if code:
        data["code"] = code
    if decision:
        data["decision"] = DECISION
    data["level"] = level
    data["name"] = name
    if field:
        data["field"] = field
    if place:
        data["receiving_address"] = place
    if legal:
        data["legal_basis"] = legal
    return data


# (sheet row, data, as_text, skipped) for every procedure of ROWS, in order.
EXPECTED = [
    (11, rec("Cấp giấy chứng nhận đủ điều kiện kinh doanh dược cho cơ sở bán lẻ thuốc", "1.013868.H99",
             field="Dược phẩm", place=TINH, legal=[LUAT_DUOC, ND54]),
     [], annex("03 ngày làm việc", "500.000 đồng")),
    (12, rec("Công bố cơ sở kinh doanh có tổ chức kệ thuốc", field="Dược phẩm", place=TINH,
             legal=[{"number": "02/2018/TT-BYT", "title": "Thông tư số 02/2018/TT-BYT"},
                    {"title": "Quyết định của UBND tỉnh về phân cấp"}]),
     [], annex("30 ngày", "Không") + ["ghi chú: “Thủ tục mới, đang cập nhật mã”"]),
    (14, rec("Cấp giấy phép hoạt động đối với bệnh viện thuộc Sở Y tế", "1.003516.000.00.00.H99",
             field="Khám bệnh, chữa bệnh", place="Sở Y tế", legal=[LUAT_KCB]),
     [], annex("Trong thời hạn 60 ngày kể từ ngày nhận đủ hồ sơ hợp lệ", "10.500.000 đồng")),
    # The merged legal basis reaches row 15, row 16 adds a second document; "Không có thông tin" is no fee said.
    (15, rec("Cấp lại giấy phép hoạt động đối với bệnh viện thuộc Sở Y tế", "1.001987.000.00.00.H99.01",
             field="Khám bệnh, chữa bệnh", place="Sở Y tế", legal=[LUAT_KCB, ND96]),
     [], annex("45 ngày")),
    (17, rec("Cho phép áp dụng thí điểm kỹ thuật mới trong khám bệnh, chữa bệnh", field="Khám bệnh, chữa bệnh"),
     [], []),
    (19, rec("Cấp chứng chỉ hành nghề dược theo hình thức xét hồ sơ", "1.004616", place=TINH, legal=[LUAT_DUOC]),
     [], annex("20 ngày làm việc", "Phí : 500000 Đồng")),
    (20, rec("Cấp sửa đổi, bổ sung giấy chứng nhận lương y cấp tỉnh"), [], []),
    (21, rec("Điều chỉnh giấy phép hoạt động khám bệnh, chữa bệnh", place=TINH,
             legal=[{"title": "Nghị định số 54/2017/NĐ-CP và Nghị định số 155/2018/NĐ-CP"}]),
     ["legal_basis[0]"], [bad_code("1.0046XX")] + annex("10 ngày", "Theo biểu phí tại Thông tư 59/2023/TT-BTC")),
    (22, rec("Cấp giấy xác nhận nội dung quảng cáo thực phẩm", place=TINH),
     [], [bad_code("1.00461", number_cell=True)] + annex("10 ngày làm việc", "1.100.000 đồng")),
    (23, rec("Cấp số tiếp nhận Phiếu công bố sản phẩm mỹ phẩm sản xuất trong nước", "1.002600.000.00.00.H99",
             place=TINH, legal=[{"number": "06/2011/TT-BYT", "title": "Thông tư số 06/2011/TT-BYT"}]),
     [], annex("03 ngày làm việc", "500.000 đồng")),
    # Abolished: the decision does not announce them as they stand, so no `decision` in the record.
    (25, rec("Cấp số tiếp nhận Phiếu công bố sản phẩm mỹ phẩm nhập khẩu", "1.002600", decision=False,
             legal=[{"number": "06/2011/TT-BYT", "title": "Thông tư số 06/2011/TT-BYT"}]), [], []),
    (26, rec("Cho phép cơ sở khám bệnh, chữa bệnh thực hiện kỹ thuật mới, phương pháp mới", "1.001987.000.00.00.H99",
             decision=False), [], []),
    (27, rec("Cấp giấy phép hoạt động đối với phòng khám đa khoa thuộc Sở Y tế", "1.003516", decision=False), [], []),
    (31, rec("Cấp chứng chỉ hành nghề dược theo hình thức xét hồ sơ", "1.004616", "xa", "Y tế dự phòng", XA),
     [], annex("20 ngày làm việc", "Phí : 500000 Đồng")),
    (32, rec("Xác nhận đủ điều kiện tiêm chủng cho cơ sở tiêm chủng", "1.003516.000.00.00.H99", "xa", "Y tế dự phòng",
             XA), [], annex("0 ngày", "Không")),
    (33, rec("Công nhận xã đạt tiêu chí quốc gia về y tế", "1.013868.H99", "xa", "Y tế dự phòng", XA),
     [], annex("Trong thời hạn 05 ngày làm việc, kể từ ngày nhận được hồ sơ hợp lệ")),
    (34, rec("Cấp giấy chứng sinh cho trường hợp trẻ được sinh ra ngoài cơ sở khám bệnh, chữa bệnh", "1.005122", "xa",
             "Y tế dự phòng", XA, [{"number": "17/2012/TT-BYT", "title": "Thông tư số 17/2012/TT-BYT"}]),
     [], annex("03 ngày làm việc")),
    (35, rec("Xác nhận hồ sơ đề nghị hỗ trợ chi phí khám bệnh cho người nghèo", "1.012345", "xa", "Y tế dự phòng", XA),
     [], annex("05 ngày làm việc", "Không")),
    (36, rec("Xác nhận danh sách người cao tuổi được khám sức khỏe định kỳ", "1.012346", "xa", "Y tế dự phòng", XA),
     [], annex("07 ngày", "Không")),
    (37, rec("Đăng ký hoạt động của tổ y tế thôn, bản trên địa bàn xã", "1.012347", "xa", "Y tế dự phòng", XA),
     [], annex("10 ngày làm việc", "Không")),
    (38, rec("Thông báo hoạt động của điểm sơ cứu, cấp cứu ban đầu tại xã", "1.012348", "xa", "Y tế dự phòng", XA),
     [], annex("05 ngày", "Không")),
]

ENTRIES = [
    {"change": "moi_ban_hanh", "procedure": "1.013868.H99", "level": "tinh"},
    {"change": "moi_ban_hanh", "procedure": "cong-bo-co-so-kinh-doanh-co-to-chuc-ke-thuoc"},
    {"change": "moi_ban_hanh", "procedure": "1.003516.000.00.00.H99", "level": "tinh"},
    {"change": "moi_ban_hanh", "procedure": "1.001987.000.00.00.H99.01"},
    {"change": "moi_ban_hanh", "procedure": "cho-phep-ap-dung-thi-diem-ky-thuat-moi-trong-kham-benh-chua-benh"},
    {"change": "sua_doi_bo_sung", "procedure": "1.004616", "level": "tinh"},  # also at xã: the level tells them apart
    {"change": "sua_doi_bo_sung", "procedure": "cap-sua-doi-bo-sung-giay-chung-nhan-luong-y-cap-tinh"},
    {"change": "sua_doi_bo_sung", "procedure": "dieu-chinh-giay-phep-hoat-dong-kham-benh-chua-benh"},
    {"change": "sua_doi_bo_sung", "procedure": "cap-giay-xac-nhan-noi-dung-quang-cao-thuc-pham"},
    {"change": "sua_doi_bo_sung", "procedure": "1.002600.000.00.00.H99"},
    {"change": "bai_bo", "procedure": "1.002600"},
    {"change": "bai_bo", "procedure": "1.001987.000.00.00.H99"},
    {"change": "bai_bo", "procedure": "1.003516"},
    {"change": "chuan_hoa", "procedure": "1.004616", "level": "xa"},
    {"change": "chuan_hoa", "procedure": "1.003516.000.00.00.H99", "level": "xa"},
    {"change": "chuan_hoa", "procedure": "1.013868.H99", "level": "xa"},
    {"change": "chuan_hoa", "procedure": "1.005122"},
    {"change": "chuan_hoa", "procedure": "1.012345"},
    {"change": "chuan_hoa", "procedure": "1.012346"},
    {"change": "chuan_hoa", "procedure": "1.012347"},
    {"change": "chuan_hoa", "procedure": "1.012348"},
]


@pytest.fixture(scope="module")
def annex_xlsx(tmp_path_factory) -> Path:
    return build_xlsx(tmp_path_factory.mktemp("annex") / "phu-luc-2926.xlsx")


def test_the_fixture_is_an_annex_of_at_least_twenty_procedures():
    assert len(EXPECTED) >= 20
    assert {data["level"] for _, data, _, _ in EXPECTED} == {"tinh", "xa"}
    assert {entry["change"] for entry in ENTRIES} == {"moi_ban_hanh", "sua_doi_bo_sung", "bai_bo", "chuan_hoa"}


def test_every_row_of_the_annex_becomes_the_record_it_states(annex_xlsx):
    records, _ = read_sheet(annex_xlsx)
    got = [(r.sheet_row, r.data, r.as_text, r.skipped) for r in records]
    for actual, expected in zip(got, EXPECTED, strict=False):
        assert actual == expected, f"dòng {expected[0]}"
    assert len(got) == len(EXPECTED)
    for r in records:
        assert r.source == str(annex_xlsx)
        assert is_valid(r.data, "tthc"), r.data
        assert "channels" not in r.data  # the annex names no channel; its time and fee are in skipped


def test_the_decision_needs_its_title_from_the_caller(annex_xlsx):
    result = read_sheet_details(annex_xlsx)
    assert result.decision is None
    assert result.decision_found == {"number": DECISION, "issuer": ISSUER, "signed": "2025-11-19", "entries": ENTRIES}
    assert result.notes == ["quyết định: bảng tính không ghi trích yếu (Về việc…); chưa tạo tệp quyết định"]
    # The annex's own heading (DANH MỤC…) is not the decision's trích yếu and is never used as one.


def test_with_the_title_given_the_decision_is_complete_and_valid(annex_xlsx):
    records, decision = read_sheet(annex_xlsx, decision={"title": TITLE})
    assert decision == {"number": DECISION, "issuer": ISSUER, "signed": "2025-11-19", "title": TITLE,
                        "entries": ENTRIES}
    assert is_valid(decision, "decision")
    assert len(records) == len(EXPECTED)


def test_a_title_block_with_the_decisions_about_line_needs_nothing_from_the_caller(tmp_path):
    rows = [["UBND TỈNH LAI CHÂU"], ["Quyết định số 1432/QĐ-UBND ngày 28 tháng 8 năm 2025 của Ủy ban nhân dân tỉnh Cao Bằng"],
            ["Về việc công bố danh mục thủ tục hành chính mới ban hành và phê duyệt quy trình nội bộ giải quyết"],
            ["STT", "Mã thủ tục", "Tên TTHC", "Loại thay đổi"],
            [1, "1.004616", "Cấp chứng chỉ hành nghề dược theo hình thức xét hồ sơ", "Mới ban hành"],
            [2, "1.002600", "Cấp số tiếp nhận Phiếu công bố sản phẩm mỹ phẩm", "Bãi bỏ"],
            [3, "1.003516", "Cấp giấy phép hoạt động đối với bệnh viện", "Điều chỉnh"]]
    records, decision = read_sheet(build_xlsx(tmp_path / "qd.xlsx", rows, []))
    assert decision == {
        "number": "1432/QĐ-UBND", "issuer": "Ủy ban nhân dân tỉnh Cao Bằng", "signed": "2025-08-28",
        "title": rows[2][0], "approves_workflows": True,
        "entries": [{"change": "moi_ban_hanh", "procedure": "1.004616"}, {"change": "bai_bo", "procedure": "1.002600"}]}
    assert [r.data.get("decision") for r in records] == ["1432/QĐ-UBND", None, "1432/QĐ-UBND"]
    assert records[2].skipped == ["loại thay đổi “Điều chỉnh”: không rõ là mới ban hành, sửa đổi, bổ sung, thay thế, "
                                  "bãi bỏ, chuẩn hóa hay ủy quyền; chưa có trong danh sách của quyết định"]
    assert "level" not in records[0].data  # no heading, no column: the level is not stated


def test_a_list_without_any_decision_gives_records_and_none(tmp_path):
    rows = [["Danh sách thủ tục hành chính của Sở Y tế"], ["Mã số", "Tên thủ tục", "Cấp thực hiện", "Lĩnh vực",
                                                          "Cơ quan thực hiện"],
            ["1.004616", "Cấp chứng chỉ hành nghề dược theo hình thức xét hồ sơ", "Cấp Tỉnh", "Dược phẩm", "Sở Y tế"],
            ["1.004616.000.00.00.H99", "Xác nhận đủ điều kiện tiêm chủng", "Cấp tỉnh, cấp xã", "", ""]]
    result = read_sheet_details(build_xlsx(tmp_path / "list.xlsx", rows, []))
    assert result.decision is None and result.notes == []
    assert [r.data for r in result.records] == [
        {"code": "1.004616", "level": "tinh", "name": rows[2][1], "field": "Dược phẩm",
         "agencies": {"executing": "Sở Y tế"}},
        {"code": "1.004616.000.00.00.H99", "name": rows[3][1]}]
    assert result.records[1].skipped == ["cấp thực hiện “Cấp tỉnh, cấp xã”: không rõ là cấp tỉnh, cấp xã hay cấp huyện"]


CSV_TEXT = (
    "Quyết định số 457/QĐ-UBND ngày 14/02/2022 của Ủy ban nhân dân tỉnh Thừa Thiên Huế\r\n"
    "STT,Mã TTHC,Tên TTHC,Thời hạn giải quyết,Phí,Căn cứ pháp lý\r\n"
    ",,Danh mục thủ tục hành chính được chuẩn hóa,,,\r\n"
    "1,'1.004616,Cấp chứng chỉ hành nghề dược theo hình thức xét hồ sơ,03 ngày làm việc,\"500.000 đồng\","
    "\"Luật Dược số 105/2016/QH13\nNghị định số 54/2017/NĐ-CP ngày 08/5/2017 của Chính phủ\"\r\n"
    "2,,Công nhận xã đạt tiêu chí quốc gia về y tế,Không có thông tin,,\r\n"
)


def test_a_csv_with_a_bom_reads_like_the_sheet(tmp_path):
    path = tmp_path / "danh-muc.csv"
    path.write_bytes(b"\xef\xbb\xbf" + CSV_TEXT.encode("utf-8"))
    result = read_sheet_details(path, decision={"title": "Về việc công bố danh mục 181 thủ tục hành chính được chuẩn hóa"})
    assert [(r.sheet_row, r.data, r.skipped) for r in result.records] == [
        (4, {"code": "1.004616", "decision": "457/QĐ-UBND", "name": "Cấp chứng chỉ hành nghề dược theo hình thức xét hồ sơ",
             "legal_basis": [LUAT_DUOC, ND54]}, annex("03 ngày làm việc", "500.000 đồng")),
        (5, {"decision": "457/QĐ-UBND", "name": "Công nhận xã đạt tiêu chí quốc gia về y tế"}, []),
    ]
    assert result.decision == {
        "number": "457/QĐ-UBND", "issuer": "Ủy ban nhân dân tỉnh Thừa Thiên Huế", "signed": "2022-02-14",
        "title": "Về việc công bố danh mục 181 thủ tục hành chính được chuẩn hóa",
        "entries": [{"change": "chuan_hoa", "procedure": "1.004616"},
                    {"change": "chuan_hoa", "procedure": "cong-nhan-xa-dat-tieu-chi-quoc-gia-ve-y-te"}]}
    assert all(is_valid(r.data, "tthc") for r in result.records)


def test_a_csv_without_bom_and_with_semicolons_reads_too(tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text("Mã thủ tục;Tên thủ tục;Cấp thực hiện\n1.013868.H99;Công nhận xã đạt tiêu chí quốc gia về y tế;"
                    "Cấp Xã\n", encoding="utf-8")
    records, decision = read_sheet(path)
    assert decision is None
    assert [r.data for r in records] == [{"code": "1.013868.H99", "level": "xa",
                                          "name": "Công nhận xã đạt tiêu chí quốc gia về y tế"}]


def test_a_csv_that_is_not_utf8_is_refused_with_the_way_out(tmp_path):
    path = tmp_path / "ansi.csv"
    path.write_bytes("STT,Tên TTHC\n1,Cấp giấy phép hoạt động\n".encode("utf-16-le").replace(b"\x00", b"") + b"\xe0\xff")
    with pytest.raises(UnreadableInput, match=r"ansi\.csv: tệp CSV không mã hóa UTF-8; trong Excel chọn Lưu thành “CSV UTF-8"):
        read_sheet(path)


def test_an_xlsx_without_a_recognisable_header_is_unreadable(tmp_path):
    path = build_xlsx(tmp_path / "khac.xlsx", [["Báo cáo"], ["Cột 1", "Cột 2"], [1, 2]], [])
    with pytest.raises(UnreadableInput) as caught:
        read_sheet(path)
    assert str(caught.value) == f"{path}: không tìm thấy dòng tiêu đề (STT, Mã TTHC, Tên TTHC…) trong 30 dòng đầu"


def test_a_header_below_row_30_is_not_looked_for(tmp_path):
    rows = [[f"dòng {n}"] for n in range(1, 31)] + [["STT", "Tên TTHC"], [1, "Cấp giấy phép hoạt động"]]
    with pytest.raises(UnreadableInput, match="không tìm thấy dòng tiêu đề"):
        read_sheet(build_xlsx(tmp_path / "sau.xlsx", rows, []))


def test_a_25_mb_file_is_refused_before_it_is_opened(tmp_path, monkeypatch):
    path = tmp_path / "lon.xlsx"
    with open(path, "wb") as handle:
        handle.truncate(25 * 1024 * 1024)

    def never(*args, **kwargs):
        raise AssertionError("không được mở tệp quá lớn")

    monkeypatch.setattr(zipfile, "ZipFile", never)
    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(UnreadableInput) as caught:
        read_sheet(path)
    assert str(caught.value).startswith(f"{path}: tệp quá lớn (25.0 MB, tối đa 20 MB)")
    csv_path = tmp_path / "lon.csv"
    csv_path.write_bytes(b"a" * (25 * 1024 * 1024))
    with pytest.raises(UnreadableInput, match="tệp quá lớn"):
        read_sheet(csv_path)


def test_random_bytes_named_xlsx_are_unreadable(tmp_path):
    path = tmp_path / "doi-duoi.xlsx"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(UnreadableInput, match=r"doi-duoi\.xlsx: không phải tệp Excel \.xlsx \(tệp hỏng hoặc đổi đuôi"):
        read_sheet(path)


def test_a_zip_that_is_not_a_workbook_or_is_broken_inside_is_unreadable(tmp_path):
    path = tmp_path / "nen.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "không phải bảng tính")
    with pytest.raises(UnreadableInput, match=r"nen\.xlsx: không phải tệp Excel \.xlsx \(thiếu xl/workbook.xml\)"):
        read_sheet(path)
    broken = tmp_path / "hong.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook><sheets>")
    with pytest.raises(UnreadableInput, match=r"hong\.xlsx: tệp \.xlsx hỏng, không đọc được"):
        read_sheet(broken)


def test_a_zip_bomb_is_refused_before_openpyxl(tmp_path, monkeypatch):
    monkeypatch.setattr(sheet_module, "MAX_UNPACKED", 1000)
    path = build_xlsx(tmp_path / "bom.xlsx", [["STT", "Tên TTHC"], [1, "x" * 5000]], [])
    with pytest.raises(UnreadableInput, match=r"bom\.xlsx: tệp giải nén quá lớn"):
        read_sheet(path)


def test_other_formats_are_refused_by_name(tmp_path):
    old = tmp_path / "cu.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UnreadableInput, match=r"cu\.xls: tệp Excel 97-2003 \(\.xls\) không đọc được"):
        read_sheet(old)
    with pytest.raises(UnreadableInput, match=r"khong-co\.xlsx: không mở được tệp"):
        read_sheet(tmp_path / "khong-co.xlsx")


def test_a_wrong_dimension_in_the_file_loses_no_column(tmp_path):
    # Some writers declare <dimension ref="A1"/> whatever the size; openpyxl would cut every row to column A.
    path = build_xlsx(tmp_path / "a1.xlsx", [["STT", "Mã TTHC", "Tên TTHC", "Cấp"],
                                             [1, "1.004616", "Cấp chứng chỉ hành nghề dược", "Cấp tỉnh"]], [])
    fixed = tmp_path / "a1-sai.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(fixed, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:D2"/>', b'<dimension ref="A1"/>')
                assert b'<dimension ref="A1"/>' in data
            target.writestr(info, data)
    records, _ = read_sheet(fixed)
    assert [r.data for r in records] == [{"code": "1.004616", "level": "tinh", "name": "Cấp chứng chỉ hành nghề dược"}]


def test_each_visible_sheet_is_read_and_its_name_is_a_heading(tmp_path):
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Cấp xã"
    for row in (["STT", "Mã TTHC", "Tên TTHC"], [1, "1.004616", "Cấp chứng chỉ hành nghề dược theo hình thức xét hồ sơ"]):
        first.append(row)
    hidden = book.create_sheet("Nháp")
    hidden.append(["STT", "Tên TTHC"])
    hidden.append([1, "Một thủ tục trong bản nháp của chuyên viên"])
    hidden.sheet_state = "hidden"
    notes = book.create_sheet("Ghi chú")
    notes.append(["Bảng này không có tiêu đề"])
    path = tmp_path / "nhieu.xlsx"
    book.save(path)
    result = read_sheet_details(path)
    assert [(r.source, r.sheet_row, r.data) for r in result.records] == [
        (f"{path} (trang tính “Cấp xã”)", 2,
         {"code": "1.004616", "level": "xa", "name": "Cấp chứng chỉ hành nghề dược theo hình thức xét hồ sơ"})]
    assert result.notes == ["trang tính “Ghi chú”: không có dòng tiêu đề, bỏ qua"]
