"""Every shape of ../shared/REAL-TTHC.md: accepted, and published as the source says it; then each new rejection.

A record states only what its source states. The site shows "Không có thông tin" for what is absent and
"Không" only for an explicit none, on the page, in the list, the CSV and the JSON alike.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import unicodedata

import lxml.html
import pytest
from conftest import Project, run_env

NOT_STATED = "Không có thông tin"
HEADER = "# yaml-language-server: $schema=../../schemas/tthc.schema.json\n"

# One record per shape (file stem → YAML after the header). Names are long enough for the schema.
SHAPES = {
    "1.001987.000.00.00.H99.01": """
        code: "1.001987.000.00.00.H99.01"
        name: "Thủ tục có mã của tỉnh thêm đoạn số sau năm 2025"
        """,
    "1.013868.H99": """
        code: "1.013868.H99"
        level: tinh
        name: "Thủ tục có mã của tỉnh dạng ngắn"
        decision: "457/QĐ-UBND"
        online: {level: muc_do_3}
        """,
    "khong-in-ma": """
        name: "Thủ tục đã có mã nhưng trang nguồn không in mã"
        portal_url: "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=2734"
        """,
    "thu-tuc-moi": """
        new: true
        name: "Thủ tục mới ban hành, chưa được cấp mã"
        """,
    "1.002600": """
        code: "1.002600"
        name: "Thủ tục có hai dòng thời hạn cho cùng một hình thức nộp"
        channels:
          - channel: truc_tiep
            case: "Hồ sơ hợp lệ"
            times: [{value: 3, unit: ngay_lam_viec}]
            fees: [{kind: phi, amount: 500000, description: "phí công bố"}]
          - channel: truc_tiep
            case: "Hồ sơ phải sửa đổi, bổ sung"
            times: [{value: 5, unit: ngay_lam_viec}]
        """,
    "1.003516": """
        code: "1.003516"
        name: "Thủ tục có thời hạn khác nhau theo đối tượng và hai thời hạn trong một ô"
        channels:
          - channel: truc_tiep
            times:
              - {value: 60, unit: ngay, case: "bệnh viện"}
              - {value: 45, unit: ngay, case: "cơ sở khác"}
          - channel: buu_chinh
            times:
              - {value: 30, unit: ngay_lam_viec, note: "kể từ ngày nhận được hồ sơ đầy đủ và hợp lệ"}
              - {value: 180, unit: ngay, case: "cần xác minh"}
        """,
    "1.000100": """
        code: "1.000100"
        name: "Thủ tục chỉ ghi thời hạn bằng lời, giải quyết ngay hoặc không ghi"
        channels:
          - channel: truc_tiep
            times: [{text: "trong thời hạn 20 ngày; 07 ngày làm việc đối với trường hợp cấp lại"}]
          - channel: truc_tuyen
            times: [{value: 0, unit: ngay, note: "giải quyết ngay khi nhận hồ sơ"}]
          - channel: buu_chinh
        receiving_hours: "Từ thứ 2 đến thứ 6 và sáng thứ 7 hàng tuần"
        """,
    "1.000200": """
        code: "1.000200"
        name: "Thủ tục có nhiều loại phí, lệ phí như nguồn ghi"
        channels:
          - channel: truc_tiep
            fees:
              - {kind: phi, amount: 500000, unit: "/cơ sở", case: "địa bàn khó khăn"}
              - {kind: phi, amount: 1000000, unit: "/cơ sở", case: "địa bàn còn lại"}
              - {kind: muc_gia}
              - {amount: 430000}
              - {kind: le_phi, amount: 4500000, description: "Phí thẩm định"}
              - {kind: phi, amount: 700000, unit: "/lần/cơ sở"}
          - channel: truc_tuyen
            fees: []
          - channel: buu_chinh
        """,
    "1.000300": """
        code: "1.000300"
        name: "Thủ tục có hồ sơ ghi số lượng bằng chữ hoặc không ghi"
        dossier:
          sets_text: "01 bộ"
          cases:
            - case: "I- Hồ sơ hành chính và thông tin sản phẩm."
              documents:
                - name: "Bản công bố theo Mẫu số 07"
                  form: "mau/phụ lục 1.docx"
                - name: "Bản sao giấy chứng nhận đăng ký doanh nghiệp"
                  count_text: "01 bản sao có chứng thực"
                - name: "Bản sao giấy chứng nhận đăng ký doanh nghiệp"
                  originals: 1
        """,
    "1.000400": """
        code: "1.000400"
        name: "Thủ tục có bước nhiều dòng, một dòng cơ quan, căn cứ thiếu ngày"
        steps:
          - "Bước 1: Nộp hồ sơ."
          - |-
            Bước 3: Trong thời hạn 60 ngày, Sở Y tế thẩm định:
            - Trường hợp hồ sơ chưa hợp lệ thì thông báo bổ sung.
            - Trường hợp không cấp thì trả lời bằng văn bản.
        agencies:
          executing: "Sở Y Tế BRVT]"
        legal_basis:
          - number: "Luật 11/2008/QH12-Hoạt động chữ thập đỏ"
          - number: "30/2014/TT-BYT"
            title: "Thông tư quy định về khám bệnh, chữa bệnh nhân đạo"
            date: "2014-08-29"
            issuer: "Bộ Y tế"
        conditions: []
        internal_workflow:
          - {step: "B1 và B3", content: "Tiếp nhận hồ sơ và trả kết quả", unit: "Trung tâm Phục vụ hành chính công tỉnh", time: {value: 1, unit: ngay}}
          - {step: "B2", content: "Giải quyết hồ sơ", unit: "Chi cục ATVSTP", time: {value: 19, unit: ngay}}
        related: ["1.002600", "Đăng ký khai sinh"]
        """,
}


def _write_shapes(project: Project) -> None:
    for stem, body in SHAPES.items():
        project.write(f"content/tthc/{stem}.yml", HEADER + re.sub(r"(?m)^        ", "", body.lstrip("\n")))
    # The form as a Mac writes its name (NFD); the record spells it composed.
    project.write(unicodedata.normalize("NFD", "content/tthc/mau/phụ lục 1.docx"), b"PK\x03\x04 form")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("shapes") / "site-src", with_demo_content=False)
    _write_shapes(project)
    project.write("content/tthc/quyet-dinh/qd-447-ubnd-2022.yml", """
        # yaml-language-server: $schema=../../../schemas/decision.schema.json
        number: "447/QĐ-UBND"
        issuer: "Uỷ ban nhân dân tỉnh Thừa Thiên Huế"
        signed: 2022-02-14
        effective: 2022-02-14
        title: "Công bố Danh mục thủ tục hành chính được chuẩn hóa lĩnh vực Y tế"
        entries:
          - {change: chuan_hoa, procedure: "1.002600"}
        """)
    project.write("content/tthc/quyet-dinh/qd-2926-ubnd-2025.yml", """
        # yaml-language-server: $schema=../../../schemas/decision.schema.json
        number: "2926/QĐ-UBND"
        issuer: "Uỷ ban nhân dân tỉnh Lai Châu"
        signed: 2025-11-19
        title: "Công bố danh mục thủ tục hành chính được Uỷ ban nhân dân tỉnh ủy quyền cho Giám đốc Sở Y tế"
        approves_workflows: true
        entries:
          - {change: uy_quyen, procedure: "1.003516"}
          - {change: bai_bo, procedure: "1.000300"}
        """)
    result = project.build()
    assert result.returncode == 0, result.stderr
    site = project.path / "site"
    data = json.loads((site / "tthc/tthc.json").read_text(encoding="utf-8"))
    rows = list(csv.DictReader(io.StringIO((site / "tthc/tthc.csv").read_text(encoding="utf-8-sig"))))
    return site, {r["url"].rsplit("/tthc/", 1)[1].strip("/"): r for r in data["procedures"]}, \
        {r["Đường dẫn"].rsplit("/tthc/", 1)[1].strip("/"): r for r in rows}, data


def words(element) -> str:
    """The text as a reader sees it: every element's text apart from its neighbours'."""
    return " ".join(part for text in element.itertext() for part in [" ".join(text.split())] if part)


def text_of(site, url: str) -> str:
    tree = lxml.html.fromstring((site / url / "index.html").read_text(encoding="utf-8"))
    (article,) = tree.xpath("//article")
    return words(article)


def section(site, slug: str, heading_id: str) -> str:
    """The text from a section's heading to the next h2 (or the printed page's QR code)."""
    html = (site / "tthc" / slug / "index.html").read_text(encoding="utf-8")
    start = html.index(f'id="{heading_id}"')
    end = min(i for i in (html.find("<h2", start + 1), html.find('<figure class="cchc-qr"', start)) if i > 0)
    return words(lxml.html.fromstring(f"<div>{html[html.rindex('<h2', 0, start):end]}</div>"))


def list_entry(site, slug: str) -> str:
    tree = lxml.html.fromstring((site / "tthc/index.html").read_text(encoding="utf-8"))
    (item,) = tree.xpath(f'//ul[contains(@class, "cchc-procs")]/li[a[@href="{slug}/"]]')
    return words(item)


def test_codes_of_2025_and_codes_not_printed(built):
    site, records, rows, _ = built
    assert "1.001987.000.00.00.H99.01" in text_of(site, "tthc/1.001987")
    assert records["1.001987"]["code"] == "1.001987.000.00.00.H99.01" and records["1.001987"]["level"] is None
    page = text_of(site, "tthc/1.013868")
    assert "1.013868.H99" in page and "Quyết định công bố 457/QĐ-UBND" in page
    assert records["1.013868"]["decision"] == "457/QĐ-UBND"
    # An existing procedure whose source does not print its code is not "new".
    assert "Mã thủ tục Chưa có mã" in text_of(site, "tthc/khong-in-ma")
    assert "Thủ tục mới" not in text_of(site, "tthc/khong-in-ma")
    assert rows["khong-in-ma"]["Mã thủ tục"] == "Chưa có mã" and records["khong-in-ma"]["new"] is False
    assert "Mã thủ tục Thủ tục mới, đang cập nhật mã" in text_of(site, "tthc/thu-tuc-moi")
    assert records["thu-tuc-moi"]["new"] is True and records["thu-tuc-moi"]["code"] is None


def test_own_portal_link_and_old_online_level(built):
    site, records, rows, _ = built
    html = (site / "tthc/khong-in-ma/index.html").read_text(encoding="utf-8")
    assert 'href="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=2734"' in html
    assert records["khong-in-ma"]["portal_url"].endswith("ma_thu_tuc=2734")
    page = text_of(site, "tthc/1.013868")
    assert "Mức độ 3 (nay là một phần)" in page and "Nộp hồ sơ trực tuyến" in page
    assert records["1.013868"]["online"]["level"] == "muc_do_3"
    assert rows["1.013868"]["Dịch vụ công trực tuyến"] == "Mức độ 3 (nay là một phần)"


def test_a_record_of_only_a_name_says_every_other_part_is_not_stated(built):
    site, records, rows, _ = built
    for heading in ("trinh-tu", "cach-thuc", "thanh-phan-ho-so", "doi-tuong", "ket-qua", "dieu-kien", "can-cu-phap-ly"):
        assert section(site, "thu-tuc-moi", heading).endswith(NOT_STATED), heading
    page = text_of(site, "tthc/thu-tuc-moi")
    assert f"Cấp thực hiện {NOT_STATED}" in page and f"Loại thủ tục {NOT_STATED}" in page
    assert "Chưa xác định lĩnh vực" in page and " Không " not in f" {page} ".replace(NOT_STATED, "")
    record = records["thu-tuc-moi"]
    for key in ("level", "type", "field", "steps", "channels", "dossier", "subjects", "agencies", "receiving_address",
                "results", "conditions", "legal_basis", "internal_workflow", "online"):
        assert record[key] is None, key
    row = rows["thu-tuc-moi"]
    for column in ("Cấp thực hiện", "Loại thủ tục", "Lĩnh vực", "Thời hạn giải quyết", "Phí, lệ phí",
                   "Cơ quan thực hiện", "Đối tượng thực hiện", "Kết quả thực hiện", "Yêu cầu, điều kiện",
                   "Căn cứ pháp lý"):
        assert row[column] == NOT_STATED, column
    description = (site / "tthc/thu-tuc-moi/index.html").read_text(encoding="utf-8")
    assert "Thời hạn giải quyết: không có thông tin" in description


def test_two_rows_of_one_channel_stay_two_in_order(built):
    site, records, rows, _ = built
    channels = section(site, "1.002600", "cach-thuc")
    assert re.search(r"Trực tiếp \(Hồ sơ hợp lệ\) 3 ngày làm việc Phí: 500\.000 đồng \(phí công bố\) "
                     r"Trực tiếp \(Hồ sơ phải sửa đổi, bổ sung\) 5 ngày làm việc " + NOT_STATED, channels), channels
    assert "3–5 ngày làm việc" in list_entry(site, "1.002600")
    # In the CSV one value a line, as the page has them.
    assert rows["1.002600"]["Thời hạn giải quyết"] == (
        "Trực tiếp (Hồ sơ hợp lệ): 3 ngày làm việc\nTrực tiếp (Hồ sơ phải sửa đổi, bổ sung): 5 ngày làm việc")
    assert rows["1.002600"]["Phí, lệ phí"] == (
        f"Trực tiếp (Hồ sơ hợp lệ): Phí: 500.000 đồng (phí công bố)\nTrực tiếp (Hồ sơ phải sửa đổi, bổ sung): {NOT_STATED}")
    json_rows = records["1.002600"]["channels"]
    assert [(c["case"], c["times"][0]["value"], c["fees"]) for c in json_rows][1] == ("Hồ sơ phải sửa đổi, bổ sung", 5, None)


def test_times_by_case_and_two_in_one_cell(built):
    site, records, rows, _ = built
    channels = section(site, "1.003516", "cach-thuc")
    assert "60 ngày (bệnh viện) 45 ngày (cơ sở khác)" in channels
    assert "30 ngày làm việc kể từ ngày nhận được hồ sơ đầy đủ và hợp lệ 180 ngày (cần xác minh)" in channels
    assert "30 ngày làm việc; 45–180 ngày" in list_entry(site, "1.003516")
    assert rows["1.003516"]["Thời hạn giải quyết"].split("\n") == [
        "Trực tiếp: 60 ngày (bệnh viện)", "Trực tiếp: 45 ngày (cơ sở khác)",
        "Dịch vụ bưu chính: 30 ngày làm việc kể từ ngày nhận được hồ sơ đầy đủ và hợp lệ",
        "Dịch vụ bưu chính: 180 ngày (cần xác minh)"]
    (direct, post) = records["1.003516"]["channels"]
    assert [(t["value"], t["unit"], t["case"]) for t in direct["times"]] == [(60, "ngay", "bệnh viện"), (45, "ngay", "cơ sở khác")]
    assert post["times"][0]["note"] == "kể từ ngày nhận được hồ sơ đầy đủ và hợp lệ"
    description = (site / "tthc/1.003516/index.html").read_text(encoding="utf-8")
    assert 'content="Mã 1.003516. Thời hạn giải quyết 30 ngày làm việc; 45–180 ngày."' in description


def test_time_in_words_zero_and_unknown(built):
    site, records, rows, _ = built
    channels = section(site, "1.000100", "cach-thuc")
    assert "Trực tiếp trong thời hạn 20 ngày; 07 ngày làm việc đối với trường hợp cấp lại" in channels
    assert "Trực tuyến 0 ngày giải quyết ngay khi nhận hồ sơ" in channels
    assert f"Dịch vụ bưu chính {NOT_STATED} {NOT_STATED}" in channels
    (words, zero, unknown) = records["1.000100"]["channels"]
    assert words["times"][0]["value"] is None and words["times"][0]["text"].startswith("trong thời hạn 20 ngày")
    assert zero["times"][0]["value"] == 0 and unknown["times"] is None and unknown["fees"] is None
    assert "Thời gian tiếp nhận hồ sơ Từ thứ 2 đến thứ 6 và sáng thứ 7 hàng tuần" in text_of(site, "tthc/1.000100")
    assert records["1.000100"]["receiving_hours"] == "Từ thứ 2 đến thứ 6 và sáng thứ 7 hàng tuần"


def test_fee_kinds_cases_units_and_none_versus_not_stated(built):
    site, records, rows, _ = built
    fees = section(site, "1.000200", "cach-thuc")
    for text in ("Phí: 500.000 đồng/cơ sở (địa bàn khó khăn)", "Phí: 1.000.000 đồng/cơ sở (địa bàn còn lại)",
                 f"Mức giá: {NOT_STATED}", "Phí, lệ phí: 430.000 đồng", "Lệ phí: 4.500.000 đồng (Phí thẩm định)",
                 "Phí: 700.000 đồng/lần/cơ sở", "Trực tuyến Không", f"Dịch vụ bưu chính {NOT_STATED} {NOT_STATED}"):
        assert text in fees, text
    (direct, online, post) = records["1.000200"]["channels"]
    assert online["fees"] == [] and post["fees"] is None
    assert [(f["kind"], f["amount"], f["unit"], f["case"]) for f in direct["fees"][:4]] == [
        ("phi", 500000, "/cơ sở", "địa bàn khó khăn"), ("phi", 1000000, "/cơ sở", "địa bàn còn lại"),
        ("muc_gia", None, None, None), (None, 430000, None, None)]
    cell = rows["1.000200"]["Phí, lệ phí"]
    assert "Trực tuyến: Không" in cell.split("\n") and cell.endswith(f"\nDịch vụ bưu chính: {NOT_STATED}")
    assert "Trực tiếp: Lệ phí: 4.500.000 đồng (Phí thẩm định)" in cell.split("\n")


def test_dossier_counts_as_text_or_not_given_and_forms_by_their_composed_name(built):
    site, records, rows, _ = built
    dossier = section(site, "1.000300", "thanh-phan-ho-so")
    assert "I- Hồ sơ hành chính và thông tin sản phẩm." in dossier
    assert f"Bản công bố theo Mẫu số 07 Tải mẫu {NOT_STATED}" in dossier
    assert "01 bản sao có chứng thực" in dossier and "Bản chính: 1 " in dossier
    assert dossier.endswith("Số bộ hồ sơ: 01 bộ.")
    assert dossier.count("Bản sao giấy chứng nhận đăng ký doanh nghiệp") == 2  # listed twice at the source: twice here
    html = (site / "tthc/1.000300/index.html").read_text(encoding="utf-8")
    assert 'href="../mau/ph%E1%BB%A5%20l%E1%BB%A5c%201.docx"' in html
    assert (site / "tthc/mau/phụ lục 1.docx").is_file()
    docs = records["1.000300"]["dossier"]["cases"][0]["documents"]
    assert (docs[0]["originals"], docs[0]["copies"], docs[1]["count_text"]) == (None, None, "01 bản sao có chứng thực")
    assert records["1.000300"]["dossier"]["sets"] is None and records["1.000300"]["dossier"]["sets_text"] == "01 bộ"


def test_steps_agency_legal_basis_workflow_related_as_the_source_has_them(built):
    site, records, rows, _ = built
    html = (site / "tthc/1.000400/index.html").read_text(encoding="utf-8")
    assert ("Bước 3: Trong thời hạn 60 ngày, Sở Y tế thẩm định:<br>- Trường hợp hồ sơ chưa hợp lệ thì thông báo bổ "
            "sung.<br>- Trường hợp không cấp thì trả lời bằng văn bản.") in html
    assert records["1.000400"]["steps"][0]["steps"][1].count("\n") == 2
    assert section(site, "1.000400", "co-quan").startswith("Cơ quan thực hiện Cơ quan thực hiện Sở Y Tế BRVT]")
    assert f"Địa chỉ tiếp nhận hồ sơ {NOT_STATED}" in section(site, "1.000400", "co-quan")
    assert section(site, "1.000400", "dieu-kien").endswith("Yêu cầu, điều kiện Không")
    assert rows["1.000400"]["Yêu cầu, điều kiện"] == "Không" and records["1.000400"]["conditions"] == []
    legal = section(site, "1.000400", "can-cu-phap-ly")
    assert f"Luật 11/2008/QH12-Hoạt động chữ thập đỏ {NOT_STATED} {NOT_STATED}" in legal
    assert records["1.000400"]["legal_basis"][0] == {"number": "Luật 11/2008/QH12-Hoạt động chữ thập đỏ",
                                                      "title": None, "date": None, "issuer": None}
    assert rows["1.000400"]["Căn cứ pháp lý"] == ("Luật 11/2008/QH12-Hoạt động chữ thập đỏ\n30/2014/TT-BYT – Thông tư "
                                                  "quy định về khám bệnh, chữa bệnh nhân đạo ngày 29/08/2014 của Bộ Y tế")
    workflow = section(site, "1.000400", "quy-trinh-noi-bo")
    assert "B1 và B3 Tiếp nhận hồ sơ và trả kết quả" in workflow and "B2 Giải quyết hồ sơ Chi cục ATVSTP 19 ngày" in workflow
    related = section(site, "1.000400", "lien-quan")
    assert "Thủ tục có hai dòng thời hạn cho cùng một hình thức nộp (1.002600) Đăng ký khai sinh" in related
    assert 'href="../1.002600/"' in html
    assert [r["url"] is not None for r in records["1.000400"]["related"]] == [True, False]


def test_standardised_and_delegated_decisions_and_an_unknown_effective_date(built):
    site, records, rows, data = built
    changelog = text_of(site, "tthc/thay-doi")
    assert "Chuẩn hóa 1" in changelog and "Ủy quyền 1" in changelog
    assert "Ký ngày 19/11/2025 · chưa rõ ngày hiệu lực" in changelog
    assert "phê duyệt quy trình nội bộ" in changelog
    # Ordered by signing date, newest first, whatever is unknown about the effective date.
    assert changelog.index("2926/QĐ-UBND") < changelog.index("447/QĐ-UBND")
    decision = text_of(site, "tthc/quyet-dinh/qd-2926-ubnd-2025")
    assert "Ngày có hiệu lực Chưa rõ ngày hiệu lực" in decision
    # An abolition without a known effective date is announced, not taken as in force.
    page = text_of(site, "tthc/1.000300")
    assert "Thủ tục này bị bãi bỏ (chưa rõ ngày hiệu lực)" in page and records["1.000300"]["status"] == "hieu_luc"
    history = section(site, "1.002600", "lich-su-thay-doi")
    assert "14/02/2022 Chuẩn hóa theo Quyết định 447/QĐ-UBND" in history
    feed = (site / "tthc/thay-doi/feed.xml").read_text(encoding="utf-8")
    assert "Được ủy quyền giải quyết theo Quyết định 2926/QĐ-UBND" in feed and "chưa rõ ngày hiệu lực" in feed


# ---- Rejections: each new rule, with the message the editor reads ----


def _record(project: Project, stem: str, body: str):
    project.write(f"content/tthc/{stem}.yml", HEADER + body)


@pytest.mark.parametrize(("url", "words"), [
    ("https://dichvucong .thanhhoa.gov.vn", "dấu cách"),
    ("https://", "tên miền"),
    ("dichvucong.thanhhoa.gov.vn", "https://"),
])
def test_url_with_a_space_or_without_host_is_rejected(project, url, words):
    _record(project, "1.000500", f'code: "1.000500"\nname: "Thủ tục có đường dẫn sai"\nonline: {{level: mot_phan, url: "{url}"}}\n')
    error = project.only_error()
    assert (error.field, error.line) == ("online.url", 4) and words in error.message and url in error.message


@pytest.mark.parametrize(("time", "field", "words"), [
    ("{value: 5}", "channels[1].times[1].unit", "unit"),
    ("{unit: ngay}", "channels[1].times[1].value", "value"),
    ('{value: 5, unit: ngay, text: "năm ngày"}', "channels[1].times[1].text", "một trong hai"),
    ('{case: "bệnh viện"}', "channels[1].times[1]", "text"),
])
def test_a_time_is_a_number_with_a_unit_or_words(project, time, field, words):
    _record(project, "1.000500", f'code: "1.000500"\nname: "Thủ tục có thời hạn sai"\n'
                                 f"channels:\n  - channel: truc_tiep\n    times: [{time}]\n")
    error = project.only_error()
    assert error.field == field and words in error.message


@pytest.mark.parametrize(("extra", "field", "words"), [
    ('code: "1.000500"\nnew: true\n', "new", "đã có mã"),
    ('code: "1.000500.000.00.00.H41.01"\n', "code", "H41"),
    ('code: "1.000500.H41"\n', "code", "H41"),
    ('code: "1.000500"\nlegal_basis: [{date: "2014-08-29"}]\n', "legal_basis[1]", "number"),
    ('code: "1.000500"\ndossier: {sets: 1, sets_text: "01 bộ"}\n', "dossier.sets_text", "một trong hai"),
    ('code: "1.000500"\nchannels: [{channel: truc_tiep, fees: [{kind: phi_dich_vu}]}]\n', "channels[1].fees[1].kind", "muc_gia"),
])
def test_new_rules(project, extra, field, words):
    _record(project, "1.000500", extra + 'name: "Thủ tục thử quy tắc mới"\n')
    error = project.only_error()
    assert error.field == field and words in error.message, str(error)


def test_a_v1_record_is_named_with_the_command_that_upgrades_it(project):
    _record(project, "1.000500", 'code: "1.000500"\nname: "Thủ tục ghi theo mẫu cũ"\n'
                                 "channels:\n  - channel: truc_tiep\n    time: {value: 5, unit: ngay}\n")
    error = project.only_error()
    assert error.line == 1 and "python -m cchc upgrade" in error.message


def test_seven_missing_required_fields_are_seven_errors_in_one_run(project):
    _record(project, "1.000500", """\
