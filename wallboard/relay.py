"""``wallboard-relay``: serve boards from sites' floors on a NATS JetStream broker; run as many as needed.

  wallboard-relay --nats nats://broker.example:4222 --site tokyo --host 0.0.0.0 --port 8765 --tokens tokens.toml
  wallboard-relay --nats nats://broker.example:4222 --site tokyo --site osaka     # one floor of both sites
  wallboard-relay credentials set --nats nats://broker.example:4222 --nats-user relay

Each site's bridge publishes its floor (``--nats URL --site NAME`` on the bridge); a relay keeps nothing of
its own, so boards may connect to any relay and a relay may be restarted at any time. The boards' tokens are
checked here, as a bridge checks them; the broker's credentials live with the relays and the bridges
(the keychain, or ``--nats-password-env VAR``; or a ``--nats-creds`` file), never with a board.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import socket
import sys
import time

from . import __version__, credentials
from .bridgecli import NATS_SERVICE, BrokerUnreachable, add_broker_arguments, broker_from, nats_account, run_bridge
from .feed.broker import Broker, LinkHooks, connect
from .feed.relay import Relay
from .feed.server import FeedServer
from .feed.serving import Serving, add_serving_arguments, serving_from

log = logging.getLogger("wallboard.relay")


def default_id() -> str:
    """Unique among relays on one broker: host and process (letters, digits, - and _ only)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", f"{socket.gethostname()}-{os.getpid()}")[:32]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wallboard-relay", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", nargs="?", choices=("serve", "credentials"), default="serve")
    p.add_argument("verb", nargs="?", choices=("set", "delete", "status"), help="credentials: what to do")
    add_broker_arguments(p, "the broker and the sites", relay=True)
    p.add_argument("--relay-id", metavar="ID", help="this relay's name on the broker (default: host and process)")
    p.add_argument("--silent", type=float, default=6.0, metavar="SECONDS",
                   help="a site whose bridge is not heard from this long is shown not live (default 6; 1…600)")
    p.add_argument("--check", action="store_true", help="check the flags, the tokens and the broker's secret, and exit")
    p.add_argument("--version", action="version", version=f"wallboard-relay {__version__}")
    add_serving_arguments(p)
    return p


def main(argv: list[str] | None = None) -> int:
    p = _parser()
    args = p.parse_args(argv)
    if args.command == "credentials":
        if args.verb is None or not args.nats or not args.nats_user:
            p.error("credentials set|delete|status --nats URL --nats-user USER")
        return credentials.run_cli("wallboard-relay credentials", args.verb, nats_account(args.nats, args.nats_user),
                                   NATS_SERVICE, "broker password", "use --nats-password-env VAR instead")
    broker = broker_from(args, p, relay=True)
    assert broker is not None
    serving = serving_from(args, p)
    if not 1 <= args.silent <= 600:
        p.error(f"--silent: 1…600 seconds, got {args.silent:g}")
    relay_id = args.relay_id or default_id()
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", relay_id):
        p.error(f"--relay-id {relay_id!r}: 1–32 letters, digits, '-' or '_'")
    if args.check:
        print(f"wallboard-relay: ok: sites {', '.join(args.site)} from {broker.url} as relay {relay_id}, serving "
              f"{'wss' if serving.tls else 'ws'}://{serving.host}:{serving.port} to {len(serving.principals)} token(s)"
              f"{' and anonymous viewers' if serving.anonymous else ''}")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run_bridge("wallboard-relay", serve(broker, args.site, relay_id, serving, args.silent))


async def serve(broker: Broker, sites: list[str], relay_id: str, serving: Serving, silent_s: float = 6.0,
                ready: asyncio.Future[int] | None = None) -> None:
    """Serve until cancelled; ``ready`` gets the bound port."""
    def now() -> int:
        return int(time.time() * 1000)
    server = FeedServer(now, principals=serving.principals, anonymous=serving.anonymous,
                        heartbeat_s=serving.heartbeat_s, name=f"relay {relay_id} ({', '.join(sites)})",
                        coalesce_s=serving.coalesce_s)
    hooks = LinkHooks()
    try:
        nc = await connect(broker, f"wallboard relay {relay_id}", hooks)
    except Exception as err:  # noqa: BLE001 - nats-py raises its own, OSError or TimeoutError: one line
        raise BrokerUnreachable(f"the broker {broker.url}: {err or type(err).__name__}") from None
    relay = Relay(server, nc, sites, relay_id, silent_s=silent_s, broker=broker.url)
    hooks.lost, hooks.back = relay.broker_lost, relay.broker_back
    await relay.start()
    port = await server.start(serving.host, serving.port, ssl=serving.tls)
    print(f"serving feed protocol v1 on {'wss' if serving.tls else 'ws'}://{serving.host}:{port} from sites "
          f"{', '.join(sites)} on {broker.url}", flush=True)
    if ready is not None:
        ready.set_result(port)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()
        await relay.stop()
        await nc.close()


if __name__ == "__main__":
    sys.exit(main())
