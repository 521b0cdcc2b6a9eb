"""日本語: every text has a Japanese translation, and a Japanese board shows no English it should not."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QListWidget, QWidget

from tests.ui.boards import LiveFloor, desk, tv
from wallboard.ui import i18n
from wallboard.ui.assets import resources_dir
from wallboard.ui.desk import DeskWindow
from wallboard.ui.tv import TvWindow

ROOT = Path(__file__).resolve().parents[2]


def _translations():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("translations", ROOT / "packaging" / "translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["translations"] = module
    spec.loader.exec_module(module)
    return module


def test_every_text_has_a_japanese_translation() -> None:
    """Runs lupdate over the sources: a new tr("…") without a translation fails here (and in CI)."""
    assert _translations().problems("ja") == []


def test_the_check_has_teeth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    t = _translations()
    extra = tmp_path / "new_panel.py"
    extra.write_text('from wallboard.ui.i18n import tr\nLABEL = tr("Calls parked")\n')
    real = t.sources
    monkeypatch.setattr(t, "sources", lambda: [*real(), extra])
    assert any("Calls parked" in p for p in t.problems("ja"))


class Recorder(QTranslator):
    """The shipped catalogue, noting every board text it was asked for and could not translate."""

    def __init__(self) -> None:
        super().__init__()
        assert self.load(str(resources_dir() / "i18n" / "wallboard_ja.qm"))
        self.missing: set[str] = set()
        self.asked = 0

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:  # type: ignore[override]
        found = super().translate(context, source, disambiguation, n)
        if context == "":
            self.asked += 1
            if not found:
                self.missing.add(source)
        return found


@pytest.fixture
def japanese(qapp: QApplication) -> Iterator[Recorder]:
    locale, font = QLocale(), qapp.font()
    assert i18n.install(qapp, "ja") == "ja"
    recorder = Recorder()
    qapp.installTranslator(recorder)
    yield recorder
    for t in qapp.findChildren(QTranslator) + [recorder]:
        qapp.removeTranslator(t)
    QLocale.setDefault(locale)
    qapp.setFont(font)


ALLOWED = {"Team", "PJSIP", "Esc", "Ctrl", "wallboard"}  # feed data and key names, not board words


def english_words(root: QWidget) -> set[str]:
    texts: list[str] = [root.windowTitle()]
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(root):
            continue
        if isinstance(w, (QLabel, QAbstractButton)):
            texts.append(re.sub(r"<[^>]+>|&\w+;", " ", w.text()))
        elif isinstance(w, QComboBox):
            texts.extend(w.itemText(i) for i in range(w.count()))
        elif isinstance(w, QListWidget):
            texts.extend(w.item(i).text() for i in range(w.count()))
        if hasattr(w, "placeholderText"):
            texts.append(w.placeholderText())
    return {word for t in texts for word in re.findall(r"[A-Za-z]{3,}", t)} - ALLOWED


@pytest.mark.parametrize("mode", ["desk", "tv"])
def test_a_japanese_board_is_japanese(qtbot, japanese: Recorder, mode: str) -> None:  # type: ignore[no-untyped-def]
    profile = {"board": {"language": "ja", "endpoint": "PJSIP/900"},
               "tv": {"pages": ["agents", "queues", "trend", "alerts", "exceptions", "waiting"]}}
    w: DeskWindow | TvWindow = tv(qtbot, profile, title="ウォールボード") if mode == "tv" else desk(
        qtbot, {**profile, "desk": {"queues": "cards", "trend": "show"}}, submit=lambda *a: None,  # type: ignore[arg-type,return-value]
        size=(1920, 1080), title="ウォールボード")
    floor = LiveFloor(w, agents=40, language="ja")
    try:
        qtbot.waitUntil(lambda: bool(w.view and w.view.synced and w.tiles.order and w.model.marks.alerts), timeout=8000)
        floor.step(30)
        qtbot.wait(300)
        if isinstance(w, TvWindow):
            from wallboard.board.pages import Page
            for page in (Page.AGENTS, Page.QUEUES, Page.TREND, Page.ALERTS, Page.EXCEPTIONS, Page.WAITING):
                w.stack.setCurrentWidget(w.page_widgets[page])  # paint every page, also the ones skipped now
                w.grab()
        else:
            w.grab()
            w.filters.team_filter.setCurrentIndex(1)
            w.filters.find_box.setText("該当なし")
            w._select(next(iter(w.view.agents)))  # type: ignore[union-attr]
            from wallboard.ui.legend import legend_html
            legend = re.sub(r"<[^>]+>|&\w+;", " ", legend_html(w.model.settings.formula))
            assert set(re.findall(r"[A-Za-z]{3,}", legend)) - ALLOWED == {"PBX"}  # (the word Japanese centres use)
        floor.stop_server()
        qtbot.waitUntil(lambda: w.freshness == "retrying", timeout=5000)
        w.grab()
        assert japanese.asked > 50
        assert japanese.missing == set()
        assert english_words(w) == set()
        assert "再接続まで" in w.top.link.text() and "接続が閉じられました" in w.top.link.text()
        qtbot.waitUntil(lambda: "接続を拒否されました" in w.top.link.text(), timeout=5000)  # the retry is refused
        assert "ライブ" not in w.top.link.text()
    finally:
        floor.close()


def test_language_follows_the_system_unless_the_profile_says() -> None:
    assert i18n.resolve("system", QLocale("ja_JP")) == "ja"
    assert i18n.resolve("system", QLocale("de_DE")) == "en"
    assert i18n.resolve("en", QLocale("ja_JP")) == "en"
    assert i18n.resolve("ja", QLocale("en_US")) == "ja"


def test_notices_the_about_box_and_qts_own_buttons_are_japanese(qtbot, japanese: Recorder) -> None:  # type: ignore[no-untyped-def]
    """Issue 12 item 11: English leaked on Japanese boards: the screen notice, the About box, Qt's OK/Cancel."""
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    from wallboard.ui.kiosk import pick_screen
    _, notice = pick_screen(["eDP-1", "HDMI-1"], "HDMI-2")
    assert notice == "「HDMI-2」という画面はありません（eDP-1, HDMI-1）。eDP-1を使います"
    w = desk(qtbot, {"board": {"language": "ja"}})
    about = re.sub(r"<[^>]+>", " ", w.about_text())
    assert set(re.findall(r"[A-Za-z]{3,}", about)) <= {"PySide", "Python", "MIT"}, about
    assert japanese.missing == set()
    QApplication.instance().removeTranslator(japanese)  # type: ignore[union-attr]  # (it answers "" for Qt's own)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box = QMessageBox()
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    texts = [b.text() for b in buttons.buttons()] + [b.text() for b in box.buttons()]
    assert "キャンセル" in texts and not any(re.search(r"[A-Za-z]{3,}", t.replace("(&Y)", "").replace("(&N)", ""))
                                            for t in texts), texts
