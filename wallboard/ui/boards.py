"""Make the board a profile asks for: a desk window or a wall TV, each handed what it owns once."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from ..board.model import BoardModel, settings_of
from ..core.profile import Profile
from .desk import DeskWindow
from .feedlink import FeedLink
from .kiosk import tv_scale
from .shell import BoardShell
from .tv import TvWindow


def make_window(profile: Profile, title: str, link: FeedLink, screen_height: int = 1080,
                settings: QSettings | None = None, alert_sound: bool = False) -> BoardShell:
    """A TV is sized for its room from the screen's height; a desk remembers its layout in ``settings``."""
    model = BoardModel(settings_of(profile, link.may_send))
    if profile.tv:
        scale = tv_scale(screen_height, profile.viewing_distance_m, profile.screen_height_mm)
        return TvWindow(title, model, link, profile, scale)
    return DeskWindow(title, model, link, compact=profile.density == "compact", queue_view=profile.queue_view,
                      trend=profile.trend, alert_sound=alert_sound, settings=settings)
