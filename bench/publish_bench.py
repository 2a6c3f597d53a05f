"""How long a content-only commit takes from merge to a publishable site, at a given size.

    python -m bench.publish_bench --posts 5000 --procedures 1000

Writes the synthetic department of bench/synth.py into a git repository, builds it
once (the share-card and render caches CI restores between runs), then commits a
one-post edit, as an editor's urgent fix would be, and times what the publish
workflow runs for it: make check, the strict build and make verify-fast. The time
to set up a runner (checkout, pip, npm) is not in it; say it beside the result.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synth import write_site

ROOT = Path(__file__).resolve().parent.parent


def _run(step: str, command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.monotonic()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"{step} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    if step == "verify-fast":
        print(result.stdout.strip())  # seconds per gate
    return seconds


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.vn",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.vn"}
    subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--procedures", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="build here and keep it (to time the gates again)")
    args = parser.parse_args(argv)
    python = sys.executable
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    with tempfile.TemporaryDirectory(prefix="publish-bench-") as scratch:
        project = args.keep or Path(scratch) / "so-y-te"
        write_site(project, args.posts, args.procedures)
        _git(project, "init", "-q")
        _git(project, "add", "-A")
        _git(project, "commit", "-qm", "nội dung ban đầu")
        build = [python, "-m", "mkdocs", "build", "--strict", "--site-dir", "site"]
        cold = _run("first build", build, project, env)

        post = sorted((project / "content/news").rglob("*.md"))[-1]
        post.write_text(post.read_text(encoding="utf-8").replace("\n\n", "\n\nThông báo khẩn: lịch tiếp "
                                                                 "nhận hồ sơ thay đổi.\n\n", 1), encoding="utf-8")
        _git(project, "commit", "-qam", "sửa một tin")
        steps = {
            "make check": _run("check", [python, "-m", "cchc", "check", "--root", str(project)], project, env),
            "make build": _run("build", build, project, env),
            "make verify-fast": _run("verify-fast", [python, "-m", "checks.verify", "--fast",
                                                     str(project / "site")], ROOT, env),
        }
        pages = sum(1 for _ in (project / "site").rglob("*.html"))
    print(f"{args.posts} tin + {args.procedures} thủ tục, {pages} trang HTML; lần dựng đầu (lấp bộ đệm): {cold:.0f} s")
    for step, seconds in steps.items():
        print(f"  {step:<18}{seconds:6.1f} s")
    print(f"  {'tổng':<18}{sum(steps.values()):6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
