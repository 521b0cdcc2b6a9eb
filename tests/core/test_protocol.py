from __future__ import annotations

import json

import pytest

from tests.helpers import T0, agent, call, queue
from wallboard.core.errors import FrameRejected, FrameTooLarge, MalformedFrame, UnknownMessageType
from wallboard.core.protocol import (
    AgentUpdate,
    CallUpdate,
    Command,
    Damaged,
    Heartbeat,
    Hello,
    QueueUpdate,
    Snapshot,
    Welcome,
    decode_client,
    decode_server,
    encode,
)


@pytest.mark.parametrize("msg", [
    Welcome(version=1, stream="s", ts=T0, heartbeat_s=2.0),
    Snapshot(stream="s", seq=7, ts=T0, agents=(agent(queues=("q1",)),), queues=(queue(offered=3),),
             calls=(call(),)),
    AgentUpdate(stream="s", seq=8, ts=T0, agent=agent(state="paused", reason="lunch")),
    QueueUpdate(stream="s", seq=9, ts=T0, queue=queue(answered=2, answered_in_sl=1)),
    CallUpdate(stream="s", seq=10, ts=T0, call=call(state="connected", agent_id="a1", answered_at=T0 + 5)),
    Heartbeat(stream="s", seq=10, ts=T0),
])
def test_server_messages_round_trip(msg: object) -> None:
    assert decode_server(encode(msg)) == msg  # type: ignore[arg-type]


def test_client_messages_round_trip() -> None:
    for msg in (Hello(versions=(1,), client="t", token="x"), Command(req_id="r1", action="monitor.start", args={"mode": "listen"})):
        assert decode_client(encode(msg)) == msg


def frame(**fields: object) -> bytes:
    return json.dumps(fields).encode()


@pytest.mark.parametrize(("raw", "reason", "words"), [
    (b"{", "not_json", "not JSON"),
    (b"", "not_json", "not JSON"),
    (b"[1, 2]", "bad_shape", "not a JSON object"),
    (b'"hello"', "bad_shape", "not a JSON object"),
    (frame(seq=1), "bad_shape", "'type'"),
    (frame(type=5), "bad_shape", "'type'"),
    (frame(type="agent.update", stream="s", seq=-1, ts=1, agent={}), "bad_shape", "$.seq"),
    (frame(type="agent.update", stream="s", seq=1, ts=1), "bad_shape", "agent"),
    (frame(type="heartbeat", stream="s", seq=1.5, ts=1), "bad_shape", "$.seq"),
    (frame(type="snapshot", stream="s", seq=1), "bad_shape", "ts"),
])
def test_bad_frames_are_rejected_with_a_reason(raw: bytes, reason: str, words: str) -> None:
    with pytest.raises(MalformedFrame) as err:
        decode_server(raw)
    assert err.value.reason == reason
    assert words in err.value.detail
    if raw.startswith(b'{"type": "'):
        assert err.value.message_type == json.loads(raw)["type"]  # a board knows what it lost


@pytest.mark.parametrize(("raw", "bad"), [
    (frame(type="agent.update", stream="s", seq=1, ts=1, agent={"id": "a"}), [("agent", "a", "", "name")]),
    (frame(type="agent.update", stream="s", seq=1, ts=1,
           agent={"id": "", "name": "x", "state": "available", "since": 0}), [("agent", None, "x", "$.id")]),
    (frame(type="agent.update", stream="s", seq=1, ts=1,
           agent={"id": "a", "name": "N" * 257, "state": "available", "since": 0}), [("agent", "a", "", "$.name")]),
    (frame(type="call.update", stream="s", seq=1, ts=1, call=None), [("call", None, "", "null")]),
    (frame(type="snapshot", stream="s", seq=4, ts=1, agents=[
        {"id": "a1", "name": "A", "state": "available", "since": 0},
        {"id": "a2", "name": "B", "state": "x" * 33, "since": 0},
        {"id": "a3", "name": "C", "state": "available", "since": -1}],
        queues=[{"id": "q", "name": "Q", "interval_start": 0, "offered": -1}]),
     [("agent", "a2", "B", "$.state"), ("agent", "a3", "C", "$.since"), ("queue", "q", "Q", "$.offered")]),
])
def test_one_bad_record_is_dropped_alone(raw: bytes, bad: list[tuple[str, str | None, str, str]]) -> None:
    """The envelope is sound: the good records come back, and each bad one with its id, name and why."""
    msg = decode_server(raw)
    assert isinstance(msg, Damaged)
    assert [(b.kind, b.id, b.name, w) for b, (_, _, _, w) in zip(msg.bad, bad)] == [b[:3] + (b[3],) for b in bad]
    assert all(w in b.reason for b, (_, _, _, w) in zip(msg.bad, bad))
    if msg.type == "snapshot":
        assert [a.id for a in msg.agents] == ["a1"] and msg.seq == 4


def test_a_newer_server_is_read_as_version_1_promises() -> None:
    """Additive changes stay version 1: an unknown mode in caps, float stamps, a field never heard of."""
    w = decode_server(frame(type="welcome", version=1, stream="s", ts=1.7963e12, heartbeat_s=2,
                            caps={"monitor": ["listen", "coach"], "role": "auditor", "colour": "red"}))
    assert isinstance(w, Welcome) and w.ts == 1_796_300_000_000 and w.caps.monitor == ("listen", "coach")
    q = decode_server(frame(type="queue.update", stream="s", seq=1, ts=1.0,
                            queue={"id": "q", "name": "Q", "interval_start": 0, "offered": 12.0}))
    assert isinstance(q, QueueUpdate) and q.queue.offered == 12 and q.ts == 1


def test_unknown_type_is_its_own_rejection() -> None:
    with pytest.raises(UnknownMessageType) as err:
        decode_server(frame(type="agent.teleport", stream="s"))
    assert err.value.reason == "unknown_type" and err.value.message_type == "agent.teleport"


def test_unknown_fields_are_ignored_and_unknown_states_map_to_unknown() -> None:
    raw = frame(type="agent.update", stream="s", seq=1, ts=1, future_field={"x": 1},
                agent={"id": "a", "name": "A", "state": "levitating", "since": 0, "mood": "good"})
    msg = decode_server(raw)
    assert isinstance(msg, AgentUpdate)
    assert msg.agent.status.value == "unknown"


def test_size_limit_is_checked_before_parsing() -> None:
    big = frame(type="heartbeat", stream="s" * 100, seq=1, ts=1)
    with pytest.raises(FrameTooLarge):
        decode_server(big, max_bytes=50)
    assert isinstance(decode_server(big, max_bytes=len(big)), Heartbeat)


def test_every_rejection_is_a_frame_rejected() -> None:
    for raw in (b"\xff\xfe", b"null", frame(type="snapshot")):
        with pytest.raises(FrameRejected):
            decode_server(raw)


def test_a_token_never_shows_in_a_repr() -> None:
    assert "s3cret" not in repr(Hello(versions=(1,), token="s3cret"))
    assert "s3cret" not in str(Hello(versions=(1,), token="s3cret"))
