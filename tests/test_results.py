"""Results of handling procedures: the monthly figures, every check an editor can trip, and the wording."""

from fractions import Fraction

import pytest

from cchc.results import words
from cchc.results.model import Counts, Month, Satisfaction
from cchc.results.pages import describe, headline

MONTH = "content/ket-qua/2026-10.yml"

ROW = dict(carried_over=10, received_online=70, received_direct=20, settled_early=40, settled_on_time=44,
           settled_late=1, pending_on_time=10, pending_overdue=2, returned=3)  # 10 + 90 = 85 + 12 + 3


def row_text(values: dict, indent: str = "    ") -> str:
    return "".join(f"{indent}{key}: {value}\n" for key, value in values.items())


def month(project, *rows: tuple[str, dict], total: dict | None = None, extra: str = "", name: str = MONTH):
    text = extra
    if rows:
        text += "fields:\n" + "".join(f"  - field: {field}\n" + row_text(values) for field, values in rows)
    if total is not None:
        text += "total:\n" + row_text(total, "  ")
    return project.write(name, text)


def error_texts(project) -> list[str]:
    return [str(error) for error in project.errors()]


def test_a_month_loads_with_its_sums_and_rates(project):
    other = dict(ROW, settled_early=None)
    del other["settled_early"], other["returned"]
    other.update(settled_on_time=87, pending_on_time=10)  # 10 + 90 = 88 + 12, early not split
    month(project, ("duoc-pham", ROW), ("Mỹ phẩm", other),
          extra="source: Báo cáo số 12/BC-SYT\nsatisfaction:\n  responses: 200\n  satisfied: 197\n")
    results = project.content().results
    (m,) = results.months
    assert (m.year, m.month, m.label, m.reference) == (2026, 10, "10/2026", "Báo cáo số 12/BC-SYT")
    assert [row.field.slug for row in m.by_field] == ["duoc-pham", "my-pham"]
    t = m.total
    assert (t.received_new, t.received, t.settled, t.pending) == (180, 200, 173, 24)
    # One field does not split early from on time: the sum does not either, and nothing is lost.
    assert t.settled_early is None and t.settled_in_time == 171
    assert t.returned is None  # stated by one field only: not stated for the total
    assert t.on_time_rate == Fraction(171, 173) and t.online_rate == Fraction(140, 180)
    assert m.satisfaction.rate == Fraction(197, 200)
    assert m.url == "tthc/ket-qua/2026/#thang-10"


def test_total_only_is_enough(project):
    month(project, total=ROW)
    (m,) = project.content().results.months
    assert m.by_field == [] and m.total.settled == 85


def test_the_balance_of_a_row_names_every_figure(project):
    month(project, ("duoc-pham", dict(ROW, settled_late=5)))
    (error,) = project.errors()
    assert (error.path, error.line, error.field) == (MONTH, 2, "fields[1]")
    assert error.message == ("số hồ sơ không cân: kỳ trước chuyển qua 10 + mới tiếp nhận 90 = 100, nhưng đã giải "
                             "quyết 89 + đang giải quyết 12 + trả lại, rút 3 = 104; kiểm tra lại các số của dòng này")


@pytest.mark.parametrize("subtotal, value, expected", [
    ("received", 99, "tổng số hồ sơ nhận giải quyết ghi 99, nhưng số kỳ trước chuyển qua 10 + mới tiếp nhận "
                     "trực tuyến 70 + mới tiếp nhận trực tiếp, bưu chính 20 = 100"),
    ("settled", 80, "tổng số đã giải quyết ghi 80, nhưng đã giải quyết trước hạn 40 + đã giải quyết đúng hạn 44 "
                    "+ đã giải quyết quá hạn 1 = 85"),
    ("pending", 13, "tổng số đang giải quyết ghi 13, nhưng đang giải quyết, chưa đến hạn 10 + đang giải quyết, "
                    "đã quá hạn 2 = 12"),
])
def test_a_stated_subtotal_must_add_up(project, subtotal, value, expected):
    month(project, ("duoc-pham", dict(ROW, **{subtotal: value})))
    error = project.only_error()
    assert (error.field, error.message) == (f"fields[1].{subtotal}", expected)
    assert error.line == 2 + list(dict(ROW, **{subtotal: value})).index(subtotal) + 1


def test_right_subtotals_pass(project):
    month(project, ("duoc-pham", dict(ROW, received=100, settled=85, pending=12)))
    assert project.content().results.months[0].total.received == 100


@pytest.mark.parametrize("value, message", [
    ("-1", "giá trị nhỏ nhất là 0"),
    ("12.5", "phải là số nguyên"),
    ('"mười"', "phải là số nguyên"),
])
def test_a_count_is_a_whole_number_not_below_zero(project, value, message):
    month(project, ("duoc-pham", dict(ROW, returned=value)))
    texts = error_texts(project)
    assert any(f"{MONTH}:11: fields[1].returned: {message}" in text for text in texts), texts


