"""A report's table as a file a manager opens in Excel: CSV (UTF-8 with BOM by default, or Shift_JIS) or .xlsx.

Why the BOM: Japanese Excel opens a BOM-less UTF-8 CSV as CP932 and garbles every Japanese header and name;
with ``EF BB BF`` first it reads UTF-8. Shift_JIS (CP932, Windows' own) is there for older tools; a character
it cannot hold is written as ``?`` rather than failing the export. Bytes out, no files: the window saves them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

Cell = str | int | float | None

ENCODINGS = ("utf-8-sig", "cp932")


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Cell]], encoding: str = "utf-8-sig") -> bytes:
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding: one of {', '.join(ENCODINGS)}")
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")  # Excel's own line ends
    w.writerow(headers)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return buf.getvalue().encode(encoding, errors="replace")


def to_xlsx(headers: Sequence[str], rows: Sequence[Sequence[Cell]], title: str = "Report") -> bytes:
    """One sheet, the header row bold and frozen, numbers as numbers (Excel sums them), widths to fit."""
    from openpyxl import Workbook  # imported when asked: most boards never export
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Report"
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
    ws.freeze_panes = "A2"
    for i, h in enumerate(headers, start=1):
        width = max([len(str(h))] + [len(str(r[i - 1])) for r in rows[:200] if r[i - 1] is not None])
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, width * 1.3 + 2)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
