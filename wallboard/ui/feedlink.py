"""The one door between the feed thread and the board's windows.

Views of the floor come in through :meth:`FeedLink.push` (called on the feed thread) and leave as
the ``view_ready`` signal on the GUI thread (queued; a view the GUI has not yet taken is replaced by the
newer one, which carries both's changes: no backlog of old floors). Commands go out through
:meth:`FeedLink.send`, which hands them to the feed thread and returns at once with a request id;
the outcome comes back as ``answered`` on the GUI thread. A monitored call's audio crosses beside
it, never through the GUI thread: the app hands the feed's audio frames to :attr:`FeedLink.sound`
and the sound's microphone frames to the feed; the windows only tell the sound what should be
heard and said. Nothing else crosses: a window never sees the socket, the client or the loop.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from ..core.protocol import CommandResult
from ..core.view import FloorView
from ..sound import Sound

#: Runs a command on the feed thread: (request id, action, arguments) → its future result.
Submit = Callable[[str, str, dict[str, Any]], "concurrent.futures.Future[CommandResult]"]


@dataclass(frozen=True, slots=True)
class CredentialHooks:
    """What the settings dialog may do with the feed's token; the app decides where it lives."""

    keychain: str | None  # the keychain's name, or None when the system has none
    store: Callable[[str], None]  # keep it (in the keychain) and reconnect with it
    forget: Callable[[], bool]  # remove it; False if there was none
    feed: str  # the feed it belongs to, shown in the dialog


class FeedLink(QObject):
    view_ready = Signal(object)  # FloorView, on the GUI thread
    answered = Signal(str, object, str)  # request id, CommandResult | None, "" | why it failed
    _outcome = Signal(str, object, str)
    _arrived = Signal()  # a view waits in ``_next`` (queued to the GUI thread; direct on it)

    def __init__(self, submit: Submit | None = None, credentials: CredentialHooks | None = None,
                 parent: QObject | None = None, sound: Sound | None = None) -> None:
        """``submit`` None: a view-only link (a TV); how long a command may take is its business.
        ``sound``: this desk's audio for monitored calls (None: it plays none; a TV never does)."""
        super().__init__(parent)
        self.submit = submit
        self.credentials = credentials
        self.sound = sound if submit is not None else None
        self._ids = itertools.count(1)
        # Unique per board, not per start second: two desks on one supervisor token must never
        # share a request id (the server answers a repeated (principal, id) from its cache).
        self._prefix = uuid.uuid4().hex[:12]
        self._outcome.connect(self.answered, Qt.ConnectionType.QueuedConnection)
        self._lock = threading.Lock()
        self._next: FloorView | None = None
        self._arrived.connect(self._take)

    def push(self, view: FloorView) -> None:  # called on the feed thread
        """Hand a view to the GUI. Views never queue up: while the GUI has not taken the last one,
        a new one replaces it and carries both one's changes, so a GUI that falls behind (a flood, a
        slow PC) skips to the newest floor instead of working through a backlog of old ones."""
        with self._lock:
            waiting = self._next
            self._next = view if waiting is None else replace(view, changes=waiting.changes.then(view.changes))
        if waiting is None:
            self._arrived.emit()

    def _take(self) -> None:
        with self._lock:
            view, self._next = self._next, None
        if view is not None:
            self.view_ready.emit(view)

    @property
    def may_send(self) -> bool:
        return self.submit is not None

    def send(self, action: str, args: dict[str, Any]) -> str:
        """Ask the server; returns the request id its ``answered`` will carry (also when it fails at once)."""
        req_id = f"{self._prefix}-{next(self._ids)}"
        if self.submit is None:
            self._outcome.emit(req_id, None, "view-only")
            return req_id
        try:
            fut = self.submit(req_id, action, args)
        except Exception as err:  # not connected, loop gone: an answer like any other
            self._outcome.emit(req_id, None, str(err) or type(err).__name__)
            return req_id
        fut.add_done_callback(lambda f: self._deliver(req_id, f))
        return req_id

    def _deliver(self, req_id: str, fut: concurrent.futures.Future[CommandResult]) -> None:
        """Feed thread: hand the outcome to the GUI thread."""
        try:
            self._outcome.emit(req_id, fut.result(), "")
        except TimeoutError:
            self._outcome.emit(req_id, None, "timeout")
        except Exception as err:
            self._outcome.emit(req_id, None, str(err) or type(err).__name__)
