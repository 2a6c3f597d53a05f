"""Commit times of content files (cchc/core/gitdates.py): what sitemap lastmod and feed dates stand on."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path

from cchc.core import gitdates
from cchc.core.dates import VN_TZ


def _git(root: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Biên tập", "GIT_AUTHOR_EMAIL": "bt@example.vn",
           "GIT_COMMITTER_NAME": "Biên tập", "GIT_COMMITTER_EMAIL": "bt@example.vn"}
    if when:
        # The author date is set a day earlier: the committer date (when it reached the branch) counts.
        env |= {"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": "2020-01-01T00:00:00+07:00"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "content/news/2026").mkdir(parents=True)
    _git(root, "init", "-q")
    return root


def test_first_and_last_commit_of_each_file(tmp_path):
    root = _repo(tmp_path)
    post, other = root / "content/news/2026/2026-01-05-tiêm-chủng.md", root / "content/news/2026/b.md"
    post.write_text("một", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "thêm", when="2026-01-05T08:00:00+07:00")
    other.write_text("hai", encoding="utf-8")
    (root / "README").write_text("ngoài content", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "thêm b", when="2026-02-01T09:30:00+07:00")
    post.write_text("một, sửa", encoding="utf-8")
    _git(root, "commit", "-qam", "sửa", when="2026-03-10T10:00:00+07:00")

    dates = gitdates.read(root, ("content",))
    name = "content/news/2026/2026-01-05-tiêm-chủng.md"  # Vietnamese names, not octal escapes
    assert dates.first(name) == datetime(2026, 1, 5, 8, tzinfo=VN_TZ)
    assert dates.last(name) == datetime(2026, 3, 10, 10, tzinfo=VN_TZ)
    assert dates.first("content/news/2026/b.md") == dates.last("content/news/2026/b.md") \
        == datetime(2026, 2, 1, 9, 30, tzinfo=VN_TZ)
    assert dates.last("README") is None  # outside the folders asked for
    assert dates.newest([name, "content/news/2026/b.md", "content/chua-commit.md"]) == dates.last(name)
    assert dates.newest(["content/chua-commit.md"]) is None


def test_nothing_known_without_git_or_in_a_shallow_clone(tmp_path):
    assert gitdates.read(tmp_path, ("content",)) == gitdates.FileDates()
    root = _repo(tmp_path)
    for day in ("01", "02"):
        (root / f"content/news/2026/{day}.md").write_text(day, encoding="utf-8")
        _git(root, "add", "-A")
        _git(root, "commit", "-qm", day, when=f"2026-01-{day}T08:00:00+07:00")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(clone)], check=True)
    # A shallow clone's only commit would seem to add every file: no dates rather than wrong ones.
    assert gitdates.read(clone, ("content",)) == gitdates.FileDates()
