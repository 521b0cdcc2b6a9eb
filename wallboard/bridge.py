"""``wallboard-asterisk-bridge``: a real Asterisk feeds the boards.

  wallboard-asterisk-bridge --ami-host pbx.example --ami-user wallboard --config bridge.toml \\
      --host 0.0.0.0 --port 8765 --supervisor-token-env SV_TOKEN --token-env TV_TOKEN
  wallboard-asterisk-bridge credentials set --ami-host pbx.example --ami-user wallboard

In-app listening (the call's audio on the supervisor's board, push-to-talk whisper): the bridge runs
an AudioSocket listener for Asterisk to connect to, on 127.0.0.1:8766 when Asterisk is on this host
(``--audio-listen HOST:PORT`` otherwise, reachable by the PBX only; ``--no-audio`` to turn it off).

The AMI secret comes from the OS keychain (``credentials set``) or ``--ami-secret-env VAR``,
never from a flag or the config file. The config file says what AMI does not: queue names
for the board, each queue's wrap-up time, service-level target, short-abandon threshold,
teams, and the centre's time zone (its midnight resets the day's counters).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from typing import Any

from . import __version__, credentials
from .asterisk.audiosocket import AudioHub
from .asterisk.bridge import AmiSettings, AsteriskBridge
from .asterisk.floor import AsteriskFloor, QueueConfig
from .asterisk.history import QueueLogHistory
from .bridgecli import (
    ConfigError,
    add_broker_arguments,
    add_history_arguments,
    add_outcome_arguments,
    broker_from,
    broker_words,
    check_keys,
    day_start_of,
    history_path,
    host_port,
    outbound_of,
    queue_tables,
    read_config,
    run_bridge,
    secret_from,
    start_mirror,
    start_outbound,
    stop_mirror,
    teams_of,
    utc_offset_of,
    webhook_from,
)
from .core.history import QueueRules
from .core.outbound import DEFAULT_RULES, OutboundRules
from .feed.broker import Broker
from .feed.historystore import HistoryStore
from .feed.recorder import HistoryRecorder
from .feed.reports import ReportDesk
from .feed.server import FeedServer
from .feed.serving import Serving, add_serving_arguments, serving_from

SERVICE = "wallboard-asterisk"
DEFAULT_QUEUE_LOG = "/var/log/asterisk/queue_log"
log = logging.getLogger("wallboard.bridge")


def ami_account(host: str, port: int, user: str) -> str:
    return f"ami://{user}@{host.lower()}:{port}"


def load_config(raw: dict[str, Any]) -> tuple[dict[str, QueueConfig], dict[str, str], int]:
    """Queues, teams (member name or interface → team) and the UTC offset, each key checked."""
    check_keys(raw, "", {"queues", "teams", "utc_offset_min", "day_start", "outbound"})
    outbound_of(raw)  # checked here; read by the caller
    day_start_of(raw)  # checked here; read by the caller
    queues: dict[str, QueueConfig] = {}
    for qid, table in queue_tables(raw, {"name", "wrapup_s", "sl_target_pct", "short_abandon_s"},
                                   (("wrapup_s", 0, 3600), ("sl_target_pct", 0, 100), ("short_abandon_s", 0, 600))):
        queues[qid] = QueueConfig(name=table.get("name", ""), wrapup_s=int(table.get("wrapup_s", 0)),
                                  sl_target_pct=float(table.get("sl_target_pct", 80.0)),
                                  short_abandon_s=int(table.get("short_abandon_s", 0)))
    return queues, teams_of(raw), utc_offset_of(raw)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wallboard-asterisk-bridge", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", nargs="?", choices=("serve", "credentials"), default="serve")
    p.add_argument("verb", nargs="?", choices=("set", "delete", "status"), help="credentials: what to do")
    g = p.add_argument_group("Asterisk Manager Interface")
    g.add_argument("--ami-host", default="127.0.0.1", help="Asterisk's address (default 127.0.0.1)")
    g.add_argument("--ami-port", type=int, default=5038, help="AMI port (default 5038)")
    g.add_argument("--ami-user", default="wallboard", help="the manager.conf user (default wallboard)")
    g.add_argument("--ami-secret-env", metavar="VAR",
                   help="read the AMI secret from environment variable VAR (default: the OS keychain)")
    g.add_argument("--resync", type=float, default=60.0, metavar="SECONDS",
                   help="take the whole floor from Asterisk again this often: `queue reload` changes members "
                        "without an event (default 60; 10…3600)")
    a = p.add_argument_group("in-app listening (AudioSocket, Asterisk 18 or later)")
    a.add_argument("--audio-listen", metavar="HOST:PORT",
                   help="where Asterisk connects with the call's audio (default 127.0.0.1:8766 when --ami-host is "
                        "this machine, else off); let only the PBX reach it")
    a.add_argument("--audio-advertise", metavar="HOST:PORT",
                   help="the address Asterisk is told to dial, if it reaches the listener by another (NAT)")
    a.add_argument("--no-audio", action="store_true", help="no in-app listening: supervisors' phones only")
    h = add_history_arguments(p, "history (today's counters from Asterisk's queue_log: they survive any restart)")
    h.add_argument("--queue-log", metavar="PATH",
                   help="Asterisk's queue_log (default /var/log/asterisk/queue_log when it is on this machine)")
    add_outcome_arguments(p, "outbound results (UserEvent WallboardOutcome from AMI; a CRM's signed webhook)")
    p.add_argument("--config", metavar="TOML", help="queues (names, wrap-up, targets), teams, time zone, day_start")
    p.add_argument("--check", action="store_true",
                   help="check the flags, the config, the secret and the tokens, say what would run, and exit")
    p.add_argument("--version", action="version", version=f"wallboard-asterisk-bridge {__version__}")
    add_broker_arguments(p, "fan-out through a NATS JetStream broker, for wallboard-relay (optional)")
    add_serving_arguments(p)
    return p


def main(argv: list[str] | None = None) -> int:
    p = _parser()
    args = p.parse_args(argv)
    account = ami_account(args.ami_host, args.ami_port, args.ami_user)
    if args.command == "credentials":
        if args.verb is None:
            p.error("credentials: say set, delete or status")
        return credentials.run_cli("wallboard-asterisk-bridge credentials", args.verb, account, SERVICE,
                                   "AMI secret", "use --ami-secret-env VAR instead")
    queues: dict[str, QueueConfig] = {}
    teams: dict[str, str] = {}
    offset, day_start, rules = 540, 0, DEFAULT_RULES
    if args.config:
        try:
            raw = read_config(args.config, p)
            queues, teams, offset = load_config(raw)
            day_start, rules = day_start_of(raw), outbound_of(raw)
        except ConfigError as err:
            p.error(f"--config {args.config}: {err}")
    secret = secret_from(p, args.ami_secret_env, account, SERVICE, "AMI secret",
                         f"wallboard-asterisk-bridge credentials set --ami-host {args.ami_host} "
                         f"--ami-user {args.ami_user}", "--ami-secret-env")
    if not 10 <= args.resync <= 3600:
        p.error(f"--resync: between 10 and 3600 seconds, got {args.resync:g}")
    serving = serving_from(args, p)
    audio = audio_from(args, p)
    history = history_from(args, p)
    webhook = webhook_from(args, p)
    broker = broker_from(args, p)
    if args.check:
        print(f"wallboard-asterisk-bridge: ok: AMI {args.ami_host}:{args.ami_port} as {args.ami_user}, "
              f"{len(queues)} queues configured, serving {'wss' if serving.tls else 'ws'}://{serving.host}:"
              f"{serving.port} to {len(serving.principals)} token(s)"
              f"{' and anonymous viewers' if serving.anonymous else ''}; in-app listening "
              f"{'off' if audio is None else 'on ' + audio[0] + ':' + str(audio[1])}; history "
              f"{'off' if history is None else 'from ' + history[1] + ' in ' + history[0]}; outcome webhook "
              f"{'off' if webhook is None else 'on ' + webhook[0] + ':' + str(webhook[1])}{broker_words(broker)}")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run_bridge("wallboard-asterisk-bridge", serve(
        AmiSettings(args.ami_host, args.ami_port, args.ami_user, secret), queues, teams, offset, serving, args.resync,
        audio, args.audio_advertise or "", history, day_start, rules, webhook, broker))


def history_from(args: argparse.Namespace, p: argparse.ArgumentParser) -> tuple[str, str] | None:
    """(the store, the queue_log) or None: no history."""
    if args.no_history:
        if args.queue_log or args.history:
            p.error("--no-history with --queue-log or --history: choose")
        return None
    log_path = args.queue_log
    if not log_path and args.ami_host in ("127.0.0.1", "::1", "localhost") and os.path.exists(DEFAULT_QUEUE_LOG):
        log_path = DEFAULT_QUEUE_LOG
    if not log_path:
        return None
    return history_path(args.history), log_path


def audio_from(args: argparse.Namespace, p: argparse.ArgumentParser) -> tuple[str, int] | None:
    """Where the audio hub listens (None: no in-app listening)."""
    if args.no_audio:
        if args.audio_listen:
            p.error("--no-audio and --audio-listen: choose one")
        return None
    if args.audio_advertise:
        host_port(args.audio_advertise, "--audio-advertise", p)
    if args.audio_listen:
        return host_port(args.audio_listen, "--audio-listen", p)
    if args.ami_host in ("127.0.0.1", "::1", "localhost"):
        return "127.0.0.1", 8766
    return None


async def serve(ami: AmiSettings, queues: dict[str, QueueConfig], teams: dict[str, str], utc_offset_min: int,
                serving: Serving, resync_s: float = 60.0, audio: tuple[str, int] | None = None,
                advertise: str = "", history: tuple[str, str] | None = None, day_start_min: int = 0,
                outbound: OutboundRules = DEFAULT_RULES, webhook: tuple[str, int, str] | None = None,
                broker: Broker | None = None) -> None:
    def now() -> int:
        return int(time.time() * 1000)
    server = FeedServer(now, principals=serving.principals, anonymous=serving.anonymous,
                        heartbeat_s=serving.heartbeat_s, name=f"asterisk {ami.host}", coalesce_s=serving.coalesce_s)
    hub = AudioHub(lambda sid, pcm: None, host=audio[0], port=audio[1], advertise=advertise) if audio else None
    floor = AsteriskFloor(now(), queues, teams, utc_offset_min, day_start_min)
    qlog, store = None, None
    if history is not None:
        store = HistoryStore(history[0])
        qlog = QueueLogHistory(store, history[1], floor.day_start_of(now()),
                               wrapup_s={q: c.wrapup_s for q, c in queues.items()},
                               rules={q: QueueRules(short_abandon_s=c.short_abandon_s) for q, c in queues.items()})
        log.info("history: %s followed into %s (today from %s)", history[1], history[0],
                 time.strftime("%Y-%m-%d %H:%M", time.localtime(qlog.day_start / 1000)))
    else:
        log.info("history is off: today's counters run from the bridge's start (--queue-log PATH to keep them)")
    bridge = AsteriskBridge(ami, server, floor, resync_s=resync_s, audio=hub, history=qlog)
    if qlog is not None:  # queue_log has no login of a static member: the floor's own, by member name
        bridge.recorder = HistoryRecorder(qlog.store, calls=False, kinds=frozenset({"login"}), by_name=True)
    reports = ReportDesk(history[0], now, {q: QueueRules(short_abandon_s=c.short_abandon_s) for q, c in queues.items()}) \
        if history is not None else None
    if reports is not None:
        server.reports = reports.handle
    hook = await start_outbound(server, outbound, floor.day_start_of, now(), store, webhook)
    if hub is not None:
        try:
            await hub.start()
        except OSError as err:
            raise OSError(f"in-app listening on {hub.host}:{hub.port}: {err.strerror or err} (another bridge there? "
                          f"--audio-listen HOST:PORT elsewhere, or --no-audio)") from None
    else:
        log.info("in-app listening is off (Asterisk is not on this machine: give --audio-listen HOST:PORT)")
    mirror = await start_mirror(server, broker)
    port = await server.start(serving.host, serving.port, ssl=serving.tls)
    print(f"serving feed protocol v1 on {'wss' if serving.tls else 'ws'}://{serving.host}:{port} "
          f"from AMI {ami.host}:{ami.port}" + (f"; audio from Asterisk on {hub.advertise}" if hub else ""), flush=True)
    try:
        await bridge.run()
    finally:
        await server.stop()
        await stop_mirror(mirror)
        if hook is not None:
            await hook.stop()
        if hub is not None:
            await hub.stop()
        if qlog is not None:
            qlog.close()
            qlog.store.close()
        if reports is not None:
            reports.close()


if __name__ == "__main__":
    sys.exit(main())
