"""Unexpected errors: logged with context, shown as a non-blocking notice, and the board goes on.

A wall TV runs for weeks with nobody to press OK: an exception in a slot, a paint or the
feed thread must never stop it or open a dialog. Ctrl-C still ends the program.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal

from .i18n import tr

log = logging.getLogger("wallboard.crash")


class CrashGuard(QObject):
    """Installs sys/threading excepthooks; ``notice(text)`` is emitted on the GUI thread."""

    notice = Signal(str)

    def __init__(self, context: object = None) -> None:
        super().__init__()
        self.context = context
        self.count = 0
        self._previous = sys.excepthook
        self._previous_thread = threading.excepthook

    def install(self) -> CrashGuard:
        sys.excepthook = self._on_exception
        threading.excepthook = self._on_thread_exception
        return self

    def uninstall(self) -> None:
        sys.excepthook = self._previous
        threading.excepthook = self._previous_thread

    def _on_exception(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, (KeyboardInterrupt, SystemExit)):
            self._previous(kind, value, tb)
            return
        self._report(kind, value, tb, threading.current_thread().name)

    def _on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        self._report(args.exc_type, args.exc_value, args.exc_traceback,
                     args.thread.name if args.thread is not None else "?")

    def _report(self, kind: type[BaseException], value: BaseException | None, tb: TracebackType | None,
                thread: str) -> None:
        self.count += 1
        where = "".join(traceback.format_exception(kind, value, tb, limit=20))
        state = self.context() if callable(self.context) else self.context
        log.error("unexpected error #%d in thread %s (board: %s)\n%s", self.count, thread, state, where)
        self.notice.emit(tr("An internal error was logged ({0}); the board keeps running.").format(kind.__name__))


def connect_notices(guard: CrashGuard, show: Callable[[str], None]) -> None:
    guard.notice.connect(show, Qt.ConnectionType.QueuedConnection)
