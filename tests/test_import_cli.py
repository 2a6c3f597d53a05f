"""`python -m cchc import`: records written as the build expects them, merged without clobbering,
byte-identical on a second import, and nothing written when an input cannot be read."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT, run_env
from test_import_readers import CHANNEL_HEADER, LEGAL_HEADER, _write_docx

CODE = "1.003516.000.00.00.H99"
NAME = "Cấp lại giấy phép hoạt động đối với cơ sở khám bệnh, chữa bệnh thuộc thẩm quyền của Sở Y tế"
RECORD = f"content/tthc/{CODE}.yml"


def cli(project, *args):
    return subprocess.run([sys.executable, "-m", "cchc", "import", "--root", str(project.path), *map(str, args)],
                          cwd=ROOT, env=run_env(), capture_output=True, text=True, timeout=120)


@pytest.fixture
def export(tmp_path):
    return _write_docx(tmp_path / f"ChiTietTTHC_{CODE}.docx", [
        ("Mã thủ tục", CODE),
        ("Số quyết định", "457/QĐ-UBND"),
        ("Tên thủ tục", NAME),
        ("Cấp thực hiện", "Cấp Tỉnh"),
        ("Lĩnh vực", "Khám bệnh, chữa bệnh"),
        ("Trình tự thực hiện", "Bước 1: Nộp hồ sơ.\nBước 2: Thẩm định:\n- Trường hợp hồ sơ chưa hợp lệ thì thông báo."),
        ("Cách thức thực hiện", [CHANNEL_HEADER, ["Trực tiếp", "03 Ngày làm việc", "Phí : 500000 Đồng", ""],
                                 ["Trực tiếp", "05 Ngày làm việc", "", ""]]),
        ("Căn cứ pháp lý", [LEGAL_HEADER, ["15/2023/QH15", "Luật Khám bệnh, chữa bệnh", "09/01/2023", "Quốc hội"]]),
        ("Kết quả thực hiện", ""),
    ])


def test_an_export_becomes_a_record_that_passes_check_and_states_the_source(project, export):
    result = cli(project, export)
    assert result.returncode == 0, result.stderr
    assert f"tạo mới: {RECORD}" in result.stdout and "cần bổ sung:" in result.stdout and "kết quả thực hiện" in result.stdout
    text = (project.path / RECORD).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/tthc.schema.json\n")
    assert "field: kham-benh-chua-benh" in text  # the field's name became the site's slug
    check = project.check()
    assert check.returncode == 0, check.stderr
    built = project.build()
    assert built.returncode == 0, built.stderr
    page = (project.path / "site/tthc/1.003516/index.html").read_text(encoding="utf-8")
    for fact in ("3 ngày làm việc", "5 ngày làm việc", "Phí: 500.000 đồng", "457/QĐ-UBND", "15/2023/QH15",
                 "Bước 2: Thẩm định:<br>- Trường hợp hồ sơ chưa hợp lệ thì thông báo."):
        assert fact in page, fact
    assert "Kết quả thực hiện</h2>\n<p class=\"cchc-unknown\">Không có thông tin</p>" in page


def test_importing_twice_changes_no_byte_and_keeps_the_editors_additions(project, export):
    assert cli(project, export).returncode == 0
    path = project.path / RECORD
    first = path.read_bytes()
    again = cli(project, export)
    assert again.returncode == 0 and f"không đổi: {RECORD}" in again.stdout
    assert path.read_bytes() == first
    # The editor adds what the source lacked, with a comment; a new import of the source keeps both.
    edited = first.decode("utf-8") + "# bổ sung theo quyết định giấy\nresults:\n  - \"Giấy phép hoạt động\"\n"
    path.write_text(edited, encoding="utf-8")
    third = cli(project, export)
    assert third.returncode == 0 and f"không đổi: {RECORD}" in third.stdout
    assert path.read_text(encoding="utf-8") == edited


def test_a_changed_source_updates_only_its_parts_and_dry_run_writes_nothing(project, export, tmp_path):
    assert cli(project, export).returncode == 0
    path = project.path / RECORD
    path.write_text(path.read_text(encoding="utf-8") + "# ghi chú của người soạn\nsubjects: [\"Tổ chức\"]\n",
                    encoding="utf-8")
    before = path.read_bytes()
    newer = _write_docx(tmp_path / "moi.docx", [("Mã thủ tục", CODE), ("Tên thủ tục", NAME), ("Cấp thực hiện", "Cấp Tỉnh"),
                                                ("Số quyết định", "512/QĐ-UBND")])
    dry = cli(project, "--dry-run", newer)
    assert dry.returncode == 0 and "cập nhật (thử, chưa ghi)" in dry.stdout and "thay đổi: decision" in dry.stdout
    assert path.read_bytes() == before
    real = cli(project, newer)
    assert real.returncode == 0
    text = path.read_text(encoding="utf-8")
    assert 'decision: 512/QĐ-UBND' in text or 'decision: "512/QĐ-UBND"' in text
    assert "# ghi chú của người soạn" in text and "Tổ chức" in text
    assert "times:" in text  # the channels the newer file does not state are kept


@pytest.mark.parametrize("bad", ["hong.docx", "anh.html", "to.xlsx"])
def test_one_unreadable_input_writes_nothing_at_all(project, export, tmp_path, bad):
    path = tmp_path / bad
    if bad == "to.xlsx":  # 100 MB, sparse: refused by its size before it is read
        with open(path, "wb") as handle:
            handle.truncate(100 * 1024 * 1024)
    else:
        path.write_bytes(os.urandom(4096))
    result = cli(project, export, path)
    assert result.returncode == 1 and bad in result.stderr and "Traceback" not in result.stderr
    assert "chưa ghi tệp nào" in result.stderr
    assert not (project.path / RECORD).exists()


def test_an_annex_of_twenty_procedures_imports_into_records_that_pass_check(project, tmp_path):
    from test_import_sheet import MERGED, ROWS, build_xlsx

    # The fixture also holds procedures that share a national code at one level (1.002600 and
    # 1.002600.000.00.00.H99, both provincial): the site identifies those as one, so they are left out here.
    shared = {"1.002600", "1.001987.000.00.00.H99", "1.003516"}
    rows = [row for row in ROWS if not (len(row) > 1 and row[1] in shared)]
    more = [[9 + n, f"1.01235{n}", f"Xác nhận hồ sơ khám sức khỏe đợt {n} cho người lao động tại xã", "05 ngày làm việc",
             "Bộ phận Một cửa Ủy ban nhân dân cấp xã", "Không"] for n in range(3)]
    rows = rows[:-1] + more + rows[-1:]  # three more commune procedures before the total line
    sheet = build_xlsx(tmp_path / "phu-luc.xlsx", rows=rows, merged=[m for m in MERGED if m != "A29:H29"] + ["A26:H26"])
    result = cli(project, sheet)
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (project.path / "content/tthc").glob("*.yml"))
    assert len(written) >= 20, result.stdout
    assert {"1.004616.yml", "1.004616-cap-xa.yml", "1.013868.H99.yml"} <= set(written)
    check = project.check()
    assert check.returncode == 0, check.stderr + result.stdout
    # The annex gives a time and a fee with no channel: they are reported, never put under a channel.
    assert "bảng không ghi hình thức nộp" in result.stdout
    assert "channels" not in (project.path / "content/tthc/1.004616.yml").read_text(encoding="utf-8")
    again = cli(project, sheet)
    assert again.returncode == 0 and "tạo mới:" not in again.stdout and "cập nhật:" not in again.stdout
    assert "Tổng: 0 tạo mới, 0 cập nhật, 21 không đổi." in again.stdout


def test_a_saved_detail_page_imports_into_a_record_whose_page_states_the_source(project, tmp_path):
    from test_import_readers import KT_HTML, KT_NAME

    page_file = tmp_path / "chi-tiet.html"
    page_file.write_text(KT_HTML, encoding="utf-8")
    result = cli(project, page_file)
    assert result.returncode == 0, result.stderr
    (record,) = (project.path / "content/tthc").glob("*.yml")
    assert record.stem == "cong-bo-co-so-kinh-doanh-co-to-chuc-ke-thuoc"  # no code: named from the name
    assert project.check().returncode == 0
    built = project.build()
    assert built.returncode == 0, built.stderr
    page = (project.path / f"site/tthc/{record.stem}/index.html").read_text(encoding="utf-8")
    assert KT_NAME in page and "Mã thủ tục</dt><dd>Chưa có mã" in page
    article = page[page.index("<article"):page.index("</article>")]  # not the JSON-LD, which states them too
    for fee in ("Phí: Không có thông tin", "Lệ phí: Không có thông tin", "Mức giá: Không có thông tin"):
        assert article.count(fee) == 3, fee  # one per channel, as the page gives them
    assert "5 ngày làm việc" in page and "Bản chính: 1 – Bản sao: 0" in page


def test_a_provincial_code_merges_into_the_record_of_its_national_code(project, export, tmp_path):
    """The build gives 1.003516 and 1.003516.000.00.00.H99 at one level one URL: so does the importer."""
    project.write("content/tthc/1.003516.yml", '# yaml-language-server: $schema=../../schemas/tthc.schema.json\n'
                  f'code: "1.003516"\nname: "{NAME}"\nresults: ["Giấy phép hoạt động"]\n')
    result = cli(project, export)
    assert result.returncode == 0 and "cập nhật: content/tthc/1.003516.yml" in result.stdout, result.stdout
    assert [p.name for p in (project.path / "content/tthc").glob("*.yml")] == ["1.003516.yml"]
    text = (project.path / "content/tthc/1.003516.yml").read_text(encoding="utf-8")
    assert CODE in text and "Giấy phép hoạt động" in text
    assert project.check().returncode == 0


def test_two_procedures_of_one_annex_sharing_a_national_code_are_not_merged(project, tmp_path):
    from test_import_sheet import HEADER, build_xlsx

    rows = [HEADER, [1, "1.002600.000.00.00.H99", "Cấp số tiếp nhận Phiếu công bố sản phẩm mỹ phẩm sản xuất trong nước"],
            [2, "1.002600", "Cấp số tiếp nhận Phiếu công bố sản phẩm mỹ phẩm nhập khẩu"]]
    sheet = build_xlsx(tmp_path / "trung.xlsx", rows=rows, merged=[])
    for args in (("--dry-run", sheet), (sheet,)):
        result = cli(project, *args)
        assert result.returncode == 0, result.stderr
        assert "cùng mã quốc gia và cấp" in result.stdout and "dòng 2" in result.stdout
    names = sorted(p.name for p in (project.path / "content/tthc").glob("*.yml"))
    assert names == ["1.002600.000.00.00.H99.yml", "1.002600.yml"]  # both kept, for `make check` to name
    assert "trùng" in project.check().stderr
