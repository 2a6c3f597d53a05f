"""A synthetic department of any size, written from the demo content.

N news posts (about 3 KB of Vietnamese each, spread over years and every
category) and M procedures (records modelled on the demo ones, each with a
unique code), announced by decisions of 20 entries, and ten years of monthly results of handling
procedures for every field. Deterministic: the same
sizes give the same files.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261124


def _sentences() -> list[str]:
    text = []
    for path in sorted((ROOT / "content" / "news").rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[2]
        for line in body.split("\n"):
            line = line.strip()
            if line and not line.startswith(("#", "|", "!!!", "-", ">", "<")) and len(line) > 60:
                text += [s.strip().rstrip(".") + "." for s in re.split(r"\.\s", line) if len(s) > 40]
    return text


def _categories() -> list[str]:
    return re.findall(r"^\s+slug: (\S+)$", (ROOT / "content" / "categories.yml").read_text(encoding="utf-8"), re.M)


def write_site(target: Path, posts: int, procedures: int) -> Path:
    """Create a buildable project at ``target``; returns its mkdocs.yml."""
    if target.exists():
        shutil.rmtree(target)
    for name in ("docs", "overrides", "hooks"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    content = target / "content"
    content.mkdir()
    for name in ("categories.yml", "linh-vuc.yml", "hoi-dap.yml"):
        shutil.copy(ROOT / "content" / name, content / name)
    random_ = random.Random(SEED)
    _posts(content, posts, random_)
    _procedures(content, procedures, random_)
    _results(content, RESULT_MONTHS, random_)
    return target / "mkdocs.yml"


RESULT_MONTHS = 120  # ten years of monthly results, as the posts span 2017-2026: 11 results pages, 110 charts


def _results(content: Path, months: int, random_: random.Random) -> None:
    """``months`` monthly reports up to 10/2026, every field of linh-vuc.yml, each row balanced."""
    fields = re.findall(r"^\s+slug: (\S+)$", (content / "linh-vuc.yml").read_text(encoding="utf-8"), re.M)
    folder = content / "ket-qua"
    folder.mkdir()
    pending = {field: 0 for field in fields}
    for index in range(months):
        year, month = divmod(2026 * 12 + 9 - (months - 1 - index), 12)
        lines = [f"period: {year}-{month + 1:02d}", "fields:"]
        for field in fields:
            new = random_.randint(5, 300)
            online = random_.randint(0, new)
            carried = pending[field]
            returned = random_.randint(0, new // 50)
            left = random_.randint(0, (carried + new - returned) // 8)
            settled = carried + new - returned - left
            late = random_.randint(0, settled // 40)
            early = random_.randint(0, settled - late)
            overdue = random_.randint(0, left // 5)
            pending[field] = left
            lines += [f"  - field: {field}", f"    carried_over: {carried}", f"    received_online: {online}",
                      f"    received_direct: {new - online}", f"    settled_early: {early}",
                      f"    settled_on_time: {settled - late - early}", f"    settled_late: {late}",
                      f"    pending_on_time: {left - overdue}", f"    pending_overdue: {overdue}",
                      f"    returned: {returned}"]
        (folder / f"{year}-{month + 1:02d}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _posts(content: Path, count: int, random_: random.Random) -> None:
    sentences, categories = _sentences(), _categories()
    years = list(range(2017, 2027))
    for index in range(count):
        year = years[index % len(years)]
        month, day = 1 + (index // len(years)) % 12, 1 + (index * 7) % 28
        words = random_.sample(sentences, 3)
        title = " ".join(" ".join(words).split()[:12]).rstrip(".,;:")
        body = []
        while sum(len(p) for p in body) < 3000:
            body.append(" ".join(random_.sample(sentences, 4)))
            if len(body) % 3 == 0:
                body.append(f"## {random_.choice(sentences)[:60].rstrip('.,')}")
        folder = content / "news" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{year}-{month:02d}-{day:02d}-tin-{index}.md").write_text(
            f'---\ntitle: "{title} ({index})"\ndate: {year}-{month:02d}-{day:02d} 08:00\n'
            f"category: {categories[index % len(categories)]}\n"
            f'summary: "{random_.choice(sentences)[:200]}"\n---\n\n' + "\n\n".join(body) + "\n",
            encoding="utf-8",
        )


def _procedures(content: Path, count: int, random_: random.Random) -> None:
    tthc = content / "tthc"
    shutil.copytree(ROOT / "content" / "tthc" / "mau", tthc / "mau")
    models = [p for p in sorted((ROOT / "content" / "tthc").glob("1.*.yml"))
              if "status:" not in p.read_text(encoding="utf-8")]
    decisions = tthc / "quyet-dinh"
    decisions.mkdir(parents=True)
    entries: list[str] = []
    for index in range(count):
        text = models[index % len(models)].read_text(encoding="utf-8")
        code = f"1.{100000 + index:06d}"
        text = re.sub(r'^code: .*$', f'code: "{code}"', text, count=1, flags=re.M)
        text = re.sub(r'^level: .*$', "level: tinh", text, count=1, flags=re.M)
        text = re.sub(r'^name: "(.*)"$', lambda m, index=index: f'name: "{m.group(1)} (hồ sơ số {index})"', text,
                      count=1, flags=re.M)
        (tthc / f"{code}.yml").write_text(text, encoding="utf-8")
        entries.append(f'  - change: moi_ban_hanh\n    procedure: "{code}"\n')
    for number, start in enumerate(range(0, len(entries), 20), start=1):
        year = 2020 + number % 6
        (decisions / f"qd-{number}-ubnd-{year}.yml").write_text(
            f'number: "{number}/QĐ-UBND"\nissuer: "Uỷ ban nhân dân tỉnh Hoà An"\nsigned: {year}-03-01\n'
            f'effective: {year}-03-15\ntitle: "Về việc công bố danh mục thủ tục hành chính (đợt {number})"\n'
            "entries:\n" + "".join(entries[start:start + 20]),
            encoding="utf-8",
        )
