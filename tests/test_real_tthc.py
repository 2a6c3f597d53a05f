"""Seven real procedures, rewritten in format v2, built for real.

The records in tests/real_tthc/ are the seven of ../shared/real-tthc/ (typed by an editor from public
portals, each file's header naming its source), rewritten in v2 without changing or inventing a fact.
They are built once, in a temporary project with the real templates and hooks, and every page, list
entry, CSV row and JSON record is checked against what the SOURCE says: every time row and fee case,
"Không có thông tin" where the source is silent, "Không" only where it says none, never "0 ngày" or
"Miễn phí". The expected values below are read from the sources (the files' headers and the values the
editor typed), not from the code: where the output says something else, the output is wrong.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin

import lxml.html
import pytest
from conftest import ROOT, Project

pytestmark = pytest.mark.build

RECORDS = Path(__file__).resolve().parent / "real_tthc"
ORIGINALS = ROOT.parent / "shared" / "real-tthc"  # the editor's first typing, where this checkout has it
NOT_STATED = "Không có thông tin"
PORTAL = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc="
# The record with a provincial code is Gia Lai's (.H21): the temporary site is a department of that province.
PROVINCE = "H21"
# Form files the records name; the originals say they are not in the repository, so the test makes
# placeholders. The one with Vietnamese letters is written in NFD (as macOS writes names), to prove that
# the record (NFC) still finds it and that it is published under its NFC name.
FORMS = {"mau/phụ lục 1.docx": True, "mau/PhulucII_TT07_2018.doc": False, "mau/Mau TTHC 7.docx": False}

KINDS = {"phi": "Phí", "le_phi": "Lệ phí", "muc_gia": "Mức giá"}
UNITS = {"ngay_lam_viec": "ngày làm việc", "ngay": "ngày"}
CHANNELS = {"truc_tiep": "Trực tiếp", "truc_tuyen": "Trực tuyến", "buu_chinh": "Dịch vụ bưu chính"}


# ---------------------------------------------------------------------------------------------------
# What each source says


@dataclass(frozen=True)
class Time:
    value: int | None = None
    unit: str | None = None
    note: str | None = None
    text: str | None = None  # a time the source gives only in words

    @property
    def shown(self) -> str:
        return f"{self.value} {UNITS[self.unit]}" if self.value is not None else self.text


@dataclass(frozen=True)
class Fee:
    kind: str
    amount: int | None = None  # None: the source names the kind, not the amount
    case: str | None = None
    description: str | None = None

    @property
    def money(self) -> str:
        if self.amount is None:
            return NOT_STATED
        return f"{self.amount:,}".replace(",", ".") + " đồng"

    @property
    def label(self) -> str:
        return f"{KINDS[self.kind]}: {self.money}"

    @property
    def csv(self) -> str:
        # As the page prints it: the case, then the description, each in brackets.
        return self.label + (f" ({self.case})" if self.case else "") + (f" ({self.description})" if self.description else "")


@dataclass(frozen=True)
class Row:
    """One row of the source's "Cách thức thực hiện" table."""

    channel: str
    times: tuple[Time, ...]
    fees: tuple[Fee, ...] | None  # None: the source's fee column is empty; (): it says none
    description: str | None = None


@dataclass(frozen=True)
class Doc:
    name: str
    originals: int
    copies: int
    form: str | None = None  # as the record names it
    href_end: str | None = None  # how the page must link it: percent-encoded NFC


@dataclass(frozen=True)
class Source:
    file: str
    slug: str
    name: str
    portal_url: str | None
    rows: tuple[Row, ...] | None = None  # None: "Cách thức thực hiện" not seen
    code: str | None = None
    decision: str | None = None
    level: str | None = None
    type: str | None = None
    field: tuple[str, str] | None = None  # (slug, name)
    steps: tuple[str, ...] | None = None
    dossier_case: str | None = None
    documents: tuple[Doc, ...] | None = None
    executing: str | None = None
    online_level: str | None = None
    online_label: str | None = None
    online_url: str | None = None  # the address the record states
    list_time: str | None = None  # the time summary the list shows


FEE_CONG_BO = Fee("phi", 500000, description="phí công bố")
BRVT_3 = ("- Thời gian tiếp nhận hồ sơ và trả kết quả: Các ngày làm việc trong tuần từ thứ hai đến thứ sáu (Buổi sáng "
          "từ 7 giờ 30 đến 12 giờ 00, buổi chiều từ 13 giờ 00 đến 16 giờ 30), trừ ngày lễ, Tết. - Thời hạn giải quyết: "
          "+ 03 ngày làm việc kể từ ngày nhận được hồ sơ công bố hợp lệ và phí công bố theo quy định;")
BRVT_3_ONLINE = ("- Nộp trực tuyến qua https://dichvucong.baria-vungtau.gov.vn - Thời hạn giải quyết: + 03 ngày làm việc "
                 "kể từ ngày nhận được hồ sơ công bố hợp lệ và phí công bố theo quy định;")
