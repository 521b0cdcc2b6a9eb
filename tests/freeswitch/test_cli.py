"""wallboard-freeswitch-bridge's command line: a person's mistake is one line naming it, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from wallboard import fsbridge


def refuse(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as e:
        fsbridge.main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("toml, words", [
    ('[queues."sales@default"]\nwrapup_s = 5\n', "queues.sales@default.wrapup_s: unknown setting"),
    ('[queues."sales@default"]\nsl_threshold_s = 0\n', "sl_threshold_s: a number from 1 to 3600"),
    ("[names]\n\"1001@default\" = 3\n", "names: a table of agent"),
    ("utc_offset_min = 2000\n", "utc_offset_min: minutes east of UTC"),
    ("[ami]\n", "ami: unknown setting"),
    ("not toml = = =\n", "--config"),
])
def test_a_bad_config_is_one_line_naming_the_key(toml: str, words: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PW", "x")
    path = tmp_path / "b.toml"
    path.write_text(toml, "utf-8")
    assert words in refuse(["--config", str(path), "--esl-password-env", "PW", "--check"], capsys)


def test_no_password_says_where_to_put_it(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EMPTY", raising=False)
    assert "environment variable EMPTY is empty or unset" in refuse(["--esl-password-env", "EMPTY", "--check"], capsys)
    assert "--esl-port: 1…65535" in refuse(["--esl-port", "0", "--check"], capsys)


def test_check_says_what_would_run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PW", "s3cret")
    example = Path(__file__).resolve().parents[2] / "resources" / "freeswitch" / "bridge.example.toml"
    assert fsbridge.main(["--config", str(example), "--esl-password-env", "PW", "--esl-host", "pbx", "--check",
                          "--supervisor-token-env", "PW"]) == 0
    out = capsys.readouterr().out
    assert "ok: event socket pbx:8021, 2 queues configured" in out and "s3cret" not in out


def test_the_outcome_webhook_is_offered_on_freeswitch_too(capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PW", "s3cret")
    monkeypatch.setenv("HOOK", "a-long-enough-shared-secret")
    assert fsbridge.main(["--esl-password-env", "PW", "--no-history", "--webhook", "127.0.0.1:8767",
                          "--webhook-secret-env", "HOOK", "--check"]) == 0
    assert "outcome webhook on 127.0.0.1:8767" in capsys.readouterr().out
    assert "--webhook needs --webhook-secret-env" in refuse(["--esl-password-env", "PW", "--webhook", "127.0.0.1:1",
                                                             "--check"], capsys)
