"""The web editor's files: Sveltia CMS bundled by cchc/editor/bundle.mjs, complete, in Vietnamese, offline.

The bundle is made once per `npm ci` (Makefile) into node_modules/.cchc-admin/; the build copies it into
site/admin/. Nothing in it may be fetched from a CDN: the few CDN addresses left in Sveltia's code are
named here with the reason each is never requested, and the browser test below watches every request.
"""

from __future__ import annotations

import json
import mimetypes
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from cchc.core.layout import NODE_MODULES
from cchc.editor import admin
from cchc.editor.admin import BUNDLE, AdminError, bundle_files

PACKAGE = NODE_MODULES / "@sveltia" / "cms"
COMPLETION = ROOT / "cchc" / "editor" / "sveltia-vi.json"
SITE = "https://syt-hoaan.example.gov.vn"  # the demo's site_url, served from the built files below

# Hosts a CDN build would fetch code, fonts or styles from, and the third-party status pages Sveltia polls.
CDN = re.compile(r"https?://(?:unpkg\.com|cdn\.jsdelivr\.net|fonts\.googleapis\.com|fonts\.gstatic\.com|esm\.sh"
                 r"|www\.githubstatus\.com/api|status-api\.hostedstatus\.com)[^\s`\"')]*")
# Each CDN address left in the code, and why it is never requested.
HARMLESS = {
    # The code highlighter's default loaders, replaced when the module starts by the bundled ones
    # (loadEngine/loadLanguage/loadTheme below); only code blocks would use them, and our forms have none.
    "https://unpkg.com/@shikijs": "replaced at start-up",
    "https://unpkg.com/@sveltia/ui": "replaced at start-up",
    # Sveltia's schema URL: compared with a config file's $schema and printed in a console tip.
    "https://unpkg.com/@sveltia/cms": "a name, never fetched",
    # Leaflet's marker image for the map widget, used only if the bundled copy were missing.
    "https://unpkg.com/${e}": "fallback of a bundled file",
}


def _manifest() -> dict:
    return json.loads((BUNDLE / "manifest.json").read_text(encoding="utf-8"))


def _code() -> dict[str, str]:
    return {name: (BUNDLE / name).read_text(encoding="utf-8") for name in _manifest()["files"]
            if name.endswith((".js", ".json", ".css"))}


def test_the_bundle_is_the_pinned_sveltia_and_complete():
    manifest = _manifest()
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]
    assert manifest["sveltia"] == pinned["@sveltia/cms"] == "0.221.1"
    assert manifest["esbuild"] == pinned["esbuild"]
    assert bundle_files() == sorted(manifest["files"])
    names = set(manifest["files"])
    assert {"sveltia-cms.js", "sveltia-cms.LICENSE.txt"} <= names
    fonts = {name for name in names if name.endswith(".woff2")}
    assert {re.sub(r"-[\w-]{8}\.woff2$", "", Path(f).name) for f in fonts} == {
        "source-sans-3-latin-wght-normal", "noto-mono-latin-400-normal", "material-symbols-outlined-latin-wght-normal"}
    # Every file a module loads by URL (fonts, WebAssembly, the HEIC worker) is in the bundle.
    for name, code in _code().items():
        for asset in re.findall(r"new URL\(\"\./(assets/[^\"]+)\",import\.meta\.url\)", code):
            assert asset in names, (name, asset)
        for chunk in re.findall(r"import\(\"\./([^\"]+)\"\)", code):
            assert chunk in names, (name, chunk)
        assert not re.search(r"\bimport\(\s*[\"'`](?!\./)", code), f"{name} imports a module by bare name"


def test_nothing_is_fetched_from_a_cdn():
    found = {}
    for name, code in _code().items():
        for url in CDN.findall(code):
            found.setdefault(url, []).append(name)
    assert set(found) == set(HARMLESS), found
    assert all(files == ["sveltia-cms.js"] for files in found.values()), found
    main = _code()["sveltia-cms.js"]
    # The start-up call that puts the bundled highlighter in place of the CDN defaults.
    assert re.search(r"loadEngine:\(\)=>[\w$]+\(\(\)=>import\(\"\./shiki-engine-[\w-]+\.js\"\)", main)
    # @sveltia/ui's style sheet names the bundled fonts (relative to /admin/), not jsDelivr.
    assert len(re.findall(r"src:url\(assets/[\w-]+\.woff2\)", main)) == 3
    # The status pages are asked nothing (an empty answer, read as "status unknown").
    assert main.count('"data:application/json,{}"') == 2


