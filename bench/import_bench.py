"""How long cchc.tthc.importer.sheet.read_sheet takes on a 200-row decision annex (.xlsx).

Run from the repository root: `.venv/bin/python -m bench.import_bench [--rows 200] [--runs 5]`.
It writes an annex shaped like the real ones (title block naming the decision, a header, level and
change headings, field headings every 20 rows, a legal basis in every row) into a temporary folder,
reads it a few times and prints the seconds of each run and their median. Nothing is asserted: an
editor imports one annex at a time, so this only shows the reader is not the slow part of `import`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import openpyxl

from cchc.tthc.importer.sheet import read_sheet

CHANGES = ("I. DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH", "II. DANH MỤC THỦ TỤC HÀNH CHÍNH ĐƯỢC SỬA ĐỔI, BỔ SUNG",
           "III. DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ", "IV. DANH MỤC THỦ TỤC HÀNH CHÍNH ĐƯỢC CHUẨN HÓA")


def write_annex(path: Path, rows: int) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ỦY BAN NHÂN DÂN TỈNH HÒA AN"])
    sheet.append(["PHỤ LỤC"])
    sheet.append(["(Kèm theo Quyết định số 1234/QĐ-UBND ngày 15/03/2025 của Chủ tịch Ủy ban nhân dân tỉnh Hòa An)"])
    sheet.append(["STT", "Mã TTHC", "Tên thủ tục hành chính", "Thời hạn giải quyết", "Địa điểm thực hiện",
                  "Phí, lệ phí", "Căn cứ pháp lý"])
    half = rows // 2
    for n in range(rows):
        if n in (0, half):
            sheet.append(["A" if n == 0 else "B", None, "THỦ TỤC HÀNH CHÍNH CẤP " + ("TỈNH" if n == 0 else "XÃ")])
        if n % 50 == 0:
            sheet.append([CHANGES[(n // 50) % len(CHANGES)]])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=7)
        if n % 20 == 0:
            sheet.append([str(n // 20 + 1), None, f"Lĩnh vực thứ {n // 20 + 1}"])
        code = f"1.{100000 + n:06d}" + (".000.00.00.H99" if n % 3 == 0 else "")
        sheet.append([n + 1, code if n % 7 else None, f"Thủ tục hành chính thử nghiệm số {n + 1} của Sở Y tế",
                      f"{n % 30 + 1:02d} ngày làm việc", "Trung tâm Phục vụ hành chính công tỉnh",
                      "500.000 đồng" if n % 2 else "Không",
                      "Luật Dược số 105/2016/QH13;\nNghị định số 54/2017/NĐ-CP ngày 08/5/2017 của Chính phủ"])
    book.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = write_annex(Path(folder) / "phu-luc.xlsx", args.rows)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            records, decision = read_sheet(path)
            times.append(time.perf_counter() - start)
        assert len(records) == args.rows, len(records)
        print(f"read_sheet: {args.rows} dòng, {path.stat().st_size / 1024:.0f} kB, "
              f"các lần: {', '.join(f'{t:.3f}' for t in times)} s; trung vị {statistics.median(times):.3f} s")


if __name__ == "__main__":
    main()
