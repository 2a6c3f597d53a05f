from io import BytesIO

from PIL import Image

from cchc.render.cards import SIZE, Card, _font, draw, fit_title, render, render_all, wrap

LONG = ("Cấp lại giấy phép hành nghề đối với chức danh chuyên môn bác sĩ, y sĩ, điều dưỡng, hộ sinh, kỹ thuật y, "
        "dinh dưỡng lâm sàng, cấp cứu viên ngoại viện, tâm lý lâm sàng trong trường hợp bị mất hoặc hư hỏng")


def test_wrap_never_breaks_a_word_and_fits_the_width():
    font = _font("Bold", 60)
    lines = wrap(LONG, font, 1056)
    assert " ".join(lines) == " ".join(LONG.split())
    assert all(font.getlength(line) <= 1056 for line in lines)


def test_long_titles_shrink_then_end_with_an_ellipsis_at_a_word():
    font, lines = fit_title(LONG + " " + LONG, 1056)
    assert len(lines) == 4 and lines[-1].endswith(" …")
    words = set((LONG + " " + LONG).split())
    assert all(word in words for line in lines for word in line.replace(" …", "").split())
    short_font, short = fit_title("Hội nghị cải cách hành chính", 1056)
    assert short_font.size > font.size and len(short) == 1


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
