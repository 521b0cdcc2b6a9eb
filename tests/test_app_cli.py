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