BRVT_3_POST = ("- Thời hạn giải quyết: + 03 ngày làm việc kể từ ngày nhận được hồ sơ công bố hợp lệ và phí công bố theo "
               "quy định;")
BRVT_5 = ("+ 05 ngày làm việc kể từ ngày nhận được hồ sơ công bố và phí công bố theo quy định (đối với trường hợp hồ sơ "
          "chưa đáp ứng theo quy định cần sửa đổi, bổ sung).")

GCN_20 = ("Cấp lại, điều chỉnh Giấy chứng nhận đủ điều kiện kinh doanh dược trong thời hạn 20 ngày kể từ ngày ghi trên "
          "Phiếu tiếp nhận hồ sơ đối với trường hợp quy định tại điểm a khoản 2 và khoản 3 Điều 36 của Luật Dược")
GCN_07 = ("Cấp lại Giấy chứng nhận đủ điều kiện kinh doanh dược trong thời hạn 07 ngày làm việc kể từ ngày ghi trên "
          "Phiếu tiếp nhận hồ sơ đối với trường hợp quy định tại điểm b khoản 2 Điều 36 của Luật Dược")
GCN_CELL = f"- {GCN_20}; - {GCN_07}"
GCN_CELL_CUT = f"- {GCN_20}; - Cấp lại Giấy chứng nhận đủ đi…"  # the source is cut here

KE_THUOC_TIME = Time(5, "ngay_lam_viec", "Trong thời hạn 05 (năm) ngày làm việc, kể từ ngày ghi trên Phiếu tiếp nhận hồ sơ")
KE_THUOC_FEES = (Fee("phi"), Fee("le_phi"), Fee("muc_gia"))  # "Phí : Không có thông tin / Lệ phí : … / Mức giá : …"

GPP_TIME = Time(30, "ngay", "30 ngày kể từ ngày ghi trên Phiếu tiếp nhận hồ sơ")
GPP_FEES = (
    Fee("phi", 500000, "cơ sở tại các địa bàn có điều kiện kinh tế - xã hội khó khăn và đặc biệt khó khăn",
        "- Đối với cơ sở tại các địa bàn có điều kiện kinh tế - xã hội khó khăn và đặc biệt khó khăn theo quy định tại "
        "Nghị định số 31/2021/NĐ-CP ngày 26/3/2021 của Chính phủ quy định chi tiết và hướng dẫn thi hành một số điều "
        "của Luật đầu tư: 500.000 đồng/cơ sở"),
    Fee("phi", 1000000, "các cơ sở tại các địa bàn còn lại",
        "- Đối với các cơ sở tại các địa bàn còn lại: 1.000.000 đồng/cơ sở"),
)
GPP_ONLINE_TEXT = "- Địa chỉ trực tuyến: https://dichvucong .thanhhoa.gov.vn (một phần)"  # the stray space is the source's

GPHD_SMALL = ("Phí thẩm định cấp GPHĐ khi thay đổi quy mô giường bệnh, cơ cấu tổ chức Phòng khám chuyên khoa, Phòng khám, "
              "tư vấn và Điều trị dự phòng, Phòng khám, Điều trị bệnh nghề nghiệp, Phòng chẩn đoán hình ảnh, phòng X quang, "
              "Phòng xét nghiệm, Cơ sở dịch vụ y tế, Các hình thức tổ chức khám bệnh, chữa bệnh khác")
GPHD_SMALL_CUT = ("Phí thẩm định cấp GPHĐ khi thay đổi quy mô giường bệnh, cơ cấu tổ chức Phòng khám chuyên khoa, Phòng "
                  "khám, tư vấn và Điều trị dự phòng, Phòng khám, Điều trị bệnh nghề nghiệp, Phòng chẩn đoán hình ảnh, "
                  "phòng X quang, Phòng xét nghiệm, Cơ sở …")
GPHD_YHCT = Fee("phi", 3100000, description="Phòng khám chuyên khoa y học cổ truyền")

KIEM_SOAT_TIME = Time(10, "ngay", "10 ngày kể từ ngày nhận được văn bản thông báo")

GIA_LAI_STEP_3 = (
    "Bước 3: Trong thời hạn 60 ngày đối với bệnh viện, 45 ngày đối với các hình thức tổ chức khám bệnh, chữa bệnh "
    "khác, kể từ ngày nhận đủ hồ sơ, Sở Y tế sẽ xem xét thẩm định hồ sơ và thẩm định tại cơ sở để cấp GPHĐ:",
    "- Trường hợp hồ sơ chưa hợp lệ thì trong thời hạn 10 ngày làm việc, kể từ ngày ghi trên Phiếu tiếp nhận hồ sơ, "
    "Sở Y tế phải có văn bản thông báo cho cơ sở xin cấp giấy phép hoàn chỉnh hồ sơ. Thời gian giải quyết thủ tục sẽ "
    "tính từ ngày nhận đủ hồ sơ bổ sung.",
    "- Trường hợp hồ sơ đã đầy đủ và hợp lệ, Sở Y tế thành lập đoàn thẩm định và tiến hành thẩm định tại cơ sở khám "
    "bệnh, chữa bệnh để cấp giấy phép hoạt động.",
    "- Trường hợp không cấp GPHĐ, Sở Y tế phải có văn bản trả lời và nêu lý do.",
)

