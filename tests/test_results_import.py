"""`python -m cchc nhap-ket-qua`: a month's figures from the one-stop system's .xlsx report, read by the
report's own header labels (merged cells, parents and children), checked as the build checks them, and
written only when every check passes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import NOW, ROOT, run_env

from cchc.__main__ import main
from cchc.core.dates import parse_datetime
from cchc.core.errors import Report
from cchc.core.terms import load_terms
from cchc.core.yamlsafe import read_yaml
from cchc.results.importer import ImportFailed, import_results
from cchc.results.load import load_results
from cchc.tthc.model import Field

RECEIVED, SETTLED, PENDING = "Số hồ sơ nhận giải quyết", "Số hồ sơ đã giải quyết", "Số hồ sơ đang giải quyết"
# The standard report's columns: (schema key, header path top to bottom); None: the STT and Lĩnh vực columns.
STANDARD = [
    (None, ("STT",)),
    ("field", ("Lĩnh vực",)),
    ("received", (RECEIVED, "Tổng số")),
    ("carried_over", (RECEIVED, "Trong đó: Số kỳ trước chuyển qua")),
    ("received_online", (RECEIVED, "Số mới tiếp nhận", "Trực tuyến")),
    ("received_direct", (RECEIVED, "Số mới tiếp nhận", "Trực tiếp, dịch vụ bưu chính")),
    ("settled", (SETTLED, "Tổng số")),
    ("settled_early", (SETTLED, "Trả trước hạn")),
    ("settled_on_time", (SETTLED, "Trả đúng thời hạn")),
    ("settled_late", (SETTLED, "Trả quá hạn")),
    ("pending", (PENDING, "Tổng số")),
    ("pending_on_time", (PENDING, "Chưa đến hạn")),
    ("pending_overdue", (PENDING, "Quá hạn")),
    ("returned", ("Số hồ sơ trả lại, rút hồ sơ",)),
]
ROWS = [
    ("Khám bệnh, chữa bệnh", dict(carried_over=12, received_online=150, received_direct=38, settled_early=60,
                                  settled_on_time=110, settled_late=2, pending_on_time=20, pending_overdue=3,
                                  returned=5)),
    ("Dược phẩm", dict(carried_over=5, received_online="1.234", received_direct=66.0, settled_early=1000,
                       settled_on_time=280, settled_late=0, pending_on_time=20, pending_overdue=2, returned=3)),
    ("An toàn thực phẩm và dinh dưỡng", dict(carried_over=0, received_online=40, received_direct=10,
                                             settled_early=10, settled_on_time=35, settled_late=1,
                                             pending_on_time=4, pending_overdue=0, returned=0)),
]
TOTAL = dict(carried_over=17, received_online=1424, received_direct=114, settled_early=1070, settled_on_time=425,
             settled_late=3, pending_on_time=44, pending_overdue=5, returned=8)
TITLE = ["SỞ Y TẾ TỈNH LAI CHÂU", "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "Tháng 10 năm 2026"]
MONTH = "content/ket-qua/2026-10.yml"
EXPECTED = """\
# yaml-language-server: $schema=../../schemas/results.schema.json
period: 2026-10
source: Báo cáo số 123/BC-SYT ngày 05/11/2026
fields:
  - field: kham-benh-chua-benh
    carried_over: 12
    received_online: 150
    received_direct: 38
    received: 200
    settled_early: 60
    settled_on_time: 110
    settled_late: 2
    settled: 172
    pending_on_time: 20
    pending_overdue: 3
    pending: 23
    returned: 5
  - field: duoc-pham
    carried_over: 5
    received_online: 1234
    received_direct: 66
    received: 1305
    settled_early: 1000
    settled_on_time: 280
    settled_late: 0
    settled: 1280
    pending_on_time: 20
    pending_overdue: 2
    pending: 22
    returned: 3
  - field: an-toan-thuc-pham
    carried_over: 0
    received_online: 40
    received_direct: 10
    received: 50
    settled_early: 10
    settled_on_time: 35
    settled_late: 1
    settled: 46
    pending_on_time: 4
    pending_overdue: 0
    pending: 4
    returned: 0
total:
  carried_over: 17
  received_online: 1424
  received_direct: 114
  received: 1555
  settled_early: 1070
  settled_on_time: 425
  settled_late: 3
  settled: 1498
  pending_on_time: 44
  pending_overdue: 5
  pending: 49
  returned: 8
