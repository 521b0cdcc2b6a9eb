"""``wallboard-callcentre``: the embedded call centre on its own, for other boards, load and checks.

  wallboard-callcentre serve --agents 200 --queues 6 --port 8765
  wallboard-callcentre run --erlang --agents 8 --calls-per-hour 120 --aht 240 --patience 120 --hours 2000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import sys
import time
from collections.abc import Callable
from typing import Any

from .. import __version__
from ..feed.server import FeedServer, Principal
from ..feed.serving import add_serving_arguments, serving_from
from .dialler import Campaign, Dialler
from .engine import CallCentre
from .service import CallCentreService
from .summary import run_campaign, run_fast
from .traffic import FloorPlan, demo_plan


def _patience(text: str) -> float:
    if text.lower() in ("inf", "none", "infinite"):
        return math.inf
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be > 0 seconds, or 'inf'")
    return value


def _positive(kind: Callable[[str], float]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
        return value
    return parse


def add_traffic_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("traffic")
    g.add_argument("--agents", type=_positive(int), default=48, help="agents on the floor (default 48)")
    g.add_argument("--queues", type=_positive(int), default=4, help="inbound queues in the demo model (default 4)")
    g.add_argument("--load", type=_positive(float), default=0.93, help="demo model: offered Erlangs per staffed agent (default 0.93)")
    g.add_argument("--time-of-day", action="store_true", help="shape arrivals by an office-day curve (peak = the given rate)")
    g.add_argument("--seed", type=int, default=1, help="random seed; same seed, same floor (default 1)")
    g.add_argument("--erlang", action="store_true",
                   help="textbook M/M/n+M: one queue, exponential talk, no ringing/breaks/wrap-up/long calls")
    g.add_argument("--calls-per-hour", type=_positive(float), help="--erlang: arrival rate")
    g.add_argument("--aht", type=_positive(float), default=240.0, help="--erlang: mean handle time in s (default 240)")
    g.add_argument("--patience", type=_patience, default=120.0, help="--erlang: mean patience in s, or inf (default 120)")
    g.add_argument("--handle", choices=("exp", "lognormal"), default="exp", help="--erlang: handle-time distribution")
    g.add_argument("--sl-threshold", type=int, default=20, help="--erlang: service-level threshold T in s (default 20)")


def add_campaign_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("outbound campaign (a preview dialler and its own team, beside the inbound floor)")
    g.add_argument("--outbound-agents", type=int, default=0, metavar="N", help="agents dialling (default 0: no campaign)")
    g.add_argument("--outbound-preview", type=_positive(float), default=8.0, metavar="S",
                   help="seconds on the next record before dialling (default 8)")
    g.add_argument("--outbound-answer-rate", type=float, default=0.30, metavar="P", help="a person answers (default 0.30)")
    g.add_argument("--outbound-machine-rate", type=float, default=0.15, metavar="P", help="an answering machine (default 0.15)")
    g.add_argument("--outbound-dead-rate", type=float, default=0.05, metavar="P", help="a dead number (default 0.05)")
    g.add_argument("--outbound-talk", type=_positive(float), default=150.0, metavar="S", help="mean conversation in s (default 150)")
    g.add_argument("--outbound-sale-rate", type=float, default=0.04, metavar="P",
                   help="sales per connect for an average agent (default 0.04; agents' skills vary around it)")
    g.add_argument("--outbound-appointment-rate", type=float, default=0.03, metavar="P",
                   help="appointments per connect (default 0.03)")


def campaign_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Campaign | None:
    if args.outbound_agents < 0:
        parser.error("--outbound-agents must be 0 or more")
    if not args.outbound_agents:
        return None
    try:
        return Campaign(agents=args.outbound_agents, preview_s=args.outbound_preview, answer_rate=args.outbound_answer_rate,
                        machine_rate=args.outbound_machine_rate, dead_rate=args.outbound_dead_rate,
                        talk_s=args.outbound_talk, sale_rate=args.outbound_sale_rate,
                        appointment_rate=args.outbound_appointment_rate, name="Campaign 1")
    except ValueError as err:
        parser.error(str(err))


def plan_from(args: argparse.Namespace) -> FloorPlan:
    if args.erlang:
        if args.calls_per_hour is None:
            raise SystemExit("wallboard-callcentre: --erlang needs --calls-per-hour")
        return FloorPlan.erlang(args.agents, args.calls_per_hour, args.aht, args.patience,
                                args.sl_threshold, args.handle)
    return demo_plan(args.agents, args.queues, args.load, args.time_of_day)


async def serve_forever(plan: FloorPlan, seed: int, host: str, port: int, speed: float,
                        principals: dict[str, Principal], anonymous: Principal | None, heartbeat_s: float,
                        tls: Any = None, campaign: Campaign | None = None, coalesce_s: float = 0.0) -> None:
    start = int(time.time() * 1000)
    engine = CallCentre(plan, start, seed=seed)
    service = CallCentreService(
        engine, lambda clock: FeedServer(clock, principals=principals, anonymous=anonymous,
                                         heartbeat_s=heartbeat_s, name="embedded call centre",
                                         coalesce_s=coalesce_s),
        speed=speed, diallers=(Dialler(campaign, start, seed, first_agent=plan.agents),) if campaign else (),
    )
    bound = await service.server.start(host, port, ssl=tls)
    print(f"serving feed protocol v1 on {'wss' if tls else 'ws'}://{host}:{bound}  ({plan.agents} agents, "
          f"{len(plan.queues)} queues, speed x{speed:g})", flush=True)
    await service.run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wallboard-callcentre", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"wallboard-callcentre {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run in real time (or faster) and serve the feed on a websocket")
    add_traffic_arguments(s)
    add_campaign_arguments(s)
    add_serving_arguments(s)
    s.add_argument("--speed", type=_positive(float), default=1.0, help="simulated seconds per real second")
    r = sub.add_parser("run", help="run faster than real time and print a JSON summary")
    add_traffic_arguments(r)
    add_campaign_arguments(r)
    r.add_argument("--hours", type=_positive(float), default=500.0, help="simulated hours measured (default 500)")
    r.add_argument("--warmup-hours", type=float, default=1.0, help="simulated hours discarded first (default 1)")
    args = parser.parse_args(argv)
    try:
        plan = plan_from(args)
    except ValueError as err:
        parser.error(str(err))
    campaign = campaign_from(args, parser)
    if args.command == "run":
        summary = run_fast(plan, args.hours, args.seed, args.warmup_hours)
        if campaign is not None:
            summary["outbound"] = run_campaign(campaign, args.hours, args.seed)
        print(json.dumps(summary, indent=2))
        return 0
    serving = serving_from(args, parser)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(serve_forever(plan, args.seed, serving.host, serving.port, args.speed, serving.principals,
                                  serving.anonymous, serving.heartbeat_s, serving.tls, campaign, serving.coalesce_s))
    except KeyboardInterrupt:
        return 0
    except OSError as err:
        print(f"wallboard-callcentre: cannot listen on {args.host}:{args.port}: {err.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
