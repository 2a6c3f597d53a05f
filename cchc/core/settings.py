"""Typed site settings, read from ``extra:`` in mkdocs.yml.

Site identity lives there and only there; templates read it through
``config.extra``, the core through :class:`Settings`, whose parts are frozen
dataclasses: code reads attributes, so a misspelt setting fails at once
instead of printing an empty value. The site schema (schemas/site.schema.json)
checks the values first, with the same messages as content errors.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from cchc.core import layout, schema
from cchc.core.errors import ContentError, ContentErrors, FileErrors, display_path


@dataclass(frozen=True)
class Department:
    """Who publishes the site (extra.department)."""

    name: str
    province: str
    province_code: str  # H + two digits, the last part of local procedure codes
    hotline: str
    address: str
    email: str
    short_name: str = ""
    governing_body: str = ""
    phone: str = ""
    working_hours: str = ""
    pakn_address: str = ""


@dataclass(frozen=True)
class Portals:
    """The public service portals the site links to (extra.portals)."""

    national: str
    provincial: str
    survey: str = ""
    pakn: str = ""
    submit_url: str = ""  # {code} is replaced by the procedure code
    national_procedure_url: str = ""  # {code} is replaced by the national code


BACKENDS = ("github", "gitlab", "gitea")  # what the web editor (Sveltia CMS) signs in to; gitea: Gitea or Forgejo


@dataclass(frozen=True)
class EditorSettings:
    """Where the web editor (/admin/) commits, how editors sign in, where `make edit` serves it (extra.editor).

    Sign-in, without a server of the department's own: a personal access token (every backend), or
    PKCE with ``app_id``, the OAuth application registered on GitLab or Gitea/Forgejo, whose server is
    ``base_url`` (its API ``api_root``). GitHub has a sign-in button only through an OAuth relay
    server (``base_url``, ``auth_endpoint``).
    """

    backend: str = "github"
    repo: str = "to-chuc/kho-noi-dung"
    branch: str = "main"
    base_url: str = ""  # GitLab, Gitea/Forgejo: the server (empty: gitlab.com, gitea.com); GitHub: an OAuth relay
    api_root: str = ""  # the API of a self-hosted server (GitLab …/api/v4, Gitea …/api/v1, GitHub Enterprise)
    app_id: str = ""  # OAuth application id (GitLab, Gitea/Forgejo): the sign-in button, by PKCE
    auth_endpoint: str = ""
    local_port: int = 8081  # the local backend of `make edit` on 127.0.0.1

    def problems(self) -> list[tuple[str, str]]:
        """(key, message) for settings that cannot work together; the schema checked each alone."""
        found = []
        if self.backend == "github" and self.app_id:
            found.append(("app_id", "GitHub chưa đăng nhập được bằng PKCE trong Sveltia CMS: bỏ app_id, "
                                    "đăng nhập bằng mã truy cập cá nhân hoặc qua máy chủ OAuth trung gian (base_url)"))
        return found


DEPLOY_KINDS = ("github", "rsync", "s3")  # where `make deploy` publishes the built site (cchc/deploy/)


@dataclass(frozen=True)
class DeploySettings:
    """Where `make deploy` publishes site/ (extra.deploy); every value can be overridden by
    ``CCHC_DEPLOY_<NAME>`` in the environment or a flag, so CI can keep a server's name out of git.

    github: GitHub Pages, published by .github/workflows/publish.yml on merge (nothing to do here).
    rsync: a folder on a server over SSH (``user@host:/var/www/syt``) or on this machine (``/srv/www/syt``);
    the web server's root is ``<target>/current``. s3: S3-compatible object storage (MinIO, Ceph, a
    provider's); its keys are read from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY only, never from here.
    Whether the values are complete and safe is checked when deploying (cchc.deploy), after the overrides.
    """

    kind: str = "github"
    target: str = ""  # rsync: [user@]host:/absolute/path or /absolute/path
    ssh_port: int = 0  # 0: ssh's own default (22 or ~/.ssh/config)
    ssh_key: str = ""  # private key file for ssh -i
    known_hosts: str = ""  # known_hosts file holding the server's key (CI); empty: ssh's own
    keep: int = 5  # releases kept on the server, the live one included
    endpoint: str = ""  # s3: https://s3.example.gov.vn ; empty: Amazon S3
    bucket: str = ""
    prefix: str = ""  # s3: the site under this folder of the bucket
    region: str = ""


@dataclass(frozen=True)
class Settings:
    root: Path  # the project folder, which holds content/
    site_url: str
    department: Department
    portals: Portals
    demo: bool = False
    per_page: int = 10
    archive_per_page: int = 50
    home_count: int = 6
    embed_hosts: frozenset[str] = frozenset()  # hosts whose iframes Markdown may embed
    zalo_oa_id: str = ""  # set: the share bar offers Zalo's own button (its SDK loads on tap)
    editor: EditorSettings = EditorSettings()
    deploy: DeploySettings = DeploySettings()

    @property
    def script_hosts(self) -> frozenset[str]:
        """Third-party script hosts the pages may load: none unless configured."""
        return frozenset({"sp.zalo.me"}) if self.zalo_oa_id else frozenset()

    @property
    def frame_hosts(self) -> frozenset[str]:
        return self.embed_hosts | ({"*.zalo.me"} if self.zalo_oa_id else set())

    @property
    def content_dir(self) -> Path:
        return self.root / layout.CONTENT

    @property
    def cache_dir(self) -> Path:
        """Cards, thumbnails and QR codes kept between builds (cchc.core.diskcache)."""
        return self.root / layout.CACHE

    @property
    def site(self) -> str:
        """The site's address, ending in "/", to which site-relative URLs are appended."""
        return self.site_url.rstrip("/") + "/"

    @classmethod
    def from_extra(cls, extra: dict[str, Any], root: Path, site_url: str | None,
                   config_name: str = layout.CONFIG_FILE) -> Settings:
        extra = dict(extra)  # MkDocs hands over a config object, not a dict
        errors = FileErrors(config_name)  # MkDocs does not say which line a value was on
        if not schema.validate(extra, "site", errors, base=("extra",)):
            raise ContentErrors(errors.errors)
        editor = _typed(EditorSettings, extra.get("editor") or {})
        for key, message in editor.problems():
            errors.at(("extra", "editor", key), message)
        if errors:
            raise ContentErrors(errors.errors)
        news = extra.get("news", {})
        return cls(
            root=root,
            site_url=site_url or "",
            department=_typed(Department, extra["department"]),
            portals=_typed(Portals, extra["portals"]),
            demo=bool(extra.get("demo", False)),
            per_page=news.get("per_page", 10),
            archive_per_page=news.get("archive_per_page", 50),
            home_count=news.get("home_count", 6),
            embed_hosts=frozenset(extra.get("embed_hosts") or ()),
            zalo_oa_id=str(extra.get("zalo_oa_id") or ""),
            editor=editor,
            deploy=_typed(DeploySettings, extra.get("deploy") or {}),
        )

    @classmethod
    def from_project(cls, root: Path) -> Settings:
        """The settings of the project at ``root``, read from its mkdocs.yml without MkDocs."""
        config = read_mkdocs_config(root / layout.CONFIG_FILE, root)
        return cls.from_extra(config.get("extra") or {}, root, config.get("site_url"))


def _typed(kind: type, values: dict[str, Any]) -> Any:
    # The schema allows only known keys; empty values mean "not given" (the web editor writes "").
    names = {f.name for f in fields(kind)}
    return kind(**{key: value for key, value in values.items() if key in names and value not in (None, "")})


class _ConfigLoader(yaml.SafeLoader):
    """Knows MkDocs' tags (!ENV, !relative, !!python/name) only to skip them."""


def _ignore(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_ConfigLoader.add_multi_constructor("!", _ignore)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore)


def read_mkdocs_config(path: Path, root: Path) -> dict[str, Any]:
    """mkdocs.yml as data, for the command line checker (which does not start MkDocs)."""
    source = display_path(path, root)
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_ConfigLoader)
    except FileNotFoundError:
        raise ContentError(source, None, "", "không tìm thấy tệp cấu hình") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise ContentError(source, mark.line + 1 if mark else None, "", f"lỗi cú pháp YAML ({error.problem})") from None
    if not isinstance(data, dict):
        raise ContentError(source, 1, "", "cấu hình phải là các dòng “tên: giá trị”")
    return data
