"""Where the tiles sit: rows of tiles under team headers, split into pages on a TV, and which tiles a
paint's rectangles touch. Geometry only; the tile board paints."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtCore import QPoint, QRect

from ..board.order import Section

#: A row of the layout: (top, height, first index in the page's order, tiles, header section or None).
Row = tuple[int, int, int, int, Section | None]


def paged_rows(sections: Sequence[Section], listed: int, cols: int, tile_h: int, header_h: int, gap: int,
               limit: int) -> tuple[list[list[Row]], int]:
    """Rows for ``listed`` tiles (a header first in each team), split into pages ``limit`` high (a TV;
    a desk passes a limit never reached), and the height the last page needs."""
    runs: list[tuple[Section | None, int, int]] = [(s, s.start, s.count) for s in sections]
    runs = runs or [(None, 0, listed)]
    rows: list[tuple[int, int, int, Section | None]] = []  # (height, first, n, header)
    for section, start, count in runs:
        if section is not None:
            rows.append((header_h, start, 0, section))
        for first in range(start, start + count, cols):
            rows.append((tile_h, first, min(cols, start + count - first), None))
    pages: list[list[Row]] = [[]]
    y = gap
    for k, (h, first, n, header) in enumerate(rows):
        last_header = header is not None and (k + 1 == len(rows) or y + h + gap + rows[k + 1][0] > limit)
        if pages[-1] and (y + h > limit or last_header):
            pages.append([])
            y = gap
        pages[-1].append((y, h, first, n, header))
        y += h + gap
    return pages, y


def tiles_in(rects: Iterable[QRect], rows: list[Row], tops: list[int], step: int, gap: int,
             at: Mapping[tuple[int, int], int] | None = None, size: tuple[int, int] = (0, 0)) -> list[int]:
    """The indices of the tiles (not headers) these rectangles touch, each once. ``at``: the tile at each
    top-left corner, so a rectangle that is one whole tile (a changed agent's: most of a busy floor's
    paints) is looked up rather than walked (a tenth of the GUI's time at 5,000 events a second)."""
    tiles: list[int] = []
    seen: set[int] = set()
    rects = list(rects)
    alone = len(rects) == 1  # one rectangle (a tick's bands' bounding box: every tile) meets each tile once
    w, h = size
    for rect in rects:
        coords: tuple[int, int, int, int] = rect.getCoords()  # type: ignore[assignment]  # (typed as object)
        left, top, right, bottom = coords  # one call, not eight (a tick's pulses: ~100 rectangles)
        if at is not None:
            i = at.get((left, top))
            if i is not None and right - left + 1 == w and bottom - top + 1 == h:
                if i not in seen:
                    seen.add(i)
                    tiles.append(i)
                continue
        k = max(0, bisect.bisect_right(tops, top) - 1)
        c0 = max(0, (left - gap) // step)
        c1 = (right - gap) // step
        while k < len(rows) and rows[k][0] <= bottom:
            y, row_h, first, n, header = rows[k]
            k += 1
            if header is not None or y + row_h < top:
                continue
            if alone:
                tiles.extend(range(first + c0, first + min(c1, n - 1) + 1))
                continue
            for c in range(c0, min(c1, n - 1) + 1):
                i = first + c
                if i not in seen:
                    seen.add(i)
                    tiles.append(i)
    return tiles


def tile_at(pos: QPoint, rows: list[Row], tops: list[int], tile_w: int, gap: int) -> int | None:
    """The index of the tile under ``pos`` (None: a gap, a header, past the last tile)."""
    k = bisect.bisect_right(tops, pos.y()) - 1
    if k < 0:
        return None
    y, h, first, n, header = rows[k]
    step = tile_w + gap
    c, inside = divmod(pos.x() - gap, step)
    if header is not None or pos.y() >= y + h or c < 0 or c >= n or inside >= tile_w:
        return None
    return first + c
