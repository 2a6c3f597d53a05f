"""Bytes a citizen downloads for a first search, on a built site (make bench prints it).

Serves the site gzip-compressed like a static host, opens /tim-kiem/?q=…
in Chromium and adds up what the query fetched from /pagefind/ (engine,
WebAssembly, index chunks, fragments of the results shown).
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import quote

from checks.verify import CHROME_FLAGS, CHROMIUM, serve

QUERIES = ("giấy phép hành nghề", "dang ky khai sinh", "1.100042")


def first_query_bytes(site: Path, query: str) -> dict[str, int]:
    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS)
            page = browser.new_page()
            sizes: dict[str, int] = {}
            page.on("requestfinished", lambda request: sizes.__setitem__(
                request.url, request.sizes()["responseBodySize"]))
            page.goto(base + "tim-kiem/?q=" + quote(query), wait_until="networkidle")
            page.wait_for_selector(".cchc-result, [data-cchc-search-status]:has-text('Không')")
            page.wait_for_load_state("networkidle")
            browser.close()
    finally:
        server.shutdown()
    search = sum(size for url, size in sizes.items() if "/pagefind/" in url)
    return {"search_bytes": search, "page_bytes": sum(sizes.values()) - search,
            "requests": sum(1 for url in sizes if "/pagefind/" in url)}


if __name__ == "__main__":
    site = Path(sys.argv[1])
    for q in sys.argv[2:] or QUERIES:
        print(q, first_query_bytes(site, q))