"""


def _number(value) -> int:
    """A cell's count as the report's own formula would add it (a broken cell adds nothing: the test is about it)."""
    try:
        return int(str(value).replace(".", "")) if isinstance(value, str) else int(value)
    except ValueError:
        return 0


def subtotals(values: dict) -> dict:
    """The row with its stated subtotals, as the report prints them."""
    def add(*keys):
        return sum(_number(values[key]) for key in keys if values.get(key) not in (None, ""))
    return dict(values, received=add("carried_over", "received_online", "received_direct"),
                settled=add("settled_early", "settled_on_time", "settled_late"),
                pending=add("pending_on_time", "pending_overdue"))


def write_header(sheet, top: int, paths: list[tuple[str, ...]]) -> int:
    """Header cells merged as the report merges them: a parent across its children, a short path down to the
    last header row. Returns the last header row."""
    depth = max(len(path) for path in paths)
    for level in range(depth):
        column = 0
        while column < len(paths):
            path = paths[column]
            if len(path) <= level:
                column += 1
                continue
            end = column
            while end + 1 < len(paths) and paths[end + 1][:level + 1] == path[:level + 1]:
                end += 1
            row = top + level
            bottom = top + depth - 1 if len(path) == level + 1 else row
            sheet.cell(row, column + 1, path[level])
            if end > column or bottom > row:
                sheet.merge_cells(start_row=row, start_column=column + 1, end_row=bottom, end_column=end + 1)
            column = end + 1
    return top + depth - 1


def workbook(path: Path, *, title=TITLE, columns=STANDARD, rows=ROWS, total=TOTAL, numbers=True,
             extra_rows=(), sheet_name="Sheet1") -> Path:
    """The standard report as the one-stop system exports it: title block, merged header, (1) (2) (3)…,
    one row per field, the total."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_name
    width = len(columns)
    for number, text in enumerate(title, start=1):
        sheet.cell(number, 1, text)
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
    row = write_header(sheet, len(title) + 2, [path for _, path in columns]) + 1
    if numbers:
        for position in range(width):
            sheet.cell(row, position + 1, f"({position + 1})")
        row += 1
    keys = [key for key, _ in columns]
    for index, (label, values) in enumerate([*rows, *extra_rows], start=1):
        values = subtotals(values) if values else {}
        sheet.cell(row, 1, index if values else None)
        sheet.cell(row, 2, label)
        for position, key in enumerate(keys):
            if key not in (None, "field") and values.get(key) not in (None, ""):
                sheet.cell(row, position + 1, values[key])
        row += 1
    if total is not None:
        sheet.cell(row, 1, "Tổng cộng")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        for position, key in enumerate(keys):
            if key in subtotals(total):
                sheet.cell(row, position + 1, subtotals(total)[key])
        row += 1
    sheet.cell(row + 1, 8, "Người lập biểu")  # the footer: text, no figure
    book.save(path)
    return path


@pytest.fixture
def root(tmp_path) -> Path:
    """A project with the site's list of fields and nothing else (the importer needs no more)."""
    (tmp_path / "content").mkdir()
    shutil.copy(ROOT / "content" / "linh-vuc.yml", tmp_path / "content" / "linh-vuc.yml")
    return tmp_path


def run(root: Path, sheet: Path, **options):
    return import_results(sheet, root, now=parse_datetime(NOW), source=sheet.name, **options)


def month_files(root: Path) -> dict[str, bytes]:
    folder = root / "content" / "ket-qua"
    return {path.name: path.read_bytes() for path in folder.iterdir()} if folder.exists() else {}


def failure(root: Path, sheet: Path, **options) -> list[str]:
    """The problems of an import that must fail, having written nothing."""
    before = month_files(root)
    with pytest.raises(ImportFailed) as caught:
        run(root, sheet, **options)
    assert month_files(root) == before
    return caught.value.problems


def load(root: Path):
    report = Report()
    fields = load_terms(root / "content" / "linh-vuc.yml", root, "fields", "fields", Field, report)
    results = load_results(root / "content", root, fields, parse_datetime(NOW), report)
    assert not report.errors, [str(error) for error in report.errors]
    return results


def test_a_full_report_becomes_the_months_file_that_the_build_loads(root, tmp_path):
    written = run(root, workbook(tmp_path / "bao-cao.xlsx"), reference="Báo cáo số 123/BC-SYT ngày 05/11/2026")
    path = root / MONTH
    assert written.path == path and path.read_text(encoding="utf-8") == EXPECTED
    (month,) = load(root).months
    assert (month.key, month.reference, month.total.received, month.total.returned) == (
        "2026-10", "Báo cáo số 123/BC-SYT ngày 05/11/2026", 1555, 8)
    assert [row.field.slug for row in month.by_field] == ["kham-benh-chua-benh", "duoc-pham", "an-toan-thuc-pham"]
    assert written.notes == []


