"""`python -m cchc upgrade` and cchc.tthc.upgrade: v1 procedure records become v2 in place.

The record is the demo's 1.004616 as committed in format v1 (embedded, since
content/ itself moves to v2). Expected files are spelled out in full: the
point of the round trip is that nothing but the upgrade changes.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_env

from cchc.core.yamlsafe import load_yaml
from cchc.tthc import upgrade as upgrade_module
from cchc.tthc.upgrade import UnsafeRewrite, is_v1, upgrade_data, upgrade_file

V1 = """\
# yaml-language-server: $schema=../../schemas/tthc.schema.json
# Dữ liệu minh hoạ: nội dung viết lại cho trang mẫu, không dùng để nộp hồ sơ thật.
code: "1.004616"
level: tinh
name: "Cấp chứng chỉ hành nghề dược theo hình thức xét hồ sơ"
type: "TTHC được luật giao quy định chi tiết"
field: "duoc-pham"
steps:
  - "Bước 1: Người đề nghị cấp chứng chỉ hành nghề dược nộp hồ sơ trực tuyến, trực tiếp hoặc qua bưu chính."
  - "Bước 2: Bộ phận Một cửa kiểm tra thành phần hồ sơ, cấp phiếu tiếp nhận và chuyển Phòng Nghiệp vụ Dược."
  - "Bước 3: Phòng Nghiệp vụ Dược thẩm định hồ sơ; trường hợp cần sửa đổi, bổ sung thì có văn bản nêu cụ thể nội dung trong thời hạn thẩm định."
  - "Bước 4: Hội đồng tư vấn cấp chứng chỉ hành nghề dược cho ý kiến; Giám đốc Sở Y tế cấp chứng chỉ hành nghề dược."
  - "Bước 5: Trả chứng chỉ tại nơi nộp hồ sơ, qua bưu chính hoặc bản điện tử; danh sách người được cấp được công khai trên Trang thông tin điện tử Sở Y tế."
channels:
  - channel: truc_tiep
    time: {value: 15, unit: ngay_lam_viec}
    time_note: "Kể từ ngày nhận đủ hồ sơ hợp lệ"
    fees:
      - kind: phi
        amount: 500000
        description: "Phí thẩm định cấp chứng chỉ hành nghề dược"
  - channel: truc_tuyen
    time: {value: 10, unit: ngay_lam_viec}
    time_note: "Kể từ ngày nhận đủ hồ sơ hợp lệ"
    fees:
      - kind: phi
        amount: 250000
        description: "Phí thẩm định cấp chứng chỉ hành nghề dược"
  - channel: buu_chinh
    time: {value: 15, unit: ngay_lam_viec}
    time_note: "Kể từ ngày nhận đủ hồ sơ hợp lệ"
    fees:
      - kind: phi
        amount: 500000
        description: "Phí thẩm định cấp chứng chỉ hành nghề dược"
dossier:
  sets: 1
  cases:
    - documents:
        - name: "Đơn đề nghị cấp chứng chỉ hành nghề dược"
          form: "mau/don-de-nghi-cap-chung-chi-hanh-nghe-duoc.docx"
          form_name: "Mẫu số 02 Phụ lục I Nghị định 54/2017/NĐ-CP"
          originals: 1
          copies: 0
        - name: "Văn bằng chuyên môn"
          originals: 0
          copies: 1
        - name: "Giấy xác nhận thời gian thực hành chuyên môn tại cơ sở dược phù hợp"
          originals: 1
          copies: 0
        - name: "Giấy chứng nhận đủ sức khoẻ để hành nghề dược"
          originals: 1
          copies: 0
        - name: "Ảnh chân dung nền trắng cỡ 04 cm x 06 cm"
          originals: 2
          copies: 0
        - name: "Phiếu lý lịch tư pháp"
          originals: 1
          copies: 0
          note: "Chỉ nộp khi người đề nghị không đăng ký thường trú tại tỉnh"
        - name: "Giấy tờ tuỳ thân"
          originals: 0
          copies: 1
          note: "Không phải nộp khi thông tin đã được khai thác từ Cơ sở dữ liệu quốc gia về dân cư"
subjects:
  - "Công dân Việt Nam"
  - "Người nước ngoài"
agencies:
  competent: "Sở Y tế tỉnh Hoà An"
  executing: "Phòng Nghiệp vụ Dược – Sở Y tế"
  coordinating: "Hội đồng tư vấn cấp chứng chỉ hành nghề dược tỉnh Hoà An"
