"""Deployment profiles: what one board (a wall TV, a supervisor's desk) is, in one TOML file.

One table, :data:`SETTINGS`, says every key: its TOML name, its command-line flag, its
default, how it is checked, and its help text. The same table validates the file,
builds the flags (a flag overrides the file) and documents both in ``--help``, so they
cannot drift apart. Every error names the key (or flag) and the problem, in one line.

Secrets never live here: a profile says *where* the feed's token comes from
(``keychain``, ``env:VAR`` or ``none``), never the token itself, and a key that looks
like one is refused.

Pure: it takes the already-parsed TOML (a dict) and flag values, and reads nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import urlparse

from .alerts import AlertRules, RuleError, rules_from_dict
from .metrics import SLFormula
from .model import AgentState

MODES = ("desk", "tv")
LANGUAGES = ("system", "en", "ja")
THEMES = ("standard", "high-contrast")
DENSITIES = ("comfortable", "compact")
SORTS = ("team", "name", "state", "time")
PAGES = ("agents", "queues", "trend", "alerts", "exceptions", "waiting", "whiteboard")
VIEWS = ("auto", "cards", "strip")
TRENDS = ("auto", "show", "hide")
STATES = tuple(s.value for s in AgentState if s is not AgentState.UNKNOWN)
#: Keys a secret would hide behind; refused with a pointer to the keychain.
SECRET_WORDS = ("token", "password", "secret")


class ProfileError(ValueError):
    """A bad profile key or flag. ``str()`` is the whole one-line message."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


# -- checks: each turns a TOML value or a flag's text into the setting, or raises ValueError(why) --

Check = Callable[[Any], Any]


def choice(*allowed: str) -> Check:
    def check(v: Any) -> str:
        if not isinstance(v, str) or v not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}; got {v!r}")
        return v
    return check


def number(lo: float, hi: float, unit: str = "") -> Check:
    def check(v: Any) -> float:
        if isinstance(v, bool):
            raise ValueError(f"expected a number, got {v!r}")
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"expected a number{' of ' + unit if unit else ''}, got {v!r}") from None
        if not lo <= x <= hi:
            raise ValueError(f"must be between {lo:g} and {hi:g}{' ' + unit if unit else ''}, got {x:g}")
        return x
    return check


def integer(lo: int, hi: int, unit: str = "") -> Check:
    as_number = number(lo, hi, unit)

    def check(v: Any) -> int:
        x = as_number(v)
        if x != int(x):
            raise ValueError(f"expected a whole number, got {v!r}")
        return int(x)
    return check


def flag(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
        return v.lower() in ("true", "yes", "on", "1")
    raise ValueError(f"expected true or false, got {v!r}")


def text(max_len: int = 200) -> Check:
    def check(v: Any) -> str:
        if not isinstance(v, str):
            raise ValueError(f"expected text, got {v!r}")
        if len(v) > max_len or any(c in v for c in "\r\n\0"):
            raise ValueError(f"expected one line of at most {max_len} characters")
        return v
    return check


def words(allowed: tuple[str, ...] | None = None, unique: bool = False) -> Check:
    """A TOML list of strings, or a flag's comma-separated text."""
    def check(v: Any) -> tuple[str, ...]:
        if isinstance(v, str):
            v = [w.strip() for w in v.split(",") if w.strip()]
        if not isinstance(v, list) or not all(isinstance(w, str) and w for w in v):
            raise ValueError(f"expected a list of names, got {v!r}")
        if allowed is not None:
            bad = [w for w in v if w not in allowed]
            if bad:
                raise ValueError(f"unknown {bad[0]!r}; expected some of {', '.join(allowed)}")
        if unique and len(set(v)) != len(v):
            raise ValueError("names a page twice")
        return tuple(v)
    return check


def groups(v: Any) -> dict[str, tuple[str, ...]]:
    """Queue groups: a TOML table {name = [queue ids]}, or a flag's "name=q1+q2;name2=q3"."""
    if isinstance(v, str):
        table: dict[str, Any] = {}
        for part in (p.strip() for p in v.split(";") if p.strip()):
            name, sep, ids = part.partition("=")
            if not sep or not name.strip():
                raise ValueError(f"expected NAME=QUEUE+QUEUE;…, got {part!r}")
            table[name.strip()] = [q.strip() for q in ids.split("+") if q.strip()]
        v = table
    if not isinstance(v, dict):
        raise ValueError(f"expected a table like {{ \"受付\" = [\"sales\", \"billing\"] }}, got {v!r}")
    out: dict[str, tuple[str, ...]] = {}
    for name, ids in v.items():
        if not isinstance(name, str) or not name or len(name) > 80:
            raise ValueError(f"a group's name is 1 to 80 characters, got {name!r}")
        if not isinstance(ids, list) or not ids or not all(isinstance(q, str) and q for q in ids):
            raise ValueError(f"group {name!r}: expected a list of queue ids, got {ids!r}")
        out[name] = tuple(dict.fromkeys(ids))
    return out


def feed_url(v: Any) -> str:
    u = urlparse(text(2000)(v))
    if u.scheme not in ("ws", "wss") or not u.hostname:
        raise ValueError(f"expected ws://host:port or wss://host:port, got {v!r}")
    try:
        u.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise ValueError(f"bad port in {v!r}") from None
    return str(v)


def credential(v: Any) -> str:
    s = text()(v)
    if s in ("keychain", "none") or (s.startswith("env:") and s[4:].replace("_", "").isalnum()):
        return str(s)
    raise ValueError(f"expected keychain, none or env:VARIABLE, got {v!r} (never the token itself)")


def screen(v: Any) -> str:
    """A screen's index (0, 1, …) or its name as the system reports it (e.g. HDMI-1)."""
    if isinstance(v, int) and not isinstance(v, bool):
        if v < 0:
            raise ValueError(f"a screen index is 0 or more, got {v}")
        return str(v)
    return str(text(100)(v))


def size(v: Any) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in str(v).lower().split("x"))
    except ValueError:
        raise ValueError(f"expected WIDTHxHEIGHT, e.g. 1920x1080; got {v!r}") from None
    if not (200 <= w <= 16384 and 200 <= h <= 16384):
        raise ValueError(f"{w}x{h} is not a window size")
    return (w, h)


