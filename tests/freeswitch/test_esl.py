"""The event socket's framing: what FreeSWITCH sends, split anywhere, and what it must never send."""

from __future__ import annotations

import pytest

from tests.freeswitch.capture import records, wire
from wallboard.freeswitch.esl import MAX_HEADERS, BadEvent, EslMessage, EslParser, EslProtocolError, command, event_of


def recorded_bytes(name: str) -> bytes:
    return b"".join(wire(r["headers"], r["body"]) for r in records(name) if r["dir"] == "recv")


def test_a_recorded_session_reads_back_message_for_message_however_it_is_split() -> None:
    data = recorded_bytes("basic")
    whole = EslParser().feed(data)
    assert len(whole) == sum(1 for r in records("basic") if r["dir"] == "recv")
    assert whole[0].content_type == "auth/request"
    assert whole[1].reply == "+OK accepted" and whole[1].ok
    for size in (1, 7, 1000):
        p = EslParser()
        pieces = [m for i in range(0, len(data), size) for m in p.feed(data[i:i + size])]
        assert [(m.headers, m.body) for m in pieces] == [(m.headers, m.body) for m in whole]


def test_an_event_body_is_json_and_odd_values_are_kept_as_text() -> None:
    msg = EslMessage({"Content-Type": "text/event-json"}, b'{"Event-Name": "CUSTOM", "CC-Count": 3, "x": null}')
    assert event_of(msg) == {"Event-Name": "CUSTOM", "CC-Count": "3", "x": "null"}
    for body in (b"{not json", b"[1, 2]", b""):
        with pytest.raises(BadEvent):
            event_of(EslMessage({"Content-Type": "text/event-json"}, body))


@pytest.mark.parametrize("data, why", [
    (b"Content-Type: api/response\nContent-Length: -3\n\n", "Content-Length"),
    (b"Content-Type: api/response\nContent-Length: 99999999999\n\n", "Content-Length"),
    (b"no colon here\n\n", "not a header line"),
    (b"X: " + b"y" * (MAX_HEADERS + 10), "header block"),
])
def test_what_is_not_esl_framing_is_refused_with_the_reason(data: bytes, why: str) -> None:
    with pytest.raises(EslProtocolError, match=why):
        EslParser().feed(data)


def test_a_command_cannot_smuggle_a_second_one() -> None:
    assert command("api status") == b"api status\n\n"
    for bad in ("api status\n\nexit", "auth x\r"):
        with pytest.raises(ValueError):
            command(bad)
