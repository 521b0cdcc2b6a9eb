"""The command line: a bad profile, flag or missing keychain is one line naming the problem, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def wallboard(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wallboard.app", *args], capture_output=True, text=True, timeout=60,
                          input=stdin, env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})})


@pytest.mark.parametrize(("profile", "words"), [
    ('[tv]\ndwell_s = 1\n', "tv.dwell_s: must be between 3 and 3600 seconds, got 1"),
    ('[feed]\ntoken = "s3cret"\n', "feed.token: secrets never go in a profile"),
    ('[board]\nmode = "tv"\n[feed]\nurl = "ws://x:1"\ninsecure_skip_verify = true\n',
     "feed.insecure_skip_verify: refused in tv mode"),
    ('[board\nmode = "tv"\n', "not valid TOML"),
    ('[alerts.default]\ntalk = { warn = 900, critical = 600 }\n', "alerts.default.talk: critical (600) is below warn"),
])
def test_a_bad_profile_is_one_line_naming_file_and_key(tmp_path: Path, profile: str, words: str) -> None:
    path = tmp_path / "board.toml"
    path.write_text(profile)
    out = wallboard("--demo", "--profile", str(path))
    assert out.returncode == 2, out.stderr
    last = out.stderr.strip().splitlines()[-1]
    assert str(path) in last and words in last, last
    assert "Traceback" not in out.stderr and "s3cret" not in out.stderr


def test_flags_name_themselves() -> None:
    out = wallboard("--demo", "--dwell", "fast")
    assert out.returncode == 2 and "--dwell: expected a number of seconds, got 'fast'" in out.stderr
    out = wallboard("--profile", "/nonexistent/board.toml")
    assert out.returncode == 2 and "--profile /nonexistent/board.toml: No such file or directory" in out.stderr
    out = wallboard("--mode", "tv")
    assert out.returncode == 2 and "give --demo, --url URL, or a --profile with feed.url" in out.stderr
    out = wallboard("--url", "ws://127.0.0.1:9", "--credential", "env:WALLBOARD_NOT_SET")
    assert out.returncode == 2 and "environment variable WALLBOARD_NOT_SET is empty or unset" in out.stderr
    assert "Traceback" not in out.stderr


def test_help_documents_every_profile_key() -> None:
    from wallboard.core.profile import SETTINGS
    out = wallboard("--help")
    assert out.returncode == 0
    for s in SETTINGS:
        assert s.key in out.stdout and (s.flag is None or s.flag in out.stdout)
    assert "wallboard credentials set URL" in out.stdout


def test_credentials_without_a_keychain_say_so_in_one_line() -> None:
    no_keychain = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    out = wallboard("credentials", "set", "wss://bridge.example:8765", env=no_keychain, stdin="s3cret\n")
    assert out.returncode == 1 and "no keychain on this system" in out.stderr and "Traceback" not in out.stderr
    out = wallboard("credentials", "status", "wss://bridge.example:8765", env=no_keychain)
    assert out.returncode == 1 and "no keychain" in out.stdout
    out = wallboard("credentials", "set", "http://nope", env=no_keychain)
    assert out.returncode == 1 and "is not a feed URL" in out.stderr


JAPANESE_PROFILE = '[board]\ntitle = "３階 サポート"\nlanguage = "ja"\n[tv]\ndwell_s = 1\n'


@pytest.mark.parametrize(("encoding", "prefix"), [("utf-8", b"\xef\xbb\xbf"), ("cp932", b""), ("utf-16", b"")])
def test_profiles_from_notepad_are_read(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    """Issue 12 item 11: a Shift_JIS profile (Notepad on Japanese Windows) gave a UnicodeDecodeError traceback,
    a UTF-8 one with BOM "Invalid statement (at line 1, column 1)". Both are read now (the setting in them is
    checked, so the one-line error proves the file was understood)."""
    path = tmp_path / "tv.toml"
    path.write_bytes(prefix + JAPANESE_PROFILE.encode(encoding))
    out = wallboard("--demo", "--profile", str(path))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "tv.dwell_s: must be between 3 and 3600 seconds, got 1" in out.stderr.strip().splitlines()[-1]
    if encoding == "cp932":
        assert "read as Shift_JIS (CP932); saving it as UTF-8 is safer" in out.stderr


def test_a_profile_in_no_known_encoding_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "tv.toml"
    path.write_bytes(b'[board]\ntitle = "\x80\xff\xfe"\n')
    out = wallboard("--demo", "--profile", str(path))
    last = out.stderr.strip().splitlines()[-1]
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert str(path) in last and "not UTF-8 text (byte 0x80 at offset 17): save it as UTF-8" in last


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_ctrl_c_and_sigterm_close_the_board_cleanly(sig: str) -> None:
    """Item 10: Ctrl+C printed a KeyboardInterrupt traceback and the board kept running."""
    import signal
    import time
    proc = subprocess.Popen([sys.executable, "-m", "wallboard.app", "--demo", "--agents", "12"], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    try:
        deadline = time.monotonic() + 30
        seen = ""
        assert proc.stderr is not None
        while "board connected" not in seen and "board: desk mode" not in seen and time.monotonic() < deadline:
            seen += proc.stderr.readline()
        time.sleep(1.0)
        proc.send_signal(getattr(signal, sig))
        _, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert f"{sig}: closing the board" in err
