"""Hostile and broken content (issue 16): every input ends in a `file:line: field: message`,
never in a traceback or an exhausted machine. Control characters, nesting, YAML aliases,
dates at the ends of the calendar, invisible or reordered titles, oversized images."""

from __future__ import annotations

import resource
import struct
import subprocess
import sys
import zlib
from io import BytesIO

import pytest
from conftest import run_env
from PIL import Image

from cchc.core import yamlsafe
from cchc.core.dates import DateError, parse_datetime
from cchc.core.errors import ContentError
from cchc.core.text import title_problem
from cchc.core.yamlsafe import MAX_ALIASES, MAX_DEPTH, load_yaml
from cchc.render.images import MAX_PIXELS, ImageProblem, image_size, render_thumbnail

POST = "content/news/2024/2024-03-07-tin-thu.md"
QA = "content/hoi-dap.yml"
# Far above what `cchc check` needs (about 100 MB), far below what an expanded
# billion-laughs document or a recursion through 10,000 levels would take.
MEMORY_CAP = 1 << 30

BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]\n" for previous, name in zip("abcdefgh", "bcdefghi", strict=True))


def both_loaders(monkeypatch, text: str, first_line: int = 1) -> ContentError:
    """The error libyaml's path gives, after checking PyYAML's path gives the same one."""
    with pytest.raises(ContentError) as fast:
        load_yaml(text, "content/x.yml", first_line)
    monkeypatch.setattr(yamlsafe, "_fast_compose", lambda text: (None, None))
    with pytest.raises(ContentError) as slow:
        load_yaml(text, "content/x.yml", first_line)
    monkeypatch.undo()
    assert fast.value == slow.value
    return fast.value


# -- control characters -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "char, words",
    [("\x00", "NUL U+0000"), ("\x0b", "U+000B (thường do Shift+Enter trong Word)"), ("\x0c", "ngắt trang U+000C"),
     ("\x1b", "ký tự điều khiển U+001B"), ("\x7f", "U+007F"), ("\x85", "U+0085 (thường do sao chép từ văn bản mã Windows-1252)"),
     ("\u2028", "xuống dòng đặc biệt U+2028"), ("\u2029", "U+2029"), ("\ufffe", "ký tự không hợp lệ U+FFFE")],
)
def test_a_typed_control_character_is_refused_at_its_line_column_and_field(monkeypatch, char, words):
    error = both_loaders(monkeypatch, f"summary: x\ntitle: Tin mới{char} hôm nay\ntags: [a]\n", first_line=2)
    assert (error.path, error.line, error.field) == ("content/x.yml", 3, "title")
    assert words in error.message
    assert "ở cột 15; xoá ký tự này" in error.message


def test_tab_newlines_and_vietnamese_are_not_control_characters():
    doc = load_yaml('a: "cột 1\tcột 2"\nb: |\n  dòng 1\r\n  dòng 2\n', "x.yml")
    assert doc.data == {"a": "cột 1\tcột 2", "b": "dòng 1\ndòng 2\n"}


@pytest.mark.parametrize("escape, code", [("\\v", "U+000B"), ("\\0", "U+0000"), ("\\N", "U+0085"), ("\\L", "U+2028"),
                                          ("\\x1b", "U+001B"), ("\\ud800", "U+D800")])
def test_a_control_character_written_as_an_escape_is_refused_too(monkeypatch, escape, code):
    error = both_loaders(monkeypatch, f'title: x\ntags:\n  - "một{escape}hai"\n')
    assert (error.line, error.field) == (3, "tags[1]")
    assert code in error.message and "mã thoát trong ngoặc kép" in error.message


def test_a_control_character_in_a_key_is_refused():
    with pytest.raises(ContentError) as caught:
        load_yaml('a: 1\n"ti\\vtle": x\n', "x.yml")
    assert caught.value.line == 2 and "U+000B" in caught.value.message


def test_word_line_break_in_a_post_title_is_an_error_not_a_broken_feed(project):
    project.post("2024-03-07-tin-thu", title="Hội nghị cải cách\x0bhành chính")
    error = project.only_error()
    assert (error.path, error.line, error.field) == (POST, 2, "title")
    assert "Shift+Enter" in error.message


