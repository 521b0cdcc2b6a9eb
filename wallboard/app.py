"""``wallboard``: wire the feed, (optionally) the embedded call centre, and the board.

  wallboard --demo                     the embedded call centre on loopback, and the board
  wallboard --url ws://bridge:8765     any feed-protocol v1 server

The feed (and in demo mode the call centre) run on one asyncio thread; the board
runs on Qt's main thread; views cross over by a queued signal.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from concurrent.futures import Future
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from . import __version__
from .core.metrics import SLFormula

if TYPE_CHECKING:
    from .core.protocol import CommandResult

log = logging.getLogger("wallboard")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="wallboard", description="Live call-centre supervisor wallboard.")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--demo", action="store_true", help="run the embedded call centre on 127.0.0.1 and show it")
    src.add_argument("--url", help="feed URL, ws://host:port or wss://host:port")
    p.add_argument("--token-env", metavar="VAR", help="read the feed token from environment variable VAR")
    p.add_argument("--ca-file", metavar="PEM", help="wss://: trust this CA (certificates are always verified)")
    p.add_argument("--insecure-skip-verify", action="store_true",
                   help="wss://: DO NOT verify the feed's certificate (labs only; logged as a warning)")
    p.add_argument("--agents", type=int, default=48, help="demo: agents on the floor (default 48)")
    p.add_argument("--queues", type=int, default=4, help="demo: queues (default 4)")
    p.add_argument("--speed", type=float, default=1.0, help="demo: simulated seconds per real second (default 1)")
    p.add_argument("--seed", type=int, default=1, help="demo: random seed (default 1)")
    p.add_argument("--sl-formula", choices=[f.value for f in SLFormula],
                   default=SLFormula.ANSWERED_OVER_ANSWERED_AND_LATE_ABANDONS.value,
                   help="service-level definition (default: answered within T / (answered + abandoned after T))")
    p.add_argument("--endpoint", default=None,
                   help="your phone, rung to listen/whisper/barge (e.g. PJSIP/900); demo default: PJSIP/900")
    p.add_argument("--alert-rules", metavar="TOML", help="alert thresholds: a TOML file with an [alerts] table")
    p.add_argument("--alert-sound", action="store_true", help="beep on every new critical alert")
    p.add_argument("--size", default="1600x1000", help="window size WxH (default 1600x1000)")
    p.add_argument("--screenshot", metavar="PNG", help="save a screenshot of the board after --quit-after seconds")
    p.add_argument("--quit-after", type=float, metavar="S", help="quit after S seconds (tests, screenshots)")
    p.add_argument("--exit-on-first-paint", action="store_true", help=argparse.SUPPRESS)  # cold-start benchmark
    p.add_argument("--version", action="version", version=f"wallboard {__version__}")
    args = p.parse_args(argv)
    if args.url is not None:
        u = urlparse(args.url)
        if u.scheme not in ("ws", "wss") or not u.hostname:
            p.error(f"--url {args.url!r}: expected ws://host:port or wss://host:port")
        if u.scheme == "ws" and (args.ca_file or args.insecure_skip_verify):
            p.error("--ca-file and --insecure-skip-verify apply to wss:// URLs only")
    if args.ca_file and not os.path.isfile(args.ca_file):
        p.error(f"--ca-file {args.ca_file}: no such file")
    if args.demo and not (1 <= args.agents <= 20_000):
        p.error("--agents must be between 1 and 20000")
    if args.demo and not (1 <= args.queues <= 200):
        p.error("--queues must be between 1 and 200")
    if args.speed <= 0:
        p.error("--speed must be > 0")
    try:
        w, h = (int(x) for x in args.size.lower().split("x"))
        args.size = (w, h)
    except ValueError:
        p.error(f"--size {args.size!r}: expected WIDTHxHEIGHT, e.g. 1920x1080")
    if args.token_env and not os.environ.get(args.token_env):
        p.error(f"--token-env: environment variable {args.token_env} is empty or unset")
    if args.endpoint is None:
        args.endpoint = "PJSIP/900" if args.demo else ""
    args.rules = None
    if args.alert_rules:
        import tomllib

        from .core.alerts import RuleError, rules_from_dict
        try:
            with open(args.alert_rules, "rb") as f:
                data = tomllib.load(f)
            args.rules = rules_from_dict(data.get("alerts", {}))
        except OSError as err:
            p.error(f"--alert-rules {args.alert_rules}: {err.strerror}")
        except tomllib.TOMLDecodeError as err:
            p.error(f"--alert-rules {args.alert_rules}: not valid TOML: {err}")
        except RuleError as err:
            p.error(f"--alert-rules {args.alert_rules}: {err}")
    return args


async def _start_demo(agents: int, queues: int, speed: float, seed: int) -> str:
    from .callcentre.engine import CallCentre
    from .callcentre.service import CallCentreService
    from .callcentre.traffic import demo_plan
    from .feed.server import FeedServer, Principal

    # Run the first simulated hour before "now", so the board opens on a floor in full
    # swing, with every stamp still on the real clock.
    now = int(time.time() * 1000)
    engine = CallCentre(demo_plan(agents, queues), now - 3_600_000, seed=seed)
    engine.advance(now)
    service = CallCentreService(
        engine, lambda clock: FeedServer(clock, heartbeat_s=2.0, name="demo call centre",
                                         anonymous=Principal("demo supervisor", "supervisor")),
        speed=speed,
    )
    port = await service.server.start("127.0.0.1", 0)
    asyncio.get_running_loop().create_task(service.run())
    return f"ws://127.0.0.1:{port}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from .feed.client import FeedClient, tls_context
    from .feed.thread import LoopThread
    from .ui.crash import CrashGuard, connect_notices
    from .ui.window import BoardWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    feed = LoopThread("feed").start()
    client_box: list[FeedClient] = []

    def send(req_id: str, action: str, args_: dict[str, object]) -> "Future[CommandResult]":
        if not client_box:
            raise ConnectionError("not connected to the feed")
        return feed.submit(client_box[0].command(req_id, action, dict(args_)))

    window = BoardWindow("Wallboard — demo" if args.demo else "Wallboard", SLFormula(args.sl_formula),
                         send_command=send, endpoint=args.endpoint, rules=args.rules, alert_sound=args.alert_sound)
    window.resize(*args.size)
    window.show()
    guard = CrashGuard(window.describe).install()
    connect_notices(guard, window.show_notice)

    url = args.url
    if args.demo:
        url = feed.submit(_start_demo(args.agents, args.queues, args.speed, args.seed)).result(10)
        log.info("demo call centre serving on %s", url)
    token = os.environ.get(args.token_env) if args.token_env else None

    async def run_client() -> None:
        tls = None
        if url.startswith("wss://"):
            tls = tls_context(args.ca_file, args.insecure_skip_verify)
        client = FeedClient(url, window.bridge.push, token=token, client_name=f"wallboard/{__version__}", ssl=tls)
        client_box.append(client)
        await client.run()

    feed.submit(run_client())

    if args.exit_on_first_paint:
        def first_paint() -> None:
            v = window.view
            if v is not None and v.synced and window.tiles.order:
                window.tiles.after_paint = None
                print("first-paint", flush=True)
                app.quit()
        window.tiles.after_paint = first_paint

    if args.quit_after is not None:
        def finish() -> None:
            if args.screenshot:
                window.grab().save(args.screenshot)
                log.info("screenshot saved to %s", args.screenshot)
            app.quit()
        QTimer.singleShot(int(args.quit_after * 1000), finish)
    try:
        return app.exec()
    finally:
        if client_box:
            feed.loop.call_soon_threadsafe(client_box[0].stop)
        feed.stop()


if __name__ == "__main__":
    sys.exit(main())
