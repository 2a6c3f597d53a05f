"""Publishing the built site: ``python -m cchc deploy`` (``make deploy``).

Three kinds, chosen by ``extra.deploy.kind`` in mkdocs.yml (cchc.core.settings.DeploySettings),
an environment variable or a flag (cchc.deploy.run):

``github``  GitHub Pages. .github/workflows/publish.yml publishes on every merge; this command only
            says so (cchc.deploy.run explains why it does not push a gh-pages branch itself).
``rsync``   a folder on the department's own server over SSH, or on this machine (cchc.deploy.rsync):
            every deploy is a new release folder, switched live in one rename.
``s3``      S3-compatible object storage (cchc.deploy.s3): changed files only, pages last.

Whatever the kind, a site that is not a finished build is never published (:func:`check_site`).
"""

from __future__ import annotations

from pathlib import Path

# The pages every finished build has; without them the folder is not a site `make build` wrote.
REQUIRED_PAGES = ("index.html", "404.html")


class DeployError(Exception):
    """A deploy that cannot go on; the message (Vietnamese) says what was wrong and what to do."""


def check_site(site: Path) -> None:
    """Refuse a missing, empty or partial site/ before anything is sent anywhere."""
    if not site.is_dir():
        raise DeployError(f"không có thư mục trang đã dựng {site}; chạy `make build` trước (make deploy tự làm việc này)")
    if not any(site.iterdir()):
        raise DeployError(f"thư mục trang {site} đang trống; chạy `make build` trước")
    missing = [name for name in REQUIRED_PAGES if not (site / name).is_file()]
    if missing:
        raise DeployError(f"thư mục {site} thiếu {', '.join(missing)}: đây không phải một bản dựng trọn vẹn "
                          "của `make build`; dựng lại rồi xuất bản")
