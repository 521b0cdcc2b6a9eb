"""Reports over the feed's connection, from a history store holding the real queue_log sample; the export
files as Excel will open them."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from tests.feed.conftest import Board, wait_until
from wallboard.asterisk.history import QueueLogHistory
from wallboard.board.export import to_csv, to_xlsx
from wallboard.core.history import queue_counters
from wallboard.feed.historystore import HistoryStore
from wallboard.feed.reports import ReportDesk
from wallboard.feed.server import FeedServer, Principal

Runner = Callable[[Callable[[], Awaitable[None]]], None]
SAMPLE = Path(__file__).resolve().parents[1] / "asterisk" / "queue_log" / "sample.txt"
DAY = 1_796_112_000_000
NOW = 1_796_113_100_000


def filled(tmp_path: Path) -> Path:
    db = tmp_path / "h.sqlite"
    store = HistoryStore(db)
    h = QueueLogHistory(store, SAMPLE, DAY, wrapup_s={"sales": 5})
    h.poll(DAY)
    h.close()
    store.close()
    return db


@contextlib.asynccontextmanager
async def served(db: Path, reports_for: str = "supervisor") -> AsyncIterator[tuple[Board, Board]]:
    server = FeedServer(lambda: NOW, principals={"sv": Principal("sv-1", "supervisor"), "tv": Principal("tv-1")},
                        anonymous=None, heartbeat_s=0.5)
    desk = ReportDesk(str(db), lambda: NOW)
    server.reports, server.reports_for = desk.handle, reports_for
    server.load([], [], [])
    port = await server.start()
    sv, tv = Board(f"ws://127.0.0.1:{port}", token="sv").start(), Board(f"ws://127.0.0.1:{port}", token="tv").start()
    try:
        await wait_until(lambda: bool(sv.views) and sv.last.synced and bool(tv.views) and tv.last.synced, 5, "boards")
        yield sv, tv
    finally:
        await sv.close()
        await tv.close()
        await server.stop()
        desk.close()


async def ask(b: Board, action: str, **args: Any) -> Any:
    return await b.client.command(f"r-{action}-{len(b.views)}-{id(args)}", action, args)


def test_reports_over_the_connection_equal_the_counters_and_are_refused_typed(tmp_path: Path, run: Runner) -> None:
    db = filled(tmp_path)

    async def go() -> None:
        async with served(db) as (sv, tv):
            assert sv.client.caps.reports and not tv.client.caps.reports  # the server says who may read them
            res = await ask(sv, "report.intervals", start=DAY, end=DAY + 86_400_000, step_min=60)
            assert res.ok, res.error
            rows = res.result["rows"]
            assert sum(r["offered"] for r in rows) == 6 and sum(r["answered"] for r in rows) == 5
            assert sum(r["abandoned"] for r in rows) == 1
            store = HistoryStore(db)
            live = queue_counters(store.calls(DAY, DAY + 86_400_000))["sales"]  # what the board's queue carries
            store.close()
            assert (sum(r["answered"] for r in rows), rows[0]["queue"]) == (live.answered, "sales")
            agents = (await ask(sv, "report.agents", start=DAY, end=DAY + 86_400_000)).result["rows"]
            by = {r["agent"]: r for r in agents}
            assert by["Agent 1002"]["answered"] == 4 and by["Agent 1002"]["pause_s"] == {"lunch": 2.0}
            assert sum(r["answered"] for r in agents) == live.answered  # per agent reconciles with per queue
            outcomes = (await ask(sv, "report.outcomes", start=DAY, end=DAY + 86_400_000)).result["rows"]
            assert outcomes == [{"queue": "sales", "offered": 6, "answered": 5, "abandoned": 1, "timeout": 0,
                                 "exited": 0, "transferred": 0, "open": 0}]
            refused = await ask(tv, "report.agents", start=DAY, end=DAY + 1)
            assert (refused.ok, refused.error.code) == (False, "forbidden")
            for args, code in (({"start": DAY}, "bad_request"), ({"start": 5, "end": 1}, "bad_request"),
                               ({"start": 0, "end": 200 * 86_400_000}, "too_large"),
                               ({"start": DAY, "end": DAY + 1, "step_min": 7}, "bad_request")):
                bad = await ask(sv, "report.intervals", **args)
                assert (bad.ok, bad.error.code) == (False, code), args
            assert (await ask(sv, "report.nonsense", start=DAY, end=DAY + 1)).error.code == "not_supported"
    run(go)


def test_a_viewer_reads_reports_only_where_the_server_says_so(tmp_path: Path, run: Runner) -> None:
    db = filled(tmp_path)

    async def go() -> None:
        async with served(db, reports_for="all") as (sv, tv):
            assert tv.client.caps.reports
            assert (await ask(tv, "report.outcomes", start=DAY, end=DAY + 86_400_000)).ok
    run(go)


HEADERS = ["キュー", "入電", "応答", "応答率"]
ROWS: list[list[Any]] = [["営業", 6, 5, 0.8333], ["サポート", 0, 0, None]]


def test_csv_has_a_bom_and_reads_back_and_shift_jis_opens_as_cp932() -> None:
    data = to_csv(HEADERS, ROWS)
    assert data[:3] == b"\xef\xbb\xbf"  # what makes Japanese Excel read UTF-8
    back = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert back == [HEADERS, ["営業", "6", "5", "0.8333"], ["サポート", "0", "0", ""]]
    sjis = to_csv(HEADERS, ROWS, "cp932")
    assert not sjis.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(sjis.decode("cp932"))))[1][0] == "営業"
    assert to_csv(["名前"], [["髙橋 🙂"]], "cp932").decode("cp932").splitlines()[1] == "髙橋 ?"  # never fails


def test_xlsx_reads_back_with_numbers_as_numbers(tmp_path: Path) -> None:
    from openpyxl import load_workbook
    path = tmp_path / "r.xlsx"
    path.write_bytes(to_xlsx(HEADERS, ROWS, "キュー別 [1/2]"))
    ws = load_workbook(path).active
    assert [c.value for c in ws[1]] == HEADERS and ws[1][0].font.bold
    assert [c.value for c in ws[2]] == ["営業", 6, 5, 0.8333] and ws["B2"].data_type == "n"
    assert ws.title == "キュー別 12" and ws.freeze_panes == "A2"
