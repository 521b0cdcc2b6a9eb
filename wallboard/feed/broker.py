"""A site's floor on a NATS JetStream broker, for relays to serve (the bridge's side).

One bucket per site, ``wallboard_<site>``: a key per object (``agent.<id>``, ``queue.<id>``, ``call.<id>``,
ids in URL-safe base64: a PBX's ids hold characters keys may not), its value the object as the feed's JSON,
deleted when the object leaves the floor (an agent removed, a call ended); and ``meta.site``: the bridge's
link to its PBX, what monitoring it offers, and a beat every ``beat_s``. Each write of the bucket (the keys
of one coalescing tick) is then sent again as one message on the site's delta stream
(``wallboard.<site>.deltas``), every key with the revision the bucket gave it. A relay reads the bucket's
current values (the snapshot, up to a revision) and follows the delta stream from the moment before, skipping
what the snapshot already held: a message per tick to read, not one per key (at 5,000 events a second the
per-message work of a NATS client was most of a relay's core).

Monitoring goes to the bridge that owns the PBX, by request and reply on ``wallboard.<site>.command``:
the relay has checked the board's token, the bridge's desk decides and audits as for its own boards; the
session's updates go back on ``wallboard.<site>.to.<relay>.<board>``, and a board that leaves its relay
is said on ``wallboard.<site>.left`` (its sessions end, as a board that leaves the bridge).

Writes are pipelined (acknowledged in bulk, not one by one) and coalesced per key between writes (a key's
latest value is all a bucket keeps); after the broker comes back the whole floor is written again, so the
bucket converges on the floor whatever was lost meanwhile.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import msgspec
import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, StorageType, StreamConfig
from nats.js.errors import BucketNotFoundError, NoKeysError, NotFoundError

from ..core.errors import FrameRejected
from ..core.model import Agent, Call, CallState, Queue
from ..core.protocol import Command, CommandResult, ErrorInfo, Gone, Source, decode_client, encode
from .server import FeedServer, Peer, Principal

log = logging.getLogger(__name__)

SITE_NAME = re.compile(r"[A-Za-z0-9_-]{1,32}")
META_KEY = "meta.site"
KINDS = ("agent", "queue", "call")
DELETE = {"KV-Operation": "DEL"}


def told_to_stop() -> bool:
    """Whether this task was cancelled, even if no CancelledError reached it: nats-py swallows a cancel that
    comes while a publish waits on its flush queue (``_flush_pending``: ``except CancelledError: pass``) and
    turns one in ``publish_async``'s stall wait into TooManyStalledMsgsError, so a loop that goes on after
    nats-py's calls or retries on its errors asks this, else a stopped bridge writes on for ever."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def stop_tasks(tasks: Iterable[asyncio.Task[Any]], again_s: float = 0.5) -> None:
    """The tasks cancelled, and cancelled again every ``again_s`` until they have ended: one cancel can be
    lost inside nats-py (see told_to_stop), and a stop that waits on a task that carried on never returns
    (a bridge's service that does not stop; 14 of 30 stops of a busy site's mirror hung so)."""
    tasks = list(tasks)
    pending = {t for t in tasks if not t.done()}
    while pending:
        for t in pending:
            t.cancel()
        _, pending = await asyncio.wait(pending, timeout=again_s)
    await asyncio.gather(*tasks, return_exceptions=True)  # their ends retrieved (nothing logged as unretrieved)


class BrokerError(ValueError):
    """A bad broker setting (a site's name); the message says which."""


