"""What both bridges' command lines share: the config file's checks, and the PBX secret's lookup."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tomllib
from collections.abc import Callable, Coroutine
from typing import Any

from . import credentials
from .core.outbound import DEFAULT_RULES, OutboundRules, OutcomeRefused, rules_from
from .core.profile import settings_text
from .feed.broker import Broker, BrokerError, LinkHooks, SiteMirror, bucket_of, check_site, connect
from .feed.historystore import HistoryError, HistoryStore
from .feed.outbound import OutboundDesk
from .feed.server import FeedServer
from .feed.webhook import OutcomeWebhook


class ConfigError(ValueError):
    """A bad bridge config; the message names the key."""


class BrokerUnreachable(OSError):
    """The broker could not be reached at start (a person's setting, or the broker down): one line."""


def read_config(path: str, p: argparse.ArgumentParser) -> dict[str, Any]:
    """The TOML file (UTF-8, a BOM or CRLF allowed); a one-line error naming the file otherwise."""
    try:
        with open(path, "rb") as f:
            text, _ = settings_text(f.read())
        return tomllib.loads(text)
    except OSError as err:
        p.error(f"--config {path}: {err.strerror}")
    except ValueError as err:  # bad encoding, TOMLDecodeError
        p.error(f"--config {path}: {err}")


def secret_from(p: argparse.ArgumentParser, env: str | None, account: str, service: str, what: str,
                store: str, flag: str) -> str:
    """The PBX secret: from the environment variable ``env`` if given, else the OS keychain."""
    if env:
        secret = os.environ.get(env) or ""
        if not secret:
            p.error(f"{flag}: environment variable {env} is empty or unset")
        return secret
    try:
        secret = credentials.lookup(account, service) or ""
    except credentials.CredentialError as err:
        p.error(f"{what}: {err}; or give {flag} VAR")
    if not secret:
        p.error(f"no {what} for {account}: store it with `{store}`, or give {flag} VAR")
    return secret


def check_keys(table: dict[str, Any], where: str, known: set[str]) -> None:
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"{where}{sorted(unknown)[0]}: unknown setting (expected {', '.join(sorted(known))})")


def utc_offset_of(raw: dict[str, Any]) -> int:
    offset = raw.get("utc_offset_min", 540)
    if isinstance(offset, bool) or not isinstance(offset, int) or not -720 <= offset <= 840:
        raise ConfigError(f"utc_offset_min: minutes east of UTC, -720…840 (Japan: 540); got {offset!r}")
    return offset


def queue_tables(raw: dict[str, Any], keys: set[str],
                 ranges: tuple[tuple[str, int, int], ...]) -> list[tuple[str, dict[str, Any]]]:
    """Each ``[queues.<id>]`` table, its keys and numbers checked."""
    out = []
    for qid, table in raw.get("queues", {}).items():
        if not isinstance(table, dict):
            raise ConfigError(f"queues.{qid}: expected a table")
        check_keys(table, f"queues.{qid}.", keys)
        for key, lo, hi in ranges:
            v = table.get(key)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi):
                raise ConfigError(f"queues.{qid}.{key}: a number from {lo} to {hi}, got {v!r}")
        if not isinstance(table.get("name", ""), str):
            raise ConfigError(f"queues.{qid}.name: expected text")
        out.append((qid, table))
    return out


def day_start_of(raw: dict[str, Any]) -> int:
    """``day_start = "05:00"``: the local time the day's counters reset (default midnight), in minutes."""
    text = raw.get("day_start", "00:00")
    hh, _, mm = text.partition(":") if isinstance(text, str) else ("", "", "")
    if not (hh.isdigit() and mm.isdigit() and len(mm) == 2 and int(hh) < 24 and int(mm) < 60):
        raise ConfigError(f'day_start: a local time "HH:MM" (e.g. "00:00", "05:00"); got {text!r}')
    return int(hh) * 60 + int(mm)


def add_history_arguments(p: argparse.ArgumentParser, title: str) -> argparse._ArgumentGroup:
    """``--history`` and ``--no-history`` (both bridges); the group is returned for a bridge's own flags."""
    h = p.add_argument_group(title)
    h.add_argument("--history", metavar="SQLITE", help="the history store (default: the service's state directory, "
                                                      "else ~/.local/share/wallboard/history.sqlite)")
    h.add_argument("--no-history", action="store_true",
                   help="no history: counters run from the bridge's start and reset with it")
    return h


