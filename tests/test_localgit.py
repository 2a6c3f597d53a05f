"""`make edit`'s local backend answers Sveltia CMS's Gitea backend as Gitea would, over the files on disk.

Each call below is one Sveltia makes (src/lib/services/backends/git/gitea/, 0.221.1), over real
HTTP against a throwaway git repository, and each check reads the fields Sveltia reads. Saves are
checked on disk and in `git log`: exactly the saved paths, with the CMS's message.
"""

from __future__ import annotations

import base64
import subprocess
import threading

import pytest
from localgit_client import (
    BRANCH,
    EDITOR,
    OLD_POST,
    PNG,
    POST,
    POST_PATH,
    REPO,
    Client,
    b64,
    git,
    make_project,
)
from serving import free_port

from cchc.editor.localgit import FALLBACK_LOGIN, EditorBackend


@pytest.fixture
def editor(tmp_path):
    project = make_project(tmp_path / "site-src")
    with EditorBackend(project.path, 0, free_port()) as backend:
        yield Client(backend, project.path)


def hash_object(client: Client, path: str) -> str:
    return git(client.root, "hash-object", "--no-filters", path).strip()


def last_commit(client: Client) -> tuple[str, set[tuple[str, str]]]:
    """(message, {(status, path)}) of HEAD."""
    lines = git(client.root, "show", "--name-status", "--no-renames", "--format=%B%x00", "HEAD").split("\0")
    changes = {tuple(line.split("\t", 1)) for line in lines[1].splitlines() if line.strip()}
    return lines[0].strip(), changes


def test_signing_in_and_loading_reads_what_sveltia_reads(editor):
    # instance.js: Gitea (not Forgejo, > 10) of at least 1.24, so file contents come from /file-contents.
    version = editor.get("/version")["version"]
    assert 1.24 <= float(".".join(version.split(".")[:2])) < 10
    # user.js: the profile Sveltia keeps (and puts in commit messages).
    user = editor.get("/user")
    assert (user["full_name"], user["login"], user["email"]) == (EDITOR[0], EDITOR[0], EDITOR[1])
    assert isinstance(user["id"], int) and user["avatar_url"] == ""
    # repository.js: access and the default branch, which is the working copy's current one.
    repo = editor.get(REPO)
    assert repo["permissions"]["pull"] and repo["permissions"]["push"] and repo["default_branch"] == BRANCH
    # commits.js fetchLastCommit: the id Sveltia caches the file list by, and the last message.
    branch = editor.get(f"{REPO}/branches/{BRANCH}")
    assert len(branch["commit"]["id"]) == 40 and branch["commit"]["message"] == "Bản đầu"
    # files.js fetchFileList: content/ only, paths from the project root, git blob ids and sizes.
    listing = editor.listing()
    assert set(listing) == {OLD_POST, "content/news/2024/anh.png", "content/categories.yml",
                            "content/linh-vuc.yml", "content/ban-sao.yml"}
    for path, entry in listing.items():
        assert entry["sha"] == hash_object(editor, path) and entry["size"] == (editor.root / path).stat().st_size
    # files.js fetchFileContents: page size, then the texts, in the order asked, base64.
    per_page = editor.get("/settings/api")["default_paging_num"]
    assert per_page >= 30
    status, _, files = editor.call("POST", f"{REPO}/file-contents?ref={BRANCH}",
                                   {"files": [OLD_POST, "content/categories.yml", "content/khong-co.yml"]})
    assert status == 200 and files[2] is None
    for path, answer in zip([OLD_POST, "content/categories.yml"], files, strict=False):
        assert answer["encoding"] == "base64" and answer["path"] == path
        assert base64.b64decode(answer["content"]) == (editor.root / path).read_bytes()
    # files.js fetchBlob: an asset's bytes, by branch and encodeURI'd path.
    status, headers, data = editor.call("GET", f"{REPO}/media/{BRANCH}/content/news/2024/anh.png")
    assert status == 200 and data == PNG and headers["content-type"] == "image/png"
    # commits.js fetchFileCommits: a file's history from git.
    history = editor.get(f"{REPO}/commits?sha={BRANCH}&path={OLD_POST}&limit=100")
    assert [(c["commit"]["message"], c["commit"]["author"]["name"]) for c in history] == [("Bản đầu", EDITOR[0])]
    assert history[0]["sha"] == git(editor.root, "rev-parse", "HEAD").strip() and history[0]["commit"]["author"]["date"]


