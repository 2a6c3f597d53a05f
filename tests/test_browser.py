"""The demo site in the real Chromium, on a 360 px phone screen."""

from urllib.parse import quote, urlparse

import pytest

pytestmark = pytest.mark.browser

PAGES = ["", "tin-tuc/", "tin-tuc/trang/2/", "tin-tuc/2024/hoi-nghi-trien-khai-cchc-2024-chi-so-par-index-sipas/",
         "chuyen-muc/kiem-soat-tthc/", "tin-tuc/2025/", "lien-he/", "hoi-dap/", "tthc/",
         "tthc/?tu-khoa=cap+giay+phep", "tthc/1.009263/", "tthc/1.002464/", "tthc/linh-vuc/duoc-pham/", "tthc/so-tay/",
         "tthc/so-tay/duoc-pham/",
         "tthc/thay-doi/", "tthc/thay-doi/2025/", "tthc/quyet-dinh/qd-356-ubnd-2025/", "tthc/1.004616/",
         "tim-kiem/?q=giay+phep"]


@pytest.mark.parametrize("path", PAGES)
def test_page_fits_a_360px_phone_stays_local_and_obeys_its_csp(browser, server, path):
    page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    hosts, problems = set(), []
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    page.on("console", lambda message: message.type in ("error", "warning") and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script("document.addEventListener('securitypolicyviolation',"
                         " e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))")
    response = page.goto(server + path, wait_until="networkidle")
    assert response.status == 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    heading = page.locator("h1").first
    assert heading.is_visible()
    assert heading.bounding_box()["width"] <= 360
    body_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize)")
    assert body_size >= 14
    assert hosts == {"127.0.0.1"}
    assert problems == []  # no CSP violation, no script error, no console warning
    assert "Content-Security-Policy" in page.content()
    page.close()


def test_hotline_is_one_tap_on_the_home_page(browser, server):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(server)
    link = page.locator(".cchc-hero a[href^='tel:']")
    assert link.is_visible()
    box = link.bounding_box()
    assert box["y"] + box["height"] <= 740  # above the fold
    page.close()


def test_share_bar_copies_the_link_and_points_facebook_at_the_page(browser, server, demo_content):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
    page = context.new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    procedure = demo_content.tthc.procedures[0]
    page.goto(server + procedure.url, wait_until="networkidle")
    canonical = demo_content.settings.site_url + procedure.url
    page.click(".cchc-share__copy")
    page.wait_for_function("document.querySelector('.cchc-share__status').textContent.length > 0")
    assert page.inner_text(".cchc-share__status") == "Đã sao chép liên kết."
    assert page.evaluate("navigator.clipboard.readText()") == canonical
    facebook = page.get_attribute(".cchc-share a[href*='facebook.com']", "href")
    assert facebook == "https://www.facebook.com/sharer/sharer.php?u=" + quote(canonical, safe="")
    assert hosts == {"127.0.0.1"}  # Facebook is a plain link: nothing is fetched from it
    context.close()
