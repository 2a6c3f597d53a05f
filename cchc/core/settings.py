"""Typed site settings read from ``extra:`` in mkdocs.yml.

Site identity lives there and only there; templates read it through
``config.extra`` and the core through :class:`Settings`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cchc.core import schema
from cchc.core.errors import ContentError, ContentErrors
from cchc.core.yamlsafe import YamlDoc


@dataclass(frozen=True)
class Settings:
    root: Path  # the project folder, which holds content/
    site_url: str
    department: dict[str, Any]
    portals: dict[str, Any]
    demo: bool = False
    per_page: int = 10
    archive_per_page: int = 50
    home_count: int = 6
    embed_hosts: frozenset[str] = frozenset()  # hosts whose iframes Markdown may embed
    zalo_oa_id: str = ""  # set: the share bar offers Zalo's own button (its SDK loads on tap)
    editor: dict[str, Any] = field(default_factory=dict)  # web editor (/admin/) backend settings

    @property
    def script_hosts(self) -> frozenset[str]:
        """Third-party script hosts the pages may load: none unless configured."""
        return frozenset({"sp.zalo.me"}) if self.zalo_oa_id else frozenset()

    @property
    def frame_hosts(self) -> frozenset[str]:
        return self.embed_hosts | ({"*.zalo.me"} if self.zalo_oa_id else set())

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def cache_dir(self) -> Path:
        """Cards, thumbnails and QR codes kept between builds (cchc.diskcache)."""
        return self.root / ".cache"

    @classmethod
    def from_extra(cls, extra: dict[str, Any], root: Path, site_url: str | None, config_name: str = "mkdocs.yml") -> Settings:
        extra = dict(extra)  # MkDocs hands over a config object, not a dict
        errors = schema.validate(extra, "site", YamlDoc(extra), config_name)
        errors = [ContentError(e.path, e.line, "extra." + e.field if e.field else "extra", e.message)
                  for e in errors]
        if errors:
            raise ContentErrors(errors)
        news = extra.get("news", {})
        return cls(
            root=root,
            site_url=site_url or "",
            department=dict(extra["department"]),
            portals=dict(extra["portals"]),
            demo=bool(extra.get("demo", False)),
            per_page=news.get("per_page", 10),
            archive_per_page=news.get("archive_per_page", 50),
            home_count=news.get("home_count", 6),
            embed_hosts=frozenset(extra.get("embed_hosts") or ()),
            zalo_oa_id=str(extra.get("zalo_oa_id") or ""),
            editor=dict(extra.get("editor") or {}),
        )
