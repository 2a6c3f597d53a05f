"""The build's missing drawings, made by a pool of processes while it goes on (cchc.render.drawing)."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from io import BytesIO

import pytest
from conftest import run_env
from PIL import Image

from cchc.core import diskcache
from cchc.render import qr
from cchc.render.cards import Card, _draw_to_cache, draw, render_all
from cchc.render.drawing import Drawings, Job, Later, _number
from cchc.render.images import ImageProblem, render_thumbnail, thumbnail_job

CARDS = [Card(title=f"Tin số {i}: tiếp nhận hồ sơ trực tuyến", eyebrow="Tin tức", footer="Sở Y tế") for i in range(10)]
URLS = [f"https://syt.example.gov.vn/tthc/1.00461{i}/" for i in range(10)]


class Clock:
    """A clock the test moves: progress lines are due by it, not by how fast this machine draws."""

    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _photo(path, size=(900, 600), cut=False):
    out = BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(out, "JPEG")
    data = out.getvalue()
    path.write_bytes(data[: len(data) // 2] if cut else data)
    return path


def _card_jobs(cache):
    return [Job("card", cache / f"{card.key()}.png", _draw_to_cache, (card, cache)) for card in CARDS]


def test_missing_drawings_are_drawn_by_the_pool_with_the_bytes_of_a_serial_draw(tmp_path):
    photos = [_photo(tmp_path / f"anh{i}.jpg", (900 + i, 600)) for i in range(3)]
    cache = tmp_path / "cache"
    thumbs = [thumbnail_job(photo, cache / "thumbs") for photo in photos]
    jobs = [*_card_jobs(cache / "cards"), *qr.missing(URLS, cache / "qr"), *thumbs]
    assert len(jobs) == 23 and not any(job.path.exists() for job in jobs)
    diskcache.usage.paths.clear()
    drawings = Drawings(logging.getLogger("test"), workers=2)
    drawings.want(jobs)
    assert drawings.submit() and drawings.pool is not None
    # Marked as used by this process, though the workers write them: pruning keeps them.
    assert {job.path for job in jobs} <= diskcache.usage.paths
    for job in jobs:
        assert drawings.waiting(job.path)
        assert drawings.wait(job.path) == job.path and job.path.is_file()
    drawings.close()
    assert drawings.pool is None
    # The same bytes as this process draws them itself.
    for card, job in zip(CARDS, jobs, strict=False):
        assert job.path.read_bytes() == draw(card)
    for url in URLS:
        assert qr.qr_svg(url, cache / "qr") == qr._draw(url).decode("utf-8")
    for photo, job in zip(photos, thumbs, strict=True):
        assert job.path.read_bytes() == render_thumbnail(photo, tmp_path / "serial").read_bytes()
    assert len(list((cache / "cards").iterdir())) == 10  # no partial file left behind


def test_too_few_drawings_start_no_pool_and_what_is_cached_is_not_wanted(tmp_path):
    cache = tmp_path / "cards"
    drawings = Drawings(logging.getLogger("test"))
    drawings.want(_card_jobs(cache)[:7])
    assert not drawings.submit() and drawings.pool is None
    assert not drawings.waiting(_card_jobs(cache)[0].path)  # the caller draws it itself
    # render_all draws in this process what is too few for a pool; a second call finds all in the cache.
    cards = {f"p{i}/anh-chia-se.png": card for i, card in enumerate(CARDS[:3])}
    out = render_all(cards, cache, drawings)
    assert all(path.is_file() for path in out.values()) and drawings.pool is None
    assert render_all({f"p{i}": card for i, card in enumerate(CARDS)}, cache, Drawings(logging.getLogger("t")))
    warm = Drawings(logging.getLogger("test"))
    assert render_all(cards, cache, warm) == out and warm.pool is None and not warm.total
    assert qr.missing([], cache) == []


def test_an_error_in_a_worker_is_raised_where_the_drawing_is_taken(tmp_path):
    good = [_photo(tmp_path / f"anh{i}.jpg", (600 + i, 400)) for i in range(8)]
    bad = _photo(tmp_path / "hong.jpg", cut=True)
    jobs = [thumbnail_job(photo, tmp_path / "thumbs") for photo in [*good, bad]]
    drawings = Drawings(logging.getLogger("test"), workers=2)
    drawings.want(jobs)
    assert drawings.submit()
    with pytest.raises(ImageProblem) as caught:
        drawings.wait(jobs[-1].path)
    assert "ảnh “hong.jpg” bị hỏng" in str(caught.value)  # the message the serial draw gives
    assert all(drawings.wait(job.path).is_file() for job in jobs[:-1])  # only the broken one fails
    drawings.close()


def test_a_stopped_pool_leaves_the_drawing_to_the_build(tmp_path):
    jobs = _card_jobs(tmp_path)
    drawings = Drawings(logging.getLogger("test"), workers=1)
    drawings.want(jobs)
    assert drawings.submit()
    drawings.close()  # as on a build error: what was not started is dropped
    text = Later(lambda: drawings.wait(jobs[-1].path).name)
    assert str(text) == jobs[-1].path.name and jobs[-1].path.is_file()  # drawn here instead


def test_progress_lines_come_at_most_every_few_seconds_then_one_summary(tmp_path, caplog):
    clock = Clock()
    drawings = Drawings(logging.getLogger("mkdocs.hooks.test"), workers=1, clock=clock, every=5)
    drawings.want([*_card_jobs(tmp_path / "cards"), *qr.missing(URLS[:4], tmp_path / "qr")])
    assert drawings.submit()
    with caplog.at_level(logging.INFO, logger="mkdocs.hooks.test"):
        drawings.poll()
        clock.now += 4.9
        drawings.poll()
        assert caplog.messages == []  # not due yet
        clock.now += 0.2
        drawings.poll()
        lines = list(caplog.messages)
        if drawings.total != drawings.done:  # still drawing (the usual case: a worker takes ~10 ms a card)
            assert len(lines) == 1 and re.fullmatch(r"Vẽ ảnh chia sẻ \d+/10, mã QR \d+/4", lines[0]), lines
        drawings.poll()
        assert caplog.messages == lines  # once per interval
        drawings.finish()
        clock.now += 12.34
        drawings.close()
    assert caplog.messages[-1] == "Vẽ xong 10 ảnh chia sẻ, 4 mã QR trong 17,4 giây (1 tiến trình)."
    assert _number(6066) == "6.066" and _number(1_234_567) == "1.234.567" and _number(12) == "12"


def test_later_text_is_read_once_when_printed():
    reads = []
    text = Later(lambda: reads.append(1) or "<svg/>")
    assert reads == []
    assert str(text) == "<svg/>" and text.__html__() == "<svg/>" and "svg" in text and text == "<svg/>"
    assert reads == [1]


def _build(project, *flags):
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", *flags, "--site-dir", "site"],
                          cwd=project.path, env=run_env(), capture_output=True, text=True, timeout=600)


def test_a_cold_build_says_what_it_drew_a_warm_one_draws_nothing_and_quiet_says_nothing(project):
    for i in range(12):
        project.post(f"2024-03-{i + 1:02d}-tin-{i}", title=f"Tin thử nghiệm số {i} về cải cách hành chính")
    project.write("content/tthc/mau/don.docx", b"PK\x03\x04 demo docx")
    project.procedure()
    cold = _build(project)
    assert cold.returncode == 0, cold.stderr
    drawn = [line for line in cold.stderr.splitlines() if "Vẽ xong" in line]
    assert len(drawn) == 1 and line_is_info(drawn[0]), cold.stderr
    assert re.search(r"Vẽ xong \d+ ảnh chia sẻ, 1 mã QR trong \d+,\d giây", drawn[0]), drawn
    cards = sorted((project.path / ".cache" / "cards").iterdir())
    assert len(cards) >= 12 and not [p for p in cards if p.suffix != ".png"]
    site_cards = [p for p in (project.path / "site").rglob("*.png") if p.stat().st_ino in
                  {c.stat().st_ino for c in cards}]
    assert len(site_cards) >= 12  # linked into the site from .cache/ once drawn
    warm = _build(project)
    assert warm.returncode == 0 and "Vẽ" not in warm.stderr  # nothing missing: no pool, no line
    assert sorted((project.path / ".cache" / "cards").iterdir()) == cards  # and nothing pruned
    assert len(list((project.path / ".cache" / "qr").iterdir())) == 1
    (project.path / ".cache").rename(project.path / "old-cache")
    quiet = _build(project, "-q")
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == "", quiet.stderr
    assert len(list((project.path / ".cache" / "cards").iterdir())) == len(cards)


def line_is_info(line: str) -> bool:
    return line.startswith("INFO")


def test_a_broken_photo_drawn_by_the_pool_fails_the_build_as_before(project):
    (project.path / "content/news/2024").mkdir(parents=True)
    for i in range(9):  # enough for a pool: the broken one is drawn by a worker
        _photo(project.path / "content/news/2024" / f"anh{i}.jpg", (700 + i, 500), cut=i == 4)
        project.post(f"2024-03-{i + 1:02d}-tin-{i}", extra=f'image: anh{i}.jpg\nimage_alt: "Ảnh hội nghị {i}"\n')
    result = project.build()
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert "Nội dung có 1 lỗi" in result.stderr
    assert "content/news/2024/anh4.jpg: ảnh “anh4.jpg” bị hỏng" in result.stderr
    assert not (project.path / "site").exists()  # no partial site
    # The others were drawn meanwhile and are kept for the next build.
    assert len(list((project.path / ".cache" / "thumbs").glob("*.jpg"))) == 8
