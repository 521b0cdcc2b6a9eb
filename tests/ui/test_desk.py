"""Desk mode: filter, order and find agents; density; the window remembers its layout; credentials dialog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor

from tests.ui.boards import LiveFloor, tiles
from tests.ui.boards import desk as make_desk
from wallboard.board.order import SORTS
from wallboard.core.model import AgentState
from wallboard.ui.credentials import CredentialsDialog
from wallboard.ui.desk import DeskWindow
from wallboard.ui.feedlink import CredentialHooks
from wallboard.ui.style import LOOKS, apply_theme


@pytest.fixture
def desk(qtbot) -> Iterator[tuple[DeskWindow, LiveFloor]]:  # type: ignore[no-untyped-def]
    w = make_desk(qtbot, {"desk": {"queues": "cards", "trend": "show"}})
    floor = LiveFloor(w, agents=48)
    qtbot.waitUntil(lambda: w.view is not None and w.view.synced and len(w.tiles.listed) == 48, timeout=5000)
    yield w, floor
    floor.close()


def pick(combo, data: str) -> None:  # type: ignore[no-untyped-def]
    combo.setCurrentIndex(combo.findData(data))


def test_filters_narrow_the_tiles_and_say_so(desk: tuple[DeskWindow, LiveFloor]) -> None:
    w, floor = desk
    teams = [w.filters.team_filter.itemData(i) for i in range(1, w.filters.team_filter.count())]
    assert teams == sorted({a.team for a in floor.server.agents.values()})
    pick(w.filters.team_filter, teams[1])
    agents = w.view.agents  # type: ignore[union-attr]
    assert w.tiles.listed and all(agents[a].team == teams[1] for a in w.tiles.listed)
    assert len(w.tiles.listed) == sum(a.team == teams[1] for a in agents.values())
    assert f"{len(w.tiles.listed)} of 48 agents shown" == w.filters.found.text()
    pick(w.filters.state_filter, AgentState.ON_CALL.value)
    assert all(agents[a].team == teams[1] and agents[a].state == "on_call" for a in w.tiles.listed)
    pick(w.filters.team_filter, "")
    pick(w.filters.state_filter, "")
    pick(w.filters.queue_filter, "support")
    assert w.tiles.listed and all("support" in agents[a].queues for a in w.tiles.listed)
    pick(w.filters.queue_filter, "")
    assert len(w.tiles.listed) == 48 and w.filters.found.text() == ""


def test_a_state_filter_follows_the_floor(qtbot, desk: tuple[DeskWindow, LiveFloor]) -> None:  # type: ignore[no-untyped-def]
    w, floor = desk
    pick(w.filters.state_filter, AgentState.AVAILABLE.value)
    for _ in range(6):
        floor.step(15)
        qtbot.waitUntil(lambda: dict(w.view.agents) == floor.server.agents, timeout=5000)  # type: ignore[union-attr]
        want = sorted(a.id for a in floor.server.agents.values() if a.state == "available")
        assert sorted(w.tiles.listed) == want
        # the count follows too (issue 12 item 10: "12 of 48 shown" went stale)
        assert w.filters.found.text() == (f"{len(want)} of 48 agents shown" if len(want) != 48 else "")


def test_order_by_state_puts_the_longest_call_first(desk: tuple[DeskWindow, LiveFloor]) -> None:
    w, _ = desk
    pick(w.filters.sort_choice, "state")
    agents = w.view.agents  # type: ignore[union-attr]
    talking = [a for a in w.tiles.listed if agents[a].state in ("on_hold", "on_call")]
    assert talking == w.tiles.listed[:len(talking)]  # talkers first (hold before talk)
    on_call = [agents[a] for a in w.tiles.listed if agents[a].state == "on_call"]
    assert [a.since for a in on_call] == sorted(a.since for a in on_call)  # longest first
    pick(w.filters.sort_choice, "name")
    assert [agents[a].name for a in w.tiles.listed] == sorted(a.name for a in agents.values())


def test_find_selects_and_shows_the_agent(desk: tuple[DeskWindow, LiveFloor]) -> None:
    w, _ = desk
    agents = w.view.agents  # type: ignore[union-attr]
    target = agents[w.tiles.listed[-1]]  # the last tile: below the fold
    w.filters.find_box.setText(target.name[:-1].lower())
    assert w.selected_agent is not None and target.name[:-1].lower() in agents[w.selected_agent].name.lower()
    w.filters.find_box.setText(target.name)
    assert w.selected_agent == target.id and w.tiles.selected == target.id
    rect = w.tiles.tile_rect(w.tiles.index[target.id])
    viewport = w.tiles_scroll.viewport().rect().translated(0, w.tiles_scroll.verticalScrollBar().value())
    assert viewport.contains(rect.center())
    w.filters.find_box.setText("nobody-by-this-name")
    assert "nobody-by-this-name" in w.filters.found.text()


def test_compact_density_fits_more(desk: tuple[DeskWindow, LiveFloor]) -> None:
    w, _ = desk
    before = (w.tiles.tile.width(), w.tiles.columns)
    w.filters.compact_box.setChecked(True)
    assert w.tiles.tile.width() < before[0] and w.tiles.columns > before[1]


def test_the_window_remembers_its_layout(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ini = str(tmp_path / "wallboard.ini")
    first = make_desk(qtbot, settings=QSettings(ini, QSettings.Format.IniFormat), size=(1234, 777))
    pick(first.filters.sort_choice, "time")
    first.filters.compact_box.setChecked(True)
    first.splitter.setSizes([900, 334])
    sizes = first.splitter.sizes()
    first.close()
    again = make_desk(qtbot, settings=QSettings(ini, QSettings.Format.IniFormat), size=None)
    assert (again.width(), again.height()) == (1234, 777)
    assert again.splitter.sizes() == sizes
    # the order and density are the profile's, not last time's
    assert again.filters.sort_choice.currentData() == "state" and not again.filters.compact_box.isChecked()
    assert "token" not in Path(ini).read_text().lower()


def test_profile_scope_limits_tiles_and_figures(qtbot) -> None:  # type: ignore[no-untyped-def]
    w = make_desk(qtbot, {"board": {"teams": ["Team A"], "queues": ["sales"]}})
    floor = LiveFloor(w, agents=48)
    try:
        qtbot.waitUntil(lambda: w.model.figures is not None and w.view is not None and w.view.synced
                        and bool(w.tiles.listed), timeout=5000)
        agents = w.view.agents  # type: ignore[union-attr]
        want = {a.id for a in agents.values() if a.team == "Team A" and "sales" in a.queues}
        assert set(w.tiles.listed) == want and want
        figures = w.model.figures
        assert figures is not None and [q.queue_id for q in figures.queues] == ["sales"]
        assert figures.total.logged_in == sum(1 for aid in want if agents[aid].state != "logged_out")
        assert [c.queue_id for c in w.cards.cards] == ["*", "sales"]
    finally:
        floor.close()


def test_credentials_dialog_stores_and_forgets_through_its_hooks(qtbot) -> None:  # type: ignore[no-untyped-def]
    stored: list[str] = []
    hooks = CredentialHooks("SecretService.Keyring", stored.append, lambda: bool(stored), "wss://bridge:8765")
    d = CredentialsDialog(hooks)
    qtbot.addWidget(d)
    d.save()
    assert not stored and "Enter a token first" in d.result_label.text()
    d.token.setText("s3cret")
    assert d.token.echoMode() == d.token.EchoMode.Password
    d.save()
    assert stored == ["s3cret"] and d.token.text() == ""
    d.remove()
    assert d.result_label.text() == "Removed."

    def refuse(token: str) -> None:
        raise RuntimeError("the keychain refused to store it (locked?)")
    d2 = CredentialsDialog(CredentialHooks(None, refuse, lambda: False, "wss://bridge:8765"))
    qtbot.addWidget(d2)
    assert not d2.forget_button.isEnabled()  # nothing stored without a keychain
    d2.token.setText("x")
    d2.save()
    assert "locked?" in d2.result_label.text()


def test_high_contrast_theme_is_light_on_dark_and_keeps_words(qtbot) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import T0, agent
    try:
        apply_theme("high-contrast")
        board = tiles(qtbot, {"a1": agent("a1", "on_call", since=T0 - 65_000, name="Sato")}, now=T0, size=(400, 200))
        img = board.grab().toImage()
        r = board.tile_rect(0)
        tint = QColor(img.pixel(r.right() - 4, r.bottom() - 4))
        assert tint.lightness() < 40  # dark tile
        band = QColor(img.pixel(r.left() + 2, r.center().y()))
        assert band == LOOKS[AgentState.ON_CALL].colour and band.lightness() > 100
        bright = sum(QColor(img.pixel(x, y)).lightness() > 200 for x in range(r.left(), r.right())
                     for y in range(r.top(), r.top() + r.height() // 3))
        assert bright > 50  # the name and the clock in light ink
    finally:
        apply_theme("standard")
    assert LOOKS[AgentState.ON_CALL].colour == QColor("#0072B2")


def test_about_names_the_one_version(desk: tuple[DeskWindow, LiveFloor]) -> None:
    import wallboard
    w, _ = desk
    text = w.about_text()
    assert f"Wallboard {wallboard.__version__}" in text and "Qt 6." in text and "wallboard" in text  # the feed's name
    assert w.menu_button.isVisible() and "About" in [a.text() for a in w.menu_button.menu().actions()]


# -- issue 12: a desk a supervisor can trust ------------------------------------------------------------

def test_tiles_hold_still_after_a_click_then_catch_up(qtbot, desk: tuple[DeskWindow, LiveFloor],  # type: ignore[no-untyped-def]
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 10: "state, longest first" re-ordered the tiles under the pointer: a click listened to the wrong agent."""
    from PySide6.QtCore import QPoint, Qt

    import wallboard.ui.pointer
    monkeypatch.setattr(wallboard.ui.pointer, "HOLD_AFTER_CLICK_S", 6.0)  # longer than a loaded machine's sync below
    w, floor = desk
    pick(w.filters.sort_choice, "state")
    before = list(w.tiles.order)
    qtbot.mouseClick(w.tiles, Qt.MouseButton.LeftButton, pos=w.tiles.tile_rect(0).center() + QPoint(0, 0))
    for _ in range(4):
        floor.step(20)
    qtbot.waitUntil(lambda: dict(w.view.agents) == floor.server.agents, timeout=5000)  # type: ignore[union-attr]
    assert w.tiles.order == before  # held: the floor moved, the tiles did not
    agents = w.view.agents  # type: ignore[union-attr]
    want = sorted(agents, key=lambda a: SORTS["state"](agents[a]))
    assert want != before  # (the test means something: the order is due to change)
    qtbot.waitUntil(lambda: w.tiles.order == want, timeout=7000)  # released a moment after the hold


