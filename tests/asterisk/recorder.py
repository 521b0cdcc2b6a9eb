"""Record an AMI session as a capture: a TCP proxy between a client (the bridge) and Asterisk.

  python -m tests.asterisk.recorder --listen 15038 --to 127.0.0.1:5038 --out session.txt

Every message is written as it passes, unedited, in the format of ``captures/*.txt``:
``# t=<seconds since the client connected> sent|recv``, the message's lines, a blank line.
``sent`` is what the client sent, ``recv`` what Asterisk sent (the greeting is a frame of its
own). One capture per client connection (``session.txt``, ``session-2.txt``, …), so a bridge
that reconnects leaves one file per AMI session. This records; it does not build or drive
Asterisk (see captures/README.md for how the captures here were made).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path
from typing import TextIO


class Recorder:
    """Proxies 127.0.0.1:``port`` to ``upstream`` and writes each connection's session to a file."""

    def __init__(self, upstream: tuple[str, int], out: Path) -> None:
        self.upstream = upstream
        self.out = out
        self.sessions = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self, port: int = 0) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", port)
        return int(self._server.sockets[0].getsockname()[1])

    def cut(self) -> None:
        """Drop every connection at once, both ways (a network blip); new ones are proxied again."""
        for w in self._writers:
            w.close()
        self._writers.clear()

    async def stop(self) -> None:
        for w in self._writers:
            w.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def path(self, n: int) -> Path:
        return self.out if n == 1 else self.out.with_name(f"{self.out.stem}-{n}{self.out.suffix}")

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        t0 = time.monotonic()
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()  # Asterisk is down: the client's session ends at once, recording nothing
            return
        self.sessions += 1
        self._writers += [writer, up_writer]
        with self.path(self.sessions).open("w", encoding="utf-8", newline="\n") as f:
            await asyncio.gather(self._pump(reader, up_writer, f, t0, "sent", greeting=False),
                                 self._pump(up_reader, writer, f, t0, "recv", greeting=True),
                                 return_exceptions=True)

    @staticmethod
    async def _pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter, f: TextIO, t0: float, direction: str,
                    greeting: bool) -> None:
        buf = b""
        try:
            while data := await src.read(65536):
                dst.write(data)
                buf += data
                while True:
                    if greeting:
                        end, skip = buf.find(b"\r\n"), 2
                    else:
                        end, skip = buf.find(b"\r\n\r\n"), 4
                    if end < 0:
                        break
                    block, buf = buf[:end], buf[end + skip:]
                    greeting = False
                    text = block.decode("utf-8", "replace").replace("\r\n", "\n")
                    if text.strip():
                        f.write(f"# t={time.monotonic() - t0:.3f} {direction}\n{text}\n\n")
                        f.flush()
                await dst.drain()
        finally:
            dst.close()


async def _main(args: argparse.Namespace) -> None:
    host, _, port = args.to.rpartition(":")
    rec = Recorder((host, int(port)), Path(args.out))
    await rec.start(args.listen)
    print(f"recording 127.0.0.1:{args.listen} -> {args.to} into {args.out}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--listen", type=int, default=15038)
    p.add_argument("--to", default="127.0.0.1:5038")
    p.add_argument("--out", required=True)
    try:
        asyncio.run(_main(p.parse_args()))
    except KeyboardInterrupt:
        pass
