import pytest

from cchc.render.qr import qr_svg


def test_qr_is_an_inline_svg_drawn_once_per_url(tmp_path):
    svg = qr_svg("https://syt.example.gov.vn/tthc/1.004616/", tmp_path)
    assert svg.startswith("<svg") and 'class="cchc-qr__code"' in svg and "viewBox" in svg
    (cached,) = tmp_path.iterdir()
    stamp = cached.stat().st_mtime_ns
    assert qr_svg("https://syt.example.gov.vn/tthc/1.004616/", tmp_path) == svg
    assert cached.stat().st_mtime_ns == stamp
    other = qr_svg("https://syt.example.gov.vn/tthc/1.004617/", tmp_path)
    assert other != svg and len(list(tmp_path.iterdir())) == 2


def test_cached_files_are_linked_into_the_site_and_never_written_through(tmp_path):
    from cchc.core.diskcache import place

    cache, site = tmp_path / "cache", tmp_path / "site"
    cache.mkdir()
    (cache / "a.png").write_bytes(b"card a")
    (cache / "b.png").write_bytes(b"card b")
    place(cache / "a.png", site / "tin-tuc/x/anh-chia-se.png")
    target = site / "tin-tuc/x/anh-chia-se.png"
    assert target.read_bytes() == b"card a" and target.stat().st_ino == (cache / "a.png").stat().st_ino
    place(cache / "b.png", target)  # the page's card changed: the old link is replaced, not written into
    assert target.read_bytes() == b"card b" and (cache / "a.png").read_bytes() == b"card a"


def _entries(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.name != ".dang-dung")


def test_prune_removes_only_what_the_build_did_not_use_in_the_folders_it_used(tmp_path):
    import os
    import time

    from cchc.core.diskcache import Usage, cached, prune

    root = tmp_path / ".cache"
    used = Usage()
    outside = tmp_path / "khong-phai-cache.txt"
    outside.write_text("của người khác")
    for name in ("cards/cu.png", "cards/.partial.tmp", "cards/chet.tmp", "qr/khong-dung-lan-nay.svg"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"x" * 10)
    old = time.time() - 7200
    os.utime(root / "cards/chet.tmp", (old, old))  # left by a build that died two hours ago
    (root / "cards/lien-ket.png").symlink_to(outside)
    kept = [root / "cards/moi.png", root / "charts/a.svg"]
    for path in kept:
        used.mark(cached(path, lambda: b"ok"))
    done = prune(root, used)
    assert not done.skipped and done.removed == 2 and done.freed == 20
    # qr/ was not used by this build at all (the feature was off): left alone; the symlink is never followed.
    assert _entries(root) == ["cards/.partial.tmp", "cards/lien-ket.png", "cards/moi.png", "charts/a.svg",
                              "qr/khong-dung-lan-nay.svg"]
    assert outside.read_text() == "của người khác"


def test_prune_waits_for_no_one_and_skips_while_another_build_holds_the_cache(tmp_path):
    from cchc.core.diskcache import Usage, hold, prune

    root = tmp_path / ".cache"
    (root / "cards").mkdir(parents=True)
    (root / "cards/cu.png").write_bytes(b"x")
    (root / "cards/moi.png").write_bytes(b"y")
    used = Usage()
    used.mark(root / "cards/moi.png")
    mine, other = hold(root), hold(root)  # this build's lock, and another build's (a preview, a second make build)
    assert prune(root, used, mine).skipped and (root / "cards/cu.png").exists()
    other.close()
    assert prune(root, used, mine).removed == 1 and not (root / "cards/cu.png").exists()
    mine.close()


@pytest.mark.build
def test_a_build_prunes_what_it_did_not_use_and_keeps_all_it_uses(project):
    project.post("2026-01-05-tin-co-anh-chia-se", title="Tin có ảnh chia sẻ riêng")
    project.write("content/tthc/mau/don.docx", b"PK\x03\x04 demo docx")
    project.procedure("1.004616")
    built = project.build()
    assert built.returncode == 0, built.stderr[-2000:]
    root = project.path / ".cache"
    first = _entries(root)
    assert any(p.startswith("cards/") for p in first) and any(p.startswith("precompressed/") for p in first)
    stale = root / "cards" / "anh-cua-tin-da-xoa.png"
    stale.write_bytes(b"\x89PNG old")
    second = project.build()
    assert second.returncode == 0 and "Dọn .cache/: xoá 1 tệp" in second.stderr
    assert _entries(root) == first  # nothing needed was removed: the second build made nothing again
    assert "nén mới 0 bản" in second.stderr