SOURCES = (
    Source(
        file="1.002600.yml", slug="1.002600", code="1.002600", portal_url=PORTAL + "175941",
        name="Cấp số tiếp nhận Phiếu công bố sản phẩm mỹ phẩm sản xuất trong nước",
        rows=(
            Row("truc_tiep", (Time(3, "ngay_lam_viec"),), (FEE_CONG_BO,), BRVT_3),
            Row("truc_tiep", (Time(5, "ngay_lam_viec"),), None, BRVT_5),
            Row("truc_tuyen", (Time(3, "ngay_lam_viec"),), (FEE_CONG_BO,), BRVT_3_ONLINE),
            Row("truc_tuyen", (Time(5, "ngay_lam_viec"),), None, BRVT_5),
            Row("buu_chinh", (Time(3, "ngay_lam_viec"),), (FEE_CONG_BO,), BRVT_3_POST),
            Row("buu_chinh", (Time(5, "ngay_lam_viec"),), None, BRVT_5),
        ),
        online_url="https://dichvucong.baria-vungtau.gov.vn",  # level: not stated
        list_time="3–5 ngày làm việc",
    ),
    Source(
        file="1.003516.000.00.00.H21.yml", slug="1.003516", code="1.003516.000.00.00.H21", portal_url=None,
        decision="457/QĐ-UBND", level="Cấp tỉnh", field=("kham-benh-chua-benh", "Khám bệnh, chữa bệnh"),
        name="Cấp lại giấy phép hoạt động đối với cơ sở khám bệnh, chữa bệnh thuộc thẩm quyền của Sở Y tế do bị mất, "
             "hoặc hư hỏng hoặc bị thu hồi do cấp không đúng thẩm quyền",
        type="TTHC được luật giao cho địa phương quy định hoặc quy định chi tiết (TTHC đặc thù của địa phương)",
        steps=(
            "Bước 1: Cơ sở khám bệnh, chữa bệnh gửi hồ sơ xin cấp giấy phép hoạt động (GPHĐ) về Sở Y tế;",
            "Bước 2: Sở Y tế tiếp nhận và gửi Phiếu tiếp nhận hồ sơ theo quy định tại mẫu số 09 Phụ lục XI ban hành kèm "
            "theo Nghị định số 109/2016/NĐ-CP cho người đề nghị",
            "\n".join(GIA_LAI_STEP_3),
            "Bước 4 : Trả GPHĐ cho cơ sở",
        ),
    ),
    Source(
        file="cap-lai-dieu-chinh-gcn-du-dieu-kien-kinh-doanh-duoc-thuoc-tham-quyen-so-y-te.yml",
        slug="cap-lai-dieu-chinh-gcn-du-dieu-kien-kinh-doanh-duoc-thuoc-tham-quyen-so-y-te",
        portal_url=PORTAL + "406962&open_popup=1",
        name="Cấp lại, điều chỉnh Giấy chứng nhận đủ điều kiện kinh doanh dược thuộc thẩm quyền của Sở Y tế (Cơ sở bán "
             "buôn thuốc, nguyên liệu làm thuốc; Cơ sở bán lẻ thuốc bao gồm nhà thuốc, quầy thuốc, tủ thuốc trạm y tế "
             "xã, cơ sở chuyên bán lẻ dược liệu, thuốc dược liệu, thuốc cổ truyền)",
        rows=(
            Row("truc_tiep", (Time(text=GCN_20), Time(text=GCN_07)), None, GCN_CELL),
            Row("truc_tuyen", (Time(text=GCN_20), Time(text=GCN_07)), None, GCN_CELL),
            Row("buu_chinh", (Time(text=GCN_20),), None, GCN_CELL_CUT),
        ),
    ),
    Source(
        file="cong-bo-co-so-kinh-doanh-co-to-chuc-ke-thuoc.yml", slug="cong-bo-co-so-kinh-doanh-co-to-chuc-ke-thuoc",
        portal_url=PORTAL + "2734", name="Công bố cơ sở kinh doanh có tổ chức kệ thuốc",
        rows=tuple(Row(channel, (KE_THUOC_TIME,), KE_THUOC_FEES) for channel in CHANNELS),
        dossier_case="Bao gồm",
        documents=(
            Doc("Bản công bố cơ sở kinh doanh có tổ chức kệ thuốc theo Mẫu số 07", 1, 0, "mau/phụ lục 1.docx",
                "mau/ph%E1%BB%A5%20l%E1%BB%A5c%201.docx"),
            Doc("Bản sao Quyết định thành lập hoặc Giấy chứng nhận đầu tư hoặc Giấy chứng nhận đăng ký doanh nghiệp có "
                "ký, đóng dấu xác nhận của cơ sở đó;", 0, 1),
            Doc("Bản sao có chứng thực văn bằng, chứng chỉ sơ cấp dược trở lên của người chịu trách chuyên môn;", 0, 1),
            Doc("Danh mục thuốc dự kiến bán tại kệ thuốc. Danh mục này phải nằm trong Danh mục thuốc được bán tại kệ "
                "thuốc theo quy định tại Phụ lục II kèm theo Thông tư này;", 1, 0, "mau/PhulucII_TT07_2018.doc",
                "mau/PhulucII_TT07_2018.doc"),
            Doc("Bản chụp tủ, quầy, kệ bảo quản thuốc;", 1, 0),
            Doc("Quy trình kiểm tra, giám sát: chất lượng thuốc; xuất, nhập thuốc của cơ sở.", 1, 0),
        ),
        executing="Sở Y tế",
        list_time="5 ngày làm việc",
    ),
    Source(
        file="danh-gia-dap-ung-thuc-hanh-tot-co-so-ban-le-thuoc.yml", slug="danh-gia-dap-ung-thuc-hanh-tot-co-so-ban-le-thuoc",
        portal_url=PORTAL + "212227", name="Đánh giá đáp ứng Thực hành tốt cơ sở bán lẻ thuốc",
        rows=(
            Row("truc_tiep", (GPP_TIME,), GPP_FEES),
            Row("truc_tuyen", (GPP_TIME,), GPP_FEES, GPP_ONLINE_TEXT),
            Row("buu_chinh", (GPP_TIME,), GPP_FEES),
        ),
        online_level="mot_phan", online_label="Một phần",  # the address itself is not a valid URL
        list_time="30 ngày",
    ),
    Source(
        file="dieu-chinh-gphd-kbcb-thay-doi-quy-mo-giuong-benh-co-cau-to-chuc-pham-vi-chuyen-mon.yml",
        slug="dieu-chinh-gphd-kbcb-thay-doi-quy-mo-giuong-benh-co-cau-to-chuc-pham-vi-chuyen-mon",
        portal_url=PORTAL + "5065",
        name="Điều chỉnh giấy phép hoạt động đối với cơ sở khám bệnh, chữa bệnh khi thay đổi quy mô giường bệnh hoặc cơ "
             "cấu tổ chức hoặc phạm vi hoạt động chuyên môn thuộc thẩm quyền của Sở Y tế",
        rows=(
            Row("truc_tiep", (Time(60, "ngay"),), (
                Fee("phi", 4300000, description=GPHD_SMALL),
                Fee("phi", 4300000, description="Thẩm định cấp GPHĐ khi thay đổi phạm vi hoạt động chuyên môn"),
                Fee("phi", 5700000, description="Phí thẩm định cấp GPHĐ khi thay đổi quy mô giường bệnh, cơ cấu tổ chức "
                    "Phòng khám đa khoa, nhà hộ sinh, bệnh xá thuộc lực lượng Công an nhân dân, cơ sở khám bệnh, chữa bệnh "
                    "y học gia đình (hoặc cơ sở khám bệnh, chữa bệnh theo nguyên lý y học gia đình)"),
                Fee("phi", 10500000, description="Phí thẩm định cấp GPHĐ khi thay đổi quy mô giường bệnh, cơ cấu tổ chức "
                    "Bệnh viện"),
                GPHD_YHCT,
            ), "Trong thời hạn 60 ngày kể từ ngày nhận đủ hồ sơ đối với bệnh viện"),
            Row("truc_tiep", (Time(45, "ngay"),), (GPHD_YHCT, Fee("phi", 4300000, description=GPHD_SMALL_CUT))),
        ),
        list_time="45–60 ngày",
    ),
    Source(
        file="kiem-soat-thay-doi-diem-c-d-khoan-1-dieu-11-thong-tu-02-2018-tt-byt.yml",
        slug="kiem-soat-thay-doi-diem-c-d-khoan-1-dieu-11-thong-tu-02-2018-tt-byt",
        portal_url=PORTAL + "212233",
        name="Kiểm soát thay đổi khi có thay đổi thuộc một trong các trường hợp quy định tại các điểm c và d Khoản 1 "
             "Điều 11 Thông tư 02/2018/TT-BYT",
        rows=(  # "Phí : Đồng (không)": no fee
            Row("truc_tiep", (KIEM_SOAT_TIME,), ()),
            Row("truc_tuyen", (KIEM_SOAT_TIME,), (), "Địa chỉ trực tuyến: https://dichvucong.thanhhoa.gov.vn (toàn trình)"),
            Row("buu_chinh", (KIEM_SOAT_TIME,), ()),
        ),
        dossier_case="Bao gồm",
        documents=(Doc("Báo cáo thay đổi kèm tài liệu kỹ thuật tương ứng với sự thay đổi.", 1, 0, "mau/Mau TTHC 7.docx",
                       "mau/Mau%20TTHC%207.docx"),),
        executing="Sở Y tế",
        online_level="toan_trinh", online_label="Toàn trình", online_url="https://dichvucong.thanhhoa.gov.vn",
        list_time="10 ngày",
    ),
)
BY_SLUG = {s.slug: s for s in SOURCES}
ZERO_OR_FREE = re.compile(r"(?<![\d.])0 ngày|Miễn phí")