def test_a_control_character_in_a_post_body_is_an_error_at_its_line(project):
    project.post("2024-03-07-tin-thu", body="Đoạn đầu.\n\nĐoạn hai\x0bcó ký tự lạ.\n")
    error = project.only_error()
    assert (error.path, error.line, error.field) == (POST, 10, "nội dung")
    assert "U+000B" in error.message and "ở cột 9" in error.message


# -- size, nesting, aliases -----------------------------------------------------------------------

def test_nesting_up_to_the_limit_is_read(monkeypatch):
    text = "a: " + "[" * (MAX_DEPTH - 1) + "x" + "]" * (MAX_DEPTH - 1) + "\n"
    value = load_yaml(text, "x.yml").data["a"]
    for _ in range(MAX_DEPTH - 2):
        value = value[0]
    assert value == ["x"]
    monkeypatch.setattr(yamlsafe, "_fast_compose", lambda text: (None, None))
    assert load_yaml(text, "x.yml").data == load_yaml(text, "x.yml").data


@pytest.mark.parametrize(
    "text, line, field",
    [
        ("title: x\nsteps: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n", 2, "steps"),  # one level too many
        ("title: x\nsteps: " + "[" * 10_000 + "]" * 10_000 + "\n", 2, "steps"),  # past libyaml's own limit
        ("title: x\nsteps: " + "{a: " * 10_000 + "}" * 10_000 + "\n", 2, "steps"),
        ("- " * 10_000 + "x\n", 1, "[1]"),  # block style, one line
        ("title: x\nsteps:\n" + "".join(" " * depth + "- \n" for depth in range(1, 60)), 52, "steps"),
    ],
)
def test_deep_nesting_is_refused_with_a_line_and_field(monkeypatch, text, line, field):
    error = both_loaders(monkeypatch, text)
    assert (error.line, error.field) == (line, field)
    assert f"lồng nhau quá sâu (quá {MAX_DEPTH} cấp)" in error.message


def test_aliases_are_still_read_when_they_stay_small():
    doc = load_yaml("base: &base {unit: ngay, value: 5}\ntimes: [*base, *base]\nnote: Q&A\n", "x.yml")
    assert doc.data["times"] == [{"unit": "ngay", "value": 5}] * 2
    doc.data["times"][0]["value"] = 7  # each use is its own copy, as before
    assert doc.data["times"][1]["value"] == doc.data["base"]["value"] == 5


def test_billion_laughs_is_refused_before_it_is_expanded(monkeypatch):
    built = []
    monkeypatch.setattr(yamlsafe._Builder, "build", lambda *args: built.append(args))
    error = both_loaders(monkeypatch, BILLION_LAUGHS)
    assert "mở rộng thành quá nhiều giá trị (hơn 10.000)" in error.message
    assert error.line is not None and error.field in "abcdefghi"
    assert built == []  # nothing was built, not even the first value


def test_too_many_aliases_are_refused(monkeypatch):
    assert load_yaml("a: &a x\nb: [" + ", ".join(["*a"] * MAX_ALIASES) + "]\n", "x.yml").data["b"][-1] == "x"
    error = both_loaders(monkeypatch, "a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n")
    assert (error.line, error.field) == (2, f"b[{MAX_ALIASES + 1}]")
    assert f"quá nhiều bí danh YAML (*tên), hơn {MAX_ALIASES}" in error.message


def test_an_alias_inside_its_own_anchor_is_refused(monkeypatch):
    error = both_loaders(monkeypatch, "title: x\nsteps: &s [1, *s]\n")
    assert (error.line, error.field) == (2, "steps[2]")
    assert "vòng lặp" in error.message


def test_a_huge_text_is_refused_before_parsing():
    with pytest.raises(ContentError) as caught:
        load_yaml("a: [" + "1, " * 400_000 + "]\n", "x.yml")
    assert "phần YAML quá lớn (1.2 MB; tối đa 1 MB)" in caught.value.message


