"""One meaning per colour, and text that can be read: measured in both themes, not eyeballed."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor

from wallboard.core.model import AgentState
from wallboard.ui import style
from wallboard.ui.style import LOOKS, MEANINGS, TEXT_ON, apply_theme, contrast


@pytest.fixture(params=["standard", "high-contrast"])
def theme(request: pytest.FixtureRequest) -> Iterator[str]:
    apply_theme(request.param)
    yield request.param
    apply_theme("standard")


def lab(c: QColor) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour."""
    def lin(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = lin(c.redF()), lin(c.greenF()), lin(c.blueF())
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_contrast_is_computed_as_wcag_says() -> None:
    assert contrast(QColor("#000000"), QColor("#FFFFFF")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("#FFFFFF")) == pytest.approx(4.48, abs=0.01)  # the classic near miss


def test_every_text_on_every_background_reaches_aa(theme: str) -> None:
    low = [(f"{where}: {text.name()} on {bg.name()}", round(contrast(text, bg), 2))
           for where, bg, texts in TEXT_ON for text in texts if contrast(text, bg) < 4.5]
    assert low == [], theme


def test_every_tile_background_is_checked() -> None:
    assert {where for where, _, _ in TEXT_ON} >= {f"tile {st.value}" for st in AgentState}


def test_one_meaning_per_colour(theme: str) -> None:
    """No two things that mean different things look alike: each meaning, and each state's band, is at
    least ΔE 20 from every other (ΔE 2.3 is a just-noticeable difference; 20 is plainly another colour)."""
    colours = {name: getattr(style, name) for name in MEANINGS}
    colours |= {f"state {st.value}": LOOKS[st].colour for st in AgentState if st is not AgentState.UNKNOWN}
    close = [(a, b, round(math.dist(lab(colours[a]), lab(colours[b])), 1))
             for a, b in itertools.combinations(colours, 2) if math.dist(lab(colours[a]), lab(colours[b])) < 20]
    assert close == [], theme


def test_warning_and_critical_differ_without_colour() -> None:
    assert style.WARN_GLYPH != style.CRITICAL_GLYPH and style.SL_MET_GLYPH != style.SL_LOW_GLYPH
    assert len({look.glyph for look in LOOKS.values()}) == len(LOOKS)


def test_a_theme_switch_is_complete_and_reversible() -> None:
    before = {name: QColor(getattr(style, name)) for name in style._ROLES}
    apply_theme("high-contrast")
    assert style.PAPER == QColor("#000000") and LOOKS[AgentState.ON_CALL].tint == QColor(style.HC_TINT)
    apply_theme("standard")
    assert {name: getattr(style, name) for name in style._ROLES} == before