# ---------------------------------------------------------------------------------------------------
# The site, built once


def make_project(path: Path) -> Project:
    """A temporary project holding only the seven records and the form files they name."""
    project = Project(path, with_demo_content=False)
    config = project.path / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "province_code: H99" in text
    config.write_text(text.replace("province_code: H99", f"province_code: {PROVINCE}"), encoding="utf-8")
    folder = project.path / "content" / "tthc"
    folder.mkdir(parents=True, exist_ok=True)
    for record in sorted(RECORDS.glob("*.yml")):
        shutil.copyfile(record, folder / record.name)
    for name, decomposed in FORMS.items():
        target = folder / (unicodedata.normalize("NFD", name) if decomposed else name)
        target.parent.mkdir(parents=True, exist_ok=True)
        # The first bytes of the real type (the build publishes only files whose content matches their name).
        signature = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" if name.endswith(".doc") else b"PK\x03\x04"
        target.write_bytes(signature + b" placeholder: the source's form file is not in the repository\n")
    return project


@dataclass
class Built:
    project: Project
    site: Path
    listing: lxml.html.HtmlElement
    rows: list[dict[str, str]]
    data: dict

    def page(self, slug: str) -> lxml.html.HtmlElement:
        return lxml.html.fromstring((self.site / "tthc" / slug / "index.html").read_text(encoding="utf-8"))

    def page_text(self, slug: str) -> str:
        return (self.site / "tthc" / slug / "index.html").read_text(encoding="utf-8")

    def row(self, slug: str) -> dict[str, str]:
        found = [r for r in self.rows if r["Đường dẫn"].endswith(f"/tthc/{slug}/")]
        assert len(found) == 1, slug
        return found[0]

    def record(self, slug: str) -> dict:
        found = [r for r in self.data["procedures"] if r["url"].endswith(f"/tthc/{slug}/")]
        assert len(found) == 1, slug
        return found[0]

    def entry(self, slug: str) -> lxml.html.HtmlElement:
        found = self.listing.xpath(f'//ul[contains(@class, "cchc-procs")]/li[a[@href="{slug}/"]]')
        assert len(found) == 1, slug
        return found[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    project = make_project(tmp_path_factory.mktemp("real-tthc") / "site-src")
    result = project.build()
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    site = project.path / "site"
    listing = lxml.html.fromstring((site / "tthc" / "index.html").read_text(encoding="utf-8"))
    raw = (site / "tthc" / "tthc.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "the CSV is UTF-8 with BOM, for Excel"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    data = json.loads((site / "tthc" / "tthc.json").read_text(encoding="utf-8"))
    return Built(project, site, listing, rows, data)


def words(element) -> str:
    return " ".join(element.text_content().split())


def section(page, anchor: str) -> list:
    """The elements after <h2 id=anchor>, up to the next heading of that level."""
    heading = page.get_element_by_id(anchor)
    out = []
    for element in heading.itersiblings():
        if element.tag == "h2" or element.xpath(".//h2"):
            break
        if words(element) or element.xpath(".//a | .//br"):  # not an empty wrapper
            out.append(element)
    return out


def facts(page, index: int = 0) -> dict[str, str]:
    """A <dl class="cchc-facts"> as label → value."""
    dl = page.xpath('//dl[contains(@class, "cchc-facts")]')[index]
    return {words(dt): words(dd) for dt, dd in zip(dl.findall("dt"), dl.findall("dd"), strict=True)}


def assert_not_stated(page, anchor: str) -> None:
    parts = section(page, anchor)
    assert len(parts) == 1 and words(parts[0]) == NOT_STATED, (anchor, [words(p) for p in parts])
    assert "cchc-unknown" in parts[0].get("class", ""), anchor


# ---------------------------------------------------------------------------------------------------
# The records themselves


def test_the_seven_records_keep_their_names_and_source_headers():
    names = sorted(p.name for p in RECORDS.glob("*.yml"))
    assert names == sorted(s.file for s in SOURCES)
    for source in SOURCES:
        text = (RECORDS / source.file).read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../../schemas/tthc.schema.json\n# NGUỒN: "), source.file
        assert "time:" not in text and "time_note" not in text, f"{source.file} is still v1"
        if ORIGINALS.is_dir():
            original = (ORIGINALS / source.file).read_text(encoding="utf-8").splitlines()
            header = original[: next(i for i, x in enumerate(original) if not x.startswith("#"))]
            assert text.splitlines()[: len(header)] == header, source.file


def test_the_records_pass_the_check(built):
    result = built.project.check()
    assert result.returncode == 0, result.stderr
    assert "7 thủ tục (7 đang có hiệu lực)" in result.stdout


def test_a_form_file_written_in_nfd_is_found_and_published_under_its_nfc_name(built):
    on_disk = os.listdir(built.project.path / "content" / "tthc" / "mau")
    assert unicodedata.normalize("NFD", "phụ lục 1.docx") in on_disk
    assert "phụ lục 1.docx" not in on_disk  # the test really wrote the decomposed form
    published = os.listdir(built.site / "tthc" / "mau")
    assert sorted(published) == sorted(name.split("/")[1] for name in FORMS)  # composed (NFC) names


def test_a_record_with_the_online_address_typed_with_its_space_is_rejected(project):
    """The Thanh Hoá source gives "https://dichvucong .thanhhoa.gov.vn": not a URL, and the check says why."""
    text = (RECORDS / "danh-gia-dap-ung-thuc-hanh-tot-co-so-ban-le-thuoc.yml").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("  # url bỏ:"))
    project.write("content/tthc/danh-gia-dap-ung-thuc-hanh-tot-co-so-ban-le-thuoc.yml",
                  text.replace(line, '  url: "https://dichvucong .thanhhoa.gov.vn"'))
    error = project.only_error()
    assert error.field == "online.url", str(error)
    assert "dấu cách" in error.message and "https://dichvucong .thanhhoa.gov.vn" in error.message, str(error)
    result = project.check()
    assert result.returncode == 1
    assert "online.url" in result.stderr and "đường dẫn có dấu cách" in result.stderr, result.stderr


# ---------------------------------------------------------------------------------------------------
# The procedure pages


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.slug)
def test_page_says_what_the_source_says(built, source: Source):
    page = built.page(source.slug)
    text = built.page_text(source.slug)
    assert words(page.xpath("//h1")[0]) == source.name
    assert not ZERO_OR_FREE.search(text), "a value the source never gives"

    head = facts(page)
    if source.code:
        assert head["Mã thủ tục"] == source.code
        assert "Chưa có mã" not in text
    else:
        assert head["Mã thủ tục"] == "Chưa có mã"  # an existing procedure whose code the page did not print
        assert "Thủ tục mới" not in text
    assert head["Cấp thực hiện"] == (source.level or NOT_STATED)
    assert head["Loại thủ tục"] == (source.type or NOT_STATED)
    if source.field:
        assert head["Lĩnh vực"] == source.field[1]
    assert head["Dịch vụ công trực tuyến"] == (source.online_label or NOT_STATED)
    if source.decision:
        assert head["Quyết định công bố"] == source.decision
    else:
        assert "Quyết định công bố" not in head

    national = page.xpath('//a[normalize-space() = "Xem trên Cổng Dịch vụ công"]/@href')
    if source.portal_url:
        assert national == [source.portal_url]
    submit = page.xpath('//a[normalize-space() = "Nộp hồ sơ trực tuyến"]/@href')
    if source.online_url:  # the source gives the address to submit at, with or without a level
        assert submit == [source.online_url]
    elif not source.online_level:
        assert submit == []  # neither a level nor an address stated: no button

    # Sections the source is silent on (no record states subjects, results, conditions, legal basis).
    for anchor in ("doi-tuong", "ket-qua", "dieu-kien", "can-cu-phap-ly"):
        assert_not_stated(page, anchor)
    if source.steps is None:
        assert_not_stated(page, "trinh-tu")
    if source.rows is None:
        assert_not_stated(page, "cach-thuc")
    if source.documents is None:
        assert_not_stated(page, "thanh-phan-ho-so")
    agencies = facts(page, 1)
    assert agencies["Địa chỉ tiếp nhận hồ sơ"] == NOT_STATED
    if source.executing:
        assert [v for k, v in agencies.items() if "thực hiện" in k] == [source.executing]
    else:
        assert agencies["Cơ quan thực hiện"] == NOT_STATED


