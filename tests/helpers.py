"""Builders for feed objects, so tests say only what matters to them."""

from __future__ import annotations

from typing import Any

from wallboard.core.model import Agent, Call, Queue

T0 = 1_763_800_000_000  # a fixed server time (ms)


def agent(id: str = "a1", state: str = "available", since: int = T0, **kw: Any) -> Agent:
    return Agent(id=id, name=kw.pop("name", id.upper()), state=state, since=since, **kw)


def queue(id: str = "q1", **kw: Any) -> Queue:
    return Queue(id=id, name=kw.pop("name", id.upper()), interval_start=kw.pop("interval_start", T0 - 3_600_000), **kw)


def call(id: str = "c1", queue: str = "q1", state: str = "queued", queued_at: int = T0, **kw: Any) -> Call:
    return Call(id=id, queue=queue, state=state, queued_at=queued_at, **kw)
