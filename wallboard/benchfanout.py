"""Figure 12 of ``wallboard-bench``: what a feed server spends per connected board (issue #20).

A load server (its own process) publishes each event alone, as a bridge publishes its PBX's, at
``rate`` events a second; N boards in another process read every frame (they take ``batch`` frames, as
this project's boards do, and do not decode them: the board's side is measured by figures 1–4). The
server's CPU (its process's user + system time, from ``/proc``) is sampled with 0 boards and with N, and
the cost per board per 1,000 events/s is the difference divided by N and by the rate in thousands.
Taken with the server sending each publish at once (``--coalesce-ms 0``: how it was) and with 10 ms of
publishes going out as one frame (the bridges' default now).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

READERS = r"""
import asyncio, json, sys
from websockets.asyncio.client import connect
async def board(url, counts, i):
    async with connect(url, max_size=None, subprotocols=[sys.argv[4]]) as ws:
        await ws.send(json.dumps({"type": "hello", "versions": [1], "accept": ["batch", "trend", "outbound"]}))
        async for _ in ws:
            counts[i] += 1
async def main(url, n, secs):
    counts = [0] * n
    tasks = [asyncio.create_task(board(url, counts, i)) for i in range(n)]
    await asyncio.sleep(secs)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps(counts))
asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
"""


def _cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_cpu(url: str, pid: int, boards: int, seconds: float) -> tuple[float, int]:
    """% of a core the server used while ``boards`` read from it (after they connected), and frames read."""
    from .core.protocol import SUBPROTOCOL

    readers = subprocess.Popen([sys.executable, "-c", READERS, url, str(boards), str(seconds + 4), SUBPROTOCOL],
                               stdout=subprocess.PIPE, text=True) if boards else None
    time.sleep(3.0)  # connected, snapshots sent
    c0, t0 = _cpu_s(pid), time.monotonic()
    time.sleep(seconds)
    used = (_cpu_s(pid) - c0) / (time.monotonic() - t0) * 100
    frames = 0
    if readers is not None:
        out, _ = readers.communicate(timeout=60)
        frames = sum(json.loads(out.strip().splitlines()[-1]))
    return used, frames


def bench_fanout(quick: bool, rate: float = 1000.0) -> dict[str, Any]:
    from .bench import _Child

    seconds = 4.0 if quick else 10.0
    sizes = (1, 10) if quick else (1, 10, 50, 200)
    out: dict[str, Any] = {"events_per_s": rate, "seconds": seconds, "per_event_publishing": True}
    for coalesce in (0, 10):
        child = _Child("serve-load", "--agents", "2000", "--rate", str(rate), "--per-event",
                       "--coalesce-ms", str(coalesce))
        try:
            base, _ = _server_cpu(child.url, child.proc.pid, 0, seconds)
            rows = {}
            for n in sizes if coalesce else [s for s in sizes if s <= 50]:  # 200 boards × a frame per event: too
                used, frames = _server_cpu(child.url, child.proc.pid, n, seconds)  # much for the readers' one core
                rows[str(n)] = {"server_cpu_pct": round(used, 2), "per_board_per_1000_ev_s_pct":
                                round(max(0.0, used - base) / n / (rate / 1000), 3),
                                "frames_per_board_per_s": round(frames / n / (seconds + 1), 1)}
            out[f"coalesce_{coalesce}ms"] = {"no_boards_cpu_pct": round(base, 2), "boards": rows}
        finally:
            child.close()
    after = out["coalesce_10ms"]["boards"]
    worst = max(r["per_board_per_1000_ev_s_pct"] for r in after.values())
    out["ok"] = worst <= 0.1
    return out


def headline(r: dict[str, Any]) -> str:
    def row(key: str) -> str:
        return ", ".join(f"{n}: {v['per_board_per_1000_ev_s_pct']}" for n, v in r[key]["boards"].items())
    frames = {k: max(v["frames_per_board_per_s"] for v in r[k]["boards"].values()) for k in ("coalesce_0ms", "coalesce_10ms")}
    return (f"per board per 1,000 ev/s, % of a core (boards: cost) — each event a frame: {row('coalesce_0ms')} "
            f"({frames['coalesce_0ms']:.0f} frames/s a board); 10 ms in one frame: {row('coalesce_10ms')} "
            f"({frames['coalesce_10ms']:.0f} frames/s)")