@pytest.mark.parametrize("source", [s for s in SOURCES if s.rows], ids=lambda s: s.slug)
def test_page_shows_every_time_row_and_fee_case(built, source: Source):
    page = built.page(source.slug)
    table = section(page, "cach-thuc")[0]
    trs = table.xpath(".//tbody/tr")
    assert len(trs) == len(source.rows), "one table row for each row of the source, in its order"
    described = any(row.description for row in source.rows)
    for tr, row in zip(trs, source.rows, strict=True):
        assert words(tr.find("th")) == CHANNELS[row.channel]
        cells = tr.findall("td")
        time_ps = cells[0].findall("p")
        assert [(p.text or "").strip() for p in time_ps] == [t.shown for t in row.times]
        for p, time in zip(time_ps, row.times, strict=True):
            assert [words(s) for s in p.findall("span")] == ([time.note] if time.note else [])
        if row.fees is None:
            assert words(cells[1]) == NOT_STATED
        elif row.fees == ():
            assert words(cells[1]) == "Không"  # "Phí : Đồng (không)"
        else:
            fee_ps = cells[1].findall("p")
            assert [(p.text or "").strip() for p in fee_ps] == [f.label for f in row.fees]
            for p, fee in zip(fee_ps, row.fees, strict=True):
                extra = [f"({x})" for x in (fee.case, fee.description) if x]
                assert [words(s) for s in p.findall("span")] == extra
        if described:
            assert words(cells[2]) == (row.description or "")
        else:
            assert len(cells) == 2


