"""The real board, offscreen, fed by the real feed client from the real embedded call centre."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QRegion

from tests.helpers import T0, agent, call
from tests.ui.boards import LiveFloor, desk, tiles
from wallboard.board.freshness import freshness
from wallboard.callcentre.engine import CallCentre
from wallboard.callcentre.traffic import demo_plan
from wallboard.core.metrics import floor_figures
from wallboard.core.model import AgentState
from wallboard.core.protocol import Caps, Source
from wallboard.core.reducer import Changes
from wallboard.core.view import FloorView, LinkReason, LinkState, LinkStatus
from wallboard.feed.client import FeedClient
from wallboard.feed.server import FeedServer
from wallboard.feed.thread import LoopThread
from wallboard.ui.desk import DeskWindow
from wallboard.ui.style import LOOKS, NOT_LIVE
from wallboard.ui.tiles import FACE_AFTER
from wallboard.ui.words import freshness_words


@pytest.fixture
def window(qtbot) -> DeskWindow:  # type: ignore[no-untyped-def]
    return desk(qtbot, {"desk": {"queues": "cards", "trend": "show"}})


@pytest.fixture
def floor(window: DeskWindow) -> Iterator[LiveFloor]:
    f = LiveFloor(window)
    yield f
    f.close()


def test_the_board_shows_the_floor_and_follows_it(qtbot, window: DeskWindow, floor: LiveFloor) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.view is not None and window.view.synced and len(window.tiles.order) == 36, timeout=5000)
    assert window.freshness == "live" and "LIVE" in window.top.link.text()
    for _ in range(5):
        floor.step(20)
    qtbot.waitUntil(lambda: window.view is not None and dict(window.view.agents) == floor.server.agents, timeout=5000)
    # what the tiles hold is what the server holds, a frame later at most (the tiles are painted in frames)
    qtbot.waitUntil(lambda: {aid: window.tiles.agents[aid] for aid in window.tiles.order} == floor.server.agents,
                    timeout=1000)
    assert len(window.tiles.order) == 36
    # the queue cards show the core's figures for that state (refreshed at most every 100 ms)
    def figures_match() -> bool:
        now = window.server_now_ms()
        expected = floor_figures(floor.server.agents.values(), floor.server.queues, floor.server.calls.values(), now)
        shown = window.cards.cards[1:]
        return [(q.queue_id, q.waiting, q.offered, q.abandoned, q.service_level) for q in shown] == \
            [(q.queue_id, q.waiting, q.offered, q.abandoned, q.service_level) for q in expected.queues]
    qtbot.waitUntil(figures_match, timeout=2000)
    counts = window.cards.cards[0].agents_by_state
    assert f"{LOOKS[AgentState.ON_CALL].glyph}" in window.counts.text()
    assert str(counts.get(AgentState.ON_CALL, 0)) in window.counts.text()


def test_losing_the_feed_is_shown_and_recovery_clears_it(qtbot, window: DeskWindow, floor: LiveFloor) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.freshness == "live", timeout=5000)
    assert not window.veil.isVisible()
    floor.stop_server()
    qtbot.waitUntil(lambda: window.freshness == "retrying", timeout=3000)
    assert window.veil.isVisible() and "RECONNECTING" in window.veil.text
    assert "RECONNECTING" in window.top.link.text()
    floor.restart_server()
    qtbot.waitUntil(lambda: window.freshness == "live", timeout=4000)
    assert not window.veil.isVisible()


def view(link: LinkStatus, last_frame: float, synced: bool = True, hb: float = 2.0,
         source: Source | None = None, behind_ms: int = 0,
         unreadable: dict[tuple[str, str], str] | None = None, held: bool = False) -> FloorView:
    agents = {"a1": agent("a1")} if held else {}
    return FloorView(agents, {}, {}, Changes(frozenset(), frozenset(), False), link, synced, 0, last_frame, hb, Caps(),
                     source=source, behind_ms=behind_ms, unreadable=unreadable or {})


DOWN_AT = T0 - 200_000  # the bridge lost its PBX 200 s before the board's "now"
LIVE = LinkStatus(LinkState.LIVE)


@pytest.mark.parametrize(("v", "words"), [
    (None, "Connecting…"),
    (view(LIVE, 99.0), "LIVE"),
    (view(LIVE, 94.0), "STALE — no data for 6 s"),
    (view(LIVE, 99.0, synced=False), "Synchronising…"),
    (view(LinkStatus(LinkState.RETRYING, 3, 2.0, LinkReason.CONNECTION_REFUSED, "", 99.5), 40.0, held=True),
     "RECONNECTING in 2 s (connection refused) — data 1 min 0 s old"),
    (view(LinkStatus(LinkState.REFUSED, 1, 30.0, LinkReason.UNAUTHORIZED, "wrong token", 90.0), 0.0, synced=False),
     "REFUSED: unauthorized: wrong token — no data yet"),
    (view(LinkStatus(LinkState.RETRYING, 1, 1.0, LinkReason.SILENT, "9 s", 99.0), 0.0, synced=False),
     "RECONNECTING in 0 s (feed silent for 9 s) — no data yet"),
    (view(LinkStatus(LinkState.RETRYING, 1, 1.0, LinkReason.HTTP, "HTTP 404 Not Found", 99.0), 0.0, synced=False),
     "RECONNECTING in 0 s (not a feed: HTTP 404 Not Found) — no data yet"),
    (view(LinkStatus(LinkState.RETRYING, 1, 1.0, LinkReason.OTHER, "[Errno -2] Name or service not known", 99.0),
          0.0, synced=False), "RECONNECTING in 0 s ([Errno -2] Name or service not known) — no data yet"),
    (view(LIVE, 99.9, behind_ms=12_500), "BEHIND by 12 s — the board cannot keep up"),
    (view(LIVE, 99.9, unreadable={("agent", "a7"): "since"}), "LIVE — 1 unreadable"),
    (view(LIVE, 99.9, held=True, source=Source(state="down", since=DOWN_AT, reason="connection_refused",
                                               detail="pbx:5038")),
     "PBX UNREACHABLE since {0} (connection refused by pbx:5038) — data 3 min 20 s old"),
    (view(LIVE, 99.9, synced=False, source=Source(state="refused", since=DOWN_AT, reason="auth_failed",
                                                  detail="Authentication failed")),
     "PBX LOGIN REFUSED: wrong user or secret (Authentication failed)"),
    (view(LIVE, 99.9, synced=False, source=Source(state="syncing", since=DOWN_AT, reason="not_loaded",
                                                  detail="app_queue: QueueStatus: Invalid/unknown command")),
     "WAITING FOR THE PBX: the queue module is not loaded yet (app_queue: QueueStatus: Invalid/unknown command)"),
    # a server that gives no reason (or one this board does not know): its detail as sent, never parsed
    (view(LIVE, 99.9, synced=False, source=Source(state="down", since=DOWN_AT, detail="Leitung gestört")),
     "PBX UNREACHABLE since {0} (Leitung gestört)"),
    (view(LIVE, 99.9, synced=False, source=Source(state="rebooting", since=DOWN_AT)), "PBX: rebooting"),
    # a relay's own trouble: a site's bridge silent, its broker away — not the PBX's, so not said as the PBX's
    (view(LIVE, 99.9, held=True, source=Source(state="down", since=DOWN_AT, reason="site_silent", detail="osaka")),
     "NOT LIVE since {0}: no word from site osaka's bridge — data 3 min 20 s old"),
    (view(LIVE, 99.9, held=True, source=Source(state="down", since=DOWN_AT, reason="broker_lost",
                                               detail="nats://10.0.0.2:4222")),
     "NOT LIVE since {0}: the relay's broker is out of reach (nats://10.0.0.2:4222) — data 3 min 20 s old"),
])
def test_freshness_words(qapp, v: FloorView | None, words: str) -> None:  # type: ignore[no-untyped-def]
    text, colour = freshness_words(freshness(v, 100.0, T0))
    assert text == words.format(time.strftime("%H:%M", time.localtime(DOWN_AT / 1000)))
    assert (colour == NOT_LIVE) is (not text.startswith("LIVE"))  # not live has one colour, and only it


def test_a_tile_paints_state_by_colour_and_words(qtbot) -> None:  # type: ignore[no-untyped-def]
    agents = {"a1": agent("a1", "on_call", since=T0 - 125_000, call_id="c1", queues=("q1",)),
              "a2": agent("a2", "paused", reason="lunch")}
    calls = {"c1": call("c1", state="connected", agent_id="a1", answered_at=T0 - 125_000)}
    board = tiles(qtbot, agents, calls, T0)
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
    agents = {f"a{i}": agent(f"a{i}", "on_call" if i % 2 else "available", since=T0 - i * 1000) for i in range(1500)}
    board = tiles(qtbot, agents, now=T0, size=(3840, 4000))
    img = QImage(board.size(), QImage.Format.Format_RGB32)
    for _ in range(FACE_AFTER + 1):
        board.render(img)  # each tile from its parts (new agents), then they held still: each gets its face
    made = []
    real = board._faces.face
    board._faces.face = lambda *a: (made.append(a[0]), real(*a))[1]  # type: ignore[method-assign]
    board.render(img, QPoint(), QRegion(board.tile_rect(7)))  # a flash: one tile
    board.render(img)  # the clock tick: every tile
    assert made == []  # every face was still there


def test_a_click_on_an_empty_board_does_not_hold_back_its_first_tiles(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A desk opened under a resting pointer (or clicked before the floor came) said "No agents yet" over a
    live floor: the first order was held like a re-order under the pointer."""
    agents = {f"a{i}": agent(f"a{i}") for i in range(6)}
    board = tiles(qtbot, {}, now=T0)
    qtbot.mouseClick(board, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    board.set_floor(agents, {}, {}, frozenset(agents), T0)
    board.set_order(sorted(agents))
    assert board.order == sorted(agents)


def test_a_changed_tile_is_drawn_from_its_parts_until_it_holds_still(qtbot) -> None:  # type: ignore[no-untyped-def]
    """At 5,000 events/s every agent changes before its new face would be used twice: making faces
    for them cost the board a tenth of a millisecond per event. A face is made after FACE_AFTER paints
    of an agent that has not changed; the two ways must look the same."""
    agents = {f"a{i}": agent(f"a{i}", "on_call" if i % 2 else "available", since=T0 - i * 1000) for i in range(40)}
    board = tiles(qtbot, agents, now=T0, size=(1200, 900))
    made: list[str] = []
    real = board._faces.face
    board._faces.face = lambda *a: (made.append(a[0]), real(*a))[1]  # type: ignore[method-assign]
    first = QImage(board.size(), QImage.Format.Format_RGB32)
    board.render(first)
    assert made == []  # new: drawn from look and name
    second = QImage(board.size(), QImage.Format.Format_RGB32)
    for _ in range(FACE_AFTER - 1):
        board.render(second)
        assert made == [] and second == first  # not yet: a face must pay for itself
    board.render(second)
    assert sorted(made) == sorted(agents) and second == first  # held still: faces made, same pixels
    made.clear()
    busy = {**agents, "a3": agent("a3", "wrapup", since=T0)}
    board.set_floor(busy, {}, {}, frozenset({"a3"}), T0)
    board.render(second)
    assert made == []  # changed: parts again, no face for a look that may not last


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


def test_a_quiet_feed_shows_stale_within_a_second_of_its_deadline(qtbot, window: DeskWindow) -> None:  # type: ignore[no-untyped-def]
    thread = LoopThread("quiet").start()
    engine = CallCentre(demo_plan(20, 2), int(time.time() * 1000), seed=1)

    async def start() -> tuple[FeedServer, int]:
        server = FeedServer(lambda: engine.now, heartbeat_s=2.0)
        server.load(*engine.snapshot())
        return server, await server.start()

    server, port = thread.submit(start()).result(5)
    client = FeedClient(f"ws://127.0.0.1:{port}", window.link.push)
    thread.submit(client.run())
    try:
        qtbot.waitUntil(lambda: window.freshness == "live", timeout=5000)

        async def go_quiet() -> None:
            assert server._beat is not None
            server._beat.cancel()  # the feed falls silent but keeps the socket open
        thread.submit(go_quiet()).result(5)
        qtbot.waitUntil(lambda: window.view is not None and window.view.age_s(time.monotonic()) is not None
                        and window.view.age_s(time.monotonic()) > 0.1, timeout=3000)
        last = window.view.last_frame_mono  # type: ignore[union-attr]
        # What the board said, noted as it says it: STALE lasts only until the client gives up on the silent
        # socket (a second later), which a loaded machine's polling could miss.
        said: list[tuple[float, str, bool, str]] = []
        shown = window.refresh_status

        def noting(now: int) -> None:
            shown(now)
            said.append((time.monotonic(), window.freshness, window.veil.isVisible(), window.veil.text))
        window.refresh_status = noting  # type: ignore[method-assign]
        qtbot.waitUntil(lambda: any(f == "stale" for _, f, _, _ in said), timeout=8000)
        seen, _, veiled, words = next(s for s in said if s[1] == "stale")
        deadline = 2.0 * 2 + 1
        assert seen - last <= deadline + 1.0 + 0.25, f"STALE shown {seen - last - deadline:.2f} s after the deadline"
        assert veiled and "STALE" in words and "no data for" in words
        # the client then drops the silent connection and reconnects: live again, banner gone
        qtbot.waitUntil(lambda: window.freshness == "live", timeout=6000)
        assert not window.veil.isVisible()
    finally:
        thread.loop.call_soon_threadsafe(client.stop)
        thread.submit(server.stop()).result(5)
        thread.stop()


def test_counters_that_began_at_the_bridges_start_say_so(qtbot, window: DeskWindow) -> None:  # type: ignore[no-untyped-def]
    """A bridge started at 10:42 cannot recount the morning: the footnote never says "since midnight"."""
    from tests.helpers import queue
    started = T0 - 3_600_000
    ch = Changes(frozenset(), frozenset({"q1"}), True)
    partial = FloorView({}, {"q1": queue(interval_start=started, interval_partial=True)}, {}, ch, LIVE,
                        True, 0, time.monotonic(), 2.0, Caps())
    window.on_view(partial)
    window.refresh_figures(T0)
    hhmm = time.strftime("%H:%M", time.localtime(started / 1000))
    assert f"Counted since {hhmm} (bridge start), not since midnight" in window.sl_note.text()
    assert "Today since" not in window.sl_note.text()
    day = FloorView({}, {"q1": queue(interval_start=started)}, {}, ch, LIVE, True, 0, time.monotonic(), 2.0, Caps())
    window.on_view(day)
    window.refresh_figures(T0)
    assert "Today since local midnight" in window.sl_note.text()


def test_behind_is_said_the_moment_it_is_true_not_at_the_next_tick(qtbot, window: DeskWindow) -> None:  # type: ignore[no-untyped-def]
    """A board falling behind (a flood, a slow PC) said so only at its once-a-second status refresh."""
    def live(behind_ms: int) -> FloorView:
        return FloorView({}, {}, {}, Changes(frozenset(), frozenset(), False), LIVE, True, 0, time.monotonic(), 2.0,
                         Caps(), behind_ms=behind_ms, published_mono=time.monotonic())
    window.on_view(live(0))
    window.refresh_status(window.server_now_ms())
    assert window.freshness == "live"
    window.ticker.stop()  # no tick from here on: only the views may tell
    window.on_view(live(4_500))
    assert window.freshness == "behind" and "BEHIND" in window.top.link.text()
    window.on_view(live(100))
    assert window.freshness == "live"


def test_a_view_waiting_for_its_frame_does_not_make_a_late_screen_live(qtbot, window: DeskWindow) -> None:  # type: ignore[no-untyped-def]
    """A flood's views come faster than frames: a fresher view, handled but not painted yet, said LIVE while the
    screen still showed a floor painted 4.5 s late (the benchmark caught a sample > 3 s late without BEHIND)."""
    a = {"a1": agent("a1", AgentState.AVAILABLE), "a2": agent("a2", AgentState.AVAILABLE)}
    changed = Changes(frozenset({"a1"}), frozenset(), False)

    def live(behind_ms: int, waited_s: float = 0.0) -> FloorView:
        return FloorView(a, {}, {}, changed, LIVE, True, 0, time.monotonic(), 2.0, Caps(), behind_ms=behind_ms,
                         published_mono=time.monotonic() - waited_s)
    window.on_view(FloorView(a, {}, {}, Changes(frozenset(), frozenset(), True), LIVE, True, 0, time.monotonic(),
                             2.0, Caps(), published_mono=time.monotonic()))
    window.ticker.stop()
    window._frame_at = -1e9  # no frame for a while: the next changes are painted at once
    window.on_view(live(4_500))  # the screen is 4.5 s late
    assert not window._due and window.freshness == "behind"
    window.on_view(live(100))  # within a frame of the last: it waits for the next
    assert window._due, "the test needs a view that waits for its frame"
    assert window.freshness == "behind"
    window.refresh_status(window.server_now_ms())  # nor does the tick's refresh say otherwise
    assert window.freshness == "behind"
    qtbot.waitUntil(lambda: not window._due, timeout=2000)  # its frame painted it: now the screen is that fresh
    assert window.freshness == "live"
    window._frame_at = time.monotonic()  # the next views wait for a frame again
    window.on_view(live(2_000, waited_s=1.5))  # 3.5 s late as it waits, though the screen was fresh
    assert window._due and window.freshness == "behind"
    qtbot.waitUntil(lambda: not window._due, timeout=2000)
    assert window.freshness == "behind"  # it was painted 3.5 s late
    window._frame_at = -1e9
    window.on_view(live(100))
    assert not window._due and window.freshness == "live"
    window._frame_at = time.monotonic()
    window.on_view(live(2_900, waited_s=0.05))  # 2.95 s late: not yet
    assert window._due and window.freshness == "live"
    window.on_view(live(100))  # fresher, but the first's changes are still not on the screen, and grow later
    time.sleep(0.1)
    window.refresh_status(window.server_now_ms())
    assert window._due and window.freshness == "behind"
