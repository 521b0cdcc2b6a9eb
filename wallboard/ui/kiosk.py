"""TV / kiosk mode: text sized for the back of the room, rotating pages, burn-in shift, screen choice.

How big text must be. Legibility depends on the angle a letter subtends at the eye,
not on pixels. A capital letter at 5 arc-minutes is the 20/20 acuity limit; the board's
*smallest* text (state words, queue names, card labels) is sized at **10 arc-minutes**,
twice that, so it reads at a glance with 20/40 vision (the usual driving-licence minimum)
from the furthest seat. Everything else is larger in proportion: names ≈ 11.5′,
time-in-state clocks ≈ 18′, queue counters ≥ 30′. At 4 m, 10′ is a 11.6 mm capital;
on a 55-inch 16:9 panel (picture 685 mm high) that is 18 px at 1080p and 37 px at 4K,
i.e. a 26 px / 52 px font. So the layout scales with the screen's *height in pixels*
(1080p → ×2.0, 4K → ×4.0 at 4 m on 55 inches) and shows the same physical sizes on both;
a bigger screen, or a profile that gives the real picture height, gets more tiles per page.

Which pages take turns, and how many screens each needs, is the board model's
(:mod:`wallboard.board.pages`). The burn-in shift walks the picture a few pixels every
couple of minutes, so static borders and labels never sit on the same pixels for days.

Pure arithmetic here; the window wires it to timers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .i18n import tr

ARCMIN = math.radians(1 / 60)
SMALLEST_TEXT_ARCMIN = 10.0
#: Capital height ÷ font pixel size, for the Noto Sans family the board uses (Latin 0.714).
CAP_HEIGHT = 0.714
#: A 55-inch 16:9 panel's picture height, when the profile does not say.
DEFAULT_SCREEN_HEIGHT_MM = 685.0
#: The smallest font at scale 1 (tile state words, card labels), in pixels.
BASE_SMALL_PX = 13


def text_px(arcmin: float, distance_m: float, px_per_mm: float) -> float:
    """The font pixel size whose capitals subtend ``arcmin`` at ``distance_m``."""
    cap_mm = distance_m * 1000 * math.tan(arcmin * ARCMIN)
    return cap_mm * px_per_mm / CAP_HEIGHT


def tv_scale(screen_px_height: int, distance_m: float = 4.0, screen_height_mm: float = 0.0) -> float:
    """The board's scale on a TV: the smallest text at :data:`SMALLEST_TEXT_ARCMIN` from ``distance_m``."""
    px_per_mm = screen_px_height / (screen_height_mm or DEFAULT_SCREEN_HEIGHT_MM)
    return text_px(SMALLEST_TEXT_ARCMIN, distance_m, px_per_mm) / BASE_SMALL_PX


def pick_screen(names: Sequence[str], wanted: str) -> tuple[int, str]:
    """The screen a profile asks for (an index or a name), and a warning if it is not there.

    A wall board must come up even when a cable moved: a missing screen falls back to the
    first one, with a warning for the log and the status line, never a dialog.
    """
    if not names:
        return 0, tr("no screens")
    if wanted.isdigit():
        i = int(wanted)
        if i < len(names):
            return i, ""
        return 0, tr("screen {0} does not exist ({1} found: {2}); using {3}").format(
            i, len(names), ", ".join(names), names[0])
    for i, name in enumerate(names):
        if name == wanted:
            return i, ""
    return 0, tr("no screen named “{0}” (found: {1}); using {2}").format(wanted, ", ".join(names), names[0])


def burn_in_offsets(shift_px: int) -> list[tuple[int, int]]:
    """A slow loop of picture offsets within ±``shift_px``, one small step at a time."""
    if shift_px <= 0:
        return [(0, 0)]
    step = max(1, shift_px // 3)
    ring = list(range(-shift_px, shift_px + 1, step))
    out: list[tuple[int, int]] = []
    for j, y in enumerate(ring):  # boustrophedon: every move is one step
        xs = ring if j % 2 == 0 else ring[::-1]
        out.extend((x, y) for x in xs)
    return out + out[-2:0:-1]  # and back the same way, so the loop never jumps