def test_a_required_column_is_never_invented(project):
    values = dict(ROW)
    del values["settled_late"]
    month(project, ("duoc-pham", values))
    texts = error_texts(project)
    assert f"{MONTH}:2: fields[1].settled_late: thiếu trường bắt buộc “settled_late” (Đã giải quyết quá hạn)" in texts, texts


def test_a_mistyped_key_is_named_with_a_suggestion(project):
    values = dict(ROW)
    values["setled_late"] = values.pop("settled_late")
    month(project, ("duoc-pham", values))
    texts = error_texts(project)
    assert any("fields[1].setled_late: trường “setled_late” không có trong mẫu; có phải ý bạn là “settled_late”?"
               in text for text in texts), texts


def test_unknown_and_repeated_fields(project):
    month(project, ("duoc-pham", ROW), ("khong-co-linh-vuc", ROW), ("Dược phẩm", ROW))
    texts = error_texts(project)
    assert any(text.startswith(f"{MONTH}:12: fields[2].field: không có lĩnh vực “khong-co-linh-vuc” trong "
                               "content/linh-vuc.yml; dùng một trong: kham-benh-chua-benh, duoc-pham")
               for text in texts), texts
    assert f"{MONTH}:22: fields[3].field: lĩnh vực “Dược phẩm” đã có ở mục 1; mỗi lĩnh vực một mục" in texts
    assert len(texts) == 2


def test_a_stated_total_must_equal_the_fields(project):
    doubled = {key: 2 * value for key, value in ROW.items()}
    month(project, ("duoc-pham", ROW), ("my-pham", ROW), total=dict(doubled, carried_over=21, settled_on_time=89))
    texts = error_texts(project)
    # The total row balances by itself (21 + 180 = 171 + 24 + 6): only its column sums are wrong.
    assert texts == [
        f"{MONTH}:23: total.carried_over: dòng tổng ghi số kỳ trước chuyển qua 21, nhưng cộng các lĩnh vực được 20",
        f"{MONTH}:27: total.settled_on_time: dòng tổng ghi đã giải quyết đúng hạn 89, nhưng cộng các lĩnh vực được 88",
    ], texts


def test_a_total_column_that_a_field_leaves_out(project):
    partial = dict(ROW)
    del partial["returned"]
    partial["pending_on_time"] = 13
    month(project, ("duoc-pham", ROW), ("my-pham", partial), total=dict(
        carried_over=20, received_online=140, received_direct=40, settled_early=80, settled_on_time=88,
        settled_late=2, pending_on_time=23, pending_overdue=4, returned=3))
    texts = error_texts(project)
    assert any("total.returned: dòng tổng ghi trả lại, rút hồ sơ nhưng lĩnh vực Mỹ phẩm không ghi" in t
               for t in texts), texts


def test_a_file_without_figures(project):
    month(project, extra="source: Báo cáo tháng 10\n")
    assert error_texts(project) == [f"{MONTH}:1: fields: chưa có số liệu: ghi theo từng lĩnh vực (fields), dòng tổng "
                                    "cộng (total), hoặc cả hai"]


@pytest.mark.parametrize("name, message", [
    ("2026-13.yml", "tháng 13 không có; tháng từ 01 đến 12 (ví dụ 2026-10.yml)"),
    ("2026-12.yml", "tháng 12/2026 chưa tới (đang là tháng 11/2026); kiểm tra lại năm, tháng trong tên tệp"),
    ("1926-10.yml", "năm 1926 trước 2000; kiểm tra lại năm trong tên tệp"),
    ("thang-10.yml", "tên tệp phải là năm-tháng của báo cáo, ví dụ 2026-10.yml; đang là “thang-10”"),
    ("2026-1.yml", "tên tệp phải là năm-tháng của báo cáo, ví dụ 2026-10.yml; đang là “2026-1”"),
])
def test_the_file_name_is_the_month(project, name, message):
    month(project, total=ROW, name=f"content/ket-qua/{name}")
    assert error_texts(project) == [f"content/ket-qua/{name}:1: tên tệp: {message}"]


def test_one_file_a_month(project):
    month(project, total=ROW)
    month(project, total=ROW, name="content/ket-qua/2026-10.yaml")
    texts = error_texts(project)
    assert texts == ["content/ket-qua/2026-10.yml: tên tệp: tháng 10/2026 đã có số liệu trong "
                     "content/ket-qua/2026-10.yaml; mỗi tháng một tệp"], texts


