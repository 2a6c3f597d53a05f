"""Decisions: what they derive, and every mistake an officer can make in them."""

import subprocess
from textwrap import dedent

import pytest

DECISION = "content/tthc/quyet-dinh/qd-10-ubnd-2025.yml"


@pytest.fixture
def project(project):
    project.write("content/tthc/mau/don.docx", b"PK\x03\x04 demo docx")
    project.procedure("1.004616")
    project.procedure("1.000001", code='"1.000001"')
    project.procedure("1.000002", code='"1.000002"')
    return project


def decision(project, entries: str, *, name="qd-10-ubnd-2025", number="10/QĐ-UBND",
             signed="2025-03-01", effective="2025-03-15", extra=""):
    text = (f'number: "{number}"\nissuer: "Uỷ ban nhân dân tỉnh"\nsigned: {signed}\neffective: {effective}\n'
            f'title: "Về việc công bố danh mục thủ tục hành chính"\n{extra}entries:\n{dedent(entries)}')
    return project.write(f"content/tthc/quyet-dinh/{name}.yml", text)


def test_status_and_history_come_from_decisions(project):
    decision(project, """\
        - change: moi_ban_hanh
          procedure: "1.004616"
        - change: thay_the
          procedure: "1.000001"
          replaces: ["1.000002"]
        """)
    decision(project, """\
        - change: sua_doi_bo_sung
          procedure: "1.004616"
          summary: "Giảm thời hạn"
        """, name="qd-20-ubnd-2026", number="20/QĐ-UBND", signed="2026-01-02", effective="2026-01-10")
    content = project.content()
    by_code = {p.code: p for p in content.tthc.procedures}
    assert [c.kind for c in by_code["1.004616"].history] == ["moi_ban_hanh", "sua_doi_bo_sung"]
    assert by_code["1.000002"].status == "thay_the" and by_code["1.000002"].replaced_by == [by_code["1.000001"]]
    assert by_code["1.000001"].replaces == [by_code["1.000002"]]
    assert by_code["1.000002"].retired_by.decision.number == "10/QĐ-UBND"
    assert [d.number for d in content.tthc.decisions] == ["20/QĐ-UBND", "10/QĐ-UBND"]  # newest first
    assert [c.procedure.code for c in content.tthc.changes] == ["1.004616", "1.004616", "1.000001"]


def test_a_change_not_yet_in_force_is_pending(project):
    decision(project, '- change: bai_bo\n  procedure: "1.000001"\n', signed="2026-11-20", effective="2027-01-01")
    p = next(p for p in project.content().tthc.procedures if p.code == "1.000001")
    assert p.status == "hieu_luc" and p.pending.kind == "bai_bo" and p.retired_by is None


def test_entry_naming_no_procedure(project):
    decision(project, '- change: sua_doi_bo_sung\n  procedure: "1.777777"\n')
    error = project.only_error()
    assert (error.path, error.line, error.field) == (DECISION, 8, "entries[1].procedure")
    assert "1.777777" in error.message


def test_replacement_target_that_does_not_exist(project):
    decision(project, '- change: thay_the\n  procedure: "1.000001"\n  replaces: ["1.004616", "1.999999"]\n')
    error = project.only_error()
    assert (error.line, error.field) == (9, "entries[1].replaces[2]") and "1.999999" in error.message


def test_replacement_without_replaces(project):
    decision(project, '- change: thay_the\n  procedure: "1.000001"\n')
    assert project.only_error().field == "entries[1].replaces"


def test_abolished_procedure_amended_later(project):
    decision(project, '- change: bai_bo\n  procedure: "1.000001"\n')
    decision(project, '- change: sua_doi_bo_sung\n  procedure: "1.000001"\n',
             name="qd-30-ubnd-2025", number="30/QĐ-UBND", signed="2025-06-01", effective="2025-06-01")
    error = project.only_error()
    assert error.path == "content/tthc/quyet-dinh/qd-30-ubnd-2025.yml" and error.field == "entries[1].procedure"
    assert "đã bị bãi bỏ từ 15/03/2025 (10/QĐ-UBND)" in error.message


