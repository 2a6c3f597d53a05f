"""``python -m cchc deploy``: the settings, their overrides, and one of the three kinds.

Where each value comes from, the first found wins: a flag (``--dich``, ``--noi``, ``--giu``; ``make deploy
DICH=… NOI=…``), the environment (``CCHC_DEPLOY_<NAME>``, for CI, which keeps a server's name or a key's
path out of git), then ``extra.deploy`` in mkdocs.yml. Every message that refuses a value says which of
the three it came from.

Why ``github`` does not push a gh-pages branch (ghp-import, as ``mkdocs gh-deploy`` does): the site is
published by .github/workflows/publish.yml as a Pages artifact, with the repository's Pages source set
to "GitHub Actions". A gh-pages branch is then never served, and where it would be, a push from one
person's machine would skip the tests and race the workflow. So this kind only says how it is published.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, fields, replace
from datetime import UTC, datetime
from pathlib import Path

from cchc.core.errors import ContentError, ContentErrors
from cchc.core.settings import DEPLOY_KINDS, DeploySettings, Settings
from cchc.deploy import DeployError, check_site
from cchc.deploy.rsync import Rsync, Ssh, parse_target
from cchc.deploy.s3 import S3, Bucket, client_for

ENV_PREFIX = "CCHC_DEPLOY_"
ENV = {f.name: ENV_PREFIX + f.name.upper() for f in fields(DeploySettings)}  # kind → CCHC_DEPLOY_KIND, …
_INTEGERS = {"ssh_port": (1, 65535), "keep": (2, 100)}
FLAGS = {"kind": ("dich", "--dich hoặc DICH="), "target": ("noi", "--noi hoặc NOI="), "keep": ("giu", "--giu")}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # No argparse choices or types: its refusals are in English; resolve() refuses in Vietnamese. "" means not given
    # (make passes "$DICH" whether or not it is set).
    parser.add_argument("--dich", metavar="KIỂU", help="github, rsync hoặc s3 (mặc định: extra.deploy.kind, hoặc github)")
    parser.add_argument("--noi", metavar="ĐÍCH",
                        help="thư mục đích cho rsync: tài-khoản@máy:/var/www/syt hoặc /srv/www/syt")
    parser.add_argument("--giu", metavar="N", help="số bản giữ lại trên máy chủ (rsync, mặc định 5)")
    parser.add_argument("--rollback", action="store_true", help="đưa bản trước lên chạy lại (rsync)")
    parser.add_argument("--site", type=Path, metavar="THƯ_MỤC", help="trang đã dựng (mặc định: site/ của dự án)")


def resolve(base: DeploySettings, env: Mapping[str, str], args: argparse.Namespace) -> tuple[DeploySettings, dict[str, str]]:
    """The settings after the environment's and the flags' overrides, and where each value came from."""
    values = asdict(base)
    origins = {name: f"extra.deploy.{name} trong mkdocs.yml" for name in values}
    for name, var in ENV.items():
        raw = env.get(var, "").strip()
        if raw:
            values[name], origins[name] = raw, f"biến môi trường {var}"
    for name, (attr, label) in FLAGS.items():
        given = getattr(args, attr, None)
        if given not in (None, ""):
            values[name], origins[name] = given, label
    for name, (low, high) in _INTEGERS.items():
        value = values[name]
        if name == "ssh_port" and value in (0, "0"):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise DeployError(f"{name} ({origins[name]}) phải là số nguyên, đang là “{value}”") from None
        if not low <= number <= high:
            raise DeployError(f"{name} ({origins[name]}) phải từ {low} đến {high}, đang là {number}")
        values[name] = number
    values["ssh_port"] = int(values["ssh_port"] or 0)
    if values["kind"] not in DEPLOY_KINDS:
        raise DeployError(f"kiểu xuất bản “{values['kind']}” ({origins['kind']}) không có; dùng một trong: "
                          f"{', '.join(DEPLOY_KINDS)}")
    return replace(base, **values), origins


def release_name(when: datetime, root: Path) -> str:
    """``20240307T013000Z-1a2b3c4``: UTC time (sorts as it happened), then the commit published."""
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=7", "HEAD"], capture_output=True, text=True)
    except FileNotFoundError:  # no git on this machine: the time alone still orders the releases
        done = subprocess.CompletedProcess([], 1, "", "")
    commit = done.stdout.strip().lower() if done.returncode == 0 and done.stdout.strip().isalnum() else "nogit"
    return f"{when.astimezone(UTC):%Y%m%dT%H%M%SZ}-{commit}"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def run(args: argparse.Namespace, clock: Callable[[], datetime] = _utc_now, env: Mapping[str, str] = os.environ) -> int:
    root: Path = args.root.resolve()
    try:
        conf, origins = resolve(Settings.from_project(root).deploy, env, args)
        site = (args.site or root / "site").resolve()
        if conf.kind == "github":
            return _github(args.rollback, env)
        if conf.kind == "s3":
            return _s3(conf, origins, site, args.rollback, env)
        return _rsync(conf, origins, site, args.rollback, clock(), root)
    except ContentError as error:
        print(f"Không đọc được cấu hình:\n  {error}", file=sys.stderr)
    except ContentErrors as errors:
        print(errors.report(), file=sys.stderr)
    except DeployError as error:
        print(f"Không xuất bản được: {error}", file=sys.stderr)
    return 1


def _github(rollback: bool, env: Mapping[str, str]) -> int:
    if rollback:
        print("Trang đăng trên GitHub Pages: để đưa bản trước lên lại, hoàn tác commit lỗi (git revert) rồi gộp vào "
              "nhánh main, hoặc trên GitHub mở Actions → “Xuất bản”, chọn lần chạy của commit trước, bấm "
              "“Re-run all jobs”.", file=sys.stderr)
        return 1
    print("Trang này đăng lên GitHub Pages: .github/workflows/publish.yml dựng, kiểm tra và đăng mỗi khi gộp vào "
          "nhánh main (và mỗi giờ cho tin hẹn giờ); lệnh này không đăng gì từ máy này. Đăng lên máy chủ riêng: "
          "đặt extra.deploy.kind là rsync hoặc s3 trong mkdocs.yml, hoặc chạy make deploy DICH=rsync NOI=/srv/www/syt.")
    if env.get("CI") and env.get("GITHUB_ACTIONS") != "true":
        # A GitLab or Gitea pipeline that reaches here would end green having published nothing.
        print("Không xuất bản được: đây là CI nhưng không phải GitHub Actions, nên kiểu “github” không đăng được gì; "
              "đặt biến CCHC_DEPLOY_KIND (rsync hoặc s3) trong cài đặt CI.", file=sys.stderr)
        return 1
    return 0


def _rsync(conf: DeploySettings, origins: dict[str, str], site: Path, rollback: bool, now: datetime, root: Path) -> int:
    target = parse_target(conf.target, origins["target"])
    rsync = Rsync(target, Ssh.checked(conf.ssh_port, conf.ssh_key, conf.known_hosts, origins))
    if rollback:
        outcome = rsync.rollback()
        print(f"Đã quay lại bản {outcome.release} tại {target}/current (thay cho bản {outcome.previous}).")
        return 0
    check_site(site)
    started = time.monotonic()
    release = release_name(now, root)
    print(f"Đang chép trang tới {target}, bản {release}…")
    outcome = rsync.deploy(site, release, conf.keep)
    seconds = time.monotonic() - started
    print(f"Đã xuất bản bản {release} tại {target}/current trong {seconds:.1f} giây"
          + (f"; bản trước: {outcome.previous}" if outcome.previous else "")
          + (f"; đã xoá bản cũ: {', '.join(outcome.pruned)}" if outcome.pruned else "")
          + f". Giữ {conf.keep} bản gần nhất; quay lại bản trước: make rollback.")
    return 0


def _s3(conf: DeploySettings, origins: dict[str, str], site: Path, rollback: bool, env: Mapping[str, str]) -> int:
    if rollback:
        raise DeployError("kho S3 không giữ các bản cũ: lấy lại commit trước (git revert rồi gộp, hoặc git checkout "
                          "<commit>) rồi chạy make deploy")
    bucket = Bucket.checked(conf, origins)
    check_site(site)
    started = time.monotonic()
    print(f"Đang so trang với {bucket}…")
    outcome = S3(bucket, client_for(bucket, env)).deploy(site)
    seconds = time.monotonic() - started
    print(f"Đã xuất bản lên {bucket} trong {seconds:.1f} giây: gửi {len(outcome.uploaded)} tệp mới hoặc đã đổi, "
          f"{outcome.unchanged} tệp giữ nguyên, xoá {len(outcome.deleted)} tệp không còn trong trang.")
    return 0