receiving_address: "Trung tâm Phục vụ hành chính công tỉnh Hoà An, Số 5 đường Lê Lợi, phường Trung Tâm, tỉnh Hoà An"
results:
  - "Chứng chỉ hành nghề dược"
conditions:
  - "Có văn bằng chuyên môn phù hợp với vị trí hành nghề đề nghị."
  - "Có thời gian thực hành chuyên môn tại cơ sở dược phù hợp theo quy định."
  - "Có đủ sức khoẻ để hành nghề dược và không thuộc trường hợp đang bị cấm hành nghề."
legal_basis:
  - number: "105/2016/QH13"
    title: "Luật Dược"
    date: "2016-04-06"
    issuer: "Quốc hội"
  - number: "54/2017/NĐ-CP"
    title: "Nghị định quy định chi tiết một số điều và biện pháp thi hành Luật Dược"
    date: "2017-05-08"
    issuer: "Chính phủ"
  - number: "155/2018/NĐ-CP"
    title: "Nghị định sửa đổi, bổ sung một số quy định liên quan đến điều kiện đầu tư kinh doanh thuộc phạm vi quản lý nhà nước của Bộ Y tế"
    date: "2018-11-12"
    issuer: "Chính phủ"
internal_workflow:
  - content: "Tiếp nhận, kiểm tra hồ sơ, cập nhật vào Hệ thống thông tin giải quyết TTHC và chuyển phòng chuyên môn"
    unit: "Bộ phận Một cửa của Sở Y tế tại Trung tâm Phục vụ hành chính công tỉnh"
    time: {value: 1, unit: ngay}
  - content: "Thẩm định hồ sơ, tổng hợp danh sách trình Hội đồng tư vấn"
    unit: "Chuyên viên Phòng Nghiệp vụ Dược"
    time: {value: 13, unit: ngay}
  - content: "Họp Hội đồng tư vấn cấp chứng chỉ hành nghề dược, thống nhất danh sách đủ điều kiện"
    unit: "Hội đồng tư vấn cấp chứng chỉ hành nghề dược"
    time: {value: 3, unit: ngay}
  - content: "Ký chứng chỉ hành nghề dược"
    unit: "Lãnh đạo Sở Y tế"
    time: {value: 2, unit: ngay}
  - content: "Đóng dấu, vào sổ văn bản, chuyển kết quả về Bộ phận Một cửa để trả cho tổ chức, cá nhân"
    unit: "Văn thư Sở Y tế; Bộ phận Một cửa"
    time: {value: 1, unit: ngay}
online:
  level: toan_trinh
"""

NOTE = "Kể từ ngày nhận đủ hồ sơ hợp lệ"
FEE = "Phí thẩm định cấp chứng chỉ hành nghề dược"

V1_CHANNELS = f"""\
  - channel: truc_tiep
    time: {{value: 15, unit: ngay_lam_viec}}
    time_note: "{NOTE}"
    fees:
      - kind: phi
        amount: 500000
        description: "{FEE}"
  - channel: truc_tuyen
    time: {{value: 10, unit: ngay_lam_viec}}
    time_note: "{NOTE}"
    fees:
      - kind: phi
        amount: 250000
        description: "{FEE}"
  - channel: buu_chinh
    time: {{value: 15, unit: ngay_lam_viec}}
    time_note: "{NOTE}"
    fees:
      - kind: phi
        amount: 500000
        description: "{FEE}"
"""

V2_CHANNELS = f"""\
  - channel: truc_tiep
    times:
      - {{value: 15, unit: ngay_lam_viec, note: "{NOTE}"}}
    fees:
      - kind: phi
        amount: 500000
        description: "{FEE}"
  - channel: truc_tuyen
    times:
      - {{value: 10, unit: ngay_lam_viec, note: "{NOTE}"}}
    fees:
      - kind: phi
        amount: 250000
        description: "{FEE}"
  - channel: buu_chinh
    times:
      - {{value: 15, unit: ngay_lam_viec, note: "{NOTE}"}}
    fees:
      - kind: phi
        amount: 500000
        description: "{FEE}"
