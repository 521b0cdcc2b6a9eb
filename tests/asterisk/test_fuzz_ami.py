"""≥ 50,000 mutated AMI messages, built from the recorded captures, at the floor: nothing escapes.

Every message a live Asterisk sent in ``captures/`` (events, list items, responses) is broken
the ways a real PBX, a proxy or a newer Asterisk might break it: fields missing, emptied,
repeated, odd (``-1``, ``1e999``, ``nan``, 5,000 characters, NUL, ``<null>``), an event given
another event's fields, and whole snapshots and channel lists damaged. The floor must never
raise, and everything it hands the boards must be an object a board accepts.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import msgspec

from tests.asterisk.capture import answers, events, names
from wallboard.asterisk.ami import AmiMessage, AmiParser
from wallboard.asterisk.floor import AsteriskFloor, QueueConfig
from wallboard.core.model import Agent, Call, Queue
from wallboard.core.protocol import Gone

T0 = 1_796_120_000_000
ODD = ["", " ", "-1", "0", "1e999", "nan", "inf", "99999999999999999999", "5.5", "０", "x" * 5000, "日本語",
       "\x00", "<null>", "<unknown>", "Local/1001@agents/n", "hint:1006@agents", "hint:", "hint:@", "sales", "1",
       "INUSE", "UNAVAILABLE", "Queue", ",,,", "wbspy-rec-1"]


def _corpus() -> list[AmiMessage]:
    return [m for name in names() for m in events(name)]


def _mutate(m: AmiMessage, rng: random.Random, kinds: list[str]) -> AmiMessage:
    fields = list(m.fields)
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        i = rng.randrange(len(fields)) if fields else 0
        if r < 0.25 and fields:
            del fields[i]  # missing (AgentComplete without Uniqueid, as a live Asterisk sends it)
        elif r < 0.55 and fields:
            fields[i] = (fields[i][0], rng.choice(ODD))
        elif r < 0.65 and fields:
            fields.insert(rng.randrange(len(fields) + 1), (fields[i][0], rng.choice(ODD)))  # repeated
        elif r < 0.75:
            fields = [("Event", rng.choice(kinds)), *[(k, v) for k, v in fields if k.lower() != "event"]]
        elif r < 0.85 and fields:
            k, v = fields[i]
            fields[i] = (k.upper() if rng.random() < 0.5 else k.lower(), v)  # AMI keys are any case
        elif r < 0.95:
            fields.append((rng.choice(["Uniqueid", "Interface", "Queue", "Wait", "Seconds", "BridgeID",
                                       "Application", "Data", "TalkTime", "Status", "Paused"]), rng.choice(ODD)))
        else:
            fields = fields[: rng.randrange(len(fields) + 1)]
    return AmiMessage(tuple(fields))


def mutants(corpus: list[AmiMessage], count: int, seed: int) -> Iterator[AmiMessage]:
    rng = random.Random(seed)
    kinds = sorted({m.event for m in corpus})
    for _ in range(count):
        yield _mutate(rng.choice(corpus), rng, kinds)


def _valid(obj: object) -> None:
    """A board would accept it: the feed's own types and limits."""
    if isinstance(obj, Gone):
        assert obj.kind in ("agent", "queue") and 0 < len(obj.id) <= 128
        return
    assert isinstance(obj, (Agent, Queue, Call)), obj
    msgspec.convert(msgspec.to_builtins(obj), type(obj))


def _floor() -> tuple[AsteriskFloor, list[list[AmiMessage]], list[list[AmiMessage]]]:
    statuses = [items for name in names() for _, items in answers(name, "QueueStatus") if items]
    channels = [items for name in names() for _, items in answers(name, "Status") if items]
    f = AsteriskFloor(T0, {"sales": QueueConfig(wrapup_s=5), "support": QueueConfig(wrapup_s=3)})
    f.load_queue_status(statuses[0], T0)
    return f, statuses, channels


def test_fifty_thousand_mutated_events_never_break_the_floor() -> None:
    corpus = _corpus()
    assert len(corpus) > 800 and len(names()) >= 8
    f, statuses, channels = _floor()
    rng = random.Random(11)
    now = T0
    for n, m in enumerate(mutants(corpus, 60_000, seed=5), 1):
        now += rng.randint(0, 3000)
        for obj in f.on(m, now):
            _valid(obj)
        if n % 500 == 0:  # time passes; now and then the whole floor is taken again, damaged too
            for obj in f.tick(now):
                _valid(obj)
            snap = [_mutate(e, rng, ["QueueMember", "QueueEntry", "QueueParams"]) if rng.random() < 0.3 else e
                    for e in rng.choice(statuses)]
            for obj in f.load_queue_status(snap, now):
                _valid(obj)
            chans = [_mutate(e, rng, ["Status"]) if rng.random() < 0.3 else e for e in rng.choice(channels)]
            for obj in f.apply_channels(chans, now):
                _valid(obj)
            member = rng.choice(list(f.members.values())) if f.members else None
            if member is not None:
                f.resolve_hint(member.interface, rng.choice(ODD))
    agents, queues, calls = f.snapshot(now)
    for obj in [*agents, *queues, *calls]:
        _valid(obj)
    assert all(a.id in f.members for a in agents) and all(c.id in f.callers for c in calls)
    assert sum(f.oddities.values()) > 1000  # what was skipped was counted
    for q in queues:  # the counters stay consistent, whatever came
        assert q.answered + q.abandoned <= q.offered, q


def test_broken_bytes_on_the_wire_never_break_the_parser_or_the_floor() -> None:
    """The framing layer first: truncated, spliced and flipped bytes of the real sessions."""
    rng = random.Random(3)
    from tests.asterisk.capture import wire
    raw = [wire("recv", name) for name in names()]
    f, _, _ = _floor()
    total = 0
    for _ in range(300):
        data = bytearray(rng.choice(raw))
        for _ in range(rng.randint(1, 40)):
            at = rng.randrange(len(data))
            data[at:at + rng.randint(0, 5)] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 5)))
        parser = AmiParser()
        pos = 0
        while pos < len(data):
            step = rng.randint(1, 4096)
            for m in parser.feed(bytes(data[pos:pos + step])):
                total += 1
                for obj in f.on(m, T0 + total):
                    _valid(obj)
            pos += step
    assert total > 10_000
