"""The real board, offscreen, fed by the real feed client from the real embedded call centre."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from tests.helpers import T0, agent, call
from wallboard.callcentre.engine import CallCentre
from wallboard.callcentre.traffic import demo_plan
from wallboard.core.metrics import floor_figures
from wallboard.core.model import AgentState
from wallboard.core.protocol import Caps, Source
from wallboard.core.reducer import Changes
from wallboard.feed.client import FeedClient, FloorView, LinkStatus
from wallboard.feed.server import FeedServer
from wallboard.feed.thread import LoopThread
from wallboard.ui.style import LOOKS
from wallboard.ui.tiles import TileBoard
from wallboard.ui.window import BoardWindow, freshness


class LiveFloor:
    """Call centre + feed server + feed client on a real asyncio thread, as in the app."""

    def __init__(self, window: BoardWindow, agents: int = 36, language: str = "en") -> None:
        self.thread = LoopThread("test-feed").start()
        self.engine = CallCentre(demo_plan(agents, 3, language=language), int(time.time() * 1000) - 1_800_000, seed=4)
        self.engine.advance(int(time.time() * 1000))
        self.window = window
        self.port = self.thread.submit(self._start()).result(10)
        self.client = FeedClient(f"ws://127.0.0.1:{self.port}", window.bridge.push)
        self.thread.submit(self.client.run())

    async def _start(self, port: int = 0) -> int:
        self.server = FeedServer(lambda: self.engine.now, heartbeat_s=0.3)
        self.server.load(*self.engine.snapshot())
        return await self.server.start(port=port)

    def step(self, seconds: float) -> None:
        async def go() -> None:
            self.server.publish(self.engine.advance(self.engine.now + int(seconds * 1000)))
        self.thread.submit(go()).result(5)

    def stop_server(self) -> None:
        self.thread.submit(self.server.stop()).result(5)

    def restart_server(self) -> None:
        self.thread.submit(self._start(self.port)).result(5)

    def close(self) -> None:
        self.thread.loop.call_soon_threadsafe(self.client.stop)
        try:
            self.thread.submit(self.server.stop()).result(5)
        finally:
            self.thread.stop()


@pytest.fixture
def window(qtbot) -> BoardWindow:  # type: ignore[no-untyped-def]
    w = BoardWindow("test board")
    w.resize(1400, 900)
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def floor(window: BoardWindow) -> Iterator[LiveFloor]:
    f = LiveFloor(window)
    yield f
    f.close()


def test_the_board_shows_the_floor_and_follows_it(qtbot, window: BoardWindow, floor: LiveFloor) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.view is not None and window.view.synced and len(window.tiles.order) == 36, timeout=5000)
    assert window.link_state == "live" and "LIVE" in window.link_label.text()
    for _ in range(5):
        floor.step(20)
    qtbot.waitUntil(lambda: window.view is not None and dict(window.view.agents) == floor.server.agents, timeout=5000)
    # what the tiles hold is what the server holds
    assert {aid: window.tiles.agents[aid] for aid in window.tiles.order} == floor.server.agents
    # the queue cards show the core's figures for that state (refreshed at most every 100 ms)
    def figures_match() -> bool:
        now = window.server_now_ms()
        expected = floor_figures(floor.server.agents.values(), floor.server.queues, floor.server.calls.values(), now)
        shown = window.queue_panel.figures
        return shown is not None and \
            [(q.queue_id, q.waiting, q.offered, q.abandoned, q.service_level) for q in shown.queues] == \
            [(q.queue_id, q.waiting, q.offered, q.abandoned, q.service_level) for q in expected.queues]
    qtbot.waitUntil(figures_match, timeout=2000)
    shown = window.queue_panel.figures
    assert shown is not None
    counts = shown.total.agents_by_state
    assert f"{LOOKS[AgentState.ON_CALL].glyph}" in window.state_counts.text()
    assert str(counts.get(AgentState.ON_CALL, 0)) in window.state_counts.text()


def test_losing_the_feed_is_shown_and_recovery_clears_it(qtbot, window: BoardWindow, floor: LiveFloor) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.link_state == "live", timeout=5000)
    assert not window.overlay.isVisible()
    floor.stop_server()
    qtbot.waitUntil(lambda: window.link_state == "retrying", timeout=3000)
    assert window.overlay.isVisible() and "RECONNECTING" in window.overlay.text
    assert "RECONNECTING" in window.link_label.text()
    floor.restart_server()
    qtbot.waitUntil(lambda: window.link_state == "live", timeout=4000)
    assert not window.overlay.isVisible()


def view(link: LinkStatus, last_frame: float, synced: bool = True, hb: float = 2.0,
         source: Source | None = None, behind_ms: int = 0,
         unreadable: dict[tuple[str, str], str] | None = None) -> FloorView:
    return FloorView({}, {}, {}, Changes(frozenset(), frozenset(), False), link, synced, 0, last_frame, hb, Caps(),
                     source=source, behind_ms=behind_ms, unreadable=unreadable or {})


DOWN_AT = T0 - 200_000  # the bridge lost its PBX 200 s before the board's "now"


@pytest.mark.parametrize(("v", "mono", "state", "words"), [
    (None, 100.0, "connecting", "Connecting"),
    (view(LinkStatus("live"), 99.0), 100.0, "live", "LIVE"),
    (view(LinkStatus("live"), 95.0), 100.0, "live", "LIVE"),  # 5 s = 2 x heartbeat + 1: still on time
    (view(LinkStatus("live"), 94.0), 100.0, "stale", "STALE — no data for 6 s"),
    (view(LinkStatus("live"), 99.0, synced=False), 100.0, "syncing", "Synchronising"),
    (view(LinkStatus("retrying", 3, 2.0, "connection refused", 99.5), 40.0), 100.0, "retrying",
     "RECONNECTING in 2 s (connection refused) — data 1 min 0 s old"),
    (view(LinkStatus("refused", 1, 30.0, "unauthorized: wrong token", 90.0), 0.0), 100.0, "refused",
     "REFUSED: unauthorized: wrong token — no data yet"),  # was "— data never old" (「データはなし前のもの」)
    (view(LinkStatus("retrying", 1, 1.0, "connection refused", 99.0), 0.0, synced=False), 100.0, "retrying",
     "RECONNECTING in 0 s (connection refused) — no data yet"),
    # a board that cannot keep up says how far behind it is, not LIVE (item 6: 13 s behind while LIVE)
    (view(LinkStatus("live"), 99.9, behind_ms=12_500), 100.0, "behind", "BEHIND by 12 s"),
    (view(LinkStatus("live"), 99.9, behind_ms=900), 100.0, "live", "LIVE"),
    (view(LinkStatus("live"), 99.9, unreadable={("agent", "a7"): "since"}), 100.0, "live", "LIVE — 1 unreadable"),
    # the board's link is fine (heartbeats flow), but the bridge behind it has lost its PBX: never LIVE
    (view(LinkStatus("live"), 99.9, source=Source(state="down", since=DOWN_AT, detail="connection refused by pbx:5038")),
     100.0, "source", "PBX UNREACHABLE since {0} (connection refused by pbx:5038) — data 3 min 20 s old"),
    (view(LinkStatus("live"), 99.9, synced=False, source=Source(state="refused", since=DOWN_AT,
                                                                 detail="Authentication failed")),
     100.0, "source", "PBX LOGIN REFUSED: wrong user or secret (Authentication failed)"),
    (view(LinkStatus("live"), 99.9, synced=False, source=Source(state="syncing", since=DOWN_AT, detail="app_queue is "
                                                                 "not loaded yet (QueueStatus: Invalid/unknown command)")),
     100.0, "source", "WAITING FOR THE PBX: app_queue is not loaded yet (QueueStatus: Invalid/unknown command)"),
    (view(LinkStatus("live"), 99.9, source=Source(state="rebooting", since=DOWN_AT)), 100.0, "source", "PBX: rebooting"),
    (view(LinkStatus("live"), 99.9, source=Source(state="up", since=DOWN_AT)), 100.0, "live", "LIVE"),
])
def test_freshness_words(qapp, v: FloorView | None, mono: float, state: str, words: str) -> None:  # type: ignore[no-untyped-def]
    got_state, text, _ = freshness(v, mono, T0)
    assert got_state == state and words.format(time.strftime("%H:%M", time.localtime(DOWN_AT / 1000))) in text
    if v is not None and v.source is not None and not v.source.up and not v.synced:
        assert "data" not in text  # nothing held, so no age to give


def test_a_tile_paints_state_by_colour_and_words(qtbot) -> None:  # type: ignore[no-untyped-def]
    board = TileBoard()
    qtbot.addWidget(board)
    board.resize(600, 300)
    agents = {"a1": agent("a1", "on_call", since=T0 - 125_000, call_id="c1", queues=("q1",)),
              "a2": agent("a2", "paused", reason="lunch")}
    calls = {"c1": call("c1", state="connected", agent_id="a1", answered_at=T0 - 125_000)}
    board.set_floor(agents, calls, {}, frozenset(agents), True, T0)
    img = QImage(board.size(), QImage.Format.Format_RGB32)
    board.render(img)
    r = board.tile_rect(board.index["a1"])
    assert QColor(img.pixel(r.left() + 2, r.center().y())) == LOOKS[AgentState.ON_CALL].colour
    r2 = board.tile_rect(board.index["a2"])
    assert QColor(img.pixel(r2.left() + 2, r2.center().y())) == LOOKS[AgentState.PAUSED].colour
    with qtbot.waitSignal(board.agent_selected, timeout=1000) as sig:
        qtbot.mouseClick(board, Qt.MouseButton.LeftButton, pos=r2.center())
    assert sig.args == ["a2"] and board.selected == "a2"
    assert board.index_at(QPoint(r.right() + 2, r.top() + 2)) is None  # the gap between tiles


def test_a_paint_of_a_few_flashing_tiles_keeps_every_face(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A flash repaints only the alerted tiles; the clock tick after it must not re-render all 1,500 faces
    (the cache was pruned to the last paint's tiles: idle CPU tripled once alerts flashed from the start)."""
    board = TileBoard()
    qtbot.addWidget(board)
    board.resize(3840, 4000)
    agents = {f"a{i}": agent(f"a{i}", "on_call" if i % 2 else "available", since=T0 - i * 1000) for i in range(1500)}
    board.set_floor(agents, {}, {}, frozenset(agents), True, T0)
    img = QImage(board.size(), QImage.Format.Format_RGB32)
    board.render(img)
    made = []
    real = board._face
    board._face = lambda *a: (made.append(a[0]), real(*a))[1]  # type: ignore[method-assign]
    from PySide6.QtGui import QRegion
    board.render(img, QPoint(), QRegion(board.tile_rect(7)))  # a flash: one tile
    board.render(img)  # the clock tick: every tile
    assert made == []  # every face was still there


