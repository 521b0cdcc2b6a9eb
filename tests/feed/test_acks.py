"""Acknowledgements belong to the floor, not to one desk; and the server names the person (issue 12, items 8–9)."""

from __future__ import annotations

import argparse
import hashlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from tests.feed.conftest import Board, SimulatedFloor, wait_until
from wallboard.feed.serving import add_serving_arguments, load_tokens, serving_from

Runner = Callable[[Callable[[], Awaitable[None]]], None]


def sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


TOKENS = f"""
[[token]]
name = "田中 (SV)"
role = "supervisor"
sha256 = "{sha('tanaka-token')}"

[[token]]
name = "Wall TV 3F"
role = "viewer"
sha256 = "{sha('tv-token')}"
"""


def test_an_acknowledgement_reaches_every_board_named_by_the_server(run: Runner, tmp_path: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "tokens.toml"
    path.write_text(TOKENS, "utf-8")

    async def go() -> None:
        floor = SimulatedFloor(principals=load_tokens(str(path)), anonymous=None)
        port = await floor.server.start()
        desk = Board(f"ws://127.0.0.1:{port}", token="tanaka-token").start()
        tv = Board(f"ws://127.0.0.1:{port}", token="tv-token").start()
        try:
            await wait_until(lambda: bool(desk.views) and desk.last.synced and bool(tv.views) and tv.last.synced)
            res = await desk.client.command("ack-1", "alert.ack", {"kind": "talk", "subject": "a01"})
            assert res.ok
            await wait_until(lambda: ("talk", "a01") in tv.last.acks, what="the ack on the TV")
            ack = tv.last.acks[("talk", "a01")]
            assert ack.by == "田中 (SV)" and ack.at == res.result["at"]  # type: ignore[index]
            refused = await tv.client.command("ack-2", "alert.ack", {"kind": "talk", "subject": "a02"})
            assert not refused.ok and refused.error is not None and refused.error.code == "forbidden"
            late = Board(f"ws://127.0.0.1:{port}", token="tv-token").start()  # a board that comes later
            await wait_until(lambda: bool(late.views) and late.last.synced, what="late board")
            assert late.last.acks[("talk", "a01")].by == "田中 (SV)"
            await late.close()
        finally:
            await desk.close()
            await tv.close()
            await floor.server.stop()
    with caplog.at_level(logging.INFO, "wallboard.audit"):
        run(go)
    assert any("田中 (SV) acknowledged talk on a01" in r.getMessage() for r in caplog.records)


def test_two_desks_on_one_token_never_share_a_request_id() -> None:
    """Item 8: each numbered its requests from its start second; the server replayed the cached answer."""
    from concurrent.futures import Future

    from wallboard.ui.feedlink import FeedLink
    sent: list[str] = []

    def submit(req_id: str, action: str, args: dict[str, object]) -> Future[object]:
        sent.append(req_id)
        return Future()
    desks = [FeedLink(submit) for _ in range(2)]  # type: ignore[arg-type]
    returned = [desk.send("alert.ack", {}) for desk in desks for _ in range(25)]
    assert len(set(sent)) == 50 and returned == sent


@pytest.mark.parametrize(("text", "words"), [
    ("[[token]]\nname = 'A'\nrole = 'boss'\nsha256 = '" + "a" * 64 + "'", "token 1 (A).role: viewer or supervisor"),
    ("[[token]]\nname = 'A'\nsha256 = 'abc'", "token 1 (A).sha256: 64 hex digits"),
    ("[[token]]\nname = 'A'\ntoken = 'secret'\nsha256 = '" + "a" * 64 + "'", "token 1.token: unknown key"),
    ("[[token]]\nrole = 'viewer'", "token 1.name"),
    ("[[token]]\nname = 'A'\nsha256 = '" + "a" * 64 + "'\n[[token]]\nname = 'A'\nsha256 = '" + "b" * 64 + "'",
     "token 2 (A).name: used twice"),
    ("x = 1", "expected only [[token]] entries"),
    ("[[token]\n", "Expected"),
])
def test_a_bad_tokens_file_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  text: str, words: str) -> None:
    path = tmp_path / "t.toml"
    path.write_text(text, "utf-8")
    p = argparse.ArgumentParser(prog="serve")
    add_serving_arguments(p)
    with pytest.raises(SystemExit):
        serving_from(p.parse_args(["--tokens", str(path)]), p)
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert words in err and err.startswith("serve: error: --tokens")
