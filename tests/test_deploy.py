"""make deploy to a folder by rsync: releases switched live in one rename, on this machine and over a real SSH.

The sites here are synthetic (every file carries the name of its site, so a reader can tell which
release it read); the demo site is not built. The SSH tests start a throwaway sshd on a free port of
127.0.0.1 with throwaway keys: nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from cchc.core.errors import ContentErrors
from cchc.core.settings import DeploySettings, Settings, read_mkdocs_config
from cchc.deploy import DeployError
from cchc.deploy.rsync import SCRIPT, Rsync, Ssh, parse_target, rsync_argv, script_argv
from cchc.deploy.run import ENV, add_arguments, resolve, run

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ["x; touch PWNED", "$(touch pwned)", "`touch pwned2`", "it's \"quoted\" & <b>", "-rf --delete"]
T0 = datetime(2026, 3, 7, 1, 30, tzinfo=UTC)


def make_site(path: Path, marker: str, pages: int = 40, pad: int = 200, extra: dict[str, str] | None = None) -> Path:
    """A site whose every page says which site it is: ``<marker>`` first and last (a truncated file shows)."""
    for i in range(pages):
        page = path / "trang" / str(i) / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"{marker}\n<p>trang {i}</p>{'x' * pad}\n{marker}\n", encoding="utf-8")
    for name in ("index.html", "404.html"):
        (path / name).write_text(f"{marker}\n<p>{name}</p>\n{marker}\n", encoding="utf-8")
    (path / "assets").mkdir(exist_ok=True)
    (path / "assets" / "chung.css").write_text("body { color: #111 }\n", encoding="utf-8")  # the same in every site
    for rel, text in (extra or {}).items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text, encoding="utf-8")
    return path


def marker_of(text: str) -> str:
    first, *_, last = text.splitlines()
    assert first == last, f"a file read half-written: {text[:40]!r}…{text[-40:]!r}"
    return first


def releases(target: Path) -> list[str]:
    return sorted(p.name for p in (target / "releases").iterdir())


def live(target: Path) -> str:
    return Path(os.readlink(target / "current")).name


def release(n: int, commit: str = "abc1234") -> str:
    return f"{T0 + timedelta(seconds=n):%Y%m%dT%H%M%SZ}-{commit}"


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "www" / "syt"
    path.mkdir(parents=True)
    return path


def local(target: Path) -> Rsync:
    return Rsync(parse_target(str(target), "thử"))


# -- Releases, hard links, rollback, pruning -------------------------------------------------------

def test_two_deploys_switch_current_and_share_unchanged_files(tmp_path, target):
    first = make_site(tmp_path / "a", "A", extra={"chi-co-o-a.html": "A\nA\n"})
    second = make_site(tmp_path / "b", "B")
    (second / "404.html").chmod(0o600)  # built under a strict umask: the web server must still read it
    rsync = local(target)
    out = rsync.deploy(first, release(1), keep=5)
    assert out.previous == "" and live(target) == release(1)
    assert os.readlink(target / "current") == f"releases/{release(1)}"  # relative: the tree can move
    assert marker_of((target / "current" / "trang/7/index.html").read_text()) == "A"

    out = rsync.deploy(second, release(2), keep=5)
    assert out.previous == release(1) and live(target) == release(2)
    assert releases(target) == [release(1), release(2)]  # no .partial- folder left, no current.tmp
    assert sorted(p.name for p in target.iterdir()) == ["current", "releases"]
    now, before = target / "releases" / release(2), target / "releases" / release(1)
    assert marker_of((target / "current" / "index.html").read_text()) == "B"
    assert not (target / "current" / "chi-co-o-a.html").exists()  # what the new site lacks is gone
    # Unchanged by content (though rewritten, with a new time, as every build does): one file on disk.
    (second / "assets" / "chung.css").touch()
    assert (now / "assets/chung.css").stat().st_ino == (before / "assets/chung.css").stat().st_ino
    assert (now / "index.html").stat().st_ino != (before / "index.html").stat().st_ino
    assert (before / "chi-co-o-a.html").is_file()  # the previous release is untouched, for rollback
    assert (now / "404.html").stat().st_mode & 0o777 == 0o644 and now.stat().st_mode & 0o777 == 0o755


def test_rollback_goes_back_one_release_at_a_time_and_pruning_keeps_the_newest(tmp_path, target):
    rsync = local(target)
    sites = [make_site(tmp_path / str(n), f"S{n}", pages=3) for n in range(5)]
    pruned = []
    for n, site in enumerate(sites):
        pruned += rsync.deploy(site, release(n), keep=3).pruned
    assert releases(target) == [release(2), release(3), release(4)]
    assert pruned == [release(0), release(1)]

    assert rsync.rollback().release == release(3)
    assert marker_of((target / "current" / "index.html").read_text()) == "S3"
    assert rsync.rollback().release == release(2)
    with pytest.raises(DeployError, match="không còn bản nào cũ hơn bản đang chạy"):
        rsync.rollback()
    assert live(target) == release(2)  # a refused rollback changes nothing

    # The next deploy goes live and prunes the oldest; the live one is never pruned.
    out = rsync.deploy(make_site(tmp_path / "6", "S6", pages=3), release(6), keep=3)
    assert live(target) == release(6) and out.pruned == (release(2),)
    assert releases(target) == [release(3), release(4), release(6)]


def test_a_copy_cut_off_midway_leaves_the_live_site_and_is_cleaned_up_next_time(tmp_path, target):
    rsync = local(target)
    rsync.deploy(make_site(tmp_path / "a", "A", pages=3), release(1), keep=5)

    def cut_off(argv, **kwargs):  # the real rsync, slowed down and stopped halfway, as a dropped link would
        if argv[0] != "rsync":
            return subprocess.run(argv, **kwargs)
        try:
            return subprocess.run([argv[0], "--bwlimit=200", *argv[1:]], timeout=1, **kwargs)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(argv, 20, "", "rsync error: received SIGINT, SIGTERM, or SIGHUP")

    with pytest.raises(DeployError, match="rsync không chép được trang .mã lỗi 20."):
        Rsync(rsync.target, run=cut_off).deploy(make_site(tmp_path / "b", "B", pages=100, pad=20_000), release(2), keep=5)
    assert live(target) == release(1) and releases(target) == [f".partial-{release(2)}", release(1)]
    partial = target / "releases" / f".partial-{release(2)}"
    assert 0 < sum(1 for _ in partial.rglob("index.html")) < 101  # cut off halfway indeed
    rsync.deploy(make_site(tmp_path / "c", "C", pages=3), release(3), keep=5)
    assert not list((target / "releases").glob(".partial-*")) and live(target) == release(3)


def test_an_older_deploy_finishing_last_does_not_replace_a_newer_one(tmp_path, target):
    rsync = local(target)
    rsync.deploy(make_site(tmp_path / "moi", "MOI", pages=2), release(5), keep=5)
    with pytest.raises(DeployError, match="một bản mới hơn bản .* đã lên chạy"):
        rsync.deploy(make_site(tmp_path / "cu", "CU", pages=2), release(3), keep=5)
    assert live(target) == release(5) and releases(target) == [release(5)]


def test_a_machine_without_rsync_is_told_what_to_install(tmp_path, target, monkeypatch):
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("sh", "mkdir", "rm", "mv", "ln", "readlink", "sort", "tail"):
        (tools / tool).symlink_to(shutil.which(tool))
    monkeypatch.setenv("PATH", str(tools))
    with pytest.raises(DeployError, match="máy này chưa có chương trình rsync; cài rsync và openssh-client"):
        local(target).deploy(make_site(tmp_path / "a", "A", pages=2), release(1), keep=5)
    assert not (target / "current").exists()


def test_a_real_folder_named_current_is_not_replaced(tmp_path, target):
    (target / "current").mkdir()
    (target / "current" / "index.html").write_text("trang cũ của máy chủ")
    with pytest.raises(DeployError, match="current là một thư mục thật"):
        local(target).deploy(make_site(tmp_path / "a", "A", pages=2), release(1), keep=5)
    assert (target / "current" / "index.html").read_text() == "trang cũ của máy chủ"


# -- Readers during a deploy ---------------------------------------------------------------------

PAGES = 2000


@dataclass
class Reads:
    rounds: list[tuple[float, str]]  # (time, marker of the whole set) of every complete round
    problems: list[str]
    single: int = 0  # reads through current/… (the way the web server opens files)


def read_live(target: Path, stop: threading.Event, reads: Reads, markers: dict[str, str]) -> None:
    names = [f"trang/{i}/index.html" for i in range(PAGES)] + ["index.html", "404.html"]
    while not stop.is_set():
        try:
            link = os.readlink(target / "current")  # `current` must exist at every instant
        except OSError as error:
            reads.problems.append(f"current: {error}")
            continue
        # A snapshot: the release current named at this instant, read whole.
        snapshot = target / link
        try:
            found = {marker_of((snapshot / name).read_text(encoding="utf-8")) for name in names}
        except (OSError, AssertionError) as error:
            reads.problems.append(f"{link}: {error}")
            continue
        if found != {markers[Path(link).name]}:
            reads.problems.append(f"{link}: pages of {sorted(found)} in one release")
        # And file by file through current/, as nginx opens them: each whole, none missing.
        for name in names[::50]:
            try:
                marker_of((target / "current" / name).read_text(encoding="utf-8"))
                reads.single += 1
            except (OSError, AssertionError) as error:
                reads.problems.append(f"current/{name}: {error}")
        reads.rounds.append((time.monotonic(), found.pop()))


def test_readers_see_one_whole_site_at_every_instant_of_a_deploy(tmp_path, target):
    old = make_site(tmp_path / "old", "CU", pages=PAGES, pad=3000)
    new = make_site(tmp_path / "new", "MOI", pages=PAGES, pad=3000)
    rsync = local(target)
    rsync.deploy(old, release(1), keep=5)
    reads, stop = Reads([], []), threading.Event()
    reader = threading.Thread(target=read_live, args=(target, stop, reads, {release(1): "CU", release(2): "MOI"}))
    reader.start()
    try:
        while not reads.rounds and not reads.problems and reader.is_alive():
            time.sleep(0.01)
        started = time.monotonic()
        rsync.deploy(new, release(2), keep=5)
        finished = time.monotonic()
        while (not reads.rounds or reads.rounds[-1][0] <= finished) and reader.is_alive():
            time.sleep(0.01)
    finally:
        stop.set()
        reader.join()
    assert reads.problems == []
    sequence = [marker for _, marker in reads.rounds]
    assert sequence[0] == "CU" and sequence[-1] == "MOI"
    assert sequence == sorted(sequence, key=["CU", "MOI"].index)  # never back to the old site
    during = [m for when, m in reads.rounds if started <= when <= finished]
    assert during, "the reader did not read while the deploy ran: make the site bigger"
    assert reads.single > 0


def test_the_reader_does_catch_a_site_copied_in_place(tmp_path, target):
    """The check above is not blind: copying over the live folder, as a plain rsync does, is caught."""
    old = make_site(tmp_path / "old", "CU", pages=PAGES, pad=3000)
    new = make_site(tmp_path / "new", "MOI", pages=PAGES, pad=3000)
    local(target).deploy(old, release(1), keep=5)
    live_folder = target / "releases" / release(1)
    reads, stop = Reads([], []), threading.Event()
    reader = threading.Thread(target=read_live, args=(target, stop, reads, {release(1): "CU"}))
    reader.start()
    try:
        while not reads.rounds and reader.is_alive():
            time.sleep(0.01)
        for source in (new, old, new, old, new):  # a few copies: one overlapping a read is enough
            subprocess.run(["rsync", "-a", "--delete", "--checksum", f"{source}/", f"{live_folder}/"], check=True)
            if reads.problems:
                break
    finally:
        stop.set()
        reader.join()
    assert any("pages of" in p or "half-written" in p or "MOI" in p for p in reads.problems), reads.problems[:3]


# -- Refusals --------------------------------------------------------------------------------------

def project(tmp_path: Path, deploy: dict | None = None) -> Path:
    """A project folder with a valid mkdocs.yml (the demo's identity) and extra.deploy."""
    extra = read_mkdocs_config(ROOT / "mkdocs.yml", ROOT)["extra"]
    extra = {k: extra[k] for k in ("department", "portals")}
    if deploy is not None:
        extra["deploy"] = deploy
    root = tmp_path / "du-an"
    root.mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(yaml.safe_dump({"site_name": "Thử", "site_url": "https://syt.example.gov.vn/",
                                                      "extra": extra}, allow_unicode=True), encoding="utf-8")
    return root


def cli(root: Path, *argv: str, env: dict[str, str] | None = None, now: datetime = T0) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=root)
    add_arguments(parser)
    return run(parser.parse_args(list(argv)), clock=lambda: now, env=env or {})


