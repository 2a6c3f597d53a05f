import io
from dataclasses import replace
from io import BytesIO

import pytest
from PIL import Image, ImageChops, ImageDraw

from cchc.render.cards import FOOTER_TOP, SIZE, Card, _font, draw, layout, paint, render, render_all, wrap

LONG = ("Cấp lại giấy phép hành nghề đối với chức danh chuyên môn bác sĩ, y sĩ, điều dưỡng, hộ sinh, kỹ thuật y, "
        "dinh dưỡng lâm sàng, cấp cứu viên ngoại viện, tâm lý lâm sàng trong trường hợp bị mất hoặc hư hỏng")


def test_wrap_never_breaks_a_word_and_fits_the_width():
    font = _font("Bold", 60)
    lines = wrap(LONG, font, 1056)
    assert " ".join(lines) == " ".join(LONG.split())
    assert all(font.getlength(line) <= 1056 for line in lines)


def test_wrap_breaks_inside_a_word_only_when_it_is_wider_than_the_line():
    font = _font("Bold", 60)
    word = "Đ" * 60
    lines = wrap(f"Mã {word} cấp tỉnh", font, 1056)
    assert "".join(lines).replace(" ", "") == f"Mã{word}cấptỉnh"
    assert len(lines) > 1 and all(font.getlength(line) <= 1056 for line in lines)


def title_of(card):
    boxes = [b for b in layout(card) if b.name.startswith("title.")]
    return boxes[0].size, [b.text for b in boxes]


def test_long_titles_shrink_then_end_with_an_ellipsis_at_a_word():
    size, lines = title_of(Card(title=LONG + " " + LONG, eyebrow="Thủ tục hành chính", footer="Sở Y tế"))
    assert size == 48 and lines[-1].endswith(" …")
    words = set((LONG + " " + LONG).split())
    assert all(word in words for line in lines for word in line.replace(" …", "").split())
    short_size, short = title_of(Card(title="Hội nghị cải cách hành chính", eyebrow="Tin", footer="Sở Y tế"))
    assert short_size == 68 and short == ["Hội nghị cải cách hành chính"]


def test_card_is_1200_by_630_and_cached_by_content(tmp_path):
    card = Card(title="Ẩm thực Ử Ặ ữ đường", eyebrow="Chuyên mục", footer="Sở Y tế", detail="07/03/2024",
                badge="Nộp trực tuyến toàn trình", badge_kind="toan_trinh")
    path = render(card, tmp_path)
    data = path.read_bytes()
    with Image.open(BytesIO(data)) as image:
        assert image.size == SIZE == (1200, 630) and image.format == "PNG"
    assert render(card, tmp_path) == path and draw(card) == data  # same card, same bytes
    assert [p.name for p in tmp_path.iterdir()] == [f"{card.key()}.png"]
    other = Card(title="Ẩm thực Ử Ặ ữ đường!", eyebrow="Chuyên mục", footer="Sở Y tế")
    assert other.key() != card.key()


def test_render_all_draws_missing_cards_in_parallel(tmp_path):
    cards = {f"p{i}/anh-chia-se.png": Card(title=f"Tin số {i}", eyebrow="Tin", footer="Sở Y tế") for i in range(10)}
    out = render_all(cards, tmp_path)
    assert set(out) == set(cards) and len(list(tmp_path.glob("*.png"))) == 10
    assert all(path.parent == tmp_path for path in out.values())
    stamps = {path: path.stat().st_mtime_ns for path in out.values()}
    assert render_all(cards, tmp_path) == out
    assert {path: path.stat().st_mtime_ns for path in out.values()} == stamps  # not drawn again


# --- Measured layout: nothing drawn on a card covers anything else ---------------------------------

from card_measure import Drawn, body_height, contrast, measured_colours, problems, recording, thumbnail  # noqa: E402

LONG_WORD = "SIÊUĐỘCQUYỀNHÓADANHMỤCTHỦTỤCHÀNHCHÍNHCẤPTỈNHKHÔNGCÓKHOẢNGTRẮNG"[:60]
LONG_EYEBROW = "Thủ tục hành chính · " + "Khám bệnh, chữa bệnh và giám định y khoa, pháp y, pháp y tâm thần " * 2