@pytest.mark.parametrize("line", [
    "Tháng 10 năm 2026",
    "THÁNG 10 NĂM 2026",
    "Kỳ báo cáo: tháng 10/2026",
    "Từ ngày 01/10/2026 đến ngày 31/10/2026",
    "(Số liệu từ ngày 15/09/2026 đến ngày 14/10/2026)",  # the periodic reports' cut-off, NĐ 09/2019/NĐ-CP
    "Từ ngày 01 tháng 10 năm 2026 đến ngày 31 tháng 10 năm 2026",
])
def test_the_month_is_read_from_the_title_block(root, tmp_path, line):
    # The place-and-date line names the month the report was signed in: never taken for the report's.
    title = ["SỞ Y TẾ TỈNH LAI CHÂU", "Lai Châu, ngày 05 tháng 11 năm 2026", TITLE[1], line]
    written = run(root, workbook(tmp_path / "bao-cao.xlsx", title=title))
    assert written.path == root / MONTH and written.month.label == "10/2026"


def test_label_variants_and_a_fourth_header_row_are_read_by_their_parents(root, tmp_path):
    result = "Kết quả giải quyết"
    columns = [
        (None, ("STT",)),
        ("field", ("Lĩnh vực, công việc giải quyết theo cấp",)),
        ("carried_over", (RECEIVED, "Trong đó", "Kỳ trước chuyển sang")),
        ("received_online", (RECEIVED, "Trong đó", "Số mới tiếp nhận trực tuyến")),
        ("received_direct", (RECEIVED, "Trong đó", "Trực tiếp và qua dịch vụ bưu chính công ích")),
        ("settled_early", (result, SETTLED, "Trước hạn")),
        ("settled_on_time", (result, SETTLED, "Đúng hạn")),
        ("settled_late", (result, SETTLED, "Quá hạn")),
        ("pending_on_time", (result, PENDING, "Chưa đến hạn")),
        ("pending_overdue", (result, PENDING, "Đã quá hạn")),
        ("returned", ("Trả lại/Rút hồ sơ",)),
    ]
    heading = [("I. Lĩnh vực Dược", {})]  # a group heading without figures: skipped, and said
    rows = [ROWS[0], *heading, *ROWS[1:]]
    written = run(root, workbook(tmp_path / "bao-cao.xlsx", columns=columns, rows=rows, numbers=False))
    data = read_yaml(written.path, "").data
    assert data["fields"][0] == {"field": "kham-benh-chua-benh", **ROWS[0][1]}
    assert data["total"] == TOTAL
    assert written.notes == ["dòng 9 “I. Lĩnh vực Dược”: không phải lĩnh vực và không có số, bỏ qua"]


def test_optional_columns_the_report_lacks_are_not_written(root, tmp_path):
    optional = ("received", "settled", "pending", "settled_early", "returned")
    columns = [(key, path) for key, path in STANDARD if key not in optional]

    def without(values: dict) -> dict:
        # No early column: "đúng hạn" holds every dossier settled in time. No returned column: here they are
        # still pending, so each row balances.
        kept = {key: value for key, value in values.items() if key not in optional}
        return dict(kept, settled_on_time=values["settled_early"] + values["settled_on_time"],
                    pending_on_time=values["pending_on_time"] + values["returned"])

    rows = [(label, without(values)) for label, values in ROWS]
    written = run(root, workbook(tmp_path / "bao-cao.xlsx", columns=columns, rows=rows, total=without(TOTAL)))
    data = read_yaml(written.path, "").data
    for row in (*data["fields"], data["total"]):
        assert not set(optional) & set(row), row
    assert data["total"] == without(TOTAL) and data["fields"][0]["settled_on_time"] == 170
    load(root)


def test_a_blank_optional_cell_is_left_out_and_a_report_without_total_sums_its_fields(root, tmp_path):
    # The third field's returned cell left blank (it was 0, so the row still balances): not stated, not 0.
    rows = [*ROWS[:2], (ROWS[2][0], dict(ROWS[2][1], returned=None))]
    written = run(root, workbook(tmp_path / "bao-cao.xlsx", rows=rows, total=None))
    data = read_yaml(written.path, "").data
    assert "returned" not in data["fields"][2] and "total" not in data
    assert written.month.total.returned is None  # not stated by every field: never shown as a sum
    assert written.month.total.received == 1555


