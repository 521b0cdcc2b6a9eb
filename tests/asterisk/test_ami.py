"""AMI framing against the real capture, fed back byte-exact in arbitrary chunks."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from tests.asterisk.capture import frames, wire
from wallboard.asterisk.ami import AmiParser, AmiProtocolError, action


def parse_all(data: bytes, seed: int) -> tuple[AmiParser, list]:  # type: ignore[type-arg]
    rng = random.Random(seed)
    parser = AmiParser()
    out = []
    i = 0
    while i < len(data):
        n = rng.choice([1, 2, 7, 64, 1500, 65536])
        out.extend(parser.feed(data[i:i + n]))
        i += n
    return parser, out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_message_of_the_real_session_comes_out_whole(seed: int) -> None:
    recv = [lines for _, d, lines in frames() if d == "recv"]
    parser, msgs = parse_all(wire("recv"), seed)
    assert parser.greeting == "Asterisk Call Manager/13.0.0"
    assert len(msgs) == len(recv) - 1  # all but the greeting
    for msg, lines in zip(msgs, recv[1:]):
        assert [f"{k}: {v}" for k, v in msg.fields] == lines  # nothing lost, nothing reordered
    events = Counter(m.event for m in msgs if m.event)
    assert events["QueueCallerJoin"] == 4 and events["AgentConnect"] == 3 and events["QueueCallerAbandon"] == 1
    assert events["ChanSpyStart"] == 1 and events["OriginateResponse"] == 6 and events["VarSet"] == 73


def test_the_capture_traps_are_handled() -> None:
    _, msgs = parse_all(wire("recv"), 9)
    params = next(m for m in msgs if m.event == "QueueParams")
    assert params["ServiceLevelPerf"] == params["servicelevelperf"] == params.get("ServicelevelPerf")  # case
    member = next(m for m in msgs if m.event == "QueueMember")
    assert "Name" in member and "Location" in member and "MemberName" not in member  # snapshot spelling
    live = next(m for m in msgs if m.event == "QueueMemberStatus")
    assert "MemberName" in live and "Interface" in live
    names = [m.event for m in msgs if m.event in ("QueueCallerAbandon", "QueueCallerLeave")]
    abandon = names.index("QueueCallerAbandon")
    assert names[abandon + 1] == "QueueCallerLeave"  # Abandon before Leave, as the source says
    ab = next(m for m in msgs if m.event == "QueueCallerAbandon")
    assert int(ab["HoldTime"]) < 60  # a duration in seconds, not an epoch


def test_sent_actions_of_the_capture_round_trip_through_action() -> None:
    sent = [lines for _, d, lines in frames() if d == "sent"]
    for lines in sent:
        fields = dict(line.split(": ", 1) for line in lines)
        original = dict(fields)
        name, aid = fields.pop("Action"), fields.pop("ActionID")
        p = AmiParser()
        [msg] = p.feed(b"greeting\r\n" + action(name, aid, **fields))  # what Asterisk would read
        assert dict(msg.fields) == original
    with pytest.raises(ValueError, match="one line"):
        action("Originate", "x", Channel="PJSIP/900\r\nAction: Logoff")  # no header injection


def test_garbage_without_an_end_is_refused() -> None:
    p = AmiParser()
    p.feed(b"Asterisk Call Manager/13.0.0\r\n")
    with pytest.raises(AmiProtocolError):
        p.feed(b"Event: x\r\nKey: " + b"y" * (1024 * 1024 + 10))
