"""A real TCP AMI listener on 127.0.0.1 for the bridge's tests: plays sessions, records actions.

Two ways to drive it:

- :class:`Replay` plays recorded sessions (captures, unedited) back at ``speed`` times real
  time, one per connection, waiting at each action the bridge itself sent when it was recorded.
- :class:`Scripted` answers each action with a handler: a session written by hand with real
  Asterisk's field names and order.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from tests.asterisk.capture import Frame
from wallboard.asterisk.ami import AmiMessage, AmiParser

GREETING = b"Asterisk Call Manager/13.0.0\r\n"


def wire(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class AmiListener:
    """Accepts connections; each gets :meth:`session`. Records every action received."""

    def __init__(self) -> None:
        self.actions: list[AmiMessage] = []
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []
        self.arrived = asyncio.Event()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        self.drop()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def drop(self) -> None:
        """Cut every connection (a PBX restart, a network blip)."""
        for w in self._writers:
            w.close()
        self._writers.clear()

    def sent(self, name: str) -> list[AmiMessage]:
        return [a for a in self.actions if a.get("Action").lower() == name.lower()]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        parser = AmiParser()
        parser.feed(b"greeting\r\n")
        inbox: asyncio.Queue[AmiMessage] = asyncio.Queue()

        async def read() -> None:
            while data := await reader.read(65536):
                for msg in parser.feed(data):
                    self.actions.append(msg)
                    self.arrived.set()
                    await inbox.put(msg)

        reading = asyncio.create_task(read())
        try:
            await self.session(inbox, writer)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            reading.cancel()
            writer.close()

    async def session(self, inbox: asyncio.Queue[AmiMessage], writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError


class Replay(AmiListener):
    """Plays recorded sessions back: the bridge's n-th connection gets session n, unedited.

    A ``sent`` frame is a *gate*: the replay waits until the bridge has sent that action with
    the same fields (its ActionID aside; ``gate`` chooses which sent frames are the bridge's
    own, by default all). Asterisk echoes ActionIDs, so each recorded ActionID is answered with
    the one the bridge used for the same action. A connection past the recorded sessions is
    closed at once (Asterisk is not back). Actions that match no gate are kept in ``unexpected``.
    """

    def __init__(self, sessions: list[list[Frame]], speed: float,
                 gate: Callable[[list[str]], bool] = lambda lines: True) -> None:
        super().__init__()
        self.sessions = sessions
        self.speed = speed
        self.gate = gate
        self.done = asyncio.Event()  # the last session has been played to its end
        self.ended: list[int] = []  # sessions played to their end
        self.unexpected: list[AmiMessage] = []
        self._ids: dict[str, str] = {}

    async def session(self, inbox: asyncio.Queue[AmiMessage], writer: asyncio.StreamWriter) -> None:
        n = self.connections
        if n > len(self.sessions):
            return  # nobody home: the recorded Asterisk was not (yet) back
        t0 = time.monotonic()
        lag = 0.0  # time spent waiting on the bridge at gates shifts the rest of the session
        for t, direction, lines in self.sessions[n - 1]:
            if direction == "sent":
                if self.gate(lines):
                    waited = time.monotonic()
                    await self._expect(inbox, lines)
                    lag += time.monotonic() - waited
                continue
            delay = t0 + lag + t / self.speed - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            writer.write(GREETING if lines[0].startswith("Asterisk Call Manager") else wire(self._ours(lines)))
            await writer.drain()
        self.ended.append(n)
        if n == len(self.sessions):
            self.done.set()
            await asyncio.sleep(3600)
        # an earlier session ended here in the recording: its connection closes, as Asterisk's did

    def _ours(self, lines: list[str]) -> list[str]:
        return [f"ActionID: {self._ids.get(line[10:], line[10:])}" if line.startswith("ActionID: ") else line
                for line in lines]

    async def _expect(self, inbox: asyncio.Queue[AmiMessage], lines: list[str]) -> None:
        want = dict(line.split(": ", 1) if ": " in line else (line.rstrip(":"), "") for line in lines)
        recorded_id = want.pop("ActionID", None)
        while True:
            got = await asyncio.wait_for(inbox.get(), 30)
            if all(got.get(k) == v for k, v in want.items()):
                if recorded_id is not None:
                    self._ids[recorded_id] = got.action_id
                return
            self.unexpected.append(got)


Handler = Callable[[AmiMessage, Callable[[list[str]], Awaitable[None]]], Awaitable[None]]


class Scripted(AmiListener):
    def __init__(self, handler: Handler) -> None:
        super().__init__()
        self.handler = handler
        self.writer: asyncio.StreamWriter | None = None

    async def push(self, lines: list[str]) -> None:
        """An event, now (the test plays the PBX)."""
        assert self.writer is not None
        self.writer.write(wire(lines))
        await self.writer.drain()

    async def session(self, inbox: asyncio.Queue[AmiMessage], writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        writer.write(GREETING)
        while True:
            await self.handler(await inbox.get(), self.push)
