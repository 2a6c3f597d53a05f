"""Open data that opens right, and what crawlers are told.

The CSVs as a spreadsheet reads them: a value that contains "; " (a fee's description) stays one
value; every value of a multi-value column is one line of its cell in tthc.csv and one row of
tthc-chi-tiet.csv, whose text is the page's; a code like 1.009260 stays the text 1.009260 when
LibreOffice opens the file with English settings and default import options (it would be the
number 1.00926). Then /robots.txt, and the sitemap's lastmod per page from git history.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from conftest import ROOT, Project

from cchc.core import gitdates, layout
from cchc.core.dates import VN_TZ
from cchc.core.settings import Settings
from cchc.site.sitemap import LastChanged, robots_txt
from cchc.tthc import export
from cchc.tthc.model import Catalogue, Channel, Duration, Fee

NOT_STATED, NONE = "Không có thông tin", "Không"
MULTI = ["Thời hạn giải quyết", "Phí, lệ phí", "Đối tượng thực hiện", "Kết quả thực hiện", "Yêu cầu, điều kiện",
         "Căn cứ pháp lý"]


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------------
# Values that contain "; " or line breaks


FEE_TEXT = "Thu khi nộp hồ sơ; không hoàn lại nếu hồ sơ bị từ chối"
CONDITION = "a) Có văn bằng phù hợp;\nb) Không đang bị cấm hành nghề"


@pytest.fixture(scope="module")
def awkward(demo_content):
    """One procedure whose values hold what a separator could be confused with."""
    base = next(p for p in demo_content.tthc.procedures if p.code == "1.009263")
    channels = (
        Channel("truc_tiep", "", (Duration(5, "ngay_lam_viec", note="Kể từ ngày nhận đủ hồ sơ"),),
                (Fee("phi", 500000, "", "", "", FEE_TEXT), Fee("le_phi", 100000, "", "/lần", "Cấp lần đầu", "")), ""),
        Channel("truc_tuyen", "Hồ sơ điện tử", (Duration(None, None, "Theo quy định; tối đa 30 ngày"),), (), ""),
        Channel("buu_chinh", "", None, None, ""),
    )
    procedure = replace(base, channels=channels, conditions=("Có chứng chỉ; còn hiệu lực", CONDITION), subjects=None,
                        results=())
    catalogue = Catalogue(fields=demo_content.tthc.fields, procedures=[procedure])
    return catalogue, demo_content.settings


def test_a_fee_whose_description_contains_semicolons_stays_one_value(awkward):
    catalogue, settings = awkward
    row = _rows(export.procedures_csv(catalogue, settings))[0]
    assert row["Phí, lệ phí"].split("\n") == [
        f"Trực tiếp: Phí: 500.000 đồng ({FEE_TEXT})",
        "Trực tiếp: Lệ phí: 100.000 đồng/lần (Cấp lần đầu)",
        "Trực tuyến (Hồ sơ điện tử): Không",  # the source says none
        f"Dịch vụ bưu chính: {NOT_STATED}",  # the source says nothing
    ]
    assert row["Thời hạn giải quyết"].split("\n") == [
        "Trực tiếp: 5 ngày làm việc Kể từ ngày nhận đủ hồ sơ",
        "Trực tuyến (Hồ sơ điện tử): Theo quy định; tối đa 30 ngày",
        f"Dịch vụ bưu chính: {NOT_STATED}",
    ]
    # A value with its own line break is one line here (so every line is one value); the detail file keeps it.
    assert row["Yêu cầu, điều kiện"].split("\n") == ["Có chứng chỉ; còn hiệu lực", _one_line(CONDITION)]
    assert row["Đối tượng thực hiện"] == NOT_STATED and row["Kết quả thực hiện"] == NONE


def test_the_detail_file_has_one_row_per_value_with_its_exact_text(awkward):
    catalogue, settings = awkward
    rows = _rows(export.procedures_detail_csv(catalogue, settings))
    assert list(rows[0]) == ["Mã thủ tục", "Tên thủ tục", "Phần", "Cách thức", "Trường hợp", "Nội dung", "Số",
                             "Đơn vị", "Loại phí", "Số tiền", "Đường dẫn"]
    fees = [r for r in rows if r["Phần"] == "Phí, lệ phí"]
    assert [(r["Cách thức"], r["Trường hợp"], r["Nội dung"], r["Loại phí"], r["Số tiền"], r["Đơn vị"]) for r in fees] == [
        ("Trực tiếp", "", f"Phí: 500.000 đồng ({FEE_TEXT})", "Phí", "500000", ""),
        ("Trực tiếp", "Cấp lần đầu", "Lệ phí: 100.000 đồng/lần (Cấp lần đầu)", "Lệ phí", "100000", "/lần"),
        ("Trực tuyến (Hồ sơ điện tử)", "", NONE, "", "", ""),
        ("Dịch vụ bưu chính", "", NOT_STATED, "", "", ""),
    ]
    times = [r for r in rows if r["Phần"] == "Thời hạn giải quyết"]
    assert [(r["Nội dung"], r["Số"], r["Đơn vị"]) for r in times] == [
        ("5 ngày làm việc Kể từ ngày nhận đủ hồ sơ", "5", "ngày làm việc"),
        ("Theo quy định; tối đa 30 ngày", "", ""),
        (NOT_STATED, "", ""),
    ]
    assert [r["Nội dung"] for r in rows if r["Phần"] == "Yêu cầu, điều kiện"] == ["Có chứng chỉ; còn hiệu lực", CONDITION]
    assert [r["Nội dung"] for r in rows if r["Phần"] == "Đối tượng thực hiện"] == [NOT_STATED]
    assert [r["Nội dung"] for r in rows if r["Phần"] == "Kết quả thực hiện"] == [NONE]
    assert {r["Mã thủ tục"] for r in rows} == {'="1.009263"'}
    assert {r["Đường dẫn"] for r in rows} == {settings.site + "tthc/1.009263/"}


@pytest.fixture(scope="module")
def demo_csvs(demo_site):
    return (_rows((demo_site / layout.OPEN_DATA_CSV).read_bytes()),
            _rows((demo_site / layout.OPEN_DATA_CSV_DETAIL).read_bytes()))


def test_every_value_of_the_demo_is_one_line_of_its_cell_and_one_row_of_the_detail_file(demo_csvs, demo_content):
    main, detail = demo_csvs
    assert len(main) == len(demo_content.tthc.procedures)
    by_url = {p.url: p for p in demo_content.tthc.procedures}
    seen_semicolons = 0
    for row in main:
        p = by_url[row["Đường dẫn"].removeprefix(demo_content.settings.site)]
        own = [r for r in detail if r["Đường dẫn"] == row["Đường dẫn"]]
        for part in MULTI:
            values = [r for r in own if r["Phần"] == part]
            assert values, (p.source, part)  # every part has its row, "Không có thông tin" if nothing else
            lines = [_one_line(f"{r['Cách thức']}: {r['Nội dung']}" if r["Cách thức"] else r["Nội dung"]) for r in values]
            assert row[part].split("\n") == lines, (p.source, part)
        # Every value of the record that contains "; " is whole, both here and in the detail file.
        items = [*(p.subjects or ()), *(p.results or ()), *(p.conditions or ())]
        items += [f.description for c in p.channels for f in c.fees or () if f.description]
        for item in (i for i in items if "; " in i):
            seen_semicolons += 1
            assert any(line.endswith(_one_line(item)) or line.endswith(f"({_one_line(item)})")
                       for part in MULTI for line in row[part].split("\n")), item
            assert any(item in r["Nội dung"] for r in own), item
    assert len(detail) > len(main)


def test_the_detail_file_says_what_each_procedure_page_shows(demo_site, demo_csvs, demo_content):
    """Nội dung is the page's own text for each time and fee, row by row of "Cách thức thực hiện"."""
    _, detail = demo_csvs
    for p in demo_content.tthc.procedures:
        if not p.channels:
            continue
        tree = lxml.html.fromstring((demo_site / p.url / "index.html").read_text(encoding="utf-8"))
        table = tree.xpath("//h2[@id='cach-thuc']/following::table[1]")[0]
        shown = {"Thời hạn giải quyết": [], "Phí, lệ phí": []}
        for tr in table.xpath("./tbody/tr"):
            channel = _one_line(tr.xpath("./th")[0].text_content())
            for part, cell in zip(shown, tr.xpath("./td")[:2], strict=True):
                texts = [_one_line(e.text_content()) for e in cell.xpath("./p")] or [_one_line(cell.text_content())]
                shown[part] += [(channel, text) for text in texts]
        url = demo_content.settings.site + p.url
        for part, expected in shown.items():
            got = [(r["Cách thức"], _one_line(r["Nội dung"])) for r in detail if r["Đường dẫn"] == url and r["Phần"] == part]
            assert got == expected, (p.source, part)


