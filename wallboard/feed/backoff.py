"""When to try again: one small pure policy for every failure, as a table, not a tangle of flags.

Used by the board for its feed and by the bridge for its PBX:

| failure | what happened | wait before the next attempt |
|---|---|---|
| ``lost`` | connection refused / reset / closed, timed out, silent, a bad handshake, no usable snapshot | 0.25 s doubling to 2 s, equal jitter |
| ``restart`` | the server asked us to come back now (close 1012, "service restart") | 0.1–0.5 s |
| ``unavailable`` | the server is up but cannot serve yet (HTTP 5xx, close 1013 "try again later") | 1 s doubling to 15 s, equal jitter |
| ``refused`` | it said no: an ``error`` frame (unauthorized, unsupported_version, bad_request), HTTP 401/403/4xx, close 1008, an invalid URL, a PBX login refused | 30 s ± 25 % |

"Equal jitter" is half fixed, half random, so a room of boards that lost the same server do
not return in lock-step; the refused wait is jittered too (a room of TVs with a wrong token
must not knock in unison every 30 s). The low caps are on purpose: a board must be back within
about two seconds of its server returning, and a refused connect to a LAN host costs almost
nothing. The attempt count starts again after every session that got as far as a welcome.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum


class Failure(str, Enum):
    LOST = "lost"
    RESTART = "restart"
    UNAVAILABLE = "unavailable"
    REFUSED = "refused"


REFUSED_S = 30.0


def retry_delay(failure: Failure, attempt: int, rand: Callable[[], float], refused_s: float = REFUSED_S) -> float:
    """Seconds to wait before attempt ``attempt + 1`` (``attempt`` ≥ 0) after ``failure``."""
    if failure is Failure.REFUSED:
        return refused_s * (0.75 + 0.5 * rand())
    if failure is Failure.RESTART:
        return 0.1 + 0.4 * rand()
    if failure is Failure.UNAVAILABLE:
        return _equal_jitter(attempt, rand, 1.0, 15.0)
    return _equal_jitter(attempt, rand, 0.25, 2.0)


def reconnect_delay(attempt: int, rand: Callable[[], float], first_s: float = 0.25, cap_s: float = 2.0) -> float:
    """The ``lost`` step: doubling from ``first_s`` up to ``cap_s``, equal jitter."""
    return _equal_jitter(attempt, rand, first_s, cap_s)


def _equal_jitter(attempt: int, rand: Callable[[], float], first_s: float, cap_s: float) -> float:
    ceiling = min(cap_s, first_s * float(2 ** min(attempt, 30)))
    return ceiling / 2 + rand() * ceiling / 2
