"""``wallboard-freeswitch-bridge``: a real FreeSWITCH (mod_callcenter) feeds the boards.

  wallboard-freeswitch-bridge --esl-host pbx.example --config bridge.toml \\
      --host 0.0.0.0 --port 8765 --supervisor-token-env SV_TOKEN --token-env TV_TOKEN
  wallboard-freeswitch-bridge credentials set --esl-host pbx.example

The event-socket password comes from the OS keychain (``credentials set``) or ``--esl-password-env
VAR``, never from a flag or the config file. The config file says what the event socket does not:
queue names for the board, each queue's service-level threshold and target, the short-abandon
threshold, agents' display names, teams, and the centre's time zone (its midnight resets the day).
Listen / whisper / barge ring the supervisor's endpoint (a dial string: ``user/1000``,
``sofia/gateway/office/1000``) into eavesdrop; there is no in-app audio with FreeSWITCH.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from typing import Any

from . import __version__, credentials
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
from .freeswitch.bridge import EslSettings, FreeSwitchBridge
from .freeswitch.floor import FreeSwitchFloor, QueueConfig

SERVICE = "wallboard-freeswitch"
PROG = "wallboard-freeswitch-bridge"
log = logging.getLogger("wallboard.fsbridge")


def esl_account(host: str, port: int) -> str:
    return f"esl://{host.lower()}:{port}"


def load_config(raw: dict[str, Any]) -> tuple[dict[str, QueueConfig], dict[str, str], dict[str, str], int]:
    """Queues, teams (agent → team), names (agent → shown name) and the UTC offset, each key checked."""
    check_keys(raw, "", {"queues", "teams", "names", "utc_offset_min", "day_start", "outbound"})
    day_start_of(raw)  # checked here; read by the caller
    outbound_of(raw)
    queues = {qid: QueueConfig(name=table.get("name", ""), sl_target_pct=float(table.get("sl_target_pct", 80.0)),
                               sl_threshold_s=int(table.get("sl_threshold_s", 20)),
                               short_abandon_s=int(table.get("short_abandon_s", 0)))
              for qid, table in queue_tables(raw, {"name", "sl_target_pct", "sl_threshold_s", "short_abandon_s"},
                                             (("sl_target_pct", 0, 100), ("sl_threshold_s", 1, 3600),
                                              ("short_abandon_s", 0, 600)))}
    names = raw.get("names", {})
    if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
        raise ConfigError('names: a table of agent = "shown name" (e.g. "1001@default" = "田中")')
    return queues, teams_of(raw), dict(names), utc_offset_of(raw)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", nargs="?", choices=("serve", "credentials"), default="serve")
    p.add_argument("verb", nargs="?", choices=("set", "delete", "status"), help="credentials: what to do")
    g = p.add_argument_group("FreeSWITCH event socket (mod_event_socket)")
    g.add_argument("--esl-host", default="127.0.0.1", help="FreeSWITCH's address (default 127.0.0.1)")
    g.add_argument("--esl-port", type=int, default=8021, help="event socket port (default 8021)")
    g.add_argument("--esl-password-env", metavar="VAR",
                   help="read the event socket's password from environment variable VAR (default: the OS keychain)")
    g.add_argument("--resync", type=float, default=60.0, metavar="SECONDS",
                   help="take the whole floor again this often: tiers and agents change without an event "
                        "(default 60; 10…3600)")
    add_history_arguments(p, "history (today's counters survive a restart; reports on the desks)")
    add_outcome_arguments(p, "outbound results (a CRM's signed webhook)")
    p.add_argument("--config", metavar="TOML", help="queues (names, targets), agents' names, teams, time zone")
    p.add_argument("--check", action="store_true",
                   help="check the flags, the config, the password and the tokens, say what would run, and exit")
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    add_broker_arguments(p, "fan-out through a NATS JetStream broker, for wallboard-relay (optional)")
    add_serving_arguments(p)
    return p


def main(argv: list[str] | None = None) -> int:
    p = _parser()
    args = p.parse_args(argv)
    if not 0 < args.esl_port < 65536:
        p.error(f"--esl-port: 1…65535, got {args.esl_port}")
    account = esl_account(args.esl_host, args.esl_port)
    if args.command == "credentials":
        if args.verb is None:
            p.error("credentials: say set, delete or status")
        return credentials.run_cli(f"{PROG} credentials", args.verb, account, SERVICE, "event socket password",
                                   "use --esl-password-env VAR instead")
    queues: dict[str, QueueConfig] = {}
    teams: dict[str, str] = {}
    names: dict[str, str] = {}
    offset, day_start, outbound = 540, 0, DEFAULT_RULES
    if args.config:
        try:
            raw = read_config(args.config, p)
            queues, teams, names, offset = load_config(raw)
            day_start, outbound = day_start_of(raw), outbound_of(raw)
        except ConfigError as err:
            p.error(f"--config {args.config}: {err}")
    password = secret_from(p, args.esl_password_env, account, SERVICE, "event socket password",
                           f"{PROG} credentials set --esl-host {args.esl_host} --esl-port {args.esl_port}",
                           "--esl-password-env")
    if not 10 <= args.resync <= 3600:
        p.error(f"--resync: between 10 and 3600 seconds, got {args.resync:g}")
    serving = serving_from(args, p)
    if args.no_history and args.history:
        p.error("--no-history with --history: choose")
    history = None if args.no_history else history_path(args.history)
    webhook = webhook_from(args, p)
    broker = broker_from(args, p)
    if args.check:
        print(f"{PROG}: ok: event socket {args.esl_host}:{args.esl_port}, {len(queues)} queues configured, "
              f"serving {'wss' if serving.tls else 'ws'}://{serving.host}:{serving.port} to "
              f"{len(serving.principals)} token(s){' and anonymous viewers' if serving.anonymous else ''}; "
              f"history {'off' if history is None else 'in ' + history}; outcome webhook "
              f"{'off' if webhook is None else 'on ' + webhook[0] + ':' + str(webhook[1])}{broker_words(broker)}")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run_bridge(PROG, serve(EslSettings(args.esl_host, args.esl_port, password), queues, teams, names, offset,
                                  serving, args.resync, history, day_start, outbound, webhook, broker))


async def serve(esl: EslSettings, queues: dict[str, QueueConfig], teams: dict[str, str], names: dict[str, str],
                utc_offset_min: int, serving: Serving, resync_s: float = 60.0, history: str | None = None,
                day_start_min: int = 0, outbound: OutboundRules = DEFAULT_RULES,
                webhook: tuple[str, int, str] | None = None, broker: Broker | None = None) -> None:
    def now() -> int:
        return int(time.time() * 1000)
    server = FeedServer(now, principals=serving.principals, anonymous=serving.anonymous,
                        heartbeat_s=serving.heartbeat_s, name=f"freeswitch {esl.host}", coalesce_s=serving.coalesce_s)
    floor = FreeSwitchFloor(now(), queues, teams, names, utc_offset_min, day_start_min)
    rules = {q: QueueRules(c.sl_threshold_s, c.short_abandon_s) for q, c in queues.items()}
    recorder = reports = None
    if history is not None:
        recorder = HistoryRecorder(HistoryStore(history), keep_since=floor.day_start_of(now()) - 86_400_000)
        reports = ReportDesk(history, now, rules, names=lambda a: names.get(a) or a)
        server.reports = reports.handle
        log.info("history in %s (today from the store, then what the bridge sees)", history)
    bridge = FreeSwitchBridge(esl, server, floor, resync_s=resync_s, history=recorder, rules=rules)
    hook = await start_outbound(server, outbound, floor.day_start_of, now(), recorder.store if recorder else None,
                                webhook)
    mirror = await start_mirror(server, broker)
    port = await server.start(serving.host, serving.port, ssl=serving.tls)
    print(f"serving feed protocol v1 on {'wss' if serving.tls else 'ws'}://{serving.host}:{port} "
          f"from the event socket {esl.host}:{esl.port}", flush=True)
    try:
        await bridge.run()
    finally:
        await server.stop()
        await stop_mirror(mirror)
        if hook is not None:
            await hook.stop()
        if recorder is not None:
            recorder.store.close()
        if reports is not None:
            reports.close()


if __name__ == "__main__":
    sys.exit(main())
