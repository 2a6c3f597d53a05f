"""`python -m cchc init`: a department becomes itself, and nothing of its own is lost on the way."""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cchc.hosting.facts import read_site
from cchc.init import demo
from cchc.init.questions import QUESTIONS
from cchc.init.run import add_arguments, run
from cchc.render.csp import inline_hashes
from tests.conftest import ROOT, run_env

# Everything that names the demo department or says the site is a demo.
DEMO_MARKERS = re.compile(r"Hoà An|Hòa An|hoaan|hoa-an|H99|minh hoạ|minh họa|dữ liệu mẫu|1900 0000|0200 3800 000",
                          re.IGNORECASE)

FLAGS = {
    "ten": "Sở Y tế tỉnh Tây Nguyên",
    "ten-ngan": "Sở Y tế Tây Nguyên",
    "co-quan-chu-quan": "Uỷ ban nhân dân tỉnh Tây Nguyên",
    "tinh": "Tây Nguyên",
    "ma-tinh": "H42",
    "duong-day-nong": "0262 3855 115",
    "dien-thoai": "0262 3855 116",
    "dia-chi": "Số 9 đường Lê Duẩn, phường Tân Lợi, tỉnh Tây Nguyên",
    "email": "vanphong@syt.taynguyen.gov.vn",
    "gio-lam-viec": "Thứ Hai đến Thứ Sáu, 7:00–11:00 và 13:30–17:00",
    "dia-chi-pakn": "Văn phòng Sở Y tế, Số 9 đường Lê Duẩn",
    "dia-chi-trang": "https://syt.taynguyen.gov.vn/",
    "cong-quoc-gia": "https://dichvucong.gov.vn/",
    "cong-tinh": "https://dichvucong.taynguyen.gov.vn/",
    "khao-sat": "https://dichvucong.taynguyen.gov.vn/danh-gia",
    "pakn": "https://dichvucong.gov.vn/p/home/dvc-phan-anh-kien-nghi.html",
    "nop-ho-so": "https://dichvucong.taynguyen.gov.vn/nop?ma={code}",
    "kho": "so-y-te-tay-nguyen/trang-cchc",
    "nen-tang-kho": "gitlab",
    "may-chu-git": "https://git.taynguyen.gov.vn",
}
REQUIRED = {q.flag: FLAGS[q.flag] for q in QUESTIONS if q.required}


def argv(answers: dict[str, str]) -> list[str]:
    return [part for flag, value in answers.items() for part in (f"--{flag}", value)]


def parse(*args: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(args))


@pytest.fixture
def repo(tmp_path) -> Path:
    """The demo project's mkdocs.yml and content, as a department finds them after cloning."""
    root = tmp_path / "so-y-te"
    root.mkdir()
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "content", root / "content")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_list_of_demo_files_is_the_demo_content():
    """A demo file added or edited without updating the list would survive init, or (edited) be kept."""
    expected = demo.manifest_text(demo.current_demo(ROOT / "content"))
    assert demo.MANIFEST.read_text(encoding="utf-8") == expected, \
        "cchc/init/demo-files.sha256 is stale: run `python -m cchc.init.demo`"
    assert "categories.yml" not in expected and "linh-vuc.yml" not in expected


