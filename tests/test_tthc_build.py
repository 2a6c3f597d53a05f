"""The procedures of the demo site, built for real: pages, lists, exports."""

import csv
import io
import json
import re

import pytest

from cchc.tthc.model import format_money
from checks.sitecheck import parse

pytestmark = pytest.mark.build

PARTS = ["Trình tự thực hiện", "Cách thức thực hiện", "Thành phần, số lượng hồ sơ", "Đối tượng thực hiện",
         "Cơ quan thực hiện", "Kết quả thực hiện", "Yêu cầu, điều kiện", "Căn cứ pháp lý"]


def page(site, url):
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_demo_procedures_are_rich_enough(demo_content):
    procedures = demo_content.tthc.procedures
    assert len(procedures) >= 25
    assert len({p.field.slug for p in procedures}) >= 6
    assert any(p.code is None for p in procedures)
    assert {p.online_level for p in procedures} == {"toan_trinh", "mot_phan", "khong"}
    assert {p.status for p in procedures} == {"hieu_luc", "bai_bo", "thay_the"}
    assert sum(1 for p in procedures for c in p.dossier.cases for d in c.documents if d.form) >= 5
    assert any(len(p.dossier.cases) > 1 for p in procedures) and any(len(p.steps) > 1 for p in procedures)
    units = {t.unit for p in procedures for t in p.times}
    assert {"ngay", "ngay_lam_viec"} <= units


def test_every_record_is_everywhere(demo_site, demo_content):
    """Its page, the list (or the retired list), its field page, the JSON and the CSV."""
    procedures = demo_content.tthc.procedures
    listing = page(demo_site, "tthc")
    exported = json.loads((demo_site / "tthc/tthc.json").read_text(encoding="utf-8"))
    raw_csv = (demo_site / "tthc/tthc.csv").read_bytes()
    assert raw_csv.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw_csv.decode("utf-8-sig"))))
    assert exported["count"] == len(exported["procedures"]) == len(rows) == len(procedures)
    json_urls = {r["url"] for r in exported["procedures"]}
    csv_urls = {r["Đường dẫn"] for r in rows}
    site_url = demo_content.settings.site_url
    for p in procedures:
        assert p.name in page(demo_site, p.url.rstrip("/")), p.source
        href = f'href="{p.slug}/"'
        assert href in listing, p.source
        assert f'href="../../{p.slug}/"' in page(demo_site, p.field.url.rstrip("/")), p.source
        assert site_url + p.url in json_urls and site_url + p.url in csv_urls
    in_force_rows = re.findall(r'<li data-level="\w*" data-online="\w*">', listing)
    assert len(in_force_rows) == len(demo_content.tthc.in_force)


def test_procedure_page_shows_every_part_in_portal_order(demo_site, demo_content):
    for p in demo_content.tthc.procedures:
        html = page(demo_site, p.url.rstrip("/"))
        positions = [html.index(f">{part}</h2>") for part in PARTS]
        assert positions == sorted(positions), p.source
        for channel in p.channels:
            for time in channel.times:
                assert str(time) in html
            for fee in channel.fees:
                if fee.amount:
                    assert format_money(fee.amount) in html
        assert ("Nộp hồ sơ trực tuyến" in html) == (p.online_level != "khong" and p.in_force), p.source
        assert '<svg viewBox' in html and "cchc-qr__code" in html  # QR for the printed sheet
        for case in p.dossier.cases:
            for doc in case.documents:
                if doc.form:
                    assert doc.form.rsplit("/", 1)[1] in html
                    assert (demo_site / doc.form).is_file()


def test_ngay_and_ngay_lam_viec_are_kept_apart(demo_site, demo_content):
    for p in demo_content.tthc.procedures:
        html = page(demo_site, p.url.rstrip("/"))
        for time in p.times:
            if time.unit == "ngay_lam_viec":
                assert f"{time.value} ngày làm việc" in html
            elif time.unit == "ngay":
                assert re.search(rf">{time.value} ngày(?! làm việc)", html), p.source


def test_retired_procedures_keep_their_pages_with_a_banner(demo_site, demo_content):
    retired = [p for p in demo_content.tthc.procedures if not p.in_force]
    assert retired
    listing = page(demo_site, "tthc")
    retired_section = listing[listing.index('id="da-bai-bo"'):]
    for p in retired:
        html = page(demo_site, p.url.rstrip("/"))
        assert "cchc-status--retired" in html
        assert f'href="{p.slug}/"' in retired_section
        for successor in p.replaced_by:
            assert f'{successor.slug}/"' in html
            assert f'{p.slug}/"' in page(demo_site, successor.url.rstrip("/"))


def test_handbook_lists_every_procedure_in_force(demo_site, demo_content):
    """The index names every field with its count; each field's page lists its procedures in force."""
    catalogue = demo_content.tthc
    index = page(demo_site, "tthc/so-tay")
    assert f"<td>{len(catalogue.in_force)}</td>" in index
    for field in catalogue.fields:
        in_force = [p for p in catalogue.by_field[field.slug] if p.in_force]
        assert f'<a href="{field.slug}/">{field.name}</a></td><td>{len(in_force)}</td>' in index
        html = page(demo_site, f"tthc/so-tay/{field.slug}")
        assert html.count("<tr>") - html.count("<thead>") == len(in_force)
        for p in catalogue.by_field[field.slug]:
            assert (f'href="../../{p.slug}/"' in html) == p.in_force


def test_open_data_json_shape(demo_site, demo_content):
    exported = json.loads((demo_site / "tthc/tthc.json").read_text(encoding="utf-8"))
    assert exported["department"]["province_code"] == "H99"
    record = exported["procedures"][0]
    assert set(record) >= {"code", "level", "name", "type", "field", "status", "url", "online", "steps", "channels",
                           "dossier", "subjects", "agencies", "receiving_address", "results", "conditions",
                           "legal_basis", "internal_workflow", "replaced_by", "replaces"}
    assert exported["format_version"] == 2
    assert set(record["channels"][0]["times"][0]) == {"value", "unit", "text", "case", "note", "label"}


def test_filters_are_described_for_screen_readers(demo_site):
    form = page(demo_site, "tthc")
    for control in ("loc-q", "loc-linh-vuc", "loc-cap", "loc-dvc"):
        assert f'<label for="{control}">' in form and f'id="{control}"' in form
    assert "data-cchc-filter hidden" in form  # only shown once the script runs


def test_site_script_is_loaded_deferred_and_local(demo_site):
    scripts = parse(demo_site / "tthc/index.html").scripts
    assert any(s.endswith("assets/js/site.js") for s in scripts)
