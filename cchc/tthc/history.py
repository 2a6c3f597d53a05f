"""Earlier versions of procedure records, read from git history.

An amendment's "before" is the record as committed just before the commit
that added its decision file; its "after" is the first version committed
from that commit on, before the next decision touching the same procedure
(or, when nothing later was committed, the working copy). So editors commit
the amended record together with, or after, its decision. Without git, or
in a shallow clone, nothing is found and pages show the editor's summary.
"""

from __future__ import annotations

import subprocess
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

from cchc.core import layout
from cchc.core.errors import ContentError
from cchc.core.text import nfc
from cchc.core.yamlsafe import load_yaml
from cchc.tthc.diff import diff_records
from cchc.tthc.model import Procedure


@dataclass
class GitHistory:
    root: Path
    commits: list[str] = field(default_factory=list)  # oldest first
    touched: dict[str, list[int]] = field(default_factory=dict)  # path → indexes of commits changing it
    usable: bool = False

    @classmethod
    def read(cls, root: Path, folder: str = f"{layout.CONTENT}/{layout.TTHC_DIR}") -> GitHistory:
        history = cls(root)
        try:
            shallow = _git(root, "rev-parse", "--is-shallow-repository").strip()
            log = _git(root, "log", "--topo-order", "--reverse", "--format=%x00%H", "--name-only",
                       "--no-renames", "--relative", "--", folder)
        except (OSError, subprocess.CalledProcessError):
            return history  # not a git checkout, or git missing: no history
        if shallow == "true":
            return history
        for block in log.split("\x00")[1:]:
            lines = [line for line in block.split("\n") if line]
            if not lines:
                continue
            history.commits.append(lines[0])
            for path in lines[1:]:
                history.touched.setdefault(path, []).append(len(history.commits) - 1)
        history.usable = bool(history.commits)
        return history

    def added_at(self, path: str) -> int:
        """Index of the commit that first added ``path``; len(commits) if not committed yet."""
        indexes = self.touched.get(path)
        return indexes[0] if indexes else len(self.commits)

    def version_before(self, path: str, index: int) -> str | None:
        indexes = self.touched.get(path, [])
        position = bisect_left(indexes, index)
        return self.show(indexes[position - 1], path) if position else None

    def version_between(self, path: str, start: int, end: int) -> str | None:
        """The first committed version of ``path`` in commits [start, end), if any."""
        indexes = self.touched.get(path, [])
        position = bisect_left(indexes, start)
        if position < len(indexes) and indexes[position] < end:
            return self.show(indexes[position], path)
        return None

    def show(self, index: int, path: str) -> str | None:
        try:
            # "./": the path is relative to the project, which may sit below the repository root.
            return _git(self.root, "show", f"{self.commits[index]}:./{path}")
        except subprocess.CalledProcessError:
            return None  # deleted in that commit


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=True, timeout=120)
    return result.stdout.decode("utf-8")


def describe_amendments(procedures: list[Procedure], root: Path, field_names: dict[str, str],
                        history: GitHistory | None = None) -> None:
    """Fill ``Change.parts`` of every amendment whose two versions are in git (``history``: read already)."""
    history = history if history is not None else GitHistory.read(root)
    if not history.usable:
        return
    for procedure in procedures:
        record = _relative(procedure.abs_path, root)
        changes = procedure.history
        for position, change in enumerate(changes):
            if change.kind != "sua_doi_bo_sung" or change.procedure is not procedure:
                continue
            start = history.added_at(_relative(change.decision.abs_path, root))
            later = changes[position + 1:]
            end = history.added_at(_relative(later[0].decision.abs_path, root)) if later else len(history.commits)
            before = history.version_before(record, start)
            after = history.version_between(record, start, end)
            if after is None and not later:
                after = procedure.abs_path.read_text(encoding="utf-8")  # not committed yet: the working copy
            if before is None or after is None or before == after:
                continue
            try:
                old, new = load_yaml(before, record).data, load_yaml(after, record).data
            except ContentError:
                continue  # an unreadable old version: fall back to the editor's summary
            if isinstance(old, dict) and isinstance(new, dict):
                change.parts = diff_records(nfc(old), nfc(new), field_names) or None


def _relative(path: Path, root: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()
