"""Bad procedure records, and what the TTHC-control officer is told."""

import pytest

from cchc.tthc.model import format_money

FILE = "content/tthc/1.004616.yml"


@pytest.fixture
def project(project):
    project.write("content/tthc/mau/don.docx", b"PK\x03\x04 demo docx")
    return project


def test_valid_record_loads_completely(project):
    project.procedure()
    (p,) = project.content().tthc.procedures
    assert (p.code, p.slug, p.url, p.level_label) == ("1.004616", "1.004616", "tthc/1.004616/", "Cấp tỉnh")
    assert [c.times_text for c in p.channels] == ["10 ngày làm việc", "7 ngày"]
    assert p.channels[0].times[0].note == "kể từ ngày nhận đủ hồ sơ hợp lệ"
    assert p.channels[0].fees[0].label == "Phí: 360.000 đồng"
    assert p.dossier.cases[0].documents[0].form == "tthc/mau/don.docx"
    assert p.dossier.cases[0].documents[1].counts == "Bản chính: 0 – Bản sao: 1"
    assert p.legal_basis[0].date.year == 2023 and p.in_force


def test_money_is_written_the_vietnamese_way():
    assert format_money(1000000) == "1.000.000 đồng"
    assert format_money(0) == "0 đồng"
    assert format_money(360000) == "360.000 đồng"


def test_record_without_code_uses_its_file_name(project):
    project.procedure("cap-phep-moi", code=None)
    (p,) = project.content().tthc.procedures
    assert p.code is None and p.url == "tthc/cap-phep-moi/"


def test_missing_required_part(project):
    project.procedure(replace={'name: "Cấp giấy phép hành nghề khám bệnh, chữa bệnh đối với bác sỹ"\n': ""})
    error = project.only_error()
    assert (error.path, error.field) == (FILE, "name")
    assert "thiếu trường bắt buộc" in error.message and "Tên thủ tục" in error.message


@pytest.mark.parametrize("code", ['"1.4616"', '"H41.004616"', '"1.004616.000.00.00.41"'])
def test_malformed_code(project, code):
    project.procedure(code=code)
    error = project.only_error()
    assert (error.path, error.line, error.field) == (FILE, 2, "code")
    assert "1.004616.000.00.00.H41" in error.message


def test_code_of_another_province(project):
    project.procedure(code='"1.004616.000.00.00.H41"')
    error = project.only_error()
    assert error.field == "code" and "H41" in error.message and "H99" in error.message


def test_duplicate_code_and_level(project):
    project.procedure("1.004616")
    project.procedure("1.004616-ban-sao", code='"1.004616.000.00.00.H99"')
    error = project.only_error()
    assert error.field == "code" and "trùng" in error.message
    assert {error.path, error.message.split(" với ")[1].split(";")[0]} == {FILE, "content/tthc/1.004616-ban-sao.yml"}


def test_same_code_at_another_level_is_another_record(project):
    project.procedure("1.004616")
    project.procedure("1.004616-cap-xa", level="xa")
    urls = sorted(p.url for p in project.content().tthc.procedures)
    assert urls == ["tthc/1.004616-cap-xa/", "tthc/1.004616/"]


def test_unknown_field(project):
    project.procedure(field="y-te-vui-ve")
    error = project.only_error()
    assert (error.line, error.field) == (6, "field")
    assert "y-te-vui-ve" in error.message and "kham-benh-chua-benh" in error.message


def test_form_template_file_must_exist(project):
    project.procedure(replace={"form: mau/don.docx": "form: mau/khong-co.docx"})
    error = project.only_error()
    assert error.field == "dossier.cases[1].documents[1].form"
    assert "mau/khong-co.docx" in error.message and error.line == 28


def test_stated_replacement_needs_a_decision(project):
    project.procedure(extra='status: thay_the\nreplaced_by: ["1.999999"]\n')
    error = project.only_error()
    assert (error.field, error.line) == ("status", 48)
    assert "không có quyết định nào thay thế" in error.message


def test_replaced_by_only_with_replaced_status(project):
    project.procedure(extra='replaced_by: ["1.004616"]\n')
    error = project.only_error()
    assert error.field == "replaced_by" and "status: thay_the" in error.message


