"""Record an event-socket session as a capture: a TCP proxy between a client (the bridge) and FreeSWITCH.

  python -m tests.freeswitch.recorder --listen 18021 --to 127.0.0.1:8021 --out session.jsonl

Every message is written as it passes, unedited, one JSON object per line (``captures/*.jsonl``):
``{"t": seconds since the client connected, "dir": "sent"|"recv", ...}`` with ``"line"`` (what the
client sent, its command and any header lines) or ``"headers"`` and ``"body"`` (what FreeSWITCH sent).
The ``auth`` command's password is written as ``auth ***``. One file per client connection. This
records; it does not build or drive FreeSWITCH (see captures/README.md for how the captures were made).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import TextIO

from wallboard.freeswitch.esl import EslParser


class Recorder:
    def __init__(self, upstream: tuple[str, int], out: Path) -> None:
        self.upstream = upstream
        self.out = out
        self.sessions = 0

    async def start(self, port: int = 0) -> int:
        server = await asyncio.start_server(self._handle, "127.0.0.1", port)
        return int(server.sockets[0].getsockname()[1])

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.sessions += 1
        path = self.out if self.sessions == 1 else self.out.with_stem(f"{self.out.stem}-{self.sessions}")
        up_r, up_w = await asyncio.open_connection(*self.upstream)
        t0 = time.monotonic()
        with path.open("w", encoding="utf-8") as f:
            await asyncio.gather(self._client(reader, up_w, f, t0), self._server(up_r, writer, f, t0),
                                 return_exceptions=True)
        writer.close()
        up_w.close()

    @staticmethod
    def _write(f: TextIO, record: dict[str, object]) -> None:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
        f.flush()

    async def _client(self, reader: asyncio.StreamReader, up: asyncio.StreamWriter, f: TextIO, t0: float) -> None:
        buf = b""
        while data := await reader.read(65536):
            up.write(data)
            buf += data
            while b"\n\n" in buf:
                block, buf = buf.split(b"\n\n", 1)
                line = block.decode("utf-8", "replace")
                if line.startswith("auth "):
                    line = "auth ***"
                self._write(f, {"t": round(time.monotonic() - t0, 3), "dir": "sent", "line": line})
        up.close()

    async def _server(self, up: asyncio.StreamReader, writer: asyncio.StreamWriter, f: TextIO, t0: float) -> None:
        parser = EslParser()
        while data := await up.read(65536):
            writer.write(data)
            for msg in parser.feed(data):
                self._write(f, {"t": round(time.monotonic() - t0, 3), "dir": "recv", "headers": msg.headers,
                                "body": msg.body.decode("utf-8", "replace")})
        writer.close()


async def _main(listen: int, to: str, out: Path) -> None:
    host, _, port = to.rpartition(":")
    rec = Recorder((host, int(port)), out)
    print(f"recording 127.0.0.1:{await rec.start(listen)} -> {to} into {out}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    a = argparse.ArgumentParser()
    a.add_argument("--listen", type=int, default=18021)
    a.add_argument("--to", default="127.0.0.1:8021")
    a.add_argument("--out", type=Path, required=True)
    args = a.parse_args()
    asyncio.run(_main(args.listen, args.to, args.out))