def test_app_rejects_a_bad_url_in_one_line() -> None:
    out = subprocess.run([sys.executable, "-m", "wallboard.app", "--url", "http://x"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "expected ws://host:port" in out.stderr and "Traceback" not in out.stderr


def test_demo_command_opens_a_live_board(tmp_path: Path) -> None:
    png = tmp_path / "board.png"
    out = subprocess.run([sys.executable, "-m", "wallboard.app", "--demo", "--agents", "30", "--quit-after", "4",
                          "--screenshot", str(png)], capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert png.stat().st_size > 20_000
    img = QImage(str(png))
    assert img.width() == 1600 and img.height() == 1000
    assert "board connected" in out.stderr


def test_app_names_a_bad_alert_rule_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text("[alerts.default]\ntalk = { warn = 900, critical = 600 }\n")
    out = subprocess.run([sys.executable, "-m", "wallboard.app", "--demo", "--alert-rules", str(bad)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "alerts.default.talk: critical (600) is below warn (900)" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_quiet_feed_shows_stale_within_a_second_of_its_deadline(qtbot, window: BoardWindow) -> None:  # type: ignore[no-untyped-def]
    thread = LoopThread("quiet").start()
    engine = CallCentre(demo_plan(20, 2), int(time.time() * 1000), seed=1)

    async def start() -> tuple[FeedServer, int]:
        server = FeedServer(lambda: engine.now, heartbeat_s=2.0)
        server.load(*engine.snapshot())
        return server, await server.start()

    server, port = thread.submit(start()).result(5)
    client = FeedClient(f"ws://127.0.0.1:{port}", window.bridge.push)
    thread.submit(client.run())
    try:
        qtbot.waitUntil(lambda: window.link_state == "live", timeout=5000)

        async def go_quiet() -> None:
            assert server._beat is not None
            server._beat.cancel()  # the feed falls silent but keeps the socket open
        thread.submit(go_quiet()).result(5)
        qtbot.waitUntil(lambda: window.view is not None and window.view.age_s(time.monotonic()) is not None
                        and window.view.age_s(time.monotonic()) > 0.1, timeout=3000)
        last = window.view.last_frame_mono  # type: ignore[union-attr]
        qtbot.waitUntil(lambda: window.link_state == "stale", timeout=8000)
        seen = time.monotonic()
        deadline = 2.0 * 2 + 1
        assert seen - last <= deadline + 1.0 + 0.25, f"STALE shown {seen - last - deadline:.2f} s after the deadline"
        assert window.overlay.isVisible() and "STALE" in window.overlay.text and "no data for" in window.overlay.text
        # the client then drops the silent connection and reconnects: live again, banner gone
        qtbot.waitUntil(lambda: window.link_state == "live", timeout=6000)
        assert not window.overlay.isVisible()
    finally:
        thread.loop.call_soon_threadsafe(client.stop)
        thread.submit(server.stop()).result(5)
        thread.stop()


def test_counters_that_began_at_the_bridges_start_say_so(qtbot, window: BoardWindow) -> None:  # type: ignore[no-untyped-def]
    """A bridge started at 10:42 cannot recount the morning: the footnote never says "since midnight"."""
    from tests.helpers import queue
    started = T0 - 3_600_000
    ch = Changes(frozenset(), frozenset({"q1"}), True)
    partial = FloorView({}, {"q1": queue(interval_start=started, interval_partial=True)}, {}, ch, LinkStatus("live"),
                        True, 0, time.monotonic(), 2.0, Caps())
    window.on_view(partial)
    window._refresh_figures(T0)
    hhmm = time.strftime("%H:%M", time.localtime(started / 1000))
    assert f"Counted since {hhmm} (bridge start), not since midnight" in window.sl_note.text()
    assert "Today since" not in window.sl_note.text()
    day = FloorView({}, {"q1": queue(interval_start=started)}, {}, ch, LinkStatus("live"), True, 0, time.monotonic(),
                    2.0, Caps())
    window.on_view(day)
    window._refresh_figures(T0)
    assert "Today since local midnight" in window.sl_note.text()