class SiteMeta(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What a relay needs beside the objects: is the site's data its PBX's, now; what may be asked of it."""

    beat: int  # the bridge's clock, ms: written every beat, so a silent bridge shows
    source: Source | None = None
    monitor: tuple[str, ...] = ()
    monitor_off: str = ""  # why it offers no monitoring, when it offers none
    server: str = ""


class Forwarded(msgspec.Struct, frozen=True, kw_only=True):
    """A board's command, through a relay, as the bridge is asked it."""

    relay: str
    board: str
    name: str
    role: str
    teams: tuple[str, ...] | None = None
    command: msgspec.Raw  # the board's command as a feed frame (the bridge decodes and checks it again)


class Left(msgspec.Struct, frozen=True, kw_only=True):
    relay: str
    board: str


def check_site(site: str) -> str:
    if not SITE_NAME.fullmatch(site):
        raise BrokerError(f"site name {site!r}: 1–32 letters, digits, '-' or '_' (it names the site's bucket)")
    return site


def bucket_of(site: str) -> str:
    return f"wallboard_{check_site(site)}"


def key_of(kind: str, object_id: str) -> str:
    return f"{kind}.{base64.urlsafe_b64encode(object_id.encode()).decode().rstrip('=')}"


def id_of(key: str) -> tuple[str, str]:
    """(kind, id) of an object's key; ValueError if it is none of ours."""
    kind, _, b64 = key.partition(".")
    if kind not in KINDS or not b64:
        raise ValueError(f"not an object key: {key!r}")
    return kind, base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)).decode()


def kv_stream(site: str) -> str:
    """The stream a bucket is (its revisions are this stream's sequence)."""
    return f"KV_{bucket_of(site)}"


def deltas_stream(site: str) -> str:
    return f"{bucket_of(site)}_deltas"


def deltas_subject(site: str) -> str:
    return f"wallboard.{site}.deltas"


#: A delta message holds up to this much (a whole floor written again is split); NATS refuses over 1 MB.
DELTAS_MAX_BYTES = 256 * 1024
#: The deltas are kept this long: a relay reading the bucket joins them within seconds.
DELTAS_KEPT_S = 900.0
#: One entry of a delta message: the key's revision in the bucket, the key, deleted?, its value (null: none).
DeltaEntry = tuple[int, str, bool, msgspec.Raw]


#: Every relay says it is alive on ``wallboard.relay.<relay>`` this often; a bridge ends the sessions of a relay
#: not heard for RELAY_GONE_S (it died without saying its boards left: their supervisors must not stay on calls).
RELAY_BEAT_S, RELAY_GONE_S = 1.0, 5.0


def relay_subject(relay: str) -> str:
    return f"wallboard.relay.{relay}"


def command_subject(site: str) -> str:
    return f"wallboard.{site}.command"


def left_subject(site: str) -> str:
    return f"wallboard.{site}.left"


def to_board_subject(site: str, relay: str, board: str) -> str:
    return f"wallboard.{site}.to.{relay}.{board}"


async def bucket(js: JetStreamContext, site: str, create: bool) -> Any:
    """The site's bucket (made, on a bridge, if it is not there: a new broker, or one that lost its store)."""
    name = bucket_of(site)
    try:
        return await js.key_value(name)
    except BucketNotFoundError:
        if not create:
            raise
        return await js.create_key_value(KeyValueConfig(bucket=name, history=1, storage=StorageType.FILE,
                                                        description=f"wallboard site {site}: the floor"))


async def ensure_deltas(js: JetStreamContext, site: str) -> None:
    """The site's delta stream (made, on a bridge, if it is not there)."""
    try:
        await js.stream_info(deltas_stream(site))
    except NotFoundError:
        await js.add_stream(StreamConfig(name=deltas_stream(site), subjects=[deltas_subject(site)],
                                         storage=StorageType.FILE, max_age=DELTAS_KEPT_S,
                                         description=f"wallboard site {site}: each write of its bucket"))


