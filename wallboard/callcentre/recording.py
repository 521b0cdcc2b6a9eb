"""A recorded feed from the simulator: a warmed-up floor, its snapshot, and numbered deltas.

For benchmarks and tests that need real frames (same shapes, same orders as the live
feed) without a socket: one place that turns the engine's updates into protocol frames.
"""

from __future__ import annotations

from ..core.protocol import Snapshot, delta, encode
from .engine import CallCentre
from .traffic import demo_plan

#: A fixed day (2025-11-22 03:00 UTC, noon in Tokyo) so recordings repeat exactly.
T0 = 1_763_780_400_000


def warmed_up(agents: int, queues: int, seed: int, warmup_ms: int = 3_600_000) -> CallCentre:
    """The demo floor after ``warmup_ms`` of traffic: busy, with calls in every state."""
    cc = CallCentre(demo_plan(agents, queues), T0, seed=seed)
    cc.advance(T0 + warmup_ms)
    return cc


def recorded_feed(cc: CallCentre, n: int, stream: str, step_ms: int = 600_000) -> tuple[bytes, list[bytes]]:
    """The floor's snapshot (seq 0) and its next ``n`` deltas (seq 1..n), encoded as sent."""
    a, q, c = cc.snapshot()
    snap = encode(Snapshot(stream=stream, seq=0, ts=cc.now, agents=tuple(a), queues=tuple(q), calls=tuple(c)))
    frames: list[bytes] = []
    while len(frames) < n:
        base = len(frames)  # fixed before extend() starts appending
        frames.extend(encode(delta(obj, stream, base + k + 1, cc.now))
                      for k, obj in enumerate(cc.advance(cc.now + step_ms)))
    return snap, frames[:n]
