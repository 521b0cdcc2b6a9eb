"""The feed's token in a real OS keychain, and never anywhere else.

The round trip runs against a real Secret Service: gnome-keyring (Debian) inside its own
``dbus-run-session``, unlocked with a throwaway password, in a home directory of its own.
CI installs both; a developer machine without them skips, CI never does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog

from wallboard.feed.server import FeedServer, Principal
from wallboard.feed.thread import LoopThread

TOKEN = "tv-token-7f3a9c"  # what the keychain holds; searched for everywhere it must not be


class Server:
    """A feed server on loopback that admits only TOKEN, on its own thread."""

    def __init__(self) -> None:
        self.thread = LoopThread("credentials-test").start()
        self.server = FeedServer(lambda: int(time.time() * 1000), principals={TOKEN: Principal("wall tv")},
                                 anonymous=None, heartbeat_s=1.0)
        self.port = self.thread.submit(self.server.start("127.0.0.1", 0)).result(5)
        self.url = f"ws://127.0.0.1:{self.port}"

    def admitted(self) -> list[str]:
        async def who() -> list[str]:
            return [p.principal.name for p in self.server.peers.values()]
        return self.thread.submit(who()).result(5)

    def close(self) -> None:
        self.thread.submit(self.server.stop()).result(5)
        self.thread.stop()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def _secret_service_tools() -> bool:
    have = bool(shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"))
    if not have and os.environ.get("CI"):
        pytest.fail("CI must run the keychain test: dbus-run-session and gnome-keyring-daemon are missing")
    return have


def in_secret_service(tmp_path: Path, script: str, watch: Callable[[], None], **env_extra: str) -> tuple[int, str, str]:
    """Run ``script`` in its own session bus with an unlocked gnome-keyring and an empty home."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "XDG_", "PYTHON_KEYRING"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_RUNTIME_DIR=str(tmp_path), PYTHONPATH=str(Path(__file__).resolve().parents[1]), **env_extra)
    unlock = "set -e\necho -n throwaway-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n"
    proc = subprocess.Popen(["dbus-run-session", "--", "bash", "-c", unlock + script], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        watch()
        time.sleep(0.05)
    out, err = proc.communicate(timeout=30)
    return proc.returncode, out, err


def never_written(root: Path, secret: str) -> None:
    for f in root.rglob("*"):
        if f.is_file():
            assert secret.encode() not in f.read_bytes(), f"the secret was written to {f}"


@pytest.mark.skipif(not _secret_service_tools(), reason="needs dbus-run-session and gnome-keyring (Debian)")
def test_token_round_trip_in_a_real_secret_service(tmp_path: Path, server: Server) -> None:
    home = tmp_path / "home"
    log = tmp_path / "board.log"
    py = sys.executable
    script = f"""
{py} -c 'import keyring; print("backend", keyring.get_keyring())'
printf '%s\\n' "$TOKEN" | {py} -m wallboard.app credentials set {server.url}
{py} -m wallboard.app credentials status {server.url}
QT_QPA_PLATFORM=offscreen {py} -m wallboard.app --url {server.url} --quit-after 4 > {log} 2>&1
{py} -m wallboard.app credentials delete {server.url}
{py} -m wallboard.app credentials status {server.url}
"""
    seen: set[str] = set()
    returncode, out, err = in_secret_service(tmp_path, script, lambda: seen.update(server.admitted()), TOKEN=TOKEN)
    proc = subprocess.CompletedProcess([], returncode)
    assert proc.returncode == 0, out + err
    assert "backend keyring.backends.SecretService.Keyring" in out, out
    assert f"stored the token for {server.url}" in out and f"token stored for {server.url}" in out
    assert f"removed the token for {server.url}" in out and out.rstrip().endswith(f"no token stored for {server.url}")
    assert seen == {"wall tv"}, (seen, log.read_text())
    # Never written by us: not to settings, logs, output; the keychain's own files are encrypted.
    assert TOKEN not in out + err + log.read_text()
    never_written(tmp_path, TOKEN)
    assert list((home / ".config").rglob("*.conf")), "the board saved no settings: the search above proved little"


def _no_keychain(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    import keyring.backends.fail
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.set_keyring(keyring.backends.fail.Keyring())


def _run_app(args: list[str], during: list[tuple[int, object]]) -> int:
    from wallboard import app
    for ms, fn in during:
        QTimer.singleShot(ms, fn)  # type: ignore[arg-type]
    return app.main(args)


def test_desk_without_a_keychain_asks_at_start_and_keeps_it_in_memory(qapp: QApplication, server: Server,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    _no_keychain(monkeypatch)
    asked: list[str] = []
    seen: set[str] = set()

    def answer() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(100, answer)  # not up yet
            return
        asked.append(dialogs[0].labelText())
        dialogs[0].setTextValue(TOKEN)
        dialogs[0].accept()

    def look() -> None:
        seen.update(server.admitted())

    assert _run_app(["--url", server.url, "--quit-after", "3", "--size", "900x600"],
                    [(300, answer), *((600 + 200 * i, look) for i in range(10))]) == 0
    assert asked and "no keychain" in asked[0]
    assert seen == {"wall tv"}
    for f in Path(os.environ["XDG_CONFIG_HOME"]).rglob("*"):
        if f.is_file():
            assert TOKEN.encode() not in f.read_bytes(), f"the token was written to {f}"


def test_tv_without_a_keychain_never_waits_on_a_dialog(qapp: QApplication, server: Server,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _no_keychain(monkeypatch)
    modal: list[object] = []
    notices: list[str] = []

    def look() -> None:
        modal.append(QApplication.activeModalWidget())
        from wallboard.ui.shell import BoardShell
        for w in QApplication.topLevelWidgets():
            if isinstance(w, BoardShell) and w.isVisible():
                notices.append(w.statusBar().currentMessage())

    try:
        assert _run_app(["--url", server.url, "--mode", "tv", "--quit-after", "2"], [(800, look)]) == 0
    finally:
        while QApplication.overrideCursor() is not None:
            QApplication.restoreOverrideCursor()
    assert modal == [None]
    assert any("No keychain on this system" in n for n in notices), notices
    assert server.admitted() == []  # no token: the server keeps it out, and the board says REFUSED


@pytest.mark.skipif(not _secret_service_tools(), reason="needs dbus-run-session and gnome-keyring (Debian)")
def test_the_bridge_logs_in_to_ami_with_the_secret_from_the_keychain(tmp_path: Path) -> None:
    from tests.asterisk.amiserver import Scripted
    secret = "ami-secret-41c7"
    logins: list[tuple[str, str]] = []

    async def pbx(msg, push):  # type: ignore[no-untyped-def]
        if msg.get("Action") == "Login":
            logins.append((msg.get("Username"), msg.get("Secret")))
        await push(["Response: Success", f"ActionID: {msg.action_id}", "Message: ok"])

    thread = LoopThread("ami").start()
    ami = Scripted(pbx)
    port = thread.submit(ami.start()).result(5)
    log = tmp_path / "bridge.log"
    py = sys.executable
    flags = f"--ami-host 127.0.0.1 --ami-port {port} --ami-user wallboard"
    script = f"""
printf '%s\\n' "$AMI_SECRET" | {py} -m wallboard.bridge credentials set {flags}
{py} -m wallboard.bridge credentials status {flags}
timeout -s INT 4 {py} -m wallboard.bridge {flags} --port 0 --audio-listen 127.0.0.1:0 > {log} 2>&1 || true
"""
    try:
        returncode, out, err = in_secret_service(tmp_path, script, lambda: None, AMI_SECRET=secret)
    finally:
        thread.submit(ami.stop()).result(5)
        thread.stop()
    assert returncode == 0, out + err
    assert f"stored the AMI secret for ami://wallboard@127.0.0.1:{port}" in out and ": AMI secret stored for ami://" in out
    assert logins and logins[0] == ("wallboard", secret), (logins, log.read_text())
    assert "serving feed protocol v1" in log.read_text()
    assert secret not in out + err + log.read_text()
    never_written(tmp_path, secret)
