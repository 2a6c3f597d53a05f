"""Command line for editors, pre-commit and CI.

``check``   validates all content; prints every error (not only the first) as
            ``file:line: field: message`` and exits 1 if there is any.
``new``     creates a post (``new tin "Tiêu đề"``), a procedure (``new tthc``)
            or a decision (``new quyet-dinh "1234/QĐ-UBND"``), correctly named.
``edit``    the live preview plus the web editor's local backend (``make edit``).
``upgrade`` rewrites procedure records from format v1 to v2 in place, comments kept.
``deploy``  publishes the built site where extra.deploy says: github, rsync, s3 (``make deploy``, cchc.deploy).
``may-chu nginx`` writes the nginx configuration of the built site (``make nginx``, cchc.hosting).
``init``    makes the demo repository a real department's: its identity in mkdocs.yml, demo content removed.
``nhap-ket-qua`` one month's results of handling procedures from the one-stop system's .xlsx report
            (``make import-ket-qua``, cchc.results.importer).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ruamel.yaml.error import YAMLError

from cchc.core import layout
from cchc.core.dates import build_now
from cchc.core.errors import ContentError, ContentErrors, Report
from cchc.core.settings import Settings
from cchc.core.terms import load_terms
from cchc.core.yamlsafe import read_yaml
from cchc.deploy.run import add_arguments as add_deploy_arguments
from cchc.deploy.run import run as run_deploy
from cchc.editor.scaffold import ScaffoldError, new_decision, new_post, new_procedure
from cchc.editor.server import run_editor
from cchc.hosting import cli as hosting_cli
from cchc.init.run import add_arguments as add_init_arguments
from cchc.init.run import run as run_init
from cchc.news.model import Category
from cchc.results import importer as results_importer
from cchc.site.content import load_content
from cchc.tthc.importer.run import import_files
from cchc.tthc.importer.run import report as import_report
from cchc.tthc.model import Field
from cchc.tthc.upgrade import NotARecord, UnsafeRewrite, upgrade_file


def check(root: Path) -> int:
    try:
        settings = Settings.from_project(root)
        # Same rules as the published build, drafts and scheduled posts included.
        content = load_content(settings, build_now(), preview=False)
    except ContentError as error:
        print(f"Nội dung có 1 lỗi:\n  {error}", file=sys.stderr)
        return 1
    except ContentErrors as errors:
        print(errors.report(), file=sys.stderr)
        return 1
    news, tthc = content.news, content.tthc
    print(
        f"Nội dung hợp lệ: {len(news.posts)} tin bài đăng được, {news.hidden} bản nháp hoặc hẹn đăng, "
        f"{len(news.categories)} chuyên mục, {len(news.qa)} câu hỏi, "
        f"{len(tthc.procedures)} thủ tục ({len(tthc.in_force)} đang có hiệu lực) trong {len(tthc.fields)} lĩnh vực, "
        f"{len(content.results.months)} tháng số liệu kết quả giải quyết."
    )
    return 0


def _first_slug(path: Path, root: Path, schema_name: str, key: str, make) -> tuple[list[str], str]:
    report = Report()
    terms = load_terms(path, root, schema_name, key, make, report)
    report.raise_if_any()
    return [t.slug for t in terms], next(iter(terms)).slug


def new(args: argparse.Namespace) -> int:
    root: Path = args.root.resolve()
    try:
        settings = Settings.from_project(root)
        now = build_now()
        if args.kind == "tin":
            slugs, first = _first_slug(settings.content_dir / layout.CATEGORIES_FILE, root, "categories", "categories", Category)
            category = args.chuyen_muc or first
            if category not in slugs:
                raise ScaffoldError(f"không có chuyên mục “{category}”; dùng một trong: {', '.join(slugs)}")
            made = new_post(settings.content_dir, args.title, now, category, slugs)
        elif args.kind == "tthc":
            slugs, first = _first_slug(settings.content_dir / layout.FIELDS_FILE, root, "fields", "fields", Field)
            field = args.linh_vuc or first
            if field not in slugs:
                raise ScaffoldError(f"không có lĩnh vực “{field}”; dùng một trong: {', '.join(slugs)}")
            made = new_procedure(settings.content_dir, args.title or "", args.ma, args.cap, field)
        else:
            issuer = settings.department.governing_body or settings.department.name
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


def upgrade(paths: list[Path]) -> int:
    failed = False
    for path in paths:
        try:
            changed = upgrade_file(path)
        except (OSError, ValueError, YAMLError) as error:  # reported; the other files are still upgraded
            print(f"Không nâng cấp được {_upgrade_problem(path, error)}", file=sys.stderr)
            failed = True
        else:
            print(f"{'đã nâng cấp' if changed else 'đã ở dạng v2'}: {path}")
    return 1 if failed else 0


def _upgrade_problem(path: Path, error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        return f"{path}: không có tệp này"
    if isinstance(error, OSError):
        return f"{path}: không đọc hoặc ghi được tệp ({error.strerror or error})"
    if isinstance(error, NotARecord):
        return f"{path}: tệp không phải hồ sơ thủ tục (cần các dòng “tên_trường: giá trị”)"
    if isinstance(error, UnsafeRewrite):
        return f"{path}: không ghi lại được tệp mà giữ đúng dữ liệu; tệp giữ nguyên, hãy sửa tay sang dạng v2"
    try:  # `make check`'s own words for a file it cannot read, with the line
        read_yaml(path, str(path))
    except ContentError as described:
        return str(described)
    return f"{path}: tệp YAML không đọc được ({error})"


def _terminal_answer(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:  # Ctrl-D: stop asking, as an empty answer would loop on a required question
        raise SystemExit("\nĐã dừng, không tệp nào bị đổi.") from None


def import_command(root: Path, files: list[Path], dry_run: bool) -> int:
    try:
        settings = Settings.from_project(root)
    except ContentErrors as errors:
        print(errors.report(), file=sys.stderr)
        return 1
    outcomes, problems = import_files([f.resolve() for f in files], settings, dry_run)
    if problems:
        print("Không nhập được (chưa ghi tệp nào):\n" + "\n".join(f"  {p}" for p in problems), file=sys.stderr)
        return 1
    print(import_report(outcomes, root, dry_run))
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

    import_cmd = commands.add_parser("import", parents=[root_arg],
                                     help="nhập thủ tục từ tệp Word, trang chi tiết đã lưu hoặc bảng phụ lục quyết định")
    import_cmd.add_argument("files", nargs="+", type=Path, metavar="TỆP", help=".docx, .doc, .html, .xlsx hoặc .csv")
    import_cmd.add_argument("--dry-run", action="store_true", help="chỉ báo những gì sẽ thay đổi, không ghi tệp")

    results_cmd = commands.add_parser("nhap-ket-qua", parents=[root_arg],
                                      help="nhập kết quả giải quyết TTHC của một tháng từ báo cáo .xlsx của hệ thống một cửa")
    results_importer.add_arguments(results_cmd)

    init_cmd = commands.add_parser("init", parents=[root_arg],
                                   help="khởi tạo trang cho đơn vị: ghi thông tin đơn vị, xoá nội dung mẫu")
    add_init_arguments(init_cmd)

    hosting_cli.add_parser(commands)

    deploy_cmd = commands.add_parser("deploy", parents=[root_arg],
                                     help="xuất bản trang đã dựng (site/) lên GitHub Pages, máy chủ riêng (rsync) hoặc kho S3")
    add_deploy_arguments(deploy_cmd)

    upgrade_cmd = commands.add_parser("upgrade", help="nâng cấp hồ sơ thủ tục từ dạng v1 lên v2, giữ chú thích")
    upgrade_cmd.add_argument("files", nargs="+", type=Path, metavar="TỆP", help="tệp hồ sơ, ví dụ content/tthc/1.004616.yml")
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.root.resolve())
    if args.command == "new":
        return new(args)
    if args.command == "upgrade":
        return upgrade(args.files)
    if args.command == "init":
        return run_init(args, args.root.resolve(), ask=_terminal_answer if sys.stdin.isatty() else None)
    if args.command == "deploy":
        return run_deploy(args)
    if args.command == "import":
        return import_command(args.root.resolve(), args.files, args.dry_run)
    if args.command == "nhap-ket-qua":
        return results_importer.run(args)
    if args.command == "may-chu":
        return hosting_cli.run(args)
    root = args.root.resolve()
    try:
        port = Settings.from_project(root).editor.local_port
    except ContentErrors as errors:
        print(errors.report(), file=sys.stderr)
        return 1
    return run_editor(root, port, args.port)


if __name__ == "__main__":
    sys.exit(main())
