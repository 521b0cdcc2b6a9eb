"""Which tiles a paint's rectangles touch (``wallboard.ui.grid.tiles_in``): the lookup by corner that a
busy floor's one-tile rectangles take must give what walking the rows gives, for any rectangles."""

from __future__ import annotations

import random

from PySide6.QtCore import QRect

from wallboard.board.order import Section
from wallboard.ui.grid import paged_rows, tiles_in


def test_looking_tiles_up_by_corner_gives_what_walking_the_rows_gives() -> None:
    tw, th, gap, cols = 50, 30, 4, 7
    sections = [Section("A", 0, 10, {}), Section("B", 10, 25, {})]  # headers, and a short last row each
    pages, _ = paged_rows(sections, 35, cols, th, 20, gap, 1 << 30)
    rows = pages[0]
    tops, step = [r[0] for r in rows], tw + gap
    xy = {}
    for y, _, first, n, header in rows:
        if header is None:
            for c in range(n):
                xy[(gap + c * step, y)] = first + c
    assert len(xy) == 35
    rng = random.Random(7)
    corners = list(xy)
    for _ in range(500):
        rects = []
        for _ in range(rng.randint(1, 6)):
            x, y = rng.choice(corners)
            kind = rng.randrange(4)
            if kind == 0:  # one whole tile: looked up
                rects.append(QRect(x, y, tw, th))
            elif kind == 1:  # at a corner, but wider or taller: walked
                rects.append(QRect(x, y, tw + rng.randint(1, 120), th + rng.randint(0, 80)))
            elif kind == 2:  # part of a tile (a clock band)
                rects.append(QRect(x + 3, y + 2, 20, 9))
            else:  # anywhere, across gaps and headers
                rects.append(QRect(rng.randint(0, 400), rng.randint(0, 300), rng.randint(1, 200), rng.randint(1, 100)))
        walked = tiles_in(rects, rows, tops, step, gap)
        looked = tiles_in(rects, rows, tops, step, gap, xy, (tw, th))
        assert looked == walked, rects
    one = tiles_in([QRect(*corners[12], tw, th)], rows, tops, step, gap, xy, (tw, th))
    assert one == [xy[corners[12]]]


def test_one_rectangle_gives_every_tile_whose_cell_it_touches_once_in_order() -> None:
    """One rectangle (a tick's: the bounding box of every clock band) takes the rows' ranges whole; what it
    gives is checked here against each tile's cell (the tile and the gap right of it), tile by tile."""
    tw, th, gap, cols = 50, 30, 4, 7
    sections = [Section("A", 0, 10, {}), Section("B", 10, 25, {})]
    rows = paged_rows(sections, 35, cols, th, 20, gap, 1 << 30)[0][0]
    tops, step = [r[0] for r in rows], tw + gap
    cells = {first + c: QRect(gap + c * step, y, step, h + 1)
             for y, h, first, n, header in rows if header is None for c in range(n)}
    rng = random.Random(11)
    for _ in range(500):
        rect = QRect(rng.randint(-20, 420), rng.randint(-20, 320), rng.randint(1, 500), rng.randint(1, 400))
        assert tiles_in([rect], rows, tops, step, gap) == sorted(i for i, cell in cells.items() if cell.intersects(rect))
    everything = QRect(0, 0, 1000, 1000)
    assert tiles_in([everything], rows, tops, step, gap) == list(range(35))