class SiteMirror:
    """Keeps a site's bucket equal to its bridge's floor, and takes monitoring commands from relays."""

    def __init__(self, server: FeedServer, nc: Client, site: str, beat_s: float = 2.0) -> None:
        self.server, self.nc, self.site = server, nc, check_site(site)
        self.beat_s = beat_s
        self.js = nc.jetstream()
        self.prefix = f"$KV.{bucket_of(site)}."
        self.deltas = deltas_subject(site)
        #: key → (its latest value, deleted?), oldest first; an ended call's last state rides on its delete
        self._pending: dict[str, tuple[bytes, bool]] = {}
        self._after: list[tuple[str, bytes]] = []  # to relays' boards, once the changes before them are written
        self._wake = asyncio.Event()
        self._whole = True  # write the whole floor (start, the broker back, a load)
        self._tasks: list[asyncio.Task[None]] = []
        self._boards: dict[tuple[str, str], Peer] = {}  # (relay, board) → the desk's peer for it
        self._relays: dict[str, float] = {}  # relay → when it was last heard (monotonic)
        self.written = 0
        self.failed = 0  # writes the broker did not acknowledge (then the whole floor is written again)
        server.mirror = self

    # -- FeedServer's Mirror ------------------------------------------------------------------

    def published(self, updates: list[Agent | Queue | Call | Gone]) -> None:
        pending = self._pending
        for obj in updates:
            if isinstance(obj, Gone):
                key, value = key_of(obj.kind, obj.id), (b"", True)
            else:
                kind = "agent" if isinstance(obj, Agent) else "queue" if isinstance(obj, Queue) else "call"
                key = key_of(kind, obj.id)
                value = (msgspec.json.encode(obj), isinstance(obj, Call) and obj.status is CallState.ENDED)
            pending.pop(key, None)  # to the end: the order of changes is kept
            pending[key] = value
        self._wake.set()

    def loaded(self) -> None:
        self._whole = True
        self._wake.set()

    def source_changed(self) -> None:
        self._pending.pop(META_KEY, None)
        self._pending[META_KEY] = (self._meta(), False)
        self._wake.set()

    # -- running ------------------------------------------------------------------------------

    async def start(self) -> None:
        """The bucket made if need be (here: a broker without JetStream is said at start), the floor written,
        then kept; commands from relays taken."""
        await bucket(self.js, self.site, create=True)
        await ensure_deltas(self.js, self.site)
        await self._subscribe()
        self._tasks = [asyncio.create_task(self._writer()), asyncio.create_task(self._beats())]

    async def stop(self) -> None:
        await stop_tasks(self._tasks)
        self.server.mirror = None

    def broker_back(self) -> None:
        """The connection to the broker came back: it may have lost anything, even the bucket."""
        self._whole = True
        self._wake.set()

    async def _subscribe(self) -> None:
        await self.nc.subscribe(command_subject(self.site), cb=self._command)
        await self.nc.subscribe(left_subject(self.site), cb=self._left)
        await self.nc.subscribe(relay_subject("*"), cb=self._relay_beat)

    def _meta(self) -> bytes:
        s = self.server
        return msgspec.json.encode(SiteMeta(beat=s.clock(), source=s.source, monitor=s.monitor_modes,
                                            monitor_off=s.monitor_off, server=s.name))

    async def _beats(self) -> None:
        while True:
            await asyncio.sleep(self.beat_s)
            self.source_changed()
            self._relays_gone()

    async def _relay_beat(self, msg: Msg) -> None:
        self._relays[msg.subject.rsplit(".", 1)[1]] = time.monotonic()

    def _relays_gone(self) -> None:
        """The boards of a relay that stopped beating have left: their sessions end, as a board's that leaves."""
        now = time.monotonic()
        for key in [k for k in self._boards if now - self._relays.get(k[0], now) > RELAY_GONE_S]:
            log.warning("site %s: relay %s not heard for %.0f s: its board's sessions end", self.site, key[0],
                        now - self._relays[key[0]])
            peer = self._boards.pop(key)
            if self.server.on_disconnect is not None:
                self.server.on_disconnect(peer)

    async def _writer(self) -> None:
        kv = None
        while True:
            if told_to_stop():
                raise asyncio.CancelledError
            await self._wake.wait()
            self._wake.clear()
            try:
                if kv is None or self._whole:
                    kv = await bucket(self.js, self.site, create=True)
                    await ensure_deltas(self.js, self.site)
                    if self._whole:
                        self._whole = False
                        await self._whole_floor(kv)
                batch, self._pending = self._pending, {}
                after, self._after = self._after, []
                try:
                    await self._write(batch)
                except BaseException:
                    self._after[:0] = after
                    raise
                for subject, frame in after:
                    await self.nc.publish(subject, frame)
            except (TimeoutError, nats.errors.Error, OSError) as err:
                if told_to_stop():
                    raise asyncio.CancelledError from err
                self.failed += 1
                log.warning("site %s: the broker took not all of the floor (%s): writing it whole again in 1 s",
                            self.site, err or type(err).__name__)
                kv, self._whole = None, True
                await asyncio.sleep(1.0)
                self._wake.set()

    async def _whole_floor(self, kv: Any) -> None:
        """Every object put, every key the floor no longer has deleted (a bucket left by an earlier run)."""
        try:
            there = {k for k in await kv.keys() if k != META_KEY}
        except NoKeysError:
            there = set()
        s = self.server
        floor: dict[str, tuple[bytes, bool]] = {}
        for kind, objects in (("queue", s.queues), ("agent", s.agents), ("call", s.calls)):
            for oid, obj in objects.items():
                floor[key_of(kind, oid)] = (msgspec.json.encode(obj), False)
        for key in there - floor.keys():
            floor[key] = (b"", True)
        floor[META_KEY] = (self._meta(), False)
        # what was published meanwhile comes after, in its order
        for key in self._pending:
            floor.pop(key, None)
        self._pending = {**floor, **self._pending}
        log.info("site %s: writing the whole floor to the broker (%d keys)", self.site, len(floor))

    async def _write(self, batch: dict[str, tuple[bytes, bool]]) -> None:
        """Each key put (pipelined), then the same writes, with the revisions the bucket gave them, as one
        message on the delta stream: a relay follows that, a message per write of ours, not one per key."""
        futures = []
        for key, (value, deleted) in batch.items():
            futures.append(await self.js.publish_async(self.prefix + key, value, headers=DELETE if deleted else None))
        if not futures:
            return
        acks = await asyncio.wait_for(asyncio.gather(*futures), 10)
        self.written += len(futures)
        entries = [b'[%d,"%s",%s,%s]' % (ack.seq, key.encode(), b"true" if deleted else b"false", value or b"null")
                   for ack, (key, (value, deleted)) in zip(acks, batch.items())]
        chunk: list[bytes] = []
        size = 0
        for e in entries:
            if chunk and size + len(e) > DELTAS_MAX_BYTES:
                await self.js.publish(self.deltas, b"[" + b",".join(chunk) + b"]")
                chunk, size = [], 0
            chunk.append(e)
            size += len(e) + 1
        await self.js.publish(self.deltas, b"[" + b",".join(chunk) + b"]")

    # -- monitoring for relays' boards ---------------------------------------------------------

    async def _command(self, msg: Msg) -> None:
        now = self.server.clock()
        try:
            fwd = msgspec.json.decode(msg.data, type=Forwarded)
            cmd = decode_client(bytes(fwd.command))
            if not isinstance(cmd, Command):
                raise FrameRejected("bad_request", "not a command")
        except (msgspec.ValidationError, msgspec.DecodeError, FrameRejected) as err:
            log.warning("site %s: dropped a relayed command: %s", self.site, err)
            await msg.respond(encode(CommandResult(req_id="", ts=now, ok=False, error=ErrorInfo(
                code="bad_request", message="the relayed command could not be read"))))
            return
        peer = self._peer(fwd)
        handler = self.server.on_command
        if handler is None or not cmd.action.startswith("monitor."):
            result = CommandResult(req_id=cmd.req_id, ts=now, ok=False, error=ErrorInfo(
                code="not_supported", message=f"this site does not take {cmd.action!r} through a relay"))
        else:
            try:
                result = await handler(cmd, peer)
            except Exception:
                log.exception("relayed command %s failed", cmd.action)
                result = CommandResult(req_id=cmd.req_id, ts=now, ok=False, error=ErrorInfo(
                    code="backend_error", message="the bridge failed to carry out the command"))
        await msg.respond(encode(result))

    def _peer(self, fwd: Forwarded) -> Peer:
        key = (fwd.relay, fwd.board)
        teams = frozenset(fwd.teams) if fwd.teams is not None else None
        principal = Principal(fwd.name, "supervisor" if fwd.role == "supervisor" else "viewer", teams)
        self._relays.setdefault(fwd.relay, time.monotonic())
        peer = self._boards.get(key)
        if peer is None or peer.principal != principal:
            subject = to_board_subject(self.site, fwd.relay, fwd.board)
            peer = Peer(None, f"relay {fwd.relay}", principal, relay=self._sender(subject))
            self._boards[key] = peer
        return peer

    def _sender(self, subject: str) -> Callable[[bytes], None]:
        def send(frame: bytes) -> None:  # after the changes published before it (the tile's mark)
            self._after.append((subject, frame))
            self._wake.set()
        return send

    async def _left(self, msg: Msg) -> None:
        try:
            left = msgspec.json.decode(msg.data, type=Left)
        except (msgspec.ValidationError, msgspec.DecodeError) as err:
            log.warning("site %s: dropped a relay's 'left': %s", self.site, err)
            return
        peer = self._boards.pop((left.relay, left.board), None)
        if peer is not None and self.server.on_disconnect is not None:
            self.server.on_disconnect(peer)


