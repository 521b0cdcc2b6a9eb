"""Is what the board shows live? One answer for the indicator, the veil and the trend.

Rules, in order (the first that holds wins):

1. No view yet: CONNECTING.
2. Welcomed, but the server's own source (a bridge's PBX) is not up: SOURCE — the data held is
   the PBX's as of ``source.since``, however fresh the frames are.
3. Welcomed and synchronised: STALE when no frame came for 2 heartbeats + 1 s (a heartbeat is a
   frame); else BEHIND when the newest frame was handled more than 3 s after its server stamp
   (the feed's lateness plus how long the view waited for the GUI), or when the floor on the
   screen was painted that late and the changes after it are not painted yet (``screen_late_s``:
   a newer view that waits for its frame does not make the screen any younger); else LIVE
   (``unreadable`` says how many records would not decode: live, but incomplete).
4. Welcomed, not yet synchronised: SYNCING.
5. Refused / retrying / connecting again: the link's reason and, when data is held, its age.

Pure: every time is passed in; words are the UI's (it translates these enums).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..core.protocol import SourceReason
from ..core.view import FloorView, LinkReason, LinkState

#: A board this far behind its feed says so instead of LIVE (seconds).
BEHIND_AFTER_S = 3.0


class Freshness(str, Enum):
    CONNECTING = "connecting"
    SYNCING = "syncing"
    LIVE = "live"
    STALE = "stale"
    BEHIND = "behind"
    SOURCE = "source"  # the link is fine; the server's PBX is not
    REFUSED = "refused"
    RETRYING = "retrying"


class SourceState(str, Enum):
    UP = "up"
    CONNECTING = "connecting"
    SYNCING = "syncing"
    REFUSED = "refused"
    DOWN = "down"
    OTHER = "other"  # a newer state: never live

    @classmethod
    def of(cls, value: str) -> SourceState:
        try:
            return cls(value) if value != "other" else cls.OTHER
        except ValueError:
            return cls.OTHER


@dataclass(frozen=True, slots=True)
class FreshnessReport:
    """What the indicator says, as data: the UI words it."""

    state: Freshness
    #: How old the data on screen is (s); None when the board holds none (or it is live).
    data_age_s: float | None = None
    link_reason: LinkReason = LinkReason.NONE
    link_detail: str = ""
    retry_in_s: float | None = None  # seconds left before the next attempt
    behind_s: float = 0.0
    unreadable: int = 0
    source_state: SourceState = SourceState.UP
    source_reason: SourceReason | None = None  # None: absent or a reason this board does not know
    source_raw_state: str = ""  # as sent, for OTHER
    source_detail: str = ""
    source_since_local_ms: int = 0  # when the PBX stopped being live, on the local clock

    @property
    def live(self) -> bool:
        """The figures may be trusted as now: the veil is off, the trend samples."""
        return self.state is Freshness.LIVE


def freshness(view: FloorView | None, mono_now: float, server_now_ms: int | None = None,
              gui_lag_s: float = 0.0, screen_late_s: float = 0.0) -> FreshnessReport:
    """The board's freshness; ``gui_lag_s``: how long the last view waited for the GUI thread (and for its
    paint); ``screen_late_s``: how late the floor on the screen was when painted, while newer changes wait."""
    if view is None:
        return FreshnessReport(Freshness.CONNECTING)
    link = view.link
    age = view.age_s(mono_now)
    held = age is not None and bool(view.agents or view.synced)
    if link.state is LinkState.LIVE and not view.source_up:
        src = view.source
        assert src is not None
        data_age = (max(0.0, (server_now_ms - src.since) / 1000)
                    if (view.synced or view.agents) and server_now_ms is not None and src.since else None)
        try:
            reason: SourceReason | None = SourceReason(src.reason) if src.reason else None
        except ValueError:
            reason = None
        return FreshnessReport(Freshness.SOURCE, data_age, source_state=SourceState.of(src.state),
                               source_reason=reason, source_raw_state=src.state, source_detail=src.detail,
                               source_since_local_ms=src.since - view.offset_ms)
    if link.state is LinkState.LIVE and view.synced:
        if age is not None and age > view.heartbeat_s * 2 + 1:
            return FreshnessReport(Freshness.STALE, age)
        behind = max(view.behind_ms / 1000 + gui_lag_s, screen_late_s)
        if behind > BEHIND_AFTER_S:
            return FreshnessReport(Freshness.BEHIND, behind_s=behind)
        return FreshnessReport(Freshness.LIVE, unreadable=len(view.unreadable))
    if link.state is LinkState.LIVE:
        return FreshnessReport(Freshness.SYNCING)
    data_age = age if held else None
    if link.state is LinkState.REFUSED:
        return FreshnessReport(Freshness.REFUSED, data_age, link.reason, link.detail)
    if link.state is LinkState.RETRYING:
        left = max(0.0, (link.retry_in_s or 0) - (mono_now - link.since_mono))
        return FreshnessReport(Freshness.RETRYING, data_age, link.reason, link.detail, retry_in_s=left)
    return FreshnessReport(Freshness.CONNECTING, data_age)
