"""``wallboard-asterisk-bridge``: a real Asterisk feeds the boards.

  wallboard-asterisk-bridge --ami-host pbx.example --ami-user wallboard --config bridge.toml \\
      --host 0.0.0.0 --port 8765 --supervisor-token-env SV_TOKEN --token-env TV_TOKEN
  wallboard-asterisk-bridge credentials set --ami-host pbx.example --ami-user wallboard

The AMI secret comes from the OS keychain (``credentials set``) or ``--ami-secret-env VAR``,
never from a flag or the config file. The config file says what AMI does not: queue names
for the board, each queue's wrap-up time, service-level target, short-abandon threshold,
teams, and the centre's time zone (its midnight resets the day's counters).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
import tomllib
from typing import Any

from . import __version__, credentials
from .asterisk.bridge import AmiSettings, AsteriskBridge
from .asterisk.floor import AsteriskFloor, QueueConfig
from .core.profile import settings_text
from .feed.server import FeedServer
from .feed.serving import Serving, add_serving_arguments, serving_from

SERVICE = "wallboard-asterisk"
log = logging.getLogger("wallboard.bridge")


class ConfigError(ValueError):
    """A bad bridge config; the message names the key."""


def ami_account(host: str, port: int, user: str) -> str:
    return f"ami://{user}@{host.lower()}:{port}"


def load_config(raw: dict[str, Any]) -> tuple[dict[str, QueueConfig], dict[str, str], int]:
    """Queues, teams (member name or interface → team) and the UTC offset, each key checked."""
    unknown = set(raw) - {"queues", "teams", "utc_offset_min"}
    if unknown:
        raise ConfigError(f"{sorted(unknown)[0]}: unknown setting (expected queues, teams, utc_offset_min)")
    offset = raw.get("utc_offset_min", 540)
    if not isinstance(offset, int) or not -720 <= offset <= 840:
        raise ConfigError(f"utc_offset_min: minutes east of UTC, -720…840 (Japan: 540); got {offset!r}")
    queues: dict[str, QueueConfig] = {}
    for qid, table in raw.get("queues", {}).items():
        if not isinstance(table, dict):
            raise ConfigError(f"queues.{qid}: expected a table")
        extra = set(table) - {"name", "wrapup_s", "sl_target_pct", "short_abandon_s"}
        if extra:
            raise ConfigError(f"queues.{qid}.{sorted(extra)[0]}: unknown setting")
        for key, lo, hi in (("wrapup_s", 0, 3600), ("sl_target_pct", 0, 100), ("short_abandon_s", 0, 600)):
            v = table.get(key)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi):
                raise ConfigError(f"queues.{qid}.{key}: a number from {lo} to {hi}, got {v!r}")
        name = table.get("name", "")
        if not isinstance(name, str):
            raise ConfigError(f"queues.{qid}.name: expected text")
        queues[qid] = QueueConfig(name=name, wrapup_s=int(table.get("wrapup_s", 0)),
                                  sl_target_pct=float(table.get("sl_target_pct", 80.0)),
                                  short_abandon_s=int(table.get("short_abandon_s", 0)))
    teams: dict[str, str] = {}
    for team, members in raw.get("teams", {}).items():
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise ConfigError(f"teams.{team}: expected a list of member names or interfaces")
        teams.update(dict.fromkeys(members, team))
    return queues, teams, offset


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
    p.add_argument("--config", metavar="TOML", help="queues (names, wrap-up, targets), teams, time zone")
    p.add_argument("--check", action="store_true",
                   help="check the flags, the config, the secret and the tokens, say what would run, and exit")
    p.add_argument("--version", action="version", version=f"wallboard-asterisk-bridge {__version__}")
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
    offset = 540
    if args.config:
        try:
            with open(args.config, "rb") as f:
                text, _ = settings_text(f.read())
            queues, teams, offset = load_config(tomllib.loads(text))
        except OSError as err:
            p.error(f"--config {args.config}: {err.strerror}")
        except ValueError as err:  # bad encoding, TOMLDecodeError, ConfigError
            p.error(f"--config {args.config}: {err}")
    if args.ami_secret_env:
        secret = os.environ.get(args.ami_secret_env) or ""
        if not secret:
            p.error(f"--ami-secret-env: environment variable {args.ami_secret_env} is empty or unset")
    else:
        try:
            secret = credentials.lookup(account, SERVICE) or ""
        except credentials.CredentialError as err:
            p.error(f"AMI secret: {err}; or give --ami-secret-env VAR")
        if not secret:
            p.error(f"no AMI secret for {account}: store it with `wallboard-asterisk-bridge credentials set "
                    f"--ami-host {args.ami_host} --ami-user {args.ami_user}`, or give --ami-secret-env VAR")
    if not 10 <= args.resync <= 3600:
        p.error(f"--resync: between 10 and 3600 seconds, got {args.resync:g}")
    serving = serving_from(args, p)
    if args.check:
        print(f"wallboard-asterisk-bridge: ok: AMI {args.ami_host}:{args.ami_port} as {args.ami_user}, "
              f"{len(queues)} queues configured, serving {'wss' if serving.tls else 'ws'}://{serving.host}:"
              f"{serving.port} to {len(serving.principals)} token(s)"
              f"{' and anonymous viewers' if serving.anonymous else ''}")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(serve(AmiSettings(args.ami_host, args.ami_port, args.ami_user, secret), queues, teams, offset,
                          serving, args.resync))
    except KeyboardInterrupt:
        return 0
    except OSError as err:
        print(f"wallboard-asterisk-bridge: cannot listen on {serving.host}:{serving.port}: {err.strerror}",
              file=sys.stderr)
        return 1
    return 0


async def serve(ami: AmiSettings, queues: dict[str, QueueConfig], teams: dict[str, str], utc_offset_min: int,
                serving: Serving, resync_s: float = 60.0) -> None:
    def now() -> int:
        return int(time.time() * 1000)
    server = FeedServer(now, principals=serving.principals, anonymous=serving.anonymous,
                        heartbeat_s=serving.heartbeat_s, name=f"asterisk {ami.host}")
    bridge = AsteriskBridge(ami, server, AsteriskFloor(now(), queues, teams, utc_offset_min), resync_s=resync_s)
    port = await server.start(serving.host, serving.port, ssl=serving.tls)
    print(f"serving feed protocol v1 on {'wss' if serving.tls else 'ws'}://{serving.host}:{port} "
          f"from AMI {ami.host}:{ami.port}", flush=True)
    try:
        await bridge.run()
    finally:
        await server.stop()


if __name__ == "__main__":
    sys.exit(main())
