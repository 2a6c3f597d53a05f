"""When each content file was first published and last changed, from git history.

What travels needs true dates: a sitemap's lastmod per page, the time a change
appeared in the changelog feed. Those are commit times, not the build's clock
(every page would share one date) nor a decision's effective date (which may
lie in the future). One ``git log`` over the folders asked for, read once per
build. Without git, in a shallow clone (its oldest commit would look like it
added every file) or for a file not committed yet, nothing is known and the
caller falls back to a date of its own.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cchc.core.dates import VN_TZ
from cchc.core.text import nfc


@dataclass(frozen=True)
class FileDates:
    added: dict[str, datetime] = field(default_factory=dict)  # repo-relative path → first commit adding it
    changed: dict[str, datetime] = field(default_factory=dict)  # → newest commit touching it

    def first(self, path: str) -> datetime | None:
        return self.added.get(path)

    def last(self, path: str) -> datetime | None:
        return self.changed.get(path)

    def newest(self, paths) -> datetime | None:
        """The latest change among ``paths`` (a page made from several files), if any is known."""
        return max(filter(None, (self.changed.get(p) for p in paths)), default=None)


def read(root: Path, folders: tuple[str, ...]) -> FileDates:
    """Commit times of every file under ``folders``; paths relative to ``root`` (a project may sit in a subfolder)."""
    try:
        shallow = _git(root, "rev-parse", "--is-shallow-repository").strip()
        # %ct: committer time, when the change reached the branch (an author date can be days older).
        log = _git(root, "log", "--format=%x00%ct", "--name-only", "--no-renames", "--relative", "-z", "--", *folders)
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return FileDates()  # not a git checkout, or git missing
    if shallow == "true":
        return FileDates()
    added: dict[str, datetime] = {}
    changed: dict[str, datetime] = {}
    when: datetime | None = None
    # Newest commit first. With -z: "\0<time>\0\n<path>\0<path>\0" per commit, so a time is
    # the token after an empty one; a path is never all digits (it starts with its folder).
    previous = ""
    for token in log.split("\x00"):
        if previous == "" and token.isdigit():
            when = datetime.fromtimestamp(int(token), VN_TZ)
        elif token.strip("\n") and when is not None:
            path = nfc(token.lstrip("\n"))
            changed.setdefault(path, when)
            added[path] = when  # overwritten until the oldest commit touching it
        previous = token
    return FileDates(added, changed)


def _git(root: Path, *args: str) -> str:
    # core.quotepath=off: Vietnamese file names come back as UTF-8, not octal escapes.
    result = subprocess.run(["git", "-C", str(root), "-c", "core.quotepath=off", *args],
                            capture_output=True, check=True, timeout=300)
    return result.stdout.decode("utf-8", "surrogateescape")


def git_state(root: Path) -> tuple:
    """A cheap stamp of the repository holding ``root``: it changes with every commit, checkout or reset.

    A preview (cchc.site.preview) reads history again only when this changes, not at every save.
    """
    for folder in (root, *root.parents):
        git = folder / ".git"
        if git.is_file():  # a worktree or submodule: "gitdir: <its own folder in the main repository>"
            text = git.read_text(encoding="utf-8", errors="replace").strip()
            git = (folder / text.removeprefix("gitdir:").strip()) if text.startswith("gitdir:") else git
        if git.exists():
            return tuple(_stat(git / name) for name in ("HEAD", "index", "packed-refs", "logs/HEAD"))
    return ()


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        result = path.stat()
    except OSError:
        return None
    return result.st_mtime_ns, result.st_size
