"""Every kind of bad input an editor can commit, and what they are told."""


import pytest

from cchc.core.errors import ContentErrors

FILE = "content/news/2024/2024-03-07-tin-thu.md"


@pytest.mark.parametrize("field", ["title", "date", "category", "summary"])
def test_missing_required_field(project, field):
    path = project.post("2024-03-07-tin-thu")
    text = path.read_text(encoding="utf-8")
    path.write_text("\n".join(line for line in text.split("\n") if not line.startswith(field + ":")), encoding="utf-8")
    error = project.only_error()
    assert (error.path, error.field) == (FILE, field)
    assert "thiếu trường bắt buộc" in error.message
    assert error.line == 2


def test_unknown_category_lists_the_valid_ones(project):
    project.post("2024-03-07-tin-thu", category="tin-linh-tinh")
    error = project.only_error()
    assert (error.path, error.line, error.field) == (FILE, 4, "category")
    assert "tin-linh-tinh" in error.message and "chuyen-doi-so" in error.message


def test_category_may_be_given_by_name(project):
    project.post("2024-03-07-tin-thu", category='"Cải cách thể chế"')
    assert project.content().news.posts[0].category.slug == "cai-cach-the-che"


@pytest.mark.parametrize(
    "date, words",
    [("2023-13-09", "không tồn tại"), ("ngày 7 tháng 3", "không phải"), ("2024-02-30 08:00", "không tồn tại")],
)
def test_bad_date(project, date, words):
    project.post("2024-03-07-tin-thu", date=date)
    error = project.only_error()
    assert (error.path, error.line, error.field) == (FILE, 3, "date")
    assert words in error.message


def test_date_year_must_match_the_year_folder(project):
    project.post("2024-03-07-tin-thu", date="2025-03-07")
    error = project.only_error()
    assert error.field == "date" and "content/news/2025/" in error.message


def test_duplicate_slug_in_a_year_names_both_files(project):
    project.post("2024-03-07-tin-thu")
    project.post("2024-05-01-tin-thu")
    error = project.only_error()
    assert error.field == "tên tệp"
    assert "/tin-tuc/2024/tin-thu/" in error.message
    assert {error.path, error.message.split(" với ")[1].split(";")[0]} == {
        FILE, "content/news/2024/2024-05-01-tin-thu.md"}


def test_same_slug_in_different_years_is_fine(project):
    project.post("2024-03-07-tin-thu")
    project.post("2025-03-07-tin-thu")
    assert {p.url for p in project.content().news.posts} == {"tin-tuc/2024/tin-thu/", "tin-tuc/2025/tin-thu/"}


def test_non_utf8_file(project):
    # "Tin bài" and "Nôi dung" as Windows-1258 bytes: à is 0xE0, ô is 0xF4.
    project.write("content/news/2024/2024-03-07-tin-thu.md", b"---\ntitle: Tin b\xe0i\n---\nN\xf4i dung\n")
    error = project.only_error()
    assert error.path == FILE and "UTF-8" in error.message and error.line == 2


def test_yaml_syntax_error_points_at_the_line(project):
    project.post("2024-03-07-tin-thu", extra="author: Văn phòng: Sở Y tế\n")
    error = project.only_error()
    assert (error.path, error.line) == (FILE, 6)
    assert "cú pháp YAML" in error.message


def test_missing_front_matter(project):
    project.write("content/news/2024/2024-03-07-tin-thu.md", "Chỉ có nội dung.\n")
    error = project.only_error()
    assert error.path == FILE and error.line == 1 and "front matter" in error.message


def test_unclosed_front_matter(project):
    project.write("content/news/2024/2024-03-07-tin-thu.md", "---\ntitle: Tin thử\n\nNội dung.\n")
    assert "chưa được đóng" in project.only_error().message


def test_typo_in_a_field_name_is_caught_with_a_suggestion(project):
    project.post("2024-03-07-tin-thu", extra="catgory: x\n")
    error = project.only_error()
    assert error.field == "catgory" and "category" in error.message and error.line == 6


def test_yes_is_not_silently_true(project):
    project.post("2024-03-07-tin-thu", extra="draft: yes\n")
    error = project.only_error()
    assert error.field == "draft" and "true hoặc false" in error.message and "yes" in error.message


def test_text_fields_keep_what_was_typed(project):
    project.post("2024-03-07-tin-thu", extra="author: no\n", title="2024")
    # title "2024" is quoted by the helper; write an unquoted number too
    path = project.path / FILE
    path.write_text(path.read_text(encoding="utf-8").replace('title: "2024"', "title: 20240"), encoding="utf-8")
    post = project.content().news.posts[0]
    assert post.author == "no" and post.title == "20240"


def test_image_needs_alt_text_and_must_exist(project):
    project.post("2024-03-07-tin-thu", extra="image: anh.jpg\n")
    errors = project.errors()
    # Both mistakes in one round: the missing alt text and the missing file.
    assert [(e.field, e.line) for e in errors] == [("image_alt", 2), ("image", 6)]
    project.post("2024-03-07-tin-thu", extra='image: anh.jpg\nimage_alt: "Ảnh hội nghị"\n')
    error = project.only_error()
    assert error.field == "image" and "anh.jpg" in error.message


