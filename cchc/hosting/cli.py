"""``python -m cchc may-chu nginx``: the nginx configuration of the site built into site/ (``make nginx``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlsplit

from cchc.core.errors import ContentErrors
from cchc.core.settings import Settings
from cchc.hosting import nginx
from cchc.hosting.facts import SiteError, read_site

# Where the example expects the site file on a Debian server.
SNIPPETS = "/etc/nginx/snippets"


def add_parser(commands) -> None:
    server = commands.add_parser("may-chu", help="cấu hình máy chủ web cho trang đã dựng")
    kinds = server.add_subparsers(dest="server", required=True)
    config = kinds.add_parser("nginx", help="cấu hình nginx: tiêu đề bảo mật, CSP, bộ đệm, bản nén sẵn, trang 404, "
                                            "chuyển hướng đường dẫn cũ")
    config.add_argument("--root", type=Path, default=Path.cwd(), help="thư mục dự án (mặc định: thư mục hiện tại)")
    config.add_argument("--site", type=Path, default=Path("site"), help="thư mục trang đã dựng (mặc định: site)")
    config.add_argument("--out", type=Path, help="tệp cấu hình để ghi (kèm tệp ví dụ <tên>.vi-du.conf bên cạnh); "
                                                 "không có: in ra màn hình")
    config.add_argument("--goc", help="thư mục trang trên máy chủ, ví dụ /var/www/syt (mặc định: đường dẫn của --site)")
    config.add_argument("--khong-brotli", action="store_true",
                        help="nginx không có mô-đun brotli_static: chỉ gửi bản nén .gz")
    config.add_argument("--khong-hsts", action="store_true",
                        help="không gửi Strict-Transport-Security (khi chưa chắc giữ HTTPS lâu dài)")


def run(args: argparse.Namespace) -> int:
    root: Path = args.root.resolve()
    site = args.site if args.site.is_absolute() else root / args.site
    try:
        settings = Settings.from_project(root)
    except ContentErrors as errors:
        print(errors.report(), file=sys.stderr)
        return 1
    options = nginx.Options(root=args.goc or str(site.resolve()), brotli=not args.khong_brotli,
                            hsts=not args.khong_hsts, server_name=urlsplit(settings.site_url).hostname or "")
    try:
        facts = read_site(site, settings.site_url)
        text = nginx.site_file(facts, options, str(args.site))
        if args.out is None:
            sys.stdout.write(text)
            return 0
        sample = args.out.with_name(f"{args.out.stem}.vi-du{args.out.suffix or '.conf'}")
        server = nginx.example(options, f"{SNIPPETS}/{args.out.name}")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        sample.write_text(server, encoding="utf-8")
    except SiteError as error:
        print(f"Không sinh được cấu hình nginx: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Không ghi được cấu hình nginx: {error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    print(f"Đã ghi {args.out} ({facts.pages} trang, {len(facts.redirects)} đường dẫn cũ chuyển hướng) và ví dụ khối "
          f"server {sample}.\nChép {args.out.name} vào {SNIPPETS}/ trên máy chủ, sửa ví dụ (chứng chỉ TLS) rồi "
          "`nginx -t && systemctl reload nginx`. Sinh lại khi cập nhật mã của dự án hoặc thêm đường dẫn cũ (aliases) "
          "cho thủ tục.")
    return 0