def _flat(node: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for key, value in node.items():
        out.update(_flat(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}": value})
    return out


def test_every_string_of_the_interface_is_in_vietnamese():
    english = _flat(json.loads((PACKAGE / "locales/en-US.json").read_text(encoding="utf-8")))
    packaged = _flat(json.loads((PACKAGE / "locales/vi.json").read_text(encoding="utf-8")))
    ours = {k: v for k, v in json.loads(COMPLETION.read_text(encoding="utf-8")).items() if not k.startswith("//")}
    assert set(ours) <= set(english), set(ours) - set(english)
    assert set(english) <= set(packaged) | set(ours), set(english) - set(packaged) - set(ours)
    for key, value in ours.items():
        names, english_names = re.findall(r"\{\$\w+", value), re.findall(r"\{\$\w+", english[key])
        if english[key].startswith(".input"):  # MessageFormat 2: Vietnamese has one plural form
            assert value.startswith(english[key].split("{{")[0].rsplit(" ", 2)[0]) and " * {{" in value, key
            assert set(names) <= set(english_names), key
        else:
            assert sorted(names) == sorted(english_names), key
        assert sorted(re.findall(r"`[^`]*`", value)) == sorted(re.findall(r"`[^`]*`", english[key])), key
    left_in_english = {k for k, v in packaged.items() if v == english.get(k) and k not in ours}
    # Names that are the same in Vietnamese (file types, units, "Video", "URL").
    assert all(re.fullmatch(r"[A-Z0-9]{2,}|JavaScript|Video|\{\$size\} [KMGT]B", packaged[k])
               for k in left_in_english), left_in_english
    locale = next(code for name, code in _code().items() if name.startswith("vi-"))
    assert "Thư mục mới" in locale and "Tạo bản sao (fork)" in locale  # ours, merged in


def test_day_first_dates_are_read_as_the_loader_reads_them():
    """Day.js (Sveltia's dates) hands 01/12/2026 to the browser's Date, which reads 12 January; the
    bundle asks cchc/editor/ngay-viet.mjs first, so a post dated so is shown and saved as 1 December."""
    script = """
        import { parseVietnameseDate as p } from './cchc/editor/ngay-viet.mjs';
        const iso = (d) => d === undefined ? 'undefined' : Number.isNaN(d.getTime()) ? 'invalid'
          : d.toISOString().slice(0, 16);
        console.log(JSON.stringify([
          iso(p('01/12/2026 08:30', true)), iso(p('7/3/2024', true)), iso(p(' 31/12/2024 23:59:30 ', true)),
          iso(p('31/02/2024', true)), iso(p('07/03/2024 24:00', true)),
          iso(p('2024-03-07 08:30', true)), iso(p('12/2024', true)), iso(p(undefined)),
          typeof globalThis.cchcNgayViet]));
    """
    result = subprocess.run(["node", "--input-type=module", "-e", script], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "2026-12-01T08:30", "2024-03-07T00:00", "2024-12-31T23:59", "invalid", "invalid",
        "undefined", "undefined", "undefined", "function"]
    main = _code()["sveltia-cms.js"]
    # Day.js's parser asks it before `new Date(text)`, and it is set before Sveltia's code runs.
    assert re.search(r"var (\w+)=globalThis\.cchcNgayViet\?\.\((\w+),\w+\);if\(\1\)return \1\}return new Date\(\2\)\}",
                     main)
    assert main.index("globalThis.cchcNgayViet=") < main.index("window.CMS=")


def test_the_start_script_is_a_module_node_can_parse(tmp_path):
    copy = tmp_path / "khoi-dong.mjs"
    shutil.copyfile(admin.STARTER, copy)
    result = subprocess.run(["node", "--check", str(copy)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = admin.STARTER.read_text(encoding="utf-8")
    assert f"'{admin.LOCAL_CONFIG}'" in text and "import('./sveltia-cms.js')" in text


def test_a_missing_or_stale_bundle_stops_the_build_with_the_command_to_run(tmp_path):
    with pytest.raises(AdminError, match=r"thiếu trang biên tập .*chạy `make build`"):
        bundle_files(tmp_path)
    shutil.copytree(BUNDLE, tmp_path / "bundle")
    manifest = json.loads((tmp_path / "bundle/manifest.json").read_text(encoding="utf-8"))
    manifest["inputs"]["cchc/editor/sveltia-vi.json"] = "0" * 64
    (tmp_path / "bundle/manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(AdminError, match=r"đã cũ \(cchc/editor/sveltia-vi.json đã sửa sau đó\): chạy `make build`"):
        bundle_files(tmp_path / "bundle")
    shutil.copytree(BUNDLE, tmp_path / "cut")
    (tmp_path / "cut/sveltia-cms.js").write_text("", encoding="utf-8")
    with pytest.raises(AdminError, match="thiếu hoặc hỏng sveltia-cms.js"):
        bundle_files(tmp_path / "cut")


@pytest.mark.build
@pytest.mark.browser
def test_the_public_sign_in_page_is_vietnamese_and_stays_on_the_site(browser, demo_site):
    """On the site's own https address, in a browser set to English: the configured backend's ways in,
    in Vietnamese, the fonts from the site, no request anywhere else, no CSP violation."""
    context = browser.new_context(locale="en-US")
    page = context.new_page()

    def from_site(route):
        path = demo_site / route.request.url[len(SITE):].split("?")[0].lstrip("/")
        path = path / "index.html" if path.is_dir() else path
        if not path.is_file():
            return route.fulfill(status=404)
        kind = {".yml": "text/yaml", ".woff2": "font/woff2", ".wasm": "application/wasm"}.get(path.suffix)
        return route.fulfill(body=path.read_bytes(),
                             content_type=kind or mimetypes.guess_type(path.name)[0] or "application/octet-stream")

    requests: list[str] = []
    console: list[str] = []
    page.route(f"{SITE}/**", from_site)
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{SITE}/admin/")
    page.get_by_role("button", name="Đăng nhập bằng mã truy cập").wait_for(timeout=15000)
    buttons = page.eval_on_selector_all("button", "els => els.map(e => e.textContent.trim())")
    assert [b.replace("\u2068", "").replace("\u2069", "") for b in buttons] == [
        "Đăng nhập bằng GitHub", "Đăng nhập bằng mã truy cập"]
    assert "Biên tập nội dung – Sở Y tế tỉnh Hoà An" in page.inner_text("body")
    page.wait_for_function("() => [...document.fonts].some(f => f.status === 'loaded')")
    assert [r for r in requests if not r.startswith((SITE, "data:", "blob:"))] == []
    assert not [m for m in console if "Content Security Policy" in m], console
    context.close()