@dataclass(frozen=True, slots=True)
class Setting:
    key: str  # dotted, as in the file: "tv.dwell_s"
    attr: str  # the Profile field
    flag: str | None  # the command-line flag that overrides it
    default: Any
    check: Check
    help: str
    metavar: str | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("feed.url", "url", "--url", None, feed_url, "feed URL, ws://host:port or wss://host:port", "URL"),
    Setting("feed.credential", "credential", "--credential", "keychain", credential,
            "where the feed token comes from: keychain (set it with `wallboard credentials set URL`), "
            "env:VAR, or none", "SOURCE"),
    Setting("feed.ca_file", "ca_file", "--ca-file", None, text(1000),
            "wss://: trust this CA (certificates are always verified)", "PEM"),
    Setting("feed.insecure_skip_verify", "insecure_skip_verify", "--insecure-skip-verify", False, flag,
            "wss://: DO NOT verify the feed's certificate (labs only; logged as a warning; refused in tv mode)"),
    Setting("board.mode", "mode", "--mode", "desk", choice(*MODES),
            "desk: a supervisor's window with controls; tv: full-screen, view-only, rotating pages"),
    Setting("board.language", "language", "--language", "system", choice(*LANGUAGES),
            "ja, en, or system (the system locale)"),
    Setting("board.theme", "theme", "--theme", "standard", choice(*THEMES),
            "standard (colour-blind-safe) or high-contrast"),
    Setting("board.title", "title", "--title", "", text(80), "the board's title (default: Wallboard)"),
    Setting("board.sl_formula", "sl_formula", "--sl-formula", SLFormula.ANSWERED_OVER_ANSWERED_AND_LATE_ABANDONS.value,
            choice(*(f.value for f in SLFormula)),
            "service-level definition (default: answered within T / (answered + abandoned after T))"),
    Setting("board.teams", "teams", "--teams", (), words(), "show only these teams (comma-separated)", "T1,T2"),
    Setting("board.queues", "queues", "--queues-filter", (), words(),
            "show only agents skilled in these queues, and these queues' cards (queue ids)", "Q1,Q2"),
    Setting("board.supervisor", "supervisor", "--supervisor", "", text(80),
            "your name, recorded when you acknowledge an alert", "NAME"),
    Setting("board.endpoint", "endpoint", "--endpoint", "", text(200),
            "your phone, rung to listen/whisper/barge (e.g. PJSIP/900); demo default PJSIP/900", "DIAL"),
    Setting("audio.listen_in", "listen_in", "--listen-in", "app", choice("app", "phone"),
            "desk: hear a monitored call in the app (on this computer's headset, when the feed offers it and there "
            "is a sound device) or on your phone (board.endpoint)"),
    Setting("audio.output", "audio_output", "--audio-output", "", text(200),
            "desk: the headset to play calls on, by device name (default: the system's)", "NAME"),
    Setting("audio.input", "audio_input", "--audio-input", "", text(200),
            "desk: the microphone for whisper and barge, by device name (default: the system's)", "NAME"),
    Setting("desk.density", "density", "--density", "comfortable", choice(*DENSITIES), "tile density on a desk"),
    Setting("board.sort", "sort", "--sort", "state", choice(*SORTS),
            "tile order: state (on hold, on a call… each longest first), time (longest in state first), "
            "team (under team headers), or name"),
    Setting("board.groups", "groups", "--groups", {}, groups,
            "queue groups whose card sums their queues and replaces theirs: "
            "{ \"受付\" = [\"sales\", \"billing\"] } (flag: 受付=sales+billing;…)", "G=Q+Q"),
    Setting("desk.queues", "queue_view", "--queue-view", "auto", choice(*VIEWS),
            "desk: queue cards, a one-row strip, or auto (cards when the window is tall enough)"),
    Setting("desk.trend", "trend", "--trend", "auto", choice(*TRENDS),
            "desk: the waiting-calls trend shown, hidden, or auto (when the window is tall enough)"),
    Setting("board.states", "states", "--states", (), words(STATES), "show only agents in these states", "S1,S2"),
    Setting("tv.screen", "screen", "--screen", "0", screen, "tv: the screen, by index (0, 1…) or name (HDMI-1)",
            "N|NAME"),
    Setting("tv.pages", "pages", "--pages", ("agents", "queues", "alerts", "trend", "whiteboard"), words(PAGES, unique=True),
            f"tv: the pages to rotate through, of {', '.join(PAGES)}; a page with nothing to show is skipped",
            "P1,P2"),
    Setting("tv.dwell_s", "dwell_s", "--dwell", 15.0, number(3, 3600, "seconds"), "tv: seconds on each page",
            "S"),
    Setting("tv.viewing_distance_m", "viewing_distance_m", "--viewing-distance", 4.0, number(1, 20, "metres"),
            "tv: how far the furthest reader sits; text is sized for it", "M"),
    Setting("tv.screen_height_mm", "screen_height_mm", "--screen-height-mm", 0.0, number(0, 5000, "mm"),
            "tv: the picture's physical height (0: a 55-inch 16:9 panel, 685 mm)", "MM"),
    Setting("whiteboard.goal", "whiteboard_goal", "--goal", 0, integer(0, 10_000, "results"),
            "outbound whiteboard: each agent's goal in results today where the server sets none (0: none)", "N"),
    Setting("tv.burn_in_shift_px", "burn_in_shift_px", None, 6, integer(0, 40, "pixels"),
            "tv: how far the picture wanders, slowly, against burn-in (0: never)"),
    Setting("tv.burn_in_period_s", "burn_in_period_s", None, 120.0, number(10, 86400, "seconds"),
            "tv: seconds between burn-in steps"),
)
BY_KEY = {s.key: s for s in SETTINGS}
SECTIONS = {s.key.split(".")[0] for s in SETTINGS} | {"alerts"}


