"""The callers waiting (待ち呼) one by one: who, in which queue, how long, and their place in it.

A caller's position is its place in its queue by join time (1 = next to be answered, as the ACD
serves the longest waiter first); the list runs longest wait first across the board's queues.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..core.metrics import seconds_since
from ..core.model import WAITING_CALL_STATES, Call, Queue
from .names import plain

_WAITING = frozenset(s.value for s in WAITING_CALL_STATES)


@dataclass(frozen=True, slots=True)
class WaitingCaller:
    call_id: str
    queue_id: str
    queue_name: str
    number: str
    name: str
    wait_s: float
    position: int  # 1: next in its queue
    ringing: bool  # being offered to an agent now


def waiting_callers(calls: Iterable[Call], queues: Mapping[str, Queue], now_ms: int) -> list[WaitingCaller]:
    """Every caller waiting in ``queues``, longest wait first."""
    by_queue: dict[str, list[Call]] = {}
    for c in calls:
        if c.state in _WAITING and c.queue in queues:
            by_queue.setdefault(c.queue, []).append(c)
    out: list[WaitingCaller] = []
    for qid, waiting in by_queue.items():
        waiting.sort(key=lambda c: (c.queued_at, c.id))
        name = plain(queues[qid].name)
        out.extend(WaitingCaller(c.id, qid, name, plain(c.caller_num), plain(c.caller_name),
                                 seconds_since(c.queued_at, now_ms), i + 1, c.state == "ringing")
                   for i, c in enumerate(waiting))
    out.sort(key=lambda w: (-w.wait_s, w.queue_id, w.position))
    return out
