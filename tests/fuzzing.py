"""A seeded mutation fuzzer for feed frames: real frames from the simulator, broken in every way."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator

from wallboard.callcentre.recording import recorded_feed, warmed_up

WEIRD_VALUES: list[object] = [
    None, True, False, -1, 0, 2**70, -(2**70), 1.5, float("1e308"), "", "x" * 5000, "\u0000", "日本語",
    "\ud7ff", [], {}, [[[]]], {"a": {"b": {"c": None}}}, "available", "ended", 10**16,
]


def valid_frames(n: int, agents: int = 60, seed: int = 1) -> tuple[bytes, list[bytes]]:
    """A snapshot and ``n`` real, in-order deltas (seq 1..n) from the simulator."""
    return recorded_feed(warmed_up(agents, 3, seed, warmup_ms=1_800_000), n, "fz", step_ms=300_000)


def _mutate_tree(node: object, rng: random.Random, depth: int = 0) -> object:
    if isinstance(node, dict) and node:
        node = dict(node)
        key = rng.choice(list(node))
        r = rng.random()
        if r < 0.3:
            del node[key]
        elif r < 0.7:
            node[key] = rng.choice(WEIRD_VALUES)
        elif r < 0.8:
            node[rng.choice(["type", "seq", "stream", "ts", "zz" * rng.randint(1, 40)])] = rng.choice(WEIRD_VALUES)
        else:
            node[key] = _mutate_tree(node[key], rng, depth + 1)
        return node
    if isinstance(node, list) and node:
        node = list(node)
        i = rng.randrange(len(node))
        node[i] = _mutate_tree(node[i], rng, depth + 1) if rng.random() < 0.5 else rng.choice(WEIRD_VALUES)
        return node
    return rng.choice(WEIRD_VALUES)


def mutants(frames: list[bytes], count: int, seed: int) -> Iterator[bytes]:
    """``count`` broken frames: byte-level, JSON-level and structural damage, plus pure garbage."""
    rng = random.Random(seed)
    for _ in range(count):
        base = rng.choice(frames)
        kind = rng.random()
        if kind < 0.15:
            yield base[: rng.randrange(len(base))]  # truncated
        elif kind < 0.30:
            b = bytearray(base)
            for _ in range(rng.randint(1, 8)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            yield bytes(b)  # flipped bytes (often invalid UTF-8)
        elif kind < 0.80:
            tree = json.loads(base)
            for _ in range(rng.randint(1, 3)):
                tree = _mutate_tree(tree, rng)
            yield json.dumps(tree, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
        elif kind < 0.85:
            depth = rng.choice([10, 1000, 100_000])
            yield b'{"type":"agent.update","stream":"fz","seq":1,"ts":1,"agent":' + b"[" * depth + b"]" * depth + b"}"
        elif kind < 0.90:
            yield bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))  # garbage
        elif kind < 0.95:
            yield rng.choice([b"", b" ", b"null", b"[]", b"{}", b'"x"', b"1", b'{"type":null}', b"\xef\xbb\xbf{}"])
        else:
            yield base[:-1] + b', "padding":"' + b"x" * rng.randint(1000, 200_000) + b'"}'  # big