def test_only_month_files_in_the_folder(project):
    month(project, total=ROW)
    project.write("content/ket-qua/bao-cao.pdf", b"%PDF-1.4 demo")
    project.write("content/ket-qua/2025/2025-10.yml", "total: {}\n")
    texts = error_texts(project)
    assert len(texts) == 2 and all("chỉ có tệp số liệu tháng, đặt tên năm-tháng.yml" in t for t in texts), texts


@pytest.mark.parametrize("satisfaction, message", [
    ("  responses: 10\n  satisfied: 11\n", "satisfaction.satisfied: số lượt hài lòng 11 lớn hơn số lượt đánh giá 10"),
    ("  satisfied: 11\n", "satisfaction.responses: khi có “satisfied” (Số lượt hài lòng) thì phải có cả “responses” (Số lượt đánh giá)"),
    ("  index: 101\n", "satisfaction.index: giá trị lớn nhất là 100"),
])
def test_satisfaction_figures(project, satisfaction, message):
    month(project, total=ROW, extra="satisfaction:\n" + satisfaction)
    texts = error_texts(project)
    assert any(message in text for text in texts), texts


def test_make_check_lists_the_error_and_fails(project):
    month(project, ("duoc-pham", dict(ROW, settled_late=5)))
    done = project.check()
    assert done.returncode == 1
    assert f"{MONTH}:2: fields[1]: số hồ sơ không cân" in done.stderr


def test_months_are_newest_first_and_grouped_by_year(project):
    for name in ("2025-12", "2026-02", "2026-01"):
        month(project, total=ROW, name=f"content/ket-qua/{name}.yml")
    results = project.content().results
    assert [m.key for m in results.months] == ["2026-02", "2026-01", "2025-12"]
    assert results.years == [2026, 2025]
    assert [m.key for m in results.recent(2)] == ["2026-01", "2026-02"]


@pytest.mark.parametrize("rate, text", [
    (Fraction(986, 1000), "98,6\u00a0%"),
    (Fraction(99, 100), "99,0\u00a0%"),
    (Fraction(1999, 2000), "99,9\u00a0%"),  # 99.95 %: one late dossier is never "100 %"
    (Fraction(1, 1), "100\u00a0%"),
    (Fraction(1, 3000), "0,1\u00a0%"),  # one online dossier is never "0 %"
    (Fraction(0), "0\u00a0%"),
    (None, "không có hồ sơ"),
])
def test_percent_wording(rate, text):
    assert words.percent(rate) == text


def test_numbers_and_not_stated():
    assert words.number(1234567) == "1.234.567"
    assert words.number(0) == "0"
    assert words.number(None) == "Không có thông tin"


def test_no_dossier_is_no_rate():
    empty = Counts(0, 0, 0, 0, 0, 0, 0)
    assert empty.on_time_rate is None and empty.online_rate is None


def _month(counts: Counts, satisfaction: Satisfaction | None = None) -> Month:
    return Month(2026, 10, MONTH, None, counts, satisfaction=satisfaction)


def test_the_sentence_of_a_month():
    busy = _month(Counts(10, 70, 20, 44, 1, 10, 2, settled_early=40, returned=3), Satisfaction(200, 197))
    assert describe(busy, "Sở Y tế") == (
        "Tháng 10/2026, Sở Y tế tiếp nhận mới 90 hồ sơ (77,8\u00a0% nộp trực tuyến), giải quyết xong 85 hồ sơ, "
        "98,8\u00a0% trước và đúng hạn; cuối tháng còn 12 hồ sơ đang giải quyết, trong đó 2 hồ sơ quá hạn. "
        "Mức độ hài lòng: 98,5\u00a0% lượt đánh giá hài lòng (197/200 lượt).")
    assert headline(busy) == "98,8\u00a0% hồ sơ giải quyết trước và đúng hạn"


def test_the_sentence_of_a_month_without_dossiers_says_so():
    quiet = _month(Counts(0, 0, 0, 0, 0, 0, 0), Satisfaction(0, 0))
    assert describe(quiet) == ("Tháng 10/2026, không tiếp nhận hồ sơ mới, chưa giải quyết xong hồ sơ nào; cuối "
                               "tháng không còn hồ sơ đang giải quyết. Mức độ hài lòng: chưa có lượt đánh giá nào.")
    assert headline(quiet) == "Kết quả giải quyết hồ sơ tháng 10/2026"


def test_a_stated_period_is_the_file_name(project):
    month(project, total=ROW, extra="period: 2026-09\n")
    assert error_texts(project) == [f"{MONTH}:1: period: tháng báo cáo ghi 2026-09 nhưng tên tệp là 2026-10.yml; "
                                    "sửa cho trùng nhau"]
    month(project, total=ROW, extra="period: 2026-10\n")
    assert project.content().results.months[0].key == "2026-10"