"""

CONDITIONS = """\
conditions:
  - "Có văn bằng chuyên môn phù hợp với vị trí hành nghề đề nghị."
  - "Có thời gian thực hành chuyên môn tại cơ sở dược phù hợp theo quy định."
  - "Có đủ sức khoẻ để hành nghề dược và không thuộc trường hợp đang bị cấm hành nghề."
"""

HEADER = (
    "# yaml-language-server: $schema=../../schemas/tthc.schema.json\n"
    "# Dữ liệu minh hoạ: nội dung viết lại cho trang mẫu, không dùng để nộp hồ sơ thật.\n"
)


def replaced(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def write(tmp_path: Path, text: str, name: str = "1.004616.yml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def data(path: Path) -> dict:
    return load_yaml(path.read_bytes().decode("utf-8"), path.name).data


def test_the_embedded_record_is_what_the_tests_think_it_is():
    assert V1.startswith(HEADER) and V1_CHANNELS in V1 and CONDITIONS in V1


def test_a_v1_record_changes_only_in_its_channel_times(tmp_path):
    path = write(tmp_path, V1)
    assert upgrade_file(path) is True
    # Every other byte as committed: header comments, quotes, flow mappings,
    # key order, long lines unwrapped, Vietnamese unescaped.
    assert path.read_bytes().decode("utf-8") == replaced(V1, (V1_CHANNELS, V2_CHANNELS))
    record = data(path)
    assert [channel["times"] for channel in record["channels"]] == [
        [{"value": 15, "unit": "ngay_lam_viec", "note": NOTE}],
        [{"value": 10, "unit": "ngay_lam_viec", "note": NOTE}],
        [{"value": 15, "unit": "ngay_lam_viec", "note": NOTE}],
    ]
    assert all(list(channel) == ["channel", "times", "fees"] for channel in record["channels"])
    # Workflow steps keep their single `time`; conditions, present, are not touched.
    assert record["internal_workflow"][0]["time"] == {"value": 1, "unit": "ngay"}
    assert len(record["conditions"]) == 3


def test_missing_fees_and_conditions_become_an_explicit_none(tmp_path):
    # v1 read no `fees` as "no fee" and no `conditions` as "no condition".
    v1 = replaced(
        V1,
        (V1_CHANNELS, f"""\
  - channel: truc_tiep
    time: {{value: 15, unit: ngay_lam_viec}}  # theo Luật Dược
    time_note: "{NOTE}"
    fees:
      - kind: phi
        amount: 500000
        description: "{FEE}"
  - channel: truc_tuyen
    time: {{value: 10, unit: ngay_lam_viec}}
    time_note: "{NOTE}"  # QĐ 457/QĐ-UBND
    # miễn phí khi nộp trực tuyến
  - channel: buu_chinh
    time: {{value: 15, unit: ngay_lam_viec}}
    description: "Gửi hồ sơ qua dịch vụ bưu chính công ích"
"""),
        (CONDITIONS, ""),
        ("legal_basis:\n", "# Căn cứ pháp lý\nlegal_basis:\n"),
        ("  sets: 1\n", "  sets: 1  # một bộ\n"),
    )
    path = write(tmp_path, v1)
    assert upgrade_file(path) is True
    text = path.read_bytes().decode("utf-8")
    assert text == replaced(
        v1,
        (v1[v1.index("channels:\n"):v1.index("dossier:\n")], f"""\
channels:
  - channel: truc_tiep
    times:
      - {{value: 15, unit: ngay_lam_viec, note: "{NOTE}"}} # theo Luật Dược
    fees:
      - kind: phi
        amount: 500000
        description: "{FEE}"
  - channel: truc_tuyen
    times:
      - {{value: 10, unit: ngay_lam_viec, note: "{NOTE}"}}  # QĐ 457/QĐ-UBND
    fees: []
    # miễn phí khi nộp trực tuyến
  - channel: buu_chinh
    times:
      - {{value: 15, unit: ngay_lam_viec}}
    description: "Gửi hồ sơ qua dịch vụ bưu chính công ích"
    fees: []
"""),
        # After results, and below it the comment that introduces the next key.
        ('  - "Chứng chỉ hành nghề dược"\n# Căn cứ pháp lý\n',
         '  - "Chứng chỉ hành nghề dược"\nconditions: []\n# Căn cứ pháp lý\n'),
    )
    assert text.startswith(HEADER) and "\n  sets: 1  # một bộ\n" in text
    record = data(path)
    assert [channel.get("fees") for channel in record["channels"]] == [
        [{"kind": "phi", "amount": 500000, "description": FEE}], [], []]
    assert record["channels"][2]["times"] == [{"value": 15, "unit": "ngay_lam_viec"}]  # no note without time_note
    assert record["conditions"] == []
    assert list(record).index("conditions") == list(record).index("results") + 1


def test_conditions_go_last_without_results_and_a_block_time_stays_a_block(tmp_path):
    path = write(tmp_path, """\
