"""``python -m cchc new …``: new content files, named and laid out as the loaders expect.

A new post is a draft until the editor removes ``draft: true``, so a file
created and committed in a hurry never publishes placeholder text. A new
procedure or decision leaves its required fields empty: ``check`` then lists
exactly what is left to fill in, line by line, and the build refuses it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from slugify import slugify

from cchc.core import layout
from cchc.core.schema import load_schema
from cchc.core.text import nfc

# Same length as the web editor's slugs (cchc/cms.py), cut at a word.
SLUG_LENGTH = 70


class ScaffoldError(RuntimeError):
    pass


def _q(text: str) -> str:
    """A YAML double-quoted string (JSON's string syntax is valid YAML)."""
    return json.dumps(nfc(text), ensure_ascii=False)


def short_slug(text: str) -> str:
    return slugify(nfc(text), max_length=SLUG_LENGTH, word_boundary=True)


@dataclass(frozen=True)
class NewFile:
    path: Path
    text: str

    def write(self) -> Path:
        if self.path.exists():
            raise ScaffoldError(f"{self.path} đã có; chọn tiêu đề khác hoặc sửa tệp đó")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.text, encoding="utf-8")
        return self.path


def new_post(content_dir: Path, title: str, now: datetime, category: str, categories: list[str]) -> NewFile:
    slug = short_slug(title)
    if not slug:
        raise ScaffoldError("tiêu đề cần có chữ, ví dụ: python -m cchc new tin \"Sở Y tế triển khai …\"")
    day = now.strftime("%Y-%m-%d")
    path = content_dir / layout.NEWS_DIR / now.strftime("%Y") / f"{day}-{slug}.md"
    text = (
        "---\n"
        f"title: {_q(title)}\n"
        f"date: {now.strftime('%Y-%m-%d %H:%M')}\n"
        f"# Chuyên mục: {', '.join(categories)}\n"
        f"category: {category}\n"
        "summary: \"Viết một đến hai câu tóm tắt tin (hiện ở danh sách tin và khi chia sẻ).\"\n"
        "# image: anh.jpg        # ảnh đặt cạnh tệp này\n"
        "# image_alt: \"Mô tả ảnh\"\n"
        "tags: []\n"
        "author: \"\"\n"
        "# Xoá dòng draft khi tin đã sẵn sàng đăng.\n"
        "draft: true\n"
        "---\n\n"
        "Viết nội dung tin ở đây.\n"
    )
    return NewFile(path, text)


def new_procedure(content_dir: Path, name: str, code: str | None, level: str, field: str) -> NewFile:
    if code and not re.search(load_schema("tthc")["properties"]["code"]["pattern"], code):
        raise ScaffoldError(f"mã “{code}” không đúng dạng 1.004616 hoặc 1.004616.000.00.00.H41")
    stem = code or short_slug(name)
    if not stem:
        raise ScaffoldError("cần tên thủ tục hoặc mã thủ tục")
    code_line = f"code: {_q(code)}\n" if code else "# code: \"1.00xxxx\"  # điền khi thủ tục có mã trên Cổng Dịch vụ công quốc gia\n"
    # Only what the editor gave is written; every other part is a commented example, because a part
    # left in with a placeholder would be published as a fact. Uncomment what the source states.
    text = (
        "# yaml-language-server: $schema=../../schemas/tthc.schema.json\n"
        "# Chép đúng nguồn; phần nào nguồn không ghi thì để nguyên dòng chú thích (trang hiện “Không có thông tin”).\n"
        f"{code_line}"
        f"level: {level}  # tinh | xa | huyen\n"
        f"name: {_q(name)}\n"
        f"field: {field}\n"
        "# type: \"TTHC được luật giao quy định chi tiết\"\n"
        "# steps:\n#   - \"Bước 1: ...\"\n"
        "# channels:\n"
        "#   - channel: truc_tiep  # truc_tiep | truc_tuyen | buu_chinh; mỗi dòng của nguồn một mục\n"
        "#     times: [{value: 5, unit: ngay_lam_viec}]  # ngay_lam_viec | ngay | gio | thang; chỉ có chữ: [{text: \"...\"}]\n"
        "#     fees: [{kind: phi, amount: 500000}]  # phi | le_phi | muc_gia; nguồn ghi không thu: fees: []\n"
        "# dossier:\n#   sets: 1\n#   cases:\n#     - documents:\n#         - {name: \"...\", originals: 1, copies: 0}\n"
        "# subjects: [\"Công dân Việt Nam\"]\n"
        "# agencies:\n#   executing: \"Sở Y tế\"\n"
        "# receiving_address: \"...\"\n"
        "# results: [\"...\"]\n"
        "# conditions: []  # nguồn ghi “Không”; nguồn không nói gì thì để nguyên chú thích\n"
        "# legal_basis:\n#   - {number: \"...\", title: \"...\", date: \"...\", issuer: \"...\"}\n"
        "# online:\n#   level: mot_phan  # toan_trinh | mot_phan | khong\n"
    )
    return NewFile(content_dir / layout.TTHC_DIR / f"{stem}.yml", text)


def new_decision(content_dir: Path, number: str, issuer: str, now: datetime) -> NewFile:
    if not re.search(load_schema("decision")["properties"]["number"]["pattern"], nfc(number)):
        raise ScaffoldError(f"số quyết định “{number}” không đúng dạng 1234/QĐ-UBND")
    # The web editor names decision files the same way: number then signing year.
    stem = slugify(nfc(f"{number}-{now.year}"))
    day = now.strftime("%Y-%m-%d")
    text = (
        "# yaml-language-server: $schema=../../../schemas/decision.schema.json\n"
        f"number: {_q(number)}\n"
        f"issuer: {_q(issuer)}\n"
        f"signed: {day}\n"
        f"effective: {day}\n"
        "title: \"\"\n"
        "attachment: \"\"  # tệp PDF đặt cạnh tệp này, ví dụ quyet-dinh.pdf\n"
        "entries:\n"
        "  - change: moi_ban_hanh  # moi_ban_hanh | sua_doi_bo_sung | thay_the | bai_bo\n"
        "    procedure: \"\"  # mã thủ tục\n"
        "    summary: \"\"\n"
    )
    return NewFile(content_dir / layout.DECISIONS_DIR / f"{stem}.yml", text)
