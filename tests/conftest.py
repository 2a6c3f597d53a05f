"""Shared fixtures: temporary projects built from the real templates and hooks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Fixed "now" so scheduled posts behave the same on every run.
NOW = "2026-11-24 12:00"


def run_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("CCHC_NOW", NOW)
    env.update(extra)
    return env


class Project:
    """A throwaway copy of the site: real mkdocs.yml, hooks, templates, docs."""

    def __init__(self, path: Path, with_demo_content: bool):
        self.path = path
        for name in ("docs", "overrides", "hooks"):
            shutil.copytree(ROOT / name, path / name)
        shutil.copy(ROOT / "mkdocs.yml", path / "mkdocs.yml")
        if with_demo_content:
            shutil.copytree(ROOT / "content", path / "content")
        else:
            (path / "content" / "news").mkdir(parents=True)
            shutil.copy(ROOT / "content" / "categories.yml", path / "content" / "categories.yml")

    def write(self, relative: str, text: str | bytes) -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
        return target

    def post(self, name: str, *, title: str = "Tin thử nghiệm về cải cách hành chính",
             date: str | None = None, category: str = "chuyen-doi-so",
             summary: str = "Tóm tắt tin thử nghiệm dùng trong kiểm thử tự động.",
             extra: str = "", body: str = "Nội dung tin bài.\n") -> Path:
        year = name[:4]
        date = date or f"{name[:10]} 08:00"
        front = f'title: "{title}"\ndate: {date}\ncategory: {category}\nsummary: "{summary}"\n{extra}'
        return self.write(f"content/news/{year}/{name}.md", f"---\n{front}---\n\n{body}")

    def build(self, site: str = "site", **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", site],
            cwd=self.path, env=run_env(**env), capture_output=True, text=True, timeout=600,
        )

    def check(self) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cchc", "check", "--root", str(self.path)],
            cwd=self.path, env=run_env(), capture_output=True, text=True, timeout=120,
        )


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "site-src", with_demo_content=False)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The demo site, built once for all build tests."""
    project = Project(tmp_path_factory.mktemp("demo") / "src", with_demo_content=True)
    result = project.build()
    assert result.returncode == 0, result.stderr
    return project.path / "site"
