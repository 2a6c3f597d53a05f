"""Scheduled posts on time: the build says when the site next changes by itself, and the hourly
workflow rebuilds exactly when that time has come (cchc/site/schedule.py, .github/workflows/publish.yml)."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from cchc.core.dates import VN_TZ, parse_datetime
from cchc.site.schedule import due, next_change, state_file
from tests.conftest import NOW, ROOT, run_env, serve

T0 = parse_datetime(NOW)  # 24/11/2026 12:00


def _due(published: bytes | None, now: datetime) -> bool:
    return due(published, now)[0]


def test_due_only_when_the_next_change_has_come():
    at_13 = state_file(datetime(2026, 11, 24, 13, 0, tzinfo=VN_TZ))
    assert not _due(at_13, T0)
    assert not _due(at_13, datetime(2026, 11, 24, 12, 59, tzinfo=VN_TZ))
    assert _due(at_13, datetime(2026, 11, 24, 13, 0, tzinfo=VN_TZ))
    assert _due(at_13, datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ))  # a missed hourly run catches up
    assert not _due(state_file(None), T0)  # nothing scheduled: quiet hours cost no build


@pytest.mark.parametrize("published", [None, b"", b"<html>404</html>", b'{"next_change": "mai"}',
                                       b'{"other": 1}', b'{"next_change": "2026-11-24T13:00:00"}'])
def test_anything_unreadable_means_build(published):
    build, reason = due(published, T0)
    assert build and "dựng lại cho chắc" in reason


def test_next_change_is_the_soonest_known_time():
    later = datetime(2027, 1, 1, tzinfo=VN_TZ)
    sooner = datetime(2026, 12, 1, 7, tzinfo=VN_TZ)
    assert next_change([later], [None, sooner]) == sooner
    assert next_change([], [None]) is None


def _decision(project, effective: str) -> None:
    project.write("content/tthc/quyet-dinh/qd-10-ubnd-2026.yml", f"""\
        number: "10/QĐ-UBND"
        issuer: "Uỷ ban nhân dân tỉnh"
        signed: 2026-11-20
        effective: {effective}
        title: "Về việc công bố danh mục thủ tục hành chính bị bãi bỏ"
        entries:
          - change: bai_bo
            procedure: "1.004616"
        """)


def _schedule(site: Path) -> datetime | None:
    text = json.loads((site / "xuat-ban.json").read_text(encoding="utf-8"))["next_change"]
    return None if text is None else datetime.fromisoformat(text)


def _cli(*args: str, now: str) -> str:
    # -S: no site-packages, as on the workflow's bare runner: the check needs nothing installed.
    result = subprocess.run(["python3", "-S", "-m", "cchc.site.schedule", *args], cwd=ROOT,
                            env=run_env(CCHC_NOW=now), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_scheduled_post_goes_live_at_its_hour(project):
    project.post("2026-11-20-tin-da-dang")
    project.post("2026-11-25-tin-hen-gio", title="Tin hẹn đăng lúc bảy giờ sáng", date="2026-11-25 07:00")
    project.write("content/tthc/mau/don.docx", b"PK\x03\x04 demo docx")
    project.procedure("1.004616")
    _decision(project, "2026-12-01")
    assert project.build(CCHC_NOW=NOW).returncode == 0
    site = project.path / "site"
    post = site / "tin-tuc/2026/tin-hen-gio/index.html"
    assert not post.exists()
    assert _schedule(site) == datetime(2026, 11, 25, 7, 0, tzinfo=VN_TZ)
    published = str(site / "xuat-ban.json")
    # The hourly runs before 07:00 stop early; the first one after builds.
    assert _cli("--published", published, now="2026-11-25 06:02") == "false"
    assert _cli("--published", published, now="2026-11-25 07:02") == "true"

    assert project.build(CCHC_NOW="2026-11-25 07:02").returncode == 0
    assert post.is_file()
    # Next: the abolition taking effect; then nothing.
    assert _schedule(site) == datetime(2026, 12, 1, tzinfo=VN_TZ)
    assert project.build(CCHC_NOW="2026-12-01 00:02").returncode == 0
    assert _schedule(site) is None
    assert "đã bị bãi bỏ" in (site / "tthc/1.004616/index.html").read_text(encoding="utf-8")


def test_a_draft_never_schedules_a_build(project):
    project.post("2026-11-20-tin-da-dang")
    project.post("2026-11-30-ban-nhap", date="2026-11-30 07:00", extra="draft: true\n")
    assert project.build(CCHC_NOW=NOW).returncode == 0
    assert _schedule(project.path / "site") is None


def test_the_check_reads_the_live_site(project, tmp_path):
    live = tmp_path / "live"
    live.mkdir()
    (live / "xuat-ban.json").write_bytes(state_file(T0 + timedelta(hours=1)))
    server, base = serve(live)
    try:
        config = tmp_path / "mkdocs.yml"
        config.write_text(f"site_name: Thử\nsite_url: {base}\n", encoding="utf-8")
        assert _cli("--config", str(config), now=NOW) == "false"
        assert _cli("--config", str(config), now="2026-11-24 13:05") == "true"
        (live / "xuat-ban.json").unlink()  # site down or file missing: build
        assert _cli("--config", str(config), now=NOW) == "true"
    finally:
        server.shutdown()


def test_the_publish_workflow_runs_hourly_and_asks_before_building():
    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as True
    assert [s["cron"] for s in triggers["schedule"]] == ["2 * * * *"]
    jobs = workflow["jobs"]
    assert "python3 -m cchc.site.schedule --config mkdocs.yml" in jobs["due"]["steps"][-1]["run"]
    assert "needs.due.outputs.build == 'true'" in jobs["build"]["if"]
    assert jobs["test"]["if"] == "needs.due.outputs.kind == 'code'"  # a scheduled run republishes a tested commit
