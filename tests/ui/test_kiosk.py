"""TV / kiosk mode: sizes for 4 m, pages in turn, burn-in walk, no frame, no cursor, no controls."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from tests.ui.boards import LiveFloor
from tests.ui.boards import tv as make_tv
from wallboard.board.pages import Page
from wallboard.ui.kiosk import (
    ARCMIN,
    BASE_SMALL_PX,
    CAP_HEIGHT,
    DEFAULT_SCREEN_HEIGHT_MM,
    burn_in_offsets,
    pick_screen,
    tv_scale,
)
from wallboard.ui.tv import TvWindow


def arcmin_of(font_px: float, screen_px: int, distance_m: float, screen_mm: float = DEFAULT_SCREEN_HEIGHT_MM) -> float:
    cap_mm = font_px * CAP_HEIGHT * screen_mm / screen_px
    return math.atan(cap_mm / (distance_m * 1000)) / ARCMIN


def test_text_keeps_its_physical_size_from_1080p_to_4k() -> None:
    hd, uhd = tv_scale(1080), tv_scale(2160)
    assert uhd == pytest.approx(2 * hd)
    assert 1.9 < hd < 2.1  # 55-inch panel, 4 m: the smallest text is a 26 px font at 1080p
    for px, s in ((1080, hd), (2160, uhd)):
        assert arcmin_of(BASE_SMALL_PX * s, px, 4.0) == pytest.approx(10.0, rel=0.01)
        assert arcmin_of(24 * s, px, 4.0) > 18  # the time-in-state clock
    assert tv_scale(1080, distance_m=2.0) == pytest.approx(hd / 2, rel=0.01)  # closer: smaller, more tiles
    assert tv_scale(1080, screen_height_mm=1000) < hd  # a bigger panel needs fewer pixels


def test_screen_choice_falls_back_with_a_warning() -> None:
    names = ["eDP-1", "HDMI-1"]
    assert pick_screen(names, "1") == (1, "")
    assert pick_screen(names, "HDMI-1") == (1, "")
    at, warning = pick_screen(names, "DP-3")
    assert at == 0 and "no screen named “DP-3”" in warning and "using eDP-1" in warning
    at, warning = pick_screen(names, "5")
    assert at == 0 and "screen 5 does not exist" in warning


def test_the_burn_in_walk() -> None:
    walk = burn_in_offsets(6)
    assert len(set(walk)) > 20 and all(abs(x) <= 6 and abs(y) <= 6 for x, y in walk)
    for (x0, y0), (x1, y1) in zip(walk, walk[1:] + walk[:1]):  # every step small, the loop closed
        assert abs(x1 - x0) + abs(y1 - y0) <= 2
    assert burn_in_offsets(0) == [(0, 0)]


@pytest.fixture
def tv(qtbot) -> Iterator[TvWindow]:  # type: ignore[no-untyped-def]
    yield make_tv(qtbot, {"board": {"endpoint": "PJSIP/900"},
                          "tv": {"dwell_s": 3, "pages": ["agents", "queues", "trend"], "burn_in_period_s": 10}})


def test_tv_is_frameless_cursorless_and_view_only(qtbot, tv: TvWindow) -> None:  # type: ignore[no-untyped-def]
    assert tv.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert tv.cursor().shape() == Qt.CursorShape.BlankCursor
    assert not tv.link.may_send and tv.model.monitoring.why_not_at_all() is not None  # a wall board cannot listen in
    floor = LiveFloor(tv, agents=40)
    try:
        qtbot.waitUntil(lambda: tv.freshness == "live" and bool(tv.tiles.order), timeout=5000)
        assert not tv.alerts_panel.ack_button.isVisibleTo(tv)
        assert not hasattr(tv, "listen_button") and not hasattr(tv, "banner")  # no controls at all
    finally:
        floor.close()


def test_tv_pages_rotate_through_every_agent(qtbot, tv: TvWindow) -> None:  # type: ignore[no-untyped-def]
    floor = LiveFloor(tv, agents=60)
    try:
        qtbot.waitUntil(lambda: tv.freshness == "live" and len(tv.tiles.listed) == 60, timeout=5000)
        qtbot.waitUntil(lambda: tv.tiles.pages >= 2, timeout=2000)
        pages = tv.tiles.pages
        assert tv.rotator.interval() == 3000 and tv.rotator.isActive()
        shown: list[str] = []
        seen_pages = []
        for _ in range(pages + 1):
            slot = tv.slot
            seen_pages.append((slot.page, tv.stack.currentWidget() is tv.page_widgets[slot.page]))
            if slot.page is Page.AGENTS:
                shown.extend(tv.tiles.order)
                assert f"{tv.tiles.page + 1}/{pages}" in tv.top.page.text()
                for i in range(len(tv.tiles.order)):  # a TV never scrolls: every tile on the page is on screen
                    assert tv.tiles.rect().contains(tv.tiles.tile_rect(i))
            tv.next_page()
        assert sorted(shown) == sorted(tv.tiles.listed)  # each agent once per round
        # the trend holds no minute of data yet: skipped, not an empty chart
        assert [p for p, _ in seen_pages] == [Page.AGENTS] * pages + [Page.QUEUES]
        assert all(current for _, current in seen_pages)
        assert tv.slot.page is Page.AGENTS and tv.tiles.page == 0  # round and round
        # The feed goes away: the TV says so over the page, and keeps rotating.
        floor.stop_server()
        qtbot.waitUntil(lambda: tv.freshness == "retrying", timeout=5000)
        assert tv.veil.isVisible() and tv.veil.parent() is tv.body  # over the page and the state counts
        stack = tv.stack.mapTo(tv.body, tv.stack.rect().center())
        assert tv.veil.geometry().contains(stack)
        before = tv.slot
        tv.next_page()
        assert tv.slot != before and tv.veil.isVisible()
    finally:
        floor.close()


def test_burn_in_moves_the_whole_picture(qtbot, tv: TvWindow) -> None:  # type: ignore[no-untyped-def]
    assert tv.burn_in_timer.interval() == 10_000 and tv.burn_in_timer.isActive()
    m = tv.margin
    seen = set()
    for _ in range(len(tv.burn_in)):
        tv.shift_picture()
        margins = tv.frame_layout.contentsMargins()
        left, top, right, bottom = margins.left(), margins.top(), margins.right(), margins.bottom()
        assert left + right == 2 * m and top + bottom == 2 * m and min(left, top, right, bottom) >= m - 6
        seen.add((left, top))
    assert len(seen) == len(set(tv.burn_in))


def test_the_app_opens_a_tv_full_screen_without_a_cursor(qapp: QApplication) -> None:
    from wallboard import app
    seen: dict[str, object] = {}

    def look() -> None:
        w = next(w for w in QApplication.topLevelWidgets() if isinstance(w, TvWindow) and w.isVisible())
        seen.update(full=w.isFullScreen(), frameless=bool(w.windowFlags() & Qt.WindowType.FramelessWindowHint),
                    cursor=QApplication.overrideCursor().shape() if QApplication.overrideCursor() else None,
                    controls=w.link.may_send, screen=w.screen().name())

    QTimer.singleShot(1500, look)
    try:
        assert app.main(["--demo", "--mode", "tv", "--agents", "30", "--quit-after", "2.5"]) == 0
    finally:
        while QApplication.overrideCursor() is not None:
            QApplication.restoreOverrideCursor()
    assert seen["full"] and seen["frameless"] and seen["cursor"] == Qt.CursorShape.BlankCursor, seen
    assert seen["controls"] is False and seen["screen"] == QApplication.primaryScreen().name()


@pytest.mark.parametrize(("wanted", "screen", "notice"), [("TV-4K", "TV-4K", ""), ("1", "TV-4K", ""),
                                                          ("HDMI-9", "DESK-1", "no screen named “HDMI-9”")])
def test_the_tv_goes_to_its_screen_and_scales_to_it(qapp: QApplication, wanted: str, screen: str,
                                                    notice: str) -> None:
    """tests/offscreen-screens.json gives this process a 1080p desk screen and a 4K TV."""
    from wallboard import app
    seen: dict[str, object] = {}

    def look() -> None:
        w = next(w for w in QApplication.topLevelWidgets() if isinstance(w, TvWindow) and w.isVisible())
        seen.update(screen=w.screen().name(), size=(w.width(), w.height()), scale=w.scale,
                    notice=w.statusBar().currentMessage(), tile=w.tiles.tile.height())

    QTimer.singleShot(1200, look)
    try:
        assert app.main(["--demo", "--mode", "tv", "--screen", wanted, "--agents", "30", "--quit-after", "1.6"]) == 0
    finally:
        while QApplication.overrideCursor() is not None:
            QApplication.restoreOverrideCursor()
    geometry = next(s for s in QApplication.screens() if s.name() == screen).geometry()
    assert seen["screen"] == screen and seen["size"] == (geometry.width(), geometry.height())
    assert seen["scale"] == pytest.approx(tv_scale(geometry.height()))
    assert notice in str(seen["notice"])
