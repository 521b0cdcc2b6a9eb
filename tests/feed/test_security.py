"""wss:// with verification on by default, a custom CA, a loud opt-out; tokens never leak."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import trustme

from tests.feed.conftest import Board, SimulatedFloor, wait_until
from wallboard.feed.client import tls_context
from wallboard.feed.server import Principal

Runner = Callable[[Callable[[], Awaitable[None]]], None]


@pytest.fixture
def tls(tmp_path: Path) -> tuple[ssl.SSLContext, str]:
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_ctx)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return server_ctx, str(ca_file)


def test_wss_verifies_certificates_and_says_why_not(run: Runner, tls: tuple[ssl.SSLContext, str],
                                                    caplog: pytest.LogCaptureFixture) -> None:
    server_ctx, ca_file = tls

    async def go() -> None:
        floor = SimulatedFloor()
        port = await floor.server.start(ssl=server_ctx)
        url = f"wss://127.0.0.1:{port}"
        trusted = Board(url, ssl=tls_context(ca_file)).start()
        default = Board(url, ssl=tls_context()).start()  # system CAs only: must refuse our test CA
        with caplog.at_level(logging.WARNING):
            lab = Board(url, ssl=tls_context(insecure=True)).start()
        await wait_until(lambda: bool(trusted.views) and trusted.last.synced, what="trusted board")
        await wait_until(lambda: bool(lab.views) and lab.last.synced, what="insecure board")
        await wait_until(lambda: bool(default.views) and default.last.link.state == "retrying", what="refusal")
        assert default.last.link.reason == "certificate" and not default.last.agents
        assert "VERIFICATION IS OFF" in caplog.text
        for b in (trusted, default, lab):
            await b.close()
        await floor.server.stop()
    run(go)


def test_tokens_never_reach_logs_views_or_files(run: Runner, caplog: pytest.LogCaptureFixture,
                                                tmp_path: Path) -> None:
    good, bad = "tok-SECRET-5f3a9c", "tok-WRONG-88d1e7"

    async def go() -> None:
        floor = SimulatedFloor(principals={good: Principal("sv", "supervisor")}, anonymous=None)
        port = await floor.server.start()
        url = f"ws://127.0.0.1:{port}"
        with caplog.at_level(logging.DEBUG):  # even with everything switched on
            ok = Board(url, token=good).start()
            refused = Board(url, token=bad).start()
            await wait_until(lambda: bool(ok.views) and ok.last.synced)
            await wait_until(lambda: bool(refused.views) and refused.last.link.state == "refused")
            floor.step(30)
            await ok.client.command("r1", "monitor.start", {"mode": "listen", "agent_id": "nobody"})
            await ok.close()
            await refused.close()
            await floor.server.stop()
        texts = [caplog.text, repr(ok.views), repr(refused.views), repr(ok.client.__dict__.keys())]
        texts += [p.read_text(errors="replace") for p in tmp_path.parent.rglob("*") if p.is_file()]
        for secret in (good, bad):
            assert not any(secret in t for t in texts), f"{secret} leaked"
        assert "hello" not in caplog.text.lower() or "token" not in caplog.text  # no frame dumps
    run(go)