@dataclass(frozen=True, slots=True)
class Profile:
    url: str | None = None
    credential: str = "keychain"
    ca_file: str | None = None
    insecure_skip_verify: bool = False
    mode: str = "desk"
    language: str = "system"
    theme: str = "standard"
    title: str = ""
    sl_formula: str = SLFormula.ANSWERED_OVER_ANSWERED_AND_LATE_ABANDONS.value
    teams: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    supervisor: str = ""
    endpoint: str = ""
    listen_in: str = "app"
    audio_output: str = ""
    audio_input: str = ""
    density: str = "comfortable"
    sort: str = "state"
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    queue_view: str = "auto"
    trend: str = "auto"
    states: tuple[str, ...] = ()
    screen: str = "0"
    pages: tuple[str, ...] = ("agents", "queues", "alerts", "trend", "whiteboard")
    dwell_s: float = 15.0
    viewing_distance_m: float = 4.0
    screen_height_mm: float = 0.0
    burn_in_shift_px: int = 6
    burn_in_period_s: float = 120.0
    whiteboard_goal: int = 0
    alerts: AlertRules = field(default_factory=AlertRules)

    @property
    def tv(self) -> bool:
        return self.mode == "tv"

    @property
    def formula(self) -> SLFormula:
        return SLFormula(self.sl_formula)