code: "1.000500"
level: tinh
channels:
  - times: [{value: 5, unit: ngay}]
  - fees: []
dossier:
  cases:
    - case: "Cấp mới"
      documents:
        - {originals: 1}
        - {copies: 1}
internal_workflow:
  - {unit: "Văn thư"}
  - {step: "B2"}
""")
    result = project.check()
    assert result.returncode == 1
    errors = [line.strip() for line in result.stderr.splitlines() if line.startswith("  content/")]
    assert len(errors) == 7, result.stderr
    assert all("thiếu trường bắt buộc" in e for e in errors)
    assert {e.split(": ")[1] for e in errors} == {
        "name", "channels[1].channel", "channels[2].channel", "dossier.cases[1].documents[1].name",
        "dossier.cases[1].documents[2].name", "internal_workflow[1].content", "internal_workflow[2].content"}


def test_checks_across_records_run_beside_schema_errors(project):
    """A broken record still takes part: its duplicate is named, and a decision naming it is not blamed."""
    _record(project, "1.000500", 'code: "1.000500"\nname: "Thủ tục thứ nhất"\nlevel: tinh-thanh\n')
    _record(project, "1.000500-ban-sao", 'code: "1.000500"\nname: "Thủ tục thứ hai trùng mã"\n')
    project.write("content/tthc/quyet-dinh/qd-1-ubnd-2025.yml", """
        # yaml-language-server: $schema=../../../schemas/decision.schema.json
        number: "1/QĐ-UBND"
        issuer: "Uỷ ban nhân dân tỉnh Hoà An"
        signed: 2025-01-02
        title: "Quyết định thử với một thủ tục có lỗi và một thủ tục không có"
        entries:
          - {change: chuan_hoa, procedure: "1.000500"}
          - {change: uy_quyen, procedure: "1.999999"}
        """)
    found = {(e.path.rsplit("/", 1)[1], e.field) for e in project.errors()}
    assert found == {("1.000500.yml", "level"), ("1.000500.yml", "code"),
                     ("qd-1-ubnd-2025.yml", "entries[2].procedure")}, found


def test_the_unstated_field_name_is_not_free_for_a_configured_field(project):
    text = (project.path / "content/linh-vuc.yml").read_text(encoding="utf-8")
    project.write("content/linh-vuc.yml", text.replace("slug: duoc-pham", "slug: chua-xac-dinh", 1))
    assert "slug: chua-xac-dinh" in (project.path / "content/linh-vuc.yml").read_text(encoding="utf-8")
    error = project.only_error()
    assert error.path == "content/linh-vuc.yml" and "chua-xac-dinh" in error.message


def test_an_upgraded_v1_record_keeps_its_none_as_none(project):
    """v1 read a missing fees or conditions as "none"; after `upgrade` the page still says "Không"."""
    path = project.write("content/tthc/1.000500.yml", HEADER + """\