def test_the_listing_comes_in_pages_and_follows_the_disk(editor):
    for number in range(5):
        (editor.root / f"content/media/anh-{number}.png").write_bytes(PNG + bytes([number]))
    first = editor.get(f"{REPO}/git/trees/{BRANCH}?recursive=1&page=1&per_page=4")
    assert first["truncated"] and len(first["tree"]) == 4 and first["total_count"] == 10
    last = editor.get(f"{REPO}/git/trees/{BRANCH}?recursive=1&page=3&per_page=4")
    assert not last["truncated"] and len(last["tree"]) == 2
    # A file edited on disk (by hand, by `make new-tin`) changes the id Sveltia caches its list by.
    before = editor.get(f"{REPO}/branches/{BRANCH}")["commit"]["id"]
    (editor.root / OLD_POST).write_text(POST, encoding="utf-8")
    after = editor.get(f"{REPO}/branches/{BRANCH}")["commit"]["id"]
    assert after != before and editor.listing()[OLD_POST]["sha"] == hash_object(editor, OLD_POST)


def test_create_update_rename_delete_round_trip(editor):
    # The editor's own unrelated work in progress stays as it was: not committed, not unstaged.
    (editor.root / "content/linh-vuc.yml").write_text("# đang sửa dở\n", encoding="utf-8", newline="")
    (editor.root / "hooks/ghi-chu.txt").write_text("staged\n", encoding="utf-8")
    git(editor.root, "add", "hooks/ghi-chu.txt")

    # create: a post with its image, one commit.
    status, _, answer = editor.save([{"operation": "create", "path": POST_PATH, "content": b64(POST)},
                                     {"operation": "create", "path": "content/news/2026/anh.png", "content": b64(PNG)}],
                                    "Thêm tin bài “tin-moi”")
    assert status == 201, answer
    assert (editor.root / POST_PATH).read_text(encoding="utf-8") == POST
    assert (editor.root / "content/news/2026/anh.png").read_bytes() == PNG
    assert answer["commit"]["sha"] == git(editor.root, "rev-parse", "HEAD").strip() and answer["commit"]["created"]
    assert [f["path"] for f in answer["files"]] == [POST_PATH, "content/news/2026/anh.png"]
    assert answer["files"][0]["sha"] == hash_object(editor, POST_PATH)
    assert last_commit(editor) == ("Thêm tin bài “tin-moi”", {("A", POST_PATH), ("A", "content/news/2026/anh.png")})
    assert git(editor.root, "log", "-1", "--format=%an <%ae>").strip() == f"{EDITOR[0]} <{EDITOR[1]}>"
    sha = answer["files"][0]["sha"]

    # update with the sha the editor read.
    changed = POST.replace("Nội dung.", "Nội dung đã sửa.")
    status, _, answer = editor.save([{"operation": "update", "path": POST_PATH, "content": b64(changed), "sha": sha}])
    assert status == 201, answer
    assert (editor.root / POST_PATH).read_text(encoding="utf-8") == changed
    assert last_commit(editor) == ("Sửa tin bài “tin-moi”", {("M", POST_PATH)})
    sha = answer["files"][0]["sha"]

    # rename (the date moved to another year): Sveltia's "move" is an update with from_path.
    moved = "content/news/2025/2025-12-30-tin-moi.md"
    status, _, answer = editor.save([{"operation": "update", "path": moved, "from_path": POST_PATH,
                                      "content": b64(changed), "sha": sha}])
    assert status == 201, answer
    assert not (editor.root / POST_PATH).exists() and (editor.root / moved).read_text(encoding="utf-8") == changed
    assert (editor.root / "content/news/2026/anh.png").exists()  # only the post moved
    assert last_commit(editor)[1] == {("D", POST_PATH), ("A", moved)}
    assert answer["files"][0]["path"] == moved

    # delete: the post and the image, both by the sha the listing gave.
    listing = editor.listing()
    status, _, answer = editor.save([{"operation": "delete", "path": moved, "sha": listing[moved]["sha"]},
                                     {"operation": "delete", "path": "content/news/2026/anh.png",
                                      "sha": listing["content/news/2026/anh.png"]["sha"]}], "Xoá tin bài “tin-moi”")
    assert status == 201 and answer["files"] == [None, None]
    assert not (editor.root / moved).exists() and not (editor.root / "content/news/2026").exists()
    assert last_commit(editor) == ("Xoá tin bài “tin-moi”", {("D", moved), ("D", "content/news/2026/anh.png")})
    assert moved not in editor.listing()

    # Four saves, four commits; the work in progress is untouched.
    assert git(editor.root, "rev-list", "--count", "HEAD").strip() == "5"
    assert git(editor.root, "status", "--porcelain", "--untracked-files=no").splitlines() == [" M content/linh-vuc.yml",
                                                                      "A  hooks/ghi-chu.txt"]


