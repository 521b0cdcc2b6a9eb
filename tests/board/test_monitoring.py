"""This board's monitoring session, by table: what may be done in each state, and why not."""

from __future__ import annotations

import pytest

from tests.helpers import T0
from wallboard.board.monitoring import ALIVE, OFFERED, Action, Event, MonitorSession, SessionState, Told, Why
from wallboard.core.protocol import MonitorUpdate

L, W, B, S = Action.LISTEN, Action.WHISPER, Action.BARGE, Action.STOP


def update(state: str, mode: str = "listen", ts: int = T0, sid: str = "s1", reason: str = "") -> MonitorUpdate:
    return MonitorUpdate(ts=ts, session_id=sid, state=state, mode=mode, agent_id="a1", call_id="c1", reason=reason)


def session(state: str | None = None, mode: str = "listen", modes: tuple[str, ...] = ("listen", "whisper", "barge"),
            may: bool = True, endpoint: str = "PJSIP/900") -> MonitorSession:
    m = MonitorSession(may, endpoint)
    m.set_offer(modes, "")
    if state is not None:
        m.follow({"s1": update(state, mode)})
    return m


def test_listen_is_the_only_way_in_and_stop_is_always_offered() -> None:
    """The table itself: rules 1 and 2 of the module."""
    for state, actions in OFFERED.items():
        if state in (SessionState.NONE, SessionState.ENDED):
            assert actions == {L}
        else:
            assert S in actions and (state is SessionState.ACTIVE or actions == {S})
    assert set(SessionState) - {SessionState.NONE, SessionState.ENDED} == ALIVE


@pytest.mark.parametrize(("m", "action", "on_call", "why"), [
    (session(), L, True, None),
    (session(), L, False, Why.NOT_ON_CALL),
    (session(), L, None, Why.NO_AGENT),
    (session(), W, True, Why.NOT_NOW),  # never whisper without listening first
    (session(), B, True, Why.NOT_NOW),
    (session(), S, None, Why.NOT_NOW),  # nothing to stop
    (session(may=False), L, True, Why.VIEW_ONLY),
    (session(modes=()), L, True, Why.VIEW_ONLY),
    (session(endpoint=""), L, True, Why.NO_ENDPOINT),
    (session(modes=("listen",)), L, True, None),
    (session("dialing"), W, None, Why.NOT_NOW),  # not while the phone still rings
    (session("dialing"), S, None, None),
    (session("active"), W, None, None),
    (session("active"), B, None, None),
    (session("active"), L, None, Why.SAME_MODE),
    (session("active", "whisper"), L, None, None),  # back to silent
    (session("active", modes=("listen", "whisper")), B, None, Why.NOT_OFFERED),
    (session("ending"), S, None, None),  # ask again
    (session("stuck"), S, None, None),  # the leg could not be ended: try again
    (session("stuck"), L, True, Why.NOT_NOW),
    (session("ended"), L, True, None),
    (session("reticulating"), S, None, None),  # a newer state: alive, stop offered
])
def test_what_may_be_done(m: MonitorSession, action: Action, on_call: bool | None, why: Why | None) -> None:
    assert m.why_not(action, on_call) is why


def test_one_request_at_a_time_but_stop_always() -> None:
    m = session("active")
    name, args, agent = m.request(W)
    assert (name, args, agent) == ("monitor.set_mode", {"session_id": "s1", "mode": "whisper"}, "a1")
    assert m.why_not(B) is Why.PENDING and m.why_not(S) is None
    assert m.request(S)[0] == "monitor.stop"
    m.answered()
    assert m.why_not(B) is None


def test_a_start_is_a_silent_listen_to_the_supervisors_phone() -> None:
    m = session()
    assert m.request(L, "a7") == ("monitor.start", {"mode": "listen", "agent_id": "a7",
                                                    "supervisor": {"endpoint": "PJSIP/900"}}, "a7")


def test_what_the_server_told_is_logged_once() -> None:
    m = session()
    assert m.follow({"s1": update("dialing")}) == []
    assert m.follow({"s1": update("active", ts=T0 + 1)}) == [Told(Event.CONNECTED, "a1")]
    assert m.follow({"s1": update("active", ts=T0 + 1)}) == []
    assert m.follow({"s1": update("stuck", ts=T0 + 2, reason="hangup_refused")}) == [
        Told(Event.STUCK, "a1", "hangup_refused")]
    assert m.follow({"s1": update("ended", ts=T0 + 3, reason="stopped")}) == [Told(Event.ENDED, "a1", "stopped")]
    assert not m.alive
    # a newer live session wins over an old ended one
    m.follow({"s1": update("ended", ts=T0 + 3, reason="stopped"), "s2": update("dialing", ts=T0 + 4, sid="s2")})
    assert m.state is SessionState.DIALING and m.session is not None and m.session.session_id == "s2"


def in_app(state: str, mode: str) -> MonitorSession:
    m = MonitorSession(True, "")
    m.set_offer(("listen", "whisper", "barge"), "", audio=True)
    m.follow({"s1": MonitorUpdate(ts=T0, session_id="s1", state=state, mode=mode, agent_id="a1", audio=True)})
    return m


def test_in_the_app_no_phone_is_needed_and_the_start_asks_for_audio() -> None:
    m = MonitorSession(True, "")
    m.set_offer(("listen", "whisper", "barge"), "")
    assert m.why_not(Action.LISTEN, True) is Why.NO_ENDPOINT  # the feed offers no audio: a phone is needed
    m.set_offer(("listen", "whisper", "barge"), "", audio=True)
    assert m.via_app and m.why_not(Action.LISTEN, True) is None
    assert m.request(Action.LISTEN, "a1")[1] == {"mode": "listen", "agent_id": "a1", "audio": True}
    m = MonitorSession(True, "PJSIP/900", in_app=False)  # the supervisor prefers the phone
    m.set_offer(("listen",), "", audio=True)
    assert m.request(Action.LISTEN, "a1")[1]["supervisor"] == {"endpoint": "PJSIP/900"}
    m = MonitorSession(True, "PJSIP/900")
    m.set_offer(("listen",), "", audio=True)
    m.sound_error = "no audio output device"  # a desk without sound: the phone, said in the hint
    assert not m.via_app and "audio" not in m.request(Action.LISTEN, "a1")[1]


@pytest.mark.parametrize(("state", "mode", "may_talk"), [
    ("dialing", "listen", False), ("active", "listen", False), ("active", "whisper", True),
    ("active", "barge", True), ("ending", "whisper", False), ("stuck", "barge", False), ("ended", "whisper", False),
])
def test_the_microphone_may_speak_only_in_an_active_whisper_or_barge(state: str, mode: str, may_talk: bool) -> None:
    m = in_app(state, mode)
    assert m.may_talk is may_talk
    m.talk_held = True
    assert m.mic_open is may_talk
    m.talk_held = False
    assert not m.mic_open  # key up: closed, whatever the mode


def test_a_latch_never_outlives_whisper_and_a_stop_or_a_switch_to_listen_closes_at_once() -> None:
    m = in_app("active", "whisper")
    m.latched = True
    assert m.mic_open and m.heard_here
    m.request(Action.LISTEN)  # asked, not yet confirmed: closed now
    assert not m.mic_open and not m.latched
    m.answered()
    m.follow({"s1": MonitorUpdate(ts=T0 + 1, session_id="s1", state="active", mode="whisper", agent_id="a1",
                                  audio=True)})
    assert not m.mic_open  # back in whisper: the latch does not come back by itself
    m.talk_held = True
    m.request(Action.STOP)
    assert not m.mic_open and not m.heard_here  # stop silences the desk before the PBX confirms
