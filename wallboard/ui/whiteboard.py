"""The outbound whiteboard page (発信ボード): the day's ranking, teams with goal bars, and each new result.

Painted in one widget (desk window and TV page alike, sized by ``scale``): a headline of the day's totals,
the agents' ranking on the left (place, name, results against the goal, dials, connects, contact rate,
conversion, results per hour, amount), the teams on the right with their goal bars, and under them the
latest results, newest first; a result that just came in is shown as a toast over the bottom for a few
seconds ("田中 成約 +1 ¥38,000"). When places change, rows glide to their new place over
:data:`GLIDE_MS` (calm, never a jump a viewer has to find again).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QRect, QRectF, Qt, QTimer
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from ..board.model import BoardModel
from ..board.whiteboard import Board, Result, Row
from ..core.outbound import Figures, OutboundRules
from .days import centre_text
from .i18n import QT_TR_NOOP, tr
from .style import CARD, CARD_LINE, GOOD, INK, MUTED, ON_STRONG, PAPER, font

GLIDE_MS = 700
TOAST_S = 8.0
#: The board's words for the outcome kinds it knows; a centre's own label wins, an unknown id shows as sent.
KIND_WORDS = {"sale": QT_TR_NOOP("Sale"), "appointment": QT_TR_NOOP("Appointment"),
              "prospect": QT_TR_NOOP("Prospect"), "callback": QT_TR_NOOP("Call back"),
              "refused": QT_TR_NOOP("Refused"), "absent": QT_TR_NOOP("Not there"),
              "no_answer": QT_TR_NOOP("No answer"), "machine": QT_TR_NOOP("Answering machine"),
              "dead": QT_TR_NOOP("Dead number")}
CURRENCY = {"JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£"}


def kind_label(rules: OutboundRules | None, kind: str) -> str:
    k = rules.kind(kind) if rules is not None else None
    if k is not None and k.label:
        return k.label
    return tr(KIND_WORDS[kind]) if kind in KIND_WORDS else kind


def headline(rules: OutboundRules | None) -> str:
    """The word for a result on this centre's board (成約, アポ, 受注…)."""
    return rules.headline if rules is not None and rules.headline else tr("Results")


def money(amount: float, rules: OutboundRules | None) -> str:
    code = rules.currency if rules is not None else "JPY"
    sign = CURRENCY.get(code, "")
    digits = f"{amount:,.0f}" if code in ("JPY", "KRW") or amount >= 1000 else f"{amount:,.2f}"
    return f"{sign}{digits}" if sign else f"{digits} {code}"


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def toast_text(r: Result, rules: OutboundRules | None) -> str:
    """"田中 成約 +1 ¥38,000"."""
    amount = f" {money(r.amount, rules)}" if r.amount else ""
    return f"{r.name} {kind_label(rules, r.kind)} +1{amount}"