def test_yaml_1_1_values_are_kept_or_rejected(project):
    project.procedure(replace={"level: tinh": "level: no", "  level: toan_trinh": "  level: yes"})
    errors = project.errors()
    assert {(e.field, "“no”" in e.message or "“yes”" in e.message) for e in errors} == {
        ("level", True), ("online.level", True)}


def test_time_is_a_number_with_a_unit(project):
    project.procedure(replace={"times: [{value: 7, unit: ngay}]": "times: [{value: 7:30, unit: ngay}]"})
    error = project.only_error()
    assert error.field == "channels[2].times[1].value" and "số nguyên" in error.message and "7:30" in error.message


def test_unknown_time_unit(project):
    project.procedure(replace={"unit: ngay}": "unit: tuan}"})
    error = project.only_error()
    assert error.field == "channels[2].times[1].unit" and "ngay_lam_viec" in error.message


def test_fee_has_at_most_one_amount(project):
    project.procedure(replace={"        amount: 1000000\n": "        amount: 1000000\n        amount_text: \"Một triệu đồng\"\n"})
    error = project.only_error()
    assert error.field == "channels[2].fees[1].amount_text" and "amount" in error.message


def test_bad_legal_basis_date(project):
    project.procedure(replace={"date: 2023-01-09": "date: 2023-13-09"})
    error = project.only_error()
    assert error.field == "legal_basis[1].date" and "không tồn tại" in error.message


def test_online_channel_without_online_service(project):
    project.procedure(replace={"  level: toan_trinh": "  level: khong"})
    assert project.only_error().field == "online.level"


def test_steps_and_steps_by_case_are_exclusive(project):
    project.procedure(replace={"steps:": 'steps_by_case:\n  - case: "Trường hợp cấp lại"\n    steps: ["Bước 1: Nộp đơn cấp lại."]\nsteps:'})
    error = project.only_error()
    assert error.field == "steps" and "đang có cả hai" in error.message
    project.procedure(replace={"steps:": "old_steps:"})
    errors = project.errors()
    assert any(e.field == "old_steps" and "“steps”" in e.message for e in errors)  # a typo is named, not ignored


def test_steps_by_case(project):
    project.procedure(replace={
        'steps:\n  - "Bước 1: Nộp hồ sơ tại Trung tâm Phục vụ hành chính công hoặc trực tuyến."\n'
        '  - "Bước 2: Sở Y tế thẩm định hồ sơ và trả kết quả."':
        'steps_by_case:\n  - case: "Cấp mới"\n    steps: ["Bước 1: Nộp đơn cấp mới."]\n'
        '  - case: "Cấp lại"\n    steps: ["Bước 1: Nộp đơn cấp lại.", "Bước 2: Nhận kết quả."]'})
    (procedure,) = project.content().tthc.procedures
    assert [(g.case, len(g.steps)) for g in procedure.steps] == [("Cấp mới", 1), ("Cấp lại", 2)]


def test_file_name_of_a_record_without_code(project):
    project.procedure("Cấp phép mới", code=None)
    error = project.only_error()
    assert error.field == "code" and "cap-phep-moi.yml" in error.message


def test_typo_in_a_key(project):
    project.procedure(extra="condition: ['Có bằng bác sỹ']\n")
    error = project.only_error()
    assert error.field == "condition" and "conditions" in error.message


def test_every_record_error_is_reported_at_once(project):
    project.procedure("1.004616", field="khong-co")
    project.procedure("1.000001", code='"1.000001"', level="tinh-thanh")
    assert {(e.path, e.field) for e in project.errors()} == {
        (FILE, "field"), ("content/tthc/1.000001.yml", "level")}


def test_every_record_carries_the_schema_modeline():
    """VS Code's YAML extension reads this line for autocomplete and hover help."""
    from conftest import ROOT

    records = sorted((ROOT / "content/tthc").glob("*.yml"))
    assert records
    for path in records + [ROOT / "content/categories.yml", ROOT / "content/linh-vuc.yml", ROOT / "content/hoi-dap.yml"]:
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        assert (path.parent / first.split("=", 1)[1]).resolve().is_file(), path
