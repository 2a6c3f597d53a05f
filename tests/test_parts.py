"""One table of procedure parts (cchc/tthc/parts.py): every part named once, and used by each output."""

from __future__ import annotations

import csv
import io

from cchc.core.schema import load_schema
from cchc.tthc import diff, export
from cchc.tthc.diff import diff_records
from cchc.tthc.parts import BY_KEY, CSV_COLUMNS, PARTS, TOP_LEVEL

# Keys of the record that are not parts of the procedure itself.
NOT_PARTS = {"replaced_by", "aliases", "steps_by_case"}


def test_every_field_of_the_record_is_a_part_or_said_not_to_be():
    fields = set(load_schema("tthc")["properties"])
    assert fields - NOT_PARTS == {part.key for part in TOP_LEVEL}


def test_labels_are_the_schema_titles_the_form_and_checker_show():
    schema = load_schema("tthc")["properties"]
    assert BY_KEY["agencies.executing"].label == schema["agencies"]["properties"]["executing"]["title"]
    assert BY_KEY["channels.times"].label == schema["channels"]["items"]["properties"]["times"]["title"]
    assert all(part.label for part in PARTS)


def test_every_part_that_is_not_simple_has_its_json_its_cells_and_its_comparison():
    for part in TOP_LEVEL:
        if not part.simple:
            assert part.key in export._JSON, part.key
            assert not part.compared or part.key in diff._STRUCTURED, part.key
    for key, _ in CSV_COLUMNS:
        assert BY_KEY[key].simple or key in export._CELLS, key


def test_csv_columns_as_published(demo_content):
    data = export.procedures_csv(demo_content.tthc, demo_content.settings).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(data)))
    assert header == ["Mã thủ tục", "Tên thủ tục", "Cấp thực hiện", "Loại thủ tục", "Lĩnh vực", "Tình trạng",
                      "Dịch vụ công trực tuyến", "Thời hạn giải quyết", "Phí, lệ phí", "Cơ quan thực hiện",
                      "Đối tượng thực hiện", "Kết quả thực hiện", "Yêu cầu, điều kiện", "Căn cứ pháp lý", "Đường dẫn"]


OLD = {
    "code": "1.004616", "level": "tinh", "name": "Cấp giấy phép hành nghề", "type": "TTHC thông thường",
    "field": "kham-benh", "online": {"level": "mot_phan"},
    "steps": ["Nộp hồ sơ", "Nhận kết quả"],
    "channels": [{"channel": "truc_tiep", "time": {"value": 20, "unit": "ngay"}, "fees": [{"kind": "phi", "amount": 500000}]},
                 {"channel": "buu_chinh", "time": {"value": 20, "unit": "ngay"}}],
    "dossier": {"sets": 1, "cases": [{"documents": [{"name": "Đơn đề nghị", "originals": 1, "copies": 0},
                                                    {"name": "Bản sao văn bằng", "originals": 0, "copies": 1}]}]},
    "subjects": ["Công dân Việt Nam"],
    "agencies": {"competent": "Sở Y tế", "executing": "Phòng Nghiệp vụ Y"},
    "receiving_address": "Trung tâm Phục vụ hành chính công",
    "results": ["Giấy phép hành nghề"],
    "legal_basis": [{"number": "15/2023/QH15", "title": "Luật Khám bệnh, chữa bệnh"}],
    "internal_workflow": [{"content": "Thẩm định", "unit": "Phòng Nghiệp vụ Y", "time": {"value": 5, "unit": "ngay"}}],
}
NEW = {
    **OLD, "code": "1.999999", "level": "xa", "name": "Cấp lại giấy phép hành nghề", "field": "duoc-pham",
    "online": {"level": "toan_trinh"}, "steps": ["Nộp hồ sơ trực tuyến"],
    "channels": [{"channel": "truc_tiep", "time": {"value": 15, "unit": "ngay_lam_viec"},
                  "fees": [{"kind": "phi", "amount": 250000}]},
                 {"channel": "truc_tuyen", "time": {"value": 10, "unit": "ngay_lam_viec"}}],
    "dossier": {"sets": 2, "cases": [{"documents": [{"name": "Đơn đề nghị", "originals": 2, "copies": 0,
                                                     "form": "mau/don.docx"},
                                                    {"name": "Phiếu lý lịch tư pháp", "originals": 1, "copies": 0}]}]},
    "subjects": ["Công dân Việt Nam", "Người nước ngoài"],
    "agencies": {"competent": "Sở Y tế", "executing": "Phòng Quản lý hành nghề"},
    "receiving_address": "Bộ phận một cửa",
    "results": [],
    "conditions": ["Có văn bằng chuyên môn"],
    "legal_basis": [{"number": "96/2023/NĐ-CP", "title": "Nghị định hướng dẫn"}],
    "internal_workflow": [],
}


def test_amendment_lines_follow_the_table_and_name_parts_as_it_says():
    assert diff_records(OLD, NEW, {"kham-benh": "Khám bệnh, chữa bệnh", "duoc-pham": "Dược phẩm"}) == [
        "Cấp thực hiện: Cấp tỉnh → Cấp xã",
        "Tên thủ tục: “Cấp giấy phép hành nghề” → “Cấp lại giấy phép hành nghề”",
        "Lĩnh vực: Khám bệnh, chữa bệnh → Dược phẩm",
        "Dịch vụ công trực tuyến: Một phần → Toàn trình",
        "Trình tự thực hiện: sửa đổi (2 → 1 bước)",
        "Thời hạn giải quyết (Trực tiếp): 20 ngày → 15 ngày làm việc",
        "Phí, lệ phí (Trực tiếp): 500.000 đồng → 250.000 đồng",
        "Cách thức thực hiện: bổ sung Trực tuyến (10 ngày làm việc)",
        "Cách thức thực hiện: bỏ Dịch vụ bưu chính",
        "Thành phần hồ sơ: “Đơn đề nghị” từ bản chính 1, bản sao 0 → bản chính 2, bản sao 0",
        "Thành phần hồ sơ: “Đơn đề nghị” thay mẫu đơn, tờ khai",
        "Thành phần hồ sơ: bổ sung “Phiếu lý lịch tư pháp”",
        "Thành phần hồ sơ: bỏ “Bản sao văn bằng”",
        "Số bộ hồ sơ: 1 → 2",
        "Đối tượng thực hiện: bổ sung “Người nước ngoài”",
        "Cơ quan thực hiện: “Phòng Nghiệp vụ Y” → “Phòng Quản lý hành nghề”",
        "Địa chỉ tiếp nhận hồ sơ: “Trung tâm Phục vụ hành chính công” → “Bộ phận một cửa”",
        "Kết quả thực hiện: bỏ “Giấy phép hành nghề”",
        "Yêu cầu, điều kiện: bổ sung “Có văn bằng chuyên môn”",
        "Căn cứ pháp lý: bổ sung 96/2023/NĐ-CP (Nghị định hướng dẫn)",
        "Căn cứ pháp lý: bỏ 15/2023/QH15",
        "Quy trình nội bộ: sửa đổi",
    ]
    assert diff_records(OLD, OLD, {}) == []