class WhiteboardPanel(QWidget):
    def __init__(self, scale: float = 1.0, parent: QWidget | None = None,
                 mono: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.scale, self.mono = scale, mono
        self.board = Board((), (), Figures(0, 0, 0, 0, 0.0, None, None, None), ())
        self.rules: OutboundRules | None = None
        self.offset_ms = 0
        self.y_of: dict[str, float] = {}  # each agent's row, where it is drawn now (gliding to its place)
        self._from: dict[str, float] = {}
        self._glide_at = 0.0
        self.toast: tuple[str, float] | None = None  # the newest result's words and when it came
        self._seen: set[str] = set()
        self._version = -1  # the outbound view's version last shown (follow)
        self.shown_rows = 0  # agents' rows drawn on this page (a test reads it)
        self.page = 0  # a TV pages through the ranking (it never scrolls); a desk window shows page 0
        self._timer = QTimer(self)
        self._timer.setInterval(40)
        self._timer.timeout.connect(self._step)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._fonts()

    def _fonts(self) -> None:
        s, base = self.scale, self.font()
        self.f_head = font(base, "heading", s, bold=True)
        self.f_row = font(base, "list", s * 1.1)
        self.f_big = font(base, "list", s * 1.7, bold=True)  # places and counts: the figures read from afar
        self.f_small = font(base, "note", s * 1.1)
        self.row_h = round(QFontMetrics(self.f_big).height() + 8 * s)

    def follow(self, model: BoardModel, now_ms: int, offset_ms: int, force: bool = False) -> None:
        """The model's whiteboard, when the server's results moved (or ``force``: the clock did, for the
        results per hour)."""
        v = model.view
        out = v.outbound if v is not None else None
        version = out.version if out is not None else 0
        if version != self._version or force:
            self._version = version
            self.show_board(model.whiteboard(now_ms), out.rules if out else None, offset_ms)

    def show_board(self, board: Board, rules: OutboundRules | None, offset_ms: int = 0) -> None:
        """A new picture: rows that changed place glide there; a result not seen before is toasted.
        ``offset_ms``: the centre's zone (the results' clock times)."""
        first = not self._seen and not self.board.agents
        self.rules, self.offset_ms = rules, offset_ms
        order = {r.key: i for i, r in enumerate(board.agents)}
        old = {r.key: i for i, r in enumerate(self.board.agents)}
        self.board = board
        if old != order:
            self._from = {k: self.y_of.get(k, float(order[k])) for k in order}
            self._glide_at = self.mono()
            self._timer.start()
        for r in board.recent:
            if r.id not in self._seen:
                self._seen.add(r.id)
                if not first:
                    self.toast = (toast_text(r, rules), self.mono())
                    self._timer.start()
        if len(self._seen) > 1000:
            self._seen = {r.id for r in board.recent}
        self._step()

    def _step(self) -> None:
        t = min(1.0, (self.mono() - self._glide_at) * 1000 / GLIDE_MS)
        ease = t * t * (3 - 2 * t)
        self.y_of = {r.key: self._from.get(r.key, float(i)) + (i - self._from.get(r.key, float(i))) * ease
                     for i, r in enumerate(self.board.agents)}
        toast_on = self.toast is not None and self.mono() - self.toast[1] < TOAST_S
        if not toast_on:
            self.toast = None
        if t >= 1.0 and not toast_on:
            self._timer.stop()
        self.update()

    # -- painting -------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), PAPER)
        s, w, h = self.scale, self.width(), self.height()
        pad = round(10 * s)
        b, rules = self.board, self.rules
        if b.empty:
            p.setPen(MUTED)
            p.setFont(self.f_head)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, tr("No outbound results today yet"))
            p.end()
            return
        word, t = headline(rules), b.total
        fm_big, fm_row = QFontMetrics(self.f_big), QFontMetrics(self.f_row)
        lead = tr("Today's {0}: {1}").format(word, t.positives)
        if t.goal:
            lead += " / " + tr("goal {0}").format(t.goal)
        p.setFont(self.f_big)
        p.setPen(GOOD if t.goal and t.positives >= t.goal else INK)
        p.drawText(QRect(pad, 0, w - 2 * pad, fm_big.height()), Qt.AlignmentFlag.AlignVCenter, lead)
        rest = tr("dials {0} · connects {1} · contact rate {2} · conversion {3} · {4}").format(
            f"{t.dials:,}", f"{t.connects:,}", pct(t.contact_rate), pct(t.conversion), money(t.amount, rules))
        x = pad + fm_big.horizontalAdvance(lead) + round(24 * s)
        p.setFont(self.f_row)
        p.setPen(MUTED)
        p.drawText(QRect(x, 0, w - x - pad, fm_big.height()), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   fm_row.elidedText(rest, Qt.TextElideMode.ElideRight, max(10, w - x - pad)))
        top = fm_big.height() + pad
        left_w = round((w - 3 * pad) * 0.66)
        self._ranking(p, QRect(pad, top, left_w, h - top - pad), word)
        self._teams(p, QRect(2 * pad + left_w, top, w - 3 * pad - left_w, h - top - pad), word)
        if self.toast is not None:
            self._toast(p, self.toast[0])
        p.end()

    def _layout(self, width: int, word: str) -> list[tuple[str, str, int]]:
        """(column, heading, width) that fit ``width``: the name takes what is left; the least needed
        figures go first when the room is short (connects, contact rate, conversion, per hour)."""
        s, fm = self.scale, QFontMetrics(self.f_row)
        gap = round(14 * s)

        def room(head: str, sample: str) -> int:
            return max(QFontMetrics(self.f_small).horizontalAdvance(head), fm.horizontalAdvance(sample)) + gap
        place = QFontMetrics(self.f_big).horizontalAdvance("00") + gap
        result = QFontMetrics(self.f_big).horizontalAdvance("00") + round(110 * s)
        figures = [("dials", tr("Dials"), room(tr("Dials"), "000")), ("connects", tr("Connects"), room(tr("Connects"), "000")),
                   ("contact", tr("Contact"), room(tr("Contact"), "100%")),
                   ("conversion", tr("Conv."), room(tr("Conv."), "100%")),
                   ("hour", tr("Per hour"), room(tr("Per hour"), "00.0")),
                   ("amount", tr("Amount"), room(tr("Amount"), money(9_999_999, self.rules)))]
        name_min = fm.horizontalAdvance("渡辺 奈々奈") + gap
        for drop in ("connects", "contact", "conversion", "hour", "amount"):
            if place + result + name_min + sum(c[2] for c in figures) <= width:
                break
            figures = [c for c in figures if c[0] != drop]
        name = max(name_min // 2, width - place - result - sum(c[2] for c in figures))
        against = tr("{0} / goal").format(word)
        return [("place", "#", place), ("name", tr("Agent"), name), ("result", against, result),
                *figures]

    def rows_per_page(self) -> int:
        """How many agents' rows fit (the same sums as :meth:`paintEvent`'s)."""
        s, pad = self.scale, round(10 * self.scale)
        top = QFontMetrics(self.f_big).height() + pad
        fm_small = QFontMetrics(self.f_small)
        rows_top = top + fm_small.height() + round(6 * s)
        return max(1, (self.height() - pad - rows_top - fm_small.height()) // self.row_h)

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.board.agents) // self.rows_per_page()))

    def show_page(self, page: int) -> None:
        self.page = page % self.pages
        self.update()

    def _ranking(self, p: QPainter, area: QRect, word: str) -> None:
        s, rh = self.scale, self.row_h
        cols = self._layout(area.width(), word)
        fm_small = QFontMetrics(self.f_small)
        head_h = fm_small.height() + round(6 * s)
        p.setFont(self.f_small)
        p.setPen(MUTED)
        x = area.left()
        for key, text, cw in cols:
            p.drawText(QRect(x + round(6 * s), area.top(), cw - round(12 * s), head_h), _align(key), text)
            x += cw
        rows_top = area.top() + head_h
        room = max(1, (area.bottom() - rows_top - fm_small.height()) // rh)
        n = len(self.board.agents)
        self.page = min(self.page, max(0, -(-n // room) - 1))
        first = self.page * room
        self.shown_rows = max(0, min(room, n - first))
        p.setClipRect(QRect(area.left(), rows_top, area.width(), room * rh))
        for i, r in enumerate(self.board.agents):
            y = rows_top + round((self.y_of.get(r.key, float(i)) - first) * rh)
            if rows_top - rh < y <= rows_top + room * rh:
                self._agent_row(p, QRect(area.left(), y, area.width(), rh - round(4 * s)), r, cols)
        p.setClipping(False)
        if n > room:
            p.setFont(self.f_small)
            p.setPen(MUTED)
            words = tr("places {0}–{1} of {2}").format(first + 1, first + self.shown_rows, n)
            p.drawText(QRect(area.left(), rows_top + room * rh, area.width(), fm_small.height()),
                       Qt.AlignmentFlag.AlignLeft, words)

    def _agent_row(self, p: QPainter, rect: QRect, r: Row, cols: list[tuple[str, str, int]]) -> None:
        s, f = self.scale, r.figures
        p.fillRect(rect, CARD)
        p.setPen(CARD_LINE)
        p.drawRect(rect.adjusted(0, 0, -1, -1))
        cells = {"place": str(r.place), "name": r.name, "dials": f"{f.dials:,}", "connects": f"{f.connects:,}",
                 "contact": pct(f.contact_rate), "conversion": pct(f.conversion),
                 "hour": "—" if f.per_hour is None else f"{f.per_hour:.1f}", "amount": money(f.amount, self.rules)}
        x, y, h = rect.left(), rect.top(), rect.height()
        for key, _, cw in cols:
            box = QRect(x + round(6 * s), y, cw - round(12 * s), h)
            x += cw
            if key == "result":
                self._goal(p, box, f.positives, f.goal)
                continue
            p.setFont(self.f_big if key == "place" else self.f_row)
            p.setPen(INK)
            text = cells[key]
            if key == "name":
                text = QFontMetrics(self.f_row).elidedText(text, Qt.TextElideMode.ElideRight, box.width())
            p.drawText(box, _align(key), text)

    def _goal(self, p: QPainter, box: QRect, n: int, goal: int) -> None:
        """The count, big, and a bar of it against the goal (full and GOOD once the goal is met)."""
        s = self.scale
        fm, fs = QFontMetrics(self.f_big), QFontMetrics(self.f_small)
        text = str(n)
        p.setFont(self.f_big)
        p.setPen(GOOD if goal and n >= goal else INK)
        num_w = max(fm.horizontalAdvance("00"), fm.horizontalAdvance(text)) + round(8 * s)
        p.drawText(QRect(box.left(), box.top(), num_w, box.height()), Qt.AlignmentFlag.AlignVCenter, text)
        if not goal:
            return
        label = f"/ {goal}"
        lw = fs.horizontalAdvance(label) + round(6 * s)
        bar = QRectF(box.left() + num_w, box.center().y() - 5 * s, box.width() - num_w - lw, 10 * s)
        self._goal_bar(p, bar, n, goal)
        p.setFont(self.f_small)
        p.setPen(MUTED)
        p.drawText(QRectF(bar.right() + 4 * s, box.top(), lw, box.height()), Qt.AlignmentFlag.AlignVCenter, label)

    def _teams(self, p: QPainter, area: QRect, word: str) -> None:
        s = self.scale
        fm_row, fm_small = QFontMetrics(self.f_row), QFontMetrics(self.f_small)
        y = area.top()
        p.setFont(self.f_small)
        p.setPen(MUTED)
        p.drawText(QRect(area.left(), y, area.width(), fm_small.height()), Qt.AlignmentFlag.AlignLeft, tr("Teams"))
        y += fm_small.height() + round(6 * s)
        th = fm_row.height() * 2 + round(28 * s)
        for r in self.board.teams:
            if y + th > area.top() + area.height() // 2:
                break
            rect = QRect(area.left(), y, area.width(), th - round(6 * s))
            p.fillRect(rect, CARD)
            p.setPen(CARD_LINE)
            p.drawRect(rect.adjusted(0, 0, -1, -1))
            f = r.figures
            inner = rect.adjusted(round(10 * s), round(4 * s), -round(10 * s), 0)
            p.setFont(self.f_row)
            p.setPen(INK)
            line = fm_row.height()
            team = r.name or tr("No team")
            name = f"{r.place}. {team}"
            p.drawText(QRect(inner.left(), inner.top(), inner.width(), line), Qt.AlignmentFlag.AlignLeft,
                       fm_row.elidedText(name, Qt.TextElideMode.ElideRight, inner.width()))
            figs = f"{word} {f.positives}" + (f" / {f.goal}" if f.goal else "") + f" · {money(f.amount, self.rules)}"
            p.drawText(QRect(inner.left(), inner.top() + line, inner.width(), line), Qt.AlignmentFlag.AlignLeft,
                       fm_row.elidedText(figs, Qt.TextElideMode.ElideRight, inner.width()))
            self._goal_bar(p, QRectF(inner.left(), inner.top() + 2 * line + 4 * s, inner.width(), 10 * s),
                           f.positives, f.goal)
            y += th
        y += round(10 * s)
        p.setFont(self.f_small)
        p.setPen(MUTED)
        p.drawText(QRect(area.left(), y, area.width(), fm_small.height()), Qt.AlignmentFlag.AlignLeft,
                   tr("Latest results"))
        y += fm_small.height() + round(4 * s)
        p.setFont(self.f_row)
        cw = fm_row.horizontalAdvance("00:00 ")
        for res in reversed(self.board.recent):
            if y + fm_row.height() > area.bottom():
                break
            clock = centre_text(res.at, self.offset_ms, "%H:%M")  # the centre's clock, as every time on the board
            p.setPen(MUTED)
            p.drawText(QRect(area.left(), y, cw, fm_row.height()), Qt.AlignmentFlag.AlignLeft, clock)
            p.setPen(INK)
            p.drawText(QRect(area.left() + cw, y, area.width() - cw, fm_row.height()), Qt.AlignmentFlag.AlignLeft,
                       fm_row.elidedText(toast_text(res, self.rules), Qt.TextElideMode.ElideRight, area.width() - cw))
            y += fm_row.height() + round(2 * s)

    def _goal_bar(self, p: QPainter, bar: QRectF, n: int, goal: int) -> None:
        p.fillRect(bar, CARD_LINE)
        if goal:
            p.fillRect(QRectF(bar.left(), bar.top(), bar.width() * min(1.0, n / goal), bar.height()),
                       GOOD if n >= goal else MUTED)

    def _toast(self, p: QPainter, text: str) -> None:
        s = self.scale
        fm = QFontMetrics(self.f_big)
        w = min(self.width() - round(40 * s), fm.horizontalAdvance(text) + round(48 * s))
        box = QRect((self.width() - w) // 2, self.height() - fm.height() - round(44 * s), w, fm.height() + round(24 * s))
        p.fillRect(box, GOOD)
        p.setFont(self.f_big)
        p.setPen(ON_STRONG)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, fm.elidedText(text, Qt.TextElideMode.ElideRight, w - round(24 * s)))


def _align(key: str) -> Qt.AlignmentFlag:
    side = Qt.AlignmentFlag.AlignLeft if key in ("name", "result") else (
        Qt.AlignmentFlag.AlignHCenter if key == "place" else Qt.AlignmentFlag.AlignRight)
    return Qt.AlignmentFlag.AlignVCenter | side


class WhiteboardWindow(QDialog):
    """The desk's window onto the whiteboard (the TV shows it as a page)."""

    def __init__(self, model: BoardModel, now: Callable[[], int], offset: Callable[[], int], scale: float,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Outbound results"))
        self.model, self.now, self.offset = model, now, offset
        self.panel = WhiteboardPanel(scale, self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.panel)
        self.resize(round(1100 * scale), round(620 * scale))
        self._minute = QTimer(self)
        self._minute.timeout.connect(lambda: self.refresh(force=True))  # results per hour move with the clock
        self._minute.start(30_000)
        self.refresh()

    def refresh(self, force: bool = False) -> None:
        self.panel.follow(self.model, self.now(), self.offset(), force)
