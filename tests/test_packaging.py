"""The bridge's service files agree with the bridge: the unit's command line is one it accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wallboard import bridge

BRIDGE = Path(__file__).resolve().parents[1] / "packaging" / "linux" / "bridge"


def unit() -> dict[str, str]:
    return dict(line.split("=", 1) for line in (BRIDGE / "wallboard-asterisk-bridge.service").read_text().splitlines()
                if "=" in line and not line.startswith("#"))


def settings() -> dict[str, str]:
    return dict(line.split("=", 1) for line in (BRIDGE / "asterisk-bridge.env").read_text().splitlines()
                if "=" in line and not line.startswith("#"))


def test_the_unit_restarts_runs_as_its_own_user_and_reads_the_settings_file() -> None:
    u = unit()
    assert (u["Restart"], u["User"], u["EnvironmentFile"]) == ("always", "wallboard-bridge",
                                                               "/etc/wallboard/asterisk-bridge.env")
    assert u["RestartPreventExitStatus"] == "2"  # a wrong flag is a person's mistake: say it once, do not loop
    postinst = (BRIDGE / "postinst").read_text()
    assert "/etc/wallboard/asterisk-bridge.env" in postinst and "chown root:wallboard-bridge \"$f\"" in postinst \
        and "chmod 0640 \"$f\"" in postinst


def test_the_units_command_line_is_accepted(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    env = {**settings(), "AMI_SECRET": "s3cret", "SV_TOKEN": "sv", "TV_TOKEN": "tv"}
    assert {"AMI_HOST", "AMI_PORT", "AMI_USER", "AMI_SECRET", "SV_TOKEN", "TV_TOKEN"} <= set(env)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    config = tmp_path / "bridge.toml"
    config.write_text((Path(__file__).resolve().parents[1] / "resources" / "asterisk" / "bridge.example.toml")
                      .read_text("utf-8"), "utf-8")
    words = re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m[1], ""), unit()["ExecStart"]).split()
    assert words[0] == "/usr/bin/wallboard-asterisk-bridge"
    argv = [str(config) if w == "/etc/wallboard/bridge.toml" else w for w in words[1:]]
    assert bridge.main([*argv, "--check"]) == 0
    out = capsys.readouterr().out
    assert "ok: AMI 127.0.0.1:5038 as wallboard" in out and "2 token(s)" in out and "s3cret" not in out


def test_the_freeswitch_units_command_line_is_accepted(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from wallboard import fsbridge

    def read(name: str) -> dict[str, str]:
        return dict(line.split("=", 1) for line in (BRIDGE / name).read_text().splitlines()
                    if "=" in line and not line.startswith("#"))
    u = read("wallboard-freeswitch-bridge.service")
    assert (u["Restart"], u["User"], u["EnvironmentFile"]) == ("always", "wallboard-bridge",
                                                               "/etc/wallboard/freeswitch-bridge.env")
    assert "chown root:wallboard-bridge \"$f\"" in (BRIDGE / "postinst").read_text()
    assert "freeswitch-bridge.env" in (BRIDGE / "postinst").read_text()
    env = {**read("freeswitch-bridge.env"), "ESL_PASSWORD": "s3cret", "SV_TOKEN": "sv", "TV_TOKEN": "tv"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    config = tmp_path / "freeswitch-bridge.toml"
    config.write_text((Path(__file__).resolve().parents[1] / "resources" / "freeswitch" / "bridge.example.toml")
                      .read_text("utf-8"), "utf-8")
    words = re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m[1], ""), u["ExecStart"]).split()
    assert words[0] == "/usr/bin/wallboard-freeswitch-bridge"
    argv = [str(config) if w == "/etc/wallboard/freeswitch-bridge.toml" else w for w in words[1:]]
    assert fsbridge.main([*argv, "--check"]) == 0
    out = capsys.readouterr().out
    assert "ok: event socket 127.0.0.1:8021, 2 queues configured" in out and "s3cret" not in out


def test_the_relays_unit_is_accepted_and_its_settings_kept_private(monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from wallboard import relay

    def read(name: str) -> dict[str, str]:
        return dict(line.split("=", 1) for line in (BRIDGE / name).read_text().splitlines()
                    if "=" in line and not line.startswith("#"))
    u = read("wallboard-relay.service")
    assert read("relay.env")["RELAY_SITES"].startswith('"'), "quoted: systemd and check.sh's shell read one value"
    assert (u["Restart"], u["User"], u["EnvironmentFile"], u["RestartPreventExitStatus"]) == (
        "always", "wallboard-bridge", "/etc/wallboard/relay.env", "2")
    assert "/etc/wallboard/relay.env" in (BRIDGE / "postinst").read_text()
    assert "wallboard-relay" in (BRIDGE / "prerm").read_text()
    env = {**{k: v.strip('"') for k, v in read("relay.env").items()}, "SV_TOKEN": "sv", "TV_TOKEN": "tv"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    words = re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m[1], ""), u["ExecStart"]).split()
    assert words[0] == "/usr/bin/wallboard-relay"
    assert relay.main([*words[1:], "--check"]) == 0
    assert "ok: sites tokyo from nats://127.0.0.1:4222" in capsys.readouterr().out