def test_init_writes_the_department_and_removes_exactly_the_demo(repo, capsys):
    mine = repo / "content" / "news" / "2026" / "2026-12-01-tin-cua-don-vi.md"
    mine.write_text("---\ntitle: Tin của đơn vị\n---\n", encoding="utf-8")
    edited = next((repo / "content" / "news" / "2025").glob("*.md"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\nĐơn vị đã sửa bài này.\n", encoding="utf-8")
    note = repo / "content" / "tthc" / "ghi-chu.txt"
    note.write_text("không phải tệp mẫu", encoding="utf-8")

    assert run(parse(*argv(FLAGS)), repo) == 0

    left = sorted(p.relative_to(repo / "content").as_posix() for p in (repo / "content").rglob("*") if p.is_file())
    assert left == sorted(["categories.yml", "linh-vuc.yml", "hoi-dap.yml", "news/2026/2026-12-01-tin-cua-don-vi.md",
                           edited.relative_to(repo / "content").as_posix(), "tthc/ghi-chu.txt"])
    assert (repo / "content" / "categories.yml").read_bytes() == (ROOT / "content" / "categories.yml").read_bytes()
    assert yaml.safe_load((repo / "content" / "hoi-dap.yml").read_text(encoding="utf-8")) == {"questions": []}
    assert not (repo / "content" / "news" / "2023").exists()  # folders the removal emptied go too
    out = capsys.readouterr().out
    assert "Giữ lại 1 tệp vốn là mẫu nhưng đã được sửa" in out and edited.name in out

    written = yaml.safe_load((repo / "mkdocs.yml").read_text(encoding="utf-8"))
    extra = written["extra"]
    assert "demo" not in extra
    assert written["site_name"] == extra["department"]["name"] == FLAGS["ten"]
    assert written["site_url"] == FLAGS["dia-chi-trang"]
    assert extra["department"] == {q.key[1]: FLAGS[q.flag] for q in QUESTIONS if q.key[0] == "department"}
    assert extra["portals"] == {q.key[1]: FLAGS[q.flag] for q in QUESTIONS if q.key[0] == "portals"}
    assert extra["editor"]["repo"] == FLAGS["kho"] and extra["editor"]["backend"] == "gitlab"
    assert extra["editor"]["base_url"] == FLAGS["may-chu-git"]
    text = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    assert not DEMO_MARKERS.search(text.split("extra:", 1)[1].split("# ", 1)[0])
    assert "site_name: &department_name Sở Y tế tỉnh Tây Nguyên" in text and "name: *department_name" in text
    # The project's explanations stay where they were.
    assert "# {code} is replaced by the procedure code" in text and "# Web editor at /admin/ (Sveltia CMS)" in text


def test_a_setting_left_blank_is_left_out_never_the_demo_value(repo):
    assert run(parse(*argv(REQUIRED)), repo) == 0
    extra = yaml.safe_load((repo / "mkdocs.yml").read_text(encoding="utf-8"))["extra"]
    assert set(extra["department"]) == {"name", "province", "province_code", "hotline", "address", "email"}
    # The national portal and its complaints page are the same real addresses for everyone.
    assert extra["portals"] == {"national": "https://dichvucong.gov.vn/", "provincial": FLAGS["cong-tinh"],
                                "pakn": "https://dichvucong.gov.vn/p/home/dvc-phan-anh-kien-nghi.html"}
    assert "repo" not in extra["editor"] and "base_url" not in extra["editor"]
    text = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    assert not re.search(r"hoaan|Hoà An|1900 0000", "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")))


@pytest.mark.parametrize(("flag", "value", "expected"), [
    ("email", "vanphong.syt.gov.vn", "--email (Thư điện tử): không đúng định dạng (địa chỉ thư như ten@donvi.gov.vn)"),
    ("ma-tinh", "42", "--ma-tinh (Mã tỉnh trong mã thủ tục): không đúng định dạng (H và hai chữ số, ví dụ H41)"),
    ("dia-chi-trang", "syt.taynguyen.gov.vn", "--dia-chi-trang (Địa chỉ trang web): không phải địa chỉ trang web"),
    ("dia-chi-trang", "https://syt.gov.vn/\"><script>", "--dia-chi-trang (Địa chỉ trang web): không phải địa chỉ"),
    ("cong-tinh", "dichvucong.taynguyen.gov.vn", "--cong-tinh (Cổng dịch vụ công của tỉnh): không đúng định dạng"),
    ("nop-ho-so", "https://dichvucong.taynguyen.gov.vn/nop", "--nop-ho-so (Mẫu đường dẫn nộp hồ sơ trực tuyến): "
                                                               "không đúng định dạng (địa chỉ https:// có chứa {code}"),
    ("nen-tang-kho", "bitbucket", "--nen-tang-kho (Dịch vụ lưu kho): "),
    ("kho", "kho noi dung", "--kho (Kho nội dung): không đúng định dạng"),
])
def test_a_wrong_answer_is_named_by_its_flag_and_nothing_is_changed(repo, capsys, flag, value, expected):
    before = snapshot(repo)
    assert run(parse(*argv({**FLAGS, flag: value})), repo) == 2
    err = capsys.readouterr().err
    assert "Chưa khởi tạo được, 1 thông tin cần sửa (không tệp nào bị đổi):" in err
    assert expected in err
    assert snapshot(repo) == before


