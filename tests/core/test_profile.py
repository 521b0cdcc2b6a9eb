"""Profiles: the samples parse, flags win over the file, and every bad key is named in one line."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from wallboard.core.alerts import Threshold
from wallboard.core.profile import SETTINGS, Profile, ProfileError, describe_settings, load_profile

PROFILES = Path(__file__).resolve().parents[2] / "resources" / "profiles"


def test_sample_profiles_parse_to_what_they_say() -> None:
    tv = load_profile(tomllib.loads((PROFILES / "tv.toml").read_text("utf-8")))
    assert tv.tv and tv.language == "ja" and tv.credential == "env:WALLBOARD_TOKEN"
    assert tv.pages == ("agents", "queues", "alerts", "trend") and tv.dwell_s == 15 and tv.sort == "state"
    assert tv.url == "wss://pbx-bridge.example.internal:8765" and tv.title == "コールセンター 3F"
    desk = load_profile(tomllib.loads((PROFILES / "desk.toml").read_text("utf-8")))
    assert not desk.tv and desk.credential == "keychain" and desk.teams == ("Team A", "Team B")
    assert desk.endpoint == "PJSIP/900" and desk.supervisor == "Tanaka"
    assert desk.alerts.for_queue("complaints").talk == Threshold(1200, 2400)
    assert desk.alerts.default.pause_reasons["lunch"] == Threshold(3600, 4500)


def test_defaults_and_flags_over_the_file() -> None:
    assert load_profile() == Profile()
    raw = {"board": {"mode": "tv", "language": "en"}, "tv": {"dwell_s": 20, "pages": ["queues", "agents"]}}
    p = load_profile(raw, {"--language": "ja", "--dwell": "7.5", "--pages": "trend,agents", "--teams": "A, B",
                           "--mode": None})
    assert (p.mode, p.language, p.dwell_s, p.pages, p.teams) == ("tv", "ja", 7.5, ("trend", "agents"), ("A", "B"))


def test_every_setting_has_a_help_line_and_a_checked_default() -> None:
    text = describe_settings()
    for s in SETTINGS:
        assert s.key in text and s.help
        if s.default is not None:
            assert s.check(list(s.default) if isinstance(s.default, tuple) else s.default) == s.default


BAD: list[tuple[dict[str, Any], dict[str, Any], str]] = [
    ({"bord": {}}, {}, "bord: unknown section (did you mean [board]?)"),
    ({"tv": {"dwel_s": 5}}, {}, "tv.dwel_s: unknown setting (did you mean tv.dwell_s?)"),
    ({"feed": {"token": "s3cret"}}, {}, "feed.token: secrets never go in a profile"),
    ({"feed": {"password": "x"}}, {}, "feed.password: secrets never go in a profile"),
    ({"feed": {"credential": "s3cret-token-value"}}, {}, "feed.credential: expected keychain, none or env:VARIABLE"),
    ({"feed": {"url": "http://x:1"}}, {}, "feed.url: expected ws://host:port or wss://host:port"),
    ({"feed": {"url": "ws://x:99999"}}, {}, "feed.url: bad port"),
    ({"board": {"mode": "wall"}}, {}, "board.mode: expected one of desk, tv; got 'wall'"),
    ({"board": {"language": "fr"}}, {}, "board.language: expected one of system, en, ja"),
    ({"board": {"teams": "Team A"}}, {}, ""),  # a single string is a one-item list: fine
    ({"board": {"teams": [1, 2]}}, {}, "board.teams: expected a list of names"),
    ({"board": {"states": ["on_call", "napping"]}}, {}, "board.states: unknown 'napping'"),
    ({"tv": {"dwell_s": 1}}, {}, "tv.dwell_s: must be between 3 and 3600 seconds, got 1"),
    ({"tv": {"dwell_s": "soon"}}, {}, "tv.dwell_s: expected a number of seconds, got 'soon'"),
    ({"tv": {"dwell_s": True}}, {}, "tv.dwell_s: expected a number, got True"),
    ({"tv": {"pages": ["agents", "agents"]}}, {}, "tv.pages: names a page twice"),
    ({"tv": {"pages": ["agents", "weather"]}}, {}, "tv.pages: unknown 'weather'"),
    ({"tv": {"burn_in_shift_px": 2.5}}, {}, "tv.burn_in_shift_px: expected a whole number"),
    ({"tv": {"screen": -1}}, {}, "tv.screen: a screen index is 0 or more"),
    ({"board": {"title": "two\nlines"}}, {}, "board.title: expected one line"),
    ({"board": "tv"}, {}, "board: expected a table [board]"),
    ({"board": {"mode": "tv"}, "feed": {"insecure_skip_verify": True}}, {},
     "feed.insecure_skip_verify: refused in tv mode"),
    ({"feed": {"url": "ws://x:1", "ca_file": "/ca.pem"}}, {}, "feed.ca_file: applies to wss:// URLs only"),
    ({"alerts": {"default": {"talk": {"warn": 900, "critical": 600}}}}, {},
     "alerts.default.talk: critical (600) is below warn (900)"),
    ({}, {"--dwell": "0"}, "--dwell: must be between 3 and 3600"),
    ({}, {"--mode": "kiosk"}, "--mode: expected one of desk, tv"),
    ({}, {"--pages": "agents,,agents"}, "--pages: names a page twice"),
]


@pytest.mark.parametrize(("raw", "flags", "message"), BAD)
def test_bad_profiles_are_named_in_one_line(raw: dict[str, Any], flags: dict[str, Any], message: str) -> None:
    if not message:
        assert load_profile(raw, flags).teams == ("Team A",)
        return
    with pytest.raises(ProfileError) as err:
        load_profile(raw, flags)
    assert str(err.value).startswith(message), str(err.value)
    assert "\n" not in str(err.value)
