"""Reading editors' files (UTF-8 only, NFC, Unix newlines), and which content files may be published as they are.

Files beside the content are served from the site's own origin, where the web
editor (/admin/) keeps the editor's GitHub token and no CSP covers a file. So a
file is published only if its extension is on an allow-list of documents and
images *and* its first bytes are what that extension says: an HTML page named
``ke-hoach.pdf`` would otherwise run its script wherever a server or browser
sniffs it. Symbolic links are followed only while they stay inside content/,
so nothing outside it (``/etc/passwd``, the project's own files) is published.

:func:`walk` leaves out every file that may not be published, so no loader can
publish one by mistake; :func:`check_published` reports each with its reason;
:func:`attachment_problem` applies the same rules to a link or a field naming a
file, so what ``make check`` accepts is exactly what the build publishes.
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cchc.core import layout
from cchc.core.errors import ContentError, Report, display_path


@dataclass(frozen=True)
class Asset:
    """A file from the content tree published as it is, at a stable URL (cchc.core.layout.published_uri)."""

    src_uri: str
    abs_path: Path


# A news post or a record is a few KB; a megabyte is a pasted document or a
# mistake, and would make a page no phone should have to load.
MAX_BYTES = 1_000_000


def read_text(path: Path, source: str) -> str:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ContentError(source, None, "", f"tệp quá lớn ({size / 1_000_000:.1f} MB; tối đa 1 MB). Văn bản dài "
                                             "hãy đính kèm dạng PDF và liên kết tới nó")
    if size == 0:
        raise ContentError(source, None, "", "tệp rỗng; xoá tệp hoặc viết nội dung")
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):  # BOM from Windows Notepad
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ContentError(
            source, line, "",
            "tệp không ở mã UTF-8 (có thể được lưu bằng mã Windows-1258 hoặc TCVN3); "
            "hãy mở và lưu lại với mã UTF-8",
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def is_hidden(name: str) -> bool:
    """Editor and OS litter (.DS_Store, ~$draft.docx) is never published."""
    return name.startswith((".", "~$"))


# -- Which files may be published ---------------------------------------------------------------------------

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word, Excel, PowerPoint 97-2003
_ZIP = b"PK\x03\x04"  # a ZIP archive's first entry; .docx, .xlsx, .pptx and OpenDocument files are ZIP archives
_EMPTY_ZIP = b"PK\x05\x06"  # an archive with no entry is only its end record
_RTF = b"{\\rtf"
_HEAD = 4096  # enough for every signature below, and for telling an HTML page by its first tag
_TEXT_LIMIT = 2_000_000  # a .txt or .csv is read whole up to this, so markup cannot hide past the head
_ZIP_MEMBERS = 5000  # more is no form bundle; each member's head is read


def _starts(*prefixes: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(prefixes)


def _webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _avif(head: bytes) -> bool:
    """An ISO media file (an ``ftyp`` box first) whose brands name AVIF."""
    if head[4:8] != b"ftyp":
        return False
    end = min(int.from_bytes(head[:4], "big"), len(head))
    return any(head[i:i + 4] in (b"avif", b"avis") for i in (8, *range(16, end, 4)))


@dataclass(frozen=True)
class FileKind:
    label: str  # as editors know it, for messages
    matches: Callable[[bytes], bool]  # the file's first bytes are of this kind
    text: bool = False  # read as text instead: UTF-8, no markup a browser would run


_NO_SIGNATURE = _starts()  # text has none; FileKind.text decides instead

# Documents, office files and photos: what a Department of Health attaches. SVG is
# left out on purpose: it is a web page that draws, and telling a harmless one from
# one with a script (a <script>, an on* attribute, a javascript: link set by
# <animate>, an external reference) needs a full sanitiser that would have to be
# right forever; a PNG export shows the same. A ZIP is allowed because form bundles
# are common and it is served as a download, never opened on the site; its entries
# are checked by the same rules from its directory and each entry's first bytes.
ALLOWED: dict[str, FileKind] = {
    ".pdf": FileKind("PDF", _starts(b"%PDF-")),
    # Word reads an RTF file named .doc, and some programs save one that way.
    ".doc": FileKind("Word 97-2003", _starts(_OLE2, _RTF)),
    ".docx": FileKind("Word", _starts(_ZIP)),
    ".xls": FileKind("Excel 97-2003", _starts(_OLE2)),
    ".xlsx": FileKind("Excel", _starts(_ZIP)),
    ".ppt": FileKind("PowerPoint 97-2003", _starts(_OLE2)),
    ".pptx": FileKind("PowerPoint", _starts(_ZIP)),
    ".odt": FileKind("văn bản OpenDocument", _starts(_ZIP)),
    ".ods": FileKind("bảng tính OpenDocument", _starts(_ZIP)),
    ".odp": FileKind("trình chiếu OpenDocument", _starts(_ZIP)),
    ".rtf": FileKind("RTF", _starts(_RTF)),
    ".txt": FileKind("văn bản", _NO_SIGNATURE, text=True),
    ".csv": FileKind("bảng CSV", _NO_SIGNATURE, text=True),
    ".zip": FileKind("tệp nén ZIP", _starts(_ZIP, _EMPTY_ZIP)),
    ".jpg": FileKind("ảnh JPEG", _starts(b"\xff\xd8\xff")),
    ".jpeg": FileKind("ảnh JPEG", _starts(b"\xff\xd8\xff")),
    ".png": FileKind("ảnh PNG", _starts(b"\x89PNG\r\n\x1a\n")),
    ".gif": FileKind("ảnh GIF", _starts(b"GIF87a", b"GIF89a")),
    ".webp": FileKind("ảnh WebP", _webp),
    ".avif": FileKind("ảnh AVIF", _avif),
}
ALLOWED_LIST = ", ".join(ALLOWED)

# Refused with a reason of their own: a browser runs what is in them on the site's origin…
_RUNS_IN_BROWSER = frozenset({".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml", ".xml", ".xsl",
                              ".xslt", ".js", ".mjs", ".cjs", ".swf", ".hta", ".svgz"})
# …or they are programs, on a visitor's computer or on a server that would run them.
_PROGRAMS = frozenset({".exe", ".com", ".scr", ".msi", ".dll", ".bat", ".cmd", ".ps1", ".vbs", ".vbe", ".jse",
                       ".wsf", ".wsh", ".lnk", ".reg", ".jar", ".apk", ".app", ".dmg", ".pkg", ".deb", ".rpm",
                       ".sh", ".bash", ".php", ".phtml", ".phar", ".py", ".pl", ".rb", ".cgi", ".asp", ".aspx",
                       ".jsp"})

# What a browser would take for a page, anywhere in a text file.
_MARKUP = re.compile(rb"<\s*(?:script|html|head|body|iframe|frame|object|embed|svg|meta|base|!doctype|\?xml)\b",
                     re.IGNORECASE)

# What a file really is, to say so when its extension is wrong. Checked in this order.
_IDENTITIES: tuple[tuple[Callable[[bytes], bool], str], ...] = (
    (lambda head: head.lstrip(b"\xef\xbb\xbf \t\r\n\x0c").startswith(b"<"), "một trang HTML hoặc XML"),
    (_starts(b"MZ"), "một chương trình Windows"),
    (_starts(b"\x7fELF"), "một chương trình Linux"),
    (_starts(b"#!"), "một tập lệnh (script)"),
    (_starts(b"%PDF-"), "PDF"),
    (_starts(_OLE2), "tệp Office 97-2003 (.doc, .xls, .ppt)"),
    (_starts(_ZIP, _EMPTY_ZIP), "tệp ZIP (hoặc .docx, .xlsx, .pptx, OpenDocument)"),
    (_starts(_RTF), "RTF"),
    (_starts(b"\xff\xd8\xff"), "ảnh JPEG"),
    (_starts(b"\x89PNG\r\n\x1a\n"), "ảnh PNG"),
    (_starts(b"GIF87a", b"GIF89a"), "ảnh GIF"),
    (_webp, "ảnh WebP"),
    (_avif, "ảnh AVIF"),
)


def type_problem(path: Path) -> str | None:
    """Why the file at ``path`` may not be published; None if it may.

    The extension of its name (a symbolic link's own name: the one published)
    decides how servers and browsers treat it; the bytes must agree with it.
    """
    suffix = path.suffix.lower()
    kind = ALLOWED.get(suffix)
    if kind is None:
        return _extension_problem(suffix)
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            data = stream.read(_TEXT_LIMIT if kind.text else _HEAD)
    except OSError as error:
        return f"không đọc được tệp ({error.strerror})"
    if size == 0:
        return "tệp rỗng (0 byte); xoá tệp hoặc thay bằng tệp đúng"
    problem = _content_problem(suffix, kind, data, complete=size <= len(data))
    if problem is None and suffix == ".zip":
        problem = _zip_problem(path)
    return problem


def _extension_problem(suffix: str) -> str:
    if not suffix:
        return "tệp không có đuôi (như .pdf, .docx) nên không biết là loại gì; đặt đúng đuôi hoặc xoá tệp"
    if suffix == ".svg":
        return ("ảnh SVG không được đăng: SVG có thể chứa mã chạy trên trang của Sở, cùng nơi với trang biên tập "
                "/admin/; hãy xuất ảnh ra PNG")
    if suffix in _RUNS_IN_BROWSER:
        return (f"tệp {suffix} không được đăng: trình duyệt chạy được mã trong tệp này trên trang của Sở, cùng nơi "
                "với trang biên tập /admin/; hãy viết nội dung thành tin bài hoặc xuất ra PDF")
    if suffix in _PROGRAMS:
        return f"tệp {suffix} là chương trình hoặc tập lệnh chạy được, không được đăng"
    return f"loại tệp {suffix} không được đăng; chỉ đăng được {ALLOWED_LIST}"


def _content_problem(suffix: str, kind: FileKind, data: bytes, complete: bool) -> str | None:
    """Why ``data`` (the file's first bytes, or all of them if ``complete``) is not a ``suffix`` file."""
    if kind.text:
        return _text_problem(suffix, data, complete)
    if kind.matches(data):
        return None
    what = next((name for test, name in _IDENTITIES if test(data)), None)
    if what is None:
        return (f"tệp đuôi {suffix} nhưng nội dung không phải {kind.label}; hãy mở bằng chương trình đã tạo ra "
                f"nó và lưu lại đúng dạng {suffix}")
    return (f"tệp đuôi {suffix} nhưng nội dung là {what}, không phải {kind.label}; hãy lưu lại đúng dạng {suffix} "
            "hoặc đổi đuôi cho đúng nội dung")


def _text_problem(suffix: str, data: bytes, complete: bool) -> str | None:
    if b"\x00" in data:  # UTF-16 (which browsers sniff as well) or a binary file
        return f"tệp {suffix} không phải văn bản UTF-8 (có byte 0: là tệp nhị phân hoặc mã UTF-16)"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=complete)
    except UnicodeDecodeError:
        hint = "; trong Excel chọn Lưu thành “CSV UTF-8”" if suffix == ".csv" else "; hãy lưu lại với mã UTF-8"
        return f"tệp {suffix} không ở mã UTF-8 (có thể là Windows-1258 hoặc TCVN3){hint}"
    markup = _MARKUP.search(data)
    if markup:
        tag = markup.group(0).decode("ascii", "replace")
        return (f"tệp {suffix} chứa mã HTML “{tag}” mà trình duyệt có thể chạy trên trang của Sở; "
                "hãy bỏ đoạn mã đó hoặc đính kèm dạng PDF")
    return None


def _zip_problem(path: Path) -> str | None:
    """Why a ZIP archive may not be published: it is broken, locked, or holds a file that could not be."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir() and not _zip_litter(m.filename)]
            if len(members) > _ZIP_MEMBERS:
                return f"tệp nén có hơn {_ZIP_MEMBERS} tệp; hãy chia nhỏ"
            for member in members:
                problem = _member_problem(archive, member)
                if problem:
                    return f"trong tệp nén, “{member.filename}”: {problem}"
    except (zipfile.BadZipFile, OSError, EOFError):
        return "tệp nén hỏng, không mở được; hãy nén lại"
    return None


def _zip_litter(name: str) -> bool:
    return any(is_hidden(part) or part == "__MACOSX" for part in PurePosixPath(name).parts)


def _member_problem(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> str | None:
    suffix = PurePosixPath(member.filename).suffix.lower()
    kind = ALLOWED.get(suffix)
    if kind is None:
        return _extension_problem(suffix)
    if member.flag_bits & 0x1:
        return "tệp nén có mật khẩu nên không kiểm tra được bên trong; hãy nén lại không đặt mật khẩu"
    if member.file_size == 0:
        return None  # an empty placeholder inside a bundle harms no one
    try:
        with archive.open(member) as stream:
            head = stream.read(_HEAD)  # at most this much is inflated, whatever the member claims
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, zlib.error):
        return "không đọc được trong tệp nén; hãy nén lại bằng ZIP thông thường"
    return _content_problem(suffix, kind, head, complete=member.file_size <= len(head))


# -- Walking the content tree -------------------------------------------------------------------------------

# Read by a loader and made into pages, never published as they are. Wherever they lie in their folder: the
# loader says what is wrong with where a post, a record or a decision is (cchc/news/load.py, cchc/tthc/load.py).
_RECORDS = {layout.NEWS_DIR: (".md",), layout.TTHC_DIR: (".yml", ".yaml"), layout.RESULTS_DIR: (".yml", ".yaml")}


def record_suffixes(top: str) -> tuple[str, ...]:
    """The files of content/<top>/ that a loader reads (never published as they are): ".md" for news/."""
    return _RECORDS.get(top, ())


def _is_record(relative: str) -> bool:
    """``relative``: a path under content/, "/"-separated. Strings, not pathlib: asked of every file of every scan."""
    suffixes = _RECORDS.get(relative.partition("/")[0])
    if suffixes is None:
        return False
    name = relative.rpartition("/")[2]
    dot = name.rfind(".")
    return 0 < dot < len(name) - 1 and name[dot:].lower() in suffixes  # PurePath.suffix's rule


def _follow(path: Path, content: Path) -> tuple[str | None, Path]:
    """Where the symbolic link ``path`` leads, or why it may not be followed."""
    pointer = os.readlink(path)
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return f"liên kết tượng trưng hỏng (tới “{pointer}”, vòng lặp)", path
    if not real.is_relative_to(content):
        return (f"liên kết tượng trưng tới “{pointer}”, ra ngoài thư mục content/, nên không được đăng; "
                "hãy chép tệp vào content/ thay cho liên kết"), real
    if not real.exists():
        return f"liên kết tượng trưng hỏng: “{pointer}” không tồn tại", real
    return None, real


_LOOP = "liên kết tượng trưng tới thư mục chứa chính nó (vòng lặp); hãy xoá liên kết"


def _files(directory: Path, content: Path, chain: tuple[Path, ...],
           relative: str = "") -> Iterator[tuple[Path, str, str | None]]:
    """Every file below ``directory`` (whose real path ends ``chain``), in sorted order, its path relative to
    the first ``directory`` (``relative`` is that of this one, with its "/"), and why it may not be followed
    (None: it may). Symbolic links are followed while they stay inside ``content`` (a real path)."""
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if is_hidden(name):
            continue
        path, inner = directory / name, relative + name  # strings, not pathlib, for what every file needs
        real = None
        if entry.is_symlink():
            problem, real = _follow(path, content)
            if problem:
                yield path, inner, problem
                continue
        if entry.is_dir():  # follows an allowed link
            real = real or chain[-1] / name
            if real in chain:
                yield path, inner, _LOOP
            else:
                yield from _files(path, content, (*chain, real), inner + "/")
        elif entry.is_file():
            yield path, inner, None
        # Anything else (a pipe, a socket) is no document and cannot be copied: left out.


def _scan(folder: Path, content: Path) -> Iterator[tuple[Path, str, str | None]]:
    """Every file below ``folder`` (in ``content``), its path relative to ``folder``, and why it may not be
    read or published (None: it may)."""
    real_content = content.resolve()
    if folder.is_symlink():
        problem, real = _follow(folder, real_content)
        if problem:
            yield folder, "", problem
            return
    elif not folder.is_dir():
        return
    else:
        real = folder.resolve()
        if not real.is_relative_to(real_content):  # a folder above it is a link out, which its own scan reports
            return
    above = folder.relative_to(content).as_posix()  # "news", "tthc/quyet-dinh", or "." for content/ itself
    above = "" if above == "." else above + "/"
    for path, relative, problem in _files(folder, real_content, (real,)):
        if problem is None and not _is_record(above + relative):
            problem = type_problem(path)
        yield path, relative, problem


def content_root(path: Path) -> Path:
    """The content/ folder ``path`` lies in: its nearest ancestor of that name (cchc.core.settings)."""
    return next((p for p in (path, *path.parents) if p.name == layout.CONTENT), path.parent)


def walk(folder: Path, content: Path | None = None) -> Iterator[tuple[Path, Path]]:
    """Every file below ``folder`` that may be read or published (sorted), with its path relative to ``folder``.

    Editors' litter is skipped silently; so is every file :func:`check_published`
    reports, so that no loader reads or publishes one.
    """
    content = content or content_root(folder)
    for path, relative, problem in _scan(folder, content):
        if problem is None:
            yield path, Path(relative)


def check_published(content: Path, root: Path, report: Report, tops: Iterable[str] = tuple(layout.PUBLISHED)) -> None:
    """Report every file of the published folders (``tops``) that :func:`walk` leaves out, with the reason."""
    for top in tops:
        for path, _, problem in _scan(content / top, content):
            if problem:
                report.add(ContentError(display_path(path, root), None, "", problem))


def attachment_problem(content: Path, relative: PurePosixPath) -> str | None:
    """Why ``content/relative`` is not published as a file of its own (None: it is), by the rules of :func:`walk`.

    For links and fields that name a file: what ``make check`` accepts is then
    what the build publishes. ``relative`` is normalised (no ``.``, no ``..``
    past its start); it may lead through symbolic links, each judged as walk
    judges it.
    """
    parts = relative.parts
    if not parts or parts[0] == "..":
        return "tệp nằm ngoài thư mục content/; hãy chép tệp vào content/media/"
    if parts[0] not in layout.PUBLISHED:
        folders = ", ".join(f"content/{name}/" for name in layout.PUBLISHED)
        return f"chỉ tệp trong {folders} được đăng; hãy chép tệp vào content/media/"
    if any(is_hidden(part) for part in parts):
        return "là tệp ẩn (tên bắt đầu bằng “.” hoặc “~$”), không được đăng"
    if _is_record(relative.as_posix()):
        return "là tệp nội dung (tin bài, hồ sơ), không phải tệp đính kèm"
    real_content = content.resolve()
    path, chain = content, (real_content,)
    for index, part in enumerate(parts):
        path, real = path / part, chain[-1] / part
        if path.is_symlink():
            problem, real = _follow(path, real_content)
            if problem:
                return problem
        if index < len(parts) - 1:
            if real in chain[1:]:
                return _LOOP
            chain += (real,)
    if not path.is_file():
        return "không tìm thấy tệp"
    return type_problem(path)


def write_atomically(path: Path, content: bytes) -> None:
    """Replace (or create) ``path`` with ``content``; a reader, or a crash, sees the old file or the new one.

    The temporary file sits in the same folder, so os.replace is a rename within one file system. It
    takes the old file's mode, or the usual one for a new file: mkstemp's 0600 would hide it from a
    web server or a colleague's account.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        if path.exists():
            mode = path.stat().st_mode & 0o7777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