def test_an_unknown_field_is_named_with_its_cell_and_the_fields_the_site_has(root, tmp_path):
    rows = [*ROWS[:2], ("Khám chữa bệnh", ROWS[2][1])]
    problems = failure(root, workbook(tmp_path / "bao-cao.xlsx", rows=rows))
    (problem,) = problems
    assert problem.startswith("bao-cao.xlsx: Sheet1!B11: lĩnh vực “Khám chữa bệnh” không có trong content/linh-vuc.yml; "
                              "có phải “Khám bệnh, chữa bệnh”? dùng một trong: Khám bệnh, chữa bệnh; Dược phẩm; ")
    assert problem.endswith("Bảo trợ xã hội (hoặc thêm lĩnh vực vào tệp đó)")


@pytest.mark.parametrize("value, expected", [
    ("mười", "bao-cao.xlsx: Sheet1!D9: cột “Số kỳ trước chuyển qua”: “mười” không phải số hồ sơ"),
    ("1,5", "bao-cao.xlsx: Sheet1!D9: cột “Số kỳ trước chuyển qua”: “1,5” không phải số hồ sơ (số hồ sơ là số "
            "nguyên, hàng nghìn ngăn bằng dấu chấm: 1.234)"),
    (-3, "bao-cao.xlsx: Sheet1!D9: cột “Số kỳ trước chuyển qua”: -3 là số âm; số hồ sơ không âm"),
    ("-3", "bao-cao.xlsx: Sheet1!D9: cột “Số kỳ trước chuyển qua”: “-3” là số âm; số hồ sơ không âm"),
    (2.5, "bao-cao.xlsx: Sheet1!D9: cột “Số kỳ trước chuyển qua”: 2,5 không phải số nguyên; số hồ sơ là số "
          "nguyên không âm"),
    (None, "bao-cao.xlsx: Sheet1!D9: cột “Số kỳ trước chuyển qua” để trống; ghi 0 nếu không có hồ sơ "
           "(trình nhập không tự điền 0)"),
])
def test_a_cell_that_is_no_count_of_dossiers_is_an_error_never_a_guess(root, tmp_path, value, expected):
    rows = [(ROWS[0][0], dict(ROWS[0][1], carried_over=value)), *ROWS[1:]]
    problems = failure(root, workbook(tmp_path / "bao-cao.xlsx", rows=rows))
    assert problems == [expected]


def test_every_bad_cell_is_reported_in_one_round(root, tmp_path):
    rows = [(ROWS[0][0], dict(ROWS[0][1], carried_over="x", settled_late=None)),
            (ROWS[1][0], dict(ROWS[1][1], pending_overdue=-1)), ("Không rõ", ROWS[2][1])]
    problems = failure(root, workbook(tmp_path / "bao-cao.xlsx", rows=rows))
    assert [problem.split(": ")[1] for problem in problems] == ["Sheet1!D9", "Sheet1!J9", "Sheet1!M10",
                                                                "Sheet1!B11"]


def test_a_heading_row_with_figures_is_an_error(root, tmp_path):
    rows = [*ROWS, ("I. Cấp tỉnh", ROWS[0][1])]
    problems = failure(root, workbook(tmp_path / "bao-cao.xlsx", rows=rows))
    assert problems[0].startswith("bao-cao.xlsx: Sheet1!B12: lĩnh vực “I. Cấp tỉnh” không có trong")


def test_a_missing_required_column_is_named(root, tmp_path):
    columns = [(key, path) for key, path in STANDARD if key != "pending_overdue"]
    problems = failure(root, workbook(tmp_path / "bao-cao.xlsx", columns=columns))
    assert problems == ["bao-cao.xlsx: Sheet1: không thấy cột “Đang giải quyết, đã quá hạn” (Số hồ sơ đang giải "
                        "quyết › Quá hạn) dưới dòng tiêu đề ở dòng 5; bảng phải có đủ các cột của mẫu báo cáo"]


