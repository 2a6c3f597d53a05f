"""Command line: ``python -m cchc check`` validates all content.

Prints every error (not only the first) as ``file:line: field: message``
and exits 1 if there is any, so it serves editors, pre-commit and CI alike.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config_file import read_mkdocs_config
from .content import load_content
from .dates import build_now
from .errors import ContentError, ContentErrors
from .settings import Settings


def check(root: Path) -> int:
    try:
        config = read_mkdocs_config(root / "mkdocs.yml", root)
        settings = Settings.from_extra(config.get("extra") or {}, root, config.get("site_url"))
        # Same rules as the published build, drafts and scheduled posts included.
        content = load_content(settings, build_now(), preview=False)
    except ContentError as error:
        print(f"Nội dung có 1 lỗi:\n  {error}", file=sys.stderr)
        return 1
    except ContentErrors as errors:
        print(errors.report(), file=sys.stderr)
        return 1
    print(
        f"Nội dung hợp lệ: {len(content.posts)} tin bài đăng được, {content.hidden} bản nháp hoặc hẹn đăng, "
        f"{len(content.categories)} chuyên mục, {len(content.qa)} câu hỏi, "
        f"{len(content.procedures)} thủ tục ({len(content.in_force)} đang có hiệu lực) trong {len(content.fields)} lĩnh vực."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cchc", description="Công cụ nội dung của trang Sở Y tế.")
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help="kiểm tra toàn bộ nội dung, in mọi lỗi")
    check_cmd.add_argument("--root", type=Path, default=Path.cwd(), help="thư mục dự án (mặc định: thư mục hiện tại)")
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.root.resolve())
    return 2


if __name__ == "__main__":
    sys.exit(main())
