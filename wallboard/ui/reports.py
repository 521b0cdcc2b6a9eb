"""Reports on the desk: calls per interval, agents' time, how callers left — asked of the server's history over
the board's own connection (``report.*``), shown in a table, saved for Excel (CSV with BOM, Shift_JIS, .xlsx).

Headers are in the board's language, in the file too; numbers stay numbers in the file (seconds, percent) so a
manager's spreadsheet can sum them, and are shown as times and percentages here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..board.export import to_csv, to_xlsx
from ..core.protocol import CommandResult
from ..core.view import FloorView
from .days import centre_date, centre_text, day_span
from .feedlink import FeedLink
from .i18n import QT_TR_NOOP, tr
from .words import PAUSE_REASONS, known

KINDS = (("report.intervals", QT_TR_NOOP("Calls per interval")), ("report.agents", QT_TR_NOOP("Agents' time")),
         ("report.outcomes", QT_TR_NOOP("How callers left")))
#: (key in a row, header, how it shows: "text" | "count" | "time" (clock) | "secs" (duration) | "pct" | "rate")
COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    "report.intervals": [
        ("queue", QT_TR_NOOP("Queue"), "text"), ("start", QT_TR_NOOP("From"), "time"),
        ("offered", QT_TR_NOOP("Offered"), "count"), ("answered", QT_TR_NOOP("Answered"), "count"),
        ("abandoned", QT_TR_NOOP("Abandoned"), "count"), ("answer_rate", QT_TR_NOOP("Answer rate (%)"), "pct"),
        ("service_level", QT_TR_NOOP("Service level (%)"), "pct"), ("asa_s", QT_TR_NOOP("ASA"), "secs"),
        ("aht_s", QT_TR_NOOP("AHT"), "secs"), ("longest_wait_s", QT_TR_NOOP("Longest wait"), "secs")],
    "report.agents": [
        ("name", QT_TR_NOOP("Agent"), "text"), ("login_s", QT_TR_NOOP("Logged in"), "secs"),
        ("available_s", QT_TR_NOOP("Available"), "secs"), ("talk_s", QT_TR_NOOP("Talk"), "secs"),
        ("hold_s", QT_TR_NOOP("Hold"), "secs"), ("wrapup_s", QT_TR_NOOP("Wrap-up"), "secs"),
        ("answered", QT_TR_NOOP("Answered"), "count"), ("calls_per_hour", QT_TR_NOOP("Calls per hour"), "rate"),
        ("occupancy", QT_TR_NOOP("Occupancy (%)"), "pct")],
    "report.outcomes": [
        ("queue", QT_TR_NOOP("Queue"), "text"), ("offered", QT_TR_NOOP("Offered"), "count"),
        ("answered", QT_TR_NOOP("Answered"), "count"), ("abandoned", QT_TR_NOOP("Abandoned"), "count"),
        ("timeout", QT_TR_NOOP("Timed out"), "count"), ("exited", QT_TR_NOOP("Left by a key"), "count"),
        ("transferred", QT_TR_NOOP("Transferred"), "count"), ("open", QT_TR_NOOP("Still open"), "count")],
}
ERRORS = {"forbidden": QT_TR_NOOP("Reports are for supervisors on this server."),
          "not_supported": QT_TR_NOOP("This server keeps no history (the bridge needs --queue-log)."),
          "too_large": QT_TR_NOOP("Too much at once: choose fewer days or one queue."),
          "view-only": QT_TR_NOOP("Not connected.")}




def duration_text(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class ReportsDialog(QDialog):
    def __init__(self, link: FeedLink, view: Callable[[], FloorView | None], now: Callable[[], int],
                 offset: Callable[[], int], parent: QWidget | None = None) -> None:
        """``offset``: the centre's zone (its days and clock times, which the live cards count in)."""
        super().__init__(parent)
        self.setWindowTitle(tr("Reports"))
        self.link, self.view, self.offset = link, view, offset
        self.resize(1000, 560)
        self.kind = QComboBox()
        for action, label in KINDS:
            self.kind.addItem(tr(label), action)
        day = centre_date(now(), offset())
        today = QDate(day.year, day.month, day.day)
        self.first, self.last = QDateEdit(today), QDateEdit(today)
        for d in (self.first, self.last):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.step = QComboBox()
        for minutes in (15, 30, 60):
            self.step.addItem(tr("{0} min").format(minutes), minutes)
        self.step.setCurrentIndex(1)
        self.queue = QComboBox()
        self.team = QComboBox()  # agents' time: this team's agents only (the board knows who is in which)
        self.run_button = QPushButton(tr("Show"))
        self.run_button.clicked.connect(self.run)
        self.kind.currentIndexChanged.connect(self._kind_chosen)
        top = QHBoxLayout()
        for label, w in ((tr("Report"), self.kind), (tr("From"), self.first), (tr("To"), self.last),
                         (tr("Interval"), self.step), (tr("Queue"), self.queue), (tr("Team"), self.team)):
            top.addWidget(QLabel(label))
            top.addWidget(w)
        top.addWidget(self.run_button)
        top.addStretch(1)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(False)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        self.exports = []
        for label, how in ((tr("Save CSV (Excel, UTF-8)"), "utf-8-sig"), (tr("Save CSV (Shift_JIS)"), "cp932"),
                           (tr("Save Excel (.xlsx)"), "xlsx")):
            b = QPushButton(label)
            b.clicked.connect(lambda _=False, h=how: self.save_as(h))
            b.setEnabled(False)
            bottom.addWidget(b)
            self.exports.append(b)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addLayout(bottom)
        self.rows: list[dict[str, Any]] = []
        self.columns: list[tuple[str, str, str]] = []
        self._asked = ""
        self._asked_action = ""
        link.answered.connect(self._answered)
        self.refresh_queues()

    @property
    def action(self) -> str:
        return str(self.kind.currentData())

    def _kind_chosen(self, _: int) -> None:
        self.step.setEnabled(self.action == "report.intervals")
        self.team.setEnabled(self.action == "report.agents")

    def refresh_queues(self) -> None:
        v = self.view()
        self.queue.clear()
        self.queue.addItem(tr("All queues"), "")
        for q in sorted(v.queues.values(), key=lambda q: q.name) if v is not None else ():
            self.queue.addItem(q.name, q.id)
        self.team.clear()
        self.team.addItem(tr("All teams"), "")
        for team in sorted({a.team for a in v.agents.values() if a.team}) if v is not None else ():
            self.team.addItem(team, team)
        self._kind_chosen(0)
        allowed = v is not None and v.caps.reports
        self.run_button.setEnabled(allowed)
        if not allowed:
            self.status.setText(tr(ERRORS["not_supported"] if v is not None and v.caps.role == "supervisor"
                                   else ERRORS["forbidden"]))

    def span(self) -> tuple[int, int]:
        """The chosen days, the centre's day start to day start (as its live cards count them)."""
        first, last = self.first.date(), self.last.date()
        return day_span(date(first.year(), first.month(), first.day()), date(last.year(), last.month(), last.day()),
                        self.offset())

    def run(self) -> None:
        start, end = self.span()
        args: dict[str, Any] = {"start": start, "end": end}
        if self.queue.currentData():
            args["queues"] = [str(self.queue.currentData())]
        if self.action == "report.intervals":
            args["step_min"] = int(self.step.currentData())
        self._asked_action = self.action
        self._asked = self.link.send(self.action, args)
        self.status.setText(tr("Asking the server…"))

    def _answered(self, req_id: str, result: CommandResult | None, why: str) -> None:
        if req_id != self._asked:
            return
        if result is None or not result.ok:
            code = result.error.code if result is not None and result.error is not None else why
            words = ERRORS.get(code)
            detail = result.error.message if result is not None and result.error is not None else why
            self.status.setText(tr(words) if words else tr("The report failed: {0}").format(detail))
            return
        self.show_rows(self._asked_action, list((result.result or {}).get("rows", [])))

    def show_rows(self, action: str, rows: list[dict[str, Any]]) -> None:
        team = str(self.team.currentData() or "")
        v = self.view()
        if action == "report.agents" and team and v is not None:  # by the team the board knows each agent in
            teams = {key: a.team for a in v.agents.values() for key in (a.id, a.name)}
            rows = [r for r in rows if teams.get(str(r.get("agent"))) == team or teams.get(str(r.get("name"))) == team]
        self.rows = rows
        self.columns = list(COLUMNS[action])
        if action == "report.agents":  # a column per pause reason, after wrap-up
            reasons = sorted({r for row in rows for r in row.get("pause_s", {})})
            at = next(i for i, c in enumerate(self.columns) if c[0] == "wrapup_s") + 1
            self.columns[at:at] = [(f"pause:{r}", tr("Paused: {0}").format(known(PAUSE_REASONS, r) if r
                                                                                  else tr("no reason")), "secs")
                                   for r in reasons]
        headers = self.headers()
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderLabels(headers)
        for i, row in enumerate(rows):
            for j, (key, _, how) in enumerate(self.columns):
                item = QTableWidgetItem(self._shown(self._value(row, key), how))
                if how != "text":
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        for b in self.exports:
            b.setEnabled(bool(rows))
        self.status.setText(tr("{0} rows").format(len(rows)) if rows else tr("Nothing in these days."))

    def headers(self, in_file: bool = False) -> list[str]:
        """Durations show as h:mm:ss here; a file holds seconds, and its header says so."""
        unit = " " + tr("(s)")
        return [(tr(h) if not key.startswith("pause:") else h) + (unit if in_file and how == "secs" else "")
                for key, h, how in self.columns]

    def _value(self, row: dict[str, Any], key: str) -> Any:
        if key.startswith("pause:"):
            return row.get("pause_s", {}).get(key[6:], 0.0)
        value = row.get(key)
        v = self.view()
        if key == "queue" and v is not None and isinstance(value, str) and value in v.queues:
            return v.queues[value].name
        return value

    def _shown(self, value: Any, how: str) -> str:
        if value is None:
            return "—"
        if how == "time":
            return centre_text(int(value), self.offset(), "%m-%d %H:%M")
        if how == "secs":
            return duration_text(float(value))
        if how == "pct":
            return f"{float(value) * 100:.1f}"
        if how == "rate":
            return f"{float(value):.1f}"
        return str(value)

    def table_for_file(self) -> tuple[list[str], list[list[Any]]]:
        """The headers and the rows as a file holds them: numbers as numbers (seconds, percent), times as text."""
        out = []
        for row in self.rows:
            cells: list[Any] = []
            for key, _, how in self.columns:
                value = self._value(row, key)
                if value is None or how in ("text", "count"):
                    cells.append(value)
                elif how == "time":
                    cells.append(centre_text(int(value), self.offset(), "%Y-%m-%d %H:%M"))
                elif how == "pct":
                    cells.append(round(float(value) * 100, 1))
                else:
                    cells.append(round(float(value), 1))
            out.append(cells)
        return self.headers(in_file=True), out

    def file_bytes(self, how: str) -> bytes:
        headers, rows = self.table_for_file()
        return to_xlsx(headers, rows, self.kind.currentText()) if how == "xlsx" else to_csv(headers, rows, how)

    def save_as(self, how: str) -> None:
        suffix = "xlsx" if how == "xlsx" else "csv"
        name = f"{self._asked_action.replace('.', '-')}-{self.first.date().toString('yyyyMMdd')}.{suffix}"
        path, _ = QFileDialog.getSaveFileName(self, tr("Save the report"), name,
                                              "Excel (*.xlsx)" if how == "xlsx" else "CSV (*.csv)")
        if path:
            self.save(path, how)

    def save(self, path: str, how: str) -> None:
        try:
            with open(path, "wb") as f:
                f.write(self.file_bytes(how))
        except OSError as err:
            self.status.setText(tr("Could not save {0}: {1}").format(path, err.strerror or err))
            return
        self.status.setText(tr("Saved {0}").format(path))
