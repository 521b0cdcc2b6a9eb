"""Listen / whisper / barge on the embedded call centre: a simulated supervisor's phone.

The rules (who, whom, how, audit) are the feed's :class:`~wallboard.feed.monitoring.MonitorDesk`;
this only plays the phone: it answers ``dial_s`` after it is rung, or never, for an
endpoint that starts with ``unreachable`` (so the failure path can be shown and tested).
A mode change takes effect at once; there is no audio to change.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from ..feed.monitoring import MonitorDesk, Session


@dataclass
class SimulatedPhone:
    desk: MonitorDesk | None = None
    dial_s: float = 1.0

    def dial(self, s: Session) -> None:
        asyncio.get_running_loop().call_later(self.dial_s, self._answer, s.id, s.endpoint)

    def _answer(self, sid: str, endpoint: str) -> None:
        assert self.desk is not None
        if endpoint.lower().startswith("unreachable"):
            self.desk.finish(sid, "supervisor_unreachable")
        else:
            self.desk.connected(sid)

    def switch(self, s: Session, mode: str) -> None:
        pass  # the simulated leg has no audio: the new mode is simply the session's

    def hang_up(self, s: Session) -> None:
        assert self.desk is not None
        self.desk.gone(s.id)  # a simulated leg is gone the moment it is hung up
