"""Command line for editors, pre-commit and CI.

``check``   validates all content; prints every error (not only the first) as
            ``file:line: field: message`` and exits 1 if there is any.
``new``     creates a post (``new tin "Tiêu đề"``), a procedure (``new tthc``)
            or a decision (``new quyet-dinh "1234/QĐ-UBND"``), correctly named.
``edit``    the live preview plus the web editor's local backend (``make edit``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cchc.editor.cms import DEFAULT_LOCAL_PORT
from cchc.core.config_file import read_mkdocs_config
from cchc.site.content import load_content
from cchc.core.dates import build_now
from cchc.editor.server import run_editor
from cchc.core.errors import ContentError, ContentErrors
from cchc.news.model import Category, Field
from cchc.editor.scaffold import ScaffoldError, new_decision, new_post, new_procedure
from cchc.core.settings import Settings
from cchc.core.terms import load_terms


def load_settings(root: Path) -> Settings:
    config = read_mkdocs_config(root / "mkdocs.yml", root)
    return Settings.from_extra(config.get("extra") or {}, root, config.get("site_url"))


def check(root: Path) -> int:
    try:
        settings = load_settings(root)
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


def _first_slug(path: Path, root: Path, schema_name: str, key: str, make) -> tuple[list[str], str]:
    terms, errors = load_terms(path, root, schema_name, key, make)
    if errors:
        raise ContentErrors(errors)
    return [t.slug for t in terms], next(iter(terms)).slug


def new(args: argparse.Namespace) -> int:
    root: Path = args.root.resolve()
    try:
        settings = load_settings(root)
        now = build_now()
        if args.kind == "tin":
            slugs, first = _first_slug(settings.content_dir / "categories.yml", root, "categories", "categories", Category)
            category = args.chuyen_muc or first
            if category not in slugs:
                raise ScaffoldError(f"không có chuyên mục “{category}”; dùng một trong: {', '.join(slugs)}")
            made = new_post(settings.content_dir, args.title, now, category, slugs)
        elif args.kind == "tthc":
            slugs, first = _first_slug(settings.content_dir / "linh-vuc.yml", root, "fields", "fields", Field)
            field = args.linh_vuc or first
            if field not in slugs:
                raise ScaffoldError(f"không có lĩnh vực “{field}”; dùng một trong: {', '.join(slugs)}")
            made = new_procedure(settings.content_dir, args.title or "", args.ma, args.cap, field)
        else:
            issuer = settings.department.get("governing_body") or settings.department["name"]
            made = new_decision(settings.content_dir, args.title, issuer, now)
        path = made.write()
    except ScaffoldError as error:
        print(f"Không tạo được tệp: {error}", file=sys.stderr)
        return 1
    except (ContentError, ContentErrors) as error:
        print(f"Không đọc được cấu hình:\n  {error}", file=sys.stderr)
        return 1
    print(f"Đã tạo {path.relative_to(root)}. Sửa tệp này, rồi chạy `make check` để kiểm tra.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cchc", description="Công cụ nội dung của trang Sở Y tế.")
    root_arg = argparse.ArgumentParser(add_help=False)
    root_arg.add_argument("--root", type=Path, default=Path.cwd(), help="thư mục dự án (mặc định: thư mục hiện tại)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", parents=[root_arg], help="kiểm tra toàn bộ nội dung, in mọi lỗi")

    new_cmd = commands.add_parser("new", help="tạo tệp nội dung mới")
    kinds = new_cmd.add_subparsers(dest="kind", required=True)
    tin = kinds.add_parser("tin", parents=[root_arg], help="tin bài mới (bản nháp)")
    tin.add_argument("title", help="tiêu đề tin, trong ngoặc kép")
    tin.add_argument("--chuyen-muc", help="slug chuyên mục (mặc định: chuyên mục đầu tiên)")
    tthc = kinds.add_parser("tthc", parents=[root_arg], help="hồ sơ thủ tục mới")
    tthc.add_argument("title", nargs="?", help="tên thủ tục")
    tthc.add_argument("--ma", help="mã thủ tục, ví dụ 1.004616")
    tthc.add_argument("--cap", choices=["tinh", "xa", "huyen"], default="tinh", help="cấp thực hiện")
    tthc.add_argument("--linh-vuc", help="slug lĩnh vực (mặc định: lĩnh vực đầu tiên)")
    decision = kinds.add_parser("quyet-dinh", parents=[root_arg], help="quyết định công bố mới")
    decision.add_argument("title", metavar="số", help="số, ký hiệu, ví dụ 1234/QĐ-UBND")

    edit = commands.add_parser("edit", parents=[root_arg], help="xem thử và trang biên tập trên máy này")
    edit.add_argument("--port", type=int, default=8000, help="cổng xem thử (mặc định 8000)")
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.root.resolve())
    if args.command == "new":
        return new(args)
    root = args.root.resolve()
    try:
        port = load_settings(root).editor.get("local_port", DEFAULT_LOCAL_PORT)
    except ContentErrors as errors:
        print(errors.report(), file=sys.stderr)
        return 1
    return run_editor(root, port, args.port)


if __name__ == "__main__":
    sys.exit(main())
