"""The supervisor's scene, end to end: a long call raises an alert, one click listens,
whisper, stop; the server's audit log holds each step. Real board, real server, loopback."""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from tests.ui.boards import desk
from wallboard.board.alerts import Mark
from wallboard.board.monitoring import Action, MonitorSession
from wallboard.callcentre.engine import CallCentre
from wallboard.callcentre.service import CallCentreService
from wallboard.callcentre.traffic import demo_plan
from wallboard.core.alerts import AlertRules, QueueRules, Threshold
from wallboard.core.profile import Profile
from wallboard.core.protocol import CommandResult, MonitorUpdate
from wallboard.feed.client import FeedClient
from wallboard.feed.server import FeedServer, Principal
from wallboard.feed.thread import LoopThread
from wallboard.ui.desk import DeskWindow
from wallboard.ui.feedlink import FeedLink
from wallboard.ui.monitoring import MonitorBanner, MonitorDesk
from wallboard.ui.style import CRITICAL

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

    def board(self, qtbot, token: str, rules: AlertRules | None = None,  # type: ignore[no-untyped-def]
              timeout_s: float | None = None) -> tuple[DeskWindow, FeedClient]:
        box: list[FeedClient] = []

        def submit(r: str, a: str, g: dict[str, object]) -> concurrent.futures.Future[CommandResult]:
            cmd = box[0].command(r, a, g) if timeout_s is None else box[0].command(r, a, g, timeout_s=timeout_s)
            return self.thread.submit(cmd)
        profile = Profile(endpoint="PJSIP/900", supervisor="sv-tanaka", alerts=rules or AlertRules())
        window = desk(qtbot, profile, submit=submit, size=(1600, 1000))
        client = FeedClient(self.url, window.link.push, token=token)
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
    w, _ = centre.board(qtbot, "sv-token", rules)
    qtbot.waitUntil(lambda: w.view is not None and w.view.synced and bool(w.tiles.order), timeout=5000)
    session = w.model.monitoring
    # a long call raises the alert, on the tile and in the list
    qtbot.waitUntil(lambda: any(a.kind == "talk" for a in w.model.marks.alerts), timeout=3000)
    alert = next(a for a in w.model.marks.alerts if a.kind == "talk")
    aid = alert.agent_id
    assert aid is not None and w.tiles.marks[aid] >= Mark.WARN
    lst = w.alerts_panel.list
    assert any(w.view.agents[aid].name in lst.item(i).text() for i in range(lst.count()))  # type: ignore[union-attr]
    # select it from the alert list (one click), then one click on Listen
    row = next(i for i in range(lst.count()) if tuple(lst.item(i).data(Qt.ItemDataRole.UserRole)) == alert.key)
    item = lst.item(row)
    qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=lst.visualItemRect(item).center())
    assert w.selected_agent == aid and w.listen_button.isEnabled()
    geometry = (w.size(), w.splitter.sizes(), w.tiles_scroll.geometry())
    qtbot.mouseClick(w.listen_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.state == "active", timeout=4000)
    assert w.banner.isVisible() and "LISTENING" in w.banner.text.text() and w.view.agents[aid].name in w.banner.text.text()  # type: ignore[union-attr]
    assert (w.size(), w.splitter.sizes(), w.tiles_scroll.geometry()) == geometry  # a listen moves nothing
    assert not w.listen_button.isVisible()  # the banner took its place: one session at a time
    qtbot.waitUntil(lambda: w.view is not None and w.view.agents[aid].monitor == "listen", timeout=2000)
    # step up to whisper: a deliberate second action, on the banner
    qtbot.mouseClick(w.banner.buttons[Action.WHISPER], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.mode == "whisper", timeout=3000)
    assert "WHISPERING" in w.banner.text.text()
    qtbot.waitUntil(lambda: w.view is not None and w.view.agents[aid].monitor == "whisper", timeout=2000)
    # stop: one click
    qtbot.mouseClick(w.banner.buttons[Action.STOP], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.state == "ended", timeout=3000)
    assert not w.banner.isVisible() and w.listen_button.isVisible()
    assert (w.size(), w.splitter.sizes(), w.tiles_scroll.geometry()) == geometry
    qtbot.waitUntil(lambda: w.view is not None and w.view.agents[aid].monitor == "", timeout=2000)
    assert audit(centre) == [("sv-tanaka", "start", aid, "listen", "ok"),
                             ("sv-tanaka", "set_mode", aid, "whisper", "ok"),
                             ("sv-tanaka", "stop", aid, "whisper", "ok"),
                             ("sv-tanaka", "end", aid, "whisper", "stopped")]
    log = [e.text for e in w.monitor.log]
    assert any("Listen" in t and ": done" in t for t in log) and any("stopped" in t for t in log)
    assert w.side.log.count() == len(w.monitor.log)


def test_keyboard_listen_and_the_call_ending_mid_session(qtbot, centre: Centre) -> None:  # type: ignore[no-untyped-def]
    w, _ = centre.board(qtbot, "sv-token")
    qtbot.waitUntil(lambda: w.view is not None and w.view.synced and bool(w.tiles.order), timeout=5000)
    aid = next(a.id for a in w.view.agents.values() if a.state == "on_call" and a.direction == "in")  # type: ignore[union-attr]
    i = w.tiles.index[aid]
    qtbot.mouseClick(w.tiles, Qt.MouseButton.LeftButton, pos=w.tiles.tile_rect(i).center())
    qtbot.keyClick(w, Qt.Key.Key_L)
    session = w.model.monitoring
    qtbot.waitUntil(lambda: session.state == "active", timeout=4000)
    # the caller hangs up: the session ends on the server and on the board, by itself
    assert centre.engine.hang_up(aid)
    centre.step()
    qtbot.waitUntil(lambda: session.state == "ended", timeout=3000)
    assert session.session is not None and session.session.reason == "call_ended" and not w.banner.isVisible()
    assert any("the call ended" in e.text for e in w.monitor.log)
    assert centre.service.desk is not None and not centre.service.desk.sessions
    assert audit(centre)[-1] == ("sv-tanaka", "end", aid, "listen", "call_ended")


