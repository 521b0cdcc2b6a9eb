"""Draw the app icon (a 3×3 board of state-coloured tiles) at the sizes desktops ask for.

Run once when the design changes: ``python packaging/make_icons.py``; the PNGs are committed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter  # noqa: E402

COLOURS = ("#009E73", "#0072B2", "#E69F00", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#009E73", "#0072B2")


def draw(size: int) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#1A1A1A"))
    p.drawRoundedRect(QRectF(0, 0, size, size), size * 0.18, size * 0.18)
    pad, gap = size * 0.14, size * 0.06
    cell = (size - 2 * pad - 2 * gap) / 3
    for i, colour in enumerate(COLOURS):
        r, c = divmod(i, 3)
        p.setBrush(QColor(colour))
        p.drawRoundedRect(QRectF(pad + c * (cell + gap), pad + r * (cell + gap), cell, cell), cell * 0.15, cell * 0.15)
    p.end()
    return img


if __name__ == "__main__":
    app = QGuiApplication(sys.argv[:1])
    out = Path(__file__).resolve().parents[1] / "resources" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    for size in (32, 64, 128, 256):
        draw(size).save(str(out / f"wallboard-{size}.png"))
    # The Windows installer's and the macOS app's icons (Qt's ico and icns image plugins write them).
    if not draw(256).save(str(out / "wallboard.ico"), "ICO"):
        raise SystemExit("could not write wallboard.ico (Qt's ico image plugin missing?)")
    if not draw(512).save(str(out / "wallboard.icns"), "ICNS"):
        raise SystemExit("could not write wallboard.icns (Qt's icns image plugin missing?)")
    print(f"icons written to {out}")
