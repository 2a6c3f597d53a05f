"""Publish site/ to S3-compatible object storage: only what changed, pages last, then remove what is gone.

For a provincial data centre's MinIO or Ceph, or a provider's S3 service (Viettel, VNPT, FPT…). The bucket
(or its ``prefix``) belongs to the site alone: an object there that the site no longer has is deleted.

Order, so that a reader never gets a page whose stylesheet, script, image or search index is not there
yet: first every new or changed file that is neither a page nor a feed (assets, images, attachments,
search index), then the pages (.html), then the feeds and sitemap (.xml), which announce the pages; last
the objects no longer in the site are deleted. Unchanged files are not sent: a file's MD5 is compared with
the object's ETag (the MD5 of an object uploaded in one part, as every object here is) or, where a server
gives ETags of another kind, with the MD5 this module stores in the object's metadata.

Headers: Content-Type from a fixed table (not the machine's /etc/mime.types, so every machine sends the
same), ``charset=utf-8`` on text; Cache-Control one year ``immutable`` for files whose name carries a
hash of their content (Material's ``bundle.<hash>.min.js``, Pagefind's index, the web editor's chunks),
five minutes for pages, feeds, data and unhashed code (a notice must show soon after it is published),
one hour for images and documents; office documents and archives are sent as downloads
(Content-Disposition: attachment), as README asks of a department's own server.

Precompressed ``<file>.gz`` / ``<file>.br`` beside a file are not uploaded: object storage cannot choose
between them by the reader's Accept-Encoding, so they would only be dead objects at their own URLs.

Keys come only from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional
AWS_SESSION_TOKEN), never from mkdocs.yml, which is in git.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cchc.core.settings import DeploySettings
from cchc.deploy import DeployError
from cchc.hosting import DOWNLOADS, IMMUTABLE
from cchc.render.precompress import ENCODINGS

SHORT = "public, max-age=300"
MEDIA = "public, max-age=3600"

# Names that change whenever the content does, so a cached copy can never be stale.
_HASHED = re.compile(r"""^(?:
    assets/(?:javascripts|stylesheets)/(?:[^/]+/)*[^/]+\.[0-9a-f]{8}\.min\.(?:js|css)(?:\.map)?
  | pagefind/(?:[^/]+/)*[^/]+_[0-9a-f]{7,}\.pf_[a-z]+
  | admin/(?:assets/)?[^/]+-(?=[A-Za-z0-9_]*[A-Z0-9])[A-Za-z0-9_]{8}\.(?:js|css|wasm|woff2|png)
)$""", re.X)
# Read again on every visit: they name the current pages or the current hashed files.
_SHORT_SUFFIXES = {".html", ".xml", ".json", ".csv", ".txt", ".yml", ".webmanifest", ".js", ".mjs", ".css", ".map"}
_DOWNLOADS = {f".{suffix}" for suffix in DOWNLOADS}
_TYPES = {
    ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript",
    ".json": "application/json", ".map": "application/json", ".xml": "application/xml", ".txt": "text/plain",
    ".csv": "text/csv", ".yml": "text/yaml", ".svg": "image/svg+xml", ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm", ".woff2": "font/woff2", ".woff": "font/woff", ".png": "image/png",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif",
    ".ico": "image/x-icon", ".pdf": "application/pdf", ".rtf": "application/rtf", ".zip": "application/zip",
    ".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
_TEXT_TYPES = {"application/json", "application/xml", "text/javascript", "image/svg+xml", "application/manifest+json"}
_PRECOMPRESSED = tuple(ENCODINGS)
_MD5 = re.compile(r"^[0-9a-f]{32}$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_PREFIX = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
_ENDPOINT = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?/?$")
_BUILTIN_TYPES = mimetypes.MimeTypes()  # Python's own table only: the same on every machine
WORKERS = 8  # uploads at once: thousands of small files are bound by round trips, not bandwidth
BATCH = 1000  # the most keys one DeleteObjects request takes


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    kind = _TYPES.get(suffix) or _BUILTIN_TYPES.guess_type(name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind in _TEXT_TYPES else kind


def cache_control(rel: str) -> str:
    if _HASHED.match(rel):
        return IMMUTABLE
    if Path(rel).suffix.lower() in _SHORT_SUFFIXES or rel.startswith("pagefind/"):
        return SHORT  # Pagefind's unhashed files name its hashed index: they must be of the same build
    return MEDIA


def order(rel: str) -> int:
    """0: assets and files, 1: pages, 2: feeds and sitemap (which announce the pages)."""
    suffix = Path(rel).suffix.lower()
    return 1 if suffix == ".html" else 2 if suffix == ".xml" else 0


@dataclass(frozen=True)
class LocalFile:
    rel: str  # path in the site, "/"-separated
    path: Path
    md5: str
    size: int

    def headers(self) -> dict[str, Any]:
        headers = {"ContentType": content_type(self.rel), "CacheControl": cache_control(self.rel)}
        if Path(self.rel).suffix.lower() in _DOWNLOADS:
            headers["ContentDisposition"] = "attachment"
        return headers


def site_files(site: Path) -> list[LocalFile]:
    """Every file of the site, precompressed siblings left out (see module doc), sorted."""
    found = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        if path.suffix in _PRECOMPRESSED and path.with_suffix("").is_file():
            continue
        data = path.read_bytes()
        found.append(LocalFile(path.relative_to(site).as_posix(), path, hashlib.md5(data).hexdigest(), len(data)))
    return found


@dataclass(frozen=True)
class Outcome:
    uploaded: tuple[str, ...]  # site paths, in the order sent (by order())
    unchanged: int
    deleted: tuple[str, ...]  # object keys


@dataclass(frozen=True)
class Bucket:
    """Where the site goes: a checked bucket and key prefix on one service."""

    name: str
    prefix: str = ""  # "" or "a/b/"
    endpoint: str = ""
    region: str = ""

    @classmethod
    def checked(cls, conf: DeploySettings, origins: Mapping[str, str]) -> Bucket:
        def refuse(field: str, value: str, rule: str) -> DeployError:
            return DeployError(f"{field} “{value}” ({origins.get(field, '')}) {rule}")
        if not conf.bucket:
            raise DeployError("chưa khai bucket S3: đặt extra.deploy.bucket trong mkdocs.yml hoặc biến CCHC_DEPLOY_BUCKET")
        if not _BUCKET.match(conf.bucket):
            raise refuse("bucket", conf.bucket, "không phải tên bucket hợp lệ (chữ thường, số, dấu chấm, gạch ngang, 3–63 ký tự)")
        prefix = conf.prefix.strip("/")
        if prefix and (not _PREFIX.match(prefix) or any(part in (".", "..") for part in prefix.split("/"))):
            raise refuse("prefix", conf.prefix, "chỉ gồm chữ không dấu, số, “.”, “_”, “-” và “/” giữa các phần, không có “..”")
        if conf.endpoint and not _ENDPOINT.match(conf.endpoint):
            raise refuse("endpoint", conf.endpoint, "phải là địa chỉ dạng https://tên-máy[:cổng]")
        return cls(conf.bucket, prefix + "/" if prefix else "", conf.endpoint.rstrip("/"), conf.region)

    def __str__(self) -> str:
        where = f" ở {self.endpoint}" if self.endpoint else ""
        return f"s3://{self.name}/{self.prefix}{where}"


def client_for(bucket: Bucket, env: Mapping[str, str] = os.environ, attempts: int = 5) -> Any:
    """A boto3 S3 client with the keys from the environment, made for S3-compatible servers."""
    key, secret = env.get("AWS_ACCESS_KEY_ID", ""), env.get("AWS_SECRET_ACCESS_KEY", "")
    if not key or not secret:
        missing = " và ".join(n for n, v in (("AWS_ACCESS_KEY_ID", key), ("AWS_SECRET_ACCESS_KEY", secret)) if not v)
        raise DeployError(f"thiếu khoá truy cập S3: đặt biến môi trường {missing} (trong CI: biến bí mật, được che). "
                          "Khoá không bao giờ ghi vào mkdocs.yml")
    import boto3  # here, not at the top: only this command needs it, and it takes a while to import
    from botocore.config import Config

    config = Config(
        # Since botocore 1.36 every request carries CRC checksums by default, which several
        # S3-compatible servers reject; Content-MD5 (sent with every upload) is understood by all.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        s3={"addressing_style": "path"} if bucket.endpoint else None,  # MinIO, Ceph: bucket in the path
        retries={"total_max_attempts": attempts, "mode": "standard"},
        max_pool_connections=WORKERS,
        connect_timeout=20,
        read_timeout=120,
    )
    session = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret,
                                    aws_session_token=env.get("AWS_SESSION_TOKEN") or None,
                                    region_name=bucket.region or "us-east-1")
    return session.client("s3", endpoint_url=bucket.endpoint or None, config=config)


class S3:
    def __init__(self, bucket: Bucket, client: Any, log: Callable[[str], None] = print):
        self.bucket, self.client, self.log = bucket, client, log

    def deploy(self, site: Path) -> Outcome:
        try:
            return self._deploy(site)
        except DeployError:
            raise
        except Exception as error:  # botocore's errors: said in words, not as a traceback
            raise DeployError(self._explain(error)) from error

    def _deploy(self, site: Path) -> Outcome:
        local = site_files(site)
        remote = self._objects()
        changed = [f for f in local if not self._same(f, remote.get(self.bucket.prefix + f.rel))]
        changed.sort(key=lambda f: (order(f.rel), f.rel))
        for tier in (0, 1, 2):
            self._upload([f for f in changed if order(f.rel) == tier])
        keep = {self.bucket.prefix + f.rel for f in local}
        stale = sorted(key for key in remote if key not in keep)
        for start in range(0, len(stale), BATCH):
            batch = stale[start:start + BATCH]
            answer = self.client.delete_objects(Bucket=self.bucket.name,
                                                Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise DeployError(f"không xoá được {len(answer['Errors'])} tệp cũ trên {self.bucket}, ví dụ "
                                  f"{first.get('Key')}: {first.get('Code')} {first.get('Message', '')}")
        return Outcome(tuple(f.rel for f in changed), len(local) - len(changed), tuple(stale))

    def _objects(self) -> dict[str, dict[str, Any]]:
        found = {}
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket.name, Prefix=self.bucket.prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                found[item["Key"]] = item
        return found

    def _same(self, file: LocalFile, remote: dict[str, Any] | None) -> bool:
        if remote is None or remote.get("Size") != file.size:
            return False
        etag = str(remote.get("ETag", "")).strip('"')
        if _MD5.match(etag):
            return etag == file.md5
        head = self.client.head_object(Bucket=self.bucket.name, Key=self.bucket.prefix + file.rel)
        return head.get("Metadata", {}).get("md5") == file.md5

    def _upload(self, files: Iterable[LocalFile]) -> None:
        files = list(files)
        if not files:
            return
        with ThreadPoolExecutor(WORKERS) as pool:
            futures = [pool.submit(self._put, f) for f in files]
            try:
                for future in as_completed(futures):
                    future.result()
            except BaseException:
                for future in futures:  # one failure stops the rest: the pages after it must not go up
                    future.cancel()
                raise

    def _put(self, file: LocalFile) -> None:
        data = file.path.read_bytes()
        digest = hashlib.md5(data)
        if digest.hexdigest() != file.md5:
            raise DeployError(f"tệp {file.rel} đã đổi trong lúc xuất bản; dựng lại rồi xuất bản lại")
        self.client.put_object(Bucket=self.bucket.name, Key=self.bucket.prefix + file.rel, Body=data,
                               ContentMD5=base64.b64encode(digest.digest()).decode(),
                               Metadata={"md5": file.md5}, **file.headers())

    def _explain(self, error: Exception) -> str:
        from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

        if isinstance(error, ClientError):
            code = error.response.get("Error", {}).get("Code", "")
            message = error.response.get("Error", {}).get("Message", "")
            if code == "NoSuchBucket":
                return f"không có bucket “{self.bucket.name}” trên {self.bucket}; tạo bucket trước hoặc sửa extra.deploy.bucket"
            if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403", "InvalidToken"):
                return (f"dịch vụ S3 từ chối khoá truy cập ({code}) ở {self.bucket}: kiểm tra AWS_ACCESS_KEY_ID, "
                        "AWS_SECRET_ACCESS_KEY và quyền đọc, ghi, xoá trên bucket")
            return f"dịch vụ S3 báo lỗi {code} ở {self.bucket}: {message}"
        if isinstance(error, EndpointConnectionError):
            return f"không kết nối được tới dịch vụ S3 {self.bucket.endpoint or 'Amazon S3'}: kiểm tra địa chỉ và mạng"
        if isinstance(error, NoCredentialsError):
            return "thiếu khoá truy cập S3 (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)"
        return f"xuất bản lên {self.bucket} không thành: {error}"
