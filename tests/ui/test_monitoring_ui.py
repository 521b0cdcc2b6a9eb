"""The supervisor's scene, end to end: a long call raises an alert, one click listens,
whisper, stop; the server's audit log holds each step. Real board, real server, loopback."""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from wallboard.callcentre.engine import CallCentre
from wallboard.callcentre.service import CallCentreService
from wallboard.callcentre.traffic import demo_plan
from wallboard.core.alerts import AlertRules, Level, QueueRules, Threshold
from wallboard.core.protocol import CommandResult, MonitorUpdate
from wallboard.feed.client import FeedClient
from wallboard.feed.server import FeedServer, Principal
from wallboard.feed.thread import LoopThread
from wallboard.ui.monitoring import STUCK_COLOUR, MonitorBanner, MonitorController
from wallboard.ui.window import BoardWindow

PRINCIPALS = {"sv-token": Principal("sv-tanaka", "supervisor"), "tv-token": Principal("wall-tv", "viewer")}


class Centre:
    def __init__(self) -> None:
        self.thread = LoopThread("test-feed").start()
        now = int(time.time() * 1000)
        self.engine = CallCentre(demo_plan(30, 3), now - 3_600_000, seed=4)
        self.engine.advance(now)
        self.service: CallCentreService = self.thread.submit(self._start()).result(10)
        self.url = f"ws://127.0.0.1:{self.port}"

    async def _start(self) -> CallCentreService:
        svc = CallCentreService(self.engine, lambda clock: FeedServer(clock, principals=PRINCIPALS, anonymous=None,
                                                                      heartbeat_s=0.3), dial_s=0.3)
        self.port = await svc.server.start()
        return svc

    def board(self, token: str, rules: AlertRules | None = None) -> tuple[BoardWindow, FeedClient]:
        box: list[FeedClient] = []
        window = BoardWindow("test", send_command=lambda r, a, g: self.thread.submit(box[0].command(r, a, g)),
                             endpoint="PJSIP/900", supervisor="sv-tanaka", rules=rules)
        client = FeedClient(self.url, window.bridge.push, token=token)
        box.append(client)
        self.thread.submit(client.run())
        self.clients.append(client)
        return window, client

    clients: list[FeedClient] = []

    def step(self) -> None:
        async def go() -> None:
            self.service.step()
        self.thread.submit(go()).result(5)

    def close(self) -> None:
        for c in self.clients:
            self.thread.loop.call_soon_threadsafe(c.stop)
        self.thread.submit(self.service.server.stop()).result(5)
        self.thread.stop()


@pytest.fixture
def centre() -> Iterator[Centre]:
    Centre.clients = []
    c = Centre()
    yield c
    c.close()


def audit(c: Centre) -> list[tuple[str, str, str, str, str]]:
    assert c.service.desk is not None
    return [(r.who, r.action, r.agent_id, r.mode, r.result) for r in c.service.desk.audit]