def run_bridge(prog: str, main: Coroutine[Any, Any, None]) -> int:
    """Serve until stopped; what stops it early is one line, never a traceback: a history store it cannot use
    (exit 2, a person's setting), a port it cannot listen on (1)."""
    try:
        asyncio.run(main)
    except KeyboardInterrupt:
        return 0
    except HistoryError as err:
        print(f"{prog}: {err}", file=sys.stderr)
        return 2
    except BrokerUnreachable as err:
        print(f"{prog}: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"{prog}: cannot listen: {err.strerror or err}", file=sys.stderr)
        return 1
    return 0


def history_path(given: str | None) -> str:
    """Where the history store lives: as given, else the service's state directory, else the user's."""
    if given:
        return given
    state = os.environ.get("STATE_DIRECTORY")  # systemd's StateDirectory=
    if state:
        return os.path.join(state.split(":")[0], "history.sqlite")
    return os.path.join(os.path.expanduser("~"), ".local", "share", "wallboard", "history.sqlite")


def teams_of(raw: dict[str, Any]) -> dict[str, str]:
    teams: dict[str, str] = {}
    for team, members in raw.get("teams", {}).items():
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise ConfigError(f"teams.{team}: expected a list of member names or interfaces")
        teams.update(dict.fromkeys(members, team))
    return teams


def host_port(text: str, flag: str, p: argparse.ArgumentParser) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) < 65536:  # 0: a free one
        p.error(f"{flag}: expected HOST:PORT (e.g. 127.0.0.1:8766), got {text!r}")
    return host.strip("[]"), int(port)


def outbound_of(raw: dict[str, Any]) -> OutboundRules:
    """The ``[outbound]`` table: ``kinds`` (id, label, positive, connected), ``goals``, ``currency``, ``headline``."""
    table = raw.get("outbound")
    if table is None:
        return DEFAULT_RULES
    if not isinstance(table, dict):
        raise ConfigError("outbound: expected a table")
    check_keys(table, "outbound.", {"kinds", "goals", "currency", "headline"})
    try:
        return rules_from({"kinds": [{"id": k.id, "positive": k.positive, "connected": k.connected}
                                     for k in DEFAULT_RULES.kinds], **table})
    except OutcomeRefused as err:
        raise ConfigError(str(err)) from None


def webhook_from(args: argparse.Namespace, p: argparse.ArgumentParser) -> tuple[str, int, str] | None:
    if args.webhook is None:
        if args.webhook_secret_env:
            p.error("--webhook-secret-env without --webhook HOST:PORT")
        return None
    host, port = host_port(args.webhook, "--webhook", p)
    if not args.webhook_secret_env:
        p.error("--webhook needs --webhook-secret-env VAR (the HMAC secret the CRM signs with)")
    secret = os.environ.get(args.webhook_secret_env) or ""
    if len(secret) < 16:
        p.error(f"--webhook-secret-env: {args.webhook_secret_env} is unset or shorter than 16 characters")
    return host, port, secret


def add_outcome_arguments(p: argparse.ArgumentParser, title: str) -> None:
    w = p.add_argument_group(title)
    w.add_argument("--webhook", metavar="HOST:PORT", help="listen for the CRM's POST /outcomes here (default: off)")
    w.add_argument("--webhook-secret-env", metavar="VAR", help="the environment variable holding its HMAC secret")


async def start_outbound(server: FeedServer, rules: OutboundRules, day_start: Callable[[int], int], now: int,
                         store: HistoryStore | None, webhook: tuple[str, int, str] | None) -> OutcomeWebhook | None:
    """The server's outbound desk (today from the store), and the CRM webhook when asked for."""
    server.outbound = OutboundDesk(rules, day_start, now, store)
    if webhook is None:
        return None
    hook = OutcomeWebhook(server, webhook[2])
    try:
        await hook.start(webhook[0], webhook[1])
    except OSError as err:
        raise OSError(f"the outcome webhook on {webhook[0]}:{webhook[1]}: {err.strerror or err}") from None
    return hook


