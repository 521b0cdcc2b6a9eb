"""``wallboard``: wire the profile, the feed, (optionally) the embedded call centre, and the board.

  wallboard --demo                     the embedded call centre on loopback, and the board
  wallboard --url ws://bridge:8765     any feed-protocol v1 server
  wallboard --profile tv.toml          a deployment's profile (flags override it)
  wallboard credentials set URL        the feed's token into the OS keychain

The feed (and in demo mode the call centre) run on one asyncio thread; the board
runs on Qt's main thread; views cross over by a queued signal.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from . import __version__
from .core.profile import SETTINGS, Profile, ProfileError, describe_settings, load_profile, size

if TYPE_CHECKING:
    from .core.protocol import CommandResult
    from .ui.feedlink import CredentialHooks

log = logging.getLogger("wallboard")


class Exit(Exception):
    """A one-line message for the user, and the exit status."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="wallboard", description="Live call-centre supervisor wallboard.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="profile keys (TOML; a flag overrides its key):\n" + describe_settings() + """

  [alerts] in a profile holds alert thresholds (see resources/alert-rules.example.toml).
  Samples: resources/profiles/tv.toml, resources/profiles/desk.toml.

credentials (kept in the OS keychain, never in a profile or a log):
  wallboard credentials set URL        store the feed's token (asks for it; or reads one line from stdin)
  wallboard credentials delete URL     remove it
  wallboard credentials status URL     which keychain, and whether a token is stored (never shows it)
  (instead of URL: --profile FILE, to use the profile's feed.url)""")
    p.add_argument("--profile", metavar="TOML", help="a deployment profile (a TV's, a desk's): see below")
    p.add_argument("--demo", action="store_true", help="run the embedded call centre on 127.0.0.1 and show it")
    for s in SETTINGS:
        if s.flag and isinstance(s.default, bool):  # a switch: present means true
            p.add_argument(s.flag, action="store_true", default=None, help=f"{s.help} [{s.key}]")
        elif s.flag:
            p.add_argument(s.flag, metavar=s.metavar, help=f"{s.help} [{s.key}]")
    p.add_argument("--token-env", metavar="VAR", help="read the feed token from environment variable VAR "
                   "(same as --credential env:VAR)")
    p.add_argument("--agents", type=int, default=48, help="demo: agents on the floor (default 48)")
    p.add_argument("--queues", type=int, default=4, help="demo: queues (default 4)")
    p.add_argument("--speed", type=float, default=1.0, help="demo: simulated seconds per real second (default 1)")
    p.add_argument("--seed", type=int, default=1, help="demo: random seed (default 1)")
    p.add_argument("--alert-rules", metavar="TOML", help="alert thresholds: a TOML file with an [alerts] table "
                   "(replaces the profile's)")
    p.add_argument("--alert-sound", action="store_true", help="beep on every new critical alert")
    p.add_argument("--size", default=None, help="desk window size WxH (default: as last time, else 1600x1000)")
    p.add_argument("--screenshot", metavar="PNG", help="save a screenshot of the board after --quit-after seconds")
    p.add_argument("--quit-after", type=float, metavar="S", help="quit after S seconds (tests, screenshots)")
    p.add_argument("--exit-on-first-paint", action="store_true", help=argparse.SUPPRESS)  # cold-start benchmark
    p.add_argument("--version", action="version", version=f"wallboard {__version__}")
    return p


