"""What ``init`` asks a department, and the flag that answers each question without asking.

Titles and rules come from schemas/site.schema.json, so the questions, ``make check`` and the web
editor describe a setting in the same words. Only the national portal and its complaints page have
defaults: they are the same real addresses for every department. Nothing else is guessed: an
optional question left blank leaves the setting out, never a made-up value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cchc.core.errors import FileErrors
from cchc.core.schema import load_schema, validate

NATIONAL_PORTAL = "https://dichvucong.gov.vn/"
NATIONAL_PAKN = "https://dichvucong.gov.vn/p/home/dvc-phan-anh-kien-nghi.html"
MISSING = "bắt buộc, chưa có"


@dataclass(frozen=True)
class Question:
    flag: str  # the command-line flag, without "--"
    key: tuple[str, ...]  # where the answer goes: ("site_url",) or a path under extra:
    example: str
    required: bool = False
    default: str = ""

    @property
    def option(self) -> str:
        return f"--{self.flag}"

    @property
    def dest(self) -> str:
        return self.flag.replace("-", "_")

    @property
    def title(self) -> str:
        if self.key == ("site_url",):
            return "Địa chỉ trang web"
        node = load_schema("site")
        for part in self.key:
            node = node["properties"][part]
        return node["title"]


QUESTIONS = (
    Question("ten", ("department", "name"), "Sở Y tế tỉnh Lâm Đồng", required=True),
    Question("ten-ngan", ("department", "short_name"), "Sở Y tế Lâm Đồng"),
    Question("co-quan-chu-quan", ("department", "governing_body"), "Uỷ ban nhân dân tỉnh Lâm Đồng"),
    Question("tinh", ("department", "province"), "Lâm Đồng", required=True),
    Question("ma-tinh", ("department", "province_code"), "H41", required=True),
    Question("duong-day-nong", ("department", "hotline"), "0263 3822 000", required=True),
    Question("dien-thoai", ("department", "phone"), "0263 3822 001"),
    Question("dia-chi", ("department", "address"), "Số 36 đường Trần Phú, phường Xuân Hương, tỉnh Lâm Đồng",
             required=True),
    Question("email", ("department", "email"), "syt@lamdong.gov.vn", required=True),
    Question("gio-lam-viec", ("department", "working_hours"), "Thứ Hai đến Thứ Sáu, 7:30–11:30 và 13:30–17:00"),
    Question("dia-chi-pakn", ("department", "pakn_address"), "Văn phòng Sở Y tế, Số 36 đường Trần Phú"),
    Question("dia-chi-trang", ("site_url",), "https://syt.lamdong.gov.vn/", required=True),
    Question("cong-quoc-gia", ("portals", "national"), NATIONAL_PORTAL, required=True, default=NATIONAL_PORTAL),
    Question("cong-tinh", ("portals", "provincial"), "https://dichvucong.lamdong.gov.vn/", required=True),
    Question("khao-sat", ("portals", "survey"), "https://dichvucong.lamdong.gov.vn/khao-sat"),
    Question("pakn", ("portals", "pakn"), NATIONAL_PAKN, default=NATIONAL_PAKN),
    Question("nop-ho-so", ("portals", "submit_url"), "https://dichvucong.lamdong.gov.vn/nop-ho-so?ma={code}"),
    Question("kho", ("editor", "repo"), "so-y-te-lam-dong/trang-cchc"),
    Question("nen-tang-kho", ("editor", "backend"), "github, gitlab hoặc gitea"),
    Question("may-chu-git", ("editor", "base_url"), "https://git.lamdong.gov.vn"),
)

# A site address the build and the feeds can use as a base: scheme, host, optional port and path.
_SITE_URL = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$")


def site_url_problem(value: str) -> str | None:
    if _SITE_URL.match(value):
        return None
    return "không phải địa chỉ trang web (ví dụ https://syt.lamdong.gov.vn/: có https://, tên miền, không dấu cách)"


def as_extra(answers: dict[str, str]) -> dict:
    """The answers (by flag) as the ``extra:`` they become, to be checked by the site schema."""
    extra: dict = {}
    for question in QUESTIONS:
        value = answers.get(question.flag, "")
        if value and question.key != ("site_url",):
            extra.setdefault(question.key[0], {})[question.key[1]] = value
    return extra


def problems(answers: dict[str, str]) -> list[str]:
    """Every problem with the answers, each naming its flag and question, in the schema's words."""
    found = [f"{q.option} ({q.title}): {MISSING}" for q in QUESTIONS if q.required and not answers.get(q.flag)]
    url = answers.get("dia-chi-trang", "")
    if url and (problem := site_url_problem(url)):
        found.append(f"--dia-chi-trang (Địa chỉ trang web): {problem}")
    errors = FileErrors("")
    validate(as_extra(answers), "site", errors)
    by_key = {".".join(q.key): q for q in QUESTIONS}
    for error in errors.errors:
        question = by_key.get(error.field)
        if question is None:  # a missing required value, already said above by its flag
            continue
        found.append(f"{question.option} ({question.title}): {error.message}")
    return found


def one_problem(question: Question, value: str, answers: dict[str, str]) -> str | None:
    """The problem with one answer, for asking again at once."""
    trial = {**answers, question.flag: value}
    for problem in problems(trial):
        if problem.startswith(question.option + " ") and not problem.endswith(MISSING):
            return problem.split(": ", 1)[1]
    return None