name: "Thủ tục thử"
channels:
  - channel: truc_tiep   # nộp tại Bộ phận Một cửa
    time:   # theo Nghị định
      value: 3
      unit: ngay
    description: "Nộp bản giấy"
""")
    assert upgrade_file(path) is True
    # ruamel keeps a comment's column, so the longer key leaves one space less.
    assert path.read_text(encoding="utf-8") == """\
name: "Thủ tục thử"
channels:
  - channel: truc_tiep   # nộp tại Bộ phận Một cửa
    times:  # theo Nghị định
      - value: 3
        unit: ngay
    description: "Nộp bản giấy"
    fees: []
conditions: []
"""


def test_a_second_upgrade_reports_no_change_and_does_not_rewrite(tmp_path):
    path = write(tmp_path, V1)
    assert upgrade_file(path) is True
    before, inode = path.read_bytes(), path.stat().st_ino
    assert upgrade_file(path) is False
    assert path.read_bytes() == before
    assert path.stat().st_ino == inode  # os.replace would have given a new file
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind


def test_a_time_too_odd_to_upgrade_is_left_for_make_check(tmp_path):
    v1 = replaced(V1, ("    time: {value: 10, unit: ngay_lam_viec}\n", '    time: "10 ngày làm việc"\n'))
    path = write(tmp_path, v1)
    assert upgrade_file(path) is True  # the other channels are upgraded
    text = path.read_text(encoding="utf-8")
    assert '    time: "10 ngày làm việc"\n    time_note: "Kể từ ngày nhận đủ hồ sơ hợp lệ"\n' in text
    assert upgrade_file(path) is False  # the odd time does not make every run a rewrite
    assert path.read_text(encoding="utf-8") == text


def test_line_ends_and_byte_order_mark_are_kept(tmp_path):
    path = write(tmp_path, "\ufeff" + V1.replace("\n", "\r\n"))
    assert upgrade_file(path) is True
    assert path.read_bytes() == ("\ufeff" + replaced(V1, (V1_CHANNELS, V2_CHANNELS)).replace("\n", "\r\n")).encode("utf-8")


def test_a_multi_line_note_keeps_its_text(tmp_path):
    v1 = replaced(V1, (f'    time_note: "{NOTE}"\n    fees:\n      - kind: phi\n        amount: 250000',
                       '    time_note: >-\n      Kể từ ngày nhận\n      đủ hồ sơ\n    fees:\n      - kind: phi\n        amount: 250000'))
    path = write(tmp_path, v1)
    assert upgrade_file(path) is True
    # ruamel cannot write a folded string inside a flow mapping; it becomes quoted text.
    assert '      - {value: 10, unit: ngay_lam_viec, note: "Kể từ ngày nhận đủ hồ sơ"}\n' in path.read_text(encoding="utf-8")
    assert data(path)["channels"][1]["times"][0]["note"] == "Kể từ ngày nhận đủ hồ sơ"


def test_a_rewrite_that_would_change_the_data_is_refused(tmp_path, monkeypatch):
    # Without the quoting above, ruamel writes \a bytes into a folded note: the check must catch it.
    monkeypatch.setattr(upgrade_module, "_is_block_scalar", lambda value: False)
    v1 = replaced(V1, (f'    time_note: "{NOTE}"\n    fees:\n      - kind: phi\n        amount: 250000',
                       '    time_note: >-\n      Kể từ ngày nhận\n      đủ hồ sơ\n    fees:\n      - kind: phi\n        amount: 250000'))
    path = write(tmp_path, v1)
    with pytest.raises(UnsafeRewrite):
        upgrade_file(path)
    assert path.read_bytes() == v1.encode("utf-8")


def test_upgrade_data_agrees_with_the_file_and_changes_nothing_it_is_given(tmp_path):
    old = load_yaml(V1, "v1").data
    kept = copy.deepcopy(old)
    path = write(tmp_path, V1)
    upgrade_file(path)
    new = data(path)
    assert is_v1(old) and not is_v1(new)
    upgraded = upgrade_data(old)
    assert upgraded == new and list(upgraded) == list(new)
    assert old == kept  # pure: the v1 input is untouched
    upgraded["channels"][0]["times"][0]["value"] = 99
    assert old == kept  # and shares nothing with it
    assert upgrade_data(new) is new


def test_upgrade_data_of_a_record_without_fees_or_conditions():
    old = {"name": "x", "channels": [{"channel": "truc_tiep", "time": {"value": 0, "unit": "ngay"}, "time_note": ""},
                                     {"channel": "buu_chinh", "time": {"value": 2, "unit": "ngay"}, "fees": None}],
           "results": ["r"], "legal_basis": []}
    assert upgrade_data(old) == {
        "name": "x",
        "channels": [{"channel": "truc_tiep", "times": [{"value": 0, "unit": "ngay"}], "fees": []},
                     {"channel": "buu_chinh", "times": [{"value": 2, "unit": "ngay"}], "fees": []}],
        "results": ["r"], "conditions": [], "legal_basis": [],
    }
    assert list(upgrade_data(old)) == ["name", "channels", "results", "conditions", "legal_basis"]


@pytest.mark.parametrize("odd", [
    None,
    "text",
    [],
    {},
    {"channels": "truc_tiep"},
    {"channels": None, "conditions": None},
    {"channels": ["truc_tiep", None, 3, [1]]},
    {"channels": [{"channel": "truc_tiep", "times": [{"value": 1, "unit": "ngay"}]}]},
])
def test_upgrade_data_returns_what_is_not_v1_as_it_is(odd):
    kept = copy.deepcopy(odd)
    assert not is_v1(odd)
    assert upgrade_data(odd) is odd and odd == kept


def test_upgrade_data_leaves_odd_v1_parts_as_they_are():
    old = {"channels": [
        "truc_tiep",
        {"channel": "truc_tuyen", "time": "15 ngày", "time_note": "x"},
        {"channel": "buu_chinh", "time": {"value": 1, "unit": "ngay"}, "times": [{"text": "ngay"}], "fees": [{"kind": "phi"}]},
    ], "conditions": ["có"]}
    assert upgrade_data(old) == {"channels": [
        "truc_tiep",
        {"channel": "truc_tuyen", "time": "15 ngày", "time_note": "x", "fees": []},
        {"channel": "buu_chinh", "time": {"value": 1, "unit": "ngay"}, "times": [{"text": "ngay"}], "fees": [{"kind": "phi"}]},
    ], "conditions": ["có"]}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cchc", "upgrade", *args], cwd=ROOT, env=run_env(),
                          capture_output=True, text=True, timeout=120)


def test_cli_upgrades_every_file_and_names_the_one_it_cannot_read(tmp_path):
    old = write(tmp_path, V1, "1.004616.yml")
    done = write(tmp_path, replaced(V1, (V1_CHANNELS, V2_CHANNELS)), "1.001193.yml")
    broken = write(tmp_path, 'name: "Thủ tục\nchannels: [\n', "1.002134.yml")
    later = write(tmp_path, V1, "1.003516.yml")
    result = cli(str(old), str(broken), str(done), str(later))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"đã nâng cấp: {old}", f"đã ở dạng v2: {done}", f"đã nâng cấp: {later}"]
    (message,) = result.stderr.splitlines()
    assert message.startswith(f"Không nâng cấp được {broken}:") and "lỗi cú pháp YAML" in message
    assert broken.read_text(encoding="utf-8") == 'name: "Thủ tục\nchannels: [\n'
    assert old.read_bytes() == later.read_bytes() == done.read_bytes()


def test_cli_says_which_files_are_not_records(tmp_path):
    listed = write(tmp_path, "- 1\n- 2\n", "danh-sach.yml")
    result = cli(str(listed), str(tmp_path / "khong-co.yml"))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Không nâng cấp được {listed}: tệp không phải hồ sơ thủ tục (cần các dòng “tên_trường: giá trị”)",
        f"Không nâng cấp được {tmp_path / 'khong-co.yml'}: không có tệp này",
    ]


def test_cli_without_a_file_is_a_usage_error():
    result = cli()
    assert result.returncode == 2
    assert "usage: python -m cchc upgrade" in result.stderr and "TỆP" in result.stderr