def _read_toml(path: str, what: str) -> dict[str, Any]:
    """A person's settings file: UTF-8 (with or without BOM), or plainly Shift_JIS; one line if not."""
    import tomllib

    from .core.profile import settings_text
    try:
        with open(path, "rb") as f:
            text, encoding = settings_text(f.read())
        raw = tomllib.loads(text)
    except OSError as err:
        raise Exit(f"{what} {path}: {err.strerror}") from None
    except ValueError as err:  # TOMLDecodeError is one
        kind = "not valid TOML: " if isinstance(err, tomllib.TOMLDecodeError) else ""
        raise Exit(f"{what} {path}: {kind}{err}") from None
    if encoding:
        logging.getLogger("wallboard").warning("%s %s: read as %s; saving it as UTF-8 is safer", what, path,
                                               encoding)
    return raw


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Flags over the profile over the defaults; every problem is one line naming the key or flag."""
    p = _parser()
    args = p.parse_args(argv)
    try:
        raw = _read_toml(args.profile, "--profile") if args.profile else {}
        rules = _read_toml(args.alert_rules, "--alert-rules").get("alerts", {}) if args.alert_rules else None
    except Exit as err:
        p.error(str(err))
    flags = {s.flag: getattr(args, s.flag.lstrip("-").replace("-", "_")) for s in SETTINGS if s.flag}
    if args.token_env:
        if flags["--credential"] is not None:
            p.error("--token-env and --credential: give one")
        flags["--credential"] = f"env:{args.token_env}"
    if rules is not None:
        raw = {**raw, "alerts": rules}
    try:
        profile = load_profile(raw, flags)
    except ProfileError as err:
        where = args.profile if args.profile and not err.where.startswith("--") else None
        if args.alert_rules and err.where.startswith("alerts"):
            where = args.alert_rules
        p.error(f"{where}: {err}" if where else str(err))
    if args.demo:
        profile = replace(profile, url=None)
    elif profile.url is None:
        p.error("give --demo, --url URL, or a --profile with feed.url")
    if profile.ca_file and not os.path.isfile(profile.ca_file):
        p.error(f"feed.ca_file {profile.ca_file}: no such file")
    if profile.credential.startswith("env:") and not args.demo and not os.environ.get(profile.credential[4:]):
        p.error(f"feed.credential {profile.credential}: environment variable {profile.credential[4:]} is empty or unset")
    if args.demo and not (1 <= args.agents <= 20_000):
        p.error("--agents must be between 1 and 20000")
    if args.demo and not (1 <= args.queues <= 200):
        p.error("--queues must be between 1 and 200")
    if args.speed <= 0:
        p.error("--speed must be > 0")
    if args.size is not None:
        try:
            args.size = size(args.size)
        except ValueError as err:
            p.error(f"--size: {err}")
    if args.demo and not profile.endpoint:
        profile = replace(profile, endpoint="PJSIP/900")
    args.profile_settings = profile
    return args


async def _start_demo(agents: int, queues: int, speed: float, seed: int,
                      language: str = "en") -> tuple[str, Callable[[], Coroutine[Any, Any, None]]]:
    """The embedded call centre on loopback: its URL, and how to stop it."""
    from .callcentre.dialler import Dialler, demo_campaign
    from .callcentre.engine import CallCentre
    from .callcentre.service import CallCentreService
    from .callcentre.traffic import demo_plan
    from .feed.server import FeedServer, Principal

    # Run the first simulated hour before "now", so the board opens on a floor in full
    # swing, with every stamp still on the real clock.
    now = int(time.time() * 1000)
    # The demo's centre is where the demo runs: its day and its clock are this computer's (a real centre's
    # zone is its bridge's setting).
    here = datetime.now().astimezone().utcoffset()
    plan = replace(demo_plan(agents, queues, language=language), utc_offset_min=round(here.total_seconds() / 60) if here else 0)
    engine = CallCentre(plan, now - 3_600_000, seed=seed)
    history = tempfile.mkdtemp(prefix="wallboard-demo-")  # the demo's history (its reports): gone when it stops
    service = CallCentreService(
        engine, lambda clock: FeedServer(clock, heartbeat_s=2.0, name="demo call centre",
                                         anonymous=Principal("demo supervisor", "supervisor")),
        speed=speed, history=os.path.join(history, "history.sqlite"),
        diallers=(Dialler(demo_campaign(language, max(4, agents // 4)), now - 3_600_000, seed, language, agents),),
    )
    service.catch_up(now)
    port = await service.server.start("127.0.0.1", 0)
    ticking = asyncio.get_running_loop().create_task(service.run())

    async def stop() -> None:
        ticking.cancel()
        await service.server.stop()
        service.close()
        shutil.rmtree(history, ignore_errors=True)
    return f"ws://127.0.0.1:{port}", stop


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["credentials"]:
        return credentials_main(argv[1:])
    args = parse_args(argv)
    profile: Profile = args.profile_settings
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

    from .feed.client import FeedClient, tls_context
    from .feed.thread import LoopThread
    from .ui import i18n
    from .ui.boards import make_window
    from .ui.crash import CrashGuard, connect_notices
    from .ui.desk import DeskWindow
    from .ui.feedlink import FeedLink
    from .ui.i18n import tr
    from .ui.kiosk import pick_screen
    from .ui.style import apply_theme

    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    app.setApplicationName("wallboard")
    app.setOrganizationName("wallboard")
    app.setApplicationVersion(__version__)
    language = i18n.install(app, profile.language)
    palette = apply_theme(profile.theme)
    if palette is not None:
        app.setPalette(palette)
    feed = LoopThread("feed").start()
    stopping: list[Callable[[], Coroutine[Any, Any, None]]] = []  # what must end before the loop does
    client_box: list[FeedClient] = []
    notices: list[str] = []

    def send(req_id: str, action: str, args_: dict[str, object]) -> Future[CommandResult]:
        if not client_box:
            raise ConnectionError("not connected to the feed")
        # a month's report on a big floor takes the server seconds: it is not a lost answer
        timeout = 60.0 if action.startswith("report.") else 10.0
        return feed.submit(client_box[0].command(req_id, action, dict(args_), timeout))

    url = profile.url
    token, hooks = None, None
    ask = False
    if url is not None:
        token, hooks, note = _credentials_for(profile, url, client_box, feed.loop)
        if note:
            notices.append(note)
        # No keychain here: say so, and ask (in memory only), over the board. A TV never waits on a dialog.
        ask = profile.credential == "keychain" and hooks is not None and hooks.keychain is None and not profile.tv

    title = profile.title or (tr("Wallboard — demo") if args.demo else tr("Wallboard"))
    screen = None
    if profile.tv:
        screens = app.screens()
        at, warning = pick_screen([s.name() for s in screens], profile.screen)
        screen = screens[at] if screens else None
        if warning:
            log.warning("tv.screen: %s", warning)
            notices.append(warning)
    # The board's own close ends the app. Qt's "last window closed" would also fire when the
    # window is destroyed after exec() returns, and end the next event loop of an embedding caller.
    app.setQuitOnLastWindowClosed(False)
    settings = None if profile.tv else QSettings()
    sound = None
    if settings is not None:  # a desk: monitored calls may be heard here; a wall TV never plays audio
        from .sound import Sound
        profile = replace(profile, listen_in=str(settings.value("audio/listen_in", profile.listen_in)),
                          audio_output=str(settings.value("audio/output", profile.audio_output)),
                          audio_input=str(settings.value("audio/input", profile.audio_input)))

        def speak(session_id: str, pcm: bytes) -> None:  # the sound card's thread: to the feed's
            if client_box:
                feed.loop.call_soon_threadsafe(client_box[0].send_audio, session_id, pcm)
        sound = Sound(profile.audio_output, profile.audio_input, speak)
        if sound.check():
            log.warning("no sound on this desk (%s): monitored calls are heard on the phone", sound.error)
    link = FeedLink(None if profile.tv else send, hooks, sound=sound)  # a wall board is view-only
    height = (screen or app.primaryScreen()).geometry().height()
    window = make_window(profile, title, link, height, settings, args.alert_sound)
    if profile.tv:
        if screen is not None:
            window.setScreen(screen)
            window.setGeometry(screen.geometry())
        window.showFullScreen()
        app.setOverrideCursor(Qt.CursorShape.BlankCursor)
    else:
        if args.size is not None:
            window.resize(*args.size)
        elif settings is not None and settings.value("window/geometry") is None:
            window.resize(1600, 1000)
        window.show()
    window.closed.connect(app.quit)
    log.info("board: %s mode, language %s, theme %s, scale %.2f", profile.mode, language, profile.theme, window.scale)
    guard = CrashGuard(window.describe).install()
    connect_notices(guard, window.show_notice)
    for note in notices:
        window.show_notice(note)

    if args.demo:
        url, stop_demo = feed.submit(_start_demo(args.agents, args.queues, args.speed, args.seed, language)).result(10)
        stopping.append(stop_demo)
        log.info("demo call centre serving on %s", url)
    assert url is not None

    running: list[Future[None]] = []

    async def run_client(token: str | None) -> None:
        tls = None
        if url.startswith("wss://"):
            tls = tls_context(profile.ca_file, profile.insecure_skip_verify)
        client = FeedClient(url, link.push, token=token, client_name=f"wallboard/{__version__}", ssl=tls,
                            on_audio=sound.push if sound is not None else None)
        client_box.append(client)
        await client.run()

    def ask_then_connect() -> None:
        text, ok = QInputDialog.getText(
            window, tr("Feed credentials"),
            tr("This system has no keychain, so the feed's token cannot be stored.\n"
               "Enter it for this session (leave empty if the feed needs none):"), QLineEdit.EchoMode.Password)
        running.append(feed.submit(run_client(text or None if ok else None)))

    if ask:
        QTimer.singleShot(0, ask_then_connect)  # once the board is up: the dialog sits over it
    else:
        running.append(feed.submit(run_client(token)))

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
            if isinstance(window, DeskWindow):
                window.save_layout()
            app.quit()
        QTimer.singleShot(int(args.quit_after * 1000), finish)
    # Ctrl+C in a terminal, SIGTERM from systemd or a kiosk session: close the board as its own Quit
    # would (no KeyboardInterrupt traceback, no board left running). Qt's loop would never let
    # Python run a signal handler, so a timer hands it a moment four times a second.
    def close_on(signum: int, _frame: object) -> None:
        log.info("%s: closing the board", signal.Signals(signum).name)
        QTimer.singleShot(0, app.quit)
    before = {sig: signal.signal(sig, close_on) for sig in (signal.SIGINT, signal.SIGTERM)}
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    try:
        return app.exec()
    finally:
        wake.stop()
        for sig, handler in before.items():
            signal.signal(sig, handler)
        guard.uninstall()
        window.closed.disconnect(app.quit)
        window.close()
        if sound is not None:
            sound.close()
        if client_box:
            feed.loop.call_soon_threadsafe(client_box[0].stop)
        for done in running:  # let the client close its connection before the loop goes
            try:
                done.result(5)
            except Exception as err:  # noqa: BLE001 - shutting down: note it, never hang or crash here
                log.warning("feed client did not stop cleanly: %s", err)
        for stop in stopping:
            feed.submit(stop()).result(5)
        feed.stop()


def _credentials_for(profile: Profile, url: str, client_box: list[Any],
                     loop: asyncio.AbstractEventLoop) -> tuple[str | None, CredentialHooks | None, str]:
    """The token to start with, the settings dialog's hooks, and a notice for the board (or "")."""
    from . import credentials
    from .ui.feedlink import CredentialHooks
    from .ui.i18n import tr

    account = credentials.account_for(url)

    def reconnect(new: str | None) -> None:
        if client_box:
            loop.call_soon_threadsafe(client_box[0].reconnect, new)

    if profile.credential == "none":
        return None, None, ""
    if profile.credential.startswith("env:"):
        return os.environ.get(profile.credential[4:]) or None, None, ""
    keychain = credentials.keychain_name()
    token: str | None = None
    note = ""
    if keychain is None:
        log.warning("no keychain on this system: the feed token cannot be stored (asking for it instead)")
        note = tr("No keychain on this system: the feed's token is not stored") if not profile.tv else \
            tr("No keychain on this system: give this TV its token with feed.credential = \"env:VAR\"")
    else:
        try:
            token = credentials.lookup(account)
        except credentials.CredentialError as err:
            log.warning("keychain: %s", err)
            note = tr("Keychain: {0}").format(err)
        if token is None and not note:
            log.info("no token in the keychain for %s (set one: wallboard credentials set %s)",
                     account, url)

    def store(new: str) -> None:
        if keychain is not None:
            credentials.store(account, new)
        reconnect(new)

    def forget() -> bool:
        removed = credentials.forget(account) if keychain is not None else False
        reconnect(None)
        return removed

    return token, CredentialHooks(keychain, store, forget, account), note


def credentials_main(argv: list[str]) -> int:
    """``wallboard credentials set|delete|status [URL] [--profile FILE]``: the keychain, from a shell."""
    from . import credentials
    p = argparse.ArgumentParser(prog="wallboard credentials",
                                description="Keep the feed's token in the OS keychain (never in a file).")
    p.add_argument("action", choices=("set", "delete", "status"))
    p.add_argument("url", nargs="?", help="the feed, ws://host:port or wss://host:port")
    p.add_argument("--profile", metavar="TOML", help="use this profile's feed.url")
    args = p.parse_args(argv)
    url = args.url
    try:
        if url is None and args.profile:
            url = load_profile(_read_toml(args.profile, "--profile")).url
        if url is None:
            p.error("give the feed URL, or --profile with feed.url")
        account = credentials.account_for(url)
    except (credentials.CredentialError, ProfileError, Exit) as err:
        print(f"wallboard credentials: {err}", file=sys.stderr)
        return 1
    return credentials.run_cli("wallboard credentials", args.action, account, credentials.SERVICE, "token",
                               'use feed.credential = "env:VAR" instead')


if __name__ == "__main__":
    sys.exit(main())
