"""One family of feed errors, so callers catch one thing and still know why.

::

    FeedError                    anything the feed can do wrong
    ├── FrameRejected            one frame dropped; the stream goes on
    │   ├── FrameTooLarge        bigger than the configured limit
    │   ├── MalformedFrame       not JSON, not an object, or the wrong shape
    │   └── UnknownMessageType   a well-formed frame of a type we do not know
    └── SessionError             the session itself cannot go on
        ├── HandshakeFailed      no/invalid welcome, unsupported version
        └── ServerRefused        the server said no (``error`` frame), e.g. bad token

``FrameRejected.reason`` is a short stable key used for counting (``too_large``,
``not_json`` (including invalid UTF-8), ``too_deep``, ``bad_shape``, ``unknown_type``);
``detail`` is the human sentence; ``message_type`` the frame's ``type`` when it had one, so
a board knows it lost a snapshot or a delta (and must resync) rather than noise.
"""

from __future__ import annotations


class FeedError(Exception):
    """Base of every error the feed reports."""


class FrameRejected(FeedError):
    """A single frame was dropped; the connection and the board carry on."""

    reason = "rejected"

    def __init__(self, detail: str, message_type: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.message_type = message_type


class FrameTooLarge(FrameRejected):
    reason = "too_large"


class MalformedFrame(FrameRejected):
    reason = "bad_shape"

    def __init__(self, detail: str, reason: str = "bad_shape", message_type: str | None = None) -> None:
        super().__init__(detail, message_type)
        self.reason = reason


class UnknownMessageType(FrameRejected):
    """Counted, never fatal: newer servers may send types this client predates. One without
    ``seq`` is ignored; one with ``seq`` carries state a v1 board cannot apply (§8 of the protocol)."""

    reason = "unknown_type"

    def __init__(self, message_type: str, has_seq: bool = False) -> None:
        super().__init__(f"unknown message type {message_type!r}", message_type)
        self.message_type: str = message_type
        self.has_seq = has_seq


class SessionError(FeedError):
    """The session cannot continue; the client decides whether to retry."""

    retryable = True


class HandshakeFailed(SessionError):
    pass


class ServerRefused(SessionError):
    """The server refused us (bad token, unsupported version): retrying won't help."""

    retryable = False

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
