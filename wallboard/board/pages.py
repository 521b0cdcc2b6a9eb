"""A wall TV's pages: which ones, how many of each, in which turn.

Rules:

1. The profile lists the pages in their turn (``tv.pages``); a page type that needs more than one
   screen (agents, queue cards, exceptions, waiting callers: a TV never scrolls) becomes as many
   pages as it needs, each shown once per turn.
2. A page with nothing to show is skipped: no alerts, no exceptions, no callers waiting, a trend
   with less than :data:`TREND_READY_S` of samples. A page of agents is never empty-skipped: with
   nothing else, the agents page shows "No agents yet".
3. The turn is replanned whenever what the pages hold changes; the TV then goes on from the page
   it was on (or the next one still there), never back to the start.

Pure: the window measures how much fits, this decides what is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

#: The trend page shows once it holds this much of the last hour (s).
TREND_READY_S = 120


class Page(str, Enum):
    AGENTS = "agents"
    QUEUES = "queues"
    TREND = "trend"
    ALERTS = "alerts"
    EXCEPTIONS = "exceptions"
    WAITING = "waiting"
    WHITEBOARD = "whiteboard"  # outbound results: shown once the server counts any today


#: Pages that may need several screens.
MULTI = frozenset({Page.AGENTS, Page.QUEUES, Page.EXCEPTIONS, Page.WAITING, Page.WHITEBOARD})


@dataclass(frozen=True, slots=True)
class Slot:
    page: Page
    index: int = 0  # which screen of it
    of: int = 1  # how many screens it has


def plan(pages: Sequence[str], screens: Mapping[Page, int]) -> list[Slot]:
    """The turn: ``screens`` says how many screens each page type needs now (0: nothing to show)."""
    out: list[Slot] = []
    for name in pages:
        page = Page(name)
        n = screens.get(page, 0)
        if page is Page.AGENTS:
            n = max(1, n)
        if not n:
            continue
        if page not in MULTI:
            n = 1
        out.extend(Slot(page, i, n) for i in range(n))
    return out or [Slot(Page.AGENTS)]


def screens_needed(items: int, per_screen: int) -> int:
    """How many screens ``items`` take at ``per_screen`` each (0 items: 0 screens)."""
    return 0 if items <= 0 else -(-items // max(1, per_screen))


def next_slot(turn: Sequence[Slot], current: Slot | None, pages: Sequence[str]) -> int:
    """Rule 3: the index in ``turn`` to show after ``current`` — the same page's next screen, or,
    when the turn changed under it, the next slot after where ``current`` stood (profile order)."""
    if not turn or current is None:
        return 0
    for i, s in enumerate(turn):
        if s.page is current.page and s.index == current.index:
            return (i + 1) % len(turn)
    rank = {name: k for k, name in enumerate(pages)}
    here = (rank.get(current.page.value, -1), current.index)
    for i, s in enumerate(turn):
        if (rank.get(s.page.value, -1), s.index) > here:
            return i
    return 0
