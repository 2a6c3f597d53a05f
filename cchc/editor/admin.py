"""The web editor at /admin/: Sveltia CMS from npm, bundled for offline use, plus the generated configuration.

Sveltia's files come from ``node_modules`` (pinned in package-lock.json, installed by ``make``),
bundled once per install by ``cchc/editor/bundle.mjs`` into ``node_modules/.cchc-admin/`` (its
fonts, WebAssembly and the Vietnamese locale as files beside it, nothing from a CDN), and copied
into the built site: never committed, never fetched from elsewhere. The page itself is static HTML
with no inline script: ``khoi-dong.js`` starts the editor, signed in to the configured backend
(GitHub, GitLab or Gitea/Forgejo: a personal access token, PKCE, or an OAuth relay), or, when the
page is opened from this machine (``make edit``), to the local backend on 127.0.0.1. Its content
security policy (cchc.render.csp.admin_policy) lets it load code only from the site and talk only
to those: the backend's API, the local backend.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from cchc.core.layout import CODE_ROOT, NODE_MODULES
from cchc.render.csp import admin_policy

BUNDLE = NODE_MODULES / ".cchc-admin"  # written by cchc/editor/bundle.mjs (Makefile, after npm ci)
STARTER = Path(__file__).with_name("khoi-dong.js")
LOCAL_CONFIG = "cau-hinh-cuc-bo.json"  # what khoi-dong.js starts the editor with under `make edit`
LOCAL_REPO = "may-nay/noi-dung"  # the name the local backend answers to: "this machine / content"

# Where each backend's API is unless the configuration names another api_root, and its sign-in host.
API_ROOTS = {"github": "https://api.github.com", "gitlab": "https://gitlab.com/api/v4",
             "gitea": "https://gitea.com/api/v1"}
# The signed-in editor's picture: GitHub serves it from its own host; GitLab.com from Gravatar
# unless the editor uploaded one; Gitea and a self-hosted GitLab from their own origin.
AVATAR_HOSTS = {"github": ["https://avatars.githubusercontent.com"], "gitlab": ["https://secure.gravatar.com"]}
LOCAL_HOSTS = ("127.0.0.1", "localhost")

INDEX_HTML = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>Biên tập nội dung – {site_name}</title>
<link rel="icon" href="../assets/logo.svg">
<script type="module" src="khoi-dong.js"></script>
</head>
<body>
<noscript>Trang biên tập cần bật JavaScript. Hướng dẫn: <a href="../huong-dan/">Hướng dẫn biên tập</a>.</noscript>
</body>
</html>
"""


class AdminError(RuntimeError):
    pass


class _NoAliases(yaml.SafeDumper):
    """Write shared values out in full: the file is read by people, not only by Sveltia."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_config(config: dict[str, Any]) -> str:
    header = "# Tạo tự động từ schemas/*.schema.json khi build (cchc/editor/cms.py); không sửa tay.\n"
    return header + yaml.dump(dict(config), Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=120)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def bundle_files(bundle: Path = BUNDLE) -> list[str]:
    """The bundle's files (relative paths), once it is known to be complete and made from this checkout."""
    run = "chạy `make build` (cài gói npm đã ghim rồi đóng gói trang biên tập)"
    try:
        manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise AdminError(f"thiếu trang biên tập Sveltia CMS đã đóng gói ({bundle}/manifest.json): {run}") from None
    for source, digest in manifest["inputs"].items():
        if _sha256(CODE_ROOT / source) != digest:
            raise AdminError(f"trang biên tập đóng gói trong {bundle} đã cũ ({source} đã sửa sau đó): {run}")
    files = manifest["files"]
    missing = [name for name, size in files.items() if not (bundle / name).is_file()
               or (bundle / name).stat().st_size != size]
    if missing:
        raise AdminError(f"trang biên tập đóng gói trong {bundle} thiếu hoặc hỏng {', '.join(missing[:3])}: {run}")
    return sorted(files)


