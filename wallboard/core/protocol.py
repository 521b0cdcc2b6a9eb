"""Feed protocol v1: typed messages, and the one place frames are decoded and encoded.

Everything here is bytes/str in, typed messages out (sans-I/O, like websockets'
``protocol.py``). The full specification for bridge writers is
``resources/docs/feed-protocol-v1.md``; keep the two in step.

The decoder never trusts a frame: size is checked before parsing, every field is
type- and range-checked by msgspec, unknown fields are ignored, and a frame of an
unknown ``type`` raises :class:`UnknownMessageType` (counted by the caller, never
fatal). Forward compatibility, as §8 of the protocol promises: an unknown enum value is
a string the board shows as ``unknown`` (never a decoding error), and a number sent as
an integral float (``1.7963e12``) is the integer it means.

One bad record never costs the others: a snapshot or an update whose envelope is sound
but one of whose agents, queues or calls does not decode comes back as :class:`Damaged`,
with the good records and, for each bad one, its id (when it has a usable one) and why.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Final, Literal, NamedTuple, Union

import msgspec

from .errors import FrameRejected, FrameTooLarge, MalformedFrame, UnknownMessageType
from .model import Agent, Call, Count, EpochMs, Id, Queue, Text
from .outbound import OutboundRules, Outcome, Tally

PROTOCOL_VERSION: Final = 1
SUBPROTOCOL: Final = "callstate.v1"
#: A 10,000-agent snapshot is about 2 MB; deltas are a few hundred bytes.
DEFAULT_MAX_FRAME_BYTES: Final = 16 * 1024 * 1024
#: The most deltas one ``batch`` frame carries (a server splits a longer run).
BATCH_MAX: Final = 1000
#: What this code takes beyond v1's frames, said in ``hello.accept``.
ACCEPTS: Final = ("batch", "trend", "outbound")

MONITOR_MODES: Final = ("listen", "whisper", "barge")
#: Modes in which the supervisor's voice reaches the call: the only ones a microphone frame is sent or taken in.
SPEAKING_MODES: Final = frozenset({"whisper", "barge"})
ERROR_CODES: Final = frozenset(
    {
        "not_supported", "not_on_call", "not_found", "forbidden", "busy",
        "supervisor_unreachable", "timeout", "backend_error", "bad_request",
        "unauthorized", "unsupported_version",
    }
)

Seq = Annotated[int, msgspec.Meta(ge=0, le=2**53)]
StreamId = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
Many = msgspec.Meta(max_length=100_000)


class _Msg(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, tag_field="type"):
    pass


# --- server -> client -------------------------------------------------------------


class Caps(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    #: Modes offered; a mode this board does not know (a newer server's ``coach``) is not offered to its user.
    monitor: Annotated[tuple[Annotated[str, msgspec.Meta(max_length=16)], ...], msgspec.Meta(max_length=16)] = ()
    role: Text = "viewer"
    monitor_off: Text = ""  # why a supervisor is offered no monitoring ("" = it is, or the role forbids it)
    #: The call's audio can come to this board over this connection (``monitor.start`` with ``audio: true``).
    audio: bool = False
    #: This board may ask for reports from the server's history (``report.*`` commands, §7.2).
    reports: bool = False
    #: The server counts outbound results: ``whiteboard`` and ``tally`` come to a board that accepts ``outbound``.
    outbound: bool = False


#: What a server's own source can be: ``up`` (the data is the PBX's, live), ``connecting`` (not
#: reached yet), ``syncing`` (reached; its snapshot is refused or incomplete, retried), ``refused``
#: (it refused our login), ``down`` (lost or unreachable). A board shows anything but ``up`` in words.
SOURCE_STATES: Final = ("up", "connecting", "syncing", "refused", "down")


class SourceReason(str, Enum):
    """Why a source is not up, as a token a board words in its own language (``Source.reason``).

    Open: a board shows an unknown reason's ``detail`` as sent, and never parses ``detail``."""

    CONNECTION_REFUSED = "connection_refused"  # detail: host:port
    NO_ANSWER = "no_answer"  # detail: host:port
    CLOSED = "closed"  # the PBX closed the connection
    LOST = "lost"  # the connection failed otherwise; detail: how (the system's words)
    AUTH_FAILED = "auth_failed"  # detail: the PBX's words ("Authentication failed")
    LOGIN_REFUSED = "login_refused"  # another refusal; detail: the PBX's words
    TAKING_FLOOR = "taking_floor"  # logged in, reading the floor
    NOT_LOADED = "not_loaded"  # the PBX's queue module is not loaded yet; detail: the PBX's answer
    SNAPSHOT_FAILED = "snapshot_failed"  # detail: what failed, in the PBX's words
    INTERNAL = "internal"  # a bug of the server's; detail: its kind
    SITE_SILENT = "site_silent"  # a relay: the site's bridge is not heard from; detail: the site
    BROKER_LOST = "broker_lost"  # a relay: its broker is out of reach; detail: the broker's address


