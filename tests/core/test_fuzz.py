"""≥ 100,000 hostile frames at the decoder and the reducer: no crash, no corrupt state, every rejection counted."""

from __future__ import annotations

from collections import Counter

import msgspec

from tests.fuzzing import mutants, valid_frames
from wallboard.core.errors import FrameRejected
from wallboard.core.model import Agent, Call, Queue
from wallboard.core.protocol import decode_server
from wallboard.core.reducer import FloorState

REASONS = {"too_large", "not_json", "too_deep", "bad_shape", "unknown_type"}


def test_a_hundred_thousand_hostile_frames() -> None:
    snap, frames = valid_frames(2000)
    state = FloorState()
    state.apply(decode_server(snap))
    reasons: Counter[str] = Counter()
    accepted = 0
    n = 100_000
    for raw in mutants(frames, n, seed=7):
        try:
            msg = decode_server(raw, max_bytes=64 * 1024)
        except FrameRejected as err:
            assert err.reason in REASONS and err.detail
            state.reject(err)
            reasons[err.reason] += 1
            continue
        accepted += 1  # a mutation that is still a valid message: it must apply without harm
        state.apply(msg)
    assert sum(reasons.values()) + accepted == n
    assert state.counters.frames == n + 1  # every frame counted, the snapshot too
    assert sum(state.counters.rejected.values()) == sum(reasons.values())
    assert set(reasons) >= {"not_json", "too_deep", "bad_shape", "too_large"}
    # no corrupt state: whatever got in is well-typed, keyed by its own id
    assert all(isinstance(a, Agent) and a.id == k for k, a in state.agents.items())
    assert all(isinstance(q, Queue) and q.id == k for k, q in state.queues.items())
    assert all(isinstance(c, Call) and c.id == k and c.state != "ended" for k, c in state.calls.items())


def test_valid_frames_still_apply_exactly_after_the_storm() -> None:
    snap, frames = valid_frames(500)
    clean = FloorState()
    clean.apply(decode_server(snap))
    stormy = FloorState()
    stormy.apply(decode_server(snap))
    bad = list(mutants(frames, 5000, seed=3))
    for i, raw in enumerate(frames):
        clean.apply(decode_server(raw))
        for junk in bad[i * 10:(i + 1) * 10]:  # a burst of hostile frames before each good one
            err = _rejection(junk)
            if err is not None:
                stormy.reject(err)
        stormy.apply(decode_server(raw))
    assert (stormy.agents, stormy.queues, stormy.calls, stormy.seq) == (clean.agents, clean.queues, clean.calls, clean.seq)


def _rejection(raw: bytes) -> FrameRejected | None:
    try:
        decode_server(raw, max_bytes=64 * 1024)
    except FrameRejected as err:
        return err
    return None


POISON: list[tuple[str, object]] = [
    ("since", -1), ("state", "x" * 33), ("name", "N" * 257), ("id", ""), ("id", "i" * 129), ("queues", "sales"),
    ("since", "yesterday"), ("direction", "outbound!"), ("help", "maybe"), ("offered", -3), ("queued_at", None),
    ("interval_start", 2**60), ("sl_target_pct", 101), ("answered_at", "now"), ("agent_id", ""),
]


def test_snapshots_with_a_poisoned_record_keep_the_rest_of_the_floor_right() -> None:
    import json
    import random

    from wallboard.core.protocol import Damaged
    snap, _ = valid_frames(1)
    base = json.loads(snap)
    rng = random.Random(17)
    damaged = 0
    for _ in range(1500):
        tree = json.loads(snap)
        kind = rng.choice([k for k in ("agents", "queues", "calls") if tree[k]])
        i = rng.randrange(len(tree[kind]))
        key, value = rng.choice(POISON)
        tree[kind][i] = {**tree[kind][i], key: value}
        state = FloorState()
        msg = decode_server(json.dumps(tree))
        state.apply(msg)
        assert state.synced
        records = {"agents": state.agents, "queues": state.queues, "calls": state.calls}
        for k in ("agents", "queues", "calls"):
            for j, rec in enumerate(base[k]):
                if (k, j) == (kind, i):
                    continue  # the poisoned one
                got = records[k].get(rec["id"])
                assert got is not None and json.loads(msgspec.json.encode(got)) == rec, (k, rec["id"])
        if isinstance(msg, Damaged):
            damaged += 1
            bad_id = tree[kind][i].get("id")
            if kind == "agents" and isinstance(bad_id, str) and 0 < len(bad_id) <= 128:
                assert state.agents[bad_id].state == "unknown"  # shown, never silently gone
            assert state.unreadable and state.counters.bad_records[kind[:-1]] == 1
    assert damaged > 500  # (a poison for a field the record does not have is an unknown field: ignored)


def test_welcomes_from_a_newer_server_are_understood() -> None:
    """Unknown enum values and numbers as floats (the protocol's additive rule): never a refusal."""
    import json
    import random

    from wallboard.core.protocol import Welcome
    rng = random.Random(3)
    words = ["coach", "takeover", "listen", "", "x" * 16, "日本語", "barge"]
    for _ in range(3000):
        caps = {"monitor": rng.sample(words, rng.randint(0, 4)), "role": rng.choice(["viewer", "supervisor", "auditor"]),
                rng.choice(["colour", "mood"]): rng.choice([1, "x", None, [1]])}
        welcome = {"type": "welcome", "version": 1, "stream": "s", "ts": rng.choice([1.7963e12, 1796300000000, 0.0]),
                   "heartbeat_s": rng.choice([2, 2.5, 5.0]), "caps": caps, "server": "future",
                   "source": {"state": rng.choice(["up", "rebooting", "quantum"]), "since": 1.0e12, "detail": "…"},
                   rng.choice(["extra", "flags"]): {"a": [1, 2]}}
        msg = decode_server(json.dumps(welcome))
        assert isinstance(msg, Welcome) and msg.caps.monitor == tuple(caps["monitor"])
