"""mod_callcenter's events and lists through the pure floor: captures from a real FreeSWITCH, then each rule."""

from __future__ import annotations

from typing import Any

import pytest

from tests.freeswitch.capture import events, lists, records
from wallboard.core.model import Agent, Call, Queue
from wallboard.core.protocol import Gone
from wallboard.freeswitch.floor import LEAVE_GRACE_MS, FreeSwitchFloor, QueueConfig

T0 = 1_796_112_800_000
SALES = "sales@default"


def at(ev: dict[str, str]) -> int:
    return int(ev["Event-Date-Timestamp"]) // 1000


def play(floor: FreeSwitchFloor, evs: list[dict[str, str]]) -> list[Any]:
    out: list[Any] = []
    for ev in evs:  # time passes up to each event, then it applies
        out += floor.tick(at(ev))
        out += floor.on(ev, at(ev))
    return out


def ended(updates: list[Any]) -> dict[str, str]:
    return {u.id: u.end_reason for u in updates if isinstance(u, Call) and u.state == "ended"}


def test_the_reference_capture_two_answered_one_abandoned() -> None:
    """shared/reference's 24 events (FreeSWITCH 1.11.1): no snapshot, agents known from their events."""
    evs = events("reference-events")
    floor = FreeSwitchFloor(at(evs[0]) - 1000)
    out = play(floor, evs)
    q = floor.snapshot(at(evs[-1]))[1][0]
    assert (q.id, q.offered, q.answered, q.abandoned, q.handled) == ("sales", 3, 2, 1, 2)
    assert sorted(ended(out).values()) == ["abandoned", "completed", "completed"]
    talking = [(u.id, u.state) for u in out if isinstance(u, Agent)]
    assert ("1001", "on_call") in talking and ("1002", "on_call") in talking
    assert {a.id: a.state for a in floor.snapshot(at(evs[-1]))[0]} == {"1001": "available", "1002": "available"}
    assert not floor.oddities


def recorded_floor(name: str) -> tuple[FreeSwitchFloor, list[Any], int]:
    evs = events(name)
    start = at(evs[0]) - 2000
    floor = FreeSwitchFloor(start, {SALES: QueueConfig(name="営業")}, names={"1001@default": "田中"})
    ls = lists(name)
    first = floor.load(ls["agent list"], ls["tier list"], ls["member list"], ls["queue list"], start)
    return floor, first + play(floor, evs), at(evs[-1])


def test_the_basic_capture_answered_abandoned_timed_out_on_break_wrapup() -> None:
    floor, out, end = recorded_floor("basic")
    queues = {q.id: q for q in floor.snapshot(end + 10_000)[1]}
    sales, support = queues[SALES], queues["support@default"]
    assert (sales.name, sales.offered, sales.answered, sales.abandoned, sales.handled) == ("営業", 3, 2, 1, 2)
    assert (support.offered, support.answered, support.abandoned) == (1, 0, 0)  # a TIMEOUT is not an abandon
    assert support.longest_wait_ms >= 5000  # … but the caller waited: 最長待ち today
    assert sorted(ended(out).values()) == ["abandoned", "completed", "completed", "timeout"]
    seen = [(u.id, u.state, u.reason) for u in out if isinstance(u, Agent)]
    assert ("1002@default", "paused", "break") in seen
    assert ("1001@default", "wrapup", "") in seen  # wrap-up-time 5 from the agent list
    assert {a.id: a.name for a in floor.snapshot(end)[0]}["1001@default"] == "田中"
    assert ("1003@default", "logged_out", "") in [(a.id, a.state, a.reason) for a in floor.snapshot(end)[0]]
    assert sales.handle_ms >= 2 * 5000  # talk + the 5 s wrap-up each


def test_a_snapshot_mid_call_puts_agents_on_their_calls_and_held_is_told() -> None:
    """midcall: the bridge started with two calls up and one caller waiting; then a hold on 1001's channel."""
    ls = lists("midcall")
    evs = events("midcall")
    start = at(evs[0]) - 2000
    floor = FreeSwitchFloor(start)
    floor.load(ls["agent list"], ls["tier list"], ls["member list"], ls["queue list"], start)
    agents, queues, calls = floor.snapshot(start)
    by = {a.id: a for a in agents}
    assert by["1001@default"].state == by["1002@default"].state == "on_call"
    assert floor.agents["1001@default"].channel  # the agent list's uuid: what eavesdrop needs
    assert sorted(c.state for c in calls) == ["connected", "connected", "queued"]
    assert queues[0].offered == 1 and queues[0].answered == 0  # answered before we counted: not counted
    out = play(floor, evs)
    assert ("1001@default", "on_hold") in [(u.id, u.state) for u in out if isinstance(u, Agent)]
    assert "held" in [u.state for u in out if isinstance(u, Call)]


def ev(action: str, **h: str) -> dict[str, str]:
    return {"Event-Name": "CUSTOM", "Event-Subclass": "callcenter::info", "CC-Action": action,
            **{k.replace("_", "-"): v for k, v in h.items()}}


def joined(floor: FreeSwitchFloor, cid: str, now: int, queue: str = SALES) -> None:
    floor.on(ev("member-queue-start", CC_Queue=queue, CC_Member_Session_UUID=cid), now)