def test_the_month_given_and_the_titles_must_agree_and_one_of_them_must_be_there(root, tmp_path):
    sheet = workbook(tmp_path / "bao-cao.xlsx")
    assert failure(root, sheet, month="2026-09") == [
        "bao-cao.xlsx: --thang 2026-09 nhưng tiêu đề bảng tính ghi tháng 10/2026 (Sheet1!A3: “Tháng 10 năm 2026”); "
        "kiểm tra lại tệp hoặc tháng"]
    assert failure(root, sheet, month="2026-13") == ["--thang “2026-13” không đúng dạng năm-tháng, ví dụ --thang 2026-10"]
    untitled = workbook(tmp_path / "khong-thang.xlsx", title=TITLE[:2])
    assert failure(root, untitled) == [
        "khong-thang.xlsx: không thấy tháng báo cáo trong phần tiêu đề (ví dụ “Tháng 10 năm 2026”); ghi tháng bằng "
        "--thang 2026-10 (make import-ket-qua … THANG=2026-10)"]
    assert run(root, untitled, month="2026-10").path == root / MONTH  # --thang alone is enough
    quarter = workbook(tmp_path / "quy.xlsx", title=[TITLE[1], "Từ ngày 01/07/2026 đến ngày 30/09/2026"])
    assert failure(root, quarter, month="2026-09")[0].startswith(
        "quy.xlsx: Sheet1!A2: “Từ ngày 01/07/2026 đến ngày 30/09/2026” là một kỳ báo cáo không trọn một tháng")


def test_a_future_month_is_refused_with_the_loaders_words(root, tmp_path):
    problems = failure(root, workbook(tmp_path / "bao-cao.xlsx", title=[TITLE[1], "Tháng 12 năm 2026"]))
    assert problems == ["content/ket-qua/2026-12.yml:1: tên tệp: tháng 12/2026 chưa tới (đang là tháng 11/2026); "
                        "kiểm tra lại năm, tháng trong tên tệp (--thang hoặc tiêu đề bảng tính)"]


def test_an_existing_month_is_replaced_only_with_ghi_de(root, tmp_path):
    existing = root / MONTH
    existing.parent.mkdir(parents=True)
    existing.write_text("# số liệu cũ\ntotal: {}\n", encoding="utf-8")
    sheet = workbook(tmp_path / "bao-cao.xlsx")
    assert failure(root, sheet) == [
        "content/ket-qua/2026-10.yml đã có (tháng 10/2026); chưa ghi đè. Để thay bằng số liệu của bảng tính, "
        "thêm --ghi-de (make import-ket-qua … GHI_DE=1)"]
    assert existing.read_text(encoding="utf-8") == "# số liệu cũ\ntotal: {}\n"
    run(root, sheet, overwrite=True, reference="Báo cáo số 123/BC-SYT ngày 05/11/2026")
    assert existing.read_text(encoding="utf-8") == EXPECTED


def test_figures_that_do_not_add_up_get_the_loaders_message_with_the_cell_and_nothing_is_written(root, tmp_path):
    rows = [(ROWS[0][0], dict(ROWS[0][1], pending_overdue=4)), *ROWS[1:]]  # 200 came in, 201 went out
    sheet = workbook(tmp_path / "bao-cao.xlsx", rows=rows)
    book = openpyxl.load_workbook(sheet)
    book.active["K9"] = 23  # the stated subtotal keeps the report's 20 + 3
    book.save(sheet)
    assert failure(root, sheet) == [
        "content/ket-qua/2026-10.yml:4: fields[1]: số hồ sơ không cân: kỳ trước chuyển qua 12 + mới tiếp nhận 188 "
        "= 200, nhưng đã giải quyết 172 + đang giải quyết 24 + trả lại, rút 5 = 201; kiểm tra lại các số của dòng "
        "này (bao-cao.xlsx: Sheet1, dòng 9)",
        "content/ket-qua/2026-10.yml:15: fields[1].pending: tổng số đang giải quyết ghi 23, nhưng đang giải quyết, "
        "chưa đến hạn 20 + đang giải quyết, đã quá hạn 4 = 24 (bao-cao.xlsx: Sheet1!K9)",
    ]
    # A total row that balances by itself but is not the sum of the fields.
    total = dict(TOTAL, settled_late=4, pending_on_time=43)
    problems = failure(root, workbook(tmp_path / "tong.xlsx", total=total))
    assert problems == [
        "content/ket-qua/2026-10.yml:50: total.settled_late: dòng tổng ghi đã giải quyết quá hạn 4, nhưng cộng các "
        "lĩnh vực được 3 (tong.xlsx: Sheet1!J12)",
        "content/ket-qua/2026-10.yml:51: total.settled: dòng tổng ghi tổng số đã giải quyết 1499, nhưng cộng các "
        "lĩnh vực được 1498 (tong.xlsx: Sheet1!G12)",
        "content/ket-qua/2026-10.yml:52: total.pending_on_time: dòng tổng ghi đang giải quyết, chưa đến hạn 43, "
        "nhưng cộng các lĩnh vực được 44 (tong.xlsx: Sheet1!L12)",
        "content/ket-qua/2026-10.yml:54: total.pending: dòng tổng ghi tổng số đang giải quyết 48, nhưng cộng các "
        "lĩnh vực được 49 (tong.xlsx: Sheet1!K12)",
    ]


