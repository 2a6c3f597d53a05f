"""Dates as Vietnamese editors write them and citizens read them."""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# The date of a feed with no entry yet: fixed, so the same content gives the same bytes.
EPOCH = datetime(2000, 1, 1, tzinfo=VN_TZ)

_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_VN = re.compile(
    r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?$"
)

EXPECTED = "ngày dạng 2024-03-07 hoặc 07/03/2024, có thể kèm giờ 08:30"

# Every content date is about this department's work, and a year outside this range is a
# typo (0204 for 2024). Near the ends of datetime's own range (years 1 and 9999) changing
# time zone overflows, which ended builds with a traceback.
FIRST_YEAR, LAST_YEAR = 1900, 2100


class DateError(ValueError):
    pass


def parse_datetime(text: str) -> datetime:
    """Parse an editor's date; naive values are Vietnam time.

    Raises DateError with a Vietnamese explanation.
    """
    raw = text.strip()
    match = _ISO.match(raw) or _VN.match(raw)
    if not match:
        raise DateError(f"“{text}” không phải {EXPECTED}")
    parts = match.groupdict()
    year = int(parts["y"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateError(f"năm {parts['y']} trong “{text}” nằm ngoài khoảng {FIRST_YEAR}–{LAST_YEAR}; kiểm tra lại năm")
    try:
        day = date(year, int(parts["m"]), int(parts["d"]))
    except ValueError:
        raise DateError(f"ngày “{text}” không tồn tại (kiểm tra ngày và tháng)") from None
    try:
        clock = time(int(parts["H"] or 0), int(parts["M"] or 0), int(parts["S"] or 0))
    except ValueError:
        raise DateError(f"giờ trong “{text}” không hợp lệ (giờ 0–23, phút 0–59)") from None
    tz = VN_TZ
    offset = parts.get("tz")
    if offset:
        try:
            tz = datetime.strptime("+0000" if offset == "Z" else offset.replace(":", ""), "%z").tzinfo
        except ValueError:  # "+25:00", "+07:75"
            raise DateError(f"múi giờ trong “{text}” không hợp lệ; giờ Việt Nam là +07:00, "
                            "hoặc bỏ múi giờ đi") from None
    return datetime.combine(day, clock, tzinfo=tz).astimezone(VN_TZ)


def written_date(text: str) -> str:
    """The one form every tool writes: 2024-03-07 (and 08:30 if a time is given).

    A portal's 07/03/2024 reads the same to us, but a web form that does not know Vietnamese
    order may read 01/12/2026 as 12 January; text that is not a date is left for `make check`.
    """
    try:
        when = parse_datetime(text)
    except DateError:
        return text
    has_time = bool((_ISO.match(text.strip()) or _VN.match(text.strip()))["H"])
    return when.strftime("%Y-%m-%d %H:%M" if has_time else "%Y-%m-%d")


def build_now() -> datetime:
    """Now in Vietnam, or CCHC_NOW so a past build can be reproduced exactly."""
    fixed = os.environ.get("CCHC_NOW")
    return parse_datetime(fixed) if fixed else datetime.now(VN_TZ)


def format_date(value: datetime | date) -> str:
    """07/03/2024, the way every Vietnamese administrative text writes it."""
    if isinstance(value, datetime):
        value = value.astimezone(VN_TZ)
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def format_datetime(value: datetime) -> str:
    value = value.astimezone(VN_TZ)
    return f"{value.hour:02d}:{value.minute:02d} {format_date(value)}"