class Source(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The link from a feed server to what feeds it (a bridge's PBX): is the data the PBX's, now?"""

    state: Annotated[str, msgspec.Meta(max_length=16)] = "up"
    since: EpochMs = 0  # when this state began (for down / refused: when the data stopped being live)
    reason: Annotated[str, msgspec.Meta(max_length=32)] = ""  # a SourceReason value (or a newer one)
    detail: Text = ""  # the specifics, as sent: a host, the PBX's words ("Authentication failed")

    @property
    def up(self) -> bool:
        return self.state == "up"


class Welcome(_Msg, tag="welcome", frozen=True):
    version: int
    stream: StreamId
    ts: EpochMs
    heartbeat_s: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 5.0
    caps: Caps = Caps()
    server: Text = ""
    source: Source | None = None  # absent: the server is its own source (always up)


class AlertAck(_Msg, tag="alert.ack", frozen=True):
    """A supervisor acknowledged an alert (``kind``, ``subject``) at ``at``: every board stops flashing it.

    Boards compute alerts from the floor themselves; an ack covers the alert of that key whose
    current level was reached at or before ``at`` (a later level, or a later episode, needs its own).
    Sent to every board, without a ``seq``; the snapshot carries the acks still held."""

    ts: EpochMs
    kind: Annotated[str, msgspec.Meta(max_length=32)]
    subject: Id
    by: Text
    at: EpochMs


class Snapshot(_Msg, tag="snapshot", frozen=True):
    stream: StreamId
    seq: Seq
    ts: EpochMs
    agents: Annotated[tuple[Agent, ...], Many] = ()
    queues: Annotated[tuple[Queue, ...], Many] = ()
    calls: Annotated[tuple[Call, ...], Many] = ()
    acks: Annotated[tuple[AlertAck, ...], Many] = ()


class AgentUpdate(_Msg, tag="agent.update", frozen=True):
    stream: StreamId
    seq: Seq
    ts: EpochMs
    agent: Agent


class AgentRemove(_Msg, tag="agent.remove", frozen=True):
    stream: StreamId
    seq: Seq
    ts: EpochMs
    id: Id


class QueueUpdate(_Msg, tag="queue.update", frozen=True):
    stream: StreamId
    seq: Seq
    ts: EpochMs
    queue: Queue


class QueueRemove(_Msg, tag="queue.remove", frozen=True):
    stream: StreamId
    seq: Seq
    ts: EpochMs
    id: Id


class CallUpdate(_Msg, tag="call.update", frozen=True):
    """A call changed; ``state == "ended"`` removes it from the live calls."""

    stream: StreamId
    seq: Seq
    ts: EpochMs
    call: Call


class Heartbeat(_Msg, tag="heartbeat", frozen=True):
    """Proves the connection lives; carries the last ``seq`` so a silent gap is still detected, and
    the source's state, so a board knows whether the data behind it is live."""

    stream: StreamId
    seq: Seq
    ts: EpochMs
    source: Source | None = None


class ErrorInfo(msgspec.Struct, frozen=True, kw_only=True):
    code: Annotated[str, msgspec.Meta(max_length=64)]
    message: Annotated[str, msgspec.Meta(max_length=1024)] = ""


class Batch(_Msg, tag="batch", frozen=True):
    """Consecutive deltas in one frame, each exactly as it would be sent alone (its own ``seq``), sent only
    to a board whose ``hello.accept`` holds ``batch``. At 5,000 events a second a frame per delta cost a
    board more in WebSocket and event-loop work per frame than the decoding and applying of the delta.
    Each delta is read on its own (``deltas`` are raw JSON), so a bad one costs only itself."""

    deltas: Annotated[tuple[msgspec.Raw, ...], msgspec.Meta(min_length=1, max_length=BATCH_MAX)]


class CommandResult(_Msg, tag="command.result", frozen=True):
    req_id: Id
    ts: EpochMs
    ok: bool
    result: dict[str, Any] | None = None
    error: ErrorInfo | None = None


class MonitorUpdate(_Msg, tag="monitor.update", frozen=True):
    """A monitoring session's lifecycle, sent to the board that started it."""

    ts: EpochMs
    session_id: Id
    state: Annotated[str, msgspec.Meta(max_length=16)]  # dialing | active | ending | stuck | ended
    mode: Annotated[str, msgspec.Meta(max_length=16)]
    agent_id: Id
    call_id: Id | None = None
    reason: Annotated[str, msgspec.Meta(max_length=256)] = ""
    #: The call's audio comes to this board as binary frames (in the app), not to a phone.
    audio: bool = False


class ServerError(_Msg, tag="error", frozen=True):
    """The server ends the session (bad token, unsupported version); the socket closes."""

    ts: EpochMs
    error: ErrorInfo


# --- client -> server -------------------------------------------------------------


#: The trend history's step: one sample per queue every this many seconds, the last hour (§6.1).
TREND_STEP_S: Final = 5
TREND_SAMPLES: Final = 3600 // TREND_STEP_S


class Trend(_Msg, tag="trend", frozen=True):
    """The last hour of callers waiting, per queue, sampled by the server every ``step_s`` seconds from
    ``start`` (epoch ms, the oldest sample); ``None`` where the server's source was not up. Sent once, right
    after the snapshot, to a board whose ``hello.accept`` holds ``trend``: a board that joins mid-morning
    shows the hour's shape at once."""

    ts: EpochMs
    start: EpochMs
    step_s: Annotated[int, msgspec.Meta(ge=1, le=60)] = TREND_STEP_S
    queues: Annotated[dict[Id, Annotated[list[Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] | None],
                                          msgspec.Meta(max_length=TREND_SAMPLES)]],
                      msgspec.Meta(max_length=4096)] = {}


#: The latest positives a joining board is given for its ticker.
RECENT_OUTCOMES: Final = 20


class Whiteboard(_Msg, tag="whiteboard", frozen=True):
    """Today's outbound results (§6.2): the centre's outcome kinds and goals, every agent's tally and the latest
    positives. Sent after each snapshot to a board whose ``hello.accept`` holds ``outbound``; no ``seq``."""

    ts: EpochMs
    rules: OutboundRules
    tallies: Annotated[tuple[Tally, ...], Many] = ()
    recent: Annotated[tuple[Outcome, ...], msgspec.Meta(max_length=RECENT_OUTCOMES)] = ()


class TallyUpdate(_Msg, tag="tally", frozen=True):
    """An agent's tally changed (a dial, a connect, a login, a new day); ``outcome``: the one it counted, if
    that was the cause. Idempotent: the tally replaces the board's; an outcome id seen before is not shown twice."""

    ts: EpochMs
    tally: Tally
    outcome: Outcome | None = None


class Hello(_Msg, tag="hello", frozen=True):
    versions: Annotated[tuple[int, ...], msgspec.Meta(min_length=1, max_length=16)]
    client: Text = ""
    token: Annotated[str, msgspec.Meta(max_length=4096)] | None = None
    #: Frame types beyond v1's the board takes (``batch``); a server sends them only to boards that ask.
    accept: Annotated[tuple[Annotated[str, msgspec.Meta(max_length=32)], ...], msgspec.Meta(max_length=16)] = ()

    def __repr__(self) -> str:  # never print a token
        return (f"Hello(versions={self.versions!r}, client={self.client!r}, token={'***' if self.token else None}, "
                f"accept={self.accept!r})")


class Resync(_Msg, tag="resync", frozen=True):
    reason: Text = ""


class Command(_Msg, tag="command", frozen=True):
    req_id: Id
    action: Annotated[str, msgspec.Meta(max_length=64)]
    args: dict[str, Any] = {}


ServerMessage = Union[
    Welcome, Snapshot, AgentUpdate, AgentRemove, QueueUpdate, QueueRemove, CallUpdate,
    Heartbeat, CommandResult, MonitorUpdate, ServerError, AlertAck, Batch, Trend, Whiteboard, TallyUpdate,
]
ClientMessage = Union[Hello, Resync, Command]
Delta = Union[AgentUpdate, AgentRemove, QueueUpdate, QueueRemove, CallUpdate]
#: The state deltas' classes (for a test of ``type(msg)``: the reducer's hot path, what a batch may hold).
DELTA_TYPES: Final = frozenset(Delta.__args__)  # type: ignore[attr-defined]

SERVER_TYPES: Final = frozenset(
    t.__struct_config__.tag for t in ServerMessage.__args__  # type: ignore[attr-defined]
)
CLIENT_TYPES: Final = frozenset(
    t.__struct_config__.tag for t in ClientMessage.__args__  # type: ignore[attr-defined]
)

#: Message types that carry state (and so a ``seq``): losing one means the board must resync.
STATE_TYPES: Final = frozenset({"snapshot", "agent.update", "agent.remove", "queue.update", "queue.remove",
                                "call.update"})
RecordKind = Literal["agent", "queue", "call"]


class BadRecord(NamedTuple):
    """One record that did not decode: dropped alone, counted, its agent shown as unreadable."""

    kind: RecordKind
    id: str | None  # its id, if it has a usable one
    name: str  # its name, if it has a usable one ("" otherwise)
    reason: str


class Damaged(NamedTuple):
    """A snapshot or an update with its good records, and the bad ones it had (see :class:`BadRecord`)."""

    type: str  # "snapshot" | "agent.update" | "queue.update" | "call.update"
    stream: str
    seq: int
    ts: int
    agents: tuple[Agent, ...]
    queues: tuple[Queue, ...]
    calls: tuple[Call, ...]
    bad: tuple[BadRecord, ...]
    acks: tuple[AlertAck, ...] = ()


class _RawSnapshot(_Msg, tag="snapshot", frozen=True):
    stream: StreamId
    seq: Seq
    ts: EpochMs
    agents: Annotated[tuple[msgspec.Raw, ...], Many] = ()
    queues: Annotated[tuple[msgspec.Raw, ...], Many] = ()
    calls: Annotated[tuple[msgspec.Raw, ...], Many] = ()
    acks: Annotated[tuple[msgspec.Raw, ...], Many] = ()


class _RawAgentUpdate(_Msg, tag="agent.update", frozen=True):
    stream: StreamId
    seq: Seq
    ts: EpochMs
    agent: msgspec.Raw


class _RawQueueUpdate(_Msg, tag="queue.update", frozen=True):
    stream: StreamId
    seq: Seq
    ts: EpochMs
    queue: msgspec.Raw


class _RawCallUpdate(_Msg, tag="call.update", frozen=True):
    stream: StreamId
    seq: Seq
    ts: EpochMs
    call: msgspec.Raw


# strict=False: an integral float is the integer it means (and "12" / "true" are read, though servers
# must not rely on it); ranges and lengths are checked all the same.
_server_decoder: Final = msgspec.json.Decoder(ServerMessage, strict=False)
_client_decoder: Final = msgspec.json.Decoder(ClientMessage, strict=False)
_envelope_decoder: Final = msgspec.json.Decoder(
    Union[_RawSnapshot, _RawAgentUpdate, _RawQueueUpdate, _RawCallUpdate], strict=False)
_record_decoders: Final = {kind: msgspec.json.Decoder(t, strict=False)
                           for kind, t in (("agent", Agent), ("queue", Queue), ("call", Call))}
_ack_decoder: Final = msgspec.json.Decoder(AlertAck, strict=False)
_any_decoder: Final = msgspec.json.Decoder()
_encoder: Final = msgspec.json.Encoder()


def _classify(frame: str | bytes, known: frozenset[str], err: Exception) -> FrameRejected:
    """Turn a msgspec failure into our error family (slow path, failures only)."""
    try:
        obj = _any_decoder.decode(frame)
    except msgspec.DecodeError:
        return MalformedFrame(f"not JSON: {err}", reason="not_json")
    except UnicodeDecodeError:
        return MalformedFrame("not valid UTF-8", reason="not_json")
    except RecursionError:
        return MalformedFrame("nested too deeply", reason="too_deep")
    if not isinstance(obj, dict):
        return MalformedFrame(f"not a JSON object but {type(obj).__name__}")
    kind = obj.get("type")
    if not isinstance(kind, str):
        return MalformedFrame("missing or non-string 'type'")
    if kind not in known:
        return UnknownMessageType(kind[:64], has_seq="seq" in obj)
    return MalformedFrame(f"{kind}: {err}", message_type=kind)


def _records(kind: RecordKind, raws: tuple[msgspec.Raw, ...], good: list[Any], bad: list[BadRecord]) -> None:
    decoder = _record_decoders[kind]
    for raw in raws:
        try:
            good.append(decoder.decode(raw))
        except (msgspec.DecodeError, msgspec.ValidationError) as err:
            bad.append(_bad_record(kind, raw, str(err)))


def _bad_record(kind: RecordKind, raw: msgspec.Raw, reason: str) -> BadRecord:
    try:
        obj = _any_decoder.decode(raw)
    except (msgspec.DecodeError, RecursionError):
        obj = None
    rid = obj.get("id") if isinstance(obj, dict) else None
    name = obj.get("name") if isinstance(obj, dict) else None
    return BadRecord(kind, rid if isinstance(rid, str) and 0 < len(rid) <= 128 else None,
                     name if isinstance(name, str) and len(name) <= 256 else "", reason[:200])


def _damaged(frame: str | bytes, kind: str) -> Damaged | None:
    """The frame's envelope decoded, then each record alone; None if the envelope itself is bad."""
    try:
        env = _envelope_decoder.decode(frame)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None
    agents: list[Agent] = []
    queues: list[Queue] = []
    calls: list[Call] = []
    bad: list[BadRecord] = []
    acks: list[AlertAck] = []
    if isinstance(env, _RawSnapshot):
        _records("agent", env.agents, agents, bad)
        _records("queue", env.queues, queues, bad)
        _records("call", env.calls, calls, bad)
        for raw in env.acks:  # an ack that does not decode is simply not held
            try:
                acks.append(_ack_decoder.decode(raw))
            except (msgspec.DecodeError, msgspec.ValidationError):
                pass
    elif isinstance(env, _RawAgentUpdate):
        _records("agent", (env.agent,), agents, bad)
    elif isinstance(env, _RawQueueUpdate):
        _records("queue", (env.queue,), queues, bad)
    else:
        _records("call", (env.call,), calls, bad)
    return Damaged(kind, env.stream, env.seq, env.ts, tuple(agents), tuple(queues), tuple(calls), tuple(bad),
                   tuple(acks))


def _decode(frame: str | bytes, decoder: msgspec.json.Decoder[Any], known: frozenset[str], max_bytes: int,
            records: bool = False) -> Any:
    if len(frame) > max_bytes:  # str length <= utf-8 bytes, so this never lets a big one by
        raise FrameTooLarge(f"frame of {len(frame)} bytes exceeds the {max_bytes}-byte limit")
    try:
        return decoder.decode(frame)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as err:
        rejected = _classify(frame, known, err)
    except RecursionError:  # a hostile frame of deeply nested arrays or objects
        raise MalformedFrame("nested too deeply", reason="too_deep") from None
    kind = rejected.message_type
    if records and kind is not None and kind in RECORD_TYPES:  # slow path, bad frames only
        damaged = _damaged(frame, kind)
        if damaged is not None:  # (no bad record: an ack in a snapshot did not decode; the rest is sound)
            return damaged
    raise rejected


#: The state messages whose records are decoded one by one when the whole does not decode.
RECORD_TYPES: Final = frozenset({"snapshot", "agent.update", "queue.update", "call.update"})


def decode_server(frame: str | bytes, max_bytes: int = DEFAULT_MAX_FRAME_BYTES) -> ServerMessage | Damaged:
    """Decode one frame the server sent: a message, or a :class:`Damaged` state message whose
    other records are sound. Raises a :class:`FrameRejected`."""
    return _decode(frame, _server_decoder, SERVER_TYPES, max_bytes, records=True)  # type: ignore[no-any-return]


def decode_client(frame: str | bytes, max_bytes: int = 64 * 1024) -> ClientMessage:
    """Decode one frame a client sent. Raises a :class:`FrameRejected`."""
    return _decode(frame, _client_decoder, CLIENT_TYPES, max_bytes)  # type: ignore[no-any-return]


def batch_frames(frames: list[bytes]) -> list[bytes]:
    """Encoded deltas (consecutive ``seq``) as ``batch`` frames of at most :data:`BATCH_MAX` (encoded once:
    each delta's bytes are put in as they are)."""
    return [b'{"type":"batch","deltas":[' + b",".join(frames[i:i + BATCH_MAX]) + b"]}"
            for i in range(0, len(frames), BATCH_MAX)]


def encode(message: ServerMessage | ClientMessage) -> bytes:
    """UTF-8 JSON of one message (send as a *text* frame)."""
    return _encoder.encode(message)


class Gone(NamedTuple):
    """An agent or a queue no longer on the floor (a PBX reload removed it): a producer's removal."""

    kind: Literal["agent", "queue"]
    id: str


def delta(obj: Agent | Queue | Call | Gone, stream: str, seq: int, ts: int) -> Delta:
    """The delta message that carries ``obj`` (the one mapping from objects to updates)."""
    if isinstance(obj, Agent):
        return AgentUpdate(stream=stream, seq=seq, ts=ts, agent=obj)
    if isinstance(obj, Queue):
        return QueueUpdate(stream=stream, seq=seq, ts=ts, queue=obj)
    if isinstance(obj, Gone):
        if obj.kind == "agent":
            return AgentRemove(stream=stream, seq=seq, ts=ts, id=obj.id)
        return QueueRemove(stream=stream, seq=seq, ts=ts, id=obj.id)
    return CallUpdate(stream=stream, seq=seq, ts=ts, call=obj)


def error_message(code: str, message: str, ts: EpochMs) -> ServerError:
    return ServerError(ts=ts, error=ErrorInfo(code=code, message=message))


__all__ = [
    "PROTOCOL_VERSION", "SUBPROTOCOL", "DEFAULT_MAX_FRAME_BYTES", "MONITOR_MODES", "SPEAKING_MODES",
    "Welcome", "Snapshot", "AgentUpdate", "AgentRemove", "QueueUpdate", "QueueRemove",
    "CallUpdate", "Heartbeat", "CommandResult", "MonitorUpdate", "ServerError", "ErrorInfo", "Caps",
    "Source", "SOURCE_STATES", "Gone", "BadRecord", "Damaged", "STATE_TYPES", "AlertAck",
    "Hello", "Resync", "Command", "ServerMessage", "ClientMessage", "Delta", "DELTA_TYPES", "Batch", "BATCH_MAX", "ACCEPTS",
    "Trend", "TREND_STEP_S", "TREND_SAMPLES", "Whiteboard", "TallyUpdate", "RECENT_OUTCOMES",
    "batch_frames",
    "decode_server", "decode_client", "encode", "error_message", "delta", "Count", "Id",
]