def test_long_call_alert_then_listen_whisper_stop(qtbot, centre: Centre) -> None:  # type: ignore[no-untyped-def]
    rules = AlertRules(default=QueueRules(talk=Threshold(120, 600)))
    w, _ = centre.board("sv-token", rules)
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitUntil(lambda: w.view is not None and w.view.synced and bool(w.tiles.order), timeout=5000)
    # a long call raises the alert, on the tile and in the list
    qtbot.waitUntil(lambda: any(a.kind == "talk" for a in w.alerts), timeout=3000)
    alert = next(a for a in w.alerts if a.kind == "talk")
    aid = alert.agent_id
    assert aid is not None and w.tiles.alerts[aid][0] >= Level.WARN
    assert any(w.view.agents[aid].name in w.alert_list.item(i).text() for i in range(w.alert_list.count()))  # type: ignore[union-attr]
    # select it from the alert list (one click), then one click on Listen
    row = next(i for i in range(w.alert_list.count())
               if w.alert_list.item(i).data(Qt.ItemDataRole.UserRole) == alert.key)
    item = w.alert_list.item(row)
    qtbot.mouseClick(w.alert_list.viewport(), Qt.MouseButton.LeftButton, pos=w.alert_list.visualItemRect(item).center())
    assert w.selected_agent == aid and w.listen_button.isEnabled()
    qtbot.mouseClick(w.listen_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.monitor.session is not None and w.monitor.session.state == "active", timeout=4000)
    assert w.banner.isVisible() and "LISTENING" in w.banner.text.text() and w.view.agents[aid].name in w.banner.text.text()  # type: ignore[union-attr]
    assert not w.listen_button.isEnabled()  # one session at a time
    qtbot.waitUntil(lambda: w.view is not None and w.view.agents[aid].monitor == "listen", timeout=2000)
    # step up to whisper: a deliberate second action, on the banner
    qtbot.mouseClick(w.banner.whisper, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.monitor.session is not None and w.monitor.session.mode == "whisper", timeout=3000)
    assert "WHISPERING" in w.banner.text.text()
    qtbot.waitUntil(lambda: w.view is not None and w.view.agents[aid].monitor == "whisper", timeout=2000)
    # stop: one click
    qtbot.mouseClick(w.banner.stop, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.monitor.session is not None and w.monitor.session.state == "ended", timeout=3000)
    assert not w.banner.isVisible()
    qtbot.waitUntil(lambda: w.view is not None and w.view.agents[aid].monitor == "", timeout=2000)
    assert audit(centre) == [("sv-tanaka", "start", aid, "listen", "ok"),
                             ("sv-tanaka", "set_mode", aid, "whisper", "ok"),
                             ("sv-tanaka", "stop", aid, "whisper", "ok"),
                             ("sv-tanaka", "end", aid, "whisper", "stopped")]
    log = [e.text for e in w.monitor.log]
    assert any("Listen" in t and ": done" in t for t in log) and any("stopped" in t for t in log)
    assert w.session_log.count() == len(w.monitor.log)


def test_keyboard_listen_and_the_call_ending_mid_session(qtbot, centre: Centre) -> None:  # type: ignore[no-untyped-def]
    w, _ = centre.board("sv-token")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.view is not None and w.view.synced and bool(w.tiles.order), timeout=5000)
    aid = next(a.id for a in w.view.agents.values() if a.state == "on_call" and a.direction == "in")  # type: ignore[union-attr]
    i = w.tiles.index[aid]
    qtbot.mouseClick(w.tiles, Qt.MouseButton.LeftButton, pos=w.tiles.tile_rect(i).center())
    qtbot.keyClick(w, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: w.monitor.session is not None and w.monitor.session.state == "active", timeout=4000)
    # the caller hangs up: the session ends on the server and on the board, by itself
    assert centre.engine.hang_up(aid)
    centre.step()
    qtbot.waitUntil(lambda: w.monitor.session is not None and w.monitor.session.state == "ended", timeout=3000)
    assert w.monitor.session.reason == "call_ended" and not w.banner.isVisible()  # type: ignore[union-attr]
    assert any("the call ended" in e.text for e in w.monitor.log)
    assert centre.service.desk is not None and not centre.service.desk.sessions
    assert audit(centre)[-1] == ("sv-tanaka", "end", aid, "listen", "call_ended")


def test_a_view_only_board_shows_no_monitoring_controls(qtbot, centre: Centre) -> None:  # type: ignore[no-untyped-def]
    w, client = centre.board("tv-token")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.view is not None and w.view.synced, timeout=5000)
    assert w.view is not None and w.view.caps.monitor == ()
    assert not w.listen_button.isVisible() and not w.banner.isVisible()
    aid = next(a.id for a in w.view.agents.values() if a.state == "on_call")
    w._select(aid)
    qtbot.keyClick(w, Qt.Key.Key_L)  # the shortcut does nothing either
    qtbot.wait(300)
    assert w.monitor.session is None and audit(centre) == []