code: "1.000500"
level: tinh
name: "Thủ tục gõ theo mẫu cũ, không thu phí"
type: "TTHC được luật giao quy định chi tiết"
field: duoc-pham
channels:
  - channel: truc_tiep
    time: {value: 5, unit: ngay_lam_viec}  # ghi chú của người soạn
    time_note: "Kể từ ngày nhận đủ hồ sơ"
""")
    result = subprocess.run([sys.executable, "-m", "cchc", "upgrade", str(path)], env=run_env(),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "# ghi chú của người soạn" in path.read_text(encoding="utf-8")
    (procedure,) = project.content().tthc.procedures
    (channel,) = procedure.channels
    assert channel.fees == () and procedure.conditions == ()
    assert (str(channel.times[0]), channel.times[0].note) == ("5 ngày làm việc", "Kể từ ngày nhận đủ hồ sơ")


@pytest.mark.parametrize(("name", "words"), [
    ("\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b", "nhìn thấy"),
    ("Cấp giấy phép \u202ecod.exe\u202c hành nghề", "U+202E"),
])
def test_a_procedure_name_must_be_visible_and_without_bidi_controls(project, name, words):
    _record(project, "1.000500", f'code: "1.000500"\nname: "{name}"\n')
    error = project.only_error()
    assert error.field == "name" and words in error.message
