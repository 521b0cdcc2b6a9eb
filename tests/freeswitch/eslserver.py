"""A real TCP event-socket listener on 127.0.0.1 for the tests: a recorded FreeSWITCH played back,
or one scripted by the test."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable

from tests.freeswitch.capture import Record, wire

AUTH_REQUEST = wire({"Content-Type": "auth/request"})


def reply(text: str, **headers: str) -> bytes:
    return wire({"Content-Type": "command/reply", "Reply-Text": text, **headers})


def api(body: str) -> bytes:
    return wire({"Content-Type": "api/response"}, body)


def event(headers: dict[str, str]) -> bytes:
    return wire({"Content-Type": "text/event-json"}, json.dumps(headers, ensure_ascii=False))


class EslListener:
    """Accepts the bridge; what each connection hears is ``session``'s business. Commands the bridge
    sent (each a string, its header lines included) are in ``commands``."""

    def __init__(self, password: str = "ClueCon") -> None:
        self.password = password
        self.connections = 0
        self.commands: list[str] = []
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        self.drop()

    def drop(self) -> None:
        """Every connection cut at once (FreeSWITCH restarted, the network blipped)."""
        for w in self._writers:
            w.close()
        self._writers.clear()

    def sent(self, word: str) -> list[str]:
        return [c for c in self.commands if c.split(" ", 1)[0] == word]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        inbox: asyncio.Queue[str] = asyncio.Queue()

        async def read() -> None:
            buf = b""
            while data := await reader.read(65536):
                buf += data
                while b"\n\n" in buf:
                    block, buf = buf.split(b"\n\n", 1)
                    text = block.decode("utf-8", "replace")
                    self.commands.append(text)
                    await inbox.put(text)
        reading = asyncio.create_task(read())
        try:
            await self.session(inbox, writer)
        except (ConnectionError, TimeoutError):
            pass
        finally:
            reading.cancel()
            writer.close()

    async def session(self, inbox: asyncio.Queue[str], writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    async def login(self, inbox: asyncio.Queue[str], writer: asyncio.StreamWriter) -> bool:
        """auth/request, then the bridge's ``auth``: accepted, or refused and hung up (as FreeSWITCH does)."""
        writer.write(AUTH_REQUEST)
        got = await asyncio.wait_for(inbox.get(), 10)
        if got != f"auth {self.password}":
            writer.write(reply("-ERR invalid"))
            writer.write(wire({"Content-Type": "text/disconnect-notice"}, "Disconnected, goodbye.\n"))
            await writer.drain()
            return False
        writer.write(reply("+OK accepted"))
        await writer.drain()
        return True


class Replay(EslListener):
    """Plays a recorded session back, unedited: each recorded command is a *gate* (the replay waits
    until the bridge sends a command of the same kind — its first word, and for ``api`` the same
    command — then goes on), each recorded message is sent at its recorded time (shifted by the
    time spent waiting at gates, scaled by ``speed``). The ``auth`` is checked against ``password``."""

    def __init__(self, recorded: list[Record], speed: float, password: str = "ClueCon") -> None:
        super().__init__(password)
        self.recorded = recorded
        self.speed = speed
        self.done = asyncio.Event()
        self.unexpected: list[str] = []

    async def session(self, inbox: asyncio.Queue[str], writer: asyncio.StreamWriter) -> None:
        if self.connections > 1:
            return  # the recorded FreeSWITCH had one session
        t0 = time.monotonic()
        lag = 0.0
        for r in self.recorded:
            if r["dir"] == "sent":
                waited = time.monotonic()
                await self._expect(inbox, r["line"])
                lag += time.monotonic() - waited
                continue
            delay = t0 + lag + r["t"] / self.speed - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            writer.write(wire(r["headers"], r["body"]))
            await writer.drain()
        self.done.set()
        await asyncio.sleep(3600)

    async def _expect(self, inbox: asyncio.Queue[str], line: str) -> None:
        want = _kind(line)
        while True:
            got = await asyncio.wait_for(inbox.get(), 30)
            if line == "auth ***":
                if got != f"auth {self.password}":
                    raise ConnectionError("a wrong password")  # the bridge is hung up on
                return
            if _kind(got) == want:
                return
            self.unexpected.append(got)


def _kind(command: str) -> str:
    first = command.split("\n", 1)[0]
    words = first.split(" ")
    if words[0] == "api" and len(words) > 1:
        return " ".join(words[:2]) + (first.split('"arguments":', 1)[1] if '"arguments":' in first else "")
    return words[0]


Handler = Callable[[str, "Scripted"], Awaitable[None]]


class Scripted(EslListener):
    """The test plays FreeSWITCH: ``handler`` answers each command after the login; ``push`` sends an event now."""

    def __init__(self, handler: Handler, password: str = "ClueCon", greeting: bytes = AUTH_REQUEST) -> None:
        super().__init__(password)
        self.handler = handler
        self.greeting = greeting
        self.writer: asyncio.StreamWriter | None = None

    async def push(self, data: bytes) -> None:
        assert self.writer is not None
        self.writer.write(data)
        await self.writer.drain()

    async def session(self, inbox: asyncio.Queue[str], writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        if self.greeting != AUTH_REQUEST:
            writer.write(self.greeting)
            await writer.drain()
            return
        if not await self.login(inbox, writer):
            return
        while True:
            await self.handler(await inbox.get(), self)
