"""What travels says a procedure's status: a retired or retiring procedure says so in its preview
(Open Graph, Twitter), its meta description, its JSON-LD, its search result and its card, in the
words of its page's banner; a replaced one names what replaces it. Home and listing previews name
the department. Working days are never published as calendar days."""

import html as htmllib
import json
import re
from html.parser import HTMLParser

import pytest

from cchc.tthc.pages import _iso_duration, describe, government_service, procedure_status, share_title

DEPARTMENT = "Sở Y tế tỉnh Hoà An"


class Head(HTMLParser):
    """Every <meta> of a page (property= or name= → content) and its JSON-LD objects."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.json_ld: list[dict] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs and (attrs.get("property") or attrs.get("name")):
            self.meta.setdefault(attrs.get("property") or attrs.get("name"), attrs["content"])
        self._in_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append(json.loads(data))
            self._in_ld = False


def head(site, url):
    text = (site / url / "index.html").read_text(encoding="utf-8")
    parser = Head()
    parser.feed(text)
    return text, parser


def plain(fragment: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split()).replace(" .", ".").replace(" ,", ",")


def banner(text: str) -> str:
    match = re.search(r'<div class="cchc-status[^"]*" role="note">(.*?)</div>', text, re.S)
    assert match, "no status banner"
    return plain(match.group(1))


def search_meta(text: str, key: str) -> str:
    match = re.search(rf'<span data-pagefind-meta="{key}">([^<]*)</span>', text)
    return htmllib.unescape(match.group(1)) if match else ""


def by_code(content, code):
    return next(p for p in content.tthc.procedures if p.code == code)


def service_of(parser):
    (service,) = [item for item in parser.json_ld if item["@type"] == "GovernmentService"]
    return service


# --- The demo site, built: an abolished, a replaced and a pending procedure -----------------------------

@pytest.mark.build
def test_an_abolished_procedure_says_so_wherever_it_travels(demo_site, demo_content):
    p = by_code(demo_content, "1.001652")
    text, page = head(demo_site, p.url)
    line = ("Thủ tục này đã bị bãi bỏ từ ngày 15/10/2024 theo Quyết định 2210/QĐ-UBND ngày 08/10/2024 "
            "của Uỷ ban nhân dân tỉnh Hoà An; không nộp hồ sơ theo thủ tục này.")
    meta = page.meta
    assert meta["og:title"] == f"[Đã bãi bỏ] {p.name}"
    assert meta["og:description"].startswith(line) and meta["description"] == meta["og:description"]
    assert meta["og:image:alt"] == f"Đã bãi bỏ từ 15/10/2024: {p.name}"
    assert (meta.get("twitter:title"), meta.get("twitter:description"), meta.get("twitter:image:alt")) == (
        meta["og:title"], meta["og:description"], meta["og:image:alt"])
    assert service_of(page)["description"].startswith(line) and "isRelatedTo" not in service_of(page)
    assert search_meta(text, "tinh-trang") == "Đã bãi bỏ"
    # The preview says what the page's banner says.
    assert line.split(";")[0] in banner(text)
    assert "không nộp hồ sơ theo thủ tục này" in banner(text)


@pytest.mark.build
def test_a_replaced_procedure_names_its_successor_wherever_it_travels(demo_site, demo_content):
    p = by_code(demo_content, "1.002467")
    (successor,) = p.replaced_by
    text, page = head(demo_site, p.url)
    lead = ("Thủ tục này đã được thay thế từ ngày 01/03/2025 theo Quyết định 356/QĐ-UBND ngày 25/02/2025 "
            "của Uỷ ban nhân dân tỉnh Hoà An.")
    follow = f"Hãy thực hiện theo: {successor.name} ({successor.code})."
    meta = page.meta
    assert meta["og:title"] == f"[Đã được thay thế] {p.name}"
    assert meta["og:description"].startswith(f"{lead} {follow}") and meta["description"] == meta["og:description"]
    assert (meta.get("twitter:title"), meta.get("twitter:description")) == (meta["og:title"], meta["og:description"])
    service = service_of(page)
    assert service["description"].startswith(f"{lead} {follow}")
    assert service["isRelatedTo"] == [{"@type": "GovernmentService", "name": successor.name,
                                       "identifier": successor.code,
                                       "url": demo_content.settings.site + successor.url}]
    assert search_meta(text, "tinh-trang") == "Đã được thay thế"
    assert lead in banner(text) and f"Hãy thực hiện theo: {successor.name} ({successor.code})" in banner(text)


@pytest.mark.build
def test_a_procedure_to_be_abolished_says_from_when(demo_site, demo_content):
    p = by_code(demo_content, "1.009305")
    assert p.in_force and p.pending  # in force today, abolished from 01/01/2027
    text, page = head(demo_site, p.url)
    line = ("Từ ngày 01/01/2027 thủ tục này bị bãi bỏ theo Quyết định 2950/QĐ-UBND ngày 20/11/2026 "
            "của Uỷ ban nhân dân tỉnh Hoà An.")
    meta = page.meta
    assert meta["og:title"] == f"[Sẽ bãi bỏ từ 01/01/2027] {p.name}"
    assert meta["og:description"].startswith(line) and meta["description"] == meta["og:description"]
    assert (meta.get("twitter:title"), meta.get("twitter:description")) == (meta["og:title"], meta["og:description"])
    assert service_of(page)["description"].startswith(line)
    assert search_meta(text, "tinh-trang") == "Sẽ bãi bỏ từ 01/01/2027"
    assert line in banner(text)


@pytest.mark.build
def test_a_procedure_in_force_previews_as_before(demo_site, demo_content):
    p = next(p for p in demo_content.tthc.procedures if p.in_force and not p.pending and p.offers_online)
    text, page = head(demo_site, p.url)
    assert page.meta["og:title"] == p.name and page.meta["og:description"].startswith(f"Mã {p.code}")
    assert search_meta(text, "tinh-trang") == "" and 'class="cchc-status' not in text


@pytest.mark.build
def test_retired_and_pending_cards_carry_a_status_band(demo_content):
    from cchc.site.plan import plan_cards, plan_pages

    cards = plan_cards(demo_content, plan_pages(demo_content))
    card = {p.code: cards[p.url + "anh-chia-se.png"] for p in demo_content.tthc.procedures}
    assert (card["1.001652"].band, card["1.001652"].band_kind) == ("Đã bãi bỏ từ 15/10/2024", "retired")
    assert (card["1.009305"].band, card["1.009305"].band_kind) == ("Sẽ bãi bỏ từ 01/01/2027", "pending")
    replaced = card["1.002467"]
    assert (replaced.band, replaced.band_kind) == ("Đã được thay thế từ 01/03/2025", "retired")
    assert replaced.detail.startswith("Hãy thực hiện theo: 1.009260 – Cấp mới giấy phép hành nghề")
    assert not replaced.badge  # no "Nộp trực tuyến" on a procedure that can no longer be used
    in_force = [c for code, c in card.items() if by_code(demo_content, code).in_force
                and not by_code(demo_content, code).pending]
    assert in_force and not any(c.band for c in in_force)


# --- Home, listings and every page's Twitter tags -----------------------------------------------------

@pytest.mark.build
def test_home_and_category_previews_name_the_department(demo_site, demo_content):
    assert demo_content.settings.department.name == DEPARTMENT
    _, home = head(demo_site, "")
    assert home.meta["og:title"] == DEPARTMENT
    category = demo_content.news.categories.ordered[0]
    _, page = head(demo_site, category.url)
    assert page.meta["og:title"] == f"Tin {category.name} – {DEPARTMENT}"
    _, news = head(demo_site, "tin-tuc")
    assert news.meta["og:title"] == f"Tin tức – {DEPARTMENT}"
    field = next(f for f in demo_content.tthc.fields if f.slug in demo_content.tthc.by_field)
    _, listing = head(demo_site, field.url)
    assert listing.meta["og:title"] == f"Thủ tục hành chính lĩnh vực {field.name} – {DEPARTMENT}"


@pytest.mark.build
def test_every_page_has_twitter_tags_agreeing_with_open_graph(demo_site):
    generic = {"Trang chủ", "Tin tức", "Tìm kiếm", "Liên hệ", "Hỏi – đáp", "Thủ tục hành chính",
               "Thay đổi thủ tục hành chính"}
    checked = 0
    for path in demo_site.rglob("index.html"):
        text = path.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in text or path.parent.name == "admin":
            continue
        meta = Head()
        meta.feed(text)
        meta = meta.meta
        assert meta["og:title"] not in generic, path
        for name in ("title", "description", "image", "image:alt"):
            assert meta.get(f"twitter:{name}") == meta[f"og:{name}"], (path, name)
        if meta["og:image"].endswith("/anh-chia-se.png") and meta["og:image"].count("/") == 3:  # the site card
            assert DEPARTMENT in meta["og:title"], path
        checked += 1
    assert checked > 50


# --- The core, on records the demo does not have ------------------------------------------------------

def decision(project, entries, *, name="qd-10-ubnd-2026", number="10/QĐ-UBND", signed="2026-11-01",
             effective="2027-07-01"):
    when = f"effective: {effective}\n" if effective else ""
    project.write(f"content/tthc/quyet-dinh/{name}.yml",
                  f'number: "{number}"\nissuer: "Uỷ ban nhân dân tỉnh"\nsigned: {signed}\n{when}'
                  f'title: "Về việc công bố danh mục thủ tục hành chính"\nentries:\n{entries}')


@pytest.fixture
def records(project):
    project.write("content/tthc/mau/don.docx", b"PK\x03\x04 demo docx")
    project.procedure("1.000001", code='"1.000001"')
    project.procedure("1.000002", code='"1.000002"')
    project.procedure("1.000003", code='"1.000003"')
    return project


def test_a_pending_replacement_names_its_successor(records):
    decision(records, '  - change: thay_the\n    procedure: "1.000001"\n    replaces: ["1.000002"]\n')
    content = records.content()
    old, new = by_code(content, "1.000002"), by_code(content, "1.000001")
    status = procedure_status(old)
    assert not status.retired and status.successors == (new,)
    assert status.tag == "Sẽ được thay thế từ 01/07/2027" and share_title(old).startswith("[Sẽ được thay thế từ 01/07/2027] ")
    assert status.line == ("Từ ngày 01/07/2027 thủ tục này được thay thế theo Quyết định 10/QĐ-UBND ngày 01/11/2026 "
                           f"của Uỷ ban nhân dân tỉnh. Thủ tục thay thế: {new.name} (1.000001).")
    assert describe(old).startswith(status.line)
    service = government_service(old, content.settings)
    assert service["isRelatedTo"][0]["identifier"] == "1.000001"
    assert procedure_status(new) is None  # the new procedure is not retiring


def test_an_unknown_effective_date_is_said_never_invented(records):
    decision(records, '  - change: bai_bo\n    procedure: "1.000003"\n', effective=None)
    p = by_code(records.content(), "1.000003")
    status = procedure_status(p)
    assert status.tag == "Sẽ bãi bỏ, chưa rõ ngày hiệu lực" and status.band == status.tag
    assert status.line == ("Thủ tục này bị bãi bỏ (chưa rõ ngày hiệu lực) theo Quyết định 10/QĐ-UBND ngày "
                           "01/11/2026 của Uỷ ban nhân dân tỉnh.")
    assert not re.search(r"\d{2}/\d{2}/\d{4}", status.tag)


# --- Working days are not calendar days ---------------------------------------------------------------

def test_working_days_have_no_iso_duration_and_keep_their_words(project):
    project.write("content/tthc/mau/don.docx", b"PK\x03\x04 demo docx")
    project.procedure()  # truc_tiep: 10 ngày làm việc; truc_tuyen: 7 ngày
    content = project.content()
    (p,) = content.tthc.procedures
    channels = {c["name"]: c for c in government_service(p, content.settings)["availableChannel"]}
    assert "processingTime" not in channels["Trực tiếp"]
    assert "10 ngày làm việc" in channels["Trực tiếp"]["description"]
    assert channels["Trực tuyến"]["processingTime"] == "P7D"
    assert (_iso_duration(4, "gio"), _iso_duration(7, "ngay"), _iso_duration(2, "thang")) == ("PT4H", "P7D", "P2M")
    assert _iso_duration(10, "ngay_lam_viec") is None
