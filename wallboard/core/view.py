"""What crosses from the feed thread to the GUI: an immutable view of the floor and the link's state.

These types sit below both the feed (which makes them) and the board (which reads them), so
neither the board model nor the windows depend on the socket shell. The link's state and the
reason it is not live travel as enums: the board translates them into the supervisor's language;
nothing ever parses English words back. ``detail`` is only what the reason cannot say (a host, an
HTTP code, a certificate's complaint), shown as sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .model import Agent, Call, Queue
from .outbound import OutboundRules, Outcome, Tally
from .protocol import AlertAck, Caps, MonitorUpdate, Source, Trend
from .reducer import Changes


class LinkState(str, Enum):
    CONNECTING = "connecting"
    LIVE = "live"  # welcomed: frames flow (the data may still be unsynced, stale or behind)
    RETRYING = "retrying"
    REFUSED = "refused"
    STOPPED = "stopped"


class LinkReason(str, Enum):
    """Why the link is not (or no longer) live, as the board words it."""

    NONE = ""
    CONNECTION_REFUSED = "connection_refused"
    CLOSED_BY_SERVER = "closed_by_server"  # the server ended the session (normally)
    CLOSED = "closed"  # the connection closed (detail: the close code)
    CERTIFICATE = "certificate"  # wss:// and the certificate does not verify (detail: why)
    SILENT = "silent"  # no byte for 3 heartbeats: dropped
    TIMEOUT = "timeout"
    INVALID_URL = "invalid_url"
    UNAUTHORIZED = "unauthorized"
    UNSUPPORTED_VERSION = "unsupported_version"
    REFUSED = "refused"  # another refusal: an error frame, close 1008 (detail: the server's words)
    HTTP = "http"  # an HTTP answer instead of a WebSocket (detail: the status)
    RESTART = "restart"  # the server asked us to reconnect (1012)
    BUSY = "busy"  # the server is busy: try again later (1013, HTTP 5xx)
    NO_SNAPSHOT = "no_snapshot"  # resyncs unanswered
    OTHER = "other"  # detail says it


@dataclass(frozen=True, slots=True)
class LinkStatus:
    """The connection as the supervisor should understand it."""

    state: LinkState
    attempt: int = 0
    retry_in_s: float | None = None
    reason: LinkReason = LinkReason.NONE
    detail: str = ""  # what the reason cannot say: a host, a code, a server's name or words
    since_mono: float = 0.0


@dataclass(frozen=True, slots=True)
class OutboundView:
    """Today's outbound results as the server counts them (``whiteboard`` then ``tally`` messages)."""

    rules: OutboundRules
    tallies: Mapping[str, Tally]
    recent: tuple[Outcome, ...]  # the latest positives, oldest first
    version: int  # grows with every change: a page repaints only when it moved


@dataclass(frozen=True, slots=True)
class FloorView:
    """An immutable picture of the floor for the GUI; safe to read from any thread."""

    agents: Mapping[str, Agent]
    queues: Mapping[str, Queue]
    calls: Mapping[str, Call]
    changes: Changes
    link: LinkStatus
    synced: bool
    offset_ms: int  # server clock − local clock
    last_frame_mono: float  # time.monotonic() of the last frame (0: none yet)
    heartbeat_s: float
    caps: Caps
    counters: Mapping[str, Any] = field(default_factory=dict)
    sessions: Mapping[str, MonitorUpdate] = field(default_factory=dict)  # this board's monitoring
    source: Source | None = None  # the server's own source (a bridge's PBX); None: the server is it
    behind_ms: int = 0  # how late (after its server stamp) the newest frame was handled here
    published_mono: float = 0.0  # time.monotonic() when the feed thread made this view
    #: records that would not decode: (kind, id) → why ("" id: one without a usable id)
    unreadable: Mapping[tuple[str, str], str] = field(default_factory=dict)
    acks: Mapping[tuple[str, str], AlertAck] = field(default_factory=dict)  # alerts supervisors acknowledged
    trend: Trend | None = None  # the server's last hour of callers waiting, per queue (given once on joining)
    outbound: OutboundView | None = None  # today's outbound results, where the server counts them

    @property
    def source_up(self) -> bool:
        """Whether the data behind this view is the source's, live (not held since it was lost)."""
        return self.source is None or self.source.up

    def server_now_ms(self, local_ms: int) -> int:
        return local_ms + self.offset_ms

    def age_s(self, mono_now: float) -> float | None:
        return None if self.last_frame_mono == 0 else max(0.0, mono_now - self.last_frame_mono)