def test_page_of_the_kind_only_fees(built):
    # The article only: the page's JSON-LD states the fees too, for search engines.
    text = words(built.page("cong-bo-co-so-kinh-doanh-co-to-chuc-ke-thuoc").find(".//article"))
    for label in ("Phí: Không có thông tin", "Lệ phí: Không có thông tin", "Mức giá: Không có thông tin"):
        assert text.count(label) == 3  # one of each on each of the three channels


def test_page_keeps_a_multi_line_step_on_its_lines(built):
    page = built.page("1.003516")
    steps = section(page, "trinh-tu")[0]
    items = steps.findall("li")
    assert [" ".join(li.text_content().split()) for li in items] == [
        " ".join(s.replace("\n", "").split()) for s in BY_SLUG["1.003516"].steps]
    third = items[2]
    assert len(third.findall("br")) == 3
    lines = [third.text, *(br.tail for br in third.findall("br"))]
    assert lines == list(GIA_LAI_STEP_3)
    assert "457/QĐ-UBND" in words(page)


@pytest.mark.parametrize("source", [s for s in SOURCES if s.documents], ids=lambda s: s.slug)
def test_page_lists_the_dossier_with_percent_encoded_forms(built, source: Source):
    page = built.page(source.slug)
    parts = section(page, "thanh-phan-ho-so")
    assert words(parts[0]) == source.dossier_case
    rows = parts[1].xpath(".//tbody/tr")
    assert len(rows) == len(source.documents)
    for tr, doc in zip(rows, source.documents, strict=True):
        name, form, count = tr.findall("td")
        assert words(name) == doc.name
        assert words(count) == f"Bản chính: {doc.originals} – Bản sao: {doc.copies}"
        links = form.xpath(".//a/@href")
        if doc.form:
            assert len(links) == 1 and links[0].endswith(doc.href_end), links
            page_url = f"tthc/{source.slug}/"
            published = built.site / unquote(urljoin(page_url, links[0]))
            assert published.is_file(), published
            assert unicodedata.is_normalized("NFC", published.name)
        else:
            assert links == []
    assert words(parts[-1]) == f"Số bộ hồ sơ: {NOT_STATED}."  # no source gives the number of sets