def test_every_missing_required_answer_is_listed(repo, capsys):
    before = snapshot(repo)
    assert run(parse("--ten", FLAGS["ten"], "--email", "sai"), repo) == 2
    err = capsys.readouterr().err
    for flag in ("--tinh", "--ma-tinh", "--duong-day-nong", "--dia-chi", "--dia-chi-trang", "--cong-tinh"):
        assert f"  {flag} (" in err and "bắt buộc, chưa có" in err.split(f"  {flag} (", 1)[1].split("\n", 1)[0]
    assert "--email (Thư điện tử): không đúng định dạng" in err
    assert "--ten (" not in err and "--cong-quoc-gia" not in err  # given, and defaulted
    assert snapshot(repo) == before


def test_init_refuses_a_second_run_and_force_changes_only_the_identity(repo, capsys):
    assert run(parse(*argv(FLAGS)), repo) == 0
    (repo / "content" / "news" / "2026").mkdir(parents=True, exist_ok=True)
    post = repo / "content" / "news" / "2026" / "2026-12-02-tin-dau-tien.md"
    post.write_text("---\ntitle: Tin đầu tiên\n---\n", encoding="utf-8")
    kept = snapshot(repo / "content")

    assert run(parse(*argv({**FLAGS, "ten": "Sở Y tế tỉnh Khác"})), repo) == 1
    err = capsys.readouterr().err
    assert "Trang đã được khởi tạo" in err and "--force" in err
    assert yaml.safe_load((repo / "mkdocs.yml").read_text(encoding="utf-8"))["site_name"] == FLAGS["ten"]

    assert run(parse(*argv({**FLAGS, "ten": "Sở Y tế tỉnh Khác"}), "--force"), repo) == 0
    assert yaml.safe_load((repo / "mkdocs.yml").read_text(encoding="utf-8"))["site_name"] == "Sở Y tế tỉnh Khác"
    assert snapshot(repo / "content") == kept


def test_a_file_that_is_not_demo_content_is_never_deleted(repo, tmp_path):
    """Not a renamed copy of a demo file, not a symlink to one, not a file outside content/."""
    content = repo / "content"
    listed = demo.read_manifest()
    name = next(n for n in listed if n.startswith("news/"))
    outside = tmp_path / "ngoai.md"
    shutil.copy2(content / name, outside)
    (content / name).unlink()
    (content / name).symlink_to(outside)  # same bytes through a link: still not ours to delete
    copy = content / "news" / "ban-sao.md"
    shutil.copy2(outside, copy)  # demo bytes under another name

    result = demo.remove_demo(content)
    assert name in result.kept_changed
    assert (content / name).is_symlink() and outside.exists() and copy.exists()