def test_a_view_only_board_shows_no_monitoring_controls(qtbot, centre: Centre) -> None:  # type: ignore[no-untyped-def]
    w, client = centre.board(qtbot, "tv-token")
    qtbot.waitUntil(lambda: w.view is not None and w.view.synced, timeout=5000)
    assert w.view is not None and w.view.caps.monitor == ()
    assert not w.listen_button.isVisible() and not w.banner.isVisible()
    assert w.monitor_hint.text() == "This board is view-only"
    aid = next(a.id for a in w.view.agents.values() if a.state == "on_call")
    w._select(aid)
    qtbot.keyClick(w, Qt.Key.Key_L)  # the shortcut does nothing either
    qtbot.wait(300)
    assert w.model.monitoring.session is None and audit(centre) == []


def test_a_command_whose_reply_never_comes_times_out_clearly(qtbot, centre: Centre) -> None:  # type: ignore[no-untyped-def]
    async def never(cmd: object, peer: object) -> None:
        import asyncio
        await asyncio.Event().wait()  # the backend hangs

    centre.service.server.on_command = never  # type: ignore[assignment]
    w, _ = centre.board(qtbot, "sv-token", timeout_s=0.5)
    qtbot.waitUntil(lambda: w.view is not None and w.view.synced, timeout=5000)
    aid = next(a.id for a in w.view.agents.values() if a.state == "on_call")  # type: ignore[union-attr]
    w._select(aid)
    qtbot.mouseClick(w.listen_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any("no answer from the server" in e.text for e in w.monitor.log), timeout=3000)
    assert w.model.monitoring.pending is None and w.listen_button.isEnabled()  # free to try again
    assert not w.banner.isVisible()


def test_losing_the_feed_mid_session_ends_it_visibly(qtbot, centre: Centre) -> None:  # type: ignore[no-untyped-def]
    w, _ = centre.board(qtbot, "sv-token")
    qtbot.waitUntil(lambda: w.view is not None and w.view.synced, timeout=5000)
    aid = next(a.id for a in w.view.agents.values() if a.state == "on_call")  # type: ignore[union-attr]
    w._select(aid)
    w.listen_selected()
    session = w.model.monitoring
    qtbot.waitUntil(lambda: session.state == "active", timeout=4000)
    centre.thread.submit(centre.service.server.stop()).result(5)  # the server goes away
    qtbot.waitUntil(lambda: session.state == "ended", timeout=3000)
    assert session.session is not None and session.session.reason == "connection_lost" and not w.banner.isVisible()
    assert any("connection to the feed lost" in e.text for e in w.monitor.log)
    assert "RECONNECTING" in w.top.link.text() or "Connecting" in w.top.link.text()


def test_a_session_that_could_not_be_ended_is_shown_in_red_with_what_to_do(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A bridge that cannot hang the supervisor's leg up says so: the banner stays, red, and stop works again."""
    sent: list[str] = []

    def submit(req_id: str, action: str, args: dict[str, object]) -> concurrent.futures.Future[CommandResult]:
        sent.append(action)
        return concurrent.futures.Future()
    session = MonitorSession(True, "Local/900@sv")
    session.set_offer(("listen", "whisper", "barge"), "")
    m = MonitorDesk(session, FeedLink(submit), lambda aid: "Alice")
    banner = MonitorBanner()
    qtbot.addWidget(banner)
    banner.show()

    def update(state: str, reason: str = "") -> None:
        m.told(tuple(session.follow({"m1": MonitorUpdate(ts=len(sent) + 1 + len(m.log), session_id="m1", state=state,
                                                         mode="barge", agent_id="a1", reason=reason)})))
        banner.refresh(session, "Alice", 12.0)
    update("active")
    assert banner.shown and "BARGED IN" in banner.text.text()
    assert m.act(Action.STOP)
    update("ending", "stopped")
    assert banner.shown and "waiting for the PBX to confirm" in banner.text.text()
    update("stuck", "hangup_refused")
    assert banner.shown and "COULD NOT END" in banner.text.text() and "Hang up your phone" in banner.text.text()
    assert banner.palette().color(banner.backgroundRole()) == CRITICAL
    assert m.log[-1].text.startswith("COULD NOT END") and not m.log[-1].ok
    session.answered()
    assert banner.buttons[Action.STOP].isEnabled() and session.why_not(Action.LISTEN, True) is not None
    assert m.act(Action.STOP)
    assert sent == ["monitor.stop", "monitor.stop"]  # stop is tried again
    update("ended", "stopped")
    assert not banner.shown


def test_a_supervisor_is_told_why_a_feed_offers_no_monitoring(qapp) -> None:  # type: ignore[no-untyped-def]
    session = MonitorSession(True, "Local/900@sv")
    session.set_offer((), "the bridge's AMI user may not Hangup (manager.conf: write = originate,call)")
    m = MonitorDesk(session, FeedLink(lambda *a: concurrent.futures.Future()), lambda aid: aid)
    assert m.hint(None, None).startswith("Monitoring is off on this feed: the bridge's AMI user may not Hangup")
    view_only = MonitorDesk(MonitorSession(False, "Local/900@sv"), FeedLink(), lambda aid: aid)
    assert view_only.hint(None, None) == "This board is view-only"