def test_enter_in_the_find_box_hands_the_keys_back_to_the_board(qtbot, desk: tuple[DeskWindow, LiveFloor]) -> None:  # type: ignore[no-untyped-def]
    """Item 10: after Ctrl+F, L/W/B typed into the find box instead of listening."""
    from PySide6.QtCore import Qt
    w, _ = desk
    name = w.view.agents[w.tiles.listed[3]].name  # type: ignore[union-attr]
    w.activateWindow()
    qtbot.keyClick(w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert w.filters.find_box.hasFocus()
    qtbot.keyClicks(w.filters.find_box, name[:4])
    qtbot.keyClick(w.filters.find_box, Qt.Key.Key_Return)
    assert not w.filters.find_box.hasFocus() and w.tiles.hasFocus() and w.selected_agent is not None
    qtbot.keyClick(w.tiles, Qt.Key.Key_L)
    assert w.filters.find_box.text() == name[:4]  # L went to the board, not into the box


def test_the_banner_covers_every_figure_not_only_the_tiles(qtbot, desk: tuple[DeskWindow, LiveFloor]) -> None:  # type: ignore[no-untyped-def]
    """Item 7: with the feed lost, 待ち呼 and SL on the cards stayed bright and looked live."""
    w, floor = desk
    floor.stop_server()
    qtbot.waitUntil(lambda: w.veil.isVisible(), timeout=5000)
    veil = w.veil.geometry()
    for part in (w.counts, w.cards_scroll, w.tiles_scroll, w.trend):
        top_left = part.mapTo(w.body, part.rect().topLeft())
        assert veil.contains(top_left) and veil.contains(part.mapTo(w.body, part.rect().bottomRight())), part
    assert not veil.contains(w.top.link.mapTo(w.body, w.top.link.rect().center()))  # the reason stays readable


def test_high_contrast_cards_are_light_on_black(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Item 12: queue cards painted literal white, so in high contrast they were white on white."""
    from tests.helpers import queue
    from wallboard.core.metrics import floor_figures
    from wallboard.ui.queues import QueueCards
    apply_theme("high-contrast")
    try:
        panel = QueueCards()
        qtbot.addWidget(panel)
        panel.resize(900, 220)
        f = floor_figures([], {"q1": queue("q1")}, [], 0)
        panel.set_cards([f.total, *f.queues], {})
        panel.show()
        img = panel.grab().toImage()
        background = QColor(img.pixel(20, img.height() - 12))
        assert background.lightness() < 60, background.name()
    finally:
        apply_theme("standard")


def test_names_are_shown_without_bidi_controls_and_ordered_by_their_reading(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Item 11: an RTL override displayed reversed text; Japanese names sorted by code point."""
    from tests.helpers import T0, agent
    agents = {a.id: a for a in (
        agent("a1", name="佐藤", name_kana="さとう"), agent("a2", name="阿部", name_kana="あべ"),
        agent("a3", name="加藤", name_kana="カトウ"), agent("a4", name="\u202enimda"), agent("a5", name="Ａｂｅ"))}
    board = tiles(qtbot, agents, now=T0, sort="name", size=(800, 600))
    kana = [agents[a].name_kana for a in board.order if a in ("a1", "a2", "a3")]
    assert kana == ["あべ", "カトウ", "さとう"]  # by reading: あ, か, さ — not 佐 (U+4F50) < 加 (U+52A0) < 阿 (U+963F)
    assert board.order.index("a5") < board.order.index("a4")  # Ａｂｅ as abe (width folded), before nimda
    board.grab()
    assert board._faces.names["a4"][1].text() == "nimda" and "\u202e" not in board._faces.names["a4"][1].text()


def test_a_logged_out_agent_has_no_running_clock(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Item 10: logged-out agents showed a clock running since they logged out."""
    from tests.helpers import T0, agent
    shots = []
    for state in ("logged_out", "available"):
        board = tiles(qtbot, {"a1": agent("a1", state, since=T0 - 3_725_000, name="Ito")}, now=T0, size=(300, 120))
        img = board.grab().toImage()
        r = board.tile_rect(0)
        corner = {img.pixel(x, y) for x in range(r.right() - 70, r.right() - 8) for y in range(r.top() + 4, r.top() + 28)}
        shots.append(len(corner))
    assert shots[0] == 1 and shots[1] > 1  # the clock corner is bare for a logged-out agent, drawn for the other