def test_the_removal_never_leaves_content(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("x", encoding="utf-8")
    manifest = tmp_path / "list.sha256"
    manifest.write_text(f"{demo.digest(victim)}  ../victim.txt\n{demo.digest(victim)}  {victim}\n", encoding="utf-8")
    assert demo.remove_demo(content, manifest).removed == []
    assert victim.exists()


def test_hostile_answers_are_kept_exactly_as_text(repo):
    name = 'Sở Y tế "Thử" <b>&amp; \'x\': {a: 1} # not a comment'
    assert run(parse(*argv({**FLAGS, "ten": name, "dia-chi": "Số 1 & <i>2</i>: ngõ #3"})), repo) == 0
    written = yaml.safe_load((repo / "mkdocs.yml").read_text(encoding="utf-8"))
    assert written["site_name"] == written["extra"]["department"]["name"] == name
    assert written["extra"]["department"]["address"] == "Số 1 & <i>2</i>: ngõ #3"


def test_the_questions_ask_again_until_an_answer_is_right_and_wait_for_a_yes(repo, capsys):
    email = [q.flag for q in QUESTIONS].index("email")
    replies = iter([*(FLAGS[q.flag] for q in QUESTIONS[:email]), "sai", "sai nữa", FLAGS["email"],
                    *(FLAGS[q.flag] for q in QUESTIONS[email + 1:]), "k"])
    prompts = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(replies)

    before = snapshot(repo)
    assert run(parse(), repo, ask=ask) == 1  # answered "k" at the end: nothing written
    assert snapshot(repo) == before
    out = capsys.readouterr().out
    assert out.count("không đúng định dạng (địa chỉ thư như ten@donvi.gov.vn)") == 2
    assert prompts[0].startswith("Tên đơn vị (bắt buộc; ví dụ: ")
    assert prompts[-1].startswith("Ghi thông tin vào mkdocs.yml và xoá 93 tệp nội dung mẫu?")
    assert any(p.startswith("Cổng Dịch vụ công quốc gia (bắt buộc, Enter để giữ https://dichvucong.gov.vn/") for p in prompts)


def test_the_command_line_without_a_terminal_takes_flags_only(repo):
    result = subprocess.run([sys.executable, "-m", "cchc", "init", "--root", str(repo), "--ten", FLAGS["ten"]],
                            capture_output=True, text=True, env=run_env(), stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 2, result.stdout
    assert "--dia-chi-trang (Địa chỉ trang web): bắt buộc, chưa có" in result.stderr


def _fresh_clone(target: Path) -> None:
    """A clone of this repository as it is on disk: git clone, then the working tree's own changes."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(target)], check=True)
    listed = subprocess.run(["git", "ls-files", "-z", "--modified", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    deleted = subprocess.run(["git", "ls-files", "-z", "--deleted"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
    for name in filter(None, deleted.split("\0")):
        (target / name).unlink(missing_ok=True)
    # The installed tools, as `make` would have installed them in the clone.
    (target / "node_modules").symlink_to(ROOT / "node_modules")


def _texts(site: Path):
    """Every text the site publishes, Pagefind's compressed index fragments included."""
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix in {".png", ".jpg", ".jpeg", ".webp", ".ico", ".woff2", ".pdf", ".docx",
                                                 ".wasm", ".br"}:
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        yield path, data.decode("utf-8", errors="replace")


def test_a_department_goes_from_a_fresh_clone_to_a_verified_site(tmp_path, demo_site):
    """The issue's own steps: clone, init with every flag, make build, make verify; no demo text left in site/."""
    clone = tmp_path / "trang-cchc"
    _fresh_clone(clone)
    env = run_env(CI=os.environ.get("CI", ""))
    env.pop("PYTHONPATH")  # make sets it to the clone itself
    made = subprocess.run([sys.executable, "-m", "cchc", "init", *argv(FLAGS)], cwd=clone, env={**env, "PYTHONPATH": str(clone)},
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert made.returncode == 0, made.stderr
    assert "đã xoá 93 tệp mẫu" in made.stdout

    tools = ["STAMP=", "NODE_STAMP=", f"BIN={ROOT / '.venv' / 'bin'}"]
    built = subprocess.run(["make", "build", *tools], cwd=clone, env=env, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    site = clone / "site"
    left = [f"{path.relative_to(site)}: …{text[max(0, m.start() - 40):m.end() + 20]}…"
            for path, text in _texts(site) for m in [DEMO_MARKERS.search(text)] if m]
    assert left == []
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Sở Y tế tỉnh Tây Nguyên" in home and "0262 3855 115" in home and "Chưa có tin nào." in home
    assert "Chưa có tin nào." in (site / "tin-tuc" / "index.html").read_text(encoding="utf-8")
    assert "Chưa có thủ tục nào." in (site / "tthc" / "index.html").read_text(encoding="utf-8")
    assert "Chưa có câu hỏi nào." in (site / "hoi-dap" / "index.html").read_text(encoding="utf-8")
    assert "Chưa có quyết định công bố nào." in (site / "tthc" / "thay-doi" / "index.html").read_text(encoding="utf-8")
    # No month of results yet: no results page, and nothing leads to one.
    assert not (site / "tthc" / "ket-qua").exists() and "ket-qua/" not in home
    assert "repo: so-y-te-tay-nguyen/trang-cchc" in (site / "admin" / "config.yml").read_text(encoding="utf-8")
    # The server's policy header, made now from the empty site, already allows the scripts of every kind of
    # page the department will publish (posts, procedures, decisions… as the demo has them).
    header = read_site(site, FLAGS["dia-chi-trang"]).page_policy
    allowed = set(header.split("script-src ", 1)[1].split(";", 1)[0].split())
    later = {h for page in demo_site.rglob("*.html") if not page.relative_to(demo_site).as_posix().startswith("admin/")
             for h in inline_hashes(page.read_text(encoding="utf-8"))}
    assert later and later <= allowed, later - allowed

    verified = subprocess.run(["make", "verify", *tools], cwd=clone, env=env, capture_output=True, text=True,
                              timeout=900)
    assert verified.returncode == 0, verified.stdout[-3000:] + verified.stderr[-3000:]
    assert "ĐẠT" in verified.stdout + verified.stderr