@pytest.mark.parametrize("reason, why, abandoned", [
    ("BREAK_OUT", "abandoned", 1), ("TIMEOUT", "timeout", 0), ("NO_AGENT_TIMEOUT", "timeout", 0),
    ("EXIT_WITH_KEY", "exited", 0),
])
def test_how_a_caller_left_is_kept_apart(reason: str, why: str, abandoned: int) -> None:
    floor = FreeSwitchFloor(T0)
    joined(floor, "c1", T0)
    out = floor.on(ev("member-queue-end", CC_Queue=SALES, CC_Member_Session_UUID="c1", CC_Cause="Cancel",
                      CC_Cancel_Reason=reason), T0 + 5000)
    assert ended(out) == {"c1": why}
    q = [u for u in out if isinstance(u, Queue)][-1]  # the queue changes either way: the caller waited 5 s
    assert (q.abandoned, q.longest_wait_ms) == (abandoned, 5000)


def test_an_offer_that_fails_puts_the_caller_back_and_max_no_answer_is_a_reasoned_break() -> None:
    floor = FreeSwitchFloor(T0)
    floor.load([{"name": "a1", "status": "Available", "state": "Waiting"}], [{"queue": SALES, "agent": "a1"}], [], [], T0)
    joined(floor, "c1", T0)
    floor.on(ev("agent-offering", CC_Agent="a1", CC_Member_Session_UUID="c1"), T0 + 10)
    assert floor.callers["c1"].call.state == "ringing" and floor.state_of(floor.agents["a1"], T0)[0].value == "ringing"
    floor.on(ev("bridge-agent-fail", CC_Agent="a1", CC_Member_Session_UUID="c1", CC_Queue=SALES), T0 + 20)
    floor.on(ev("agent-max-no-answer", CC_Agent="a1"), T0 + 20)
    out = floor.on(ev("agent-status-change", CC_Agent="a1", CC_Agent_Status="On Break"), T0 + 21)
    assert floor.callers["c1"].call.state == "queued"
    assert [(u.state, u.reason) for u in out if isinstance(u, Agent)] == [("paused", "no_answer")]
    out = floor.on(ev("agent-status-change", CC_Agent="a1", CC_Agent_Status="Available"), T0 + 30)
    out += floor.on(ev("agent-state-change", CC_Agent="a1", CC_Agent_State="Idle"), T0 + 31)
    assert [(u.state, u.reason) for u in out if isinstance(u, Agent)] == [("available", ""), ("paused", "idle")]


def test_hold_and_unhold_on_either_side_and_a_lost_member_queue_end() -> None:
    floor = FreeSwitchFloor(T0)
    floor.load([{"name": "a1", "status": "Available", "state": "Waiting"}], [], [], [], T0)
    joined(floor, "c1", T0)
    floor.on(ev("bridge-agent-start", CC_Queue=SALES, CC_Agent="a1", CC_Member_Session_UUID="c1",
                CC_Agent_UUID="ach"), T0 + 1000)
    for uid, name, state in (("ach", "CHANNEL_HOLD", "held"), ("c1", "CHANNEL_UNHOLD", "connected")):
        floor.on({"Event-Name": name, "Unique-ID": uid}, T0 + 2000)
        assert floor.callers["c1"].call.state == state
    joined(floor, "c2", T0)
    floor.on({"Event-Name": "CHANNEL_HANGUP_COMPLETE", "Unique-ID": "c2"}, T0 + 3000)
    assert "c2" in floor.callers and not floor.tick(T0 + 3000 + LEAVE_GRACE_MS - 1)
    assert ended(floor.tick(T0 + 3000 + LEAVE_GRACE_MS)) == {"c2": "exited"}


def test_a_retaken_floor_removes_what_is_gone_and_keeps_the_counters() -> None:
    floor = FreeSwitchFloor(T0)
    agents = [{"name": n, "status": "Available", "state": "Waiting"} for n in ("a1", "a2")]
    floor.load(agents, [{"queue": SALES, "agent": "a1"}], [], [{"name": SALES}], T0)
    joined(floor, "c1", T0 + 1)
    out = floor.load(agents[:1], [{"queue": SALES, "agent": "a1"}], [], [{"name": SALES}], T0 + 2)
    assert Gone("agent", "a2") in out and ended(out) == {"c1": "exited"}
    assert floor.queues[SALES].counters.offered == 1


def test_what_cannot_be_used_is_counted_never_raised() -> None:
    floor = FreeSwitchFloor(T0)
    for bad in (ev("member-queue-start", CC_Queue=SALES), ev("bridge-agent-start", CC_Agent="a"),
                ev("agent-status-change"), ev("something-new"), ev("member-queue-start", CC_Queue="q" * 300,
                                                                   CC_Member_Session_UUID="c")):
        assert floor.on(bad, T0) == []
    assert len(floor.oddities) == 5 and len(floor.take_new_oddities()) == 5 and not floor.take_new_oddities()
    assert floor.load([{"name": 7}, {}], [{"queue": None}], [{"state": "Waiting"}], [{}], T0) == []


def test_midnight_starts_a_new_day_with_the_callers_still_waiting() -> None:
    floor = FreeSwitchFloor(T0, utc_offset_min=540)
    joined(floor, "c1", T0)
    joined(floor, "c2", T0)
    floor.on(ev("bridge-agent-start", CC_Queue=SALES, CC_Agent="a1", CC_Member_Session_UUID="c1"), T0 + 1)
    out = floor.tick(floor.next_midnight)
    q = [u for u in out if isinstance(u, Queue)][0]
    assert (q.offered, q.answered, q.interval_partial, q.interval_start) == (1, 0, False, floor.interval_start)
    assert records("basic")[0]["headers"]["Content-Type"] == "auth/request"