def test_an_upload_and_its_history(editor):
    status, _, answer = editor.save([{"operation": "create", "path": "content/media/so-do.png", "content": b64(PNG)}],
                                    "Tải lên “content/media/so-do.png”")
    assert status == 201
    status, _, data = editor.call("GET", f"{REPO}/media/{BRANCH}/content/media/so-do.png")
    assert data == PNG
    history = editor.get(f"{REPO}/commits?sha={BRANCH}&path=content/media/so-do.png&limit=100")
    assert [c["sha"] for c in history] == [answer["commit"]["sha"]]


def test_a_file_changed_on_disk_since_it_was_read_is_not_overwritten(editor):
    read = editor.listing()[OLD_POST]["sha"]
    (editor.root / OLD_POST).write_text(POST + "Sửa trên máy.\n", encoding="utf-8")
    on_disk = (editor.root / OLD_POST).read_bytes()
    head = git(editor.root, "rev-parse", "HEAD")
    for change in ({"operation": "update", "path": OLD_POST, "content": b64("ghi đè"), "sha": read},
                   {"operation": "delete", "path": OLD_POST, "sha": read},
                   {"operation": "update", "path": "content/news/2024/doi-ten.md", "from_path": OLD_POST,
                    "content": b64("ghi đè"), "sha": read}):
        status, headers, answer = editor.save([change])
        assert status == 409 and "tải lại" in answer["message"]
        assert headers["access-control-allow-origin"] == editor.origin  # so the editor can say why
    assert (editor.root / OLD_POST).read_bytes() == on_disk and not (editor.root / "content/news/2024/doi-ten.md").exists()
    assert git(editor.root, "rev-parse", "HEAD") == head


@pytest.mark.parametrize("change, expected", [
    ({"operation": "update", "path": OLD_POST, "content": b64("x")}, 422),  # no sha, as Gitea requires
    ({"operation": "delete", "path": OLD_POST}, 422),
    ({"operation": "create", "path": OLD_POST, "content": b64("x")}, 422),  # exists already
    ({"operation": "update", "path": "content/khong-co.md", "content": b64("x"), "sha": "0" * 40}, 404),
    ({"operation": "create", "path": "content/categories.yml/x.md", "content": b64("x")}, 422),
    ({"operation": "create", "path": "content/x.md", "content": "không phải base64"}, 422),
    ({"operation": "upload", "path": "content/x.md", "content": b64("x")}, 422),
], ids=["update-no-sha", "delete-no-sha", "create-existing", "update-missing", "under-a-file", "bad-base64", "op"])
def test_saves_gitea_would_refuse_are_refused(editor, change, expected):
    head = git(editor.root, "rev-parse", "HEAD")
    status, _, answer = editor.save([change])
    assert status == expected and answer["message"]
    assert git(editor.root, "rev-parse", "HEAD") == head and not (editor.root / "content/x.md").exists()


