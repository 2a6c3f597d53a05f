"""`python -m cchc new …`, `check` and the pre-commit hook, as an editor runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, run_env


def cli(project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cchc", *args, "--root", str(project.path)],
                          cwd=project.path, env=run_env(CCHC_NOW="2026-11-24 09:15"),
                          capture_output=True, text=True, timeout=120)


def test_new_post_is_a_correctly_named_draft(project):
    result = cli(project, "new", "tin", "Thử: Sở Y tế đổi giờ làm việc 7:30, không nghỉ trưa", "--chuyen-muc", "chuyen-doi-so")
    assert result.returncode == 0, result.stderr
    path = project.path / "content/news/2026/2026-11-24-thu-so-y-te-doi-gio-lam-viec-7-30-khong-nghi-trua.md"
    text = path.read_text(encoding="utf-8")
    assert 'title: "Thử: Sở Y tế đổi giờ làm việc 7:30, không nghỉ trưa"\ndate: 2026-11-24 09:15\n' in text
    assert "category: chuyen-doi-so\n" in text and "draft: true\n" in text
    check = project.check()
    assert check.returncode == 0, check.stderr
    assert "0 tin bài đăng được, 1 bản nháp" in check.stdout  # a draft until the editor says otherwise

    again = cli(project, "new", "tin", "Thử: Sở Y tế đổi giờ làm việc 7:30, không nghỉ trưa")
    assert again.returncode == 1 and "đã có" in again.stderr


def test_new_post_names_are_short_and_unknown_categories_refused(project):
    long_title = "Sở Y tế " + " ".join(["triển khai kế hoạch cải cách hành chính"] * 6)
    assert cli(project, "new", "tin", long_title).returncode == 0
    (path,) = (project.path / "content/news/2026").glob("*.md")
    assert len(path.stem) <= len("2026-11-24-") + 70 and not path.stem.endswith("-")
    result = cli(project, "new", "tin", "Tin khác về một cửa", "--chuyen-muc", "khong-co")
    assert result.returncode == 1 and "không có chuyên mục “khong-co”" in result.stderr
    assert cli(project, "new", "tin", "!!!").returncode == 1


def test_new_procedure_is_a_skeleton_that_check_walks_through(project):
    result = cli(project, "new", "tthc", "--ma", "1.099001", "--linh-vuc", "duoc-pham")
    assert result.returncode == 0, result.stderr
    path = project.path / "content/tthc/1.099001.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../schemas/tthc.schema.json"
    check = project.check()
    assert check.returncode == 1
    reported = [line.strip() for line in check.stderr.splitlines() if line.startswith("  content/")]
    # Only the name is required: every other part is a commented example, never a placeholder fact.
    assert reported == ["content/tthc/1.099001.yml:5: name: chưa điền (trường bắt buộc)"]
    assert lines[4].startswith("name:")
    assert not [line for line in lines[6:] if line.strip() and not line.startswith("#")]

    no_code = cli(project, "new", "tthc", "Cấp giấy phép thử nghiệm đặc biệt")
    assert no_code.returncode == 0 and (project.path / "content/tthc/cap-giay-phep-thu-nghiem-dac-biet.yml").is_file()
    bad_code = cli(project, "new", "tthc", "--ma", "1.0046")
    assert bad_code.returncode == 1 and "1.004616.000.00.00.H41" in bad_code.stderr


def test_new_decision(project):
    project.procedure()
    result = cli(project, "new", "quyet-dinh", "77/QĐ-UBND")
    assert result.returncode == 0, result.stderr
    path = project.path / "content/tthc/quyet-dinh/77-qd-ubnd-2026.yml"
    text = path.read_text(encoding="utf-8")
    assert 'number: "77/QĐ-UBND"' in text and "signed: 2026-11-24" in text
    assert 'issuer: "Uỷ ban nhân dân tỉnh Hoà An"' in text
    check = project.check()
    assert check.returncode == 1
    assert "content/tthc/quyet-dinh/77-qd-ubnd-2026.yml:6: title: chưa điền" in check.stderr
    bad = cli(project, "new", "quyet-dinh", "77-UBND")
    assert bad.returncode == 1 and "1234/QĐ-UBND" in bad.stderr


def test_check_prints_every_error_and_survives_yaml_traps(project):
    project.post("2024-03-07-ngay-sai", date="2023-13-09")
    project.post("2024-03-08-giu-chu", extra="tags: [no, on, yes]\nauthor: 7:30\n")
    project.post("2024-03-09-nhap", extra="draft: yes\n")
    project.write("content/news/2024/2024-03-10-hong.md", "---\ntitle: \"Chưa đóng ngoặc\ndate: 2024-03-10\n---\n")
    project.procedure(replace={"{value: 10, unit: ngay_lam_viec,": "{value: 7:30, unit: ngay_lam_viec,"})
    result = project.check()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line.strip() for line in result.stderr.splitlines() if line.startswith("  content/")]
    # The record's missing form file is reported with its schema error, in the same round.
    assert len(errors) == 5, result.stderr
    assert any(e.startswith("content/tthc/1.004616.yml:28:") and "mau/don.docx" in e for e in errors)
    assert any(e.startswith("content/news/2024/2024-03-07-ngay-sai.md:3: date:") for e in errors)
    assert any(e.startswith("content/news/2024/2024-03-09-nhap.md:") and "draft" in e for e in errors)
    assert any(e.startswith("content/news/2024/2024-03-10-hong.md:") and "ngoặc kép" in e for e in errors)
    assert any(e.startswith("content/tthc/1.004616.yml:") and "7:30" in e for e in errors)
    # The post with no/on/yes and 7:30 is not an error: they are the text typed.
    assert not any("giu-chu" in e for e in errors)


@pytest.fixture
def git_project(project):
    """The project as a git clone would have it, sharing this checkout's virtual environment."""
    for name in ("cchc", "schemas"):
        shutil.copytree(ROOT / name, project.path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("Makefile", ".pre-commit-config.yaml", "pyproject.toml", "requirements.txt", "requirements-test.txt"):
        shutil.copy2(ROOT / name, project.path / name)  # copy2: older than the venv stamp, no reinstall
    (project.path / ".venv").symlink_to(ROOT / ".venv")
    if not (ROOT / ".venv/.installed").is_file():
        pytest.fail("run the tests through `make test` (it creates .venv)")
    subprocess.run(["git", "init", "-q"], cwd=project.path, check=True)
    return project


def test_pre_commit_hook_blocks_broken_content(git_project):
    project = git_project
    env = {**run_env(), "PRE_COMMIT_HOME": str(project.path.parent / "pre-commit-home"), "PATH": os.environ["PATH"]}
    env.pop("PYTHONPATH")
    pre_commit = [str(ROOT / ".venv/bin/pre-commit"), "run", "--all-files"]
    project.post("2024-03-07-tin-thu")
    subprocess.run(["git", "add", "-A"], cwd=project.path, check=True)
    ok = subprocess.run(pre_commit, cwd=project.path, env=env, capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    project.post("2024-03-08-tin-hong", category="khong-co")
    subprocess.run(["git", "add", "-A"], cwd=project.path, check=True)
    blocked = subprocess.run(pre_commit, cwd=project.path, env=env, capture_output=True, text=True, timeout=300)
    assert blocked.returncode == 1
    assert "content/news/2024/2024-03-08-tin-hong.md:4: category: không có chuyên mục “khong-co”" in blocked.stdout
