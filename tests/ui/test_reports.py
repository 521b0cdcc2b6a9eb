"""The desk's Reports window against the real embedded call centre with its history: asked over the board's
connection, the same figures as the live queue cards, saved as files Excel opens."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import time
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


def test_the_reports_window_shows_the_days_figures_and_saves_them(qtbot: Any, qapp: Any, tmp_path: Path) -> None:
    thread = LoopThread("reports").start()
    now = int(time.time() * 1000)
    engine = CallCentre(demo_plan(30, 2, language="ja"), now - 2 * 3_600_000, seed=5)
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