@pytest.mark.parametrize("breakage,message", [
    ("missing", "không có thư mục trang đã dựng"),
    ("empty", "đang trống"),
    ("no-index", "thiếu index.html"),
    ("no-404", "thiếu 404.html"),
])
def test_a_site_that_is_not_a_finished_build_is_refused(tmp_path, target, capsys, breakage, message):
    site = tmp_path / "site"
    if breakage != "missing":
        site.mkdir()
    if breakage in ("no-index", "no-404"):
        make_site(site, "A", pages=2)
        (site / ("index.html" if breakage == "no-index" else "404.html")).unlink()
    root = project(tmp_path, {"kind": "rsync", "target": str(target)})
    assert cli(root, "--site", str(site)) == 1
    assert message in capsys.readouterr().err
    assert list(target.iterdir()) == []  # nothing was sent


@pytest.mark.parametrize("text,message", [
    ("", "chưa khai nơi xuất bản rsync"),
    ("www/syt", "phải là đường dẫn tuyệt đối"),
    ("/", "là thư mục gốc"),
    ("///", "là thư mục gốc"),
    ("/srv/../etc", "có “//”, “.” hoặc “..”"),
    ("/srv//syt", "có “//”, “.” hoặc “..”"),
    ("may-chu:www", "phải là đường dẫn tuyệt đối"),
    ("may-chu:/", "là thư mục gốc"),
    ("-oProxyCommand=touch PWNED:/srv/syt", "tên máy chủ “-oProxyCommand=touch PWNED” không hợp lệ"),
    ("-l@may-chu:/srv/syt", "tên tài khoản “-l” không hợp lệ"),
    ("u;id@may-chu:/srv/syt", "tên tài khoản “u;id” không hợp lệ"),
    ("may chu:/srv/syt", "tên máy chủ “may chu” không hợp lệ"),
    ("rsync://may-chu/syt", "rsync daemon"),
    ("may-chu::syt", "rsync daemon"),
    ("/srv/syt\n; touch PWNED", "ký tự điều khiển"),
])
def test_bad_targets_are_refused_by_name(text, message):
    with pytest.raises(DeployError) as refused:
        parse_target(text, "extra.deploy.target trong mkdocs.yml")
    assert message in str(refused.value)
    if text:
        assert "extra.deploy.target trong mkdocs.yml" in str(refused.value)


