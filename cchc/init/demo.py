"""Which files are the demo content, told by their bytes, not by their names.

``demo-files.sha256`` lists every demo file under content/ with its SHA-256, in the format of
``sha256sum`` (so ``cd content && sha256sum -c ../cchc/init/demo-files.sha256`` checks it too). A file
is removed by ``init`` only when it is listed *and* still has the listed bytes: a demo post an editor
has already rewritten, or any file added since, is the department's own and stays. A test keeps the
list equal to the demo content (``python -m cchc.init.demo`` writes it again after the demo changes).

The Q&A file is listed too but replaced, not removed: the site expects it, and the empty file shows
editors its format.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cchc.core import layout

MANIFEST = Path(__file__).with_name("demo-files.sha256")
# Editable defaults, not demo: a new department starts from the usual categories and fields.
KEPT = frozenset({layout.CATEGORIES_FILE, layout.FIELDS_FILE})

EMPTY_QA = """\
# yaml-language-server: $schema=../schemas/qa.schema.json
# Câu hỏi thường gặp, hiện ở trang /hoi-dap/. Mỗi câu một mục:
#   - question: "Tôi nộp hồ sơ trực tuyến ở đâu?"
#     topic: "Nộp hồ sơ"
#     answer: |
#       Câu trả lời, viết như một đoạn văn (có thể dùng Markdown).
questions: []
"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(manifest: Path = MANIFEST) -> dict[str, str]:
    """Content-relative path → SHA-256 of the shipped demo file."""
    listed = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.strip():
            sha, name = line.split(maxsplit=1)
            listed[name.strip()] = sha
    return listed


def current_demo(content: Path) -> dict[str, str]:
    """What the manifest should say for the content as it is now: every file but the kept defaults."""
    return {p.relative_to(content).as_posix(): digest(p) for p in sorted(content.rglob("*"))
            if p.is_file() and p.relative_to(content).as_posix() not in KEPT}


def manifest_text(files: dict[str, str]) -> str:
    return "".join(f"{sha}  {name}\n" for name, sha in sorted(files.items()))


@dataclass
class Removal:
    """What ``remove_demo`` did, or would do, file by file."""

    removed: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    kept_changed: list[str] = field(default_factory=list)  # listed, but an editor changed it

    def summary(self) -> str:
        kinds = {"tin bài và tệp đính kèm": layout.NEWS_DIR + "/", "quyết định": layout.DECISIONS_DIR + "/",
                 "mẫu đơn, tờ khai": layout.FORMS_DIR + "/", "tệp tải lên": layout.MEDIA_DIR + "/",
                 "thủ tục": layout.TTHC_DIR + "/", "tháng số liệu kết quả giải quyết": layout.RESULTS_DIR + "/"}
        counts: dict[str, int] = {}
        for name in self.removed:
            kind = next(k for k, prefix in [*kinds.items(), ("tệp khác", "")] if name.startswith(prefix))
            counts[kind] = counts.get(kind, 0) + 1
        parts = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        return f"đã xoá {len(self.removed)} tệp mẫu ({parts})" if self.removed else "không còn tệp mẫu nào để xoá"


def _is_demo(path: Path, sha: str) -> bool:
    # A symlink is never demo content (the demo has none), wherever it points.
    return path.is_file() and not path.is_symlink() and digest(path) == sha


def remove_demo(content: Path, manifest: Path = MANIFEST, *, dry_run: bool = False) -> Removal:
    result = Removal()
    base = content.resolve()
    for name, sha in read_manifest(manifest).items():
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts:  # the list is ours, but never trust a path
            continue
        path = content / relative
        if not path.exists() and not path.is_symlink():
            continue  # already gone
        if not _is_demo(path, sha) or base not in path.resolve().parents:
            result.kept_changed.append(name)
            continue
        if name == layout.QA_FILE:
            result.replaced.append(name)
            if not dry_run:
                path.write_text(EMPTY_QA, encoding="utf-8")
            continue
        result.removed.append(name)
        if not dry_run:
            path.unlink()
            _prune(path.parent, content)
    return result


def _prune(folder: Path, content: Path) -> None:
    """Remove folders the removal left empty, up to (not including) content/."""
    while folder != content and content in folder.parents:
        try:
            folder.rmdir()  # only succeeds when empty: nothing of the department's is touched
        except OSError:
            return
        folder = folder.parent


def main(argv: list[str]) -> int:
    """Write the manifest again from content/ (after the demo content changes), or check it (--check)."""
    content = layout.CODE_ROOT / layout.CONTENT
    text = manifest_text(current_demo(content))
    if argv[1:] == ["--check"]:
        same = MANIFEST.read_text(encoding="utf-8") == text
        print("demo-files.sha256 khớp nội dung mẫu." if same else "demo-files.sha256 cũ: chạy python -m cchc.init.demo")
        return 0 if same else 1
    MANIFEST.write_text(text, encoding="utf-8")
    print(f"Đã ghi {MANIFEST.name}: {text.count(chr(10))} tệp mẫu.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