def test_image_that_is_not_an_image(project):
    project.write("content/news/2024/anh.jpg", "không phải ảnh")
    project.post("2024-03-07-tin-thu", extra='image: anh.jpg\nimage_alt: "Ảnh hội nghị"\n')
    # Refused twice over: as a published file (its content) and as the post's image.
    errors = {e.path: e.message for e in project.errors()}
    assert "không phải ảnh" in errors["content/news/2024/2024-03-07-tin-thu.md"]
    assert "nội dung không phải ảnh JPEG" in errors["content/news/2024/anh.jpg"]


def test_bad_file_names(project):
    project.write("content/news/2024/hoi-nghi.md", "---\n---\n")
    project.write("content/news/hoi-nghi-2024-03-07.md", "---\n---\n")
    errors = project.errors()
    assert {(e.path, e.field) for e in errors} == {
        ("content/news/2024/hoi-nghi.md", "tên tệp"), ("content/news/hoi-nghi-2024-03-07.md", "tên tệp")}


def test_empty_body(project):
    project.post("2024-03-07-tin-thu", body="\n")
    assert project.only_error().field == "nội dung"


def test_every_error_is_reported_at_once(project):
    project.post("2024-03-07-tin-thu", date="2024-13-01")
    project.post("2024-03-08-tin-khac", category="khong-co")
    project.write("content/hoi-dap.yml", "questions:\n  - question: Hỏi gì?\n")
    errors = project.errors()
    assert {(e.path, e.field) for e in errors} == {
        (FILE, "date"),
        ("content/news/2024/2024-03-08-tin-khac.md", "category"),
        ("content/hoi-dap.yml", "questions[1].answer"),
    }


def test_every_mistake_of_one_post_in_one_round(project):
    """Six runs to fix five mistakes, before: the schema's errors hid every other check of the file."""
    project.write("content/media/Kế hoạch 2024.pdf", b"%PDF-1.4 test")
    project.post("2024-03-07-tin-thu", title="", date="2024-13-01", category="khong-co", summary="Ngắn",
                 body="Xem [kế hoạch](../../media/Kế hoạch 2024.pdf) và [mẫu](mau-khong-co.docx).\n")
    errors = project.errors()
    assert [e.field for e in errors] == ["title", "date", "category", "summary", "liên kết", "liên kết"]
    assert all(e.path == FILE for e in errors)


def test_a_link_with_spaces_is_explained_not_cut_at_the_first_word(project):
    project.write("content/news/2024/Kế hoạch số 5.pdf", b"%PDF-1.4 test")
    project.post("2024-03-07-tin-thu", body="Xem [kế hoạch](Kế hoạch số 5.pdf \"Tải về\").\n")
    error = project.only_error()
    assert "“Kế hoạch số 5.pdf”" in error.message and "(<Kế hoạch số 5.pdf>)" in error.message
    assert "“Kế”" not in error.message
    project.post("2024-03-07-tin-thu", body="Xem [kế hoạch](<Kế hoạch số 5.pdf> \"Tải về\").\n")
    assert project.content().news.posts  # the angle-bracket form is a link, and it is published


def test_a_media_file_linked_by_the_wrong_path_is_pointed_at(project):
    project.write("content/media/ke-hoach.pdf", b"%PDF-1.4 test")
    project.post("2024-03-07-tin-thu", body="Xem [kế hoạch](media/ke-hoach.pdf).\n")
    message = project.only_error().message
    assert "tệp có trong content/media/ke-hoach.pdf" in message and "“../../media/ke-hoach.pdf”" in message
    assert "đặt tệp" not in message  # never told to move a file to where it already is


def test_categories_file_errors(project):
    project.write("content/categories.yml", """
        categories:
          - name: Tin A
            slug: tin-a
          - name: Tin B
            slug: Tin B
          - name: Tin A
            slug: tin-c
        """)
    errors = project.errors()
    assert [(e.path, e.line, e.field) for e in errors] == [("content/categories.yml", 5, "categories[2].slug")]
    project.write("content/categories.yml", """
        categories:
          - name: Tin A
            slug: tin-a
          - name: Tin a
            slug: tin-a
        """)
    errors = project.errors()
    assert {(e.line, e.field) for e in errors} == {(4, "categories[2].name"), (5, "categories[2].slug")}


def test_site_identity_errors_name_the_field(project):
    config = project.path / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("province_code: H99", "province_code: 41"),
                      encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        project.content()
    (error,) = caught.value.errors
    assert (error.path, error.field) == ("mkdocs.yml", "extra.department.province_code")


def test_link_to_a_missing_attachment(project):
    project.post("2024-03-07-tin-thu", body="Xem [kế hoạch](ke-hoach-2024.pdf) đính kèm.\n")
    error = project.only_error()
    assert (error.path, error.line, error.field) == (FILE, 8, "liên kết")
    assert "ke-hoach-2024.pdf" in error.message


def test_published_post_may_not_link_to_a_draft_but_a_draft_may(project):
    project.post("2024-03-07-nhap", extra="draft: true\n", body="Xem [tin khác](2024-03-08-nhap-hai.md).\n")
    project.post("2024-03-08-nhap-hai", extra="draft: true\n")
    assert project.content().news.hidden == 2
    project.post("2024-03-09-da-dang", body="Xem [bản nháp](2024-03-07-nhap.md).\n")
    error = project.only_error()
    assert error.path.endswith("2024-03-09-da-dang.md") and "không phải một tin bài đã đăng" in error.message
