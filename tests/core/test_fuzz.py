"""≥ 100,000 hostile frames at the decoder and the reducer: no crash, no corrupt state, every rejection counted."""

from __future__ import annotations

from collections import Counter

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
