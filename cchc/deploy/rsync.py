"""Publish site/ to a folder over SSH (or on this machine) in releases, switched live atomically.

On the server (``<target>`` is ``extra.deploy.target``)::

    <target>/releases/20240307T013000Z-1a2b3c4/   one complete site per deploy (UTC time, git commit)
    <target>/releases/.partial-<id>/              a deploy being copied; renamed into place when complete
    <target>/current -> releases/<id>             the web server's root (nginx: root <target>/current;)

A deploy copies the site into a new ``.partial-`` folder with ``rsync --link-dest`` pointing at the live
release, so unchanged files become hard links of the live ones (little disk, little to send), renames it
into ``releases/``, then points ``current`` at it: a new symlink ``current.tmp`` renamed over ``current``
(``mv -T``, one rename(2)), so a reader gets the old site or the new one, never a half-copied one, and
``current`` never stops existing. Releases beyond ``keep`` are deleted, oldest first; ``rollback``
points ``current`` at the release before the live one. Release names begin with the UTC time the deploy
started, so when two deploys overlap (two merges in a row, a CI without a lock), the older one, finishing
last, does not replace the newer one: it is dropped and says so.

Safety of the command lines: the shell script below is a constant; every path and name reaches it as an
argument (``"$2"``), never pasted into its text. Locally it runs from an argv list; over SSH the one
command string ssh hands to the remote shell is ``shlex.join`` of that same list, and ssh is told
where its options end (``--``) before the host. The target's user and host are checked to look like a
user and a host name, so ``-oProxyCommand=…`` cannot pass as one.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cchc.deploy import DeployError

RELEASE = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-z]+$")
_USER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
_HOST = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")
_IPV6 = re.compile(r"^[0-9A-Fa-f:.]+$")
_REMOTE = re.compile(r"^(?:(?P<user>[^@/:]+)@)?(?P<host>\[[^\]/]*\]|[^@/:\[\]]+):(?P<path>.*)$", re.S)

# POSIX sh, run as `sh -c SCRIPT cchc-deploy ACTION TARGET [ARGS…]` on the server (or here).
# Exit codes 10–16 are the refusals the Python side explains (EXITS); anything else fails with
# the command's own error. `if` rather than `a && b` everywhere: under `set -e`, a false `&&`
# list ending a loop body makes some shells (dash) leave the script.
# umask 022: the web server's account must be able to pass through releases/.
SCRIPT = r"""set -eu
export LC_ALL=C
umask 022
action=$1
root=$2
if [ ! -d "$root" ]; then exit 14; fi
cd "$root"
case $action in
prepare)
  id=$3
  if [ -e current ] && [ ! -L current ]; then exit 10; fi
  if [ -e "releases/$id" ]; then exit 11; fi
  mkdir -p releases
  for old in releases/.partial-*; do
    if [ -e "$old" ]; then rm -rf -- "$old"; fi
  done
  mkdir "releases/.partial-$id"
  base=
  if [ -L current ] && [ -d current/ ]; then
    base=$(readlink current)
    base=${base##*/}
  else
    for d in releases/[0-9]*; do
      if [ -d "$d" ]; then base=${d#releases/}; fi
    done
  fi
  printf '%s\n' "$base"
  ;;
activate)
  id=$3
  keep=$4
  if [ ! -d "releases/.partial-$id" ]; then exit 15; fi
  if [ -L current ]; then
    live=$(readlink current)
    newest=$(printf '%s\n%s\n' "${live##*/}" "$id" | sort | tail -n 1)
    if [ "$newest" != "$id" ]; then
      rm -rf -- "releases/.partial-$id"
      exit 16
    fi
  fi
  mv -- "releases/.partial-$id" "releases/$id"
  rm -f current.tmp
  ln -s "releases/$id" current.tmp
  mv -T current.tmp current
  total=0
  for d in releases/[0-9]*; do
    if [ -d "$d" ]; then total=$((total + 1)); fi
  done
  extra=$((total - keep))
  for d in releases/[0-9]*; do
    if [ "$extra" -le 0 ]; then break; fi
    if [ -d "$d" ] && [ "$d" != "releases/$id" ]; then
      rm -rf -- "$d"
      printf '%s\n' "${d#releases/}"
      extra=$((extra - 1))
    fi
  done
  ;;
rollback)
  if [ ! -L current ]; then exit 12; fi
  live=$(readlink current)
  live=${live##*/}
  prev=
  for d in releases/[0-9]*; do
    if [ ! -d "$d" ]; then continue; fi
    if [ "${d#releases/}" = "$live" ]; then break; fi
    prev=${d#releases/}
  done
  if [ -z "$prev" ]; then exit 13; fi
  rm -f current.tmp
  ln -s "releases/$prev" current.tmp
  mv -T current.tmp current
  printf '%s\n%s\n' "$live" "$prev"
  ;;
*)
  exit 2
  ;;
esac
"""

EXITS = {
    10: "{where}/current là một thư mục thật, không phải liên kết tới một bản: máy chủ đang phục vụ trang theo "
        "cách khác. Chuyển thư mục đó đi (ví dụ mv current current.cu), rồi xuất bản lại",
    11: "bản {release} đã có ở {where}/releases (hai lần xuất bản trong cùng một giây?); chạy lại lệnh",
    12: "chưa có bản nào đang chạy ở {where} (chưa có {where}/current): chưa xuất bản lần nào",
    13: "không còn bản nào cũ hơn bản đang chạy ở {where} để quay lại",
    14: "chưa có thư mục {where}; tạo nó trước (mkdir -p) và cho tài khoản xuất bản quyền ghi vào đó",
    15: "thư mục tạm của bản {release} ở {where} đã bị xoá giữa chừng (có lần xuất bản khác chạy cùng lúc?); "
        "chạy lại lệnh",
    16: "trong lúc chép, một bản mới hơn bản {release} đã lên chạy ở {where} (hai lần xuất bản cùng lúc); bản "
        "cũ hơn không thay bản mới hơn, nên trang vẫn là bản mới. Không cần làm gì",
}


@dataclass(frozen=True)
class Target:
    """A folder on this machine (no host) or on a server reached over SSH."""

    path: str  # absolute, on the machine that holds it
    host: str = ""
    user: str = ""

    @property
    def login(self) -> str:
        return f"{self.user}@{self.host}" if self.user else self.host

    def rsync_dest(self, sub: str) -> str:
        """``sub`` inside the target, as rsync names it (host:path; an IPv6 host in brackets)."""
        path = f"{self.path.rstrip('/')}/{sub}"
        if not self.host:
            return path
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.user + '@' if self.user else ''}{host}:{path}"

    def __str__(self) -> str:
        return f"{self.login}:{self.path}" if self.host else self.path


def parse_target(text: str, origin: str) -> Target:
    """``[user@]host:/path`` or ``/path``; every refusal names the value and where it came from."""
    def refuse(why: str) -> DeployError:
        return DeployError(f"nơi xuất bản “{text}” ({origin}) {why}")

    if not text:
        raise DeployError("chưa khai nơi xuất bản rsync: đặt extra.deploy.target trong mkdocs.yml, biến "
                          "CCHC_DEPLOY_TARGET hoặc NOI=… (ví dụ trien-khai@web.syt.gov.vn:/var/www/syt hoặc /srv/www/syt)")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise refuse("có ký tự điều khiển (xuống dòng, tab…); hãy gõ lại đường dẫn")
    if text.startswith("rsync://") or re.match(r"^[^\[/]*::", text):
        raise refuse("là địa chỉ rsync daemon; chỉ hỗ trợ rsync qua SSH (user@máy:/đường/dẫn) hoặc thư mục trên máy này")
    user = host = ""
    path = text
    match = None if text.startswith("/") else _REMOTE.match(text)
    if match:
        user, host, path = match["user"] or "", match["host"], match["path"]
        if host.startswith("["):
            host = host[1:-1]
            if not _IPV6.match(host):
                raise refuse(f"có địa chỉ IPv6 “{host}” không hợp lệ")
        elif not _HOST.match(host):
            raise refuse(f"có tên máy chủ “{host}” không hợp lệ (chỉ chữ, số, dấu chấm, gạch ngang; không bắt đầu bằng “-”)")
        if match["user"] is not None and not _USER.match(user):
            raise refuse(f"có tên tài khoản “{user}” không hợp lệ (chỉ chữ, số, dấu chấm, gạch dưới, gạch ngang; "
                         "không bắt đầu bằng “-”)")
    if not path.startswith("/"):
        raise refuse("phải là đường dẫn tuyệt đối, bắt đầu bằng “/” (ví dụ /var/www/syt)")
    parts = path.rstrip("/").split("/")[1:]
    if not parts or path.strip("/") == "":
        raise refuse("là thư mục gốc “/”; hãy dùng một thư mục riêng cho trang, ví dụ /var/www/syt")
    if any(part in ("", ".", "..") for part in parts):
        raise refuse("có “//”, “.” hoặc “..”; hãy viết đường dẫn gọn, ví dụ /var/www/syt")
    return Target(path="/" + "/".join(parts), host=host, user=user)


def _plain_path(value: str, what: str, origin: str) -> str:
    # ssh expands %-tokens in both, and splits UserKnownHostsFile at spaces: such paths would not
    # name the file meant, so they are refused rather than quoted for one parser and broken by another.
    if value and (any(c.isspace() or ord(c) < 32 for c in value) or any(c in value for c in "%\"'\\")):
        raise DeployError(f"đường dẫn {what} “{value}” ({origin}) không được có dấu cách, dấu nháy, “%” hay “\\”; "
                          "hãy chép tệp sang một đường dẫn đơn giản")
    return value


@dataclass(frozen=True)
class Ssh:
    """How ssh reaches the server; BatchMode: never wait for a password or a question no one sees in CI."""

    port: int = 0
    key: str = ""
    known_hosts: str = ""

    @classmethod
    def checked(cls, port: int, key: str, known_hosts: str, origins: dict[str, str]) -> Ssh:
        return cls(port, _plain_path(key, "tệp khoá SSH", origins.get("ssh_key", "")),
                   _plain_path(known_hosts, "tệp known_hosts", origins.get("known_hosts", "")))

    def argv(self) -> list[str]:
        argv = ["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=20"]
        if self.port:
            argv += ["-p", str(self.port)]
        if self.key:
            argv += ["-i", self.key, "-o", "IdentitiesOnly=yes"]
        if self.known_hosts:
            argv += ["-o", f"UserKnownHostsFile={self.known_hosts}", "-o", "StrictHostKeyChecking=yes"]
        return argv


def script_argv(target: Target, ssh: Ssh, *args: str) -> list[str]:
    """The argv that runs SCRIPT with ``args`` where the target is: here, or on its server over ssh."""
    local = ["sh", "-c", SCRIPT, "cchc-deploy", *args]
    if not target.host:
        return local
    return [*ssh.argv(), "--", target.login, shlex.join(local)]


def rsync_argv(site: Path, target: Target, ssh: Ssh, release: str, base: str) -> list[str]:
    """rsync of the built site into the new release's ``.partial-`` folder.

    ``--checksum --no-times``: every build rewrites every file, so rsync's usual size-and-time test
    would find nothing unchanged and --link-dest would link nothing; by content, unchanged files are
    hard-linked to the live release and keep its modification time (the web server's Last-Modified
    and ETag stay the same, browsers' copies stay valid), changed files get the time of the deploy.
    ``--chmod`` and no owner or group: a public site must be readable by the web server's account
    whatever the umask of the machine that built it, and belongs to the account that deploys it.
    ``--secluded-args`` (-s): the remote path travels inside rsync's protocol, not through the shell.
    """
    argv = ["rsync", "-a", "--no-times", "--no-owner", "--no-group", "--chmod=D755,F644", "--checksum", "--delete"]
    if base:
        argv.append(f"--link-dest=../{base}")
    if target.host:
        argv += ["-s", "-e", shlex.join(ssh.argv())]
    return [*argv, f"{site}/", target.rsync_dest(f"releases/.partial-{release}/")]


@dataclass(frozen=True)
class Outcome:
    release: str  # what is live now
    previous: str = ""  # what was live before ("" on a first deploy)
    pruned: tuple[str, ...] = ()


Runner = Callable[..., subprocess.CompletedProcess]


class Rsync:
    """Deploys and rollbacks on one target."""

    def __init__(self, target: Target, ssh: Ssh = Ssh(), run: Runner = subprocess.run):
        self.target, self.ssh, self._runner = target, ssh, run

    def _run(self, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
        try:
            return self._runner(argv, **kwargs)
        except FileNotFoundError:
            raise DeployError(f"máy này chưa có chương trình {argv[0]}; cài rsync và openssh-client "
                              "(Debian, Ubuntu: sudo apt-get install rsync openssh-client)") from None

    def deploy(self, site: Path, release: str, keep: int) -> Outcome:
        if not RELEASE.match(release):
            raise ValueError(release)
        base = self._script("prepare", release).strip()
        base = base if RELEASE.match(base) else ""
        copy = self._run(rsync_argv(site, self.target, self.ssh, release, base), capture_output=True, text=True)
        if copy.returncode:
            raise DeployError(self._failure("rsync không chép được trang", copy))
        pruned = self._script("activate", release, str(keep), release=release).split()
        return Outcome(release, base, tuple(pruned))

    def rollback(self) -> Outcome:
        left, now = self._script("rollback").split()
        return Outcome(now, left)

    def _script(self, action: str, *args: str, release: str = "") -> str:
        argv = script_argv(self.target, self.ssh, action, self.target.path, *args)
        done = self._run(argv, capture_output=True, text=True)
        if done.returncode in EXITS:
            raise DeployError(EXITS[done.returncode].format(where=self.target, release=release or (args[0] if args else "")))
        if done.returncode:
            raise DeployError(self._failure("lệnh trên nơi xuất bản không chạy được", done))
        return done.stdout

    def _failure(self, what: str, done: subprocess.CompletedProcess) -> str:
        said = (done.stderr or done.stdout or "").strip()
        hint = ""
        if (self.target.host and done.returncode == 255) or "Host key verification failed" in said:
            hint = ("\n  Không đăng nhập được SSH vào máy chủ: kiểm tra tên máy, cổng, tệp khoá; lần đầu, thêm khoá của "
                    "máy chủ vào known_hosts (ssh-keyscan -p CỔNG MÁY >> ~/.ssh/known_hosts, rồi so dấu vân tay với "
                    "quản trị máy chủ).")
        return f"{what} (mã lỗi {done.returncode}) ở {self.target}:\n  {said}{hint}"
