"""PySide6 6.12.0 on CPython 3.11 drops a reference on every Signal.emit (to True) and on
every Python model ``data()`` returning None, and the process aborts after a few thousand.
Python >= 3.12 hides it (immortal objects). This test fails on such a build instead of
letting a wall TV crash after an hour.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt, Signal


class Emitter(QObject):
    fired = Signal(object)


class NoneModel(QAbstractListModel):
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 1

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return None


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="True/None are immortal: refcounts do not move")
def test_signals_and_model_data_keep_their_references(qapp: object) -> None:
    e = Emitter()
    got: list[object] = []
    e.fired.connect(got.append)
    model = NoneModel()
    index = model.index(0, 0)
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(10_000):
        e.fired.emit(1)
        model.data(index)
        index.data()  # through C++: the path the views take
    got.clear()
    assert abs(sys.getrefcount(True) - true_before) < 100
    assert abs(sys.getrefcount(None) - none_before) < 100


def test_ten_thousand_emits_do_not_abort(qapp: object) -> None:
    e = Emitter()
    n = [0]
    e.fired.connect(lambda _: n.__setitem__(0, n[0] + 1))
    for _ in range(10_000):
        e.fired.emit(True)
    assert n[0] == 10_000