def test_two_saves_of_the_same_version_one_wins(editor):
    sha = editor.listing()[OLD_POST]["sha"]
    results = []

    def save(text: str) -> None:
        results.append(editor.save([{"operation": "update", "path": OLD_POST, "content": b64(text), "sha": sha}])[0])

    threads = [threading.Thread(target=save, args=(f"bản {n}\n",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [201, 409]
    assert (editor.root / OLD_POST).read_text(encoding="utf-8") in ("bản 0\n", "bản 1\n")


def test_saving_the_same_text_makes_no_empty_commit(editor):
    sha = editor.listing()[OLD_POST]["sha"]
    head = git(editor.root, "rev-parse", "HEAD").strip()
    text = (editor.root / OLD_POST).read_bytes()
    status, _, answer = editor.save([{"operation": "update", "path": OLD_POST, "content": b64(text), "sha": sha}])
    assert status == 201 and answer["commit"]["sha"] == head and answer["files"][0]["sha"] == sha


def test_hooks_do_not_run_and_a_missing_identity_is_filled_in(editor, tmp_path, monkeypatch):
    marker = tmp_path / "hook-ran"
    for hook in ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit"):
        path = editor.root / ".git/hooks" / hook
        path.write_text(f"#!/bin/sh\necho {hook} >> {marker}\n")
        path.chmod(0o755)
    git(editor.root, "config", "--unset", "user.name")
    git(editor.root, "config", "--unset", "user.email")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    assert editor.get("/user")["login"] == FALLBACK_LOGIN
    status, _, _ = editor.save([{"operation": "create", "path": POST_PATH, "content": b64(POST)}])
    assert status == 201 and not marker.exists()
    assert git(editor.root, "log", "-1", "--format=%an").strip() == FALLBACK_LOGIN
    assert last_commit(editor)[1] == {("A", POST_PATH)}


def test_a_scanned_decision_of_30_mb_fits(editor):
    pdf = b"%PDF-1.7\n" + bytes(30 * 1024 * 1024)
    status, _, answer = editor.save([{"operation": "create", "path": "content/tthc/quyet-dinh/qd-1234.pdf",
                                      "content": b64(pdf)}], "Tải lên “content/tthc/quyet-dinh/qd-1234.pdf”")
    assert status == 201, answer
    assert (editor.root / "content/tthc/quyet-dinh/qd-1234.pdf").read_bytes() == pdf
    assert answer["files"][0]["sha"] == hash_object(editor, "content/tthc/quyet-dinh/qd-1234.pdf")


def test_outside_a_git_repository_files_are_still_saved(tmp_path):
    project = make_project(tmp_path / "site-src", repository=False)
    with EditorBackend(project.path, 0, free_port()) as backend:
        editor = Client(backend, project.path)
        repo = editor.get(REPO)
        assert repo["default_branch"] == "main"
        editor_branch = editor.get("/repos/may-nay/noi-dung/branches/main")
        assert len(editor_branch["commit"]["id"]) == 40
        status, _, answer = editor.call("POST", f"{REPO}/contents", {
            "branch": "main", "message": "Thêm", "files": [{"operation": "create", "path": POST_PATH,
                                                            "content": b64(POST)}]})
        assert status == 201 and len(answer["commit"]["sha"]) == 40
        assert (project.path / POST_PATH).read_text(encoding="utf-8") == POST
        assert editor.get(f"{REPO}/commits?sha=main&path={POST_PATH}") == []
    assert subprocess.run(["git", "rev-parse"], cwd=project.path, capture_output=True).returncode != 0