def test_effective_before_signing(project):
    decision(project, '- change: moi_ban_hanh\n  procedure: "1.000001"\n', signed="2025-03-15", effective="2025-03-01")
    error = project.only_error()
    assert (error.line, error.field) == (4, "effective") and "trước ngày ký" in error.message


def test_entry_effective_before_signing(project):
    decision(project, '- change: moi_ban_hanh\n  procedure: "1.000001"\n  effective: 2025-01-01\n')
    assert project.only_error().field == "entries[1].effective"


def test_decision_number_used_twice(project):
    decision(project, '- change: moi_ban_hanh\n  procedure: "1.000001"\n')
    decision(project, '- change: moi_ban_hanh\n  procedure: "1.000002"\n', name="qd-10-ubnd-2025-ban-sao")
    error = project.only_error()
    assert error.field == "number" and "10/QĐ-UBND" in error.message
    assert {error.path, error.message.split(" ở ")[1].split(";")[0]} == {
        DECISION, "content/tthc/quyet-dinh/qd-10-ubnd-2025-ban-sao.yml"}


def test_procedure_marked_abolished_without_a_decision(project):
    project.procedure("1.000002", code='"1.000002"', extra="status: bai_bo\n")
    error = project.only_error()
    assert (error.path, error.field) == ("content/tthc/1.000002.yml", "status")
    assert "không có quyết định nào bãi bỏ" in error.message


def test_stated_status_must_agree(project):
    project.procedure("1.000002", code='"1.000002"', extra="status: hieu_luc\n")
    decision(project, '- change: bai_bo\n  procedure: "1.000002"\n')
    error = project.only_error()
    assert error.field == "status" and "đã bãi bỏ" in error.message


def test_stated_successors_must_agree(project):
    project.procedure("1.000002", code='"1.000002"', extra='status: thay_the\nreplaced_by: ["1.004616"]\n')
    decision(project, '- change: thay_the\n  procedure: "1.000001"\n  replaces: ["1.000002"]\n')
    error = project.only_error()
    assert error.field == "replaced_by" and "1.000001" in error.message


def test_bad_decision_fields(project):
    decision(project, '- change: sua_doi\n  procedure: "1.000001"\n', signed="2025-02-30",
             number="10/QD UBND", extra="attachment: qd.pdf\n")
    errors = project.errors()
    # Every mistake in one round: the schema's, and the date and attachment checks beside them.
    assert {e.field for e in errors} == {"number", "entries[1].change", "signed", "attachment"}
    decision(project, '- change: moi_ban_hanh\n  procedure: "1.000001"\n', signed="2025-02-30",
             extra="attachment: qd.pdf\n")
    assert {(e.field, e.line) for e in project.errors()} == {("signed", 3), ("attachment", 6)}


def test_decision_file_name_is_its_url(project):
    decision(project, '- change: moi_ban_hanh\n  procedure: "1.000001"\n', name="QĐ 10 UBND")
    assert "qd-10-ubnd.yml" in project.only_error().message