def synthetic_cards():
    """Cards no editor should write, every one of which must still be drawn cleanly."""
    everything = dict(eyebrow=LONG_EYEBROW, footer="Sở Y tế tỉnh Hoà An " * 5,
                      detail="Mã 1.009260 · Cấp tỉnh · 10 ngày làm việc; 30 ngày " * 4,
                      badge="Nộp trực tuyến toàn trình " * 4, badge_kind="toan_trinh")
    return [
        Card(title=(LONG + " ") * 3, eyebrow="Tin", footer="Sở Y tế"),  # a 500-character name
        Card(title=LONG_WORD, eyebrow="Tin", footer="Sở Y tế"),  # one 60-character word
        Card(title=f"{LONG_WORD} {LONG_WORD} {LONG}", **everything),
        Card(title=LONG, eyebrow=LONG_EYEBROW, footer="Sở Y tế", detail="Mã 1.009260 · Cấp tỉnh · 10 ngày làm việc",
             badge="Nộp trực tuyến một phần", badge_kind="mot_phan"),
        Card(title=(LONG + " ") * 3, band="Sẽ được thay thế, chưa rõ ngày hiệu lực " * 3, band_kind="pending",
             **everything),
        Card(title=LONG, eyebrow="Thủ tục hành chính · Khám bệnh, chữa bệnh", footer="Sở Y tế tỉnh Hoà An",
             detail="Hãy thực hiện theo: 1.009260 – " + LONG, band="Đã được thay thế từ 01/03/2025", band_kind="retired"),
        Card(title="Cấp giấy chứng nhận lương y", eyebrow="Thủ tục hành chính · Y, dược cổ truyền", footer="Sở Y tế",
             detail="Mã 1.009305 · Cấp tỉnh", band="Sẽ bãi bỏ từ 01/01/2027", band_kind="pending",
             badge="Nộp trực tuyến một phần", badge_kind="mot_phan"),
        Card(title="Ễ Ộ Ỗ ỵ g " * 30, eyebrow="Ễ", footer="Ễ", detail="ỵ g " * 40),  # stacked accents over descenders
    ]


@pytest.fixture(scope="module")
def demo_cards(demo_content):
    from cchc.site.plan import plan_cards, plan_pages

    return plan_cards(demo_content, plan_pages(demo_content))


def measured(card):
    with recording() as drawn:
        draw(card)
    return drawn


def test_no_demo_card_draws_anything_over_anything_else(demo_cards):
    """Measured as Pillow draws it (tests/card_measure.py), whatever the card's own layout says."""
    assert len(demo_cards) > 40 and any(card.badge and len(card.title) > 150 for card in demo_cards.values())
    found = {url: problems(measured(card)) for url, card in demo_cards.items()}
    assert {url: p for url, p in found.items() if p} == {}


def test_long_synthetic_cards_draw_nothing_over_anything_else():
    found = {index: problems(measured(card)) for index, card in enumerate(synthetic_cards())}
    assert {index: p for index, p in found.items() if p} == {}


def declared(card):
    return [Drawn("shape" if box.shape else "text", box.bbox, box.text) for box in layout(card)]


def test_layout_boxes_never_overlap_and_stay_above_the_footer(demo_cards):
    cards = [*demo_cards.values(), *synthetic_cards()]
    found = {index: problems(declared(card)) for index, card in enumerate(cards)}
    assert {index: p for index, p in found.items() if p} == {}
    for card in cards:
        boxes = layout(card)
        names = [box.name for box in boxes]
        assert "title.1" in names and ("band" in names) == bool(card.band)
        assert all(0 <= b.bbox[0] < b.bbox[2] <= SIZE[0] and 0 <= b.bbox[1] < b.bbox[3] <= SIZE[1] for b in boxes)
        assert all(b.bbox[3] <= FOOTER_TOP for b in boxes if not b.name.startswith("footer"))


def test_layout_boxes_hold_everything_painted(demo_cards):
    """The boxes are what is drawn: painted over in white, a card is blank."""
    for card in [*list(demo_cards.values())[::5], *synthetic_cards()]:
        boxes = layout(card)
        image = paint(boxes).convert("RGB")
        pen = ImageDraw.Draw(image)
        for box in boxes:
            pen.rectangle([box.bbox[0], box.bbox[1], box.bbox[2] - 1, box.bbox[3] - 1], fill=(255, 255, 255))
        assert ImageChops.difference(image, Image.new("RGB", SIZE, (255, 255, 255))).getbbox() is None, card.title


def test_a_replaced_card_names_its_successor_under_its_band():
    card = synthetic_cards()[5]
    boxes = {box.name: box for box in layout(card)}
    assert boxes["band.1"].text == "ĐÃ ĐƯỢC THAY THẾ TỪ 01/03/2025" and boxes["band.1"].size >= 48
    assert boxes["detail.1"].text.startswith("Hãy thực hiện theo: 1.009260 – ")
    assert boxes["band"].bbox[3] <= boxes["eyebrow.1"].bbox[1] < boxes["title.1"].bbox[1] < boxes["detail.1"].bbox[1]