# ---------------------------------------------------------------------------------------------------
# The list, the CSV, the JSON


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.slug)
def test_list_entry(built, source: Source):
    entry = built.entry(source.slug)
    assert words(entry.find("a")) == source.name
    meta = words(entry.xpath('.//span[contains(@class, "cchc-meta")]')[0])
    parts = meta.split(" · ")
    assert parts[0] == (source.code or "Chưa có mã")
    if source.list_time:
        assert source.list_time in parts
    else:
        assert "ngày" not in meta  # no numbered time in the source
    if source.level:
        assert source.level in parts
    assert not ZERO_OR_FREE.search(meta)
    assert entry.get("data-online") == (source.online_level or "")


def _times_cell(source: Source) -> str:
    if not source.rows:
        return NOT_STATED
    # One line per time of each channel, with its note as the page prints it.
    return "\n".join(f"{CHANNELS[r.channel]}: {t.shown}" + (f" {t.note}" if t.note else "")
                     for r in source.rows for t in r.times)


def _fees_cell(source: Source) -> str:
    if not source.rows:
        return NOT_STATED
    lines = []
    for r in source.rows:
        values = [NOT_STATED] if r.fees is None else ([f.csv for f in r.fees] or ["Không"])
        lines += [f"{CHANNELS[r.channel]}: {value}" for value in values]
    return "\n".join(lines)  # one value a line: fee texts contain "; "


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.slug)
def test_csv_row(built, source: Source):
    row = built.row(source.slug)
    # A code a spreadsheet would read as a number (1.002600 → 1.0026) is written as the formula ="1.002600".
    code = source.code and (f'="{source.code}"' if source.code.replace(".", "").isdigit() else source.code)
    assert row["Mã thủ tục"] == (code or "Chưa có mã")
    assert row["Tên thủ tục"] == source.name
    assert row["Cấp thực hiện"] == (source.level or NOT_STATED)
    assert row["Loại thủ tục"] == (source.type or NOT_STATED)
    assert row["Lĩnh vực"] == (source.field[1] if source.field else NOT_STATED)
    assert row["Dịch vụ công trực tuyến"] == (source.online_label or NOT_STATED)
    assert row["Thời hạn giải quyết"] == _times_cell(source)
    assert row["Phí, lệ phí"] == _fees_cell(source)
    assert row["Cơ quan thực hiện"] == (source.executing or NOT_STATED)
    for column in ("Đối tượng thực hiện", "Kết quả thực hiện", "Yêu cầu, điều kiện", "Căn cứ pháp lý"):
        assert row[column] == NOT_STATED, column
    assert not any(ZERO_OR_FREE.search(value) for value in row.values())