def test_targets_that_are_fine():
    assert parse_target("/srv/www/syt/", "x") == parse_target("/srv/www/syt", "x")
    remote = parse_target("trien-khai@web.syt.gov.vn:/var/www/syt", "x")
    assert (remote.user, remote.host, remote.path) == ("trien-khai", "web.syt.gov.vn", "/var/www/syt")
    assert remote.rsync_dest("releases/a/") == "trien-khai@web.syt.gov.vn:/var/www/syt/releases/a/"
    v6 = parse_target("[::1]:/srv/syt", "x")
    assert (v6.host, v6.login, v6.rsync_dest("r/")) == ("::1", "::1", "[::1]:/srv/syt/r/")
    assert parse_target("/srv/a:b", "x").host == ""  # a colon after a "/" is part of a local path


def test_settings_come_from_mkdocs_then_the_environment_then_flags(tmp_path, target, capsys):
    root = project(tmp_path, {"kind": "rsync", "target": "/khong/co/thu/muc", "keep": 3})
    settings = Settings.from_project(root).deploy
    assert settings == DeploySettings(kind="rsync", target="/khong/co/thu/muc", keep=3)
    args = argparse.Namespace(dich=None, noi=None, giu=None)
    conf, origins = resolve(settings, {ENV["target"]: str(target), ENV["ssh_port"]: "2222"}, args)
    assert (conf.target, conf.ssh_port, conf.keep) == (str(target), 2222, 3)
    assert origins["target"] == "biến môi trường CCHC_DEPLOY_TARGET"
    conf, origins = resolve(settings, {ENV["target"]: str(target)}, argparse.Namespace(dich="s3", noi="/khac", giu="9"))
    assert (conf.kind, conf.target, conf.keep) == ("s3", "/khac", 9) and origins["keep"] == "--giu"

    site = make_site(tmp_path / "site", "A", pages=2)
    assert cli(root, "--site", str(site), env={ENV["keep"]: "nam"}) == 1
    assert "keep (biến môi trường CCHC_DEPLOY_KEEP) phải là số nguyên, đang là “nam”" in capsys.readouterr().err
    assert cli(root, "--site", str(site), "--giu", "năm") == 1
    assert "keep (--giu) phải là số nguyên, đang là “năm”" in capsys.readouterr().err
    assert cli(root, "--site", str(site), "--giu", "1") == 1
    assert "keep (--giu) phải từ 2 đến 100, đang là 1" in capsys.readouterr().err
    assert cli(root, "--site", str(site), "--dich", "ftp") == 1
    assert "kiểu xuất bản “ftp” (--dich hoặc DICH=) không có" in capsys.readouterr().err
    assert cli(root, "--site", str(site)) == 1  # the target of mkdocs.yml does not exist
    assert "chưa có thư mục /khong/co/thu/muc" in capsys.readouterr().err
    assert cli(root, "--site", str(site), env={ENV["target"]: str(target)}) == 0
    assert live(target) == f"{T0:%Y%m%dT%H%M%SZ}-nogit"  # the project folder is not a git repository
    assert "Đã xuất bản bản" in capsys.readouterr().out


