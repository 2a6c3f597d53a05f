from datetime import datetime

import pytest

from cchc.core.dates import VN_TZ, DateError, format_date, format_datetime, parse_datetime, written_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-03-07", datetime(2024, 3, 7, tzinfo=VN_TZ)),
        ("2024-03-07 08:30", datetime(2024, 3, 7, 8, 30, tzinfo=VN_TZ)),
        ("2024-03-07T08:30:15", datetime(2024, 3, 7, 8, 30, 15, tzinfo=VN_TZ)),
        ("07/03/2024", datetime(2024, 3, 7, tzinfo=VN_TZ)),
        ("7/3/2024 14:05", datetime(2024, 3, 7, 14, 5, tzinfo=VN_TZ)),
        ("2024-03-07T01:30:00Z", datetime(2024, 3, 7, 8, 30, tzinfo=VN_TZ)),
    ],
)
def test_parses_editor_dates_in_vietnam_time(text, expected):
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    "text, words",
    [("2023-13-09", "không tồn tại"), ("31/02/2024", "không tồn tại"), ("2024-03-07 25:00", "giờ"),
     ("hôm qua", "không phải"), ("2024/03/07", "không phải")],
)
def test_rejects_bad_dates_in_plain_words(text, words):
    with pytest.raises(DateError) as caught:
        parse_datetime(text)
    assert words in str(caught.value)


def test_formats_vietnamese_dates():
    value = datetime(2024, 3, 7, 8, 5, tzinfo=VN_TZ)
    assert format_date(value) == "07/03/2024"
    assert format_datetime(value) == "08:05 07/03/2024"


@pytest.mark.parametrize(("text", "expected"), [
    ("01/12/2026", "2026-12-01"), ("1/2/2027 6:05", "2027-02-01 06:05"), ("2026-12-01", "2026-12-01"),
    ("2026-12-01T07:00:00+00:00", "2026-12-01 14:00"), ("hôm qua", "hôm qua"), ("31/02/2024", "31/02/2024"),
])
def test_every_tool_writes_dates_year_first(text, expected):
    assert written_date(text) == expected