def test_hostile_text_round_trips_through_yaml(root, tmp_path):
    hostile = 'Báo cáo "số 1": #2 \'x\'\n</script><script>alert(1)</script> - [a]: {b}'
    listed = (root / "content" / "linh-vuc.yml").read_text(encoding="utf-8")
    name = 'Dược: "thuốc" # 1 </script>'
    (root / "content" / "linh-vuc.yml").write_text(
        listed + f"  - name: '{name.replace(chr(39), chr(39) * 2)}'\n    slug: duoc-2\n", encoding="utf-8")
    rows = [*ROWS[:2], (name, ROWS[2][1])]
    written = run(root, workbook(tmp_path / "bao-cao.xlsx", rows=rows), reference=hostile)
    data = read_yaml(written.path, "").data
    assert data["source"] == hostile and data["fields"][2]["field"] == "duoc-2"
    assert written.month.reference == " ".join(hostile.split())  # as the build shows it
    # An unknown field with the same characters is quoted back verbatim, and nothing is written.
    other = tmp_path / "other"
    (other / "content").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "linh-vuc.yml", other / "content" / "linh-vuc.yml")
    (problem,) = failure(other, workbook(tmp_path / "x.xlsx", rows=[(name, ROWS[0][1])], total=None))
    assert f"lĩnh vực “{name}” không có" in problem


def test_the_command_line_writes_the_month_and_says_what(root, tmp_path):
    sheet = workbook(tmp_path / "bao-cao.xlsx")
    result = subprocess.run([sys.executable, "-m", "cchc", "nhap-ket-qua", str(sheet), "--root", str(root),
                             "--nguon", "Báo cáo số 123/BC-SYT ngày 05/11/2026"],
                            cwd=ROOT, env=run_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (root / MONTH).read_text(encoding="utf-8") == EXPECTED
    assert result.stdout.splitlines()[:4] == [
        "Đã ghi content/ket-qua/2026-10.yml: tháng 10/2026, 3 lĩnh vực, có dòng tổng cộng (đã đối chiếu với tổng "
        "các lĩnh vực).",
        "  Nhận giải quyết: 1.555 hồ sơ (kỳ trước chuyển qua 17, mới tiếp nhận 1.538, trong đó trực tuyến 1.424 "
        "– 92,6\u00a0%).",
        "  Đã giải quyết: 1.498 hồ sơ, trước hạn và đúng hạn 99,8\u00a0%; quá hạn 3.",
        "  Đang giải quyết: 49 hồ sơ (quá hạn 5); trả lại, rút: 8.",
    ]


def test_the_command_refuses_an_existing_month_in_vietnamese(root, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CCHC_NOW", NOW)
    sheet = workbook(tmp_path / "bao-cao.xlsx")
    assert main(["nhap-ket-qua", "--root", str(root), str(sheet)]) == 0
    capsys.readouterr()
    assert main(["nhap-ket-qua", "--root", str(root), str(sheet)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Không nhập được (chưa ghi tệp nào):\n  content/ket-qua/2026-10.yml đã có")
    assert main(["nhap-ket-qua", "--root", str(root), "--ghi-de", "--thang=", "--nguon=", "--", str(sheet)]) == 0


def test_make_passes_the_file_name_and_the_source_as_data(tmp_path):
    """make import-ket-qua through the real Makefile: values come from the environment, never pasted into the
    shell's text. (The file does not exist, so nothing can be written into this repository's content/.)"""
    name = str(tmp_path / "$(touch pwned); touch PWNED.xlsx")
    env = {**run_env(), "FILE": name, "NGUON": "-x; touch PWNED2", "THANG": "", "MAKEFLAGS": ""}
    done = subprocess.run(["make", "-s", "-C", str(ROOT), "import-ket-qua", "STAMP="], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert f"Không nhập được (chưa ghi tệp nào):\n  {name}: không có tệp này" in done.stderr
    assert not list(tmp_path.rglob("pwned")) and not list(tmp_path.rglob("PWNED*"))
    assert not (ROOT / "pwned").exists() and not (ROOT / "PWNED").exists()