# ---------------------------------------------------------------------------------------------------
# Opened by LibreOffice, English (US) settings, default import options


@pytest.fixture(scope="module")
def soffice() -> str:
    """LibreOffice; missing, it fails under CI=true (CI installs libreoffice-calc-nogui) and skips elsewhere."""
    found = shutil.which(os.environ.get("SOFFICE", "soffice"))
    if not found:
        message = "LibreOffice (soffice) not found: install libreoffice-calc-nogui"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
NS = {"table": TABLE, "office": OFFICE, "text": TEXT}


def _paragraph(element) -> str:
    out = [element.text or ""]
    for child in element:
        name = lxml.etree.QName(child).localname
        if name == "s":
            out.append(" " * int(child.get(f"{{{TEXT}}}c", "1")))
        elif name == "tab":
            out.append("\t")
        elif name == "line-break":
            out.append("\n")
        else:
            out.append(_paragraph(child))
        out.append(child.tail or "")
    return "".join(out)


def open_in_libreoffice(soffice: str, files: dict[str, bytes], folder: Path) -> dict[str, list[list[tuple[str, str]]]]:
    """Each CSV as LibreOffice reads it: rows of (value type, text as shown) per cell."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files.items():
        paths.append(folder / name)
        paths[-1].write_bytes(data)
    # 44: comma, 34: double quote, 76: UTF-8, 1: from line 1, no column types, 1033: English (US).
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={(folder / 'lo').as_uri()}",
                    "--infilter=CSV:44,34,76,1,,1033", "--convert-to", "fods", "--outdir", str(folder),
                    *map(str, paths)], check=True, capture_output=True, timeout=300)
    sheets = {}
    for path in paths:
        tree = lxml.etree.parse(str(path.with_suffix(".fods")))
        rows = []
        for row in tree.find(".//table:table", NS).iterfind("table:table-row", NS):
            cells = []
            for cell in row.iterfind("table:table-cell", NS):
                repeat = min(int(cell.get(f"{{{TABLE}}}number-columns-repeated", "1")), 64)
                text = "\n".join(_paragraph(p) for p in cell.iterfind("text:p", NS))
                cells += [(cell.get(f"{{{OFFICE}}}value-type") or "", text)] * repeat
            if any(text for _, text in cells):
                rows.append(cells)
        sheets[path.name] = rows
    return sheets


def test_libreoffice_keeps_every_code_of_the_demo_as_text(soffice, demo_site, demo_content, tmp_path):
    names = (layout.OPEN_DATA_CSV, layout.OPEN_DATA_CSV_DETAIL)
    sheets = open_in_libreoffice(soffice, {Path(n).name: (demo_site / n).read_bytes() for n in names}, tmp_path)
    exported = json.loads((demo_site / layout.OPEN_DATA_JSON).read_text(encoding="utf-8"))["procedures"]
    code_by_url = {r["url"]: r["code"] for r in exported}
    label_by_url = {demo_content.settings.site + p.url: p.code_label for p in demo_content.tthc.procedures}
    assert any(re.fullmatch(r"[0-9.]+", code or "") for code in code_by_url.values())  # the case that matters
    for name, rows in sheets.items():
        header, body = [text for _, text in rows[0]], rows[1:]
        code, url = header.index("Mã thủ tục"), header.index("Đường dẫn")
        assert body, name
        for row in body:
            kind, text = row[code]
            expected = code_by_url[row[url][1]] or label_by_url[row[url][1]]
            assert (kind, text) == ("string", expected), (name, row[url][1])
    # Several values of one cell are its lines; the detail file has them as rows, amounts as numbers.
    main, detail = sheets["tthc.csv"], sheets["tthc-chi-tiet.csv"]
    fees = [text for _, text in main[0]].index("Phí, lệ phí")
    record = next(r for r in exported if len([f for c in r["channels"] or () for f in c["fees"] or ()]) >= 3)
    row = next(r for r in main[1:] if r[-1][1] == record["url"])
    lines = row[fees][1].split("\n")
    assert len(lines) == sum(len(c["fees"] or [None]) for c in record["channels"])
    head = [text for _, text in detail[0]]
    rows = [r for r in detail[1:] if r[head.index("Đường dẫn")][1] == record["url"]
            and r[head.index("Phần")][1] == "Phí, lệ phí"]
    assert [r[head.index("Cách thức")][1] + ": " + r[head.index("Nội dung")][1] for r in rows] == lines
    amounts = [f["amount"] for c in record["channels"] for f in c["fees"] or () if f["amount"] is not None]
    assert [(r[head.index("Số tiền")]) for r in rows if r[head.index("Số tiền")][1]] == \
        [("float", str(amount)) for amount in amounts]


def test_libreoffice_reads_a_value_with_semicolons_and_line_breaks_whole(soffice, awkward, tmp_path):
    catalogue, settings = awkward
    sheets = open_in_libreoffice(soffice, {"tthc.csv": export.procedures_csv(catalogue, settings),
                                           "tthc-chi-tiet.csv": export.procedures_detail_csv(catalogue, settings)},
                                 tmp_path)
    main, detail = sheets["tthc.csv"], sheets["tthc-chi-tiet.csv"]
    header = [text for _, text in main[0]]
    assert main[1][0] == ("string", "1.009263")
    assert main[1][header.index("Yêu cầu, điều kiện")][1].split("\n") == ["Có chứng chỉ; còn hiệu lực",
                                                                            _one_line(CONDITION)]
    assert main[1][header.index("Phí, lệ phí")][1].split("\n")[0] == f"Trực tiếp: Phí: 500.000 đồng ({FEE_TEXT})"
    head = [text for _, text in detail[0]]
    conditions = [r[head.index("Nội dung")][1] for r in detail[1:] if r[head.index("Phần")][1] == "Yêu cầu, điều kiện"]
    assert conditions == ["Có chứng chỉ; còn hiệu lực", CONDITION]


# ---------------------------------------------------------------------------------------------------
# robots.txt


def _settings(site_url: str) -> Settings:
    return replace(Settings.from_project(ROOT), site_url=site_url)


@pytest.mark.parametrize("site_url, admin, sitemap", [
    ("https://syt.example.gov.vn/", "/admin/", "https://syt.example.gov.vn/sitemap.xml"),
    ("https://so-y-te.github.io/cchc", "/cchc/admin/", "https://so-y-te.github.io/cchc/sitemap.xml"),
])
def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_the_editor(site_url, admin, sitemap):
    lines = robots_txt(_settings(site_url)).decode("utf-8").splitlines()
    assert lines[0] == "User-agent: *"
    assert f"Disallow: {admin}" in lines and "Allow: /" in lines
    assert [line for line in lines if line.startswith("Sitemap:")] == [f"Sitemap: {sitemap}"]
    assert not [line for line in lines if line.startswith("Disallow:") and line != f"Disallow: {admin}"]


def test_the_built_site_has_robots_txt_at_its_root(demo_site, demo_content):
    text = (demo_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {demo_content.settings.site}sitemap.xml" in text.splitlines()
    assert "Disallow: /admin/" in text.splitlines()
    assert (demo_site / "sitemap.xml").is_file() and (demo_site / "admin").is_dir()


# ---------------------------------------------------------------------------------------------------
# Sitemap lastmod


def _git(project: Project, *args: str, date: str | None = None) -> None:
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_SYSTEM": "/dev/null", "PATH": os.environ["PATH"]}
    if date:
        # The author date a year earlier: the committer date (when it reached the branch) counts.
        env.update(GIT_AUTHOR_DATE="2020-01-01T00:00:00+07:00", GIT_COMMITTER_DATE=date)
    subprocess.run(["git", "-c", "user.name=Biên tập", "-c", "user.email=bt@example.gov.vn", *args],
                   cwd=project.path, env=env, check=True, capture_output=True)


def _lastmods(site: Path) -> dict[str, str | None]:
    tree = lxml.etree.parse(str(site / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return {url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns)
            for url in tree.iterfind("s:url", ns)}


W3C = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?")
BUILD_EPOCH = "1767225600"  # 2026-01-01 00:00 UTC: what `make build` sets SOURCE_DATE_EPOCH to
BUILD_DATE = "2026-01-01"

DECISION = """\
number: "10/QĐ-UBND"
issuer: "Uỷ ban nhân dân tỉnh Hoà An"
signed: 2025-01-10
effective: 2025-01-15
title: "Về việc công bố thủ tục hành chính sửa đổi lĩnh vực khám bệnh, chữa bệnh"
entries:
  - change: sua_doi_bo_sung
    procedure: "1.004616"