def test_keys_and_unknown_settings_are_refused_in_mkdocs_yml(tmp_path):
    for wrong, says in (({"kind": "rsync", "secret_access_key": "abc"}, "trường “secret_access_key” không có trong mẫu"),
                        ({"kind": "rsync", "tagret": "/srv"}, "có phải ý bạn là “target”"),
                        ({"kind": "ftp"}, "phải là một trong: github, rsync, s3"),
                        ({"keep": 1}, "giá trị nhỏ nhất là 2")):
        with pytest.raises(ContentErrors) as refused:
            Settings.from_project(project(tmp_path, wrong))
        assert says in refused.value.report() and "extra.deploy" in refused.value.report()


def test_github_kind_explains_and_fails_only_where_it_would_publish_nothing(tmp_path, capsys):
    root = project(tmp_path)
    assert cli(root) == 0
    assert ".github/workflows/publish.yml" in capsys.readouterr().out
    assert cli(root, env={"CI": "true", "GITHUB_ACTIONS": "true"}) == 0
    assert cli(root, env={"CI": "true"}) == 1  # GitLab, Gitea: green while publishing nothing would be worse
    assert "đặt biến CCHC_DEPLOY_KIND" in capsys.readouterr().err
    assert cli(root, "--rollback") == 1
    assert "Re-run all jobs" in capsys.readouterr().err