def test_a_command_whose_reply_never_comes_times_out_clearly(qtbot, centre: Centre) -> None:  # type: ignore[no-untyped-def]
    async def never(cmd: object, peer: object) -> None:
        import asyncio
        await asyncio.Event().wait()  # the backend hangs

    centre.service.server.on_command = never  # type: ignore[assignment]
    box: list[FeedClient] = []
    w = BoardWindow("test", send_command=lambda r, a, g: centre.thread.submit(box[0].command(r, a, g, timeout_s=0.5)),
                    endpoint="PJSIP/900")
    client = FeedClient(centre.url, w.bridge.push, token="sv-token")
    box.append(client)
    centre.clients.append(client)
    centre.thread.submit(client.run())
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.view is not None and w.view.synced, timeout=5000)
    aid = next(a.id for a in w.view.agents.values() if a.state == "on_call")  # type: ignore[union-attr]
    w._select(aid)
    qtbot.mouseClick(w.listen_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any("no answer from the server" in e.text for e in w.monitor.log), timeout=3000)
    assert w.monitor.pending is None and w.listen_button.isEnabled()  # free to try again
    assert not w.banner.isVisible()


def test_losing_the_feed_mid_session_ends_it_visibly(qtbot, centre: Centre) -> None:  # type: ignore[no-untyped-def]
    w, _ = centre.board("sv-token")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.view is not None and w.view.synced, timeout=5000)
    aid = next(a.id for a in w.view.agents.values() if a.state == "on_call")  # type: ignore[union-attr]
    w._select(aid)
    w.listen_selected()
    qtbot.waitUntil(lambda: w.monitor.session is not None and w.monitor.session.state == "active", timeout=4000)
    centre.thread.submit(centre.service.server.stop()).result(5)  # the server goes away
    qtbot.waitUntil(lambda: w.monitor.session is not None and w.monitor.session.state == "ended", timeout=3000)
    assert w.monitor.session.reason == "connection_lost" and not w.banner.isVisible()  # type: ignore[union-attr]
    assert any("connection to the feed lost" in e.text for e in w.monitor.log)
    assert "RECONNECTING" in w.link_label.text() or "Connecting" in w.link_label.text()


def test_a_session_that_could_not_be_ended_is_shown_in_red_with_what_to_do(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A bridge that cannot hang the supervisor's leg up says so: the banner stays, red, and stop works again."""
    sent: list[str] = []

    def send(req_id: str, action: str, args: dict[str, object]) -> concurrent.futures.Future[CommandResult]:
        sent.append(action)
        return concurrent.futures.Future()
    c = MonitorController(send, "Local/900@sv")
    banner = MonitorBanner(c)
    qtbot.addWidget(banner)
    c.modes = ("listen", "whisper", "barge")

    def update(state: str, reason: str = "") -> None:
        c.on_sessions({"m1": MonitorUpdate(ts=len(sent) + 1 + len(c.log), session_id="m1", state=state, mode="barge",
                                           agent_id="a1", reason=reason)})
        banner.refresh("Alice", 12.0)
    update("active")
    assert banner.isVisible() and "BARGED IN" in banner.text.text()
    c.stop()
    update("ending", "stopped")
    assert banner.isVisible() and "waiting for the PBX to confirm" in banner.text.text()
    update("stuck", "hangup_refused")
    assert banner.isVisible() and "COULD NOT END" in banner.text.text() and "Hang up your phone" in banner.text.text()
    assert banner.palette().color(banner.backgroundRole()) == STUCK_COLOUR
    assert c.log[-1].text.startswith("COULD NOT END") and not c.log[-1].ok
    c.pending = None
    assert banner.stop.isEnabled() and c.live and not c.can_start(True)  # one phone, still on that call
    c.stop()
    assert sent == ["monitor.stop", "monitor.stop"]  # stop is tried again
    update("ended", "stopped")
    assert not banner.isVisible()


def test_a_supervisor_is_told_why_a_feed_offers_no_monitoring() -> None:
    c = MonitorController(lambda *a: concurrent.futures.Future(), "Local/900@sv")
    c.modes_off = "the bridge's AMI user may not Hangup (manager.conf: write = originate,call)"
    assert c.why_not().startswith("Monitoring is off on this feed: the bridge's AMI user may not Hangup")
    assert MonitorController(None, "Local/900@sv").why_not() == "This board is view-only"
