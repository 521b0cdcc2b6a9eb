"""A relay: feed protocol v1 to any number of boards, from sites' buckets on a NATS JetStream broker.

The relay keeps nothing of its own: each site's bucket (see :mod:`.broker`) is watched — every key's
current value, then each change — and what it holds is served through an ordinary :class:`FeedServer`
(handshake, tokens, roles, heartbeats, resync, TLS, coalesced frames: the boards do not change). Run as
many as needed; a board may reconnect to any of them and gets the floor as it is now.

Several sites merge into one floor (a head office's board): ids become ``<site>/<id>`` (agents, queues,
calls, teams, sessions), a queue's name gets its site. A site whose bridge goes silent — no beat for
``silent_s`` — is not dropped: its last floor stays, and the relay's source says which site is not live
and since when, as a bridge says its PBX is away. So does a broker that is out of reach.

Monitoring is asked of the bridge that owns the site's PBX (it decides, and audits); in-app audio is not
carried through a relay (a supervisor listens on their phone).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import msgspec
import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.api import DeliverPolicy
from nats.js.errors import BucketNotFoundError

from ..core.errors import FrameRejected
from ..core.model import Agent, Call, CallState, Queue
from ..core.protocol import (
    AlertAck,
    Command,
    CommandResult,
    ErrorInfo,
    Gone,
    MonitorUpdate,
    Source,
    SourceReason,
    decode_server,
)
from ..core.protocol import encode as encode_message
from .broker import (
    META_KEY,
    RELAY_BEAT_S,
    DeltaEntry,
    Forwarded,
    Left,
    SiteMeta,
    bucket,
    bucket_of,
    check_site,
    command_subject,
    deltas_subject,
    id_of,
    kv_stream,
    left_subject,
    relay_subject,
    stop_tasks,
    to_board_subject,
    told_to_stop,
)
from .server import FeedServer, Peer

log = logging.getLogger(__name__)
Obj = Agent | Queue | Call
_TYPES: dict[str, type[Obj]] = {"agent": Agent, "queue": Queue, "call": Call}


class RelayedAck(msgspec.Struct, frozen=True):
    relay: str
    ack: msgspec.Raw


@dataclass
class SiteState:
    name: str
    objects: dict[str, Obj] = field(default_factory=dict)  # by key, ids as the site has them
    meta: SiteMeta | None = None
    heard: float = 0.0  # monotonic: when its bridge was last heard (a beat)
    silent_since: int = 0  # the relay's clock, ms: when it stopped being live (0: it is)
    read: bool = False  # its bucket's current values are in the floor served
    rev: int = 0  # the bucket's revision its snapshot was read at (a delta's key at or below it is in it already)
    missing: str = ""  # why it is not read (no bucket yet, the broker away)


class Relay:
    def __init__(self, server: FeedServer, nc: Client, sites: Sequence[str], relay_id: str, *,
                 silent_s: float = 6.0, broker: str = "", mono: Callable[[], float] = time.monotonic) -> None:
        if not sites or len(set(sites)) != len(sites):
            raise ValueError("a relay serves one or more distinct sites")
        self.server, self.nc, self.relay_id = server, nc, check_site(relay_id)
        self.sites = {s: SiteState(check_site(s)) for s in sites}
        self.multi = len(sites) > 1
        self.silent_s, self.broker, self._mono = silent_s, broker, mono
        self.bad: Counter[str] = Counter()  # entries dropped, by why
        self.broker_up = True
        self._tasks: list[asyncio.Task[None]] = []
        self._watches: dict[str, asyncio.Task[None]] = {}
        self._ids = itertools.count(1)
        self._boards: dict[str, Peer] = {}  # board id → peer (boards that sent a command)
        self._board_of: dict[int, str] = {}  # id(peer) → board id
        self._out: list[Obj | Gone] = []  # changes to publish at the end of this turn of the loop
        server.on_command = self.command
        server.on_disconnect = self._left
        server.on_ack = self._ack_taken
        #: the relays of one floor (the same sites) share their boards' acknowledgements
        self.acks_subject = f"wallboard.acks.{'~'.join(sorted(sites))}"
        server.source = Source(state="syncing", since=server.clock(), reason=SourceReason.TAKING_FLOOR.value,
                               detail=", ".join(sites))

    # -- running -----------------------------------------------------------------------------

    async def start(self) -> None:
        for site in self.sites:
            await self.nc.subscribe(to_board_subject(site, self.relay_id, "*"), cb=self._to_board)
        await self.nc.subscribe(self.acks_subject, cb=self._ack_elsewhere)
        self._watch_all()
        self._tasks.append(asyncio.create_task(self._watchdog()))

    async def stop(self) -> None:
        await stop_tasks([*self._tasks, *self._watches.values()])

    def broker_lost(self) -> None:
        self.broker_up = False
        self._judge()

    def broker_back(self) -> None:
        """The broker is back (it may have restarted): every site's bucket read anew."""
        self.broker_up = True
        self._watch_all()

    def _watch_all(self) -> None:
        for site in self.sites:
            old = self._watches.pop(site, None)
            if old is not None:
                old.cancel()
            self._watches[site] = asyncio.create_task(self._watch(self.sites[site]))

    async def _watch(self, st: SiteState) -> None:
        """The site's floor: the bucket's current values (served at once), then each write from the delta stream.

        The delta stream is joined first and held; then the bucket is read up to its last revision (an ordered
        consumer, the last message of every key: a KV watch, each message handled in the callback, not queued
        behind a timer of its own); then what was held and what follows is applied, each key only past the
        revision the snapshot had of it: nothing missed, nothing twice."""
        js = self.nc.jetstream()
        prefix = f"$KV.{bucket_of(st.name)}."
        while True:  # left by the check after ``finally``: a cancel nats-py swallowed is seen there
            subs = []
            try:
                await bucket(js, st.name, create=False)
                held: list[bytes] = []
                read: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                subs.append(await js.subscribe(deltas_subject(st.name), cb=self._deltas(st, held, read),
                                               ordered_consumer=True, deliver_policy=DeliverPolicy.NEW))
                # The current values end at the stream's last message now (it is the last of its key): on a
                # busy site more keep coming, so "nothing pending" may never be seen.
                last = (await js.stream_info(kv_stream(st.name))).state.last_seq
                first: dict[str, Obj] = {}
                if not last:
                    self._read(st, first, held, read, 0)  # an empty bucket
                else:
                    subs.append(await js.subscribe(f"{prefix}>", cb=self._entries(st, prefix, first, held, read, last),
                                                   ordered_consumer=True, deliver_policy=DeliverPolicy.LAST_PER_SUBJECT))
                await asyncio.wait_for(read, 60)
                if len(subs) > 1:
                    await subs.pop().unsubscribe()  # the bucket is read: the delta stream says the rest
                while not told_to_stop():  # a consumer the broker no longer knows (it restarted unseen) is made anew
                    await asyncio.sleep(3 * self.silent_s)
                    if self._mono() - st.heard > 3 * self.silent_s:
                        await subs[0].consumer_info()
            except asyncio.CancelledError:
                raise
            except BucketNotFoundError:
                st.missing = "no bucket yet: the site's bridge has not published"
            except (TimeoutError, nats.errors.Error, OSError) as err:
                st.missing = f"watch lost ({type(err).__name__})"
            finally:
                for sub in subs:
                    try:
                        await sub.unsubscribe()
                    except (nats.errors.Error, OSError):
                        pass
            if told_to_stop():
                break
            log.warning("site %s: %s; reading it again in 1 s", st.name, st.missing)
            self._judge()
            await asyncio.sleep(1.0)

    def _entries(self, st: SiteState, prefix: str, first: dict[str, Obj], held: list[bytes],
                 read: asyncio.Future[None], last: int) -> Callable[[Msg], Awaitable[None]]:
        """The bucket's callback: its current values into ``first`` up to stream sequence ``last``."""
        async def entry(msg: Msg) -> None:
            if read.done():
                return
            meta = msg.metadata
            if msg.header is None or msg.header.get("KV-Operation") not in ("DEL", "PURGE"):
                self._initial(st, first, msg.subject[len(prefix):], msg.data)
            if meta.sequence.stream >= last or meta.num_pending == 0:
                self._read(st, first, held, read, last)
        return entry

    def _deltas(self, st: SiteState, held: list[bytes], read: asyncio.Future[None]) -> Callable[[Msg], Awaitable[None]]:
        async def deltas(msg: Msg) -> None:
            if read.done():
                self._apply(st, msg.data)
            else:
                held.append(msg.data)
        return deltas

    def _read(self, st: SiteState, first: dict[str, Obj], held: list[bytes], read: asyncio.Future[None],
              rev: int) -> None:
        """The site's current values are all in: served now, then the writes held meanwhile, in the same step
        (the next delta is a change to them, not to what the site had before, lost in a load)."""
        st.objects, st.read, st.missing, st.rev = first, True, "", rev
        st.heard = self._mono() - self._beat_age(st)
        self._load()
        for data in held:
            self._apply(st, data)
        held.clear()
        self._judge()
        read.set_result(None)
        log.info("site %s: %d objects read at revision %d; following its deltas", st.name, len(first), rev)

    def _apply(self, st: SiteState, data: bytes) -> None:
        try:
            entries = msgspec.json.decode(data, type=list[DeltaEntry])
        except msgspec.DecodeError as err:
            self._dropped(st, "bad_delta", "a delta message", str(err))
            return
        for rev, key, deleted, value in entries:
            if rev > st.rev:  # else the snapshot had it already (the stream keeps the order: no running maximum)
                self._change(st, key, b"" if value == b"null" else bytes(value), deleted)

    async def _watchdog(self) -> None:
        beat = 0.0
        while True:
            await asyncio.sleep(min(0.5, self.silent_s / 4))
            self._judge()
            if self._mono() - beat >= RELAY_BEAT_S:  # alive, for the bridges holding our boards' sessions
                beat = self._mono()
                try:
                    await self.nc.publish(relay_subject(self.relay_id), b"")
                except (nats.errors.Error, OSError):
                    pass

    # -- the sites' entries ---------------------------------------------------------------------

    def _decode(self, st: SiteState, key: str, value: bytes) -> Obj | SiteMeta | None:
        """The entry's object, or None: dropped alone (counted, its reason logged once)."""
        why, detail = "", ""
        try:
            kind = "meta" if key == META_KEY else id_of(key)[0]
        except ValueError as err:
            why, detail = "bad_key", str(err)
        else:
            try:
                return msgspec.json.decode(value, type=SiteMeta if kind == "meta" else _TYPES[kind])
            except msgspec.DecodeError as err:  # a ValidationError too
                why, detail = "bad_value", str(err)
        self._dropped(st, why, f"an entry {key[:80]}", detail)
        return None

    def _dropped(self, st: SiteState, why: str, what: str, detail: str) -> None:
        self.bad[why] += 1
        if self.bad[why] == 1:
            log.warning("site %s: dropped %s (%s): %s", st.name, what, why, detail[:200])

    def _initial(self, st: SiteState, into: dict[str, Obj], key: str, value: bytes) -> None:
        got = self._decode(st, key, value)
        if isinstance(got, SiteMeta):
            st.meta = got
        elif got is not None:
            into[key] = got

    def _change(self, st: SiteState, key: str, value: bytes, deleted: bool) -> None:
        if deleted:  # an ended call's last state rides on its delete
            gone = st.objects.pop(key, None)
            if gone is None:
                return
            if isinstance(gone, Call):
                got = self._decode(st, key, value) if value else None
                last = got if isinstance(got, Call) else msgspec.structs.replace(
                    gone, state=CallState.ENDED.value, ended_at=self.server.clock())
                self._publish(self._named(st.name, last))
            else:
                self._publish(Gone("agent" if isinstance(gone, Agent) else "queue", self._id(st.name, gone.id)))
            return
        obj = self._decode(st, key, value)
        if obj is None:
            return
        if isinstance(obj, SiteMeta):
            offered = st.meta is None or (st.meta.monitor, st.meta.monitor_off) != (obj.monitor, obj.monitor_off)
            st.meta, st.heard = obj, self._mono()
            if offered:
                self._offer()
            self._judge()
            return
        st.objects[key] = obj
        self._publish(self._named(st.name, obj))

    def _publish(self, obj: Obj | Gone) -> None:
        """Published with the others that came in the same turn of the loop: one publish, not one each."""
        if not self._out:
            asyncio.get_running_loop().call_soon(self._flush)
        self._out.append(obj)

    def _flush(self) -> None:
        out, self._out = self._out, []
        if out:
            self.server.publish(out)

    def _beat_age(self, st: SiteState) -> float:
        """How old the site's last beat is, by the clocks (a bridge dead before the relay started shows at once)."""
        return 0.0 if st.meta is None else max(0.0, (self.server.clock() - st.meta.beat) / 1000)

    def _load(self) -> None:
        self._flush()  # what came before the load goes before it
        floor: list[Obj] = [self._named(st.name, o) for st in self.sites.values() if st.read for o in st.objects.values()]
        self.server.load([o for o in floor if isinstance(o, Agent)], [o for o in floor if isinstance(o, Queue)],
                         [o for o in floor if isinstance(o, Call)])
        self._offer()

    def _offer(self) -> None:
        """What the sites' bridges offer supervisors (their boards reconnect for it if it changed)."""
        modes: list[str] = []
        for st in self.sites.values():
            for m in st.meta.monitor if st.meta is not None else ():
                if m not in modes:
                    modes.append(m)
        offs = [f"{st.name}: {st.meta.monitor_off}" if self.multi else st.meta.monitor_off
                for st in self.sites.values() if st.meta is not None and st.meta.monitor_off]
        off = "; ".join(offs) or "no word from the sites' bridges yet"
        self.server.set_monitoring(tuple(modes), "" if modes else off)

    # -- is it live? ---------------------------------------------------------------------------

    def _site_source(self, st: SiteState, now: int) -> Source | None:
        """The site's source as the relay sees it (None: live)."""
        if not self.broker_up:
            return Source(state="down", since=now, reason=SourceReason.BROKER_LOST.value, detail=self.broker)
        if not st.read or st.meta is None:  # not read, or written by no bridge yet (its floor comes before it)
            return Source(state="syncing", since=now, reason=SourceReason.TAKING_FLOOR.value,
                          detail=st.missing or "no word from the site's bridge yet")
        if self._mono() - st.heard > self.silent_s:
            return Source(state="down", since=now - round((self._mono() - st.heard) * 1000), reason=SourceReason.SITE_SILENT.value,
                          detail=st.name)
        src = st.meta.source if st.meta is not None else None
        return None if src is None or src.up else src

    def _judge(self) -> None:
        """The relay's source, from its sites'; once every site has been read whole, boards get the floor at
        once, whatever is not live (said)."""
        now = self.server.clock()
        if self.server.hold_when_down and all(st.read and st.meta is not None for st in self.sites.values()):
            self.server.serve_when_down()
        worst: Source | None = None
        for st in self.sites.values():
            src = self._site_source(st, now)
            if src is None:
                st.silent_since = 0
                continue
            st.silent_since = st.silent_since or src.since or now
            src = msgspec.structs.replace(src, since=st.silent_since)
            if self.multi and src.reason != SourceReason.SITE_SILENT.value:
                src = msgspec.structs.replace(src, detail=f"{st.name}: {src.detail}" if src.detail else st.name)
            if worst is None or src.since < worst.since:
                worst = src
        if worst is None:
            self.server.source = Source(state="up", since=self._up_since(now))
        else:
            self.server.source = worst

    def _up_since(self, now: int) -> int:
        cur = self.server.source
        return cur.since if cur is not None and cur.up else now

    # -- names on a merged floor -----------------------------------------------------------------

    def _id(self, site: str, oid: str) -> str:
        return f"{site}/{oid}" if self.multi else oid

    def _named(self, site: str, obj: Obj) -> Obj:
        if not self.multi:
            return obj
        n = self._id
        if isinstance(obj, Agent):
            return msgspec.structs.replace(obj, id=n(site, obj.id), team=n(site, obj.team) if obj.team else "",
                                           queues=tuple(n(site, q) for q in obj.queues),
                                           call_id=n(site, obj.call_id) if obj.call_id else None)
        if isinstance(obj, Queue):
            return msgspec.structs.replace(obj, id=n(site, obj.id), name=f"{obj.name or obj.id} ({site})")
        return msgspec.structs.replace(obj, id=n(site, obj.id), queue=n(site, obj.queue),
                                       agent_id=n(site, obj.agent_id) if obj.agent_id else None)

    def _site_of(self, oid: object) -> tuple[str, str] | None:
        """(site, the site's id) of an id on the served floor."""
        if not isinstance(oid, str):
            return None
        if not self.multi:
            return next(iter(self.sites)), oid
        site, sep, rest = oid.partition("/")
        return (site, rest) if sep and site in self.sites else None

    # -- monitoring through the relay --------------------------------------------------------------

    async def command(self, cmd: Command, peer: Peer) -> CommandResult:
        """A board's monitor.* command, asked of the bridge that owns the agent's site."""
        def error(code: str, words: str) -> CommandResult:
            return CommandResult(req_id=cmd.req_id, ts=self.server.clock(), ok=False,
                                 error=ErrorInfo(code=code, message=words))
        if not cmd.action.startswith("monitor."):
            return error("not_supported", f"a relay does not take {cmd.action!r}")
        if cmd.args.get("audio"):
            return error("not_supported", "in-app audio is not carried through a relay: listen on your phone")
        field_ = "agent_id" if cmd.action == "monitor.start" else "session_id"
        where = self._site_of(cmd.args.get(field_))
        if where is None:
            return error("not_found", f"no {field_.replace('_', ' ')} {cmd.args.get(field_)!r} here")
        site, local = where
        teams = peer.principal.teams
        if self.multi and teams is not None:
            teams = frozenset(t.partition("/")[2] for t in teams if t.startswith(f"{site}/"))
        board = self._board(peer)
        fwd = Forwarded(relay=self.relay_id, board=board, name=peer.principal.name, role=peer.principal.role,
                        teams=tuple(sorted(teams)) if teams is not None else None,
                        command=msgspec.Raw(encode_message(msgspec.structs.replace(
                            cmd, args={**cmd.args, field_: local}))))
        try:
            reply = await self.nc.request(command_subject(site), msgspec.json.encode(fwd), timeout=5)
            result = decode_server(reply.data)
        except (TimeoutError, nats.errors.Error, FrameRejected) as err:
            log.warning("site %s: %s not answered: %s", site, cmd.action, type(err).__name__)
            return error("backend_error", f"site {site}'s bridge did not answer")
        if not isinstance(result, CommandResult):
            return error("backend_error", f"site {site}'s bridge answered with {type(result).__name__}")
        sid = (result.result or {}).get("session_id")
        if isinstance(sid, str):
            result = msgspec.structs.replace(result, result={**(result.result or {}), "session_id": self._id(site, sid)})
        return msgspec.structs.replace(result, req_id=cmd.req_id)

    def _board(self, peer: Peer) -> str:
        board = self._board_of.get(id(peer))
        if board is None:
            board = f"b{next(self._ids)}"
            self._board_of[id(peer)], self._boards[board] = board, peer
        return board

    async def _to_board(self, msg: Msg) -> None:
        """A session's update from a site's bridge, to the board of ours that started it."""
        site, board = msg.subject.split(".")[1], msg.subject.rsplit(".", 1)[1]
        peer = self._boards.get(board)
        try:
            upd = decode_server(msg.data)
        except FrameRejected as err:
            self.bad["bad_update"] += 1
            log.warning("site %s: dropped a session update: %s", site, err.detail[:200])
            return
        if peer is None or not isinstance(upd, MonitorUpdate) or site not in self.sites:
            return
        n = self._id
        self.server.send_to(peer, msgspec.structs.replace(
            upd, session_id=n(site, upd.session_id), agent_id=n(site, upd.agent_id),
            call_id=n(site, upd.call_id) if upd.call_id else None))

    def _ack_taken(self, ack: AlertAck) -> None:
        frame = msgspec.json.encode(RelayedAck(relay=self.relay_id, ack=msgspec.Raw(encode_message(ack))))
        asyncio.ensure_future(self.nc.publish(self.acks_subject, frame))

    async def _ack_elsewhere(self, msg: Msg) -> None:
        """An acknowledgement another relay of this floor took: its boards and ours show the same."""
        try:
            got = msgspec.json.decode(msg.data, type=RelayedAck)
            ack = decode_server(bytes(got.ack))
        except (msgspec.DecodeError, FrameRejected) as err:
            self._dropped(next(iter(self.sites.values())), "bad_ack", "an acknowledgement", str(err))
            return
        if got.relay != self.relay_id and isinstance(ack, AlertAck):
            self.server.keep_ack(ack)

    def _left(self, peer: Peer) -> None:
        board = self._board_of.pop(id(peer), None)
        if board is None:
            return
        self._boards.pop(board, None)
        frame = msgspec.json.encode(Left(relay=self.relay_id, board=board))
        for site in self.sites:
            asyncio.ensure_future(self.nc.publish(left_subject(site), frame))