class Broker(msgspec.Struct, frozen=True, kw_only=True):
    """Where the broker is and how to log in (the password from the keychain or the environment, never a flag)."""

    url: str
    user: str = ""
    password: str = ""
    creds: str = ""  # a NATS .creds file (JWT and key)
    sites: tuple[str, ...] = ()  # a bridge's site, or the sites a relay serves


def _nothing() -> None:
    pass


@dataclass
class LinkHooks:
    """Who hears that the link to the broker went and came back: set once what needs the connection is made."""

    lost: Callable[[], None] = _nothing
    back: Callable[[], None] = _nothing


async def connect(broker: Broker, name: str, hooks: LinkHooks | None = None) -> Client:
    """Connected, retrying for ever once connected (``hooks`` hear when the link goes and returns);
    the first connection's failure is raised, for a one-line message."""
    hooks = hooks or LinkHooks()

    async def disconnected() -> None:
        hooks.lost()

    async def reconnected() -> None:
        hooks.back()

    async def error(err: Exception) -> None:
        log.warning("broker %s: %s", broker.url, err or type(err).__name__)

    kwargs: dict[str, Any] = {}
    if broker.user:
        kwargs.update(user=broker.user, password=broker.password)
    if broker.creds:
        kwargs.update(user_credentials=broker.creds)
    # nats-py retries even a first connection for ever when reconnecting is allowed: a wrong address or password
    # would hang the start. One try first, without, so that mistake is said at once.
    seen: list[Exception] = []

    async def refused(err: Exception) -> None:
        seen.append(err)
    try:
        probe = await nats.connect(broker.url, name=name, allow_reconnect=False, connect_timeout=5, error_cb=refused,
                                   max_reconnect_attempts=1, reconnect_time_wait=0.2, **kwargs)
    except Exception as err:  # noqa: BLE001 - whatever it was, its words (the last attempt's), once
        why = seen[-1] if seen else err
        raise ConnectionError(str(why) or type(why).__name__) from None
    await probe.close()
    return await nats.connect(broker.url, name=name, disconnected_cb=disconnected, reconnected_cb=reconnected,
                              error_cb=error, max_reconnect_attempts=-1, reconnect_time_wait=1,
                              allow_reconnect=True, connect_timeout=5, **kwargs)
