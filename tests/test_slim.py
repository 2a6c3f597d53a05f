"""Pages lose their templates' indentation and nothing a reader sees (cchc/render/slim.py, issue 22)."""

from __future__ import annotations

import json
import re

import pytest

from cchc.render.slim import slim

# Shaped like a Material page: indented tabs, inline links separated by line breaks, running text over
# several lines, and every element whose white space shows.
PAGE = """<!doctype html>
<html lang="vi">
  <head>
    <meta charset="utf-8">
    <style>
      code, kbd { white-space: pre-wrap; }
      .pre-line { white-space: pre-line; }
    </style>
    <title>Trang thử</title>
  </head>
  <body>
    <nav>
      <ul>
        <li>
          <a href="#">
__BLANK_LINES__
    Trang chủ

          </a>
        </li>
        <li><a href="#">Tin tức</a></li>
      </ul>
    </nav>
    <p class="crumb">
      <a href="#">Trang chủ</a> ›
      <a href="#">Tin tức</a> ›
      <span>Cải cách</span>
    </p>
    <p>Người dân nộp hồ sơ
       trực tuyến, <strong>không</strong>
       <em>phải</em> đến quầy.</p>
    <p>Mã <code>1.0012
       34</code> và phím <kbd>Ctrl
   + P</kbd> giữ nguyên.</p>
    <pre><code>  thụt lề
      <span>  vẫn giữ</span>
</code></pre>
    <PRE>  HOA
    <b> giữ</b></PRE>
    <textarea>
      dòng một
      dòng hai</textarea>
    <a title="dòng một
       dòng hai" href="#">tiêu đề nhiều dòng</a>
    <script>
      var text = `một
        <b>hai</b>`;
    </script>
  </body>
</html>
""".replace("__BLANK_LINES__", "            \n  ")  # lines of spaces only, as Jinja leaves them


def test_the_page_is_smaller_and_every_kept_element_is_byte_for_byte_the_same():
    out = slim(PAGE)
    assert len(out) < 0.85 * len(PAGE)
    kept = [m.group() for m in re.finditer(r"<(pre|code|kbd|textarea|script|style)\b.*?</\1>", PAGE, re.S | re.I)]
    assert len(kept) == 7
    for element in kept:
        assert element in out
    assert 'title="dòng một\n       dòng hai"' in out  # an attribute's value keeps its spaces
    assert "<a href=\"#\">\nTrang chủ\n</a>" in out
    assert "</a> ›\n<a" in out


def test_white_space_is_reduced_only_next_to_a_tag():
    assert slim("<p>\n    <b>x</b>\n    </p>") == "<p>\n<b>x</b>\n</p>"
    assert slim("một\n    hai") == "một\n    hai"  # running text between words: not next to a tag
    assert slim("<i>a</i> <i>b</i>") == "<i>a</i> <i>b</i>"  # no line break: left alone
    assert slim(slim(PAGE)) == slim(PAGE)


def test_a_kept_element_without_its_end_keeps_the_rest_of_the_page():
    assert slim("<p>\n  <pre>\n  a\n    <b>") == "<p>\n<pre>\n  a\n    <b>"


@pytest.fixture(scope="module")
def page(browser):
    page = browser.new_page(viewport={"width": 420, "height": 900})
    yield page
    page.close()


def test_the_page_looks_and_reads_the_same_in_chromium(page):
    shots, texts = [], []
    for html in (PAGE, slim(PAGE)):
        page.set_content(html)
        texts.append(page.evaluate("document.body.innerText"))
        shots.append(page.screenshot(full_page=True))
    assert texts[0] == texts[1]
    assert "Trang chủ › Tin tức › Cải cách" in texts[0].replace("\n", " ")
    assert shots[0] == shots[1]


def test_demo_pages_are_slimmed(demo_site):
    """Every page of the built demo: no indented line next to a tag outside the kept elements."""
    pages = list(demo_site.rglob("*.html"))
    assert len(pages) > 50
    for path in pages:
        html = path.read_text(encoding="utf-8")
        outside = re.sub(r"<(pre|code|kbd|textarea|script|style)\b.*?</\1\s*>", "<kept/>", html, flags=re.S | re.I)
        assert not re.search(r">\n[ \t]+\S|\n[ \t]+<", outside), path


def test_json_in_pages_is_utf8_text_and_still_parses(demo_site):
    """JSON-LD and Material's __config carry Vietnamese as UTF-8 (a third of the bytes of \\u escapes)."""
    html = (demo_site / "tthc" / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script (?:type="application/ld\+json"|id="__config" type="application/json")>(.*?)</script>',
                        html, re.S)
    assert len(blocks) >= 2
    for block in blocks:
        assert not re.search(r"\\u[0-9a-f]{4}", block.replace("\\u003c", "").replace("\\u003e", "")
                             .replace("\\u0026", "").replace("\\u0027", "")), block[:200]
        json.loads(block)
    assert "Thủ tục hành chính" in " ".join(blocks)
