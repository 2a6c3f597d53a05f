from io import BytesIO

from PIL import Image

from cchc.render.images import render_thumbnail, thumbnail_size, thumbnail_uri


def photo(width: int, height: int, orientation: int | None = None) -> bytes:
    out = BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    Image.new("RGB", (width, height), (20, 120, 160)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_thumbnail_is_small_and_cached(tmp_path):
    source = tmp_path / "anh.jpg"
    source.write_bytes(photo(1600, 900))
    first = render_thumbnail(source, tmp_path / "cache")
    with Image.open(first) as thumb:
        assert thumb.size == (480, 270) == thumbnail_size((1600, 900))
    (cached,) = (tmp_path / "cache").iterdir()
    data = cached.read_bytes()
    assert render_thumbnail(source, tmp_path / "cache") == first == cached and first.read_bytes() == data
    assert thumbnail_uri("tin-tuc/2024/anh.jpg") == "tin-tuc/2024/anh.nho.jpg"


def test_small_images_are_not_enlarged(tmp_path):
    source = tmp_path / "nho.png"
    source.write_bytes(photo(300, 200))
    with Image.open(render_thumbnail(source, tmp_path)) as thumb:
        assert thumb.size == (300, 200)


def test_sideways_phone_photo_gets_its_real_size(project):
    project.write("content/news/2024/dung.jpg", photo(1600, 1200, orientation=6))
    project.post("2024-03-07-tin-thu", extra='image: dung.jpg\nimage_alt: "Ảnh chụp dọc"\n')
    post = project.content().news.posts[0]
    assert post.image_size == (1200, 1600)
    thumb = render_thumbnail(post.image_path, project.path / ".cache")
    with Image.open(thumb) as picture:
        assert picture.size == post.thumbnail_size == (480, 640)