_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def _origin(url: str) -> str | None:
    """scheme://host[:port] of ``url``, or None: nothing else may reach the policy (no ``;``, no quote)."""
    parts = urlsplit(url)
    ok = parts.scheme in ("http", "https") and _HOST.fullmatch(parts.netloc)
    return f"{parts.scheme}://{parts.netloc}" if ok else None


def connect_origins(config: dict[str, Any], local_port: int | None = None) -> list[str]:
    """Every origin the editor configured by ``config`` calls with fetch, besides the site itself.

    The backend's API; for PKCE, the host whose token endpoint the page calls (``base_url``). An OAuth
    relay is only opened in a pop-up window, which the policy does not govern, so it is not here.
    With ``local_port``, the local backend of `make edit`, under both names of this machine.
    """
    backend = config.get("backend", {})
    name = backend.get("name", "github")
    urls = [backend.get("api_root") or API_ROOTS.get(name, "")]
    if backend.get("auth_type") == "pkce" or (name == "gitea" and backend.get("app_id")):
        urls.append(backend.get("base_url") or "")
    if local_port:
        urls += [f"http://{host}:{local_port}" for host in LOCAL_HOSTS]
    return sorted({origin for origin in map(_origin, urls) if origin})


def image_origins(config: dict[str, Any]) -> list[str]:
    """Where the signed-in editor's avatar comes from."""
    backend = config.get("backend", {})
    name = backend.get("name", "github")
    own = [] if name == "github" else [_origin(backend.get("api_root") or API_ROOTS.get(name, ""))]
    return sorted({origin for origin in [*AVATAR_HOSTS.get(name, []), *own] if origin})


def local_config(config: dict[str, Any], local_port: int) -> dict[str, Any]:
    """The configuration of the editor opened from this machine (`make edit`): the local backend.

    A Gitea API v1 server on 127.0.0.1:``local_port`` over this checkout's content/
    (cchc/editor/localgit.py), answering to the repository LOCAL_REPO and to the access token that
    `make edit` prints; its ``default_branch`` (the current branch) is used, so no ``branch``. Given
    whole, with ``load_config_file: false``: Sveltia deep-merges an object given to ``CMS.init()``
    into config.yml, which would keep config.yml's ``branch`` and OAuth settings.
    """
    root = f"http://{LOCAL_HOSTS[0]}:{local_port}"
    backend = {"name": "gitea", "repo": LOCAL_REPO, "base_url": root, "api_root": f"{root}/api/v1",
               "auth_methods": ["token"]}
    if "commit_messages" in config.get("backend", {}):
        backend["commit_messages"] = config["backend"]["commit_messages"]
    return {"load_config_file": False, **config, "backend": backend}


def write_admin(site_dir: Path, config: dict[str, Any], site_name: str, bundle: Path = BUNDLE,
                local_port: int | None = None) -> Path:
    """site/admin/: the bundle, the start script, config.yml, the local configuration and the page.

    ``local_port`` (the local backend of `make edit`) defaults to the one ``config`` was made for
    (``cms_config`` returns a :class:`cchc.editor.cms.CmsConfig`, which carries it beside the keys).
    """
    files = bundle_files(bundle)
    admin = site_dir / "admin"
    admin.mkdir(parents=True, exist_ok=True)
    for name in files:
        (admin / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bundle / name, admin / name)
    shutil.copyfile(STARTER, admin / STARTER.name)
    port = local_port or getattr(config, "local_port", None)
    (admin / "config.yml").write_text(dump_config(config), encoding="utf-8")
    if port:
        local = json.dumps(local_config(config, port), ensure_ascii=False, indent=1)
        (admin / LOCAL_CONFIG).write_text(local + "\n", encoding="utf-8")
    # Quotes only: a policy is full of 'self', which the attribute keeps readable as it is.
    policy = admin_policy(connect_origins(config, port), image_origins(config))
    page = INDEX_HTML.format(site_name=escape(site_name), policy=escape(policy, quote=False).replace('"', "&quot;"))
    (admin / "index.html").write_text(page, encoding="utf-8")
    return admin