def _flatten(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The file's tables as dotted keys, refusing what is not ours (with a suggestion)."""
    out: dict[str, Any] = {}
    for section, table in raw.items():
        if section not in SECTIONS:
            near = difflib.get_close_matches(section, sorted(SECTIONS), 1)
            raise ProfileError(section, "unknown section" + (f" (did you mean [{near[0]}]?)" if near else ""))
        if section == "alerts":
            continue
        if not isinstance(table, dict):
            raise ProfileError(section, f"expected a table [{section}], got {table!r}")
        for name, value in table.items():
            key = f"{section}.{name}"
            if key not in BY_KEY:
                if any(w in name.lower() for w in SECRET_WORDS):
                    raise ProfileError(key, "secrets never go in a profile: store the token in the keychain "
                                            "(`wallboard credentials set URL`) or use credential = \"env:VAR\"")
                near = difflib.get_close_matches(key, list(BY_KEY), 1)
                raise ProfileError(key, "unknown setting" + (f" (did you mean {near[0]}?)" if near else ""))
            out[key] = value
    return out


def load_profile(raw: Mapping[str, Any] | None = None, flags: Mapping[str, Any] | None = None) -> Profile:
    """The profile from a parsed TOML document, with flag values (keyed by flag) on top."""
    values: dict[str, Any] = {}
    for key, value in _flatten(raw or {}).items():
        s = BY_KEY[key]
        try:
            values[s.attr] = s.check(value)
        except ValueError as err:
            raise ProfileError(key, str(err)) from None
    by_flag = {s.flag: s for s in SETTINGS if s.flag}
    for name, value in (flags or {}).items():
        if value is None:
            continue
        s = by_flag[name]
        try:
            values[s.attr] = s.check(value)
        except ValueError as err:
            raise ProfileError(name, str(err)) from None
    try:
        alerts = rules_from_dict((raw or {}).get("alerts", {}))
    except RuleError as err:
        raise ProfileError(str(err).split(":")[0], str(err).split(": ", 1)[-1]) from None
    profile = replace(Profile(), **values, alerts=alerts)
    if profile.tv and profile.insecure_skip_verify:
        raise ProfileError("feed.insecure_skip_verify", "refused in tv mode: a wall board must verify its feed")
    if profile.ca_file and profile.url and profile.url.startswith("ws://"):
        raise ProfileError("feed.ca_file", "applies to wss:// URLs only")
    return profile


def describe_settings() -> str:
    """The profile's keys for ``--help`` and the README: key, flag, default, meaning."""
    lines = []
    for s in SETTINGS:
        default = ",".join(s.default) or "(all)" if isinstance(s.default, tuple) else s.default
        if isinstance(default, dict):
            default = "(none)"
        shown = "(none)" if default is None or default == "" else str(default).lower() if isinstance(default, bool) \
            else default
        flag = f"{s.flag}; " if s.flag else ""
        lines.append(f"  {s.key}  ({flag}default {shown})\n      {s.help}")
    return "\n".join(lines)


assert {f.name for f in fields(Profile)} == {s.attr for s in SETTINGS} | {"alerts"}, "SETTINGS and Profile drifted"
assert all(getattr(Profile(), s.attr) == s.default for s in SETTINGS), "a default differs"


#: How a settings file written by a person may be encoded, and what a board does with it.
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig", "UTF-8 with BOM"), (b"\xff\xfe", "utf-16", "UTF-16 (Notepad's “Unicode”)"),
         (b"\xfe\xff", "utf-16", "UTF-16 (big-endian)"))


def settings_text(data: bytes) -> tuple[str, str]:
    """The text of a settings file (profile, alert rules, bridge config, tokens) and, when it was not plain
    UTF-8, the encoding it was read as (for a one-line notice); ValueError naming the problem otherwise.

    UTF-8 is the format (with or without the BOM Windows Notepad adds). A file that is not UTF-8 but
    is plainly Shift_JIS — what Notepad on a Japanese Windows saves by default — is read as CP932 (the
    Windows form of Shift_JIS) rather than refused, and the notice says to save it as UTF-8.
    """
    for bom, codec, words in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), words
            except UnicodeDecodeError as err:
                raise ValueError(f"starts as {words} but byte {err.start} is not: save it as UTF-8") from None
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError as utf8:
        try:
            text = data.decode("cp932")
        except UnicodeDecodeError:
            raise ValueError(f"not UTF-8 text (byte 0x{data[utf8.start]:02x} at offset {utf8.start}): "
                             "save it as UTF-8") from None
        if _plainly_japanese(text):
            return text, "Shift_JIS (CP932)"
        raise ValueError(f"not UTF-8 text (byte 0x{data[utf8.start]:02x} at offset {utf8.start}): "
                         "save it as UTF-8") from None


def _plainly_japanese(text: str) -> bool:
    """Kana or kanji, and nothing a Shift_JIS editor would not write (C1 controls, private use)."""
    odd = any(0x80 <= ord(c) <= 0x9F or 0xE000 <= ord(c) <= 0xF8FF or c == "\ufffd" for c in text)
    japanese = any(0x3040 <= ord(c) <= 0x30FF or 0x4E00 <= ord(c) <= 0x9FFF or 0xFF01 <= ord(c) <= 0xFF9F
                   for c in text)
    return japanese and not odd