def git(project, *args):
    subprocess.run(["git", "-C", str(project.path), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin"})


def test_amendment_parts_come_from_git_history(project):
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "v1")
    project.procedure("1.004616", replace={
        "{value: 10, unit: ngay_lam_viec,": "{value: 7, unit: ngay_lam_viec,",
        "        amount: 360000\n": "        amount: 200000\n",
        '        - name: "Văn bằng chuyên môn"\n': '        - name: "Văn bằng chuyên môn"\n          originals: 0\n'
                                                   '          copies: 1\n        - name: "Giấy khám sức khoẻ"\n',
    })
    decision(project, '- change: sua_doi_bo_sung\n  procedure: "1.004616"\n  summary: "Rút ngắn thời hạn"\n')
    git(project, "add", "-A")
    git(project, "commit", "-qm", "amend 1.004616 by 10/QĐ-UBND")
    project.procedure("1.004616", replace={"{value: 10, unit: ngay_lam_viec,": "{value: 7, unit: ngay_lam_viec,",
                                           "        amount: 360000\n": "        amount: 200000\n",
                                           '        - name: "Văn bằng chuyên môn"\n': '        - name: "Văn bằng chuyên môn"\n          originals: 0\n          copies: 1\n        - name: "Giấy khám sức khoẻ"\n',
                                           '  executing: "Phòng Nghiệp vụ Y"': '  executing: "Phòng Nghiệp vụ Dược"'})
    git(project, "commit", "-qam", "later typo fix, not part of the amendment")
    (change,) = next(p for p in project.content().tthc.procedures if p.code == "1.004616").history
    assert change.parts == [
        "Thời hạn giải quyết (Trực tiếp): 10 ngày làm việc → 7 ngày làm việc",
        "Phí, lệ phí (Trực tiếp): 360.000 đồng → 200.000 đồng",
        "Thành phần hồ sơ: bổ sung “Giấy khám sức khoẻ”",
    ]


def test_without_git_the_summary_stands_alone(project):
    decision(project, '- change: sua_doi_bo_sung\n  procedure: "1.004616"\n  summary: "Rút ngắn thời hạn"\n')
    (change,) = next(p for p in project.content().tthc.procedures if p.code == "1.004616").history
    assert change.parts is None and change.summary == "Rút ngắn thời hạn"


# ---- Identity: a decision attaches to exactly the record it names, or says why it cannot ----


def test_a_reference_two_records_could_mean_is_an_error_naming_both(project):
    project.procedure("1.004616-cap-xa", level="xa")
    decision(project, '- change: sua_doi_bo_sung\n  procedure: "1.004616"\n')
    error = project.only_error()
    assert error.field == "entries[1].procedure"
    assert "content/tthc/1.004616.yml" in error.message and "content/tthc/1.004616-cap-xa.yml" in error.message
    assert "level" in error.message


@pytest.mark.parametrize("entry", ['procedure: "1.004616"\n  level: xa', 'procedure: "1.004616-cap-xa"'])
def test_a_twin_is_named_by_its_level_or_its_url(project, entry):
    project.procedure("1.004616-cap-xa", level="xa")
    decision(project, f"- change: sua_doi_bo_sung\n  {entry}\n")
    by_url = {p.url: p for p in project.content().tthc.procedures}
    assert [c.kind for c in by_url["tthc/1.004616-cap-xa/"].history] == ["sua_doi_bo_sung"]
    assert by_url["tthc/1.004616/"].history == []


def test_a_file_name_that_names_another_code_is_an_error(project):
    project.procedure("1.000003", code='"1.000004"')
    error = project.only_error()
    assert (error.path, error.field) == ("content/tthc/1.000003.yml", "code")
    assert "1.000003" in error.message and "1.000004" in error.message


def test_a_record_in_a_subfolder_is_an_error_not_dropped(project):
    project.procedure("cu/1.000005", code='"1.000005"')
    error = project.only_error()
    assert error.path == "content/tthc/cu/1.000005.yml" and "thư mục con" in error.message


def test_one_procedure_twice_in_a_decision(project):
    decision(project, '- change: moi_ban_hanh\n  procedure: "1.004616"\n- change: bai_bo\n  procedure: "1.004616"\n')
    error = project.only_error()
    assert error.field == "entries[2].procedure" and "mục 1" in error.message


@pytest.mark.parametrize(("signed", "effective", "words"), [
    ("2031-03-01", "2031-03-15", "chưa tới"),
    ("1930-03-01", "1930-03-15", "1945"),
])
def test_signing_date_neither_in_the_future_nor_before_1945(project, signed, effective, words):
    decision(project, '- change: moi_ban_hanh\n  procedure: "1.004616"\n', signed=signed, effective=effective)
    error = project.only_error()
    assert error.field == "signed" and words in error.message
