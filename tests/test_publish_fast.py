"""Publishing a content-only commit in minutes: which pushes take the fast path (checks/changed.py),
the static gates they pass (make verify-fast: checks/verify.py --fast, checks/sitecheck.csp_problems),
and the workflows that run the rest nightly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import yaml

from checks.changed import kind
from checks.sitecheck import csp_problems
from tests.conftest import ROOT, run_env

CSP = ("default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
       "object-src 'none'; base-uri 'self'")


def _git(root, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b.vn",
           "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@b.vn"}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def _commit(root, files: dict[str, str]) -> str:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "thay đổi")
    return _git(root, "rev-parse", "HEAD")


def test_only_a_push_within_content_takes_the_fast_path(tmp_path):
    _git(tmp_path, "init", "-q")
    first = _commit(tmp_path, {"mkdocs.yml": "site_name: x\n", "content/news/2026/a.md": "một"})
    notice = _commit(tmp_path, {"content/news/2026/thông báo khẩn.md": "hai", "content/media/a.pdf": "%PDF"})
    template = _commit(tmp_path, {"overrides/post.html": "<p>"})
    assert kind(first, notice, str(tmp_path)) == "content"
    assert kind(notice, template, str(tmp_path)) == "code"
    assert kind(first, template, str(tmp_path)) == "code"  # several commits: any code change counts
    assert kind("0" * 40, notice, str(tmp_path)) == "code"  # a new branch: nothing to compare
    assert kind(notice, notice, str(tmp_path)) == "code"  # nothing changed: no reason to skip anything
    assert kind("khong-co", notice, str(tmp_path)) == "code"  # unreadable history: the full path


def _page(tmp_path, name: str, body: str, policy: str | None) -> None:
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">' if policy is not None else ""
    (tmp_path / name).write_text(f"<!doctype html><html><head>{meta}</head><body>{body}</body></html>",
                                 encoding="utf-8")


def test_the_csp_gate_finds_what_a_browser_would_block(tmp_path):
    import base64
    import hashlib

    script = "document.documentElement.className = 'js'"
    digest = "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
    _page(tmp_path, "good.html", f'<script>{script}</script><script type="application/ld+json">{{}}</script>',
          CSP.format(hashes=digest))
    assert csp_problems(tmp_path) == []
    _page(tmp_path, "none.html", "<p>x</p>", None)
    _page(tmp_path, "unhashed.html", "<script>alert(1)</script>", CSP.format(hashes=digest))
    _page(tmp_path, "handler.html", '<a href="javascript:void(0)" onclick="x()">x</a>', CSP.format(hashes=""))
    _page(tmp_path, "loose.html", "", CSP.format(hashes="'unsafe-inline'").replace("object-src 'none'; ", ""))
    found = "\n".join(csp_problems(tmp_path))
    assert "none.html: không có Content-Security-Policy" in found
    assert "unhashed.html: đoạn script nội tuyến “alert(1)…” không có trong script-src" in found
    assert found.count("handler.html") == 2 and "onclick" in found and "href" in found
    assert "loose.html: script-src cho phép 'unsafe-inline'" in found and "loose.html: thiếu object-src" in found
    assert "good.html" not in found


def _fast(site):
    return subprocess.run([sys.executable, "-m", "checks.verify", "--fast", str(site)], cwd=ROOT,
                          env=run_env(), capture_output=True, text=True, timeout=600)


@pytest.mark.build
def test_verify_fast_passes_the_demo_and_stops_a_broken_page(demo_site, tmp_path):
    if shutil.which("java") is None and os.environ.get("CI") != "true":
        pytest.skip("Java (Nu Html Checker) is not installed; CI installs it")
    result = _fast(demo_site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ĐẠT" in result.stdout and "CSP: 0" in result.stdout
    site = tmp_path / "site"
    shutil.copytree(demo_site, site)
    page = site / "lien-he/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", '<a href="../khong-co/">x</a></main>', 1),
                    encoding="utf-8")
    result = _fast(site)
    assert result.returncode == 1
    assert "LỖI: liên kết hỏng:" in result.stdout and "khong-co" in result.stdout


def test_content_pushes_publish_after_the_static_gates_and_code_pushes_after_the_suite():
    publish = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))["jobs"]
    assert "python3 -m checks.changed" in publish["due"]["steps"][-1]["run"]
    assert publish["test"]["if"] == "needs.due.outputs.kind == 'code'"
    steps = {step.get("name", ""): step for step in publish["build"]["steps"]}
    fast = steps["make verify-fast (static gates on the built site)"]
    assert fast["run"] == "make verify-fast" and fast["if"] == "needs.due.outputs.kind == 'content'"
    assert list(steps).index("make check") < list(steps).index("make build (mkdocs build --strict)") \
        < list(steps).index("make verify-fast (static gates on the built site)")
    nightly = yaml.safe_load((ROOT / ".github/workflows/nightly.yml").read_text(encoding="utf-8"))
    assert nightly[True]["schedule"] == [{"cron": "0 18 * * *"}]
    run = nightly["jobs"]["test"]["steps"]
    assert run[-2]["run"] == "bash .ci/run" and run[-1]["if"] == "failure()" and "gh issue create" in run[-1]["run"]