# --- Readable at 300 px ---------------------------------------------------------------------------

# A 300 px thumbnail is a quarter of the card. The smallest title and band font, 48 px, is 12 px there;
# Source Sans Pro's x-height is 0.49 of the size and its capitals 0.66, so a title's measured x-height
# is at least 5 px and a band's (capitals) at least 7 px.
MIN_THUMB_FONT, MIN_TITLE_X_HEIGHT, MIN_BAND_CAP_HEIGHT, MIN_CONTRAST = 12, 5, 7, 4.5


def readability(card):
    """Every failure of the card's title and band lines in its 300 px thumbnail."""
    thumb = thumbnail(draw(card))
    scale = thumb.width / SIZE[0]
    out = []
    for box in layout(card):
        if not box.name.startswith(("title.", "band.")):
            continue
        background, ink = measured_colours(thumb, box.bbox)
        body = body_height(thumb, box.bbox, (background, ink))
        least = MIN_BAND_CAP_HEIGHT if box.name.startswith("band") else MIN_TITLE_X_HEIGHT
        ratio = contrast(background, ink)
        if box.size * scale < MIN_THUMB_FONT or body < least or ratio < MIN_CONTRAST:
            out.append(f"{box.name} {box.text[:30]!r}: {box.size * scale:.1f} px font, {body} px body, contrast {ratio:.2f}")
    return out


def test_every_card_is_readable_at_300_px(demo_cards):
    cards = [*demo_cards.values(), *synthetic_cards()]
    assert any(card.band_kind == "retired" for card in cards) and any(card.band_kind == "pending" for card in cards)
    found = {index: readability(card) for index, card in enumerate(cards)}
    assert {index: p for index, p in found.items() if p} == {}


def test_the_300_px_check_catches_a_faint_or_small_title():
    """The measure is taken from pixels: a pale or small title painted in the same boxes fails it."""
    card = synthetic_cards()[6]
    boxes = layout(card)
    for change, expected in (({"ink": (170, 170, 170)}, "contrast"), ({"size": 28}, "body")):
        faulty = [replace(b, **change) if b.name.startswith("title.") else b for b in boxes]
        out = io.BytesIO()
        paint(faulty).save(out, "PNG")
        thumb = thumbnail(out.getvalue())
        title = next(b for b in faulty if b.name == "title.1")
        background, ink = measured_colours(thumb, title.bbox)
        if expected == "contrast":
            assert contrast(background, ink) < MIN_CONTRAST
        else:
            assert body_height(thumb, title.bbox) < MIN_TITLE_X_HEIGHT


def _between(colour, a, b) -> bool:
    """``colour`` is a blend of ``a`` and ``b`` (rounded to whole values)."""
    spans = [(c - x, y - x) for c, x, y in zip(colour, a, b, strict=True)]
    if all(span == 0 for _, span in spans):
        return colour == a
    share = max(spans, key=lambda s: abs(s[1]))
    t = share[0] / share[1]
    return 0 <= t <= 1 and all(abs(d - t * span) <= 1 for d, span in spans)


def test_cards_are_light_palette_pngs_whose_own_colours_are_exact(demo_cards):
    """Issue 22: ≤ 20 KB a card (median) as a 32-colour PNG; panels, band and letters keep their exact colour,
    and every other colour is an edge shade between a text's ink and its own background, never a new one."""
    sizes = []
    for card in [*demo_cards.values(), *synthetic_cards()]:
        data = draw(card)
        sizes.append(len(data))
        with Image.open(BytesIO(data)) as image:
            assert image.format == "PNG" and image.mode == "P" and image.size == SIZE
            assert len(image.getcolors()) <= 32
            pixels = image.convert("RGB")
        boxes = layout(card)
        pairs = {(box.background, box.ink) for box in boxes}
        for _, colour in pixels.getcolors():
            assert any(_between(colour, back, ink) for back, ink in pairs), (colour, card.title)
        for box in boxes:
            if box.shape == "rect":  # a flat panel: its middle is its own colour, not a shade of it
                left, top, right, bottom = box.bbox
                assert pixels.getpixel(((left + right) // 2, bottom - 2)) == box.background, (box.name, card.title)
    sizes.sort()
    assert sizes[len(sizes) // 2] <= 16 * 1024 and sizes[-1] <= 32 * 1024, sizes
