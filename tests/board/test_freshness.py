"""Freshness by table: every state the indicator can be in, without a window."""

from __future__ import annotations

import pytest

from tests.board.helpers import view
from tests.helpers import T0, agent
from wallboard.board.freshness import Freshness, FreshnessReport, SourceState, freshness
from wallboard.core.protocol import Source, SourceReason
from wallboard.core.view import FloorView, LinkReason, LinkState, LinkStatus

LIVE = LinkStatus(LinkState.LIVE)
DOWN_AT = T0 - 200_000  # the bridge lost its PBX 200 s before the board's "now"
HELD = [agent("a1")]


@pytest.mark.parametrize(("v", "want"), [
    (None, FreshnessReport(Freshness.CONNECTING)),
    (view(link=LIVE, last_frame=99.0), FreshnessReport(Freshness.LIVE)),
    (view(link=LIVE, last_frame=95.0), FreshnessReport(Freshness.LIVE)),  # 5 s = 2 × heartbeat + 1: on time
    (view(link=LIVE, last_frame=94.0), FreshnessReport(Freshness.STALE, 6.0)),
    (view(link=LIVE, synced=False), FreshnessReport(Freshness.SYNCING)),
    (view(HELD, link=LinkStatus(LinkState.RETRYING, 3, 2.0, LinkReason.CONNECTION_REFUSED, "", 99.5),
          last_frame=40.0),
     FreshnessReport(Freshness.RETRYING, 60.0, LinkReason.CONNECTION_REFUSED, retry_in_s=1.5)),
    (view(link=LinkStatus(LinkState.REFUSED, 1, 30.0, LinkReason.UNAUTHORIZED, "wrong token", 90.0), synced=False,
          last_frame=0.0),
     FreshnessReport(Freshness.REFUSED, None, LinkReason.UNAUTHORIZED, "wrong token")),  # nothing held: no age
    (view(link=LinkStatus(LinkState.CONNECTING), synced=False, last_frame=0.0), FreshnessReport(Freshness.CONNECTING)),
    # a board that cannot keep up says how far behind it is, not LIVE
    (view(link=LIVE, last_frame=99.9, behind_ms=12_500), FreshnessReport(Freshness.BEHIND, behind_s=12.5)),
    (view(link=LIVE, last_frame=99.9, behind_ms=900), FreshnessReport(Freshness.LIVE)),
    (view(link=LIVE, last_frame=99.9, unreadable={("agent", "a7"): "since"}), FreshnessReport(Freshness.LIVE, unreadable=1)),
    # the board's link is fine, but the bridge behind it has lost its PBX: never LIVE, and the data's age
    (view(HELD, link=LIVE, source=Source(state="down", since=DOWN_AT, reason="connection_refused", detail="pbx:5038")),
     FreshnessReport(Freshness.SOURCE, 200.0, source_state=SourceState.DOWN,
                     source_reason=SourceReason.CONNECTION_REFUSED, source_raw_state="down", source_detail="pbx:5038",
                     source_since_local_ms=DOWN_AT)),
    (view(link=LIVE, synced=False, source=Source(state="refused", since=DOWN_AT, reason="auth_failed",
                                                 detail="Authentication failed")),
     FreshnessReport(Freshness.SOURCE, None, source_state=SourceState.REFUSED, source_reason=SourceReason.AUTH_FAILED,
                     source_raw_state="refused", source_detail="Authentication failed", source_since_local_ms=DOWN_AT)),
    # a newer server's state and reason: never live, shown as sent
    (view(link=LIVE, synced=False, source=Source(state="rebooting", since=DOWN_AT, reason="firmware")),
     FreshnessReport(Freshness.SOURCE, None, source_state=SourceState.OTHER, source_reason=None,
                     source_raw_state="rebooting", source_since_local_ms=DOWN_AT)),
    (view(link=LIVE, source=Source(state="up", since=DOWN_AT)), FreshnessReport(Freshness.LIVE)),
])
def test_freshness(v: FloorView | None, want: FreshnessReport) -> None:
    got = freshness(v, 100.0, T0, 0.0)
    assert got == want
    assert got.live is (want.state is Freshness.LIVE)


def test_the_gui_lag_counts_towards_behind() -> None:
    v = view(link=LIVE, last_frame=99.9, behind_ms=1000)
    assert freshness(v, 100.0, T0, gui_lag_s=1.5).state is Freshness.LIVE
    assert freshness(v, 100.0, T0, gui_lag_s=2.5) == FreshnessReport(Freshness.BEHIND, behind_s=3.5)


def test_a_screen_painted_late_is_behind_until_newer_changes_are_painted() -> None:
    """The shell passes how late the floor on the screen was when painted while fresher changes wait for a frame:
    the newest view's own lateness does not make the screen younger, and the larger of the two is said."""
    v = view(link=LIVE, last_frame=99.9, behind_ms=100)
    assert freshness(v, 100.0, T0, gui_lag_s=0.01, screen_late_s=4.0) == FreshnessReport(Freshness.BEHIND, behind_s=4.0)
    assert freshness(v, 100.0, T0, gui_lag_s=0.01, screen_late_s=2.9).state is Freshness.LIVE
    assert freshness(v, 100.0, T0, gui_lag_s=3.5, screen_late_s=0.5) == FreshnessReport(Freshness.BEHIND, behind_s=3.6)
    stale = view(link=LIVE, last_frame=90.0, behind_ms=100)  # quiet for too long: STALE comes first
    assert freshness(stale, 100.0, T0, screen_late_s=9.0).state is Freshness.STALE
