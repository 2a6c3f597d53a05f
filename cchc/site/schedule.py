"""When the published site changes by itself, and whether a scheduled build is due.

A post dated 07:00 tomorrow, or a decision taking effect on the 1st, changes
the site with no commit. The build writes /xuat-ban.json with the time of the
next such change; the hourly scheduled workflow reads it from the live site
and rebuilds only when that time has come, so posts go live within the hour
and a quiet hour costs a few seconds, not a build.

The check runs with the system Python before anything is installed, so this
module imports only the standard library and cchc.core.dates.

    python3 -m cchc.site.schedule --config mkdocs.yml        # asks the live site
    python3 -m cchc.site.schedule --published xuat-ban.json  # a copy of the file

prints ``true`` (build) or ``false`` on stdout and the reason, in Vietnamese,
on stderr. Anything unreadable means ``true``: a needless build is cheap, a
post published a day late is not.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.request
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from cchc.core.dates import build_now, format_datetime

FILE = "xuat-ban.json"  # beside the home page
FORMAT_VERSION = 1


def next_change(scheduled_posts: Iterable[datetime], upcoming_effective: Iterable[datetime | None]) -> datetime | None:
    """The first time a build would publish something new: both lists hold only times after the build's."""
    return min((t for t in (*scheduled_posts, *upcoming_effective) if t is not None), default=None)


def state_file(next_time: datetime | None) -> bytes:
    """/xuat-ban.json: only the time, never what is scheduled (an unpublished title stays unpublished)."""
    document = {"format_version": FORMAT_VERSION, "next_change": next_time.isoformat() if next_time else None}
    return (json.dumps(document) + "\n").encode("utf-8")


def due(published: bytes | None, now: datetime) -> tuple[bool, str]:
    """Whether the site must be rebuilt now, given the live /xuat-ban.json (None: could not be read)."""
    if published is None:
        return True, f"không đọc được {FILE} của trang đang chạy: dựng lại cho chắc"
    try:
        document = json.loads(published)
        text = document["next_change"]
        when = None if text is None else datetime.fromisoformat(text)
    except (ValueError, KeyError, TypeError) as error:
        return True, f"{FILE} không đúng dạng ({error}): dựng lại cho chắc"
    if when is None:
        return False, "không có tin hẹn giờ hay quyết định nào sắp có hiệu lực"
    if when.tzinfo is None:
        return True, f"{FILE} ghi giờ không có múi giờ ({text}): dựng lại cho chắc"
    if when <= now:
        return True, f"đã tới {format_datetime(when)}: có tin hẹn giờ hoặc quyết định đến lúc đăng"
    return False, f"chưa tới lần thay đổi tiếp theo ({format_datetime(when)})"


def _site_url(config: Path) -> str:
    # mkdocs.yml needs a YAML library to read whole; its site_url is one plain line.
    match = re.search(r"^site_url:\s*['\"]?([^'\"\s#]+)", config.read_text(encoding="utf-8"), re.MULTILINE)
    if not match:
        raise ValueError(f"{config}: không thấy site_url")
    return match.group(1).rstrip("/") + "/"


def _fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - https URL from mkdocs.yml
            return response.read(64 * 1024)
    except (OSError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m cchc.site.schedule",
                                     description="Có cần dựng lại trang theo lịch không?")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--config", type=Path, help="mkdocs.yml: đọc xuat-ban.json từ site_url")
    source.add_argument("--published", type=Path, help="một bản xuat-ban.json đã tải về")
    args = parser.parse_args(argv)
    if args.config:
        published = _fetch(_site_url(args.config) + FILE)
    else:
        published = args.published.read_bytes() if args.published.is_file() else None
    build, reason = due(published, build_now())
    print("true" if build else "false")
    print(("Dựng lại: " if build else "Không cần dựng lại: ") + reason, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