NATS_SERVICE = "wallboard-nats"


def nats_account(url: str, user: str) -> str:
    host = url.split("://", 1)[-1].split(",", 1)[0]
    return f"nats://{user}@{host}"


def add_broker_arguments(p: argparse.ArgumentParser, title: str, relay: bool = False) -> None:
    b = p.add_argument_group(title)
    b.add_argument("--nats", metavar="URL", help="the NATS JetStream broker (nats://host:4222, tls://host:4222)"
                   + ("" if relay else "; off by default: boards connect to this bridge only"))
    b.add_argument("--site", action="append" if relay else "store", metavar="NAME",
                   help="the site's name (letters, digits, - or _)" + (": again for each site to merge" if relay else ""))
    b.add_argument("--nats-user", metavar="USER", help="the broker's user (its password from the keychain: "
                   "`credentials set --nats URL --nats-user USER`, or --nats-password-env)")
    b.add_argument("--nats-password-env", metavar="VAR", help="the broker's password, from environment variable VAR")
    b.add_argument("--nats-creds", metavar="FILE", help="a NATS .creds file (JWT and seed) instead of a password")


def broker_from(args: argparse.Namespace, p: argparse.ArgumentParser, relay: bool = False) -> Broker | None:
    """The broker's settings, checked (None: not asked for); the password looked up as the AMI secret is."""
    if not args.nats:
        if args.site or args.nats_user or args.nats_creds or args.nats_password_env:
            p.error("--site/--nats-user/--nats-creds need --nats URL")
        if relay:
            p.error("--nats URL: the broker to serve the sites from")
        return None
    if not args.nats.startswith(("nats://", "tls://")):
        p.error(f"--nats: expected nats://host:port or tls://host:port, got {args.nats!r}")
    sites = args.site if relay else [args.site] if args.site else []
    if not sites:
        p.error("--site NAME: the site this bridge publishes" if not relay else "--site NAME: the site(s) to serve")
    try:
        for s in sites:
            check_site(s)
    except BrokerError as err:
        p.error(f"--site: {err}")
    if args.nats_creds and args.nats_user:
        p.error("--nats-creds or --nats-user: choose one")
    if args.nats_creds and not os.path.isfile(args.nats_creds):
        p.error(f"--nats-creds {args.nats_creds}: no such file")
    password = ""
    if args.nats_user:
        password = secret_from(p, args.nats_password_env, nats_account(args.nats, args.nats_user), NATS_SERVICE,
                               "broker password", f"{p.prog} credentials set --nats {args.nats} --nats-user "
                               f"{args.nats_user}", "--nats-password-env")
    elif args.nats_password_env:
        p.error("--nats-password-env needs --nats-user USER")
    return Broker(url=args.nats, user=args.nats_user or "", password=password, creds=args.nats_creds or "",
                  sites=tuple(sites))


def broker_words(broker: Broker | None) -> str:
    """For ``--check``: where the floor goes."""
    return "; no broker" if broker is None else f"; publishing site {broker.sites[0]} to {broker.url}"


async def start_mirror(server: FeedServer, broker: Broker | None) -> SiteMirror | None:
    """The site's floor kept on the broker for relays (None: no broker asked for)."""
    if broker is None:
        return None
    site = broker.sites[0]
    hooks = LinkHooks()
    try:
        nc = await connect(broker, f"wallboard bridge {site}", hooks)
    except Exception as err:  # noqa: BLE001 - nats-py raises its own, OSError or TimeoutError: one line
        raise BrokerUnreachable(f"the broker {broker.url}: {err or type(err).__name__}") from None
    mirror = SiteMirror(server, nc, site, beat_s=server.heartbeat_s)
    hooks.back = mirror.broker_back
    try:
        await mirror.start()
    except Exception as err:  # noqa: BLE001 - JetStream off on that broker, or no rights to the bucket
        await nc.close()
        raise BrokerUnreachable(f"the broker {broker.url}: cannot keep bucket {bucket_of(site)} "
                                f"({err or type(err).__name__}; JetStream on?)") from None
    return mirror


async def stop_mirror(mirror: SiteMirror | None) -> None:
    if mirror is not None:
        await mirror.stop()
        await mirror.nc.close()
