"""The board's enums and figures in the supervisor's language: one table per thing, never parsing.

The board model says *what* (a freshness, a link reason, an alert kind, why a listen is not
offered); these tables say it in words, through the catalogue. A value a table does not know is
shown as sent: a newer server never blanks a label.
"""

from __future__ import annotations

import time

from PySide6.QtGui import QColor

from ..board.freshness import Freshness, FreshnessReport, SourceState
from ..board.monitoring import Why
from ..board.pages import Page
from ..core.alerts import Alert, Level
from ..core.metrics import SLFormula
from ..core.protocol import SourceReason
from ..core.view import LinkReason
from .i18n import QT_TR_NOOP, tr
from .style import CRITICAL_GLYPH, GOOD, NOT_LIVE, WARN_GLYPH, WARN_TEXT


def clock_text(seconds: float) -> str:
    """12:34 under an hour, 1:02:03 above: a TV must show both without clipping."""
    s = int(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:d}:{sec:02d}"


def age_text(seconds: float) -> str:
    """How old the data is, in words that translate (12 s, 3 min 4 s, 1 h 2 min)."""
    s = int(seconds)
    if s < 60:
        return tr("{0} s").format(s)
    if s < 3600:
        return tr("{0} min {1} s").format(s // 60, s % 60)
    return tr("{0} h {1} min").format(s // 3600, s % 3600 // 60)


def local_hm(epoch_ms: float) -> str:
    return time.strftime("%H:%M", time.localtime(epoch_ms / 1000))


# -- freshness ---------------------------------------------------------------------------------------

LINK_REASONS = {
    LinkReason.NONE: "",
    LinkReason.CONNECTION_REFUSED: QT_TR_NOOP("connection refused"),
    LinkReason.CLOSED_BY_SERVER: QT_TR_NOOP("connection closed by the server"),
    LinkReason.CLOSED: QT_TR_NOOP("connection closed"),
    LinkReason.CERTIFICATE: QT_TR_NOOP("feed certificate not trusted"),
    LinkReason.SILENT: QT_TR_NOOP("feed silent for"),
    LinkReason.TIMEOUT: QT_TR_NOOP("timed out"),
    LinkReason.INVALID_URL: QT_TR_NOOP("invalid feed URL"),
    LinkReason.UNAUTHORIZED: QT_TR_NOOP("unauthorized"),
    LinkReason.UNSUPPORTED_VERSION: QT_TR_NOOP("unsupported protocol version"),
    LinkReason.REFUSED: QT_TR_NOOP("closed by the server"),
    LinkReason.HTTP: QT_TR_NOOP("not a feed"),
    LinkReason.RESTART: QT_TR_NOOP("the server asked to reconnect"),
    LinkReason.BUSY: QT_TR_NOOP("the server is busy"),
    LinkReason.NO_SNAPSHOT: QT_TR_NOOP("no usable snapshot: resyncs unanswered"),
    LinkReason.OTHER: "",
}

#: {0}: the source's detail (its specifics); an unknown reason shows the detail alone.
SOURCE_REASONS = {
    SourceReason.CONNECTION_REFUSED: QT_TR_NOOP("connection refused by {0}"),
    SourceReason.NO_ANSWER: QT_TR_NOOP("no answer from {0}"),
    SourceReason.CLOSED: QT_TR_NOOP("the PBX closed the connection"),
    SourceReason.LOST: QT_TR_NOOP("connection lost ({0})"),
    SourceReason.AUTH_FAILED: QT_TR_NOOP("wrong user or secret ({0})"),
    SourceReason.LOGIN_REFUSED: QT_TR_NOOP("login refused ({0})"),
    SourceReason.TAKING_FLOOR: QT_TR_NOOP("taking the floor from the PBX"),
    SourceReason.NOT_LOADED: QT_TR_NOOP("the queue module is not loaded yet ({0})"),
    SourceReason.SNAPSHOT_FAILED: QT_TR_NOOP("the floor could not be read ({0})"),
    SourceReason.INTERNAL: QT_TR_NOOP("internal error ({0}); reconnecting"),
    SourceReason.SITE_SILENT: QT_TR_NOOP("no word from site {0}'s bridge"),
    SourceReason.BROKER_LOST: QT_TR_NOOP("the relay's broker is out of reach ({0})"),
}
SOURCE_STATES = {
    SourceState.CONNECTING: QT_TR_NOOP("Connecting to the PBX…"),
    SourceState.SYNCING: QT_TR_NOOP("WAITING FOR THE PBX: {0}"),
    SourceState.REFUSED: QT_TR_NOOP("PBX LOGIN REFUSED: {0}"),
    SourceState.DOWN: QT_TR_NOOP("PBX UNREACHABLE since {1} ({0})"),
}


def link_words(report: FreshnessReport) -> str:
    """Why the link is down, translated, with what the reason cannot say (a code, a host) as sent."""
    words = tr(LINK_REASONS.get(report.link_reason, "")) if LINK_REASONS.get(report.link_reason) else ""
    detail = report.link_detail
    if words and detail:
        return f"{words} {detail}" if report.link_reason is LinkReason.SILENT else tr("{0}: {1}").format(words, detail)
    return words or detail


#: A relay's own trouble is not its PBX's: said without "PBX".
RELAY_TROUBLE = QT_TR_NOOP("NOT LIVE since {1}: {0}")


def source_words(report: FreshnessReport) -> str:
    reason = report.source_reason
    detail = report.source_detail
    why = tr(SOURCE_REASONS[reason]).format(detail or "…") if reason is not None else detail
    template = SOURCE_STATES.get(report.source_state)
    if reason in (SourceReason.SITE_SILENT, SourceReason.BROKER_LOST):
        template = RELAY_TROUBLE
    if template is None:
        text = tr("PBX: {0} {1}").format(report.source_raw_state, why).rstrip()
    else:
        text = tr(template).format(why or "…", local_hm(report.source_since_local_ms))
    if report.data_age_s is not None:
        text += tr(" — data {0} old").format(age_text(report.data_age_s))
    return text


def freshness_words(r: FreshnessReport) -> tuple[str, QColor]:
    """The indicator's text and colour: healthy, or not live (the words say which and why)."""
    st = r.state
    age = r.data_age_s
    if st is Freshness.LIVE:
        return (tr("LIVE — {0} unreadable").format(r.unreadable), WARN_TEXT) if r.unreadable else (tr("LIVE"), GOOD)
    if st is Freshness.SOURCE:
        return source_words(r), NOT_LIVE
    if st is Freshness.STALE:
        return tr("STALE — no data for {0}").format(age_text(age or 0)), NOT_LIVE
    if st is Freshness.BEHIND:
        return tr("BEHIND by {0} — the board cannot keep up").format(age_text(r.behind_s)), NOT_LIVE
    if st is Freshness.SYNCING:
        return tr("Synchronising…"), NOT_LIVE
    words = link_words(r)
    if st is Freshness.REFUSED:
        return (tr("REFUSED: {0} — data {1} old").format(words, age_text(age)) if age is not None
                else tr("REFUSED: {0} — no data yet").format(words)), NOT_LIVE
    if st is Freshness.RETRYING:
        left = r.retry_in_s or 0.0
        return (tr("RECONNECTING in {0:.0f} s ({1}) — data {2} old").format(left, words, age_text(age))
                if age is not None else
                tr("RECONNECTING in {0:.0f} s ({1}) — no data yet").format(left, words)), NOT_LIVE
    return (tr("Connecting… — data {0} old").format(age_text(age)) if age is not None
            else tr("Connecting…")), NOT_LIVE


# -- figures ----------------------------------------------------------------------------------------

SL_FORMULAS = {
    SLFormula.ANSWERED_OVER_ANSWERED_AND_LATE_ABANDONS: QT_TR_NOOP("answered ≤T ÷ (answered + abandoned >T)"),
    SLFormula.ANSWERED_OVER_OFFERED: QT_TR_NOOP("answered ≤T ÷ offered"),
}


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def secs(x: float | None) -> str:
    return "—" if x is None else clock_text(x)


# -- alerts -------------------------------------------------------------------------------------------

LEVELS = {Level.WARN: QT_TR_NOOP("warning"), Level.CRITICAL: QT_TR_NOOP("CRITICAL")}


def alert_what(al: Alert) -> str:
    """What an alert is about, with its threshold (no live numbers: the tile has the clock)."""
    limit = clock_text(al.threshold)
    return {
        "talk": tr("call over {0}").format(limit),
        "hold": tr("caller on hold over {0}").format(limit),
        "wrapup": tr("wrap-up over {0}").format(limit),
        "pause": tr("paused over {0}").format(limit),
        "help": tr("asked for help"),
        "waiting_time": tr("a caller waiting over {0}").format(limit),
        "waiting_count": tr("{0:.0f}+ callers waiting").format(al.threshold),
        "service_level": tr("service level below {0:.0f}%").format(al.threshold),
    }.get(al.kind, al.kind)


def level_words(level: Level) -> str:
    glyph = CRITICAL_GLYPH if level is Level.CRITICAL else WARN_GLYPH
    words = tr(LEVELS.get(level, LEVELS[Level.WARN]))
    return f"{glyph} {words}"


# -- monitoring -------------------------------------------------------------------------------------

WHY_NOT = {
    Why.VIEW_ONLY: QT_TR_NOOP("This board is view-only"),
    Why.OFF_ON_FEED: QT_TR_NOOP("Monitoring is off on this feed: {0}"),
    Why.NO_ENDPOINT: QT_TR_NOOP("Set your phone (--endpoint) to monitor calls"),
    Why.NO_AGENT: QT_TR_NOOP("Select an agent on a call: L listens; then W whispers, B barges; Esc stops."),
    Why.NOT_ON_CALL: QT_TR_NOOP("{0} is not on a call"),
    Why.NOT_OFFERED: QT_TR_NOOP("This feed does not offer that"),
    Why.NOT_NOW: QT_TR_NOOP("A session is active: switch or stop it on the banner."),
    Why.SAME_MODE: QT_TR_NOOP("A session is active: switch or stop it on the banner."),
    Why.PENDING: QT_TR_NOOP("Waiting for the server's answer…"),
}
MODE_WORDS = {"listen": QT_TR_NOOP("LISTENING (silent)"), "whisper": QT_TR_NOOP("WHISPERING to the agent"),
              "barge": QT_TR_NOOP("BARGED IN: both hear you")}
MODE_NAMES = {"listen": QT_TR_NOOP("Listen"), "whisper": QT_TR_NOOP("Whisper"), "barge": QT_TR_NOOP("Barge")}
MONITOR_BADGES = {"listen": QT_TR_NOOP("Listened"), "whisper": QT_TR_NOOP("Whisper"), "barge": QT_TR_NOOP("Barge")}
ERRORS = {
    "not_on_call": QT_TR_NOOP("the agent is not on a call"), "forbidden": QT_TR_NOOP("not allowed"),
    "busy": QT_TR_NOOP("busy"), "not_supported": QT_TR_NOOP("not supported here"),
    "supervisor_unreachable": QT_TR_NOOP("your phone could not be reached"),
    "timeout": QT_TR_NOOP("no answer from the server"), "not_found": QT_TR_NOOP("not found"),
    "bad_request": QT_TR_NOOP("bad request"),
}
ENDS = {
    "stopped": QT_TR_NOOP("stopped"), "call_ended": QT_TR_NOOP("the call ended"),
    "board_disconnected": QT_TR_NOOP("this board disconnected"),
    "connection_lost": QT_TR_NOOP("connection to the feed lost"),
    "supervisor_unreachable": QT_TR_NOOP("your phone could not be reached"),
    "timeout": QT_TR_NOOP("the agent's call could not be joined"),
    "hung_up": QT_TR_NOOP("your phone hung up"),
    "no_device": QT_TR_NOOP("the agent's phone could not be found on the PBX"),
    "pbx_refused": QT_TR_NOOP("the PBX refused to ring your phone"),
    "audio_unreachable": QT_TR_NOOP("the PBX could not connect the call's audio to the bridge (its audio address)"),
}
#: Why a session could not be ended: the supervisor may still be on the call, and heard.
STUCK = {
    "hangup_refused": QT_TR_NOOP("the PBX refused to hang up your phone's leg"),
    "hangup_unconfirmed": QT_TR_NOOP("the PBX has not confirmed that your phone's leg hung up"),
    "pbx_link_lost": QT_TR_NOOP("the bridge lost its link to the PBX and cannot end your leg"),
}


#: What the desk's sound says when there is none, in the board's language (anything else is shown as said).
SOUND_ERRORS = {
    "no audio output device": QT_TR_NOOP("no audio output device"),
    "the audio output stopped (unplugged?)": QT_TR_NOOP("the headset stopped (unplugged?)"),
    "the audio input stopped (unplugged?)": QT_TR_NOOP("the microphone stopped (unplugged?)"),
    "the sounddevice package is not installed": QT_TR_NOOP("the sound library is not installed"),
}


def known(table: dict[str, str], token: str) -> str:
    """A token's words from ``table``, or the token as sent."""
    words = table.get(token)
    return tr(words) if words else token


# -- pages, reasons -------------------------------------------------------------------------------------

PAGES = {Page.AGENTS: QT_TR_NOOP("Agents"), Page.QUEUES: QT_TR_NOOP("Queues"),
         Page.TREND: QT_TR_NOOP("Waiting calls, last hour"), Page.ALERTS: QT_TR_NOOP("Alerts"),
         Page.EXCEPTIONS: QT_TR_NOOP("Needs attention"), Page.WAITING: QT_TR_NOOP("Callers waiting"),
         Page.WHITEBOARD: QT_TR_NOOP("Outbound results")}
#: Pause reasons a PBX commonly sends, in the board's language; any other reason is shown as sent.
PAUSE_REASONS = {"break": QT_TR_NOOP("break"), "lunch": QT_TR_NOOP("lunch"), "meeting": QT_TR_NOOP("meeting"),
                 "training": QT_TR_NOOP("training"), "coaching": QT_TR_NOOP("coaching"),
                 # FreeSWITCH: put on break after too many unanswered offers; an on-demand agent not taking calls
                 "no_answer": QT_TR_NOOP("missed calls"), "idle": QT_TR_NOOP("not taking calls")}
