"""`make serve` in the real Chromium: an open page reloads itself after a save, under the page's own content
security policy, generated pages included; a content error replaces it until fixed, then it comes back."""

from __future__ import annotations

import pytest
from conftest import Project
from serving import Serving

pytestmark = [pytest.mark.browser, pytest.mark.build]


@pytest.fixture
def serving(tmp_path):
    project = Project(tmp_path / "site-src", with_demo_content=False)
    project.post("2024-03-07-tin-thu", title="Tiêu đề ban đầu của tin", body="Nội dung tin thử.\n")
    project.post("2024-03-08-tin-ben", title="Tin bên cạnh", body="Tin khác.\n")
    running = Serving(project.path).started()
    yield running
    running.stop()


def _open(browser, url: str):
    page = browser.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script("document.addEventListener('securitypolicyviolation',"
                         " e => console.error('CSP violation: ' + e.violatedDirective))")
    logged = []
    page.on("console", lambda message: logged.append(message.text))
    page.goto(url, wait_until="load")
    return page, problems, logged


def test_an_open_post_reloads_itself_with_its_new_title(browser, serving):
    page, problems, logged = _open(browser, serving.base + "tin-tuc/2024/tin-thu/")
    assert "Tiêu đề ban đầu của tin" in page.locator("h1").first.inner_text()
    page.evaluate("window.__cchcOpened = true")  # on this document only: a reload clears it
    post = serving.project / "content/news/2024/2024-03-07-tin-thu.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Tiêu đề ban đầu", "Tiêu đề mới"), encoding="utf-8")
    page.locator("h1", has_text="Tiêu đề mới của tin").wait_for(timeout=60_000)
    assert "Tiêu đề mới của tin" in page.title()
    assert page.evaluate("window.__cchcOpened === undefined")  # reloaded by the page itself, not by this test
    assert "Enabled live reload" in logged  # MkDocs' script ran: the page's policy allows it
    assert problems == []  # and nothing else was blocked
    page.close()


def test_an_open_page_shows_a_content_error_then_comes_back_when_it_is_fixed(browser, serving):
    page, problems, _ = _open(browser, serving.base + "tin-tuc/2024/tin-ben/")
    post = serving.project / "content/news/2024/2024-03-07-tin-thu.md"
    good = post.read_text(encoding="utf-8")
    post.write_text(good.replace("category: chuyen-doi-so", "category: khong-co"), encoding="utf-8")
    page.locator("h1", has_text="Nội dung có lỗi").wait_for(timeout=60_000)
    assert "content/news/2024/2024-03-07-tin-thu.md:4: category" in page.locator("main").inner_text()
    post.write_text(good, encoding="utf-8")
    page.locator("h1", has_text="Tin bên cạnh").wait_for(timeout=60_000)
    assert problems == []
    page.close()
