"""When to try the feed again: a small pure policy with a table test, not a tangle of flags.

Doubling from ``first_s`` up to ``cap_s``, with "equal jitter" (half fixed, half
random) so a room of boards that lost the same server do not return in lock-step.
The cap is low on purpose: a board must be back within about two seconds of its
server returning, and a refused connect to a LAN host costs almost nothing.
"""

from __future__ import annotations

from collections.abc import Callable


def reconnect_delay(attempt: int, rand: Callable[[], float], first_s: float = 0.25, cap_s: float = 2.0) -> float:
    """Seconds to wait before connection attempt ``attempt + 1`` (``attempt`` ≥ 0)."""
    ceiling = min(cap_s, first_s * float(2 ** min(attempt, 30)))
    return ceiling / 2 + rand() * ceiling / 2
