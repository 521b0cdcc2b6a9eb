"""The desk's Reports window against the real embedded call centre with its history: asked over the board's
connection, the same figures as the live queue cards, saved as files Excel opens."""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import io
import os
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, QTranslator

from wallboard.callcentre.engine import CallCentre
from wallboard.callcentre.service import CallCentreService
from wallboard.callcentre.traffic import demo_plan
from wallboard.core.profile import load_profile
from wallboard.core.protocol import CommandResult
from wallboard.feed.client import FeedClient
from wallboard.feed.server import FeedServer, Principal
from wallboard.feed.thread import LoopThread
from wallboard.ui import i18n
from wallboard.ui.boards import make_window
from wallboard.ui.desk import DeskWindow
from wallboard.ui.feedlink import FeedLink
from wallboard.ui.reports import ReportsDialog


def zones(now_ms: int) -> tuple[int, int]:
    """A centre where it is 21:00 now and a PC where it is already 00:30 of the centre's tomorrow (minutes east
    of UTC): a board whose reports counted this PC's day would show only its last half hour."""
    utc_min = now_ms // 60_000 % 1440
    centre = (21 * 60 - utc_min) % 1440
    centre -= 1440 if centre > 840 else 0
    return centre, centre + 210


@contextlib.contextmanager
def pc_zone(east_min: int) -> Iterator[None]:
    old = os.environ.get("TZ")
    sign = "-" if east_min >= 0 else "+"  # POSIX: the offset west of UTC
    os.environ["TZ"] = f"PCT{sign}{abs(east_min) // 60:02d}:{abs(east_min) % 60:02d}"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def test_the_reports_window_shows_the_days_figures_and_saves_them(qtbot: Any, qapp: Any, tmp_path: Path) -> None:
    now = int(time.time() * 1000)
    centre, pc = zones(now)
    with pc_zone(pc):
        assert datetime.fromtimestamp(now / 1000).date() == (
            datetime.fromtimestamp(now / 1000, UTC) + timedelta(minutes=centre, days=1)).date()
        reports_of_the_centres_day(qtbot, qapp, tmp_path, now, centre)


def reports_of_the_centres_day(qtbot: Any, qapp: Any, tmp_path: Path, now: int, centre: int) -> None:
    thread = LoopThread("reports").start()
    engine = CallCentre(replace(demo_plan(30, 2, language="ja"), utc_offset_min=centre), now - 2 * 3_600_000, seed=5)
    service = CallCentreService(engine, lambda clock: FeedServer(clock, heartbeat_s=0.5, anonymous=Principal(
        "sv", "supervisor")), history=str(tmp_path / "h.sqlite"), monitoring=False)
    service.catch_up(now)

    async def start() -> int:
        return await service.server.start(port=0)
    port = thread.submit(start()).result(10)
    box: list[FeedClient] = []

    def submit(r: str, a: str, g: dict[str, object]) -> concurrent.futures.Future[CommandResult]:
        return thread.submit(box[0].command(r, a, g))
    locale, font = QLocale(), qapp.font()
    i18n.install(qapp, "ja")
    window = make_window(load_profile({}), "desk", FeedLink(submit), settings=None)
    assert isinstance(window, DeskWindow)
    qtbot.addWidget(window)
    box.append(FeedClient(f"ws://127.0.0.1:{port}", window.link.push))
    thread.submit(box[0].run())
    try:
        qtbot.waitUntil(lambda: window.view is not None and window.view.synced and window.view.caps.reports, timeout=10000)
        window.show_reports()
        d: ReportsDialog = window.reports
        d.refresh_queues()
        assert d.run_button.isEnabled()
        d.kind.setCurrentIndex(2)  # how callers left
        d.run()
        qtbot.waitUntil(lambda: d.table.rowCount() > 0, timeout=10000)
        live = {q.name: q for q in window.view.queues.values()}
        shown = {d.table.item(r, 0).text(): int(d.table.item(r, 1).text()) for r in range(d.table.rowCount())}
        assert shown == {name: q.offered for name, q in live.items()}  # the queue cards' 入電, to the call
        assert d.table.horizontalHeaderItem(1).text() == "入電数"
        data = d.file_bytes("utf-8-sig")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert data.startswith(b"\xef\xbb\xbf") and rows[0][0] == "キュー" and len(rows) == len(live) + 1
        d.save(str(tmp_path / "r.xlsx"), "xlsx")
        from openpyxl import load_workbook
        ws = load_workbook(tmp_path / "r.xlsx").active
        assert [c.value for c in ws[1]][:2] == ["キュー", "入電数"] and isinstance(ws["B2"].value, int)
        d.kind.setCurrentIndex(1)  # agents' time
        d.run()
        qtbot.waitUntil(lambda: d.table.columnCount() > 0 and d.table.horizontalHeaderItem(0).text() == "オペレーター",
                        timeout=10000)
        answered_col = [h for h in range(d.table.columnCount()) if d.table.horizontalHeaderItem(h).text() == "応答数"][0]
        per_agent = sum(int(d.table.item(r, answered_col).text()) for r in range(d.table.rowCount()))
        agents_rows = list(d.rows)
        assert per_agent == sum(q.answered for q in live.values())  # agents reconcile with the queues
        d.team.setCurrentIndex(1)  # one team's agents only
        team = d.team.currentData()
        d.run()
        qtbot.waitUntil(lambda: 0 < d.table.rowCount() < len(window.view.agents), timeout=10000)
        in_team = {a.name for a in window.view.agents.values() if a.team == team}
        assert {d.table.item(r, 0).text() for r in range(d.table.rowCount())} <= in_team
        d.team.setCurrentIndex(0)
        d.run()
        qtbot.waitUntil(lambda: d.table.rowCount() == len(agents_rows), timeout=10000)
        name_col = 0
        busiest = max(range(d.table.rowCount()), key=lambda r: int(d.table.item(r, answered_col).text()))
        name, answered = d.table.item(busiest, name_col).text(), int(d.table.item(busiest, answered_col).text())
        aid = next(a.id for a in window.view.agents.values() if a.name == name)
        window._select(aid)  # the side panel: the selected agent's day, the same count
        qtbot.waitUntil(lambda: window.agent_day.answers >= 1 and window.agent_day.isVisibleTo(window), timeout=10000)
        assert window.agent_day.heading.text() == f"本日：{name}"
        assert window.agent_day.figures.text().startswith(f"応答 {answered}件")
        start, end = window.agent_day.bar.span
        clock = [(datetime.fromtimestamp(t / 1000, UTC) + timedelta(minutes=centre)).strftime("%H:%M") for t in (start, end)]
        assert window.agent_day.hours.text() == f"{clock[0]} – {clock[1]}" and clock[0] == "00:00"  # the centre's clock
        assert window.agent_day.bar.segments and {s[2] for s in window.agent_day.bar.segments} <= {
            "talk", "wrapup", "pause", "available"}
    finally:
        for t in qapp.findChildren(QTranslator):
            qapp.removeTranslator(t)
        QLocale.setDefault(locale)
        qapp.setFont(font)
        thread.loop.call_soon_threadsafe(box[0].stop)
        thread.submit(service.server.stop()).result(5)
        service.close()
        thread.stop()
