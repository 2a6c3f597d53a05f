"""make deploy to S3-compatible storage, against a real S3 server over HTTP (moto's, on a free local port).

Nothing is mocked inside this process: boto3 talks HTTP to the server, and every check reads back
what the server holds (objects, bodies, headers, metadata).
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from cchc.deploy import DeployError
from cchc.deploy.run import ENV, add_arguments, run
from cchc.deploy.s3 import IMMUTABLE, MEDIA, S3, SHORT, Bucket, client_for
from tests.test_deploy import project

KEYS = {"AWS_ACCESS_KEY_ID": "khoa-thu", "AWS_SECRET_ACCESS_KEY": "bi-mat-thu"}

SITE = {
    "index.html": "<!doctype html><title>Trang chủ</title><p>Sở Y tế tỉnh Hoà An</p>",
    "404.html": "<!doctype html><title>Không tìm thấy trang</title>",
    "tin-tuc/index.html": "<!doctype html><title>Tin tức</title>",
    "tin-tuc/2024/tin-cu/index.html": "<!doctype html><title>Tin cũ</title>",
    "feed.xml": "<?xml version='1.0' encoding='UTF-8'?><rss><channel><title>Tin</title></channel></rss>",
    "sitemap.xml": "<?xml version='1.0'?><urlset/>",
    "robots.txt": "User-agent: *\n",
    "tthc/tthc.json": '{"thu_tuc": []}',
    "tthc/tthc.csv": "mã,tên\n",
    "xuat-ban.json": '{"next": null}',
    "assets/javascripts/bundle.a5f9d56c.min.js": "console.log(1)",
    "assets/javascripts/bundle.a5f9d56c.min.js.map": "{}",
    "assets/stylesheets/main.57a0d79d.min.css": "body{}",
    "assets/js/site.js": "/* chưa băm */",
    "assets/css/site.css": "/* chưa băm */",
    "pagefind/fragment/vi_1020d4e.pf_fragment": "\x00pf",
    "pagefind/pagefind.vi_ac8e6a7b77.pf_meta": "\x00pf",
    "pagefind/pagefind-entry.json": "{}",
    "pagefind/pagefind.js": "/* pagefind */",
    "admin/chunk-36TOFGCB.js": "/* esbuild */",
    "admin/assets/source-sans-3-latin-wght-normal-BqRLTx4X.woff2": "wOF2",
    "admin/khoi-dong.js": "/* chưa băm */",
    "admin/config.yml": "backend: {}\n",
    "anh-chia-se.png": "\x89PNG",
    "tthc/mau/don-de-nghi.docx": "PK\x03\x04",
    "tthc/quyet-dinh/qd-1.pdf": "%PDF-1.7",
    "assets/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
}
# What each kind of file is sent with: (Content-Type, Cache-Control, Content-Disposition).
EXPECTED = {
    "index.html": ("text/html; charset=utf-8", SHORT, None),
    "tin-tuc/index.html": ("text/html; charset=utf-8", SHORT, None),
    "feed.xml": ("application/xml; charset=utf-8", SHORT, None),
    "robots.txt": ("text/plain; charset=utf-8", SHORT, None),
    "tthc/tthc.json": ("application/json; charset=utf-8", SHORT, None),
    "tthc/tthc.csv": ("text/csv; charset=utf-8", SHORT, None),
    "xuat-ban.json": ("application/json; charset=utf-8", SHORT, None),
    "assets/javascripts/bundle.a5f9d56c.min.js": ("text/javascript; charset=utf-8", IMMUTABLE, None),
    "assets/javascripts/bundle.a5f9d56c.min.js.map": ("application/json; charset=utf-8", IMMUTABLE, None),
    "assets/stylesheets/main.57a0d79d.min.css": ("text/css; charset=utf-8", IMMUTABLE, None),
    "assets/js/site.js": ("text/javascript; charset=utf-8", SHORT, None),
    "assets/css/site.css": ("text/css; charset=utf-8", SHORT, None),
    "pagefind/fragment/vi_1020d4e.pf_fragment": ("application/octet-stream", IMMUTABLE, None),
    "pagefind/pagefind.vi_ac8e6a7b77.pf_meta": ("application/octet-stream", IMMUTABLE, None),
    "pagefind/pagefind-entry.json": ("application/json; charset=utf-8", SHORT, None),
    "pagefind/pagefind.js": ("text/javascript; charset=utf-8", SHORT, None),
    "admin/chunk-36TOFGCB.js": ("text/javascript; charset=utf-8", IMMUTABLE, None),
    "admin/assets/source-sans-3-latin-wght-normal-BqRLTx4X.woff2": ("font/woff2", IMMUTABLE, None),
    "admin/khoi-dong.js": ("text/javascript; charset=utf-8", SHORT, None),
    "admin/config.yml": ("text/yaml; charset=utf-8", SHORT, None),
    "anh-chia-se.png": ("image/png", MEDIA, None),
    "tthc/mau/don-de-nghi.docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                  MEDIA, "attachment"),
    "tthc/quyet-dinh/qd-1.pdf": ("application/pdf", MEDIA, None),
    "assets/logo.svg": ("image/svg+xml; charset=utf-8", MEDIA, None),
}


@pytest.fixture(scope="module")
def server():
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    yield f"http://{host}:{port}"
    moto.stop()


_names = iter(range(1000))


@pytest.fixture
def bucket(server):
    """A new bucket on the server, and a client to read it back with."""
    name = f"syt-web-{next(_names)}"
    raw = boto3.client("s3", endpoint_url=server, region_name="us-east-1",
                       aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"], aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
                       config=Config(s3={"addressing_style": "path"}))
    raw.create_bucket(Bucket=name)
    return name, raw


def write_site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return root


def objects(raw, name: str) -> dict[str, dict]:
    listing = raw.list_objects_v2(Bucket=name).get("Contents", [])
    return {item["Key"]: item for item in listing}


def cli(root: Path, env: dict[str, str], *argv: str) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=root)
    add_arguments(parser)
    return run(parser.parse_args(list(argv)), env=env)


def test_first_deploy_sends_every_file_with_its_headers(tmp_path, server, bucket, capsys):
    name, raw = bucket
    site = write_site(tmp_path / "site", SITE)
    (site / "index.html.gz").write_bytes(b"\x1f\x8b nen san")  # precompressed siblings (cchc.render.precompress)
    (site / "index.html.br").write_bytes(b"nen san")
    raw.put_object(Bucket=name, Key="ngoai-trang.txt", Body=b"not the site's")  # outside the prefix: kept
    root = project(tmp_path, {"kind": "s3", "endpoint": server, "bucket": name, "prefix": "syt"})
    assert cli(root, KEYS, "--site", str(site)) == 0
    said = capsys.readouterr().out
    assert f"gửi {len(SITE)} tệp mới hoặc đã đổi, 0 tệp giữ nguyên, xoá 0 tệp" in said

    stored = objects(raw, name)
    assert set(stored) == {f"syt/{rel}" for rel in SITE} | {"ngoai-trang.txt"}  # no .gz/.br objects
    for rel, (kind, cache, disposition) in EXPECTED.items():
        head = raw.head_object(Bucket=name, Key=f"syt/{rel}")
        assert (head["ContentType"], head["CacheControl"], head.get("ContentDisposition")) == (kind, cache, disposition), rel
    body = raw.get_object(Bucket=name, Key="syt/index.html")["Body"].read()
    assert body.decode("utf-8") == SITE["index.html"]  # the bytes as built, Vietnamese intact


def test_second_deploy_sends_only_what_changed_pages_last_and_removes_what_is_gone(tmp_path, server, bucket):
    name, raw = bucket
    target = Bucket(name, "syt/", server, "")
    site = write_site(tmp_path / "site", SITE)
    S3(target, client_for(target, KEYS)).deploy(site)
    # Mark every object as it is now on the server: an object sent again loses the mark.
    for key in objects(raw, name):
        raw.copy_object(Bucket=name, Key=key, CopySource={"Bucket": name, "Key": key}, MetadataDirective="REPLACE",
                        Metadata={"md5": raw.head_object(Bucket=name, Key=key)["ETag"].strip('"'), "lan": "1"},
                        ContentType=raw.head_object(Bucket=name, Key=key)["ContentType"])
    raw.put_object(Bucket=name, Key="syt/tin-tuc/2023/tin-da-xoa/index.html", Body=b"old")  # gone from the site

    (site / "tin-tuc/index.html").write_text("<!doctype html><title>Tin tức mới</title>", encoding="utf-8")
    write_site(site, {"tin-tuc/2024/tin-moi/index.html": "<!doctype html><title>Tin mới</title>",
                      "assets/javascripts/bundle.0badc0de.min.js": "console.log(2)",
                      "sitemap.xml": "<?xml version='1.0'?><urlset><url/></urlset>"})
    (site / "assets/javascripts/bundle.a5f9d56c.min.js").unlink()
    (site / "tin-tuc/2024/tin-cu/index.html").touch()  # rewritten by the build, same bytes: not sent

    calls: list[tuple[str, float, float]] = []
    client = client_for(target, KEYS)
    real_put, lock = client.put_object, threading.Lock()

    def timed_put(**kwargs):  # the real request, timed, to see the order the server received them in
        started = time.monotonic()
        answer = real_put(**kwargs)
        with lock:
            calls.append((kwargs["Key"], started, time.monotonic()))
        return answer

    client.put_object = timed_put
    outcome = S3(target, client).deploy(site)

    assert sorted(outcome.uploaded) == ["assets/javascripts/bundle.0badc0de.min.js", "sitemap.xml",
                                        "tin-tuc/2024/tin-moi/index.html", "tin-tuc/index.html"]
    assert outcome.unchanged == len(SITE) - 3  # 4 sent of the 28 files now in the site
    assert sorted(outcome.deleted) == ["syt/assets/javascripts/bundle.a5f9d56c.min.js",
                                       "syt/tin-tuc/2023/tin-da-xoa/index.html"]
    stored = objects(raw, name)
    assert "syt/tin-tuc/2023/tin-da-xoa/index.html" not in stored
    assert "syt/assets/javascripts/bundle.a5f9d56c.min.js" not in stored
    marks = {key: raw.head_object(Bucket=name, Key=key)["Metadata"].get("lan") for key in stored}
    sent = {key for key, mark in marks.items() if mark != "1"}
    assert sent == {f"syt/{rel}" for rel in outcome.uploaded}  # the server agrees: nothing else was sent
    assert raw.get_object(Bucket=name, Key="syt/tin-tuc/index.html")["Body"].read().decode() == \
        "<!doctype html><title>Tin tức mới</title>"

    finished = {key.removeprefix("syt/"): (start, end) for key, start, end in calls}
    asset, page, pages_done = finished["assets/javascripts/bundle.0badc0de.min.js"], finished["tin-tuc/index.html"], \
        max(finished[k][1] for k in finished if k.endswith(".html"))
    assert asset[1] <= page[0]  # the new script is there before the page that loads it
    assert pages_done <= finished["sitemap.xml"][0]  # the sitemap announces pages that exist

    again = S3(target, client_for(target, KEYS)).deploy(site)
    assert (again.uploaded, again.deleted, again.unchanged) == ((), (), len(SITE) + 1)


def test_objects_whose_etag_is_not_an_md5_are_compared_by_stored_md5(tmp_path, bucket, server):
    name, raw = bucket
    target = Bucket(name, "", server, "")
    big = "a" * (5 * 1024 * 1024) + "b"
    site = write_site(tmp_path / "site", {"index.html": "x", "404.html": "y", "tthc/lon.pdf": big})
    upload = raw.create_multipart_upload(Bucket=name, Key="tthc/lon.pdf")
    parts = [raw.upload_part(Bucket=name, Key="tthc/lon.pdf", UploadId=upload["UploadId"], PartNumber=n + 1,
                             Body=chunk.encode())["ETag"] for n, chunk in enumerate((big[:5 * 1024 * 1024], "b"))]
    raw.complete_multipart_upload(Bucket=name, Key="tthc/lon.pdf", UploadId=upload["UploadId"],
                                  MultipartUpload={"Parts": [{"ETag": e, "PartNumber": n + 1} for n, e in enumerate(parts)]})
    assert "-" in raw.head_object(Bucket=name, Key="tthc/lon.pdf")["ETag"]  # not an MD5: same bytes, unknown to us
    first = S3(target, client_for(target, KEYS)).deploy(site)
    assert "tthc/lon.pdf" in first.uploaded  # no stored MD5 to trust: sent again, in one part
    assert S3(target, client_for(target, KEYS)).deploy(site).uploaded == ()


def test_keys_only_from_the_environment_and_clear_refusals(tmp_path, server, bucket, capsys):
    name, raw = bucket
    site = write_site(tmp_path / "site", SITE)
    root = project(tmp_path, {"kind": "s3", "endpoint": server, "bucket": name})
    assert cli(root, {}, "--site", str(site)) == 1
    assert "thiếu khoá truy cập S3: đặt biến môi trường AWS_ACCESS_KEY_ID và AWS_SECRET_ACCESS_KEY" in capsys.readouterr().err
    assert cli(root, {**KEYS, ENV["bucket"]: "khong-co-bucket"}, "--site", str(site)) == 1
    assert "không có bucket “khong-co-bucket”" in capsys.readouterr().err
    assert cli(root, {**KEYS, ENV["bucket"]: "Sai_Ten"}, "--site", str(site)) == 1
    assert "bucket “Sai_Ten” (biến môi trường CCHC_DEPLOY_BUCKET) không phải tên bucket hợp lệ" in capsys.readouterr().err
    assert cli(root, {**KEYS, ENV["prefix"]: "../ngoai"}, "--site", str(site)) == 1
    assert "prefix “../ngoai” (biến môi trường CCHC_DEPLOY_PREFIX)" in capsys.readouterr().err
    assert cli(root, {**KEYS, ENV["endpoint"]: "ftp://kho"}, "--site", str(site)) == 1
    assert "endpoint “ftp://kho” (biến môi trường CCHC_DEPLOY_ENDPOINT) phải là địa chỉ" in capsys.readouterr().err
    assert cli(root, KEYS, "--site", str(tmp_path / "khong-co")) == 1
    assert "không có thư mục trang đã dựng" in capsys.readouterr().err
    assert cli(root, KEYS, "--rollback") == 1
    assert "kho S3 không giữ các bản cũ" in capsys.readouterr().err
    assert objects(raw, name) == {}  # every refusal before anything was sent
    with pytest.raises(DeployError, match="không kết nối được tới dịch vụ S3 http://127.0.0.1:9"):
        target = Bucket(name, "", "http://127.0.0.1:9", "")
        S3(target, client_for(target, KEYS, attempts=1)).deploy(site)
