"""The ``init`` command: ask (or read flags), check, then write mkdocs.yml and remove the demo content."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from ruamel.yaml.error import YAMLError

from cchc.core import layout
from cchc.init import config, demo
from cchc.init.questions import QUESTIONS, Question, one_problem, problems


def add_arguments(parser: argparse.ArgumentParser) -> None:
    for question in QUESTIONS:
        need = "bắt buộc" if question.required else "không bắt buộc"
        default = f"; mặc định {question.default}" if question.default else ""
        parser.add_argument(question.option, dest=question.dest, metavar="…",
                            help=f"{question.title} ({need}{default}), ví dụ: {question.example}")
    parser.add_argument("--force", action="store_true",
                        help="chạy lại khi trang đã khởi tạo: ghi đè thông tin đơn vị (không xoá tệp nào ngoài tệp mẫu)")
    parser.add_argument("--khong-hoi", action="store_true",
                        help="không hỏi gì: thiếu thông tin bắt buộc thì báo lỗi (dùng trong kịch bản, CI)")


def run(args: argparse.Namespace, root: Path, ask: Callable[[str], str] | None = None) -> int:
    """``ask`` reads one answer (input() at a terminal); None: take the flags only."""
    mkdocs_yml = root / layout.CONFIG_FILE
    try:
        demo_project = config.is_demo(mkdocs_yml)
    except (OSError, YAMLError) as error:
        print(f"Không đọc được {layout.CONFIG_FILE}: {error}", file=sys.stderr)
        return 1
    if not demo_project and not args.force:
        print(f"Trang đã được khởi tạo: {layout.CONFIG_FILE} không còn dòng “demo: true”. Muốn sửa thông tin đơn vị, "
              f"sửa thẳng {layout.CONFIG_FILE}, hoặc chạy lại với --force (chỉ ghi đè thông tin đơn vị; "
              "không xoá tệp nào ngoài tệp mẫu).", file=sys.stderr)
        return 1

    answers = {q.flag: (getattr(args, q.dest) or "").strip() for q in QUESTIONS}
    for question in QUESTIONS:
        if not answers[question.flag] and question.default:
            answers[question.flag] = question.default
    if ask is not None and not args.khong_hoi:
        print("Khởi tạo trang cho đơn vị của bạn. Trả lời từng câu; câu không bắt buộc thì bấm Enter để bỏ qua.")
        for question in QUESTIONS:
            if not answers[question.flag] or question.default and answers[question.flag] == question.default:
                answers[question.flag] = _ask(question, answers, ask)

    found = problems(answers)
    if found:
        print(f"Chưa khởi tạo được, {len(found)} thông tin cần sửa (không tệp nào bị đổi):", file=sys.stderr)
        for problem in found:
            print(f"  {problem}", file=sys.stderr)
        return 2

    content = root / layout.CONTENT
    plan = demo.remove_demo(content, dry_run=True)
    if ask is not None and not args.khong_hoi:
        reply = ask(f"Ghi thông tin vào {layout.CONFIG_FILE} và xoá {len(plan.removed)} tệp nội dung mẫu? (c/k) ")
        if reply.strip().lower() not in ("c", "có", "co", "y", "yes"):
            print("Đã dừng, không tệp nào bị đổi.")
            return 1

    config.rewrite(mkdocs_yml, answers)
    done = demo.remove_demo(content)
    qa = f"; câu hỏi mẫu đã xoá khỏi content/{layout.QA_FILE}" if done.replaced else ""
    print(f"Đã ghi thông tin của {answers['ten']} vào {layout.CONFIG_FILE}; {done.summary()}{qa}.")
    if done.kept_changed:
        print(f"Giữ lại {len(done.kept_changed)} tệp vốn là mẫu nhưng đã được sửa (có thể là bài của đơn vị; "
              "xem và xoá bằng tay nếu không cần):")
        for name in done.kept_changed:
            print(f"  content/{name}")
    print(f"Giữ chuyên mục (content/{layout.CATEGORIES_FILE}) và lĩnh vực (content/{layout.FIELDS_FILE}) "
          "làm mặc định; sửa cho phù hợp với đơn vị.")
    print("Tiếp theo: make build (hoặc make serve để xem), rồi git add -A && git commit -m \"Khởi tạo trang của đơn vị\".")
    return 0


def _ask(question: Question, answers: dict[str, str], ask: Callable[[str], str]) -> str:
    if question.default:
        hint = f"{'bắt buộc, ' if question.required else ''}Enter để giữ {question.default}"
    else:
        hint = "bắt buộc" if question.required else "Enter để bỏ qua"
    example = f"; ví dụ: {question.example}" if question.example != question.default else ""
    prompt = f"{question.title} ({hint}{example}): "
    while True:
        value = ask(prompt).strip() or question.default
        if not value and question.required:
            print("  Thông tin này bắt buộc.")
            continue
        problem = one_problem(question, value, answers) if value else None
        if problem is None:
            return value
        print(f"  {problem}")
