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
    source.write_bytes(photo(320, 180))
    with Image.open(render_thumbnail(source, tmp_path)) as thumb:
        assert thumb.size == (320, 180)


def bands(width: int, height: int, across: bool) -> bytes:
    """Red edges (a quarter each) around a blue middle, top and bottom or left and right."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    middle = (0, height // 4, width, height - height // 4) if across else (width // 4, 0, width - width // 4, height)
    image.paste((20, 60, 200), middle)
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_thumbnails_are_the_middle_16_by_9_that_the_listing_shows(tmp_path):
    """An upright or a panoramic photo keeps only the part the listing shows (16:9 from the middle)."""
    for name, (width, height), across, size in (("doc.png", (900, 1600), True, (480, 270)),
                                                 ("ngang.png", (2400, 600), False, (480, 270)),
                                                 ("nho.png", (300, 400), True, (300, 169))):
        source = tmp_path / name
        source.write_bytes(bands(width, height, across))
        with Image.open(render_thumbnail(source, tmp_path / "cache")) as thumb:
            assert thumb.size == size == thumbnail_size((width, height)), name
            # Only the blue middle is left, up to its edge pixels.
            corners = [thumb.getpixel(xy) for xy in ((2, 2), (size[0] - 3, 2), (2, size[1] - 3), (size[0] // 2, size[1] // 2))]
            assert all(r < 90 and b > 150 for r, _, b in corners), (name, corners)


def test_sideways_phone_photo_is_turned_then_cut_to_the_listing_shape(project):
    project.write("content/news/2024/dung.jpg", photo(1600, 1200, orientation=6))
    project.post("2024-03-07-tin-thu", extra='image: dung.jpg\nimage_alt: "Ảnh chụp dọc"\n')
    post = project.content().news.posts[0]
    assert post.image_size == (1200, 1600)
    thumb = render_thumbnail(post.image_path, project.path / ".cache")
    with Image.open(thumb) as picture:
        assert picture.size == post.thumbnail_size == (480, 270)