# -- Hostile names -------------------------------------------------------------------------------

def test_hostile_folder_names_are_names_through_the_real_command(tmp_path):
    site = make_site(tmp_path / "site", "A", pages=2)
    root = project(tmp_path)
    work = tmp_path / "lam-viec"
    work.mkdir()
    for name in HOSTILE:
        folder = tmp_path / "www" / name
        folder.mkdir(parents=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT), ENV["kind"]: "rsync", ENV["target"]: str(folder)}
        done = subprocess.run([sys.executable, "-m", "cchc", "deploy", "--root", str(root), "--site", str(site)],
                              cwd=work, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert marker_of((folder / "current" / "index.html").read_text()) == "A", name
    leftovers = {p.name for p in tmp_path.rglob("*") if "pwn" in p.name.lower()} - set(HOSTILE)
    assert leftovers == set() and list(work.iterdir()) == []


def test_make_passes_hostile_values_as_data(tmp_path):
    """make rollback (no build) through the real Makefile; the value comes in the environment, as CI sets it."""
    site = make_site(tmp_path / "site", "A", pages=2)
    folder = tmp_path / "www" / "$(touch pwned); touch PWNED"
    folder.mkdir(parents=True)
    local(folder).deploy(site, release(1), keep=5)
    local(folder).deploy(make_site(tmp_path / "site2", "B", pages=2), release(2), keep=5)
    env = {**os.environ, "DICH": "rsync", "NOI": str(folder), "MAKEFLAGS": ""}
    done = subprocess.run(["make", "-s", "-C", str(ROOT), "rollback"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert live(folder) == release(1) and "Đã quay lại bản" in done.stdout
    assert not list(tmp_path.rglob("pwned")) and not list(tmp_path.rglob("PWNED"))
    assert not (ROOT / "pwned").exists() and not (ROOT / "PWNED").exists()


# -- The SSH command lines -----------------------------------------------------------------------

def test_the_ssh_command_line_quotes_every_value_and_ends_ssh_options(tmp_path):
    target = parse_target("trien-khai@web.syt.gov.vn:/var/www/x; touch PWNED/$(id)", "x")
    ssh = Ssh(port=2222, key="/khoa/id_ed25519", known_hosts="/khoa/known_hosts")
    argv = script_argv(target, ssh, "prepare", target.path, "20260307T013000Z-abc1234")
    assert argv[:-2] == ["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=20", "-p", "2222",
                         "-i", "/khoa/id_ed25519", "-o", "IdentitiesOnly=yes",
                         "-o", "UserKnownHostsFile=/khoa/known_hosts", "-o", "StrictHostKeyChecking=yes", "--"]
    assert argv[-2] == "trien-khai@web.syt.gov.vn"
    # ssh hands this one string to the remote login shell: it must parse back to exactly our argv.
    assert shlex.split(argv[-1]) == ["sh", "-c", SCRIPT, "cchc-deploy", "prepare", "/var/www/x; touch PWNED/$(id)",
                                     "20260307T013000Z-abc1234"]
    # …and a real sh, standing in for the remote shell, runs only our script with it.
    done = subprocess.run(["sh", "-c", argv[-1]], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 14  # "no such target folder": the path arrived whole, as one argument
    assert list(tmp_path.iterdir()) == []

    copy = rsync_argv(tmp_path / "site", target, ssh, "20260307T013000Z-abc1234", "20260301T000000Z-0000000")
    assert copy[:9] == ["rsync", "-a", "--no-times", "--no-owner", "--no-group", "--chmod=D755,F644", "--checksum",
                        "--delete", "--link-dest=../20260301T000000Z-0000000"]
    assert copy[9:11] == ["-s", "-e"] and shlex.split(copy[11]) == ssh.argv()
    assert copy[12:] == [f"{tmp_path}/site/",
                        "trien-khai@web.syt.gov.vn:/var/www/x; touch PWNED/$(id)/releases/.partial-20260307T013000Z-abc1234/"]


def test_ssh_paths_that_ssh_would_misread_are_refused():
    for key in ("/khoa/id ed25519", "/khoa/%u", "/khoa/it's"):
        with pytest.raises(DeployError, match="không được có dấu cách"):
            Ssh.checked(22, key, "", {"ssh_key": "biến môi trường CCHC_DEPLOY_SSH_KEY"})


# -- Over a real SSH server ------------------------------------------------------------------------

@dataclass(frozen=True)
class SshServer:
    port: int
    key: Path
    known_hosts: Path
    user: str

    def ssh(self, known_hosts: Path | None = None) -> Ssh:
        return Ssh(self.port, str(self.key), str(known_hosts or self.known_hosts))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    daemon = shutil.which("sshd") or "/usr/sbin/sshd"
    if not (Path(daemon).is_file() and shutil.which("ssh") and shutil.which("ssh-keygen")):
        message = "openssh-server and openssh-client are needed (apt-get install openssh-server openssh-client)"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run installs them")
        pytest.skip(message)
    home = tmp_path_factory.mktemp("sshd")
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(home / name)], check=True)
    (home / "authorized_keys").write_text((home / "client.pub").read_text())
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation folder, made by its service on boot
    port = _free_port()
    (home / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {home}/host\nAuthorizedKeysFile {home}/authorized_keys\n"
        f"PidFile {home}/pid\nStrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        "PermitRootLogin prohibit-password\nLogLevel ERROR\n")
    server = subprocess.Popen([daemon, "-D", "-e", "-f", str(home / "sshd_config")], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"sshd did not start: {server.stderr.read()}")
            time.sleep(0.05)
    host_key = " ".join((home / "host.pub").read_text().split()[:2])
    (home / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_key}\n")
    import getpass
    yield SshServer(port, home / "client", home / "known_hosts", getpass.getuser())
    server.terminate()
    server.wait(timeout=10)


def test_deploy_and_rollback_over_ssh(tmp_path, sshd):
    folder = tmp_path / "www" / "$(touch pwned); it's"
    folder.mkdir(parents=True)
    target = parse_target(f"{sshd.user}@127.0.0.1:{folder}", "thử")
    rsync = Rsync(target, sshd.ssh())
    first, second = make_site(tmp_path / "a", "A"), make_site(tmp_path / "b", "B")
    rsync.deploy(first, release(1), keep=5)
    out = rsync.deploy(second, release(2), keep=5)
    assert out.previous == release(1) and live(folder) == release(2)
    assert marker_of((folder / "current" / "trang/3/index.html").read_text()) == "B"
    unchanged = [(folder / "releases" / r / "assets/chung.css").stat().st_ino for r in (release(1), release(2))]
    assert unchanged[0] == unchanged[1]  # hard-linked over ssh too
    assert rsync.rollback().release == release(1) and live(folder) == release(1)
    assert not [p for p in tmp_path.rglob("*") if p.name.lower() == "pwned"]
    assert not (Path.home() / "pwned").exists()


def test_an_unknown_server_key_is_refused_with_a_hint(tmp_path, sshd):
    other = tmp_path / "known_hosts"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "khac")], check=True)
    other.write_text(f"[127.0.0.1]:{sshd.port} {' '.join((tmp_path / 'khac.pub').read_text().split()[:2])}\n")
    folder = tmp_path / "www"
    folder.mkdir()
    rsync = Rsync(parse_target(f"{sshd.user}@127.0.0.1:{folder}", "thử"), sshd.ssh(known_hosts=other))
    with pytest.raises(DeployError) as refused:
        rsync.deploy(make_site(tmp_path / "a", "A", pages=2), release(1), keep=5)
    assert "Host key verification failed" in str(refused.value) and "known_hosts" in str(refused.value)
    assert list(folder.iterdir()) == []