def test_csv_times_of_the_row_per_case_record(built):
    """The example of the issue, spelled out: every row of every channel, in the source's order."""
    assert built.row("1.002600")["Thời hạn giải quyết"].split("\n") == [
        "Trực tiếp: 3 ngày làm việc", "Trực tiếp: 5 ngày làm việc", "Trực tuyến: 3 ngày làm việc",
        "Trực tuyến: 5 ngày làm việc", "Dịch vụ bưu chính: 3 ngày làm việc", "Dịch vụ bưu chính: 5 ngày làm việc"]


def _json_time(t: Time) -> dict:
    return {"value": t.value, "unit": t.unit, "text": t.text, "case": None, "note": t.note}


def _json_fee(f: Fee) -> dict:
    return {"kind": f.kind, "amount": f.amount, "amount_text": None, "unit": None, "case": f.case,
            "description": f.description}


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.slug)
def test_json_record(built, source: Source):
    assert built.data["format_version"] == 2
    assert built.data["count"] == 7
    record = built.record(source.slug)
    assert record["name"] == source.name
    assert record["code"] == source.code
    assert record["new"] is False
    assert record["decision"] == source.decision
    assert record["portal_url"] == source.portal_url
    assert record["level"] == ({"Cấp tỉnh": "tinh"}[source.level] if source.level else None)
    assert record["type"] == source.type
    assert record["field"] == ({"slug": source.field[0], "name": source.field[1]} if source.field else None)
    for key in ("subjects", "results", "conditions", "legal_basis", "receiving_address", "receiving_hours",
                "internal_workflow", "related"):
        assert record[key] is None, key
    assert record["steps"] == (None if source.steps is None else [{"case": None, "steps": list(source.steps)}])
    assert record["agencies"] == ({"executing": source.executing} if source.executing else None)

    if source.rows is None:
        assert record["channels"] is None
    else:
        channels = record["channels"]
        assert [c["channel"] for c in channels] == [r.channel for r in source.rows]
        for got, row in zip(channels, source.rows, strict=True):
            assert [{k: t[k] for k in ("value", "unit", "text", "case", "note")} for t in got["times"]] == \
                [_json_time(t) for t in row.times]
            if row.fees is None:
                assert got["fees"] is None  # not stated
            else:
                assert [{k: f[k] for k in ("kind", "amount", "amount_text", "unit", "case", "description")}
                        for f in got["fees"]] == [_json_fee(f) for f in row.fees]
            assert got["description"] == row.description

    if source.documents is None:
        assert record["dossier"] is None
    else:
        dossier = record["dossier"]
        assert dossier["sets"] is None and dossier["sets_text"] is None  # the source gives no number of sets
        [case] = dossier["cases"]
        assert case["case"] == source.dossier_case
        assert [(d["name"], d["originals"], d["copies"]) for d in case["documents"]] == \
            [(d.name, d.originals, d.copies) for d in source.documents]
        for got, doc in zip(case["documents"], source.documents, strict=True):
            assert (got["form_url"] or "").endswith(doc.href_end or "") and bool(got["form_url"]) == bool(doc.form)

    online = record["online"]
    if source.online_level is None and source.online_url is None:
        assert online is None
    else:
        assert online["level"] == source.online_level
        assert " " not in (online["url"] or "")
    assert not ZERO_OR_FREE.search(json.dumps(record, ensure_ascii=False))


def test_json_keeps_the_stray_space_of_the_source_in_the_description(built):
    record = built.record("danh-gia-dap-ung-thuc-hanh-tot-co-so-ban-le-thuoc")
    assert record["channels"][1]["description"] == GPP_ONLINE_TEXT


# ---------------------------------------------------------------------------------------------------
# Where an earlier version said something the source does not


def test_json_keeps_an_online_address_stated_without_a_level(built):
    assert built.record("1.002600")["online"]["url"] == "https://dichvucong.baria-vungtau.gov.vn"


def test_json_online_url_is_null_when_the_record_states_none(built):
    assert built.record("danh-gia-dap-ung-thuc-hanh-tot-co-so-ban-le-thuoc")["online"]["url"] is None


def test_page_description_does_not_call_times_in_words_unknown(built):
    page = built.page("cap-lai-dieu-chinh-gcn-du-dieu-kien-kinh-doanh-duoc-thuoc-tham-quyen-so-y-te")
    description = page.xpath('//meta[@name="description"]/@content')[0]
    assert "không có thông tin" not in description.lower()
    assert "Thời hạn giải quyết ghi theo từng trường hợp (xem chi tiết)" in description
