"""Whether a push changed content only: then it is published after the fast gates, not the full suite.

    python3 -m checks.changed BEFORE AFTER   # prints "content" or "code"

Standard library only: it runs before anything is installed. Anything unsure
(a first push, a history it cannot read) is "code", which takes the full path.
"""

from __future__ import annotations

import subprocess
import sys

# What an editor changes. Everything else (templates, hooks, schemas, the core, mkdocs.yml,
# workflows, pins) can break pages the content gates do not look at.
CONTENT = ("content/",)


def kind(before: str, after: str, cwd: str = ".") -> str:
    if not before or set(before) == {"0"}:
        return "code"  # a new branch: nothing to compare with
    try:
        changed = subprocess.run(["git", "-C", cwd, "-c", "core.quotepath=off", "diff", "--name-only", "-z",
                                  before, after], capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return "code"
    paths = [p for p in changed.decode("utf-8", "surrogateescape").split("\0") if p]
    return "content" if paths and all(p.startswith(CONTENT) for p in paths) else "code"


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("cách dùng: python3 -m checks.changed TRƯỚC SAU")
    print(kind(sys.argv[1], sys.argv[2]))
