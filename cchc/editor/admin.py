"""The web editor at /admin/: Decap CMS from npm plus the generated configuration.

Decap's files come from ``node_modules`` (pinned in package-lock.json,
installed by ``make``) and are copied into the built site, so they are never
committed and nothing loads from a CDN. The page itself is static HTML: the
editor logs in with GitHub in production, or talks to decap-server on
127.0.0.1 when opened from this machine (``make edit``). Its content security
policy (cchc.render.csp.admin_policy) lets it load code only from the site and
talk only to those: GitHub's API, the OAuth relay, the local backend.
"""

from __future__ import annotations

import shutil
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from cchc.core.layout import NODE_MODULES
from cchc.render.csp import admin_policy

DECAP_DIST = NODE_MODULES / "decap-cms" / "dist"
GITHUB_API = "https://api.github.com"  # Decap's GitHub backend, unless the configuration names another api_root

INDEX_HTML = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>Biên tập nội dung – {site_name}</title>
<link rel="icon" href="../assets/logo.svg">
</head>
<body>
<noscript>Trang biên tập cần bật JavaScript. Hướng dẫn: <a href="../huong-dan/">Hướng dẫn biên tập</a>.</noscript>
<script src="decap-cms.js"></script>
</body>
</html>
"""


class AdminError(RuntimeError):
    pass


class _NoAliases(yaml.SafeDumper):
    """Write shared values out in full: the file is read by people, not only by Decap."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_config(config: dict[str, Any]) -> str:
    header = "# Tạo tự động từ schemas/*.schema.json khi build (cchc/cms.py); không sửa tay.\n"
    return header + yaml.dump(config, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=120)


def decap_files(dist: Path = DECAP_DIST) -> list[Path]:
    """The bundle, its lazily loaded chunks and WebAssembly, and the licence notice."""
    if not (dist / "decap-cms.js").is_file():
        raise AdminError(f"thiếu Decap CMS ({dist}/decap-cms.js): chạy `make build` để cài gói npm đã ghim")
    return sorted(p for p in dist.iterdir() if not p.name.endswith(".map") and (
        p.name.startswith("decap-cms.js") or p.name.endswith((".decap-cms.js", ".wasm"))))


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def connect_origins(config: dict[str, Any]) -> list[str]:
    """Every origin the editor configured by ``config`` has to call, besides the site itself."""
    backend = config.get("backend", {})
    urls = [backend.get("api_root") or GITHUB_API, backend.get("base_url") or "",
            config.get("local_backend", {}).get("url") or ""]
    return sorted({origin for origin in map(_origin, urls) if origin})


def write_admin(site_dir: Path, config: dict[str, Any], site_name: str, dist: Path = DECAP_DIST) -> Path:
    admin = site_dir / "admin"
    admin.mkdir(parents=True, exist_ok=True)
    for source in decap_files(dist):
        shutil.copy2(source, admin / source.name)
    (admin / "config.yml").write_text(dump_config(config), encoding="utf-8")
    # Quotes only: a policy is full of 'self', which the attribute keeps readable as it is.
    policy = escape(admin_policy(connect_origins(config)), quote=False).replace('"', "&quot;")
    page = INDEX_HTML.format(site_name=escape(site_name), policy=policy)
    (admin / "index.html").write_text(page, encoding="utf-8")
    return admin