def check_with_memory_cap(project) -> subprocess.CompletedProcess:
    """`python -m cchc check` on ``project``, in a process that cannot take more than MEMORY_CAP."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run(
        [sys.executable, "-m", "cchc", "check", "--root", str(project.path)], cwd=project.path, env=run_env(),
        capture_output=True, text=True, timeout=120, preexec_fn=cap,
    )


@pytest.mark.parametrize(
    "path, text, expected",
    [
        (QA, BILLION_LAUGHS, f"{QA}:4: d: bí danh YAML (*tên) mở rộng thành quá nhiều giá trị"),
        ("content/tthc/1.004616.yml", "name: x\nsteps: " + "[" * 10_000 + "]" * 10_000 + "\n",
         "content/tthc/1.004616.yml:2: steps: dữ liệu lồng nhau quá sâu"),
        (POST, "---\ntitle: x\ntags: " + "[" * 10_000 + "]" * 10_000 + "\n---\n\nNội dung.\n",
         f"{POST}:3: tags: dữ liệu lồng nhau quá sâu"),
    ],
    ids=["billion-laughs", "10000-deep-record", "10000-deep-front-matter"],
)
def test_make_check_fails_cleanly_within_a_memory_cap(project, path, text, expected):
    project.write(path, text)
    result = check_with_memory_cap(project)
    assert result.returncode == 1, result.stderr[-2000:]
    assert expected in result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr


@pytest.mark.build
def test_make_build_applies_the_same_rules(project):
    project.post("2024-03-07-tin-thu", title="Tin\x0bmới về cải cách hành chính")
    project.write(QA, BILLION_LAUGHS)
    result = project.build(site="out")
    assert result.returncode != 0
    assert f"{POST}:2: title: ký tự điều khiển U+000B" in result.stderr
    assert f"{QA}:4: d: bí danh YAML" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project.path / "out").exists()


# -- dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    ["0001-01-01", "9999-12-31 23:59", "9999-12-31T23:59-05:00", "0001-01-01T00:00+05:00", "0000-01-01",
     "1899-12-31", "2101-01-01", "31/12/9999 23:59"],
)
def test_dates_outside_1900_to_2100_are_refused_in_plain_words(text):
    with pytest.raises(DateError) as caught:
        parse_datetime(text)
    assert "nằm ngoài khoảng 1900–2100; kiểm tra lại năm" in str(caught.value)


def test_the_ends_of_the_range_are_dates():
    assert parse_datetime("1900-01-01").year == 1900
    assert parse_datetime("2100-12-31 23:59").year == 2100
    assert parse_datetime("2100-12-31T23:59-05:00").year == 2101  # 11:59 next day in Vietnam: still a date


@pytest.mark.parametrize("text", ["2024-03-07T08:00+25:00", "2024-03-07T08:00+07:75"])
def test_an_impossible_time_zone_is_refused(text):
    with pytest.raises(DateError) as caught:
        parse_datetime(text)
    assert "múi giờ" in str(caught.value)


def test_a_post_dated_9999_is_an_error(project):
    project.post("2024-03-07-tin-thu", date="9999-12-31T23:59-05:00")
    error = project.only_error()
    assert (error.path, error.line, error.field) == (POST, 3, "date")
    assert "năm 9999" in error.message


# -- titles ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "title, words",
    [
        ("\u200b\u200b\u200b\u200b\u200b", "không có chữ hay số nào nhìn thấy được"),
        ("\u200c \u200d \u2060 \ufeff \u3000", "không có chữ hay số nào nhìn thấy được"),
        ("\u3164\u3164\u3164\u3164\u3164", "không có chữ hay số nào nhìn thấy được"),  # Hangul filler: a "letter"
        ("… – … – …", "không có chữ hay số nào nhìn thấy được"),
        ("Thông báo \u202egnạrt\u202c mới", "chiều chữ U+202E"),
        ("\u200fThông báo lịch tiếp dân", "chiều chữ U+200F"),
        ("Lịch \u2067tiếp dân\u2069 tháng 3", "chiều chữ U+2067"),
    ],
)
def test_invisible_and_reordered_titles_are_refused(title, words):
    assert words in title_problem(title)


@pytest.mark.parametrize("title", ["Tin mới", "2024", "Hỏi\u200bđáp", "“Một cửa” điện tử", "Ω"])
def test_ordinary_titles_are_accepted(title):
    assert title_problem(title) is None


def test_a_zero_width_post_title_is_an_error(project):
    project.post("2024-03-07-tin-thu", title="\u200b\u200b\u200b\u200b\u200b\u200b")
    error = project.only_error()
    assert (error.path, error.line, error.field) == (POST, 2, "title")
    assert "nhìn thấy được" in error.message


def test_a_bidi_question_is_an_error(project):
    project.write(QA, 'questions:\n- question: "Nộp hồ sơ ở đâu?"\n  answer: Tại Trung tâm.\n'
                      '- question: "Lệ phí \u202ebao nhiêu?"\n  answer: Xem từng thủ tục.\n')
    error = project.only_error()
    assert (error.path, error.line, error.field) == (QA, 4, "questions[2].question")
    assert "U+202E" in error.message


# -- images ---------------------------------------------------------------------------------------

def png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width``×``height`` but holds almost no data: it decodes to an error, so a
    check that decodes before looking at the size is caught saying "unreadable", not "too large"."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


def jpeg(width: int, height: int) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), "teal").save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    "width, height", [(8000, 6251), (100_000, 100_000)], ids=["just-over-50-megapixels", "past-pillows-own-limit"],
)
def test_an_image_over_50_megapixels_is_refused_without_decoding(tmp_path, width, height):
    path = tmp_path / "anh.png"
    path.write_bytes(png_header(width, height))
    assert width * height > MAX_PIXELS
    with pytest.raises(ImageProblem) as caught:
        image_size(path, "anh.png")
    assert "ảnh “anh.png” quá lớn" in str(caught.value) and "tối đa 50 megapixel" in str(caught.value)
    with pytest.raises(ImageProblem):
        render_thumbnail(path, tmp_path / "cache")


def test_an_image_at_50_megapixels_is_measured(tmp_path):
    path = tmp_path / "anh.png"
    path.write_bytes(png_header(8000, 6250))
    assert image_size(path, "anh.png") == (8000, 6250)


@pytest.mark.parametrize(
    "data", [b"day khong phai anh", jpeg(64, 48)[:200], png_header(640, 480)[:40]],
    ids=["text", "truncated-jpeg", "truncated-png"],
)
def test_a_corrupt_image_is_a_message(tmp_path, data):
    path = tmp_path / "anh.jpg"
    path.write_bytes(data)
    with pytest.raises(ImageProblem) as caught:
        image_size(path, "anh.jpg")
    assert "tệp “anh.jpg” không phải ảnh JPEG, PNG hay WebP đọc được" in str(caught.value)


def test_an_oversized_post_image_is_an_error_at_its_field(project):
    project.write("content/news/2024/anh.png", png_header(9000, 9000))
    project.post("2024-03-07-tin-thu", extra='image: anh.png\nimage_alt: "Ảnh hội nghị"\n')
    error = project.only_error()
    assert (error.path, error.line, error.field) == (POST, 6, "image")
    assert "quá lớn (9000×9000 điểm ảnh, tối đa 50 megapixel)" in error.message


def test_a_cut_off_photo_is_a_message_when_its_thumbnail_is_made(tmp_path):
    out = BytesIO()
    Image.effect_noise((800, 600), 50).convert("RGB").save(out, "JPEG")
    path = tmp_path / "anh.jpg"
    path.write_bytes(out.getvalue()[: len(out.getvalue()) // 2])
    assert image_size(path, "anh.jpg") == (800, 600)  # the header is sound: the loader cannot tell
    with pytest.raises(ImageProblem) as caught:
        render_thumbnail(path, tmp_path / "cache")
    assert "ảnh “anh.jpg” bị hỏng" in str(caught.value)


def test_a_cut_off_post_photo_fails_the_build_by_name_without_a_traceback(project):
    out = BytesIO()
    Image.effect_noise((800, 600), 50).convert("RGB").save(out, "JPEG")
    project.write("content/news/2024/anh.jpg", out.getvalue()[: len(out.getvalue()) // 2])
    project.post("2024-03-07-tin-thu", extra='image: anh.jpg\nimage_alt: "Ảnh hội nghị"\n')
    result = project.build()
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "content/news/2024/anh.jpg: ảnh “" in result.stderr and "bị hỏng" in result.stderr
    assert not (project.path / "site").exists()  # no partial site