"""


def _project_in_git(project: Project) -> Project:
    """Three commits on three days, then a post not committed yet."""
    project.post("2024-03-01-hop-giao-ban", category="chuyen-doi-so")
    project.procedure()
    project.write("content/tthc/mau/don.docx", b"PK\x03\x04 demo docx")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "trang", date="2024-05-06T10:00:00+07:00")
    project.post("2025-02-01-tap-huan", category="cai-cach-the-che")
    project.write("content/tthc/quyet-dinh/qd-10-ubnd-2025.yml", DECISION)
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "tin, quyết định", date="2025-02-03T16:45:10+07:00")
    contact = project.path / "docs/lien-he.md"
    contact.write_text(contact.read_text(encoding="utf-8") + "\nĐã cập nhật giờ tiếp dân.\n", encoding="utf-8")
    _git(project, "commit", "-qam", "liên hệ", date="2025-06-30T08:05:00+07:00")
    project.post("2025-07-01-chua-commit", category="mot-cua-lien-thong")  # written, not committed
    return project


def test_each_page_is_dated_by_the_last_commit_of_its_own_content(project):
    result = _project_in_git(project).build(SOURCE_DATE_EPOCH=BUILD_EPOCH)
    assert result.returncode == 0, result.stderr
    site = Settings.from_project(project.path).site
    lastmod = {loc.removeprefix(site): value for loc, value in _lastmods(project.path / "site").items()}
    first, second, contact = "2024-05-06T10:00:00+07:00", "2025-02-03T16:45:10+07:00", "2025-06-30T08:05:00+07:00"
    assert lastmod["tin-tuc/2024/hop-giao-ban/"] == first
    assert lastmod["tin-tuc/2025/tap-huan/"] == second
    assert lastmod["lien-he/"] == contact
    assert lastmod["tthc/quyet-dinh/qd-10-ubnd-2025/"] == second
    assert lastmod["tthc/1.004616/"] == second  # its record is older; the decision that amends it is not
    # A listing: the newest of what it lists (its categories' file is from the first commit).
    assert lastmod["chuyen-muc/chuyen-doi-so/"] == first and lastmod["tin-tuc/2024/"] == first
    assert lastmod["chuyen-muc/cai-cach-the-che/"] == second
    assert lastmod["tthc/"] == lastmod["tthc/linh-vuc/kham-benh-chua-benh/"] == second
    assert lastmod["tthc/so-tay/"] == lastmod["tthc/so-tay/kham-benh-chua-benh/"] == second
    assert lastmod["tthc/so-tay/duoc-pham/"] == first  # nothing in force: as old as the list of fields
    # Not committed yet: the build's date, and so is every listing that shows it.
    assert lastmod["tin-tuc/2025/chua-commit/"] == lastmod["tin-tuc/"] == lastmod[""] == BUILD_DATE
    assert lastmod["chuyen-muc/mot-cua-lien-thong/"] == BUILD_DATE
    assert lastmod["tim-kiem/"] == BUILD_DATE  # made from no content file
    assert all(value and W3C.fullmatch(value) for value in lastmod.values()), lastmod
    assert len(set(lastmod.values())) > 2


def test_without_git_every_page_keeps_the_build_date(project):
    project.post("2024-03-01-hop-giao-ban")
    project.procedure()
    project.write("content/tthc/mau/don.docx", b"PK\x03\x04 demo docx")
    result = project.build(SOURCE_DATE_EPOCH=BUILD_EPOCH)
    assert result.returncode == 0, result.stderr
    assert set(_lastmods(project.path / "site").values()) == {BUILD_DATE}


def test_a_scheduled_post_and_a_decision_in_force_change_their_pages_when_they_happen(demo_content):
    """Committed before, shown later: the page changed when it went live, not at the commit."""
    post = demo_content.news.posts[0]
    decided = next(d for d in demo_content.tthc.decisions if d.effective and not any(c.upcoming for c in d.changes))
    early = datetime(2000, 1, 1, tzinfo=VN_TZ)
    dates = gitdates.FileDates(changed={post.source: early, decided.source: early})
    last = LastChanged(demo_content, "docs", dates)
    assert last.of(post.src_uri) == post.date
    assert last.of(decided.src_uri) == decided.effective
    assert last.of(demo_content.news.posts[1].src_uri) is None  # its file unknown: the build date stays
